//! [`CredentialsProvider`]: where a client's credentials come from (fixed, the environment,
//! the profile file, the ECS metadata service, CCE pod identity, OIDC or IAM federation, or
//! a chain of these), found out on the first call as the official SDK's providers do.
//!
//! What was found is kept in the provider's `cache`, which hands each attempt valid keys and
//! refreshes temporary ones; the requests that fetch them are in `fetch`.

use std::path::PathBuf;
use std::sync::Arc;

use super::cache::{Cache, Resolved};
use super::context::ProviderContext;
use super::fetch::{Fetcher, Metadata, Oidc};
use super::{Credentials, Kind, ProfileSection};
use crate::auth::Keys;
use crate::error::shown;
use crate::Error;

/// The environment variables of federation with an id token (`EnvCredentialProvider`).
const ENV_IDP_ID: &str = "HUAWEICLOUD_SDK_IDP_ID";
const ENV_ID_TOKEN_FILE: &str = "HUAWEICLOUD_SDK_ID_TOKEN_FILE";
/// The environment variables of CCE pod identity (`PodIdentityCredentialProvider`).
const ENV_POD_URI: &str = "HC_CONTAINER_CREDENTIALS_FULL_URI";
const ENV_POD_TOKEN_FILE: &str = "HC_CONTAINER_AUTHORIZATION_TOKEN_FILE";

