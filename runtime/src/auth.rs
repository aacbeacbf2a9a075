//! Every decision about an authentication scheme, in one place: what each scheme needs
//! from the credentials, where each attempt gets its keys (fixed, or from a
//! [`CredentialsProvider`] that refreshes temporary ones), which headers it adds to an
//! attempt's request (and in which order), how it signs, and whether it can ask IAM for a
//! project id.
//!
//! A new scheme is a variant of [`Keys`], made in [`Keys::new`] and applied in
//! [`Auth::apply`]'s one `match`.

use std::sync::Arc;

use std::time::Duration;

use crate::credentials::{Credentials, CredentialsProvider, Kind, ProviderContext};
use crate::error::Error;
use crate::headers::{header_value, invalid_value};
use crate::regions;
use crate::request::{Operation, Scope};
use crate::signer::{self, Payload, Scheme, SigningAlgorithm};
use crate::{Region, Secret};

/// The ECS metadata service.
const DEFAULT_METADATA_ENDPOINT: &str = "http://169.254.169.254";

/// What the builder knows about signing and the identity services' endpoints.
#[derive(Debug, Clone, Default)]
pub(crate) struct AuthSettings {
    pub(crate) algorithm: SigningAlgorithm,
    /// `V11-HMAC-SHA256` for this service name, when set.
    pub(crate) derived_service: Option<String>,
    pub(crate) sts_endpoint: Option<String>,
    pub(crate) metadata_endpoint: Option<String>,
}

const X_PROJECT_ID: http::HeaderName = http::HeaderName::from_static("x-project-id");
const X_DOMAIN_ID: http::HeaderName = http::HeaderName::from_static("x-domain-id");
const X_SECURITY_TOKEN: http::HeaderName = http::HeaderName::from_static("x-security-token");
const X_SDK_DATE: http::HeaderName = http::HeaderName::from_static("x-sdk-date");
const X_SDK_CONTENT_SHA256: http::HeaderName =
    http::HeaderName::from_static("x-sdk-content-sha256");
const X_SDK_CONTENT_SM3: http::HeaderName = http::HeaderName::from_static("x-sdk-content-sm3");
const X_AUTH_TOKEN: http::HeaderName = http::HeaderName::from_static("x-auth-token");

/// How a client authenticates: where its keys come from and how it signs with them.
pub(crate) struct Auth {
    /// The signing algorithm (AK/SK keys only).
    scheme: Scheme,
    /// The client's algorithm without derived auth, which project and account discovery
    /// sign with, as the official SDK turns its derived predicate off for them.
    plain: Scheme,
    source: Source,
}

/// Where each attempt's keys come from.
enum Source {
    /// Fixed credentials, made into keys once when the client is built.
    Fixed(Arc<Keys>),
    /// A provider (temporary credentials, refreshed), and what it needs of the client.
    Provider(CredentialsProvider, ProviderContext),
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut debug = formatter.debug_struct("Auth");
        debug.field("scheme", &self.scheme.name());
        match &self.source {
            Source::Fixed(keys) => debug.field(
                "credentials",
                &match **keys {
                    Keys::AkSk { .. } => "AK/SK",
                    Keys::Token { .. } => "token",
                },
            ),
            Source::Provider(provider, _) => debug.field("provider", &provider.name()),
        };
        debug.finish()
    }
}

/// Credentials as each attempt uses them: the keys for signing, and the tokens as header
/// values, made once per set of credentials. It holds secrets, so it has no `Debug`.
pub(crate) enum Keys {
    /// SDK-HMAC-SHA256 signatures with an access key and a secret key.
    AkSk {
        access_key: Secret,
        secret_key: Secret,
        /// `X-Security-Token`, for temporary credentials.
        security_token: Option<http::HeaderValue>,
    },
    /// An IAM token, sent as it is.
    Token {
        /// `X-Auth-Token`.
        token: http::HeaderValue,
    },
}

