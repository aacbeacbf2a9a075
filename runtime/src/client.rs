//! The `Client`: configuration, and the one send loop every generated operation goes through
//! (sign, send, time out, read, classify, retry).

use std::borrow::Cow;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use tracing::{debug, warn};

use crate::credentials::Credentials;
use crate::error::{Error, ServiceError};
use crate::request::{Call, CallBody};
use crate::response::{header_text, ByteStream, RawResponse, StreamingResponse, REQUEST_ID};
use crate::retry::{parse_retry_after, RetryPolicy};
use crate::signer::{sdk_date, sign, Payload, SignableRequest};
use crate::upload::{self, Prepared};
use crate::{Region, Service, ServiceClient};

/// The future of [`Client::send`].
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<RawResponse, Error>> + Send + 'a>>;

/// The future of [`Client::send_streaming`].
pub type StreamFuture<'a> =
    Pin<Box<dyn Future<Output = Result<StreamingResponse, Error>> + Send + 'a>>;

/// Default time to set up a connection (TCP and TLS).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time for one attempt, from sending to the last byte of the answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default largest response body read, in bytes (16 MiB).
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

const USER_AGENT: &str = concat!("huaweicloud-sdk-rust/", env!("CARGO_PKG_VERSION"));

/// The runtime client a generated service client wraps: configuration, connections and
/// the send loop. Cheap to clone; clones share connections.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    service: &'static Service,
    http: reqwest::Client,
    scheme: String,
    /// `host[:port]`, as sent in `Host` and signed.
    authority: String,
    /// A path prefix of the endpoint, without a trailing `/`.
    base_path: String,
    credentials: Credentials,
    project_id: Option<String>,
    timeout: Duration,
    retry: RetryPolicy,
    max_response_bytes: usize,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inner = &self.inner;
        formatter
            .debug_struct("Client")
            .field("service", &inner.service.name)
            .field(
                "endpoint",
                &format_args!("{}://{}{}", inner.scheme, inner.authority, inner.base_path),
            )
            .field("credentials", &inner.credentials)
            .field("project_id", &inner.project_id)
            .field("timeout", &inner.timeout)
            .field("retry", &inner.retry)
            .finish()
    }
}

/// Builds a service client `C` (a generated crate's `Client`). Set an endpoint or a
/// region, and credentials.
pub struct ClientBuilder<C> {
    endpoint: Option<String>,
    region: Option<Region>,
    credentials: Option<Credentials>,
    project_id: Option<String>,
    connect_timeout: Duration,
    timeout: Duration,
    retry: RetryPolicy,
    max_response_bytes: usize,
    extra_roots: Vec<Vec<u8>>,
    client: PhantomData<fn() -> C>,
}

impl<C> Clone for ClientBuilder<C> {
    fn clone(&self) -> Self {
        ClientBuilder {
            endpoint: self.endpoint.clone(),
            region: self.region.clone(),
            credentials: self.credentials.clone(),
            project_id: self.project_id.clone(),
            connect_timeout: self.connect_timeout,
            timeout: self.timeout,
            retry: self.retry.clone(),
            max_response_bytes: self.max_response_bytes,
            extra_roots: self.extra_roots.clone(),
            client: PhantomData,
        }
    }
}

impl<C> std::fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ClientBuilder")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("credentials", &self.credentials)
            .field("project_id", &self.project_id)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("extra_roots", &self.extra_roots.len())
            .finish()
    }
}

impl<C> Default for ClientBuilder<C> {
    fn default() -> Self {
        ClientBuilder {
            endpoint: None,
            region: None,
            credentials: None,
            project_id: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            extra_roots: Vec::new(),
            client: PhantomData,
        }
    }
}

impl<C: ServiceClient> ClientBuilder<C> {
    /// Starts with the defaults: no endpoint, no credentials, [`DEFAULT_CONNECT_TIMEOUT`],
    /// [`DEFAULT_TIMEOUT`], [`RetryPolicy::default`], [`DEFAULT_MAX_RESPONSE_BYTES`].
    pub fn new() -> Self {
        Self::default()
    }

    /// The endpoint URL (`https://secmaster.cn-north-4.myhuaweicloud.com`); `https://` is
    /// added when no scheme is given. Takes precedence over [`region`](Self::region).
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// The region whose endpoint to use; checked against the service's region table (or
    /// its environment override) when the client is built.
    pub fn region(mut self, region: Region) -> Self {
        self.region = Some(region);
        self
    }

