//! [`CredentialsProvider`]: where a client's credentials come from (fixed, the environment,
//! the profile file, the ECS metadata service, CCE pod identity, OIDC or IAM federation, or
//! a chain of these), and the cache that hands each attempt valid keys.
//!
//! Temporary credentials are refreshed once they are within 40 minutes of expiring (the
//! official SDK's `Credentials._DEFAULT_EXPIRATION_THRESHOLD_SECONDS`), or at half their
//! life when they last no longer than that (the SDK would refresh them on every call). One refresh runs at a time: calls that find the keys
//! stale while a refresh runs wait for it and share its outcome, so a burst of calls at
//! expiry makes one request. A failed refresh is an error naming the provider, unless the
//! current credentials are still valid: they are used, and the refresh is tried again at
//! most every [`RETRY_AFTER_FAILURE`]. Time is tokio's, so a paused clock moves expiry too.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use super::fetch::{self, Fetched, Metadata, Oidc};
use super::{profile_entries, Credentials, ENV_PROJECT_ID};
use crate::auth::Keys;
use crate::Error;

/// How long before expiry temporary credentials are refreshed (the official SDK's 40
/// minutes); credentials that live no longer than this are refreshed at half their life.
const REFRESH_THRESHOLD: Duration = Duration::from_secs(40 * 60);
/// After a failed refresh while the current credentials are still valid, how long they
/// are used before the refresh is tried again.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(30);

/// The environment variables of federation with an id token (`EnvCredentialProvider`).
const ENV_IDP_ID: &str = "HUAWEICLOUD_SDK_IDP_ID";
const ENV_ID_TOKEN_FILE: &str = "HUAWEICLOUD_SDK_ID_TOKEN_FILE";
/// The environment variables of CCE pod identity (`PodIdentityCredentialProvider`).
const ENV_POD_URI: &str = "HC_CONTAINER_CREDENTIALS_FULL_URI";
const ENV_POD_TOKEN_FILE: &str = "HC_CONTAINER_AUTHORIZATION_TOKEN_FILE";

/// Where a client's credentials come from, and their cache: cheap to clone (clones share
/// the cache, so clients built from clones refresh once for all), safe to share across
/// tasks.
///
/// Give it to `ClientBuilder::credentials_provider`. The client asks it for keys before
/// every attempt; fixed credentials cost nothing, temporary ones are fetched on the first
/// call and refreshed before they expire. [`default_chain`](Self::default_chain) is the
/// official SDK's chain for code that runs on Huawei Cloud.
///
/// ```no_run
/// # fn run() -> Result<(), huaweicloud_sdk_core::Error> {
/// use huaweicloud_sdk_core::CredentialsProvider;
/// // OIDC, then HUAWEICLOUD_SDK_AK/SK, then ~/.huaweicloud/credentials, then the ECS
/// // metadata service, then CCE pod identity.
/// let provider = CredentialsProvider::default_chain();
/// # let _ = provider;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct CredentialsProvider {
    shared: Arc<Shared>,
}

struct Shared {
    source: Source,
    /// What the keys are now; read by every attempt, held only briefly.
    state: Mutex<State>,
    /// Held while resolving or refreshing: one at a time.
    refresh: tokio::sync::Mutex<()>,
}

enum Source {
    Fixed(Credentials),
    Environment,
    Profile(Option<PathBuf>),
    Metadata,
    PodIdentity,
    Oidc,
    Federation { idp_id: String, token_file: PathBuf },
    Chain(Vec<CredentialsProvider>),
}

/// What a source turned out to be: fixed credentials, or a fetcher of temporary ones
/// (with the first credentials, when finding out fetched them).
enum Resolved {
    Fixed(Credentials),
    Fetcher(Arc<Fetcher>, Option<Fetched>),
}

/// Fetches temporary credentials; kept once resolved, with its state (the metadata
/// service's session token).
enum Fetcher {
    Metadata(Metadata),
    PodIdentity {
        uri: String,
        token_file: PathBuf,
    },
    Federation {
        idp_id: String,
        token_file: PathBuf,
        /// The profile's `iam_endpoint`, before the client's.
        iam_endpoint: Option<String>,
    },
    Oidc(Oidc),
}

