//! A successful answer, as the generated operations decode it.

use std::str::FromStr;

use bytes::Bytes;

use super::error::snippet;
use crate::Error;

/// The header every answer carries its request id in.
static REQUEST_ID: http::HeaderName = http::HeaderName::from_static("x-request-id");

/// A header's value as text, when present and valid UTF-8.
pub(crate) fn header_text(headers: &http::HeaderMap, name: &str) -> Option<String> {
    text(headers.get(name)?)
}

/// The `X-Request-Id` header (any case), found without parsing its name.
pub(crate) fn request_id_of(headers: &http::HeaderMap) -> Option<String> {
    text(headers.get(&REQUEST_ID)?)
}

fn text(value: &http::HeaderValue) -> Option<String> {
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
        request_id_of(&self.headers)
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

impl RawResponse {
    /// The response headers, given up by the response.
    pub fn into_headers(self) -> http::HeaderMap {
        self.headers
    }
}

/// A 2xx answer whose body is still to be read: a file download.
#[derive(Debug)]
#[non_exhaustive]
pub struct StreamingResponse {
    /// The HTTP status.
    pub status: u16,
    /// The response headers.
    pub headers: http::HeaderMap,
    /// The body, not read yet.
    pub body: ByteStream,
}

impl StreamingResponse {
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
        request_id_of(&self.headers)
    }
}

/// The body of a download, read chunk by chunk as it arrives: never buffered whole and not
/// bound by the JSON size limit. A body that ends before its announced length is an error,
/// never a short file.
pub struct ByteStream {
    response: reqwest::Response,
    operation: &'static str,
    request_id: Option<String>,
    expected: Option<u64>,
    received: u64,
    idle_timeout: std::time::Duration,
    progress: Option<crate::upload::ProgressFn>,
    /// The client's connection slot (`ClientBuilder::max_connections`), held until the
    /// body is read or dropped.
    slot: Option<tokio::sync::OwnedSemaphorePermit>,
}

impl std::fmt::Debug for ByteStream {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ByteStream")
            .field("operation", &self.operation)
            .field("expected", &self.expected)
            .field("received", &self.received)
            .finish_non_exhaustive()
    }
}

impl ByteStream {
    pub(crate) fn new(
        response: reqwest::Response,
        operation: &'static str,
        request_id: Option<String>,
        idle_timeout: std::time::Duration,
    ) -> Self {
        ByteStream {
            expected: response.content_length(),
            response,
            operation,
            request_id,
            received: 0,
            idle_timeout,
            slot: None,
            progress: None,
        }
    }

    /// Holds the client's connection slot for as long as the body streams.
    pub(crate) fn with_slot(mut self, slot: Option<tokio::sync::OwnedSemaphorePermit>) -> Self {
        self.slot = slot;
        self
    }

    /// The length the server announced (`Content-Length`), if any.
    pub fn content_length(&self) -> Option<u64> {
        self.expected
    }

    /// Bytes received so far.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// Calls `progress(received, total)` after each chunk.
    pub fn on_progress(
        mut self,
        progress: impl Fn(u64, Option<u64>) + Send + Sync + 'static,
    ) -> Self {
        self.progress = Some(std::sync::Arc::new(progress));
        self
    }

    fn broken(&self, message: String) -> Error {
        Error::Connection {
            operation: self.operation,
            message,
            maybe_sent: true,
            request_id: self.request_id.clone(),
            source: None,
        }
    }

    /// The next chunk, or `None` at the end. Each read waits at most the client's timeout.
    pub async fn next_chunk(&mut self) -> Result<Option<Bytes>, Error> {
        let chunk = match tokio::time::timeout(self.idle_timeout, self.response.chunk()).await {
            Err(_) => {
                return Err(Error::Timeout {
                    operation: self.operation,
                    elapsed: self.idle_timeout,
                    attempt: 1,
                })
            }
            Ok(Err(error)) => {
                return Err(self.broken(format!(
                    "the download broke after {} bytes: {error}",
                    self.received
                )))
            }
            Ok(Ok(chunk)) => chunk,
        };
        match chunk {
            Some(chunk) => {
                self.received += chunk.len() as u64;
                if let Some(progress) = &self.progress {
                    progress(self.received, self.expected);
                }
                Ok(Some(chunk))
            }
            None => match self.expected {
                Some(expected) if expected != self.received => Err(self.broken(format!(
                    "the download ended after {} of {expected} bytes",
                    self.received
                ))),
                _ => Ok(None),
            },
        }
    }

    /// Writes the whole body to `writer` and returns the number of bytes written.
    pub async fn write_to<W: tokio::io::AsyncWrite + Unpin>(
        mut self,
        writer: &mut W,
    ) -> Result<u64, Error> {
        use tokio::io::AsyncWriteExt;
        while let Some(chunk) = self.next_chunk().await? {
            writer.write_all(&chunk).await.map_err(|error| {
                Error::Io(format!("{}: writing the download: {error}", self.operation))
            })?;
        }
        writer.flush().await.map_err(|error| {
            Error::Io(format!("{}: writing the download: {error}", self.operation))
        })?;
        Ok(self.received)
    }

    /// Reads the whole body into memory; fails when it exceeds `limit` bytes.
    pub async fn collect(mut self, limit: usize) -> Result<Bytes, Error> {
        let mut body = bytes::BytesMut::new();
        while let Some(chunk) = self.next_chunk().await? {
            if body.len() + chunk.len() > limit {
                return Err(Error::BodyTooLarge {
                    operation: self.operation,
                    status: self.response.status().as_u16(),
                    request_id: self.request_id.clone(),
                    limit,
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }
}

/// What a successful attempt produced.
pub(crate) enum Answer {
    Full(RawResponse),
    Stream(StreamingResponse),
}

/// What a call hands over: a buffered answer, or a streamed one.
pub(crate) trait Delivery: Send {
    /// Whether a 2xx answer is handed over before its body is read.
    const STREAM: bool;

    /// The answer of a call sent with [`STREAM`](Self::STREAM).
    fn deliver(answer: Answer) -> Self;
}

impl Delivery for RawResponse {
    const STREAM: bool = false;

    fn deliver(answer: Answer) -> Self {
        match answer {
            Answer::Full(response) => response,
            Answer::Stream(_) => unreachable!("a buffered call gets a buffered answer"),
        }
    }
}

impl Delivery for StreamingResponse {
    const STREAM: bool = true;

    fn deliver(answer: Answer) -> Self {
        match answer {
            Answer::Stream(response) => response,
            Answer::Full(_) => unreachable!("a streaming call gets a streaming answer"),
        }
    }
}

impl Answer {
    pub(crate) fn headers(&self) -> &http::HeaderMap {
        match self {
            Answer::Full(response) => &response.headers,
            Answer::Stream(response) => &response.headers,
        }
    }

    pub(crate) fn status(&self) -> u16 {
        match self {
            Answer::Full(response) => response.status,
            Answer::Stream(response) => response.status,
        }
    }

    pub(crate) fn request_id(&self) -> Option<String> {
        match self {
            Answer::Full(response) => response.request_id(),
            Answer::Stream(response) => response.request_id(),
        }
    }
}
