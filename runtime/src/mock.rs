//! A local mock of a service (feature `mock`): a real HTTP server on loopback that checks
//! AK/SK signatures (or a token) the way the API gateway does, routes requests by the
//! operations of a generated service description, checks them against its schemas and
//! answers with the spec's example or a minimal valid body.
//!
//! The engine names no service: a generated crate hands it the description its generator
//! wrote (`mock.json`), so every spec gets its own mock. Tests can set the answer of any
//! operation and read the requests it recorded.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde::Deserialize;
use serde_json::Value;
use tokio::net::TcpListener;

use crate::signer;

/// The project id the mock's IAM gives any project name, unless a test set others.
pub const MOCK_PROJECT_ID: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";

/// The page size the mock uses when a paged request sets no limit.
pub const DEFAULT_PAGE_LIMIT: usize = 10;

/// A request the mock received.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The operation the request was routed to, when one matched.
    pub operation: Option<String>,
    /// The method.
    pub method: String,
    /// The path, as received (still percent-encoded).
    pub path: String,
    /// The query string, as received.
    pub query: String,
    /// Header names (lower-case) and values, in the order received.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Bytes,
    /// Whether the signature (or token) was accepted.
    pub authenticated: bool,
}

impl RecordedRequest {
    /// The first value of a header (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The body as JSON, when it is JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// An answer a test sets for an operation.
#[derive(Debug, Clone)]
pub struct MockAnswer {
    kind: AnswerKind,
    delay: Duration,
}

#[derive(Debug, Clone)]
enum AnswerKind {
    Reply {
        status: u16,
        headers: Vec<(String, String)>,
        body: Bytes,
    },
    Drop,
}

impl MockAnswer {
    /// A JSON answer.
    pub fn json(status: u16, body: Value) -> Self {
        Self::raw(status, "application/json", body.to_string())
    }

    /// An answer with any body and content type.
    pub fn raw(status: u16, content_type: &str, body: impl Into<Bytes>) -> Self {
        MockAnswer {
            kind: AnswerKind::Reply {
                status,
                headers: vec![("content-type".to_owned(), content_type.to_owned())],
                body: body.into(),
            },
            delay: Duration::ZERO,
        }
    }

    /// An error answer in Huawei's format: `{"error_code": ..., "error_msg": ...}`.
    pub fn error(status: u16, code: &str, message: &str) -> Self {
        Self::json(
            status,
            serde_json::json!({ "error_code": code, "error_msg": message }),
        )
    }

    /// Closes the connection without answering.
    pub fn drop_connection() -> Self {
        MockAnswer {
            kind: AnswerKind::Drop,
            delay: Duration::ZERO,
        }
    }

    /// Adds a response header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let AnswerKind::Reply { headers, .. } = &mut self.kind {
            headers.push((name.to_owned(), value.to_owned()));
        }
        self
    }

    /// Waits this long before answering.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

/// The service description a generated crate embeds (`mock.json`).
#[derive(Debug, Deserialize)]
struct Description {
    service: String,
    #[serde(default)]
    schemas: BTreeMap<String, Schema>,
    operations: Vec<OperationSpec>,
}

#[derive(Debug, Deserialize)]
struct OperationSpec {
    name: String,
    method: String,
    path: String,
    #[serde(default)]
    params: Vec<ParamSpec>,
    #[serde(default)]
    body: Option<BodySpec>,
    response: ResponseSpec,
    #[serde(default)]
    pagination: Option<PaginationSpec>,
}

