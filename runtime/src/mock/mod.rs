//! A local mock of a service (feature `mock`): a real HTTP server on loopback that checks
//! AK/SK signatures (or a token) the way the API gateway does, routes requests by the
//! operations of a generated service description, checks them against its schemas and
//! answers with the spec's example or a minimal valid body.
//!
//! The engine names no service: a generated crate hands it the description its generator
//! wrote (`mock.json`), so every spec gets its own mock. Tests can set the answer of any
//! operation and read the requests it recorded.
//!
//! `description` is the JSON contract with the generator, `server` the server and the
//! state tests set, `checks` what a received request must pass, `answers` what the mock
//! answers.

mod answers;
mod checks;
mod description;
mod server;

use bytes::Bytes;
use serde_json::Value;

pub use answers::MockAnswer;
pub use server::{block_on, MockServer};

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
