//! Every decision about an authentication scheme, in one place: what each scheme needs
//! from the credentials, which headers it adds to an attempt's request (and in which
//! order), whether it signs, and whether it can ask IAM for a project id.
//!
//! A new scheme is a variant of [`Auth`], made in [`Auth::new`] and applied in
//! [`Auth::apply`]'s one `match`.

use crate::credentials::Credentials;
use crate::error::Error;
use crate::headers::{header_value, invalid_value};
use crate::request::Operation;
use crate::signer::{self, Payload};
use crate::Secret;

const X_PROJECT_ID: http::HeaderName = http::HeaderName::from_static("x-project-id");
const X_SECURITY_TOKEN: http::HeaderName = http::HeaderName::from_static("x-security-token");
const X_SDK_DATE: http::HeaderName = http::HeaderName::from_static("x-sdk-date");
const X_SDK_CONTENT_SHA256: http::HeaderName =
    http::HeaderName::from_static("x-sdk-content-sha256");
const X_AUTH_TOKEN: http::HeaderName = http::HeaderName::from_static("x-auth-token");

/// Credentials as each attempt uses them: the keys for signing, and the tokens as header
/// values, made once when the client is built. It holds secrets, so it has no `Debug`.
pub(crate) enum Auth {
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
    /// The call's project id, when it has one.
    pub(crate) project_id: Option<&'a str>,
    /// Whether the content type makes the payload unsigned (neither JSON nor BSON).
    pub(crate) unsigned: bool,
    pub(crate) payload: Payload<'a>,
}

impl Auth {
    /// Prepares `credentials`; a token that cannot be a header value is refused here.
    pub(crate) fn new(credentials: &Credentials) -> Result<Auth, Error> {
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
            } => Auth::AkSk {
                access_key: access_key.clone(),
                secret_key: secret_key.clone(),
                security_token: security_token
                    .as_ref()
                    .map(|token| secret_header("security token", token.expose()))
                    .transpose()?,
            },
            Credentials::Token { token, .. } => Auth::Token {
                token: secret_header("IAM token", token.expose())?,
            },
        })
    }

    /// Whether a client without a project id may ask IAM for one: with AK/SK credentials
    /// only, which can sign IAM's request, as the official SDKs do.
    pub(crate) fn discovers_project_id(&self) -> bool {
        matches!(self, Auth::AkSk { .. })
    }

    /// Adds this scheme's headers to an attempt's request, after the call's own, in the
    /// order the official SDK sends them; `Host` is among them. AK/SK signs the request
    /// as it then stands, with a fresh date each attempt.
    pub(crate) fn apply(
        &self,
        headers: &mut http::HeaderMap,
        request: &Signable<'_>,
    ) -> Result<(), Error> {
        let operation = request.operation;
        match self {
            Auth::AkSk {
                access_key,
                secret_key,
                security_token,
            } => {
                // Sent with AK/SK credentials only, as the official SDK sends it.
                if let Some(project_id) = request.project_id {
                    headers.append(
                        X_PROJECT_ID,
                        header_value(operation.name, "x-project-id", project_id)?,
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
                if request.unsigned {
                    headers.append(
                        X_SDK_CONTENT_SHA256,
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
                    &signer::Scheme::default(),
                    access_key.expose(),
                    secret_key.expose(),
                    operation.method.as_str(),
                    request.url.path(),
                    request.url.query().unwrap_or(""),
                    &signed,
                    &signer::payload_hash(
                        signer::Digest::Sha256,
                        request.unsigned,
                        request.payload,
                    ),
                )?;
                let mut value = http::HeaderValue::from_str(&signature.authorization)
                    .map_err(|_| invalid_value(operation.name, "Authorization"))?;
                value.set_sensitive(true);
                headers.append(http::header::AUTHORIZATION, value);
            }
            Auth::Token { token } => {
                headers.append(http::header::HOST, request.host.clone());
                headers.append(X_AUTH_TOKEN, token.clone());
            }
        }
        Ok(())
    }
}
