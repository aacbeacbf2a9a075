//! What the mock answers when no test set an answer: IAM's project and account lists, STS's
//! caller identity, pages of the items a test set, and the default answer an operation's
//! description gives; and the HTTP response an answer becomes.

use bytes::Bytes;
use http_body_util::Full;
use hyper::{Response, StatusCode};
use serde_json::Value;

use super::description::{resolve, Description, OperationSpec, Schema};
use super::state::State;
use super::{MockAnswer, RecordedRequest, DEFAULT_PAGE_LIMIT, MOCK_DOMAIN_ID, MOCK_PROJECT_ID};
use crate::{discovery, Operation};

/// A call project and account discovery send to IAM or STS, which every mock answers as
/// those services would for the mock's credentials (a test's answer under its operation
/// name first): the operation, and its answer.
pub(super) type DiscoveryCall = (
    &'static Operation,
    fn(&State, &RecordedRequest) -> MockAnswer,
);

/// The discovery call `request` is, if any.
pub(super) fn discovery_call(request: &RecordedRequest) -> Option<DiscoveryCall> {
    let calls: [DiscoveryCall; 3] = [
        (&discovery::KEYSTONE_LIST_PROJECTS, iam_projects),
        (&discovery::KEYSTONE_LIST_AUTH_DOMAINS, iam_domains),
        (&discovery::GET_CALLER_IDENTITY, sts_caller_identity),
    ];
    calls.into_iter().find(|(operation, _)| {
        operation.method.as_str() == request.method && operation.path == request.path
    })
}

/// IAM's answer to `GET /v3/projects?name=...`: the projects a test set, else one of that
/// name, with every field IAM's own answer has.
fn iam_projects(state: &State, request: &RecordedRequest) -> MockAnswer {
    let base = "https://iam.myhuaweicloud.com/v3";
    let name = request
        .query_pairs()
        .into_iter()
        .find(|(key, _)| key == "name")
        .map(|(_, value)| value);
    let known = state.projects.lock().ok().and_then(|known| known.clone());
    let listed: Vec<(String, String)> = match (known, name) {
        (None, Some(name)) => vec![(MOCK_PROJECT_ID.to_owned(), name)],
        (None, None) => Vec::new(),
        (Some(known), name) => known
            .into_iter()
            .filter(|(_, project)| name.as_deref().is_none_or(|name| name == project))
            .collect(),
    };
    let projects: Vec<Value> = listed
        .into_iter()
        .map(|(id, name)| {
            serde_json::json!({
                "id": id,
                "name": name,
                "domain_id": MOCK_DOMAIN_ID,
                "parent_id": MOCK_DOMAIN_ID,
                "is_domain": false,
                "enabled": true,
                "description": "",
                "links": {"self": format!("{base}/projects/{id}")},
            })
        })
        .collect();
    MockAnswer::json(
        200,
        serde_json::json!({
            "projects": projects,
            "links": {"self": format!("{base}/projects"), "previous": "", "next": ""},
        }),
    )
}

/// IAM's answer to `GET /v3/auth/domains`: the one account of the credentials, with every
/// field IAM's own answer has.
fn iam_domains(_: &State, _: &RecordedRequest) -> MockAnswer {
    let base = "https://iam.myhuaweicloud.com/v3";
    MockAnswer::json(
        200,
        serde_json::json!({
            "domains": [{
                "id": MOCK_DOMAIN_ID,
                "name": "mock-account",
                "enabled": true,
                "description": "",
                "links": {"self": format!("{base}/domains/{MOCK_DOMAIN_ID}")},
            }],
            "links": {"self": format!("{base}/auth/domains")},
        }),
    )
}

/// STS's answer to `GET /v5/caller-identity`: the mock's account, as `account_id` (which
/// the official SDK reads), with the caller's user.
fn sts_caller_identity(_: &State, _: &RecordedRequest) -> MockAnswer {
    MockAnswer::json(
        200,
        serde_json::json!({
            "account_id": MOCK_DOMAIN_ID,
            "principal_id": "mock-user-id",
            "principal_urn": format!("iam::{MOCK_DOMAIN_ID}:user:mock-user"),
        }),
    )
}