    /// The credentials.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The project id for `{project_id}` in paths; overrides the credentials' one.
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// Time to set up a connection (default [`DEFAULT_CONNECT_TIMEOUT`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time for one attempt, from sending to the last byte of the answer (default
    /// [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]; [`RetryPolicy::disabled`] turns
    /// retries off).
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The largest response body read (default [`DEFAULT_MAX_RESPONSE_BYTES`]); a larger
    /// one fails with [`Error::BodyTooLarge`].
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Trusts one more root certificate (DER), besides the platform's.
    pub fn add_root_certificate_der(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.extra_roots.push(der.into());
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<C, Error> {
        self.build_core(C::SERVICE).map(C::from_core)
    }

    fn build_core(self, service: &'static Service) -> Result<Client, Error> {
        let credentials = self.credentials.ok_or_else(|| {
            Error::Config("no credentials: call .credentials(...), e.g. with Credentials::from_default_chain()?".into())
        })?;
        let endpoint = match (self.endpoint, &self.region) {
            (Some(endpoint), _) => endpoint,
            (None, Some(region)) => service.region_endpoint(region)?,
            (None, None) => {
                return Err(Error::Config(
                    "no endpoint: call .endpoint(url) or .region(region)".into(),
                ))
            }
        };
        let endpoint = if endpoint.contains("://") {
            endpoint
        } else {
            format!("https://{endpoint}")
        };
        let url = reqwest::Url::parse(&endpoint)
            .map_err(|error| Error::Config(format!("endpoint `{endpoint}`: {error}")))?;
        if !matches!(url.scheme(), "http" | "https")
            || url.query().is_some()
            || url.fragment().is_some()
        {
            return Err(Error::Config(format!(
                "endpoint `{endpoint}` must be an http(s) URL without query or fragment"
            )));
        }
        let host = url
            .host_str()
            .ok_or_else(|| Error::Config(format!("endpoint `{endpoint}` has no host")))?;
        let authority = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls_config(&self.extra_roots)?)
            .connect_timeout(self.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .http1_only()
            .build()
            .map_err(|error| Error::Config(format!("HTTP client: {error}")))?;
        let project_id = self
            .project_id
            .or_else(|| credentials.project_id().map(str::to_owned));
        Ok(Client {
            inner: Arc::new(Inner {
                service,
                http,
                scheme: url.scheme().to_owned(),
                authority,
                base_path: url.path().trim_end_matches('/').to_owned(),
                credentials,
                project_id,
                timeout: self.timeout,
                retry: self.retry,
                max_response_bytes: self.max_response_bytes,
            }),
        })
    }
}

/// rustls with the ring provider (no cmake or nasm needed) and the platform's roots.
fn tls_config(extra_roots: &[Vec<u8>]) -> Result<rustls::ClientConfig, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = extra_roots
        .iter()
        .map(|der| rustls::pki_types::CertificateDer::from(der.clone()));
    let verifier =
        rustls_platform_verifier::Verifier::new_with_extra_roots(roots, provider.clone())
            .map_err(|error| Error::Config(format!("TLS roots: {error}")))?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| Error::Config(format!("TLS: {error}")))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// What one attempt ended with, and whether another attempt may follow.
struct Failure {
    error: Error,
    retryable: bool,
    retry_after: Option<Duration>,
}

impl Client {
    /// The project id used when a request leaves `project_id` unset.
    pub fn project_id(&self) -> Option<&str> {
        self.inner.project_id.as_deref()
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
    pub fn send(&self, call: Call) -> SendFuture<'_> {
        // Boxed once here, so each generated method's future holds a pointer rather than
        // this whole state machine: that keeps large generated crates quick to compile.
        Box::pin(async move {
            match self.send_inner(call, false).await? {
                Answer::Full(response) => Ok(response),
                Answer::Stream(_) => unreachable!("a buffered call gets a buffered answer"),
            }
        })
    }