impl Fetcher {
    fn name(&self) -> &'static str {
        match self {
            Fetcher::Metadata(_) => "ecs-metadata",
            Fetcher::PodIdentity { .. } => "pod-identity",
            Fetcher::Federation { .. } => "iam-federation",
            Fetcher::Oidc(_) => "oidc",
        }
    }

    async fn fetch(&self, context: &ProviderContext) -> Result<Fetched, String> {
        match self {
            Fetcher::Metadata(metadata) => metadata.fetch(context).await,
            Fetcher::PodIdentity { uri, token_file } => {
                fetch::pod_identity(uri, token_file, context).await
            }
            Fetcher::Federation {
                idp_id,
                token_file,
                iam_endpoint,
            } => {
                let iam = iam_endpoint.as_deref().unwrap_or(&context.iam_endpoint);
                fetch::federation(idp_id, token_file, iam, context).await
            }
            Fetcher::Oidc(oidc) => oidc.fetch(context).await,
        }
    }
}

#[derive(Default)]
struct State {
    fetcher: Option<Arc<Fetcher>>,
    current: Option<Current>,
    /// Resolutions and refreshes finished so far, to tell waiters one ended.
    attempts: u64,
    /// The last failure, shared with the calls that waited for it.
    last_error: Option<Error>,
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

/// What the providers need of the client: its HTTP client, the IAM, STS and metadata
/// endpoints it resolved, and its attempt timeout (for IAM and STS).
pub(crate) struct ProviderContext {
    pub(crate) http: reqwest::Client,
    pub(crate) iam_endpoint: String,
    pub(crate) sts_endpoint: String,
    pub(crate) metadata_endpoint: String,
    pub(crate) timeout: Duration,
}

impl std::fmt::Debug for CredentialsProvider {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.shared.source {
            Source::Fixed(credentials) => formatter
                .debug_tuple("CredentialsProvider")
                .field(credentials)
                .finish(),
            Source::Chain(providers) => formatter
                .debug_tuple("CredentialsProvider::Chain")
                .field(providers)
                .finish(),
            _ => write!(formatter, "CredentialsProvider({})", self.name()),
        }
    }
}

impl From<Credentials> for CredentialsProvider {
    fn from(credentials: Credentials) -> Self {
        CredentialsProvider::fixed(credentials)
    }
}

impl CredentialsProvider {
    fn new(source: Source) -> Self {
        CredentialsProvider {
            shared: Arc::new(Shared {
                source,
                state: Mutex::new(State::default()),
                refresh: tokio::sync::Mutex::new(()),
            }),
        }
    }

    /// Always these credentials.
    pub fn fixed(credentials: Credentials) -> Self {
        Self::new(Source::Fixed(credentials))
    }

    /// The environment, read on the first call: federation with an id token when
    /// `HUAWEICLOUD_SDK_IDP_ID` and `HUAWEICLOUD_SDK_ID_TOKEN_FILE` are set (IAM, as
    /// [`federation`](Self::federation)), else AK/SK as [`Credentials::from_env`] reads
    /// them; `HUAWEICLOUD_SDK_PROJECT_ID` either way.
    pub fn environment() -> Self {
        Self::new(Source::Environment)
    }

    /// The profile file (`HUAWEICLOUD_SDK_CREDENTIALS_FILE`, else
    /// `~/.huaweicloud/credentials`), read on the first call: its `[basic]` section's
    /// `idp_id` and `id_token_file` (federation, with its `iam_endpoint` when given), else
    /// `ak`, `sk`, `security_token`; and `project_id`.
    pub fn profile() -> Self {
        Self::new(Source::Profile(None))
    }

    /// The profile file at `path` (see [`profile`](Self::profile)).
    pub fn profile_at(path: impl Into<PathBuf>) -> Self {
        Self::new(Source::Profile(Some(path.into())))
    }

    /// The ECS metadata service (`http://169.254.169.254`, or
    /// `ClientBuilder::metadata_endpoint`): the temporary AK/SK and security token of the
    /// instance's agency, with the service's session token (`X-Metadata-Token`).
    pub fn ecs_metadata() -> Self {
        Self::new(Source::Metadata)
    }

    /// CCE pod identity: `POST` to `HC_CONTAINER_CREDENTIALS_FULL_URI` with the content of
    /// `HC_CONTAINER_AUTHORIZATION_TOKEN_FILE` as `Authorization` (read at every refresh).
    pub fn pod_identity() -> Self {
        Self::new(Source::PodIdentity)
    }

