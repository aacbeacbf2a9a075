//! The one graph search of the generator: which models can be reached from some start
//! along some relation. Cycle breaking, alias-cycle checks and the closure of the models an
//! operation needs are all questions of this shape. The relations the passes share live
//! here too: the models a model or an operation names. (The type an alias stands for is
//! `ir::through_aliases`: a question of the IR alone.)

use std::collections::BTreeSet;

use crate::ir::{Api, BodyKind, ModelId, ModelKind, Operation, ResponseKind, Type};

/// Every model reachable from `starts` by following `edges` zero or more times (the starts
/// included), in id order.
pub fn reachable(
    starts: impl IntoIterator<Item = ModelId>,
    edges: impl Fn(ModelId) -> Vec<ModelId>,
) -> BTreeSet<ModelId> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<ModelId> = starts.into_iter().collect();
    while let Some(current) = stack.pop() {
        if seen.insert(current) {
            stack.extend(edges(current));
        }
    }
    seen
}

/// Whether `to` can be reached from `from` in one or more steps.
pub fn reaches(from: ModelId, to: ModelId, edges: impl Fn(ModelId) -> Vec<ModelId>) -> bool {
    reachable(edges(from), &edges).contains(&to)
}

/// The models a type names anywhere inside it (through arrays and maps).
pub fn named_in(ty: &Type, out: &mut Vec<ModelId>) {
    match ty {
        Type::Model(id) => out.push(*id),
        Type::Array(inner) | Type::Map(inner) => named_in(inner, out),
        _ => {}
    }
}

/// The models a model names directly: its fields' types, or an alias's target.
pub fn model_edges(api: &Api, id: ModelId) -> Vec<ModelId> {
    let mut out = Vec::new();
    match &api.model(id).kind {
        ModelKind::Struct(model) => {
            for field in &model.fields {
                named_in(&field.ty, &mut out);
            }
        }
        ModelKind::Alias(ty) => named_in(ty, &mut out),
        ModelKind::Enum(_) => {}
    }
    out
}

/// The models an operation's request body names.
pub fn sent_models(operation: &Operation, out: &mut Vec<ModelId>) {
    match operation.body.as_ref().map(|body| &body.kind) {
        Some(BodyKind::Json(ty)) => named_in(ty, out),
        Some(BodyKind::Form(id)) => out.push(*id),
        _ => {}
    }
}

/// The models an operation's answers name: its success body and its declared error bodies.
pub fn received_models(operation: &Operation, out: &mut Vec<ModelId>) {
    if let Some(ResponseKind::Json(ty)) = operation.response.body.as_ref().map(|body| &body.kind) {
        named_in(ty, out);
    }
    for error in &operation.errors {
        if let Some(ty) = &error.body {
            named_in(ty, out);
        }
    }
}

/// Every model an operation names directly: its parameters' types, its request body and
/// its answers.
pub fn operation_models(operation: &Operation) -> Vec<ModelId> {
    let mut out = Vec::new();
    for param in &operation.params {
        named_in(&param.ty, &mut out);
    }
    sent_models(operation, &mut out);
    received_models(operation, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reachability_follows_edges_and_stops_at_cycles() {
        // 0 -> 1 -> 2 -> 1, 3 alone.
        let edges = |id: ModelId| match id.0 {
            0 => vec![ModelId(1)],
            1 => vec![ModelId(2)],
            2 => vec![ModelId(1)],
            _ => vec![],
        };
        let found: Vec<usize> = reachable([ModelId(0)], edges)
            .into_iter()
            .map(|id| id.0)
            .collect();
        assert_eq!(found, [0, 1, 2]);
        assert!(reaches(ModelId(1), ModelId(1), edges));
        assert!(!reaches(ModelId(0), ModelId(0), edges));
        assert!(!reaches(ModelId(3), ModelId(0), edges));
    }
}
