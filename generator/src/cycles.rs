//! Cycle breaking: a struct that contains itself by value, directly or through other
//! structs, has infinite size, so the fields that close such a cycle are boxed. A pass over
//! the finished type space, as typify's `cycles.rs` is.

use crate::graph;
use crate::ir::{Api, ModelId, ModelKind, Type};

/// The struct a field of this type holds by value (not behind a `Vec` or map), seen
/// through aliases.
fn held_struct(api: &Api, ty: &Type) -> Option<ModelId> {
    match api.through_aliases(ty) {
        Type::Model(id) if matches!(api.model(*id).kind, ModelKind::Struct(_)) => Some(*id),
        _ => None,
    }
}

/// Boxes every field whose struct reaches, by value, the struct holding it.
pub fn box_recursive_fields(api: &mut Api) {
    let holds = |id: ModelId| match &api.model(id).kind {
        ModelKind::Struct(model) => model
            .fields
            .iter()
            .filter_map(|field| held_struct(api, &field.ty))
            .collect(),
        _ => Vec::new(),
    };
    // A field closes a cycle when its struct reaches, by value, the struct holding it:
    // the two are then in one component (or are one struct).
    let component = graph::components(api.models.len(), holds);
    let mut boxed = Vec::new();
    for (index, model) in api.models.iter().enumerate() {
        let ModelKind::Struct(model) = &model.kind else {
            continue;
        };
        for (field_index, field) in model.fields.iter().enumerate() {
            if let Some(held) = held_struct(api, &field.ty) {
                if held == ModelId(index) || component[held.0] == component[index] {
                    boxed.push((index, field_index));
                }
            }
        }
    }
    for (index, field_index) in boxed {
        if let ModelKind::Struct(model) = &mut api.models[index].kind {
            model.fields[field_index].boxed = true;
        }
    }
}
