//! The one error type of the client, with a distinct case for each way a call can fail.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;

/// How many bytes of an undecodable body an error keeps, so errors stay small to log.
pub(crate) const SNIPPET_BYTES: usize = 512;

/// The most bytes of a server's text (an error code, message or request id) or a caller's
/// value (a header name) an error's `Display` and `Debug` show, control characters
/// escaped; what is cut is marked. The whole body stays in `ServiceError::body`.
pub(crate) const SHOWN_BYTES: usize = 300;

/// The most bytes of an [`Error::Credentials`] message its `Display` shows: room for each
/// provider of the default chain to say what it lacked (each cut at [`SHOWN_BYTES`] when
/// the chain's message is made), with the same escaping and mark.
pub(crate) const SHOWN_CREDENTIALS_BYTES: usize = 8 * SHOWN_BYTES;

/// Everything that can go wrong in a call or while building a [`Client`](crate::Client).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with a status outside 2xx (including 3xx: redirects are never
    /// followed, because a signed request must not be replayed at another address).
    #[error("{0}")]
    Service(Box<ServiceError>),
    /// No complete answer arrived within the configured time.
    #[error("{operation}: timed out after {elapsed:?} (attempt {attempt})")]
    Timeout {
        /// The operation, as named in the spec.
        operation: &'static str,
        /// The limit that was reached.
        elapsed: Duration,
        /// Which attempt timed out, from 1.
        attempt: u32,
    },
    /// The connection could not be set up or broke before an answer was complete.
    #[error("{operation}: connection failed: {message}")]
    Connection {
        /// The operation, as named in the spec.
        operation: &'static str,
        /// What the transport reported, its sources `: `-separated: at most 300 bytes,
        /// control characters escaped, a cut marked (the whole is the `source`).
        message: String,
        /// Whether the request may have reached the server (the connection broke after
        /// sending began). When `false`, the server never saw it.
        maybe_sent: bool,
        /// The `X-Request-Id` of the answer, when its headers arrived before the break.
        request_id: Option<String>,
        /// The transport error: shown cut like `message`; its own `source()` is the
        /// transport's error, whole.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// The TLS handshake failed: certificate, protocol or name mismatch.
    #[error("{operation}: TLS handshake failed: {message}")]
    Tls {
        /// The operation, as named in the spec.
        operation: &'static str,
        /// What the TLS layer reported (at most 300 bytes, control characters escaped).
        message: String,
    },
    /// The caller built a request that cannot be sent; nothing was sent.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// A 2xx answer whose body does not match the spec.
    #[error("{operation}: could not decode the response (HTTP {status}, request id {}): {}; body starts with: {snippet:?}", shown(request_id.as_deref().unwrap_or("none")), shown(message))]
    Decode {
        /// The operation, as named in the spec.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The `X-Request-Id` the server sent, if any.
        request_id: Option<String>,
        /// What did not match.
        message: String,
        /// The first bytes of the body, lossily decoded.
        snippet: String,
    },
    /// The response body was larger than the configured limit.
    #[error("{operation}: response body exceeds the limit of {limit} bytes (HTTP {status}, request id {})", shown(request_id.as_deref().unwrap_or("none")))]
    BodyTooLarge {
        /// The operation, as named in the spec.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The `X-Request-Id` the server sent, if any.
        request_id: Option<String>,
        /// The limit, from [`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes).
        limit: usize,
    },
    /// The client could not be configured (bad endpoint, unknown region, a token that
    /// cannot be a header value, ...).
    #[error("configuration: {0}")]
    Config(String),
    /// A call found no credentials to sign with: its credentials provider has none (a
    /// chain: none of its providers; the message says what each lacked), or fetching or
    /// refreshing temporary ones failed with no valid ones left. Nothing was sent. The
    /// call's retry loop does not retry it: the provider's cache shares the failure with
    /// the calls waiting for it, and the next call tries again.
    ///
    /// One line, naming the provider (``credentials provider `ecs-metadata`: ...``); the
    /// message never holds a secret, and is escaped and cut at 2,400 bytes.
    #[error(
        "credentials provider `{provider}`: {}",
        shown_within(message, SHOWN_CREDENTIALS_BYTES)
    )]
    Credentials {
        /// The provider that failed, as `CredentialsProvider::name` gives it
        /// (`ecs-metadata`, `oidc`, `chain`, ...).
        provider: &'static str,
        /// What went wrong.
        message: String,
    },
    /// A local I/O operation failed: a download's destination could not be written, or
    /// the local mock could not start (any `std::io::Error` converts into this, so `?`
    /// works on `mock::start(..)` in a function returning this crate's `Error`).
    #[error("{0}")]
    Io(String),
}

impl From<std::io::Error> for Error {
    fn from(error: std::io::Error) -> Self {
        Error::Io(error.to_string())
    }
}