/// How a paged operation pages (`x-pagination`), by wire names: an offset (and a total),
/// or a marker (and the next one).
#[derive(Debug, Deserialize)]
struct PaginationSpec {
    /// `query` or `body`: where offset or marker, and limit, are.
    #[serde(rename = "in")]
    location: String,
    #[serde(default)]
    offset: Option<String>,
    #[serde(default)]
    limit: Option<String>,
    items: String,
    #[serde(default)]
    total: Option<String>,
    #[serde(default)]
    marker: Option<String>,
    #[serde(default)]
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ParamSpec {
    name: String,
    #[serde(rename = "in")]
    location: String,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    schema: Schema,
}

#[derive(Debug, Deserialize)]
struct BodySpec {
    media_type: String,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    schema: Schema,
}

#[derive(Debug, Deserialize)]
struct ResponseSpec {
    status: u16,
    #[serde(default)]
    media_type: Option<String>,
    #[serde(default)]
    schema: Option<Schema>,
    #[serde(default)]
    example: Option<Value>,
}

/// A schema as the generator describes it: a small subset of JSON Schema.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Schema {
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(rename = "ref")]
    reference: Option<String>,
    #[serde(rename = "enum")]
    values: Vec<String>,
    items: Option<Box<Schema>>,
    properties: BTreeMap<String, Schema>,
    /// Property names in spec order (`properties` is sorted).
    order: Vec<String>,
    required: Vec<String>,
    additional: Option<Box<Schema>>,
    nullable: bool,
}

struct State {
    description: Description,
    access_key: String,
    secret_key: String,
    token: Option<String>,
    requests: Mutex<Vec<RecordedRequest>>,
    /// Answers set by tests, by operation name.
    answers: Mutex<HashMap<String, SetAnswers>>,
    /// The items paged operations list, by operation name.
    collections: Mutex<HashMap<String, Vec<Value>>>,
    /// The projects IAM knows (id, name); `None`: one per name asked for.
    projects: Mutex<Option<Vec<(String, String)>>>,
}

/// The answers a test set for one operation: one-shot answers in order, then a standing one.
#[derive(Default)]
struct SetAnswers {
    queue: VecDeque<MockAnswer>,
    standing: Option<MockAnswer>,
}

/// A routed operation and its decoded path values.
type Routed<'d> = (&'d OperationSpec, Vec<(String, String)>);

