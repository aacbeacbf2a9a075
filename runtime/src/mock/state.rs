//! The mock's state, shared by the server, the checks, the answers and the identity
//! routes: the service it serves and the keys it accepts, what tests set (answers, paged
//! items, IAM's projects, how the identity routes behave), what the identity routes issued
//! and the requests it recorded. Plain data with its bookkeeping: what a request gets is
//! decided above it (`identity`, `answers`, `checks`, `server`).

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value;
use tokio::time::Instant;

use super::description::Description;
use super::{MockAnswer, RecordedRequest, DEFAULT_RECORD_LIMIT};

pub(super) struct State {
    pub(super) description: Description,
    pub(super) access_key: String,
    pub(super) secret_key: String,
    pub(super) token: Option<String>,
    /// The latest requests received, oldest first, at most `record_limit` of them.
    pub(super) requests: Mutex<VecDeque<RecordedRequest>>,
    /// How many requests `requests` keeps.
    record_limit: AtomicUsize,
    /// Answers set by tests, by operation name.
    answers: Mutex<HashMap<String, SetAnswers>>,
    /// The items paged operations list, by operation name.
    pub(super) collections: Mutex<HashMap<String, Vec<Value>>>,
    /// The projects IAM knows (id, name); `None`: one per name asked for.
    pub(super) projects: Mutex<Option<Vec<(String, String)>>>,
    /// What the identity routes issued, and how tests set them to behave.
    pub(super) identity: Identity,
}

/// The identity routes' state (served by `identity`), behind one lock.
#[derive(Default)]
pub(super) struct Identity(Mutex<Issuance>);

/// What the identity routes issued and how they behave.
#[derive(Default)]
pub(super) struct Issuance {
    /// How long issued credentials last; `None`: the default
    /// ([`DEFAULT_CREDENTIALS_TTL`](super::DEFAULT_CREDENTIALS_TTL)).
    pub(super) ttl: Option<Duration>,
    /// While set, every identity route answers 500.
    pub(super) failing: bool,
    /// Requests to the routes that hand out credentials, failed ones included.
    pub(super) credential_requests: usize,
    pub(super) issued: Vec<Issued>,
    /// Metadata session tokens and IAM unscoped tokens issued, still accepted.
    pub(super) metadata_tokens: Vec<String>,
    pub(super) unscoped_tokens: Vec<String>,
    /// Numbers every token and key issued.
    pub(super) counter: u64,
}

/// Temporary credentials the identity routes issued.
pub(super) struct Issued {
    pub(super) access: String,
    pub(super) secret: String,
    pub(super) security_token: String,
    /// By tokio's clock.
    pub(super) expires: Instant,
}

impl Identity {
    pub(super) fn lock(&self) -> MutexGuard<'_, Issuance> {
        // Every update is a few assignments: a panic cannot leave it half-written.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The answers a test set for one operation: one-shot answers in order, then a standing one.
#[derive(Default)]
struct SetAnswers {
    queue: VecDeque<MockAnswer>,
    standing: Option<MockAnswer>,
}

impl State {
    /// A mock of the described service that accepts these keys (and the token), with
    /// nothing set and nothing recorded.
    pub(super) fn new(
        description: Description,
        access_key: &str,
        secret_key: &str,
        token: Option<&str>,
    ) -> State {
        State {
            description,
            access_key: access_key.to_owned(),
            secret_key: secret_key.to_owned(),
            token: token.map(str::to_owned),
            requests: Mutex::new(VecDeque::new()),
            record_limit: AtomicUsize::new(DEFAULT_RECORD_LIMIT),
            answers: Mutex::new(HashMap::new()),
            collections: Mutex::new(HashMap::new()),
            projects: Mutex::new(None),
            identity: Identity::default(),
        }
    }

    /// Records a request, dropping the oldest ones beyond the limit.
    pub(super) fn record(&self, request: RecordedRequest) {
        let limit = self.record_limit.load(Ordering::Relaxed);
        if let Ok(mut requests) = self.requests.lock() {
            if limit == 0 {
                return;
            }
            while requests.len() >= limit {
                requests.pop_front();
            }
            requests.push_back(request);
        }
    }

    /// Keeps at most `limit` requests from now on, dropping the oldest beyond it.
    pub(super) fn set_record_limit(&self, limit: usize) {
        self.record_limit.store(limit, Ordering::Relaxed);
        if let Ok(mut requests) = self.requests.lock() {
            let excess = requests.len().saturating_sub(limit);
            requests.drain(..excess);
        }
    }

    /// Forgets every recorded request.
    pub(super) fn clear_requests(&self) {
        if let Ok(mut requests) = self.requests.lock() {
            requests.clear();
        }
    }

    /// Answers every later call of `operation` with `answer`, after any queued answers.
    pub(super) fn set_answer(&self, operation: &str, answer: MockAnswer) {
        if let Ok(mut answers) = self.answers.lock() {
            answers.entry(operation.to_owned()).or_default().standing = Some(answer);
        }
    }

    /// Queues `answer` for the next call of `operation`.
    pub(super) fn push_answer(&self, operation: &str, answer: MockAnswer) {
        if let Ok(mut answers) = self.answers.lock() {
            answers
                .entry(operation.to_owned())
                .or_default()
                .queue
                .push_back(answer);
        }
    }

    /// Whether a test set an answer for `operation` (queued or standing).
    pub(super) fn has_answer(&self, operation: &str) -> bool {
        self.answers.lock().is_ok_and(|answers| {
            answers
                .get(operation)
                .is_some_and(|set| !set.queue.is_empty() || set.standing.is_some())
        })
    }

    /// The answer a test set for this call of `operation`: the first queued one (taken),
    /// else the standing one.
    pub(super) fn next_answer(&self, operation: &str) -> Option<MockAnswer> {
        let mut answers = self.answers.lock().ok()?;
        let set = answers.get_mut(operation)?;
        set.queue.pop_front().or_else(|| set.standing.clone())
    }
}
