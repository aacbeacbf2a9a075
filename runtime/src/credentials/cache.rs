//! The cache behind every [`CredentialsProvider`](super::CredentialsProvider): the keys each
//! attempt gets, and when and how they are renewed.
//!
//! Temporary credentials are refreshed once they are within 40 minutes of expiring (the
//! official SDK's `Credentials._DEFAULT_EXPIRATION_THRESHOLD_SECONDS`), or at half their
//! life when they last no longer than that (the SDK would refresh them on every call). One
//! refresh runs at a time: calls that find the keys stale while a refresh runs wait for it
//! and share its outcome, so a burst of calls at expiry makes one request. A failed refresh
//! is an error naming the provider, unless the current credentials are still valid: they
//! are used, and the refresh is tried again at most every [`RETRY_AFTER_FAILURE`]. Time is
//! tokio's, so a paused clock moves expiry too.
//!
//! The cache knows nothing of where credentials come from: the first time, it asks the
//! provider to resolve its source (a [`Resolved`]), and keeps the [`Fetcher`] that gives.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use super::context::ProviderContext;
use super::fetch::{Fetched, Fetcher};
use super::Credentials;
use crate::auth::Keys;
use crate::Error;

/// How long before expiry temporary credentials are refreshed (the official SDK's 40
/// minutes); credentials that live no longer than this are refreshed at half their life.
const REFRESH_THRESHOLD: Duration = Duration::from_secs(40 * 60);
/// After a failed refresh while the current credentials are still valid, how long they
/// are used before the refresh is tried again.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(30);

/// What a source turned out to be: fixed credentials, or a fetcher of temporary ones
/// (with the first credentials, when finding out fetched them).
pub(super) enum Resolved {
    Fixed(Credentials),
    Fetcher(Arc<Fetcher>, Option<Fetched>),
}

/// One provider's keys, shared by its clones.
pub(super) struct Cache {
    /// What the keys are now; read by every attempt, held only briefly.
    state: Mutex<State>,
    /// Held while resolving or refreshing: one at a time.
    refresh: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct State {
    fetcher: Option<Arc<Fetcher>>,
    current: Option<Current>,
    /// Resolutions and refreshes finished so far, to tell waiters one ended.
    attempts: u64,
    /// The last failure, shared with the calls that waited for it.
    last_failure: Option<Failure>,
}

/// Why a provider gave no keys: its name, and what went wrong (never a secret).
struct Failure {
    provider: &'static str,
    message: String,
}

impl Failure {
    fn new(provider: &'static str, message: impl Into<String>) -> Failure {
        Failure {
            provider,
            message: message.into(),
        }
    }

    /// The error a call gets (each waiter its own: `Error` is not `Clone`).
    fn error(&self) -> Error {
        Error::Credentials {
            provider: self.provider,
            message: self.message.clone(),
        }
    }
}

#[derive(Clone)]
struct Current {
    keys: Arc<Keys>,
    /// When to refresh; `None`: never (fixed credentials).
    refresh_at: Option<Instant>,
    /// When they stop working; `None`: never.
    expires_at: Option<Instant>,
}

impl Current {
    fn valid(&self, now: Instant) -> bool {
        self.expires_at.is_none_or(|at| now < at)
    }

    fn fresh(&self, now: Instant) -> bool {
        self.valid(now) && self.refresh_at.is_none_or(|at| now < at)
    }
}

impl Cache {
    pub(super) fn new() -> Cache {
        Cache {
            state: Mutex::new(State::default()),
            refresh: tokio::sync::Mutex::new(()),
        }
    }