/// What of an attempt's request the schemes read.
pub(crate) struct Signable<'a> {
    pub(crate) operation: &'static Operation,
    /// The URL, path and query encoded as they are signed.
    pub(crate) url: &'a reqwest::Url,
    /// The `Host` header value.
    pub(crate) host: &'a http::HeaderValue,
    /// The project id (`X-Project-Id`) or account id (`X-Domain-Id`) the call carries.
    pub(crate) scope: Scope<'a>,
    /// Whether the content type makes the payload unsigned (neither JSON nor BSON).
    pub(crate) unsigned: bool,
    pub(crate) payload: Payload<'a>,
}

impl Auth {
    /// Fixed credentials (made into keys now, so a token that cannot be a header value is
    /// refused when the client is built), or a provider asked before every attempt, which
    /// reaches IAM, STS and the metadata service as the builder, the environment
    /// (`HUAWEICLOUD_SDK_IAM_ENDPOINT`, `HUAWEICLOUD_SDK_STS_ENDPOINT`) or the official
    /// SDK's defaults say. The signing algorithm must be in this build, and V11 needs a
    /// region.
    pub(crate) fn new(
        provider: &CredentialsProvider,
        kind: Kind,
        settings: &AuthSettings,
        region: Option<&Region>,
        iam_endpoint: &str,
        http: &reqwest::Client,
        timeout: Duration,
    ) -> Result<Auth, Error> {
        let scheme = match (&settings.derived_service, region) {
            (Some(service), Some(region)) => Scheme::Derived {
                region: region.id().to_owned(),
                service: service.clone(),
            },
            (Some(_), None) => {
                return Err(Error::Config(
                    "V11-HMAC-SHA256 (derived_auth) signs for a region: call .region(..)".into(),
                ))
            }
            (None, _) if !settings.algorithm.is_available() => {
                return Err(Error::Config(format!(
                    "{} needs the `ecc-signing` feature of huaweicloud-sdk-core",
                    settings.algorithm.name()
                )))
            }
            (None, _) => Scheme::Algorithm(settings.algorithm),
        };
        let source = match provider.fixed_credentials() {
            Some(credentials) => Source::Fixed(Arc::new(Keys::new(credentials)?)),
            None => {
                // STS for OIDC as the official SDK picks it: without the region.
                let sts_endpoint = regions::sts_endpoint(settings.sts_endpoint.as_deref(), None);
                let metadata_endpoint = settings
                    .metadata_endpoint
                    .clone()
                    .unwrap_or_else(|| DEFAULT_METADATA_ENDPOINT.to_owned());
                let context = ProviderContext {
                    kind,
                    http: http.clone(),
                    iam_endpoint: iam_endpoint.to_owned(),
                    sts_endpoint,
                    metadata_endpoint: metadata_endpoint.trim_end_matches('/').to_owned(),
                    timeout,
                };
                Source::Provider(provider.clone(), context)
            }
        };
        Ok(Auth {
            scheme,
            plain: Scheme::Algorithm(settings.algorithm),
            source,
        })
    }

    /// The keys for an attempt: the fixed ones, or the provider's current ones (fetched or
    /// refreshed first when needed).
    pub(crate) async fn keys(&self) -> Result<Arc<Keys>, Error> {
        match &self.source {
            Source::Fixed(keys) => Ok(keys.clone()),
            Source::Provider(provider, context) => provider.keys(context).await,
        }
    }

    /// Whether a client without a project id may ask IAM for one: with AK/SK credentials
    /// only (every provider gives AK/SK), which can sign IAM's request, as the official
    /// SDKs do.
    pub(crate) fn discovers_project_id(&self) -> bool {
        match &self.source {
            Source::Fixed(keys) => matches!(**keys, Keys::AkSk { .. }),
            Source::Provider(..) => true,
        }
    }
}