/// The running mock. Stops when dropped.
pub struct MockServer {
    address: SocketAddr,
    state: Arc<State>,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("MockServer")
            .field("service", &self.state.description.service)
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl MockServer {
    /// Starts a mock of the described service on a free loopback port that accepts requests
    /// signed with this AK/SK. Generated crates wrap this as `mock::start`.
    pub async fn start(
        description: &str,
        access_key: &str,
        secret_key: &str,
    ) -> std::io::Result<MockServer> {
        Self::start_with(description, access_key, secret_key, None).await
    }

    /// Like [`start`](Self::start), also accepting `X-Auth-Token: token`.
    pub async fn start_with(
        description: &str,
        access_key: &str,
        secret_key: &str,
        token: Option<&str>,
    ) -> std::io::Result<MockServer> {
        let description: Description = serde_json::from_str(description).map_err(|error| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("the mock's service description is not valid: {error}"),
            )
        })?;
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let address = listener.local_addr()?;
        let state = Arc::new(State {
            description,
            access_key: access_key.to_owned(),
            secret_key: secret_key.to_owned(),
            token: token.map(str::to_owned),
            requests: Mutex::new(Vec::new()),
            answers: Mutex::new(HashMap::new()),
            collections: Mutex::new(HashMap::new()),
            projects: Mutex::new(None),
        });
        let served = state.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let state = served.clone();
                tokio::spawn(async move {
                    let service =
                        hyper::service::service_fn(move |request| handle(state.clone(), request));
                    // A client that hangs up mid-request is not the mock's problem, and a
                    // dropped connection is how `MockAnswer::drop_connection` works.
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(MockServer {
            address,
            state,
            task,
        })
    }

    /// The endpoint to give the client builder's `endpoint`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The names of the operations the mock serves, in spec order.
    pub fn operations(&self) -> Vec<&str> {
        self.state
            .description
            .operations
            .iter()
            .map(|operation| operation.name.as_str())
            .collect()
    }

    /// Answers every later call of `operation` with `answer` (after any queued answers).
    pub fn set_answer(&self, operation: &str, answer: MockAnswer) {
        if let Ok(mut answers) = self.state.answers.lock() {
            answers.entry(operation.to_owned()).or_default().standing = Some(answer);
        }
    }

    /// Answers the next call of `operation` with `answer`; several queue up in order.
    pub fn push_answer(&self, operation: &str, answer: MockAnswer) {
        if let Ok(mut answers) = self.state.answers.lock() {
            answers
                .entry(operation.to_owned())
                .or_default()
                .queue
                .push_back(answer);
        }
    }

    /// The items a paged operation lists: its answers then page them by the offset (or
    /// marker) and limit of each request (limit [`DEFAULT_PAGE_LIMIT`] when unset), with the
    /// total (or the next page's marker: the offset as text).
    /// Answers set with [`set_answer`](Self::set_answer) or
    /// [`push_answer`](Self::push_answer) still come first.
    pub fn set_items(&self, operation: &str, items: Vec<Value>) {
        if let Ok(mut collections) = self.state.collections.lock() {
            collections.insert(operation.to_owned(), items);
        }
    }

    /// The projects the mock's IAM (`GET /v3/projects?name=...`, for project id discovery)
    /// knows, as (id, name). Until this is called, it knows one project per name asked
    /// for, with the id [`MOCK_PROJECT_ID`].
    pub fn set_iam_projects(&self, projects: &[(&str, &str)]) {
        if let Ok(mut known) = self.state.projects.lock() {
            *known = Some(
                projects
                    .iter()
                    .map(|(id, name)| ((*id).to_owned(), (*name).to_owned()))
                    .collect(),
            );
        }
    }

    /// A minimal valid JSON request body of an operation (required properties only, first
    /// enum values), as the mock's checks accept it; `None` for an unknown operation or one
    /// without a JSON body.
    pub fn example_request_body(&self, operation: &str) -> Option<Value> {
        let description = &self.state.description;
        let body = description
            .operations
            .iter()
            .find(|candidate| candidate.name == operation)?
            .body
            .as_ref()?;
        Some(minimal(description, &body.schema, 0))
    }

    /// A minimal valid JSON value of a model (by its Rust type name), as
    /// [`example_request_body`](Self::example_request_body) builds them.
    pub fn example_value(&self, model: &str) -> Option<Value> {
        let description = &self.state.description;
        let schema = description.schemas.get(model)?;
        Some(minimal(description, schema, 0))
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state
            .requests
            .lock()
            .map(|requests| requests.clone())
            .unwrap_or_default()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Runs a future to completion on a fresh single-threaded runtime, which also drives the
/// mock's server: for tests that are not `async`. Fails only when the OS refuses the
/// runtime its resources.
pub fn block_on<F: std::future::Future>(future: F) -> std::io::Result<F::Output> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    Ok(runtime.block_on(future))
}

/// The error a handler returns to make hyper drop the connection.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for Dropped {}

async fn handle(
    state: Arc<State>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Dropped> {
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map(|collected| collected.to_bytes())
        .unwrap_or_default();
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let mut recorded = RecordedRequest {
        operation: None,
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().unwrap_or("").to_owned(),
        headers,
        body,
        authenticated: false,
    };
    let auth = authenticate(&state, &recorded);
    recorded.authenticated = auth.is_ok();
    let routed = route(&state.description, &recorded);
    recorded.operation = routed.as_ref().map(|(operation, _)| operation.name.clone());
    let answer = match (auth, routed) {
        (Err(reason), _) => MockAnswer::error(
            401,
            "APIGW.0301",
            &format!("Incorrect IAM authentication information: {reason}"),
        ),
        (Ok(()), None) if is_iam_projects(&recorded) => iam_projects(&state, &recorded),
        (Ok(()), None) => MockAnswer::error(
            404,
            "APIGW.0101",
            "The API does not exist or has not been published in the environment",
        ),
        (Ok(()), Some((operation, path_values))) => {
            let queued = state.answers.lock().ok().and_then(|mut answers| {
                let set = answers.get_mut(&operation.name)?;
                set.queue.pop_front().or_else(|| set.standing.clone())
            });
            match queued {
                Some(answer) => answer,
                None => match check(&state.description, operation, &path_values, &recorded) {
                    Err(problem) => MockAnswer::json(
                        400,
                        serde_json::json!({
                            "error_code": format!("{}.00040001", state.description.service),
                            "error_msg": problem,
                        }),
                    ),
                    Ok(()) => paged_answer(&state, operation, &recorded)
                        .unwrap_or_else(|| default_answer(&state.description, operation)),
                },
            }
        }
    };
    if let Ok(mut requests) = state.requests.lock() {
        requests.push(recorded);
    }
    if !answer.delay.is_zero() {
        tokio::time::sleep(answer.delay).await;
    }
    match answer.kind {
        AnswerKind::Drop => Err(Dropped),
        AnswerKind::Reply {
            status,
            headers,
            body,
        } => Ok(reply(status, &headers, body)),
    }
}

/// Verifies the request as the gateway does: recomputes the signature over the headers the
/// `Authorization` header names, from the request as received.
fn authenticate(state: &State, request: &RecordedRequest) -> Result<(), String> {
    if let (Some(expected), Some(given)) = (&state.token, request.header("x-auth-token")) {
        return if expected == given {
            Ok(())
        } else {
            Err("token mismatch".into())
        };
    }
    let authorization = request
        .header("authorization")
        .ok_or("no Authorization header")?;
    let rest = authorization
        .strip_prefix("SDK-HMAC-SHA256 ")
        .ok_or("unknown algorithm")?;
    let mut access = None;
    let mut signed_headers = None;
    for part in rest.split(", ") {
        match part.split_once('=') {
            Some(("Access", value)) => access = Some(value),
            Some(("SignedHeaders", value)) => signed_headers = Some(value),
            _ => {}
        }
    }
    let (access, signed_headers) = access
        .zip(signed_headers)
        .ok_or("malformed Authorization header")?;
    if access != state.access_key {
        return Err("unknown access key".into());
    }
    let date = request.header("x-sdk-date").ok_or("no X-Sdk-Date header")?;
    check_date(date)?;
    let mut headers = Vec::new();
    for name in signed_headers.split(';') {
        let value = request
            .header(name)
            .ok_or_else(|| format!("signed header `{name}` is missing"))?;
        headers.push((name.to_owned(), value.to_owned()));
    }
    let unsigned = request.header("x-sdk-content-sha256") == Some("UNSIGNED-PAYLOAD");
    let payload_hash = signer::payload_hash(unsigned, signer::Payload::Bytes(&request.body));
    let expected = signer::compute(
        access,
        &state.secret_key,
        &request.method,
        &request.path,
        &request.query,
        &headers,
        &payload_hash,
    );
    if expected.authorization == authorization {
        Ok(())
    } else {
        Err("signature mismatch".into())
    }
}

/// The gateway refuses dates more than 15 minutes away from its clock.
fn check_date(date: &str) -> Result<(), String> {
    let parsed = time::PrimitiveDateTime::parse(date, signer::SDK_DATE_FORMAT)
        .map_err(|_| format!("bad X-Sdk-Date `{date}`"))?;
    let skew = (time::OffsetDateTime::now_utc() - parsed.assume_utc()).abs();
    if skew > time::Duration::minutes(15) {
        return Err("X-Sdk-Date too far from the server clock".into());
    }
    Ok(())
}

/// The operation whose method and path template match, with the decoded path values. A
/// literal segment beats a placeholder, so `/items/export` wins over `/items/{id}`.
fn route<'d>(description: &'d Description, request: &RecordedRequest) -> Option<Routed<'d>> {
    let segments: Vec<&str> = request.path.split('/').collect();
    let mut best: Option<(usize, Routed<'d>)> = None;
    for operation in &description.operations {
        if !operation.method.eq_ignore_ascii_case(&request.method) {
            continue;
        }
        let template: Vec<&str> = operation.path.split('/').collect();
        if template.len() != segments.len() {
            continue;
        }
        let mut literals = 0;
        let mut values = Vec::new();
        let matched = template.iter().zip(&segments).all(|(pattern, segment)| {
            match pattern
                .strip_prefix('{')
                .and_then(|rest| rest.strip_suffix('}'))
            {
                Some(name) if !segment.is_empty() => {
                    let value = percent_encoding::percent_decode_str(segment)
                        .decode_utf8_lossy()
                        .into_owned();
                    values.push((name.to_owned(), value));
                    true
                }
                Some(_) => false,
                None => {
                    literals += 1;
                    pattern == segment
                }
            }
        });
        if matched && best.as_ref().is_none_or(|(score, _)| literals > *score) {
            best = Some((literals, (operation, values)));
        }
    }
    best.map(|(_, routed)| routed)
}

/// Query pairs, decoded.
fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |text: &str| {
                percent_encoding::percent_decode_str(text)
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (decode(name), decode(value))
        })
        .collect()
}

