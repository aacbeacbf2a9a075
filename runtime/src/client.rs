//! The `Client`: configuration, and the one send loop every generated operation goes through
//! (sign, send, time out, read, classify, retry).

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::BytesMut;
use tracing::{debug, warn, Instrument};

use crate::auth::Auth;
use crate::body::OutgoingBody;
use crate::credentials::Kind;
use crate::endpoint::Endpoint;
use crate::error::{Error, ServiceError};
use crate::interceptor::{Interceptor, Outcome};
use crate::options::CallOptions;
use crate::ready::{Ready, Settings};
use crate::request::{Call, Scope};
use crate::response::{
    request_id_of, Answer, ByteStream, Delivery, RawResponse, StreamingResponse,
};
use crate::retry::{parse_retry_after, retryable_status, RetryPolicy};
use crate::transport::{transport_failure, Failure};
use crate::Service;

/// The `User-Agent` every call sends (and signs).
pub const USER_AGENT: &str = concat!("huaweicloud-sdk-rust/", env!("CARGO_PKG_VERSION"));

/// The runtime client a generated service client wraps: configuration, connections and
/// the send loop. Cheap to clone; clones share connections.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// Options of this handle's calls ([`with_options`](Client::with_options)).
    options: Option<Arc<CallOptions>>,
}

pub(crate) struct Inner {
    pub(crate) service: &'static Service,
    pub(crate) http: reqwest::Client,
    pub(crate) endpoint: Endpoint,
    /// Where each attempt's keys come from, and how it signs.
    pub(crate) auth: Auth,
    /// Which id the client's calls carry: a project id, or a global service's account
    /// (domain) id, as the official SDK's `BasicCredentials` and `GlobalCredentials`.
    pub(crate) kind: Kind,
    /// That id, when configured.
    pub(crate) id: Option<String>,
    /// Where to look it up when it is not.
    pub(crate) discovery: Option<crate::discovery::Discovery>,
    /// The id IAM (or STS) named, asked once a call needed it.
    pub(crate) discovered_id: tokio::sync::OnceCell<String>,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_response_bytes: usize,
    pub(crate) interceptors: Vec<Arc<dyn Interceptor>>,
    /// One permit per request in flight (`ClientBuilder::max_connections`); `None`:
    /// unbounded.
    pub(crate) slots: Option<Arc<tokio::sync::Semaphore>>,
    /// The proxy calls go through, as connection errors name it (no credentials).
    pub(crate) proxy: Option<String>,
    /// Whether a GET without a body goes without `Content-Type`
    /// (`ClientBuilder::ignore_content_type_for_get_request`).
    pub(crate) ignore_content_type_for_get_request: bool,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inner = &self.inner;
        formatter
            .debug_struct("Client")
            .field("service", &inner.service.name)
            .field("endpoint", &format_args!("{}", inner.endpoint))
            .field("auth", &inner.auth)
            .field("kind", &inner.kind)
            .field("id", &inner.id)
            .field("timeout", &inner.timeout)
            .field("retry", &inner.retry)
            .field("interceptors", &inner.interceptors.len())
            .field("options", &self.options)
            .finish()
    }
}

impl Client {
    pub(crate) fn from_inner(inner: Inner) -> Client {
        Client {
            inner: Arc::new(inner),
            options: None,
        }
    }

    /// This client without a handle's options.
    pub(crate) fn without_options(&self) -> Client {
        Client {
            inner: self.inner.clone(),
            options: None,
        }
    }

    /// The project id used when a request leaves `project_id` unset: the configured one,
    /// or the one IAM named once a call needed it. None for a global service's client,
    /// whose calls carry an account id instead.
    pub fn project_id(&self) -> Option<&str> {
        self.id_of(Kind::Basic)
    }

    /// The account (domain) id a global service's calls carry in `X-Domain-Id` and use
    /// for an unset `domain_id`: the configured one, or the one IAM named once a call
    /// needed it. None for any other service's client.
    pub fn domain_id(&self) -> Option<&str> {
        self.id_of(Kind::Global)
    }

    /// The client's id, configured or discovered, when it is of `kind`.
    fn id_of(&self, kind: Kind) -> Option<&str> {
        let inner = &*self.inner;
        if inner.kind != kind {
            return None;
        }
        inner
            .id
            .as_deref()
            .or_else(|| inner.discovered_id.get().map(String::as_str))
    }

