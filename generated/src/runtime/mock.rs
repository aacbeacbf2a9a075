//! A local SecMaster mock (feature `mock`): a real HTTP server on loopback that checks AK/SK
//! signatures the way the API gateway does and answers both seed operations as the API
//! reference's examples do. For examples, and for tests of code that uses this crate.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use super::signer;

/// The example answer of `CreateWorkflowInstance` in the API reference.
pub const CREATE_WORKFLOW_INSTANCE_EXAMPLE: &str = r#"{"command_type":"ActionInstanceRunCommand","action_type":"workflow","action_id":"446255ce-XXXXXXXXXX-0b4931","action_instance_id":"1111xxxxxxxxxxxxxx111","playbook_context":{"data_object":{"dataclass":{"name":"Alert"},"content":{"name":{},"key":{}}}}}"#;

/// The example answer of `ChangePlaybookInstance` in the API reference.
pub const CHANGE_PLAYBOOK_INSTANCE_EXAMPLE: &str = r#"{"id":"909494e3-558e-46b6-a9eb-07a8e18ca62f","name":"MyXXX","project_id":"909494e3-558e-46b6-a9eb-07a8e18ca62f","playbook":{"id":"909494e3-558e-46b6-a9eb-07a8e18ca62f","version_id":"909494e3-558e-46b6-a9eb-07a8e18ca62f","name":"909494e3-558e-46b6-a9eb-07a8e18ca62f","version":"v1.1.1"},"dataclass":{"id":"909494e3-558e-46b6-a9eb-07a8e18ca62f","name":"909494e3-558e-46b6-a9eb-07a8e18ca62f"},"dataobject":{"id":"909494e3-558e-46b6-a9eb-07a8e18ca62f","name":"909494e3-558e-46b6-a9eb-07a8e18ca62f"},"status":"TERMINATED","trigger_type":"string","start_time":"2021-01-30T23:00:00Z+0800","end_time":"2021-01-30T23:00:00Z+0800"}"#;

/// A request the mock received.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
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
}

struct State {
    access_key: String,
    secret_key: String,
    token: Option<String>,
    requests: Mutex<Vec<RecordedRequest>>,
}

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
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl MockServer {
    /// Starts a mock on a free loopback port that accepts requests signed with this AK/SK.
    pub async fn start(access_key: &str, secret_key: &str) -> std::io::Result<MockServer> {
        Self::start_with(access_key, secret_key, None).await
    }

    /// Like [`start`](Self::start), also accepting `X-Auth-Token: token`.
    pub async fn start_with(
        access_key: &str,
        secret_key: &str,
        token: Option<&str>,
    ) -> std::io::Result<MockServer> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let address = listener.local_addr()?;
        let state = Arc::new(State {
            access_key: access_key.to_owned(),
            secret_key: secret_key.to_owned(),
            token: token.map(str::to_owned),
            requests: Mutex::new(Vec::new()),
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
                    // A client that hangs up mid-request is not the mock's problem.
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

    /// The endpoint to give [`ClientBuilder::endpoint`](crate::ClientBuilder::endpoint).
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.address)
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

async fn handle(
    state: Arc<State>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
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
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().unwrap_or("").to_owned(),
        headers,
        body,
        authenticated: false,
    };
    let auth = authenticate(&state, &recorded);
    recorded.authenticated = auth.is_ok();
    let response = match auth {
        Err(reason) => reply(
            401,
            &format!(
                r#"{{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: {reason}"}}"#
            ),
        ),
        Ok(()) => route(&recorded),
    };
    if let Ok(mut requests) = state.requests.lock() {
        requests.push(recorded);
    }
    Ok(response)
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
    let payload_hash = signer::payload_hash(unsigned, &request.body);
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
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    let parsed = time::PrimitiveDateTime::parse(date, &format)
        .map_err(|_| format!("bad X-Sdk-Date `{date}`"))?;
    let skew = (time::OffsetDateTime::now_utc() - parsed.assume_utc()).abs();
    if skew > time::Duration::minutes(15) {
        return Err("X-Sdk-Date too far from the server clock".into());
    }
    Ok(())
}

fn route(request: &RecordedRequest) -> Response<Full<Bytes>> {
    let segments: Vec<&str> = request.path.trim_start_matches('/').split('/').collect();
    match (request.method.as_str(), segments.as_slice()) {
        ("POST", ["v1", _, "workspaces", _, "soc", "workflows", _, "instances"]) => {
            match serde_json::from_slice::<serde_json::Value>(&request.body) {
                Ok(body)
                    if body.get("command_type").is_some() && body.get("action_type").is_some() =>
                {
                    reply(200, CREATE_WORKFLOW_INSTANCE_EXAMPLE)
                }
                _ => bad_request("command_type and action_type are required"),
            }
        }
        ("POST", ["v1", _, "workspaces", _, "soc", "playbooks", "instances", _, "operation"]) => {
            let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap_or_default();
            match body.get("operation").and_then(|value| value.as_str()) {
                Some("RETRY" | "TERMINATE") | None => reply(200, CHANGE_PLAYBOOK_INSTANCE_EXAMPLE),
                Some(other) => bad_request(&format!("unsupported operation {other}")),
            }
        }
        _ => reply(
            404,
            r#"{"error_code":"APIGW.0101","error_msg":"The API does not exist or has not been published in the environment"}"#,
        ),
    }
}

fn bad_request(message: &str) -> Response<Full<Bytes>> {
    let body = serde_json::json!({ "code": "SecMaster.00040001", "message": message });
    reply(400, &body.to_string())
}

fn reply(status: u16, body: &str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_owned())));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    let request_id = format!(
        "mock-{:016x}-{}",
        fastrand::u64(..),
        time::OffsetDateTime::now_utc().unix_timestamp()
    );
    if let Ok(value) = http::HeaderValue::from_str(&request_id) {
        headers.insert("X-Request-Id", value);
    }
    response
}