    /// Sends a call like [`send`](Self::send) but hands over a 2xx answer as soon as its
    /// headers arrive, with the body as a [`ByteStream`](crate::ByteStream): for downloads.
    /// Error answers are read whole, as by `send`.
    pub fn send_streaming(&self, call: Call) -> StreamFuture<'_> {
        Box::pin(async move {
            match self.send_inner(call, true).await? {
                Answer::Stream(response) => Ok(response),
                Answer::Full(_) => unreachable!("a streaming call gets a streaming answer"),
            }
        })
    }

    async fn send_inner(&self, mut call: Call, stream: bool) -> Result<Answer, Error> {
        let inner = &*self.inner;
        let operation = call.operation;
        let (path, query) = call.prepare(inner.project_id.as_deref())?;
        let path = format!("{}{path}", inner.base_path);
        let mut url = format!("{}://{}{path}", inner.scheme, inner.authority);
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query);
        }
        let url = reqwest::Url::parse(&url)
            .map_err(|error| Error::InvalidRequest(format!("{}: URL: {error}", operation.name)))?;
        // Everything a body needs (files opened, names checked) is settled before anything
        // is sent.
        let body = OutgoingBody::prepare(call.body.take())
            .await
            .map_err(|problem| upload::invalid(operation.name, problem))?;
        let max_attempts = if body.replayable() {
            inner.retry.max_attempts
        } else {
            1
        };

        let mut attempt = 1;
        loop {
            let request = self.build_request(&call, &url, &path, &query, &body)?;
            let result =
                match tokio::time::timeout(inner.timeout, self.attempt(operation, request, stream))
                    .await
                {
                    Ok(result) => result,
                    Err(_) => Err(Failure {
                        error: Error::Timeout {
                            operation: operation.name,
                            elapsed: inner.timeout,
                            attempt,
                        },
                        retryable: operation.idempotent,
                        retry_after: None,
                    }),
                };
            let failure = match result {
                Ok(answer) => {
                    debug!(
                        operation = operation.name,
                        attempt,
                        status = answer.status(),
                        request_id = answer.request_id().as_deref(),
                        "call succeeded"
                    );
                    return Ok(answer);
                }
                Err(failure) => failure,
            };
            let Failure {
                error,
                retryable,
                retry_after,
            } = failure;
            if !retryable || attempt >= max_attempts {
                debug!(operation = operation.name, attempt, request_id = error.request_id(), %error, "call failed");
                return Err(error);
            }
            let delay = match retry_after {
                Some(delay) if delay > inner.retry.max_delay => {
                    debug!(
                        operation = operation.name,
                        attempt,
                        ?delay,
                        "Retry-After exceeds the retry cap; giving up"
                    );
                    return Err(error);
                }
                Some(delay) => delay,
                None => inner.retry.backoff(attempt),
            };
            warn!(operation = operation.name, attempt, ?delay, request_id = error.request_id(), %error, "retrying");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// Builds and signs one attempt's request (a fresh date and signature every time).
    fn build_request(
        &self,
        call: &Call,
        url: &reqwest::Url,
        path: &str,
        query: &str,
        body: &OutgoingBody,
    ) -> Result<reqwest::Request, Error> {
        let inner = &*self.inner;
        let operation = call.operation;
        let mut headers: Vec<(Cow<'_, str>, Cow<'_, str>)> =
            Vec::with_capacity(8 + call.headers.len());
        headers.push((Cow::Borrowed("user-agent"), Cow::Borrowed(USER_AGENT)));
        // Header names are sent in lower case (as HTTP/1 libraries send them); only
        // `Content-Type` keeps the spelling the signer looks for, as the official SDK's does.
        if let Some(content_type) = body.content_type() {
            headers.push((Cow::Borrowed("Content-Type"), Cow::Borrowed(content_type)));
        }
        headers.extend(
            call.headers
                .iter()
                .map(|(name, value)| (Cow::Borrowed(*name), Cow::Borrowed(value.as_str()))),
        );
        match &inner.credentials {
            Credentials::AkSk {
                access_key,
                secret_key,
                security_token,
                ..
            } => {
                if let Some(project_id) = &inner.project_id {
                    headers.push((Cow::Borrowed("x-project-id"), Cow::Borrowed(project_id)));
                }
                if let Some(token) = security_token {
                    headers.push((
                        Cow::Borrowed("x-security-token"),
                        Cow::Borrowed(token.expose()),
                    ));
                }
                headers.push((
                    Cow::Borrowed("x-sdk-date"),
                    Cow::Owned(sdk_date(time::OffsetDateTime::now_utc())),
                ));
                let mut signable = SignableRequest {
                    method: operation.method.as_str(),
                    host: &inner.authority,
                    path,
                    query,
                    headers,
                    body: body.payload(),
                };
                sign(access_key.expose(), secret_key.expose(), &mut signable);
                headers = signable.headers;
            }
            Credentials::Token { token, .. } => {
                headers.push((Cow::Borrowed("host"), Cow::Borrowed(&inner.authority)));
                headers.push((Cow::Borrowed("x-auth-token"), Cow::Borrowed(token.expose())));
            }
        }
        let mut request = reqwest::Request::new(operation.method.clone(), url.clone());
        let header_map = request.headers_mut();
        header_map.reserve(headers.len() + 1);
        for (name, value) in headers {
            let name = header_name(&name).ok_or_else(|| {
                Error::InvalidRequest(format!(
                    "{}: `{name}` is not a valid header name",
                    operation.name
                ))
            })?;
            let mut value = match value {
                Cow::Borrowed(value) => http::HeaderValue::from_bytes(value.as_bytes()),
                Cow::Owned(value) => http::HeaderValue::from_maybe_shared(Bytes::from(value)),
            }
            .map_err(|_| {
                Error::InvalidRequest(format!(
                    "{}: header `{name}` has an invalid value",
                    operation.name
                ))
            })?;
            if matches!(
                name.as_str(),
                "authorization" | "x-auth-token" | "x-security-token"
            ) {
                value.set_sensitive(true);
            }
            header_map.append(name, value);
        }
        // Sent after signing, as the official SDK's HTTP library adds it.
        if let Some(length) = body.streamed_length() {
            header_map.insert(
                http::header::CONTENT_LENGTH,
                http::HeaderValue::from(length),
            );
        }
        *request.body_mut() = body.body();
        Ok(request)
    }

    /// One attempt: send, then read the whole answer within the size limit and classify
    /// it; with `stream`, hand over a 2xx answer before reading its body.
    async fn attempt(
        &self,
        operation: &'static crate::Operation,
        request: reqwest::Request,
        stream: bool,
    ) -> Result<Answer, Failure> {
        let inner = &*self.inner;
        let (operation_name, idempotent) = (operation.name, operation.idempotent);
        let mut response = inner
            .http
            .execute(request)
            .await
            .map_err(|error| transport_failure(operation_name, error, idempotent, None))?;
        let status = response.status().as_u16();
        let headers = std::mem::take(response.headers_mut());
        let request_id = header_text(&headers, REQUEST_ID);
        if stream && (200..300).contains(&status) {
            return Ok(Answer::Stream(StreamingResponse {
                status,
                headers,
                body: ByteStream::new(response, operation_name, request_id, inner.timeout),
            }));
        }
        let too_large = || Failure {
            error: Error::BodyTooLarge {
                operation: operation_name,
                status,
                request_id: request_id.clone(),
                limit: inner.max_response_bytes,
            },
            retryable: false,
            retry_after: None,
        };
        if response
            .content_length()
            .is_some_and(|length| length > inner.max_response_bytes as u64)
        {
            return Err(too_large());
        }
        // Most answers arrive in one chunk: keep it as it is, and copy only when there are
        // more.
        let mut first: Option<Bytes> = None;
        let mut rest = BytesMut::new();
        while let Some(chunk) = response.chunk().await.map_err(|error| {
            transport_failure(operation_name, error, idempotent, request_id.clone())
        })? {
            let held = first.as_ref().map_or(0, Bytes::len) + rest.len();
            if held + chunk.len() > inner.max_response_bytes {
                return Err(too_large());
            }
            match &first {
                None => first = Some(chunk),
                Some(head) => {
                    if rest.is_empty() {
                        rest.extend_from_slice(head);
                    }
                    rest.extend_from_slice(&chunk);
                }
            }
        }
        let body = if rest.is_empty() {
            first.unwrap_or_default()
        } else {
            rest.freeze()
        };
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
        let retryable = status == 429 || status == 503 || (status >= 500 && idempotent);
        Err(Failure {
            error: Error::Service(Box::new(ServiceError::new(
                operation_name,
                status,
                request_id,
                body,
            ))),
            retryable,
            retry_after,
        })
    }
}