/// Checks a routed request against the operation's parameters and body schema.
fn check(
    description: &Description,
    operation: &OperationSpec,
    path_values: &[(String, String)],
    request: &RecordedRequest,
) -> Result<(), String> {
    let query = query_pairs(&request.query);
    for param in &operation.params {
        let values: Vec<&str> = match param.location.as_str() {
            "path" => path_values
                .iter()
                .filter(|(name, _)| *name == param.name)
                .map(|(_, value)| value.as_str())
                .collect(),
            "query" => query
                .iter()
                .filter(|(name, _)| *name == param.name)
                .flat_map(|(_, value)| {
                    // A csv array arrives as one value; check each element.
                    if param.schema.kind.as_deref() == Some("array") {
                        value.split(',').collect::<Vec<_>>()
                    } else {
                        vec![value.as_str()]
                    }
                })
                .collect(),
            _ => request
                .headers
                .iter()
                .filter(|(name, _)| name.eq_ignore_ascii_case(&param.name))
                .map(|(_, value)| value.as_str())
                .collect(),
        };
        let place = format!("{} parameter `{}`", param.location, param.name);
        if values.is_empty() {
            if param.required {
                return Err(format!("{place} is required"));
            }
            continue;
        }
        let schema = match (&param.schema.kind, &param.schema.items) {
            (Some(kind), Some(items)) if kind == "array" => items,
            _ => &param.schema,
        };
        for value in values {
            check_text(description, schema, value)
                .map_err(|problem| format!("{place}: {problem}"))?;
        }
    }
    match &operation.body {
        None => Ok(()),
        Some(body) if request.body.is_empty() => {
            if body.required {
                Err("the request body is required".into())
            } else {
                Ok(())
            }
        }
        Some(body) => check_body(description, body, request),
    }
}