impl Keys {
    /// Prepares `credentials`; a token that cannot be a header value is refused here.
    pub(crate) fn new(credentials: &Credentials) -> Result<Keys, Error> {
        let secret_header = |what: &str, value: &str| {
            let mut value = http::HeaderValue::from_str(value)
                .map_err(|_| Error::Config(format!("the {what} is not a valid header value")))?;
            value.set_sensitive(true);
            Ok::<_, Error>(value)
        };
        Ok(match credentials {
            Credentials::AkSk {
                access_key,
                secret_key,
                security_token,
                ..
            } => Keys::AkSk {
                access_key: access_key.clone(),
                secret_key: secret_key.clone(),
                security_token: security_token
                    .as_ref()
                    .map(|token| secret_header("security token", token.expose()))
                    .transpose()?,
            },
            Credentials::Token { token, .. } => Keys::Token {
                token: secret_header("IAM token", token.expose())?,
            },
        })
    }
}

impl Auth {
    /// Adds this scheme's headers to an attempt's request, after the call's own, in the
    /// order the official SDK sends them; `Host` is among them. AK/SK signs the request
    /// as it then stands, with a fresh date each attempt, with the client's algorithm.
    pub(crate) fn apply(
        &self,
        keys: &Keys,
        headers: &mut http::HeaderMap,
        request: &Signable<'_>,
    ) -> Result<(), Error> {
        let operation = request.operation;
        let scheme = if request.scope.discovery {
            &self.plain
        } else {
            &self.scheme
        };
        match keys {
            Keys::AkSk {
                access_key,
                secret_key,
                security_token,
            } => {
                // Sent with AK/SK credentials only, as the official SDK sends it.
                if let Some(project_id) = request.scope.project_id {
                    headers.append(
                        X_PROJECT_ID,
                        header_value(operation.name, "x-project-id", project_id)?,
                    );
                }
                if let Some(domain_id) = request.scope.domain_id {
                    headers.append(
                        X_DOMAIN_ID,
                        header_value(operation.name, "x-domain-id", domain_id)?,
                    );
                }
                if let Some(value) = security_token {
                    headers.append(X_SECURITY_TOKEN, value.clone());
                }
                let date = signer::sdk_date(time::OffsetDateTime::now_utc());
                headers.append(
                    X_SDK_DATE,
                    header_value(operation.name, "x-sdk-date", &date)?,
                );
                let digest = scheme.digest();
                if request.unsigned {
                    headers.append(
                        match digest {
                            signer::Digest::Sha256 => X_SDK_CONTENT_SHA256,
                            signer::Digest::Sm3 => X_SDK_CONTENT_SM3,
                        },
                        http::HeaderValue::from_static("UNSIGNED-PAYLOAD"),
                    );
                }
                headers.append(http::header::HOST, request.host.clone());
                let mut signed = Vec::with_capacity(headers.len());
                for (name, value) in headers.iter() {
                    // Every value was made from a `str`.
                    let value = std::str::from_utf8(value.as_bytes()).map_err(|_| {
                        Error::InvalidRequest(format!(
                            "{}: header `{name}` is not UTF-8",
                            operation.name
                        ))
                    })?;
                    signed.push((name.as_str(), value));
                }
                let signature = signer::compute(
                    scheme,
                    access_key.expose(),
                    secret_key.expose(),
                    operation.method.as_str(),
                    request.url.path(),
                    request.url.query().unwrap_or(""),
                    &signed,
                    &signer::payload_hash(digest, request.unsigned, request.payload),
                )?;
                let mut value = http::HeaderValue::from_str(&signature.authorization)
                    .map_err(|_| invalid_value(operation.name, "Authorization"))?;
                value.set_sensitive(true);
                headers.append(http::header::AUTHORIZATION, value);
            }
            Keys::Token { token } => {
                headers.append(http::header::HOST, request.host.clone());
                headers.append(X_AUTH_TOKEN, token.clone());
            }
        }
        Ok(())
    }
}
