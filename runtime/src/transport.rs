//! What an attempt ended with when it failed, and how a transport error is classified:
//! TLS, never connected, or broken after sending began.

use std::time::Duration;

use crate::error::{shown, Error};

/// What one attempt ended with, and whether another attempt may follow.
pub(crate) struct Failure {
    pub(crate) error: Error,
    pub(crate) retryable: bool,
    /// The wait a `Retry-After` header asked for.
    pub(crate) retry_after: Option<Duration>,
}

/// Classifies a transport error: TLS, connect (never sent), timeout, or broken mid-way. A
/// failure to connect names `proxy` (shown without credentials) when calls go through one.
/// The message is at most 300 bytes, control characters escaped, as `shown` makes it.
pub(crate) fn transport_failure(
    operation: &'static str,
    error: reqwest::Error,
    idempotent: bool,
    request_id: Option<String>,
    proxy: Option<&str>,
) -> Failure {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
    while let Some(current) = source {
        if let Some(tls) = current.downcast_ref::<rustls::Error>() {
            return Failure {
                error: Error::Tls {
                    operation,
                    message: shown(&tls.to_string()),
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
    let mut message = error_chain(&error);
    // A failure to connect means the request never left: always safe to send again.
    let maybe_sent = !error.is_connect();
    // Through a proxy, the connection that failed may be the proxy's, not the endpoint's.
    if let (false, Some(proxy)) = (maybe_sent, proxy) {
        message.push_str(&format!(" (connecting through {proxy})"));
    }
    Failure {
        error: Error::Connection {
            operation,
            // Cut and escaped here, so that `Display` and `Debug` stay short; the whole
            // chain is the error's source.
            message: shown(&message),
            maybe_sent,
            request_id,
            source: Some(Box::new(Shown(error))),
        },
        retryable: !maybe_sent || idempotent,
        retry_after: None,
    }
}

/// A transport error as an [`Error::Connection`] holds it: its `Display` and `Debug` cut
/// and escaped as `shown` does (reqwest's name the whole URL, which may be 64 KiB), its
/// source the transport error itself, whole.
struct Shown(reqwest::Error);

impl std::fmt::Display for Shown {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&shown(&self.0.to_string()))
    }
}

impl std::fmt::Debug for Shown {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&shown(&format!("{:?}", self.0)))
    }
}

impl std::error::Error for Shown {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

/// An error and its sources, `: `-separated.
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
