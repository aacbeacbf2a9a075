//! The service description a generated crate hands the mock (`mock.json`, written by the
//! generator's `describe`): the JSON contract between the two. Every struct refuses keys
//! it does not know, so a key the generator misspells fails the mock's start instead of
//! being ignored.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

/// The service description a generated crate embeds (`mock.json`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Description {
    /// The stamp every generated file carries (read, not used).
    #[serde(rename = "@generated", default)]
    pub(super) _stamp: Option<String>,
    pub(super) service: String,
    #[serde(default)]
    pub(super) schemas: BTreeMap<String, Schema>,
    pub(super) operations: Vec<OperationSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct OperationSpec {
    pub(super) name: String,
    pub(super) method: String,
    pub(super) path: String,
    #[serde(default)]
    pub(super) params: Vec<ParamSpec>,
    #[serde(default)]
    pub(super) body: Option<BodySpec>,
    pub(super) response: ResponseSpec,
    #[serde(default)]
    pub(super) pagination: Option<PaginationSpec>,
}

/// How a paged operation pages (`x-pagination`), by wire names and with its keys: an
/// offset or a page number (and a total), or a marker (and the next one, or the item field
/// that gives it). `*_path` values are dot-separated wire names through object properties
/// of the response body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PaginationSpec {
    /// `query` or `body`: where offset, page or marker, and limit, are.
    #[serde(rename = "in")]
    pub(super) location: String,
    #[serde(default)]
    pub(super) offset: Option<String>,
    #[serde(default)]
    pub(super) page: Option<String>,
    /// The number of the first page (with `page`; 1 when absent).
    #[serde(default)]
    pub(super) first: Option<u64>,
    #[serde(default)]
    pub(super) limit: Option<String>,
    #[serde(default)]
    pub(super) items: Option<String>,
    #[serde(default)]
    pub(super) items_path: Option<String>,
    #[serde(default)]
    pub(super) total: Option<String>,
    #[serde(default)]
    pub(super) total_path: Option<String>,
    #[serde(default)]
    pub(super) marker: Option<String>,
    #[serde(default)]
    pub(super) next: Option<String>,
    #[serde(default)]
    pub(super) next_path: Option<String>,
    /// The string field of an item that is the marker of the page after it.
    #[serde(default)]
    pub(super) next_item: Option<String>,
}

impl PaginationSpec {
    /// Where the items are: the wire names from the response body down.
    pub(super) fn items_path(&self) -> Option<Vec<&str>> {
        path(&self.items, &self.items_path)
    }

    /// Where the total is, if the service reports one.
    pub(super) fn total_path(&self) -> Option<Vec<&str>> {
        path(&self.total, &self.total_path)
    }

    /// Where the next page's marker is, if the service hands one back.
    pub(super) fn next_path(&self) -> Option<Vec<&str>> {
        path(&self.next, &self.next_path)
    }
}

/// A property of the body (`name`), or one reached through object properties (`path`).
fn path<'a>(name: &'a Option<String>, path: &'a Option<String>) -> Option<Vec<&'a str>> {
    match (name, path) {
        (Some(name), _) => Some(vec![name.as_str()]),
        (None, Some(path)) => Some(path.split('.').collect()),
        (None, None) => None,
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ParamSpec {
    pub(super) name: String,
    #[serde(rename = "in")]
    pub(super) location: String,
    #[serde(default)]
    pub(super) required: bool,
    #[serde(default)]
    pub(super) schema: Schema,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BodySpec {
    pub(super) media_type: String,
    #[serde(default)]
    pub(super) required: bool,
    #[serde(default)]
    pub(super) schema: Schema,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ResponseSpec {
    pub(super) status: u16,
    #[serde(default)]
    pub(super) media_type: Option<String>,
    #[serde(default)]
    pub(super) schema: Option<Schema>,
    #[serde(default)]
    pub(super) example: Option<Value>,
}

/// A schema as the generator describes it: a small subset of JSON Schema.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct Schema {
    #[serde(rename = "type")]
    pub(super) kind: Option<String>,
    #[serde(rename = "ref")]
    pub(super) reference: Option<String>,
    #[serde(rename = "enum")]
    pub(super) values: Vec<String>,
    pub(super) items: Option<Box<Schema>>,
    pub(super) properties: BTreeMap<String, Schema>,
    /// Property names in spec order (`properties` is sorted).
    pub(super) order: Vec<String>,
    pub(super) required: Vec<String>,
    pub(super) additional: Option<Box<Schema>>,
    pub(super) nullable: bool,
}

pub(super) fn resolve<'s>(description: &'s Description, schema: &'s Schema) -> &'s Schema {
    let mut current = schema;
    for _ in 0..32 {
        match current
            .reference
            .as_deref()
            .and_then(|name| description.schemas.get(name))
        {
            Some(target) => current = target,
            None => break,
        }
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_description_with_an_unknown_key_is_refused() {
        let good = r#"{"service": "S", "operations": [{"name": "Get", "method": "GET",
            "path": "/v1/x", "response": {"status": 200}}]}"#;
        assert!(serde_json::from_str::<Description>(good).is_ok());
        for bad in [
            r#"{"service": "S", "operations": [], "extra": 1}"#,
            r#"{"service": "S", "operations": [{"name": "Get", "method": "GET",
                "path": "/v1/x", "response": {"status": 200}, "idempotent": true}]}"#,
            r#"{"service": "S", "operations": [{"name": "Get", "method": "GET",
                "path": "/v1/x", "response": {"status": 200, "mediatype": "text/plain"}}]}"#,
            r#"{"service": "S", "operations": [], "schemas": {"M": {"type": "object",
                "propertys": {}}}}"#,
        ] {
            let error =
                serde_json::from_str::<Description>(bad).expect_err("an unknown key is an error");
            assert!(error.to_string().contains("unknown field"), "{error}");
        }
    }
}