impl Error {
    /// What a configuration error says, without its `configuration: ` prefix; any other
    /// error as it displays.
    pub(crate) fn config_message(&self) -> String {
        match self {
            Error::Config(message) => message.clone(),
            other => other.to_string(),
        }
    }

    /// The request id of the answer, when there was one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Service(error) => error.request_id.as_deref(),
            Error::Decode { request_id, .. }
            | Error::BodyTooLarge { request_id, .. }
            | Error::Connection { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Service(error) => Some(error.status),
            Error::Decode { status, .. } | Error::BodyTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The service error, when the service answered with an error status.
    pub fn as_service(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(error) => Some(error),
            _ => None,
        }
    }
}

/// A required field of a model was not set when its builder was built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{model}: required field `{field}` is not set")]
pub struct BuildError {
    /// The model being built.
    pub model: &'static str,
    /// The field's wire name.
    pub field: &'static str,
}

impl BuildError {
    /// The error for a required field left unset.
    pub fn missing(model: &'static str, field: &'static str) -> Self {
        BuildError { model, field }
    }
}

impl From<BuildError> for Error {
    fn from(error: BuildError) -> Self {
        Error::InvalidRequest(error.to_string())
    }
}

/// An error answer of the service, parsed as the official SDKs parse it.
///
/// Its `Display` and `Debug` (and so the log lines that show it) are short whatever the
/// server sent: each text is cut at 300 bytes, with control characters escaped and the cut
/// marked; the whole body is [`body`](Self::body).
#[derive(Clone, PartialEq, Eq)]
pub struct ServiceError {
    /// The operation, as named in the spec.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// The `X-Request-Id` response header.
    pub request_id: Option<String>,
    /// The error code (`APIGW.0301`, `SecMaster.00040001`, ...), or the status when the body
    /// has none.
    pub error_code: String,
    /// The error message; when the body is not a JSON object, the text of its first 512
    /// bytes, `…` when cut (the whole body is [`body`](Self::body)).
    pub error_msg: String,
    /// IAM's encoded authorization message, present on some 403 answers.
    pub encoded_authorization_message: Option<String>,
    /// The raw body, whole (up to the client's
    /// [`max_response_bytes`](crate::ClientBuilder::max_response_bytes)).
    pub body: Bytes,
}

impl ServiceError {
    pub(crate) fn new(
        operation: &'static str,
        status: u16,
        request_id: Option<String>,
        body: Bytes,
    ) -> Self {
        let parsed = parse_error_body(&body);
        let (error_code, error_msg, encoded_authorization_message) = match parsed {
            Some(parsed) => parsed,
            None => (None, snippet(&body), None),
        };
        ServiceError {
            operation,
            status,
            request_id,
            error_code: error_code.unwrap_or_else(|| status.to_string()),
            error_msg,
            encoded_authorization_message,
            body,
        }
    }

    /// Decodes the body into the type the spec declares for this status (named in each
    /// method's documentation).
    pub fn decode_body<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }

    /// Whether the status is 4xx: the request needs to change before it can succeed.
    pub fn is_client_error(&self) -> bool {
        (400..500).contains(&self.status)
    }

    /// Whether the status is 5xx (500-599; a status beyond, such as 999, is neither a
    /// client nor a server error).
    pub fn is_server_error(&self) -> bool {
        (500..600).contains(&self.status)
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{}: HTTP {} {}: {} (request id {})",
            self.operation,
            self.status,
            shown(&self.error_code),
            shown(&self.error_msg),
            shown(self.request_id.as_deref().unwrap_or("none"))
        )
    }
}

impl fmt::Debug for ServiceError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("ServiceError")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("request_id", &self.request_id.as_deref().map(Quoted))
            .field("error_code", &Quoted(&self.error_code))
            .field("error_msg", &Quoted(&self.error_msg))
            .field(
                "encoded_authorization_message",
                &self.encoded_authorization_message.as_deref().map(Quoted),
            )
            .field("body", &Quoted(&snippet(&self.body)))
            .finish()
    }
}

/// A text shown in `Debug` output between quotes, cut and escaped as [`shown`] does.
struct Quoted<'a>(&'a str);

impl fmt::Debug for Quoted<'_> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "\"{}\"", shown(self.0))
    }
}

/// The text of a body's first [`SNIPPET_BYTES`] bytes, lossily decoded, `…` when cut.
pub(crate) fn snippet(body: &[u8]) -> String {
    let end = body.len().min(SNIPPET_BYTES);
    let mut text = String::from_utf8_lossy(&body[..end]).into_owned();
    if body.len() > end {
        text.push('…');
    }
    text
}

/// A text from a server or a caller as an error shows it: at most [`SHOWN_BYTES`] bytes
/// (cut at a character), control characters escaped (`\n`, `\u{1b}`), and a cut marked
/// with the text's whole length, so a line break or a megabyte never reaches a log line.
pub(crate) fn shown(text: &str) -> String {
    shown_within(text, SHOWN_BYTES)
}