    /// The keys for an attempt: the current ones while fresh, else after the one refresh
    /// in flight (started here when none is). `name` is the provider's, for errors and
    /// logs; `resolve` finds out its source, and is called only until that has worked.
    pub(super) async fn keys<R, F>(
        &self,
        context: &ProviderContext,
        name: &'static str,
        resolve: R,
    ) -> Result<Arc<Keys>, Error>
    where
        R: FnOnce() -> F,
        F: Future<Output = Result<Resolved, String>>,
    {
        let seen = {
            let state = self.state();
            if let Some(current) = &state.current {
                if current.fresh(Instant::now()) {
                    return Ok(current.keys.clone());
                }
            }
            state.attempts
        };
        let _refreshing = self.refresh.lock().await;
        {
            let state = self.state();
            let now = Instant::now();
            if let Some(current) = state.current.as_ref().filter(|current| current.fresh(now)) {
                return Ok(current.keys.clone());
            }
            if state.attempts != seen {
                // A refresh ended while this call waited, and failed: its outcome is this
                // call's too.
                if let Some(current) = state.current.as_ref().filter(|current| current.valid(now)) {
                    return Ok(current.keys.clone());
                }
                if let Some(failure) = &state.last_failure {
                    return Err(failure.error());
                }
            }
        }
        // This call refreshes, or finds out what the source is the first time. That is
        // rare and its requests' futures are large, so it is boxed: every call's future
        // holds only the pointer.
        let now = Instant::now();
        let outcome = Box::pin(self.obtain(context, name, resolve, now)).await;
        let mut state = self.state();
        state.attempts += 1;
        match outcome {
            Ok((fetcher, current)) => {
                if fetcher.is_some() {
                    state.fetcher = fetcher;
                }
                let keys = current.keys.clone();
                state.current = Some(current);
                state.last_failure = None;
                Ok(keys)
            }
            Err(failure) => {
                let error = failure.error();
                let provider = failure.provider;
                state.last_failure = Some(failure);
                if let Some(current) = state.current.as_mut().filter(|current| current.valid(now)) {
                    tracing::warn!(provider, %error, "refreshing the credentials failed; the current ones are used until they expire");
                    current.refresh_at = Some(now + RETRY_AFTER_FAILURE);
                    return Ok(current.keys.clone());
                }
                Err(error)
            }
        }
    }

    /// New keys: from the fetcher when the source is known, else from what finding out
    /// the source gave. `Err` names the provider that failed (the chain's when no provider of
    /// it had credentials, else the one it settled on) and says why.
    async fn obtain<R, F>(
        &self,
        context: &ProviderContext,
        name: &'static str,
        resolve: R,
        now: Instant,
    ) -> Result<(Option<Arc<Fetcher>>, Current), Failure>
    where
        R: FnOnce() -> F,
        F: Future<Output = Result<Resolved, String>>,
    {
        let fetcher = self.state().fetcher.clone();
        let (fetcher, credentials, expiry) = match fetcher {
            Some(fetcher) => {
                let fetched = fetcher
                    .fetch(context)
                    .await
                    .map_err(|message| Failure::new(fetcher.name(), message))?;
                (Some(fetcher), fetched.credentials, Some(fetched.expires_at))
            }
            None => match resolve().await {
                Ok(Resolved::Fixed(credentials)) => (None, credentials, None),
                Ok(Resolved::Fetcher(fetcher, first)) => {
                    let fetched = match first {
                        Some(fetched) => fetched,
                        None => fetcher
                            .fetch(context)
                            .await
                            .map_err(|message| Failure::new(fetcher.name(), message))?,
                    };
                    (Some(fetcher), fetched.credentials, Some(fetched.expires_at))
                }
                Err(message) => return Err(Failure::new(name, message)),
            },
        };
        let name = fetcher.as_ref().map_or(name, |fetcher| fetcher.name());
        let keys =
            Keys::new(&credentials).map_err(|error| Failure::new(name, error.config_message()))?;
        let (refresh_at, expires_at) = match expiry {
            None => (None, None),
            Some(expiry) => {
                let lifetime = Duration::try_from(expiry - time::OffsetDateTime::now_utc())
                    .ok()
                    .filter(|lifetime| !lifetime.is_zero())
                    .ok_or_else(|| {
                        Failure::new(name, "the credentials it gave had already expired")
                    })?;
                // The SDK's threshold; credentials that do not outlive it (which the SDK
                // would refresh on every call) are refreshed at half their life.
                let early = if lifetime > REFRESH_THRESHOLD {
                    REFRESH_THRESHOLD
                } else {
                    lifetime / 2
                };
                (Some(now + (lifetime - early)), Some(now + lifetime))
            }
        };
        tracing::debug!(
            provider = name,
            expires_in = ?expires_at.map(|at| at - now),
            "credentials obtained"
        );
        let current = Current {
            keys: Arc::new(keys),
            refresh_at,
            expires_at,
        };
        Ok((fetcher, current))
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while the lock is held cannot leave `State` half-written: every update
        // is a few assignments.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
