//! When and how long to wait before sending a failed call again.

use std::time::{Duration, SystemTime};

/// Retries with exponential backoff and full jitter.
///
/// Always retried: failures to connect (the request never left), 429 and 503. Retried only
/// for operations the spec marks idempotent (`x-idempotent: true`, or GET/PUT/DELETE/HEAD/
/// OPTIONS by default): other 5xx (500-599), timeouts and connections broken after sending
/// began. Any other status (4xx, or one outside 100-599 such as 999) is never retried.
/// A `Retry-After` header is honoured when it is no longer than `max_delay`; a longer one
/// ends the retries and returns the error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 disables retries).
    pub max_attempts: u32,
    /// The backoff before the second attempt, doubled for each further attempt.
    pub base_delay: Duration,
    /// The cap on any single wait.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// 3 attempts, 200 ms base, 10 s cap.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// No retries: every call is sent once.
    pub fn disabled() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The wait before attempt `attempt + 1`, after attempt `attempt` (from 1) failed:
    /// a uniformly random duration up to `min(max_delay, base_delay * 2^(attempt - 1))`.
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let exponent = attempt.saturating_sub(1).min(30);
        let ceiling = self
            .base_delay
            .saturating_mul(1 << exponent)
            .min(self.max_delay);
        let millis = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(fastrand::u64(0..=millis))
    }
}

/// Parses `Retry-After`: delay seconds or an HTTP date.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Whether an error status may be sent again: 429 and 503 always (the server refused
/// before acting), any other 5xx only for idempotent calls. A status outside 100-599
/// (such as 999) is no HTTP status a server means to be retried, so it is final.
pub(crate) fn retryable_status(status: u16, idempotent: bool) -> bool {
    match status {
        429 | 503 => true,
        500..=599 => idempotent,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_stays_under_the_exponential_ceiling_and_the_cap() {
        let policy = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(350),
        };
        for _ in 0..200 {
            assert!(policy.backoff(1) <= Duration::from_millis(100));
            assert!(policy.backoff(2) <= Duration::from_millis(200));
            assert!(policy.backoff(8) <= Duration::from_millis(350));
        }
    }

    #[test]
    fn retry_after_accepts_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(parse_retry_after("2", now), Some(Duration::from_secs(2)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:40 GMT", now),
            Some(Duration::from_secs(3))
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