/// [`shown`] with another bound.
pub(crate) fn shown_within(text: &str, limit: usize) -> String {
    let mut out = String::with_capacity(text.len().min(limit) + 40);
    for (index, character) in text.char_indices() {
        let before = out.len();
        if character.is_control() || character == '\u{2028}' || character == '\u{2029}' {
            out.extend(character.escape_default());
        } else {
            out.push(character);
        }
        if out.len() > limit {
            out.truncate(before);
            out.push_str(&format!("… (truncated at byte {index} of {})", text.len()));
            break;
        }
    }
    out
}

type ParsedError = (Option<String>, String, Option<String>);

/// Finds code and message with the official SDKs' fallback order: `error_code`/`error_msg`,
/// `errorCode`/`errorMsg`, `code`/`message`, then the same inside a nested object.
/// Returns `None` when the body is not a JSON object.
fn parse_error_body(body: &[u8]) -> Option<ParsedError> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let object = value.as_object()?;
    let text = |value: &serde_json::Value| match value {
        serde_json::Value::String(text) => Some(text.clone()),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    };
    const PAIRS: [(&str, &str); 3] = [
        ("error_code", "error_msg"),
        ("errorCode", "errorMsg"),
        ("code", "message"),
    ];
    let find = |object: &serde_json::Map<String, serde_json::Value>| {
        PAIRS.iter().find_map(|(code, message)| {
            let code = object.get(*code).and_then(text);
            let message = object.get(*message).and_then(text);
            (code.is_some() || message.is_some()).then_some((code, message))
        })
    };
    let found = find(object).or_else(|| {
        object
            .values()
            .filter_map(|value| value.as_object())
            .find_map(find)
    });
    let encoded = object.get("encoded_authorization_message").and_then(text);
    let (code, message) = found.unwrap_or((None, None));
    Some((code, message.unwrap_or_default(), encoded))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(body: &str) -> (String, String) {
        let error = ServiceError::new("Op", 418, None, Bytes::from(body.to_owned()));
        (error.error_code, error.error_msg)
    }

    #[test]
    fn error_bodies_follow_the_official_fallback_order() {
        let cases = [
            (
                r#"{"error_code":"APIGW.0301","error_msg":"bad auth"}"#,
                ("APIGW.0301", "bad auth"),
            ),
            (r#"{"errorCode":"E1","errorMsg":"m1"}"#, ("E1", "m1")),
            (
                r#"{"code":"SecMaster.1","message":"m2"}"#,
                ("SecMaster.1", "m2"),
            ),
            (
                r#"{"error":{"code":"E2","message":"nested"}}"#,
                ("E2", "nested"),
            ),
            (
                r#"{"error_code":"A","code":"B","message":"ignored"}"#,
                ("A", ""),
            ),
            ("plain text failure", ("418", "plain text failure")),
            (r#"{"unrelated":1}"#, ("418", "")),
        ];
        for (body, (code, message)) in cases {
            assert_eq!(
                parsed(body),
                (code.to_owned(), message.to_owned()),
                "body {body}"
            );
        }
    }

    #[test]
    fn display_is_one_line_with_status_code_message_and_request_id() {
        let body = Bytes::from_static(br#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information"}"#);
        let error = Error::Service(Box::new(ServiceError::new(
            "ChangePlaybookInstance",
            401,
            Some("req-1".into()),
            body,
        )));
        assert_eq!(
            error.to_string(),
            "ChangePlaybookInstance: HTTP 401 APIGW.0301: Incorrect IAM authentication information (request id req-1)"
        );
    }

    #[test]
    fn a_credentials_failure_is_one_bounded_line_naming_the_provider() {
        let error = Error::Credentials {
            provider: "ecs-metadata",
            message: "http://169.254.169.254 answered HTTP 500: down".into(),
        };
        assert_eq!(
            error.to_string(),
            "credentials provider `ecs-metadata`: http://169.254.169.254 answered HTTP 500: down"
        );
        let error = Error::Credentials {
            provider: "chain",
            message: format!("line\nbreak {}", "x".repeat(10_000)),
        };
        let shown = error.to_string();
        assert!(!shown.contains('\n'), "{shown}");
        assert!(
            shown.len() <= SHOWN_CREDENTIALS_BYTES + 100,
            "{}",
            shown.len()
        );
        assert!(shown.ends_with("of 10011)"), "{shown}");
    }

    #[test]
    fn shown_text_is_escaped_cut_at_a_character_and_marked() {
        assert_eq!(shown("plain 'quoted' \"text\""), "plain 'quoted' \"text\"");
        assert_eq!(shown("a\r\nb\u{1b}"), "a\\r\\nb\\u{1b}");
        let long = "ä".repeat(1_000);
        let cut = shown(&long);
        assert!(cut.len() <= SHOWN_BYTES + 60, "{}", cut.len());
        assert!(cut.ends_with("… (truncated at byte 300 of 2000)"), "{cut}");
    }
}