    /// OIDC federation through STS (`POST /v5/agencies/assume-with-oidc` on
    /// `HUAWEICLOUD_SDK_STS_ENDPOINT`, `ClientBuilder::sts_endpoint`, or
    /// `https://sts.cn-north-4.myhuaweicloud.com`), configured by
    /// `HUAWEICLOUD_OIDC_PROVIDER_URN`, `HUAWEICLOUD_OIDC_AGENCY_URN`,
    /// `HUAWEICLOUD_OIDC_ID_TOKEN` or `HUAWEICLOUD_OIDC_TOKEN_FILE` (read at every
    /// refresh), and optionally `HUAWEICLOUD_OIDC_SESSION_NAME` (`oidc-sts-session`),
    /// `HUAWEICLOUD_OIDC_DURATION_SECONDS` (3600), `HUAWEICLOUD_OIDC_POLICY` and
    /// `HUAWEICLOUD_OIDC_POLICY_IDS`.
    pub fn oidc() -> Self {
        Self::new(Source::Oidc)
    }

    /// Federation with an id token through IAM: an unscoped token for the id token read
    /// from `id_token_file` (`POST /v3.0/OS-AUTH/id-token/tokens`, `X-Idp-Id: idp_id`), then
    /// 6 hours of temporary credentials for it (`POST /v3.0/OS-CREDENTIAL/securitytokens`).
    pub fn federation(idp_id: impl Into<String>, id_token_file: impl Into<PathBuf>) -> Self {
        Self::new(Source::Federation {
            idp_id: idp_id.into(),
            token_file: id_token_file.into(),
        })
    }

    /// The first of `providers` that has credentials, tried in order on the first call
    /// and kept; the error names what each lacked.
    pub fn chain(providers: Vec<CredentialsProvider>) -> Self {
        Self::new(Source::Chain(providers))
    }

    /// The official SDK's chain (`CredentialProviderChain.get_basic`): [`oidc`](Self::oidc),
    /// [`environment`](Self::environment), [`profile`](Self::profile),
    /// [`ecs_metadata`](Self::ecs_metadata), [`pod_identity`](Self::pod_identity).
    pub fn default_chain() -> Self {
        Self::chain(vec![
            Self::oidc(),
            Self::environment(),
            Self::profile(),
            Self::ecs_metadata(),
            Self::pod_identity(),
        ])
    }