/// A header name, without parsing the ones the client itself sends.
fn header_name(name: &str) -> Option<http::HeaderName> {
    use http::header;
    Some(match name {
        "user-agent" => header::USER_AGENT,
        "Content-Type" | "content-type" => header::CONTENT_TYPE,
        "Host" | "host" => header::HOST,
        "Authorization" => header::AUTHORIZATION,
        _ => return http::HeaderName::from_bytes(name.as_bytes()).ok(),
    })
}

/// What a successful attempt produced.
enum Answer {
    Full(RawResponse),
    Stream(StreamingResponse),
}

impl Answer {
    fn status(&self) -> u16 {
        match self {
            Answer::Full(response) => response.status,
            Answer::Stream(response) => response.status,
        }
    }

    fn request_id(&self) -> Option<String> {
        match self {
            Answer::Full(response) => response.request_id(),
            Answer::Stream(response) => response.request_id(),
        }
    }
}

/// A call's body, ready to be sent once per attempt.
enum OutgoingBody {
    None,
    Bytes {
        content_type: String,
        bytes: Bytes,
    },
    Streamed {
        content_type: String,
        prepared: Prepared,
        replayable: bool,
    },
}

impl OutgoingBody {
    async fn prepare(body: Option<CallBody>) -> Result<OutgoingBody, String> {
        Ok(match body {
            None => OutgoingBody::None,
            Some(CallBody::Bytes {
                content_type,
                bytes,
            }) => OutgoingBody::Bytes {
                content_type,
                bytes,
            },
            Some(CallBody::Form { content_type, form }) => {
                let boundary = upload::boundary();
                OutgoingBody::Streamed {
                    content_type: format!("{content_type}; boundary={boundary}"),
                    prepared: Prepared::form(&form, &boundary).await?,
                    replayable: form.replayable(),
                }
            }
            Some(CallBody::File { content_type, part }) => OutgoingBody::Streamed {
                content_type,
                prepared: Prepared::file(&part).await?,
                replayable: part.replayable(),
            },
        })
    }