    /// A handle on the same client (same connections and configuration) whose calls use
    /// these options: a timeout, extra headers, a retry policy, idempotency.
    ///
    /// ```no_run
    /// # async fn run(client: &huaweicloud_sdk_core::Client, call: huaweicloud_sdk_core::Call) -> Result<(), huaweicloud_sdk_core::Error> {
    /// use std::time::Duration;
    /// use huaweicloud_sdk_core::CallOptions;
    /// let quick = client.with_options(CallOptions::new().timeout(Duration::from_secs(2)));
    /// quick.send(call).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_options(&self, options: CallOptions) -> Client {
        Client {
            inner: self.inner.clone(),
            options: Some(Arc::new(options.checked())),
        }
    }

    /// Sends a call, retrying as the policy allows, and returns the 2xx answer.
    ///
    /// The generated methods go through here; it is public so an operation the spec does not
    /// describe yet can be called with the same signing, retries and errors:
    ///
    /// ```no_run
    /// # async fn run(client: &huaweicloud_sdk_core::Client) -> Result<(), huaweicloud_sdk_core::Error> {
    /// use huaweicloud_sdk_core::{Call, Operation};
    /// static LIST_WORKSPACES: Operation = Operation {
    ///     name: "ListWorkspaces",
    ///     method: http::Method::GET,
    ///     path: "/v1/{project_id}/workspaces",
    ///     idempotent: true,
    /// };
    /// let mut call = Call::new(&LIST_WORKSPACES);
    /// call.project_id_param("project_id", None);
    /// call.query("limit", 10);
    /// let answer: serde_json::Value = client.send(call).await?.json()?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send(&self, call: Call) -> Result<RawResponse, Error> {
        self.start(call).await
    }

    /// Sends a call like [`send`](Self::send) but hands over a 2xx answer as soon as its
    /// headers arrive, with the body as a [`ByteStream`](crate::ByteStream): for downloads.
    /// Error answers are read whole, as by `send`.
    pub async fn send_streaming(&self, call: Call) -> Result<StreamingResponse, Error> {
        self.start(call).await
    }

    /// Sends one call inside its `tracing` span: finds the project or account id (asking
    /// IAM once when needed), then sends to the service's endpoint.
    async fn start<T: Delivery>(&self, call: Call) -> Result<T, Error> {
        let span = tracing::debug_span!(
            "call",
            service = self.inner.service.name,
            operation = call.operation.name,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let recorded = span.clone();
        async move {
            let scope = self.scope(&call).await?;
            self.send_to(&self.inner.endpoint, call, scope, recorded)
                .await
        }
        .instrument(span)
        .await
    }

    /// The client's id a call carries (in `X-Domain-Id` or `X-Project-Id`) and fills an
    /// unset `{domain_id}` or `{project_id}` with, as the official SDK's credentials do: a
    /// global service's account id (configured, or asked of IAM once), else the project id
    /// (configured, or asked of IAM once when the path needs it).
    async fn scope(&self, call: &Call) -> Result<Scope<'_>, Error> {
        let id = self.default_id(call).await?;
        Ok(match self.inner.kind {
            Kind::Basic => Scope {
                project_id: id,
                ..Scope::default()
            },
            Kind::Global => Scope {
                domain_id: id,
                ..Scope::default()
            },
        })
    }

    /// The client's id: configured, or asked once (with a region and AK/SK credentials;
    /// without them, none): a global service's account, which every call carries, or the
    /// project, when a call's path needs it.
    async fn default_id(&self, call: &Call) -> Result<Option<&str>, Error> {
        let inner = &*self.inner;
        if let Some(id) = self.id_of(inner.kind) {
            return Ok(Some(id));
        }
        let Some(discovery) = &inner.discovery else {
            return Ok(None);
        };
        if inner.kind == Kind::Basic && !call.needs_default_project_id() {
            return Ok(None);
        }
        inner
            .discovered_id
            // Boxed: a rare path, kept out of every call's future.
            .get_or_try_init(|| Box::pin(crate::discovery::discover(self, discovery, inner.kind)))
            .await
            .map(|id| Some(id.as_str()))
    }

    /// Sends a call to an endpoint (the service's, or IAM's for project discovery) once
    /// its body is prepared (files opened, names checked, before anything is sent), and
    /// delivers its answer; records the outcome on `span`.
    pub(crate) async fn send_to<T: Delivery>(
        &self,
        endpoint: &Endpoint,
        mut call: Call,
        scope: Scope<'_>,
        span: tracing::Span,
    ) -> Result<T, Error> {
        let body = OutgoingBody::new(call.body.take(), call.operation).await?;
        let settings = Settings {
            options: self.options.as_deref(),
            ignore_content_type_for_get_request: self.inner.ignore_content_type_for_get_request,
        };
        let ready = Ready::new(&settings, endpoint, call, scope, body)?;
        self.send_ready(&ready, &span).await
    }

    /// Sends a ready call, retrying as the policy allows, and delivers its answer;
    /// records the outcome on `span`.
    async fn send_ready<T: Delivery>(
        &self,
        ready: &Ready<'_>,
        span: &tracing::Span,
    ) -> Result<T, Error> {
        let _timing = Timing {
            span,
            started: (!span.is_disabled()).then(std::time::Instant::now),
        };
        let inner = &*self.inner;
        let options = self.options.as_deref();
        let operation = ready.operation;
        let timeout = options
            .and_then(|options| options.timeout)
            .unwrap_or(inner.timeout);
        let retry = options
            .and_then(|options| options.retry.as_ref())
            .unwrap_or(&inner.retry);
        let idempotent = options
            .and_then(|options| options.idempotent)
            .unwrap_or(operation.idempotent);
        let max_attempts = if ready.body.replayable() {
            retry.max_attempts
        } else {
            1
        };
        let mut attempt = 1;
        loop {
            span.record("attempt", attempt);
            // Fixed keys, or a provider's current ones (refreshed once for all calls).
            let keys = inner.auth.keys().await?;
            let mut request = ready.request(&inner.auth, &keys)?;
            for interceptor in &inner.interceptors {
                interceptor.before_attempt(&ready.attempt(attempt), request.headers_mut());
            }
            // Waiting for a slot is not part of the attempt's time. The semaphore is never
            // closed, so a permit always comes.
            let slot = match &inner.slots {
                Some(slots) => slots.clone().acquire_owned().await.ok(),
                None => None,
            };
            let result = match tokio::time::timeout(
                timeout,
                self.attempt::<T>(ready, request, idempotent, timeout, slot),
            )
            .await
            {
                Ok(result) => result,
                Err(_) => Err(Failure {
                    error: Error::Timeout {
                        operation: operation.name,
                        elapsed: timeout,
                        attempt,
                    },
                    retryable: idempotent,
                    retry_after: None,
                }),
            };
            if !inner.interceptors.is_empty() {
                let outcome = match &result {
                    Ok(answer) => Outcome::Response {
                        status: answer.status(),
                        headers: answer.headers(),
                    },
                    Err(failure) => Outcome::Failed(&failure.error),
                };
                let info = ready.attempt(attempt);
                for interceptor in &inner.interceptors {
                    interceptor.after_attempt(&info, &outcome);
                }
            }
            let failure = match result {
                Ok(answer) => {
                    // Nothing is read for the logs when nothing listens.
                    if !span.is_disabled() || tracing::enabled!(tracing::Level::DEBUG) {
                        let request_id = answer.request_id();
                        span.record("status", answer.status());
                        span.record("request_id", request_id.as_deref());
                        debug!(
                            operation = operation.name,
                            attempt,
                            status = answer.status(),
                            request_id = request_id.as_deref(),
                            "call succeeded"
                        );
                    }
                    return Ok(T::deliver(answer));
                }
                Err(failure) => failure,
            };
            let Failure {
                error,
                retryable,
                retry_after,
            } = failure;
            if let Some(status) = error.status() {
                span.record("status", status);
            }
            span.record("request_id", error.request_id());
            if !retryable || attempt >= max_attempts {
                debug!(operation = operation.name, attempt, request_id = error.request_id(), %error, "call failed");
                return Err(error);
            }
            let delay = match retry_after {
                Some(delay) if delay > retry.max_delay => {
                    debug!(
                        operation = operation.name,
                        attempt,
                        ?delay,
                        "Retry-After exceeds the retry cap; giving up"
                    );
                    return Err(error);
                }
                Some(delay) => delay,
                None => retry.backoff(attempt),
            };
            warn!(operation = operation.name, attempt, ?delay, request_id = error.request_id(), %error, "retrying");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// One attempt of a ready call: send the request, then read the whole answer within the
    /// size limit and classify it; a streaming call (`T::STREAM`) gets a 2xx answer before
    /// its body is read. `slot` (a connection slot, when the client bounds them) is held
    /// until the answer is read, or by a streamed body until it ends.
    async fn attempt<T: Delivery>(
        &self,
        ready: &Ready<'_>,
        request: reqwest::Request,
        idempotent: bool,
        timeout: Duration,
        slot: Option<tokio::sync::OwnedSemaphorePermit>,
    ) -> Result<Answer, Failure> {
        let inner = &*self.inner;
        let operation_name = ready.operation.name;
        let sent_to = &ready.url;
        let mut response = inner.http.execute(request).await.map_err(|error| {
            transport_failure(
                operation_name,
                error,
                idempotent,
                None,
                inner.proxy.as_deref(),
            )
        })?;
        // A caller's own HTTP client may follow redirects: the answer then comes from
        // another address than the one signed for, which is never what the call meant.
        if response.url() != sent_to {
            return Err(Failure {
            error: Error::Config(format!(
                "{operation_name}: the HTTP client followed a redirect from {sent_to} to {}; build it with .redirect(reqwest::redirect::Policy::none())",
                response.url()
            )),
            retryable: false,
            retry_after: None,
        });
        }
        let status = response.status().as_u16();
        // The request id is read only where an error or a stream needs it: a buffered 2xx
        // answer carries its headers, and the caller reads it from there.
        if T::STREAM && (200..300).contains(&status) {
            let headers = std::mem::take(response.headers_mut());
            let request_id = request_id_of(&headers);
            return Ok(Answer::Stream(StreamingResponse {
                status,
                headers,
                body: ByteStream::new(response, operation_name, request_id, timeout)
                    .with_slot(slot),
            }));
        }
        let too_large = |headers: &http::HeaderMap| Failure {
            error: Error::BodyTooLarge {
                operation: operation_name,
                status,
                request_id: request_id_of(headers),
                limit: inner.max_response_bytes,
            },
            retryable: false,
            retry_after: None,
        };
        if response
            .content_length()
            .is_some_and(|length| length > inner.max_response_bytes as u64)
        {
            return Err(too_large(response.headers()));
        }
        // Sized by `Content-Length` when there is one (checked against the limit above).
        let mut body = BytesMut::with_capacity(
            response
                .content_length()
                .map_or(0, |length| length as usize),
        );
        loop {
            let chunk = match response.chunk().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(error) => {
                    let request_id = request_id_of(response.headers());
                    return Err(transport_failure(
                        operation_name,
                        error,
                        idempotent,
                        request_id,
                        inner.proxy.as_deref(),
                    ));
                }
            };
            if body.len() + chunk.len() > inner.max_response_bytes {
                return Err(too_large(response.headers()));
            }
            body.extend_from_slice(&chunk);
        }
        let body = body.freeze();
        let headers = std::mem::take(response.headers_mut());
        if (200..300).contains(&status) {
            return Ok(Answer::Full(RawResponse {
                operation: operation_name,
                status,
                headers,
                body,
            }));
        }
        let retry_after = headers
            .get(http::header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| parse_retry_after(value, SystemTime::now()));
        let retryable = retryable_status(status, idempotent);
        Err(Failure {
            error: Error::Service(Box::new(ServiceError::new(
                operation_name,
                status,
                request_id_of(&headers),
                body,
            ))),
            retryable,
            retry_after,
        })
    }
}

/// Records a call's duration on its span when the call ends, however it ends.
struct Timing<'a> {
    span: &'a tracing::Span,
    /// When the call started; `None` when the span is disabled.
    started: Option<std::time::Instant>,
}

impl Drop for Timing<'_> {
    fn drop(&mut self) {
        if let Some(started) = self.started {
            self.span
                .record("duration_ms", started.elapsed().as_millis() as u64);
        }
    }
}