/// Where a client's credentials come from, and their cache: cheap to clone (clones share
/// the cache, so clients built from clones refresh once for all; global services' clients
/// keep their own when the keys come from the profile file, whose `[global]` section they
/// read), safe to share across tasks.
///
/// Give it to `ClientBuilder::credentials_provider`. The client asks it for keys before
/// every attempt; fixed credentials cost nothing, temporary ones are fetched on the first
/// call and refreshed before they expire. [`default_chain`](Self::default_chain) is the
/// official SDK's chain for code that runs on Huawei Cloud. When a provider has no
/// credentials, or fetching them fails with no valid ones left, the call fails with
/// [`Error::Credentials`] naming the provider.
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
    /// The keys, and the one refresh at a time.
    cache: Cache,
    /// The keys of global services' clients, for a source whose keys depend on the kind
    /// (a profile's `[global]` section against `[basic]`): clients of both kinds that
    /// share the provider keep their keys apart.
    global: Cache,
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
                cache: Cache::new(),
                global: Cache::new(),
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
    /// them; `HUAWEICLOUD_SDK_PROJECT_ID` either way (`HUAWEICLOUD_SDK_DOMAIN_ID` for a
    /// global service's client).
    pub fn environment() -> Self {
        Self::new(Source::Environment)
    }

    /// The profile file (`HUAWEICLOUD_SDK_CREDENTIALS_FILE`, else
    /// `~/.huaweicloud/credentials`), read on the first call: its `[basic]` section's
    /// `idp_id` and `id_token_file` (federation, at its `iam_endpoint` unless the builder names
    /// one), else
    /// `ak`, `sk`, `security_token`; and `project_id`. A global service's client (IAM)
    /// reads the `[global]` section instead, with `domain_id` for `project_id`, as the
    /// official SDK's `GlobalCredentials` do.
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
    /// and kept. When none has, the call fails with [`Error::Credentials`] from `chain`,
    /// whose message says what each lacked, in order.
    pub fn chain(providers: Vec<CredentialsProvider>) -> Self {
        Self::new(Source::Chain(providers))
    }

    /// The official SDK's chain (`CredentialProviderChain.get_basic`, and `get_global` for
    /// a global service's client, which reads the profile's `[global]` section and the
    /// account id): [`oidc`](Self::oidc), [`environment`](Self::environment),
    /// [`profile`](Self::profile), [`ecs_metadata`](Self::ecs_metadata),
    /// [`pod_identity`](Self::pod_identity).
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

    /// What the configuration names for `kind`, found without any request: the id (a
    /// project id, or a global service's account id) of the fixed credentials,
    /// `HUAWEICLOUD_SDK_PROJECT_ID` (or `HUAWEICLOUD_SDK_DOMAIN_ID`) for the environment
    /// and OIDC, the profile section's `project_id` (or `domain_id`), with the section's
    /// `iam_endpoint`; for a chain, that of its first provider that is configured (none when
    /// that is the metadata service or pod identity, whose ids IAM gives).
    pub(crate) fn named(&self, kind: Kind) -> Named {
        match self.configured(kind) {
            Configured::Yes(named) => named,
            Configured::No | Configured::Unknown => Named::default(),
        }
    }

    /// Whether the source is set up, as far as can be told without a request, and its id
    /// of `kind`.
    fn configured(&self, kind: Kind) -> Configured {
        let env = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
        match &self.shared.source {
            Source::Fixed(credentials) => {
                Configured::Yes(Named::id(kind.id_of(credentials).map(str::to_owned)))
            }
            Source::Environment => {
                let set = (env(ENV_IDP_ID).is_some() && env(ENV_ID_TOKEN_FILE).is_some())
                    || Credentials::from_env().is_ok();
                if set {
                    Configured::Yes(Named::id(env(kind.id_env())))
                } else {
                    Configured::No
                }
            }
            Source::Oidc => match Oidc::from_lookup(|name| std::env::var(name).ok()) {
                Ok(_) => Configured::Yes(Named::id(env(kind.id_env()))),
                Err(_) => Configured::No,
            },
            Source::Profile(path) => {
                let path = path.clone().or_else(Credentials::default_profile_path);
                let text = path.and_then(|path| std::fs::read_to_string(path).ok());
                let Some(text) = text else {
                    return Configured::No;
                };
                let section = ProfileSection::read(&text, kind);
                let has = |key: &str| section.get(key).is_some();
                let federation = has("idp_id") && has("id_token_file");
                if federation || (has("ak") && has("sk")) {
                    Configured::Yes(Named {
                        id: section.get(kind.id_key()),
                        iam_endpoint: section.get("iam_endpoint"),
                    })
                } else {
                    Configured::No
                }
            }
            Source::Federation { .. } => Configured::Yes(Named::default()),
            Source::Metadata => Configured::Unknown,
            Source::PodIdentity => {
                if env(ENV_POD_URI).is_some() && env(ENV_POD_TOKEN_FILE).is_some() {
                    Configured::Yes(Named::default())
                } else {
                    Configured::No
                }
            }
            Source::Chain(providers) => providers
                .iter()
                .map(|provider| provider.configured(kind))
                .find(|configured| !matches!(configured, Configured::No))
                .unwrap_or(Configured::No),
        }
    }

    /// The keys for an attempt: the current ones while fresh, else after the one refresh
    /// in flight (started here when none is).
    pub(crate) async fn keys(&self, context: &ProviderContext) -> Result<Arc<Keys>, Error> {
        let cache = if context.kind == Kind::Global && self.reads_profile() {
            &self.shared.global
        } else {
            &self.shared.cache
        };
        cache
            .keys(context, self.name(), || self.resolve(context))
            .await
    }

    /// Whether the keys come, or may come, from the profile file, whose section depends on
    /// the kind of credentials.
    fn reads_profile(&self) -> bool {
        match &self.shared.source {
            Source::Profile(_) => true,
            Source::Chain(providers) => providers.iter().any(CredentialsProvider::reads_profile),
            _ => false,
        }
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
                        }),
                        None,
                    )),
                    _ => Credentials::from_env()
                        .map(Resolved::Fixed)
                        .map_err(|error| {
                            format!(
                                "{} (or {ENV_IDP_ID} and {ENV_ID_TOKEN_FILE})",
                                error.config_message()
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
                    let section = ProfileSection::read(&text, context.kind);
                    match (section.get("idp_id"), section.get("id_token_file")) {
                        (Some(idp_id), Some(token_file)) => Ok(Resolved::Fetcher(
                            Arc::new(Fetcher::Federation {
                                idp_id,
                                token_file: PathBuf::from(token_file),
                            }),
                            None,
                        )),
                        _ => Credentials::from_profile_section(&section, context.kind)
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
                            // Each cut on its own, so one long reason cannot hide the
                            // providers after it.
                            Err(message) => {
                                lacks.push(format!("{}: {}", provider.name(), shown(&message)))
                            }
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
}

/// What a provider's configuration names besides its keys.
#[derive(Default)]
pub(crate) struct Named {
    /// The project id, or a global service's account id.
    pub(crate) id: Option<String>,
    /// The IAM endpoint (a profile's `iam_endpoint`), which discovery and federation ask.
    pub(crate) iam_endpoint: Option<String>,
}

impl Named {
    fn id(id: Option<String>) -> Self {
        Named {
            id,
            iam_endpoint: None,
        }
    }
}

enum Configured {
    /// Set up, with what it names.
    Yes(Named),
    No,
    /// Only a request can tell (the metadata service).
    Unknown,
}