    /// The provider's name, as errors and logs give it.
    pub fn name(&self) -> &'static str {
        match &self.shared.source {
            Source::Fixed(_) => "static",
            Source::Environment => "environment",
            Source::Profile(_) => "profile",
            Source::Metadata => "ecs-metadata",
            Source::PodIdentity => "pod-identity",
            Source::Oidc => "oidc",
            Source::Federation { .. } => "iam-federation",
            Source::Chain(_) => "chain",
        }
    }

    /// The fixed credentials, when that is what this is.
    pub(crate) fn fixed_credentials(&self) -> Option<&Credentials> {
        match &self.shared.source {
            Source::Fixed(credentials) => Some(credentials),
            _ => None,
        }
    }

    /// The project id the configuration names, found without any request: the fixed
    /// credentials', `HUAWEICLOUD_SDK_PROJECT_ID` for the environment and OIDC, the
    /// profile's `project_id`; for a chain, that of its first provider that is configured
    /// (none when that is the metadata service or pod identity, whose project id IAM
    /// gives).
    pub(crate) fn project_id(&self) -> Option<String> {
        match self.configured() {
            Configured::Yes(project_id) => project_id,
            Configured::No | Configured::Unknown => None,
        }
    }

    /// Whether the source is set up, as far as can be told without a request, and its
    /// project id.
    fn configured(&self) -> Configured {
        let env = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
        match &self.shared.source {
            Source::Fixed(credentials) => {
                Configured::Yes(credentials.project_id().map(str::to_owned))
            }
            Source::Environment => {
                let set = (env(ENV_IDP_ID).is_some() && env(ENV_ID_TOKEN_FILE).is_some())
                    || Credentials::from_env().is_ok();
                if set {
                    Configured::Yes(env(ENV_PROJECT_ID))
                } else {
                    Configured::No
                }
            }
            Source::Oidc => match Oidc::from_lookup(|name| std::env::var(name).ok()) {
                Ok(_) => Configured::Yes(env(ENV_PROJECT_ID)),
                Err(_) => Configured::No,
            },
            Source::Profile(path) => {
                let path = path.clone().or_else(Credentials::default_profile_path);
                let text = path.and_then(|path| std::fs::read_to_string(path).ok());
                let Some(text) = text else {
                    return Configured::No;
                };
                let entries = profile_entries(&text);
                let get = |key: &str| {
                    entries
                        .iter()
                        .find(|(name, _)| name == key)
                        .and_then(|(_, value)| value.clone())
                };
                let federation = get("idp_id").is_some() && get("id_token_file").is_some();
                let keys = get("ak").is_some() && get("sk").is_some();
                if federation || keys {
                    Configured::Yes(get("project_id"))
                } else {
                    Configured::No
                }
            }
            Source::Federation { .. } => Configured::Yes(None),
            Source::Metadata => Configured::Unknown,
            Source::PodIdentity => {
                if env(ENV_POD_URI).is_some() && env(ENV_POD_TOKEN_FILE).is_some() {
                    Configured::Yes(None)
                } else {
                    Configured::No
                }
            }
            Source::Chain(providers) => providers
                .iter()
                .map(CredentialsProvider::configured)
                .find(|configured| !matches!(configured, Configured::No))
                .unwrap_or(Configured::No),
        }
    }

    /// The keys for an attempt: the current ones while fresh, else after the one refresh
    /// in flight (started here when none is).
    pub(crate) async fn keys(&self, context: &ProviderContext) -> Result<Arc<Keys>, Error> {
        let shared = &*self.shared;
        let seen = {
            let state = self.state();
            if let Some(current) = &state.current {
                if current.fresh(Instant::now()) {
                    return Ok(current.keys.clone());
                }
            }
            state.attempts
        };
        let _refreshing = shared.refresh.lock().await;
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
                if let Some(error) = &state.last_error {
                    return Err(copy(error));
                }
            }
        }
        // This call refreshes, or finds out what the source is the first time.
        let now = Instant::now();
        let outcome = self.obtain(context, now).await;
        let mut state = self.state();
        state.attempts += 1;
        match outcome {
            Ok((fetcher, current)) => {
                if fetcher.is_some() {
                    state.fetcher = fetcher;
                }
                let keys = current.keys.clone();
                state.current = Some(current);
                state.last_error = None;
                Ok(keys)
            }
            Err((name, message)) => {
                let error = Error::Config(format!("credentials provider `{name}`: {message}"));
                if let Some(current) = state.current.as_mut().filter(|current| current.valid(now)) {
                    tracing::warn!(provider = name, %error, "refreshing the credentials failed; the current ones are used until they expire");
                    current.refresh_at = Some(now + RETRY_AFTER_FAILURE);
                    let keys = current.keys.clone();
                    state.last_error = Some(error);
                    return Ok(keys);
                }
                state.last_error = Some(copy(&error));
                Err(error)
            }
        }
    }

    /// New keys: from the fetcher when the source is known, else from what finding out
    /// the source gave. `Err` names the provider that failed and says why.
    async fn obtain(
        &self,
        context: &ProviderContext,
        now: Instant,
    ) -> Result<(Option<Arc<Fetcher>>, Current), (&'static str, String)> {
        let fetcher = self.state().fetcher.clone();
        let (fetcher, credentials, expiry) = match fetcher {
            Some(fetcher) => {
                let fetched = fetcher
                    .fetch(context)
                    .await
                    .map_err(|message| (fetcher.name(), message))?;
                (Some(fetcher), fetched.credentials, Some(fetched.expires_at))
            }
            None => match self.resolve(context).await {
                Ok(Resolved::Fixed(credentials)) => (None, credentials, None),
                Ok(Resolved::Fetcher(fetcher, first)) => {
                    let fetched = match first {
                        Some(fetched) => fetched,
                        None => fetcher
                            .fetch(context)
                            .await
                            .map_err(|message| (fetcher.name(), message))?,
                    };
                    (Some(fetcher), fetched.credentials, Some(fetched.expires_at))
                }
                Err(message) => return Err((self.name(), message)),
            },
        };
        let name = fetcher
            .as_ref()
            .map_or(self.name(), |fetcher| fetcher.name());
        let keys = Keys::new(&credentials).map_err(|error| (name, unprefixed(&error)))?;
        let (refresh_at, expires_at) = match expiry {
            None => (None, None),
            Some(expiry) => {
                let lifetime = Duration::try_from(expiry - time::OffsetDateTime::now_utc())
                    .ok()
                    .filter(|lifetime| !lifetime.is_zero())
                    .ok_or((
                        name,
                        "the credentials it gave had already expired".to_owned(),
                    ))?;
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

    /// Finds out what the source is: its fixed credentials, or its fetcher (with the first
    /// credentials, for the metadata service and pod identity, which the official SDK
    /// fetches while it looks for a source). `Err` says what the source lacked.
    fn resolve<'a>(
        &'a self,
        context: &'a ProviderContext,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Resolved, String>> + Send + 'a>>
    {
        let env = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
        Box::pin(async move {
            match &self.shared.source {
                Source::Fixed(credentials) => Ok(Resolved::Fixed(credentials.clone())),
                Source::Environment => match (env(ENV_IDP_ID), env(ENV_ID_TOKEN_FILE)) {
                    (Some(idp_id), Some(token_file)) => Ok(Resolved::Fetcher(
                        Arc::new(Fetcher::Federation {
                            idp_id,
                            token_file: PathBuf::from(token_file),
                            iam_endpoint: None,
                        }),
                        None,
                    )),
                    _ => Credentials::from_env()
                        .map(Resolved::Fixed)
                        .map_err(|error| {
                            format!(
                                "{} (or {ENV_IDP_ID} and {ENV_ID_TOKEN_FILE})",
                                unprefixed(&error)
                            )
                        }),
                },
                Source::Profile(path) => {
                    let path = path
                        .clone()
                        .or_else(Credentials::default_profile_path)
                        .ok_or("no HOME to find ~/.huaweicloud/credentials in")?;
                    let text = tokio::fs::read_to_string(&path)
                        .await
                        .map_err(|error| format!("{}: {error}", path.display()))?;
                    let entries = profile_entries(&text);
                    let get = |key: &str| {
                        entries
                            .iter()
                            .find(|(name, _)| name == key)
                            .and_then(|(_, value)| value.clone())
                    };
                    match (get("idp_id"), get("id_token_file")) {
                        (Some(idp_id), Some(token_file)) => Ok(Resolved::Fetcher(
                            Arc::new(Fetcher::Federation {
                                idp_id,
                                token_file: PathBuf::from(token_file),
                                iam_endpoint: get("iam_endpoint"),
                            }),
                            None,
                        )),
                        _ => Credentials::from_profile_text(&text)
                            .map(Resolved::Fixed)
                            .map_err(|message| format!("{}: {message}", path.display())),
                    }
                }
                Source::Metadata => {
                    let fetcher = Arc::new(Fetcher::Metadata(Metadata::new()));
                    let first = fetcher.fetch(context).await?;
                    Ok(Resolved::Fetcher(fetcher, Some(first)))
                }
                Source::PodIdentity => {
                    let (Some(uri), Some(token_file)) = (env(ENV_POD_URI), env(ENV_POD_TOKEN_FILE))
                    else {
                        return Err(format!("{ENV_POD_URI} and {ENV_POD_TOKEN_FILE} not set"));
                    };
                    let fetcher = Arc::new(Fetcher::PodIdentity {
                        uri,
                        token_file: PathBuf::from(token_file),
                    });
                    let first = fetcher.fetch(context).await?;
                    Ok(Resolved::Fetcher(fetcher, Some(first)))
                }
                Source::Oidc => {
                    let oidc = Oidc::from_lookup(|name| std::env::var(name).ok())?;
                    Ok(Resolved::Fetcher(Arc::new(Fetcher::Oidc(oidc)), None))
                }
                Source::Federation { idp_id, token_file } => Ok(Resolved::Fetcher(
                    Arc::new(Fetcher::Federation {
                        idp_id: idp_id.clone(),
                        token_file: token_file.clone(),
                        iam_endpoint: None,
                    }),
                    None,
                )),
                Source::Chain(providers) => {
                    let mut lacks = Vec::with_capacity(providers.len());
                    for provider in providers {
                        match provider.resolve(context).await {
                            Ok(resolved) => {
                                tracing::debug!(
                                    provider = provider.name(),
                                    "credentials provider chosen from the chain"
                                );
                                return Ok(resolved);
                            }
                            Err(message) => lacks.push(format!("{}: {message}", provider.name())),
                        }
                    }
                    Err(format!(
                        "no provider of the chain has credentials; {}",
                        lacks.join("; ")
                    ))
                }
            }
        })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while the lock is held cannot leave `State` half-written: every update
        // is a few assignments.
        self.shared
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

enum Configured {
    /// Set up, with the project id it names.
    Yes(Option<String>),
    No,
    /// Only a request can tell (the metadata service).
    Unknown,
}

/// An error again, for a second caller (`Error` is not `Clone`).
fn copy(error: &Error) -> Error {
    Error::Config(unprefixed(error))
}

/// A configuration error's message without its `configuration: ` prefix.
fn unprefixed(error: &Error) -> String {
    error
        .to_string()
        .trim_start_matches("configuration: ")
        .to_owned()
}
