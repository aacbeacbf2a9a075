//! A successful answer, as the generated operations decode it.

use std::str::FromStr;

use bytes::Bytes;

use super::error::snippet;
use crate::Error;

/// The header every answer carries its request id in.
pub(crate) const REQUEST_ID: &str = "X-Request-Id";

/// A header's value as text, when present and valid UTF-8.
pub(crate) fn header_text(headers: &http::HeaderMap, name: &str) -> Option<String> {
    let value = headers.get(name)?;
    std::str::from_utf8(value.as_bytes())
        .ok()
        .map(str::to_owned)
}

/// A 2xx answer with its body read in full.
#[derive(Debug)]
pub struct RawResponse {
    pub(crate) operation: &'static str,
    pub(crate) status: u16,
    pub(crate) headers: http::HeaderMap,
    pub(crate) body: Bytes,
}

impl RawResponse {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// A response header as text, when present and valid UTF-8.
    pub fn header(&self, name: &str) -> Option<String> {
        header_text(&self.headers, name)
    }

    /// A response header parsed into a number or boolean; `None` when absent or unparsable.
    pub fn header_parsed<T: FromStr>(&self, name: &str) -> Option<T> {
        self.header(name)
            .and_then(|value| value.trim().parse().ok())
    }

    /// The `X-Request-Id` header.
    pub fn request_id(&self) -> Option<String> {
        self.header(REQUEST_ID)
    }

    /// The body decoded from JSON.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(|error| Error::Decode {
            operation: self.operation,
            status: self.status,
            request_id: self.request_id(),
            message: error.to_string(),
            snippet: snippet(&self.body),
        })
    }

    /// The body decoded from JSON, or `None` when the answer has no body (a 2xx that the
    /// spec declares without content, such as 204).
    pub fn json_optional<T: serde::de::DeserializeOwned>(&self) -> Result<Option<T>, Error> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        self.json().map(Some)
    }

    /// The raw body.
    pub fn bytes(&self) -> Bytes {
        self.body.clone()
    }
}
