//! One Cargo feature per tag, so a user who needs a few operation groups compiles only those
//! and the models they reach. A pass over the finished type space: each operation gets the
//! features of its tags, each model the features of the operations that reach it.

use std::collections::{BTreeMap, BTreeSet};

use crate::graph;
use crate::ir::{Api, ModelId};
use crate::names;

/// Feature names the generated crate defines itself; a tag taking one gets `-tag` added.
const RESERVED: [&str; 3] = ["default", "mock", "serde"];

/// The feature name of a tag: its kebab-case form.
fn feature_name(tag: &str) -> String {
    let name = names::kebab(tag);
    if RESERVED.contains(&name.as_str()) {
        format!("{name}-tag")
    } else {
        name
    }
}

/// Sets the features of the API, its operations and its models.
pub fn assign(api: &mut Api) {
    let mut features: Vec<String> = Vec::new();
    for operation in &mut api.operations {
        let mut own: Vec<String> = operation.tags.iter().map(|tag| feature_name(tag)).collect();
        own.dedup();
        for feature in &own {
            if !features.contains(feature) {
                features.push(feature.clone());
            }
        }
        operation.features = own;
    }
    let edges = |id| graph::model_edges(api, id);
    // Per model: the features needing it, or `None` once an untagged operation does.
    let mut needed: BTreeMap<ModelId, Option<BTreeSet<String>>> = BTreeMap::new();
    for operation in &api.operations {
        for id in graph::reachable(graph::operation_models(operation), edges) {
            let entry = needed.entry(id).or_insert_with(|| Some(BTreeSet::new()));
            match entry {
                Some(set) if !operation.features.is_empty() => {
                    set.extend(operation.features.iter().cloned());
                }
                _ => *entry = None,
            }
        }
    }
    for (id, set) in needed {
        // In the order of the features, not alphabetical, so output follows the spec.
        api.models[id.0].features = set.map(|set| {
            features
                .iter()
                .filter(|feature| set.contains(*feature))
                .cloned()
                .collect()
        });
    }
    api.features = features;
}
