//! Hooks around every attempt of a call, for logging, metrics and test fakes.

use crate::Error;

/// What an interceptor learns of one attempt.
#[derive(Debug)]
#[non_exhaustive]
pub struct Attempt<'a> {
    /// The operation's name (`ListAlerts`).
    pub operation: &'static str,
    /// The attempt's number, from 1.
    pub number: u32,
    /// The HTTP method.
    pub method: &'a http::Method,
    /// The URL the attempt goes to.
    pub url: &'a str,
}

/// How an attempt ended.
#[derive(Debug)]
#[non_exhaustive]
pub enum Outcome<'a> {
    /// An answer arrived (any status: errors from the service too).
    Response {
        /// The HTTP status.
        status: u16,
        /// The answer's headers.
        headers: &'a http::HeaderMap,
    },
    /// No usable answer: a connection failure, a timeout, a body too large, or a
    /// service error (whose status and request id the error carries).
    Failed(&'a Error),
}

/// Called around every attempt of every call of a client, in the order registered with
/// [`ClientBuilder::interceptor`](crate::ClientBuilder::interceptor).
///
/// Both methods do nothing by default. They run on the calling task, so keep them quick.
///
/// ```
/// use std::sync::atomic::{AtomicU32, Ordering};
/// use huaweicloud_sdk_core::{Attempt, Interceptor};
///
/// /// Counts attempts and tags each with a header.
/// #[derive(Default)]
/// struct Count(AtomicU32);
///
/// impl Interceptor for Count {
///     fn before_attempt(&self, _attempt: &Attempt<'_>, headers: &mut http::HeaderMap) {
///         self.0.fetch_add(1, Ordering::Relaxed);
///         headers.insert("x-trace-tag", http::HeaderValue::from_static("demo"));
///     }
/// }
/// ```
pub trait Interceptor: Send + Sync + 'static {
    /// Before an attempt is sent, after it is signed. Headers added here are sent but not
    /// signed (the gateway checks only the signed ones); changing a signed header makes
    /// the service refuse the call.
    fn before_attempt(&self, attempt: &Attempt<'_>, headers: &mut http::HeaderMap) {
        let _ = (attempt, headers);
    }

    /// After an attempt: its answer's status and headers, or why it failed. For a
    /// failure, another attempt may follow.
    fn after_attempt(&self, attempt: &Attempt<'_>, outcome: &Outcome<'_>) {
        let _ = (attempt, outcome);
    }
}

/// A shared interceptor, so the caller can keep a handle on it (to read its counts, say).
impl<T: Interceptor + ?Sized> Interceptor for std::sync::Arc<T> {
    fn before_attempt(&self, attempt: &Attempt<'_>, headers: &mut http::HeaderMap) {
        (**self).before_attempt(attempt, headers);
    }

    fn after_attempt(&self, attempt: &Attempt<'_>, outcome: &Outcome<'_>) {
        (**self).after_attempt(attempt, outcome);
    }
}
