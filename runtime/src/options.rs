//! Options for the calls of one client handle: [`Client::with_options`](crate::Client::with_options).

use std::time::Duration;

use crate::headers::{given_header_problem, set_by_client};
use crate::RetryPolicy;

/// Per-call options; what is not set comes from the client.
///
/// ```
/// use std::time::Duration;
/// use huaweicloud_sdk_core::{CallOptions, RetryPolicy};
///
/// let options = CallOptions::new()
///     .timeout(Duration::from_secs(5))
///     .header("X-Language", "en-us")
///     .retry_policy(RetryPolicy::disabled());
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CallOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) idempotent: Option<bool>,
    /// What is wrong with the headers, found once when a handle takes these options.
    pub(crate) problem: Option<String>,
}

impl CallOptions {
    /// No options: everything as the client is configured.
    pub fn new() -> Self {
        Self::default()
    }

    /// Time for each attempt, instead of the client's.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// One more header, sent and signed. Its name and value are checked when the call is
    /// made, as every header is; a header the client sets itself (`Authorization`,
    /// `Host`, `X-Sdk-Date`, `X-Sdk-Content-Sha256`, `X-Project-Id`, `X-Domain-Id`,
    /// `X-Security-Token`, `X-Auth-Token`, `Content-Type`, `Content-Length`,
    /// `Transfer-Encoding`, `User-Agent`) is refused there with
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The retry policy, instead of the client's.
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Whether the operations called may be sent again after a failure the server may
    /// have seen (5xx, timeouts, broken connections), instead of what the spec says.
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = Some(idempotent);
        self
    }

    /// Trims the extra headers' values and checks them once, for every call of the handle
    /// that takes these options; a problem is reported by each call.
    pub(crate) fn checked(mut self) -> Self {
        for (_, value) in &mut self.headers {
            if value.trim().len() != value.len() {
                *value = value.trim().to_owned();
            }
        }
        self.problem = self.headers.iter().find_map(|(name, value)| {
            // Options give no body, so no body's type either.
            if set_by_client(name) || name.eq_ignore_ascii_case("content-type") {
                Some(format!(
                    "header `{name}` is set by the client and cannot be given as an option"
                ))
            } else {
                given_header_problem(name, value)
            }
        });
        self
    }
}