fn check_body(
    description: &Description,
    body: &BodySpec,
    request: &RecordedRequest,
) -> Result<(), String> {
    let content_type = request.header("content-type").unwrap_or("");
    let essence = |media: &str| {
        media
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    };
    if essence(content_type) != essence(&body.media_type) {
        return Err(format!(
            "expected a `{}` body, got Content-Type `{content_type}`",
            body.media_type
        ));
    }
    if essence(&body.media_type).ends_with("json") {
        let value: Value = serde_json::from_slice(&request.body)
            .map_err(|error| format!("the body is not valid JSON: {error}"))?;
        return check_value(description, &body.schema, &value, "body", 0);
    }
    if essence(&body.media_type) == "multipart/form-data" {
        let names = multipart_names(content_type, &request.body)?;
        for required in &body.schema.required {
            if !names.contains(required) {
                return Err(format!("the form part `{required}` is required"));
            }
        }
    }
    Ok(())
}

/// The part names of a multipart body.
fn multipart_names(content_type: &str, body: &[u8]) -> Result<Vec<String>, String> {
    let boundary = content_type
        .split(';')
        .filter_map(|parameter| parameter.trim().strip_prefix("boundary="))
        .next()
        .map(|boundary| boundary.trim_matches('"'))
        .ok_or("a multipart body without a boundary")?;
    let text = String::from_utf8_lossy(body);
    let delimiter = format!("--{boundary}");
    if !text.starts_with(&delimiter) || !text.trim_end().ends_with(&format!("{delimiter}--")) {
        return Err("the multipart body is not framed by its boundary".into());
    }
    Ok(text
        .split(&delimiter)
        .filter_map(|part| {
            let headers = part.split("\r\n\r\n").next()?;
            let disposition = headers
                .lines()
                .find(|line| line.to_ascii_lowercase().starts_with("content-disposition"))?;
            let name = disposition.split("name=\"").nth(1)?.split('"').next()?;
            Some(name.to_owned())
        })
        .collect())
}

