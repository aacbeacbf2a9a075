//! Derivations: which traits each model gets beyond the ones all models have, decided once
//! over the finished type space.

use crate::graph;
use crate::ir::{Api, BodyKind, ModelId, ModelKind, ResponseKind};

/// Marks the structs that derive `Default`: those whose every field is optional, so the
/// default value is a valid one (nothing required is left unset).
pub fn derive_defaults(api: &mut Api) {
    for model in &mut api.models {
        if let ModelKind::Struct(model) = &mut model.kind {
            model.default = model.fields.iter().all(|field| field.optional());
        }
    }
}

/// Marks which way each struct travels: `sent` when a request body can carry it (it gets
/// a builder and `Serialize`), `received` when a response can (it gets `Deserialize`).
/// Most models of a whole service travel one way only, and leaving out the impls the API
/// never uses keeps the crate quick to compile; feature `extra-traits` adds them back. A
/// model no operation uses travels neither way, so a spec that starts using it only adds
/// impls.
pub fn mark_directions(api: &mut Api) {
    let mut sent_starts = Vec::new();
    let mut received_starts = Vec::new();
    for operation in &api.operations {
        match operation.body.as_ref().map(|body| &body.kind) {
            Some(BodyKind::Json(ty)) => graph::named_in(ty, &mut sent_starts),
            Some(BodyKind::Form(id)) => sent_starts.push(*id),
            _ => {}
        }
        if let Some(ResponseKind::Json(ty)) =
            operation.response.body.as_ref().map(|body| &body.kind)
        {
            graph::named_in(ty, &mut received_starts);
        }
        for error in &operation.errors {
            if let Some(ty) = &error.body {
                graph::named_in(ty, &mut received_starts);
            }
        }
    }
    let edges = |id: ModelId| {
        let mut out = Vec::new();
        match &api.model(id).kind {
            ModelKind::Struct(model) => {
                for field in &model.fields {
                    graph::named_in(&field.ty, &mut out);
                }
            }
            ModelKind::Alias(ty) => graph::named_in(ty, &mut out),
            ModelKind::Enum(_) => {}
        }
        out
    };
    let sent = graph::reachable(sent_starts, edges);
    let received = graph::reachable(received_starts, edges);
    for (index, model) in api.models.iter_mut().enumerate() {
        if let ModelKind::Struct(model) = &mut model.kind {
            let id = ModelId(index);
            model.sent = sent.contains(&id);
            model.received = received.contains(&id);
            // A model no operation uses gets neither: whichever way a later version of the
            // spec starts to use it, its impls are then only added, never taken away.
        }
    }
}
