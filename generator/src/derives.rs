//! Derivations: which traits each model gets beyond the ones all models have, decided once
//! over the finished type space.

use crate::ir::{Api, ModelKind};

/// Marks the structs that derive `Default`: those whose every field is optional, so the
/// default value is a valid one (nothing required is left unset).
pub fn derive_defaults(api: &mut Api) {
    for model in &mut api.models {
        if let ModelKind::Struct(model) = &mut model.kind {
            model.default = model.fields.iter().all(|field| field.optional());
        }
    }
}
