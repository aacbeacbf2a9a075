//! The mock's server: a hyper server on a loopback port, [`MockServer`] through which tests
//! set and read its state (the identity routes' settings included), and the handling of
//! one request (identity route, or check, route, answer).

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpListener;

use super::answers::{default_answer, discovery_call, minimal, paged_answer, reply};
use super::checks::{authenticate, check, choose, route};
use super::description::Description;
use super::identity::POD_IDENTITY_PATH;
use super::state::State;
use super::{AnswerKind, MockAnswer, RecordedRequest};

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
        let state = Arc::new(State::new(description, access_key, secret_key, token));
        let served = state.clone();
        let task = tokio::spawn(async move {
            // Failures in a row: an accept error (out of file descriptors, say) lasts until
            // connections close, so the loop waits between tries instead of spinning.
            let mut failures: u32 = 0;
            loop {
                let stream = match listener.accept().await {
                    Ok((stream, _)) => {
                        failures = 0;
                        stream
                    }
                    Err(error) => {
                        if failures == 0 {
                            tracing::warn!(%error, "mock: accepting a connection failed; backing off until it succeeds");
                        }
                        failures = failures.saturating_add(1);
                        tokio::time::sleep(accept_backoff(failures)).await;
                        continue;
                    }
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
        self.state.set_answer(operation, answer);
    }

    /// Answers the next call of `operation` with `answer`; several queue up in order.
    pub fn push_answer(&self, operation: &str, answer: MockAnswer) {
        self.state.push_answer(operation, answer);
    }

    /// The items a paged operation lists: its answers then page them by the offset, page
    /// number (counted from the spec's `first`, 1 when absent; unset, the first page) or
    /// marker, and the limit of each request (limit
    /// [`DEFAULT_PAGE_LIMIT`](super::DEFAULT_PAGE_LIMIT) when unset), with the total (or
    /// the next page's marker: the offset as text). With `next_item`, the marker is that
    /// field of the last item of the page before, and the page starts after that item.
    /// Answers set with [`set_answer`](Self::set_answer) or
    /// [`push_answer`](Self::push_answer) still come first.
    ///
    /// # Panics
    ///
    /// When the service has no operation of that name, or the operation does not page
    /// (no `x-pagination` in the spec): the items would never be served, and a test that
    /// set them would pass or fail for the wrong reason.
    pub fn set_items(&self, operation: &str, items: Vec<Value>) {
        let pages = self
            .state
            .description
            .operations
            .iter()
            .find(|spec| spec.name == operation)
            .map(|spec| spec.pagination.is_some());
        match pages {
            Some(true) => {}
            Some(false) => panic!(
                "mock: `{operation}` does not page (no `x-pagination` in the spec), so items set for it would never be served"
            ),
            None => panic!("mock: the service has no operation `{operation}`"),
        }
        if let Ok(mut collections) = self.state.collections.lock() {
            collections.insert(operation.to_owned(), items);
        }
    }

    /// The projects the mock's IAM (`GET /v3/projects?name=...`, for project id discovery)
    /// knows, as (id, name). Until this is called, it knows one project per name asked
    /// for, with the id [`MOCK_PROJECT_ID`](super::MOCK_PROJECT_ID).
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

    /// The requests received so far, oldest first: the latest
    /// [`DEFAULT_RECORD_LIMIT`](super::DEFAULT_RECORD_LIMIT) of them, or as many as
    /// [`set_record_limit`](Self::set_record_limit) says.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state
            .requests
            .lock()
            .map(|requests| requests.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Keeps only the latest `limit` requests (0: none), dropping older ones now and as
    /// new ones arrive, so a long test's memory stays bounded. The default is
    /// [`DEFAULT_RECORD_LIMIT`](super::DEFAULT_RECORD_LIMIT).
    pub fn set_record_limit(&self, limit: usize) {
        self.state.set_record_limit(limit);
    }

    /// Forgets the requests recorded so far.
    pub fn clear_requests(&self) {
        self.state.clear_requests();
    }

    /// The URI the mock serves CCE pod identity on: the value for
    /// `HC_CONTAINER_CREDENTIALS_FULL_URI`. Any non-empty `Authorization` is accepted.
    pub fn pod_identity_uri(&self) -> String {
        format!("{}{POD_IDENTITY_PATH}", self.endpoint())
    }

    /// How long the temporary credentials the identity routes issue from now on last
    /// (default [`DEFAULT_CREDENTIALS_TTL`](super::DEFAULT_CREDENTIALS_TTL)).
    pub fn set_credentials_ttl(&self, ttl: std::time::Duration) {
        self.state.identity.lock().ttl = Some(ttl);
    }

    /// While `failing`, every identity route (metadata, pod identity, IAM federation, STS)
    /// answers 500, as an identity service that is down.
    pub fn set_identity_failing(&self, failing: bool) {
        self.state.identity.lock().failing = failing;
    }

    /// How many requests for credentials the identity routes received (metadata security
    /// key, pod identity, IAM security tokens, STS assume-with-OIDC), failed ones included.
    pub fn credential_requests(&self) -> usize {
        self.state.identity.lock().credential_requests
    }

    /// Forgets the metadata session tokens issued so far: the next security key request
    /// with one gets a 401, as after the token's lifetime.
    pub fn expire_metadata_session_tokens(&self) {
        self.state.identity.lock().metadata_tokens.clear();
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

/// The wait after the `failures`-th accept error in a row (from 1): 5 ms, doubling, at
/// most 500 ms.
fn accept_backoff(failures: u32) -> std::time::Duration {
    let exponent = failures.saturating_sub(1).min(7);
    std::time::Duration::from_millis((5u64 << exponent).min(500))
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
    let candidates = route(&state.description, &recorded);
    // The identity services the credential providers call, unsigned; unless the service
    // describes the route itself (a mock of IAM answers as that IAM).
    if candidates.is_empty() {
        if let Some(answer) = state.identity.answer(&recorded) {
            state.record(recorded);
            return respond(answer).await;
        }
    }
    let auth = authenticate(&state, &recorded);
    recorded.authenticated = auth.is_ok();
    let routed = choose(&state.description, candidates, &recorded, |operation| {
        state.has_answer(operation)
    });
    // Discovery's calls to IAM and STS are answered for the mock's credentials by every
    // mock, also one of IAM whose spec has the route, unless a test set an answer.
    let discovery = discovery_call(&recorded);
    recorded.operation = match (&routed, discovery) {
        (Some((operation, _)), _) => Some(operation.name.clone()),
        (None, Some((operation, _))) => Some(operation.name.to_owned()),
        (None, None) => None,
    };
    let answer = match (auth, routed, discovery) {
        (Err(reason), _, _) => MockAnswer::error(
            401,
            "APIGW.0301",
            &format!("Incorrect IAM authentication information: {reason}"),
        ),
        (Ok(()), _, Some((operation, answer))) => state
            .next_answer(operation.name)
            .unwrap_or_else(|| answer(&state, &recorded)),
        (Ok(()), None, None) => MockAnswer::error(
            404,
            "APIGW.0101",
            "The API does not exist or has not been published in the environment",
        ),
        (Ok(()), Some((operation, path_values)), None) => {
            match state.next_answer(&operation.name) {
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
    state.record(recorded);
    respond(answer).await
}

/// Sends an answer after its delay, or drops the connection.
async fn respond(answer: MockAnswer) -> Result<Response<Full<Bytes>>, Dropped> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_errors_back_off_from_a_few_milliseconds_to_half_a_second() {
        let waits: Vec<u64> = (1..=10)
            .map(|failures| accept_backoff(failures).as_millis() as u64)
            .collect();
        assert_eq!(waits, [5, 10, 20, 40, 80, 160, 320, 500, 500, 500]);
        assert_eq!(accept_backoff(u32::MAX).as_millis(), 500);
        assert!(accept_backoff(0) >= std::time::Duration::from_millis(5));
    }
}