/// A page of the items a test set for a paged operation, with the total (or the next
/// page's marker).
pub(super) fn paged_answer(
    state: &State,
    operation: &OperationSpec,
    request: &RecordedRequest,
) -> Option<MockAnswer> {
    let paging = operation.pagination.as_ref()?;
    let items_path = paging.items_path()?;
    // The request's values as text, from the query or the JSON body, read once.
    let json = if paging.location == "query" {
        None
    } else {
        request.json()
    };
    let pairs = request.query_pairs();
    let text = |name: Option<&String>| -> Option<String> {
        let name = name?;
        match &json {
            None => pairs
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone()),
            Some(json) => match json.get(name)? {
                Value::String(text) => Some(text.clone()),
                other => Some(other.to_string()),
            },
        }
    };
    let number = |name: Option<&String>| -> Option<usize> { text(name)?.parse().ok() };
    let limit = number(paging.limit.as_ref()).unwrap_or(DEFAULT_PAGE_LIMIT);
    let (page, count, end) = {
        let collections = state.collections.lock().ok()?;
        let items = collections.get(&operation.name)?;
        let start = match (&paging.page, &paging.next_item) {
            // Page numbers count from `first`; an unset page is the first.
            (Some(page), _) => {
                let first = paging
                    .first
                    .and_then(|first| usize::try_from(first).ok())
                    .unwrap_or(1);
                let page = number(Some(page)).unwrap_or(first);
                page.saturating_sub(first).saturating_mul(limit)
            }
            // The marker names the last item of the page before: start after it.
            (None, Some(field)) => match text(paging.marker.as_ref()) {
                None => 0,
                Some(marker) => items
                    .iter()
                    .position(|item| item.get(field).and_then(Value::as_str) == Some(&marker))
                    .map_or(items.len(), |index| index + 1),
            },
            // A marker the mock hands back is the offset written as text: as good as any
            // opaque token.
            (None, None) => number(paging.offset.as_ref().or(paging.marker.as_ref())).unwrap_or(0),
        };
        let start = start.min(items.len());
        let end = start.saturating_add(limit).min(items.len());
        (items[start..end].to_vec(), items.len(), end)
    };
    let mut body = match default_answer_body(&state.description, operation) {
        Value::Object(body) => body,
        _ => serde_json::Map::new(),
    };
    let description = &state.description;
    let schema = operation.response.schema.as_ref();
    insert_at(
        description,
        schema,
        &mut body,
        &items_path,
        Value::from(page),
    );
    if let Some(total) = paging.total_path() {
        insert_at(description, schema, &mut body, &total, Value::from(count));
    }
    if let Some(next) = paging.next_path() {
        if end < count {
            let marker = Value::from(end.to_string());
            insert_at(description, schema, &mut body, &next, marker);
        } else {
            remove_at(&mut body, &next);
        }
    }
    Some(MockAnswer::json(
        operation.response.status,
        Value::Object(body),
    ))
}

/// Sets the value at `path` (wire names through object properties of `schema`, the body's),
/// making the objects on the way where they are missing or not objects: each the smallest
/// value its schema accepts, so that its required properties are there.
fn insert_at(
    description: &Description,
    schema: Option<&Schema>,
    body: &mut serde_json::Map<String, Value>,
    path: &[&str],
    value: Value,
) {
    let Some((last, objects)) = path.split_last() else {
        return;
    };
    let mut object = body;
    let mut schema = schema;
    for name in objects {
        let property = schema.and_then(|schema| resolve(description, schema).properties.get(*name));
        let slot = object.entry(name.to_string()).or_insert(Value::Null);
        if !slot.is_object() {
            *slot = match property.map(|property| minimal(description, property, 0)) {
                Some(Value::Object(made)) => Value::Object(made),
                _ => Value::Object(serde_json::Map::new()),
            };
        }
        let Value::Object(inner) = slot else {
            return;
        };
        object = inner;
        schema = property;
    }
    object.insert(last.to_string(), value);
}

/// Removes the value at `path`, if there is one.
fn remove_at(body: &mut serde_json::Map<String, Value>, path: &[&str]) {
    let Some((last, objects)) = path.split_last() else {
        return;
    };
    let mut object = body;
    for name in objects {
        match object.get_mut(*name) {
            Some(Value::Object(inner)) => object = inner,
            _ => return,
        }
    }
    object.remove(*last);
}

/// The JSON body the mock answers an operation with when no test set one.
pub(super) fn default_answer_body(description: &Description, operation: &OperationSpec) -> Value {
    let response = &operation.response;
    response.example.clone().unwrap_or_else(|| {
        response
            .schema
            .as_ref()
            .map_or(Value::Null, |schema| minimal(description, schema, 0))
    })
}

/// The answer when no test set one: the spec's example, or a minimal valid body.
pub(super) fn default_answer(description: &Description, operation: &OperationSpec) -> MockAnswer {
    let response = &operation.response;
    let status = response.status;
    match response.media_type.as_deref() {
        None => MockAnswer::raw(status, "application/json", Bytes::new()),
        Some(media_type) if media_type.contains("json") => {
            MockAnswer::json(status, default_answer_body(description, operation))
        }
        Some(media_type) => MockAnswer::raw(
            status,
            media_type,
            Bytes::from_static(b"mock file content\n"),
        ),
    }
}

/// The smallest value a schema accepts: required properties only, first enum values.
pub(super) fn minimal(description: &Description, schema: &Schema, depth: usize) -> Value {
    let schema = resolve(description, schema);
    if depth > 16 {
        return Value::Null;
    }
    match schema.kind.as_deref() {
        Some("string") => Value::String(
            schema
                .values
                .first()
                .cloned()
                .unwrap_or_else(|| "string".to_owned()),
        ),
        Some("integer") | Some("number") => Value::from(0),
        Some("boolean") => Value::Bool(false),
        Some("array") => Value::Array(Vec::new()),
        Some("object") => {
            let mut object = serde_json::Map::new();
            let names = if schema.order.is_empty() {
                schema.properties.keys().cloned().collect()
            } else {
                schema.order.clone()
            };
            for name in names {
                if !schema.required.contains(&name) {
                    continue;
                }
                if let Some(property) = schema.properties.get(&name) {
                    object.insert(name.clone(), minimal(description, property, depth + 1));
                }
            }
            Value::Object(object)
        }
        _ => Value::Object(serde_json::Map::new()),
    }
}

pub(super) fn reply(
    status: u16,
    headers: &[(String, String)],
    body: Bytes,
) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let map = response.headers_mut();
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(name.as_bytes()),
            http::HeaderValue::from_str(value),
        ) {
            map.append(name, value);
        }
    }
    if !map.contains_key("x-request-id") {
        let request_id = format!(
            "mock-{:016x}-{}",
            fastrand::u64(..),
            time::OffsetDateTime::now_utc().unix_timestamp()
        );
        if let Ok(value) = http::HeaderValue::from_str(&request_id) {
            map.insert("x-request-id", value);
        }
    }
    response
}
