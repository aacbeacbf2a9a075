//! A local mock of a service (feature `mock`): a real HTTP server on loopback that checks
//! AK/SK signatures (or a token) the way the API gateway does, routes requests by the
//! operations of a generated service description, checks them against its schemas and
//! answers with the spec's example or a minimal valid body.
//!
//! The engine names no service: a generated crate hands it the description its generator
//! wrote (`mock.json`), so every spec gets its own mock. Tests can set the answer of any
//! operation and read the requests it recorded.
//!
//! `description` is the JSON contract with the generator, `state` what tests set and what
//! the mock recorded, `checks` what a received request must pass, `answers` what the mock
//! answers when no test set an answer, `identity` the metadata, pod identity, IAM and STS
//! routes the credential providers call, and `server` the server that ties them together.
//! Here are the two things tests hand over and get back: [`MockAnswer`] and
//! [`RecordedRequest`].

mod answers;
pub mod by_name;
mod checks;
mod description;
mod identity;
mod server;
mod state;

use std::time::Duration;

use bytes::Bytes;
use serde_json::Value;

pub use identity::{DEFAULT_CREDENTIALS_TTL, POD_IDENTITY_PATH};
pub use server::{block_on, MockServer};

/// The project id the mock's IAM gives any project name, unless a test set others.
pub const MOCK_PROJECT_ID: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";

/// The account (domain) id the mock's IAM gives any credentials (`GET /v3/auth/domains`,
/// which a global service's client asks when it has no domain id), and its STS too
/// (`GET /v5/caller-identity`, asked next when IAM lists no account; a test answers it
/// otherwise with `push_answer("GetCallerIdentity", ..)`).
pub const MOCK_DOMAIN_ID: &str = "d0m41n1d0a1b2c3d4e5f60718293a4b5";

/// How many requests a mock keeps for [`MockServer::requests`] until
/// [`MockServer::set_record_limit`] says otherwise: the latest ones, the oldest dropped.
pub const DEFAULT_RECORD_LIMIT: usize = 10_000;

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

    /// The query's name and value pairs, decoded, in the order received.
    fn query_pairs(&self) -> Vec<(String, String)> {
        decode_pairs(&self.query, false)
    }
}

/// The `name=value` pairs of a query or a form-urlencoded body, percent-decoded (lossily);
/// `plus_is_space` for a form, where `+` stands for a space.
fn decode_pairs(text: &str, plus_is_space: bool) -> Vec<(String, String)> {
    let decode = |text: &str| {
        let text = if plus_is_space {
            text.replace('+', " ")
        } else {
            text.to_owned()
        };
        percent_encoding::percent_decode_str(&text)
            .decode_utf8_lossy()
            .into_owned()
    };
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect()
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
