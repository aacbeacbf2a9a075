//! The one graph search of the generator: which models can be reached from some start
//! along some relation. Cycle breaking and alias-cycle checks ask [`on_cycle`] and [`components`];
//! the closure of the models an operation needs asks [`reachable`]. The relations the passes share live
//! here too: the models a model or an operation names. (The type an alias stands for is
//! `ir::through_aliases`: a question of the IR alone.)

use std::collections::BTreeSet;

use crate::ir::{Api, BodyKind, ModelId, ModelKind, Operation, Type};

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

/// Which models lie on a cycle of `edges`: `on_cycle[i]` is whether model `i` reaches
/// itself in one or more steps (it shares a component with another model, or names itself).
pub fn on_cycle(count: usize, edges: impl Fn(ModelId) -> Vec<ModelId>) -> Vec<bool> {
    let component = components(count, &edges);
    let mut size = vec![0usize; count];
    for &id in &component {
        size[id] += 1;
    }
    (0..count)
        .map(|id| size[component[id]] > 1 || edges(ModelId(id)).contains(&ModelId(id)))
        .collect()
}

/// Which strongly connected component each model is in: models that reach each other share
/// one. One pass over the graph (Tarjan's algorithm, with a stack of its own rather than
/// recursion), so a chain of a hundred thousand models costs no more than its edges.
pub fn components(count: usize, edges: impl Fn(ModelId) -> Vec<ModelId>) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let mut index = vec![UNSEEN; count];
    let mut low = vec![0; count];
    let mut on_stack = vec![false; count];
    let mut stack = Vec::new();
    let mut component = vec![0; count];
    let mut next_index = 0;
    let mut next_component = 0;
    for root in 0..count {
        if index[root] != UNSEEN {
            continue;
        }
        // Each frame: a model and its edges not yet followed.
        let mut frames: Vec<(usize, std::vec::IntoIter<ModelId>)> = Vec::new();
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        frames.push((root, edges(ModelId(root)).into_iter()));
        while let Some((node, targets)) = frames.last_mut() {
            let node = *node;
            if let Some(ModelId(target)) = targets.next() {
                if index[target] == UNSEEN {
                    index[target] = next_index;
                    low[target] = next_index;
                    next_index += 1;
                    stack.push(target);
                    on_stack[target] = true;
                    frames.push((target, edges(ModelId(target)).into_iter()));
                } else if on_stack[target] {
                    low[node] = low[node].min(index[target]);
                }
                continue;
            }
            frames.pop();
            if let Some((parent, _)) = frames.last() {
                low[*parent] = low[*parent].min(low[node]);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

/// The models a type names anywhere inside it (through arrays and maps), the alternatives
/// of a `oneOf` or `anyOf` value included: the value's docs link to them, so they travel
/// (and are compiled) where it does.
pub fn named_in(ty: &Type, out: &mut Vec<ModelId>) {
    match ty {
        Type::Model(id) => out.push(*id),
        Type::Array(inner) | Type::Map(inner) => named_in(inner, out),
        Type::Alternatives(alternatives) => {
            for member in &alternatives.members {
                named_in(member, out);
            }
        }
        _ => {}
    }
}

/// The models the Rust type of `ty` names (through arrays and maps): unlike [`named_in`],
/// not the alternatives of a `oneOf` or `anyOf` value, which is a JSON value in Rust.
pub fn named_in_rust_type(ty: &Type, out: &mut Vec<ModelId>) {
    match ty {
        Type::Model(id) => out.push(*id),
        Type::Array(inner) | Type::Map(inner) => named_in_rust_type(inner, out),
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
        Some(BodyKind::Json(ty) | BodyKind::UrlEncoded(ty)) => named_in(ty, out),
        Some(BodyKind::Form(id)) => out.push(*id),
        _ => {}
    }
}

/// The models an operation's answers name: its success body and its declared error bodies.
pub fn received_models(operation: &Operation, out: &mut Vec<ModelId>) {
    if let Some(body) = &operation.response.body {
        for ty in body.kind.json_types() {
            named_in(ty, out);
        }
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
    fn reachability_and_cycles_follow_edges() {
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
        assert_eq!(on_cycle(4, edges), [false, true, true, false]);
        let component = components(4, edges);
        assert_eq!(component[1], component[2]);
        assert_ne!(component[0], component[1]);
        assert_ne!(component[3], component[0]);
    }

    #[test]
    fn a_model_naming_itself_is_on_a_cycle_and_a_long_chain_is_not() {
        let selfish = |id: ModelId| vec![id];
        assert_eq!(on_cycle(1, selfish), [true]);
        // A chain as long as the ones that took quadratic time before: no recursion, and
        // nothing on a cycle.
        let chain = |id: ModelId| {
            if id.0 + 1 < 200_000 {
                vec![ModelId(id.0 + 1)]
            } else {
                vec![]
            }
        };
        assert!(on_cycle(200_000, chain).iter().all(|cyclic| !cyclic));
        let ring = |id: ModelId| vec![ModelId((id.0 + 1) % 200_000)];
        assert!(on_cycle(200_000, ring).iter().all(|cyclic| *cyclic));
    }
}
