//! The model name of a component schema: its name in PascalCase, except where
//! `use models::*; use operations::*; use <crate>::*;` would then meet the same name twice.
//! A schema named like an operation's request, response, error or success type
//! (`ListAlertsResponse`, the body the official SDK's response class holds) is
//! `ListAlertsResponseBody`; one named like a prelude item or a crate-root export (`Result`,
//! `Region`) is `ResultModel`. When a schema already has that name, the next suffix is
//! taken; a collision left is reported when the name is claimed.

use std::collections::BTreeSet;

use openapiv3 as oa;

use super::operations::VARIANTS_EXTENSION;
use crate::names;

/// Names that `use models::*;` would shadow in a user's module: the prelude's types and
/// traits, and what the generated crate's root exports. A schema so named is the model
/// `…Model`.
const GLOB_SHADOWED: [&str; 49] = [
    "AsMut",
    "AsRef",
    "Box",
    "Clone",
    "Copy",
    "Default",
    "Drop",
    "Eq",
    "Extend",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "Into",
    "IntoIterator",
    "Iterator",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Send",
    "Sized",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "TryFrom",
    "TryInto",
    "Unpin",
    "Vec",
    "Attempt",
    "CallOptions",
    "Client",
    "ClientBuilder",
    "Credentials",
    "CredentialsProvider",
    "Error",
    "Interceptor",
    "Items",
    "Outcome",
    "Page",
    "Pages",
    "Region",
    "RetryPolicy",
    "Secret",
    "ServiceError",
    "SigningAlgorithm",
    "UnknownValue",
];

/// What a spec's schema names become.
pub(super) struct ModelNames {
    /// `<Op>Request`, `<Op>Response`, `<Op>Error` and `<Op>Success` of every operation.
    operation_types: BTreeSet<String>,
    /// Every schema's name in PascalCase.
    schema_names: BTreeSet<String>,
}

impl ModelNames {
    pub(super) fn new(spec: &oa::OpenAPI) -> Self {
        let mut operation_types = BTreeSet::new();
        for item in spec.paths.paths.values() {
            let oa::ReferenceOr::Item(item) = item else {
                continue;
            };
            for (_, operation) in item.iter() {
                // The operation's own id, and those of the variants it lists: each becomes
                // an operation with types of its own.
                let variants = operation
                    .extensions
                    .get(VARIANTS_EXTENSION)
                    .and_then(serde_json::Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|variant| variant.get("operationId")?.as_str());
                for id in operation
                    .operation_id
                    .as_deref()
                    .into_iter()
                    .chain(variants)
                {
                    let pascal = names::pascal(id);
                    for suffix in ["Request", "Response", "Error", "Success"] {
                        operation_types.insert(format!("{pascal}{suffix}"));
                    }
                }
            }
        }
        let schema_names = spec
            .components
            .iter()
            .flat_map(|components| components.schemas.keys())
            .map(|name| names::pascal(name))
            .collect();
        ModelNames {
            operation_types,
            schema_names,
        }
    }

    /// The model name of the schema `name`.
    pub(super) fn of(&self, name: &str) -> String {
        let mut pascal = names::pascal(name);
        let suffixes: &[&str] = if self.operation_types.contains(&pascal) {
            &["Body", "Schema", "Model"]
        } else if GLOB_SHADOWED.contains(&pascal.as_str()) {
            &["Model", "Schema"]
        } else {
            &[]
        };
        if let Some(suffix) = suffixes
            .iter()
            .find(|suffix| !self.schema_names.contains(&format!("{pascal}{suffix}")))
            .or(suffixes.first())
        {
            pascal.push_str(suffix);
        }
        pascal
    }
}