    fn replayable(&self) -> bool {
        match self {
            OutgoingBody::Streamed { replayable, .. } => *replayable,
            _ => true,
        }
    }

    fn content_type(&self) -> Option<&str> {
        match self {
            OutgoingBody::None => None,
            OutgoingBody::Bytes { content_type, .. }
            | OutgoingBody::Streamed { content_type, .. } => Some(content_type),
        }
    }

    fn payload(&self) -> Payload<'_> {
        match self {
            OutgoingBody::None => Payload::Bytes(&[]),
            OutgoingBody::Bytes { bytes, .. } => Payload::Bytes(bytes),
            OutgoingBody::Streamed { prepared, .. } => Payload::Streamed {
                empty: prepared.is_empty(),
            },
        }
    }

    fn streamed_length(&self) -> Option<u64> {
        match self {
            OutgoingBody::Streamed { prepared, .. } => prepared.length(),
            _ => None,
        }
    }

    fn body(&self) -> Option<reqwest::Body> {
        match self {
            OutgoingBody::None => None,
            OutgoingBody::Bytes { bytes, .. } => Some(reqwest::Body::from(bytes.clone())),
            OutgoingBody::Streamed { prepared, .. } => Some(prepared.body()),
        }
    }
}

/// Classifies a transport error: TLS, connect (never sent), timeout, or broken mid-way.
fn transport_failure(
    operation: &'static str,
    error: reqwest::Error,
    idempotent: bool,
    request_id: Option<String>,
) -> Failure {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
    while let Some(current) = source {
        if let Some(tls) = current.downcast_ref::<rustls::Error>() {
            return Failure {
                error: Error::Tls {
                    operation,
                    message: tls.to_string(),
                },
                retryable: false,
                retry_after: None,
            };
        }
        // `io::Error::source` skips the error it wraps, which is where rustls puts its own.
        source = match current
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => current.source(),
        };
    }
    let message = error_chain(&error);
    if error.is_connect() {
        let error = Error::Connection {
            operation,
            message,
            maybe_sent: false,
            request_id,
            source: Some(Box::new(error)),
        };
        return Failure {
            error,
            retryable: true,
            retry_after: None,
        };
    }
    let error = Error::Connection {
        operation,
        message,
        maybe_sent: true,
        request_id,
        source: Some(Box::new(error)),
    };
    Failure {
        error,
        retryable: idempotent,
        retry_after: None,
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(current) = source {
        message.push_str(": ");
        message.push_str(&current.to_string());
        source = current.source();
    }
    message
}
