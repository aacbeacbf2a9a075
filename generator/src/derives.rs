//! Derivations: which traits each model gets beyond the ones all models have, decided once
//! over the finished type space.

use crate::graph;
use crate::ir::{Api, ModelId, ModelKind};

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
/// never uses keeps the crate quick to compile; feature `serde` adds them back. A
/// model no operation uses travels neither way, so a spec that starts using it only adds
/// impls.
pub fn mark_directions(api: &mut Api) {
    let mut sent_starts = Vec::new();
    let mut received_starts = Vec::new();
    for operation in &api.operations {
        graph::sent_models(operation, &mut sent_starts);
        graph::received_models(operation, &mut received_starts);
    }
    let edges = |id| graph::model_edges(api, id);
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