fn resolve<'s>(description: &'s Description, schema: &'s Schema) -> &'s Schema {
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

/// Checks a path, query or header value against a scalar schema.
fn check_text(description: &Description, schema: &Schema, value: &str) -> Result<(), String> {
    let schema = resolve(description, schema);
    let ok = match schema.kind.as_deref() {
        Some("integer") => value.parse::<i64>().is_ok(),
        Some("number") => value.parse::<f64>().is_ok(),
        Some("boolean") => value == "true" || value == "false",
        _ => true,
    };
    if !ok {
        return Err(format!(
            "`{value}` is not a valid {}",
            schema.kind.as_deref().unwrap_or("value")
        ));
    }
    if !schema.values.is_empty() && !schema.values.iter().any(|allowed| allowed == value) {
        return Err(format!(
            "`{value}` is not one of {}",
            schema.values.join(", ")
        ));
    }
    Ok(())
}

/// Checks a JSON value against a schema; `at` names the place for the message.
fn check_value(
    description: &Description,
    schema: &Schema,
    value: &Value,
    at: &str,
    depth: usize,
) -> Result<(), String> {
    if depth > 64 {
        return Ok(());
    }
    let schema = resolve(description, schema);
    if value.is_null() {
        return if schema.nullable || schema.kind.is_none() {
            Ok(())
        } else {
            Err(format!("{at}: must not be null"))
        };
    }
    let wrong = |expected: &str| Err(format!("{at}: expected {expected}, found {value}"));
    match schema.kind.as_deref() {
        Some("string") => {
            let Some(text) = value.as_str() else {
                return wrong("a string");
            };
            if !schema.values.is_empty() && !schema.values.iter().any(|allowed| allowed == text) {
                return Err(format!(
                    "{at}: `{text}` is not one of {}",
                    schema.values.join(", ")
                ));
            }
            Ok(())
        }
        Some("integer") if !(value.is_i64() || value.is_u64()) => wrong("an integer"),
        Some("number") if !value.is_number() => wrong("a number"),
        Some("boolean") if !value.is_boolean() => wrong("a boolean"),
        Some("array") => {
            let Some(items) = value.as_array() else {
                return wrong("an array");
            };
            match &schema.items {
                Some(item_schema) => items.iter().enumerate().try_for_each(|(index, item)| {
                    check_value(
                        description,
                        item_schema,
                        item,
                        &format!("{at}[{index}]"),
                        depth + 1,
                    )
                }),
                None => Ok(()),
            }
        }
        Some("object") => {
            let Some(object) = value.as_object() else {
                return wrong("an object");
            };
            for required in &schema.required {
                if !object.contains_key(required) {
                    return Err(format!("{at}.{required}: required property is missing"));
                }
            }
            for (name, child) in object {
                let child_schema = schema.properties.get(name).or(schema.additional.as_deref());
                if let Some(child_schema) = child_schema {
                    check_value(
                        description,
                        child_schema,
                        child,
                        &format!("{at}.{name}"),
                        depth + 1,
                    )?;
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Whether a request is IAM's KeystoneListProjects, which project id discovery sends.
fn is_iam_projects(request: &RecordedRequest) -> bool {
    request.method == "GET" && request.path == "/v3/projects"
}

/// IAM's answer to `GET /v3/projects?name=...`.
fn iam_projects(state: &State, request: &RecordedRequest) -> MockAnswer {
    let name = query_pairs(&request.query)
        .into_iter()
        .find(|(key, _)| key == "name")
        .map(|(_, value)| value);
    let known = state.projects.lock().ok().and_then(|known| known.clone());
    let projects: Vec<Value> = match (known, name) {
        (None, Some(name)) => vec![serde_json::json!({"id": MOCK_PROJECT_ID, "name": name})],
        (None, None) => Vec::new(),
        (Some(known), name) => known
            .into_iter()
            .filter(|(_, project)| name.as_deref().is_none_or(|name| name == project))
            .map(|(id, name)| serde_json::json!({"id": id, "name": name}))
            .collect(),
    };
    MockAnswer::json(200, serde_json::json!({ "projects": projects }))
}

/// A page of the items a test set for a paged operation, with the total.
fn paged_answer(
    state: &State,
    operation: &OperationSpec,
    request: &RecordedRequest,
) -> Option<MockAnswer> {
    let paging = operation.pagination.as_ref()?;
    // The request's values as text, from the query or the JSON body, read once.
    let json = if paging.location == "query" {
        None
    } else {
        request.json()
    };
    let pairs = query_pairs(&request.query);
    let number = |name: Option<&String>| -> Option<usize> {
        let name = name?;
        match &json {
            None => pairs
                .iter()
                .find(|(key, _)| key == name)
                .and_then(|(_, value)| value.parse().ok()),
            Some(json) => match json.get(name)? {
                Value::String(text) => text.parse().ok(),
                other => other.as_u64().and_then(|value| usize::try_from(value).ok()),
            },
        }
    };
    // A marker is the offset written as text: as good as any opaque token.
    let start = number(paging.offset.as_ref().or(paging.marker.as_ref())).unwrap_or(0);
    let limit = number(paging.limit.as_ref()).unwrap_or(DEFAULT_PAGE_LIMIT);
    let (page, count) = {
        let collections = state.collections.lock().ok()?;
        let items = collections.get(&operation.name)?;
        let start = start.min(items.len());
        let end = start.saturating_add(limit).min(items.len());
        (items[start..end].to_vec(), items.len())
    };
    let end = start.min(count) + page.len();
    let mut body = match default_answer_body(&state.description, operation) {
        Value::Object(body) => body,
        _ => serde_json::Map::new(),
    };
    body.insert(paging.items.clone(), Value::from(page));
    if let Some(total) = &paging.total {
        body.insert(total.clone(), Value::from(count));
    }
    if let Some(next) = &paging.next {
        if end < count {
            body.insert(next.clone(), Value::from(end.to_string()));
        } else {
            body.remove(next);
        }
    }
    Some(MockAnswer::json(
        operation.response.status,
        Value::Object(body),
    ))
}

/// The JSON body the mock answers an operation with when no test set one.
fn default_answer_body(description: &Description, operation: &OperationSpec) -> Value {
    let response = &operation.response;
    response.example.clone().unwrap_or_else(|| {
        response
            .schema
            .as_ref()
            .map_or(Value::Null, |schema| minimal(description, schema, 0))
    })
}

/// The answer when no test set one: the spec's example, or a minimal valid body.
fn default_answer(description: &Description, operation: &OperationSpec) -> MockAnswer {
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
fn minimal(description: &Description, schema: &Schema, depth: usize) -> Value {
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

fn reply(status: u16, headers: &[(String, String)], body: Bytes) -> Response<Full<Bytes>> {
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
