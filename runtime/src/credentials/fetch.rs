//! The requests that fetch temporary credentials, as the official SDK's accessors make them
//! (`huaweicloudsdkcore/auth/internal.py`): the ECS metadata service (`MetadataAccessor`),
//! CCE pod identity (`PodIdentityAccessor`), IAM federation with an id token
//! (`FederalAccessor`) and STS's assume-with-OIDC (`OidcStsAccessor`); the parsing of
//! their answers (`StsAccessor._process_credential`); and [`Fetcher`], the one of them a
//! provider settled on, kept for its refreshes.
//!
//! Messages never hold a secret: a successful answer is never shown, an error answer only
//! bounded and escaped.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use serde_json::Value;

use super::context::ProviderContext;
use super::{Credentials, Secret};
use crate::error::shown;

/// Temporary credentials and when they expire.
pub(crate) struct Fetched {
    pub(crate) credentials: Credentials,
    pub(crate) expires_at: time::OffsetDateTime,
}

/// Fetches temporary credentials; kept by a provider once resolved, with its state (the
/// metadata service's session token).
pub(crate) enum Fetcher {
    Metadata(Metadata),
    PodIdentity { uri: String, token_file: PathBuf },
    Federation { idp_id: String, token_file: PathBuf },
    Oidc(Oidc),
}

impl Fetcher {
    /// The provider's name, as errors and logs give it.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Fetcher::Metadata(_) => "ecs-metadata",
            Fetcher::PodIdentity { .. } => "pod-identity",
            Fetcher::Federation { .. } => "iam-federation",
            Fetcher::Oidc(_) => "oidc",
        }
    }

    /// New temporary credentials; `Err` says why not, naming no secret.
    pub(crate) async fn fetch(&self, context: &ProviderContext) -> Result<Fetched, String> {
        match self {
            Fetcher::Metadata(metadata) => metadata.fetch(context).await,
            Fetcher::PodIdentity { uri, token_file } => {
                pod_identity(uri, token_file, context).await
            }
            // IAM as the client resolved it: the builder's, else the profile's
            // `iam_endpoint`, else the environment's or the region's.
            Fetcher::Federation { idp_id, token_file } => {
                federation(idp_id, token_file, &context.iam_endpoint, context).await
            }
            Fetcher::Oidc(oidc) => oidc.fetch(context).await,
        }
    }
}

/// The largest answer read from an identity service.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// The metadata service's session-token routes and headers (`MetadataAccessor`).
const METADATA_TOKEN_PATH: &str = "/meta-data/latest/api/token";
const METADATA_SECURITY_KEY_PATH: &str = "/openstack/latest/securitykey";
const X_METADATA_TOKEN: &str = "X-Metadata-Token";
const X_METADATA_TOKEN_TTL_SECONDS: &str = "X-Metadata-Token-Ttl-Seconds";
/// What the metadata service says when the instance has no agency: asking again with a
/// new session token would not help.
const CONFIG_AGENCY_ERROR: &str = "Please configure Cloud Service Agency first";
/// The session token's lifetime asked for: 6 hours.
const METADATA_TOKEN_TTL_SECONDS: u64 = 6 * 60 * 60;
/// Without a session token (a metadata service that does not issue them), how long until
/// one is asked for again: 24 hours.
const METADATA_TOKEN_RECHECK: Duration = Duration::from_secs(24 * 60 * 60);
/// The metadata service's time limit per request (the SDK's `(3, 3)`).
const METADATA_TIMEOUT: Duration = Duration::from_secs(3);
/// The pod identity endpoint's time limit (the SDK's `(5, 5)`).
const POD_IDENTITY_TIMEOUT: Duration = Duration::from_secs(5);

/// IAM's routes for federation with an id token (`IamHelper`).
const IAM_TOKEN_BY_ID_TOKEN_PATH: &str = "/v3.0/OS-AUTH/id-token/tokens";
const IAM_SECURITY_TOKENS_PATH: &str = "/v3.0/OS-CREDENTIAL/securitytokens";
/// How long federated temporary credentials last: 6 hours (`FederalAccessor`).
const FEDERATION_DURATION_SECONDS: u64 = 6 * 60 * 60;
/// STS's route for OIDC (`OidcStsAccessor`).
const STS_ASSUME_WITH_OIDC_PATH: &str = "/v5/agencies/assume-with-oidc";
/// The JSON content type the SDK sends to IAM and STS.
const JSON_UTF8: &str = "application/json;charset=UTF-8";

/// The ECS metadata service, with the session token it issued (kept across refreshes).
pub(crate) struct Metadata {
    session: Mutex<Session>,
}

#[derive(Default)]
struct Session {
    token: Option<Secret>,
    /// When a session token was last asked for (tokio's clock).
    last_try: Option<tokio::time::Instant>,
}

impl Metadata {
    pub(crate) fn new() -> Metadata {
        Metadata {
            session: Mutex::new(Session::default()),
        }
    }

    fn token(&self) -> Option<Secret> {
        self.session
            .lock()
            .ok()
            .and_then(|session| session.token.clone())
    }

    /// Temporary credentials of the instance's agency: a session token first (kept; asked
    /// for again once a day while the service issues none), then the security key with it;
    /// a 401 that is not about a missing agency gets a new session token and one more try.
    pub(crate) async fn fetch(&self, context: &ProviderContext) -> Result<Fetched, String> {
        let renew = self.session.lock().ok().is_some_and(|session| {
            session.token.is_none()
                && session
                    .last_try
                    .is_none_or(|at| at.elapsed() > METADATA_TOKEN_RECHECK)
        });
        if renew {
            self.update_token(context, false).await?;
        }
        let (status, body) = self.security_key(context).await?;
        let (status, body) =
            if status == 401 && !String::from_utf8_lossy(&body).contains(CONFIG_AGENCY_ERROR) {
                self.update_token(context, true).await?;
                self.security_key(context).await?
            } else {
                (status, body)
            };
        let url = format!("{}{METADATA_SECURITY_KEY_PATH}", context.metadata_endpoint);
        if status >= 400 {
            return Err(refused(&url, status, &body));
        }
        parse_credential(&body).map_err(|problem| format!("{url}: {problem}"))
    }

    async fn security_key(&self, context: &ProviderContext) -> Result<(u16, Vec<u8>), String> {
        let url = format!("{}{METADATA_SECURITY_KEY_PATH}", context.metadata_endpoint);
        let mut request = context.http.get(&url);
        if let Some(token) = self.token() {
            request = request.header(X_METADATA_TOKEN, sensitive(token.expose())?);
        }
        let (status, _, body) = exchange(request, &url, METADATA_TIMEOUT).await?;
        Ok((status, body))
    }

    /// Asks for a session token (`PUT` with its lifetime). 404, 405 and 503 mean the
    /// service issues none: no token, or an error when `required`.
    async fn update_token(&self, context: &ProviderContext, required: bool) -> Result<(), String> {
        if let Ok(mut session) = self.session.lock() {
            session.last_try = Some(tokio::time::Instant::now());
        }
        let url = format!("{}{METADATA_TOKEN_PATH}", context.metadata_endpoint);
        let request = context.http.put(&url).header(
            X_METADATA_TOKEN_TTL_SECONDS,
            METADATA_TOKEN_TTL_SECONDS.to_string(),
        );
        let (status, _, body) = exchange(request, &url, METADATA_TIMEOUT).await?;
        let token = match status {
            200 => Some(Secret::new(String::from_utf8_lossy(&body).into_owned())),
            404 | 405 | 503 if !required => None,
            _ => return Err(refused(&url, status, &body)),
        };
        if let Ok(mut session) = self.session.lock() {
            session.token = token;
        }
        Ok(())
    }
}

/// CCE pod identity: `POST` to the URI with the token file's content as `Authorization`.
async fn pod_identity(
    uri: &str,
    token_file: &PathBuf,
    context: &ProviderContext,
) -> Result<Fetched, String> {
    let token = read_token(token_file).await?;
    let request = context
        .http
        .post(uri)
        .header(http::header::AUTHORIZATION, sensitive(&token)?)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body("{}");
    let (status, _, body) = exchange(request, uri, POD_IDENTITY_TIMEOUT).await?;
    if !(200..300).contains(&status) {
        return Err(refused(uri, status, &body));
    }
    parse_credential(&body).map_err(|problem| format!("{uri}: {problem}"))
}

/// IAM federation: an unscoped token for the id token (`X-Idp-Id`), then temporary
/// credentials for that token, lasting 6 hours.
async fn federation(
    idp_id: &str,
    token_file: &PathBuf,
    iam_endpoint: &str,
    context: &ProviderContext,
) -> Result<Fetched, String> {
    let id_token = read_token(token_file).await?;
    let url = format!(
        "{}{IAM_TOKEN_BY_ID_TOKEN_PATH}",
        iam_endpoint.trim_end_matches('/')
    );
    let body = serde_json::json!({"auth": {"id_token": {"id": id_token}}});
    let request = context
        .http
        .post(&url)
        .header("X-Idp-Id", idp_id)
        .header(http::header::CONTENT_TYPE, JSON_UTF8)
        .body(body.to_string());
    let (status, headers, answer) = exchange(request, &url, context.timeout).await?;
    if !(200..300).contains(&status) {
        return Err(refused(&url, status, &answer));
    }
    let token = headers
        .get("X-Subject-Token")
        .and_then(|value| value.to_str().ok())
        .filter(|_| !answer.is_empty())
        .ok_or_else(|| format!("{url}: failed to get a token by id_token (no X-Subject-Token)"))?
        .to_owned();
    let url = format!(
        "{}{IAM_SECURITY_TOKENS_PATH}",
        iam_endpoint.trim_end_matches('/')
    );
    let body = serde_json::json!({"auth": {"identity": {
        "methods": ["token"],
        "token": {"id": token, "duration_seconds": FEDERATION_DURATION_SECONDS},
    }}});
    let request = context
        .http
        .post(&url)
        .header(http::header::CONTENT_TYPE, JSON_UTF8)
        .body(body.to_string());
    let (status, _, answer) = exchange(request, &url, context.timeout).await?;
    if !(200..300).contains(&status) {
        return Err(refused(&url, status, &answer));
    }
    parse_credential(&answer).map_err(|problem| format!("{url}: {problem}"))
}

/// What STS's assume-with-OIDC needs, from `HUAWEICLOUD_OIDC_*` (`OidcStsCredentialProvider`).
#[derive(Clone)]
pub(crate) struct Oidc {
    pub(crate) provider_urn: String,
    pub(crate) agency_urn: String,
    /// The id token itself (`HUAWEICLOUD_OIDC_ID_TOKEN`), else the file it is read from at
    /// every refresh (`HUAWEICLOUD_OIDC_TOKEN_FILE`), as rotated tokens need.
    pub(crate) id_token: Option<Secret>,
    pub(crate) token_file: Option<PathBuf>,
    pub(crate) session_name: String,
    pub(crate) duration_seconds: u64,
    pub(crate) policy: Option<String>,
    pub(crate) policy_ids: Vec<String>,
}

/// The environment variables of OIDC federation (`OidcStsCredentialProvider`).
pub(crate) const OIDC_PROVIDER_URN: &str = "HUAWEICLOUD_OIDC_PROVIDER_URN";
pub(crate) const OIDC_AGENCY_URN: &str = "HUAWEICLOUD_OIDC_AGENCY_URN";
pub(crate) const OIDC_ID_TOKEN: &str = "HUAWEICLOUD_OIDC_ID_TOKEN";
pub(crate) const OIDC_TOKEN_FILE: &str = "HUAWEICLOUD_OIDC_TOKEN_FILE";
const OIDC_SESSION_NAME: &str = "HUAWEICLOUD_OIDC_SESSION_NAME";
const OIDC_DURATION_SECONDS: &str = "HUAWEICLOUD_OIDC_DURATION_SECONDS";
const OIDC_POLICY: &str = "HUAWEICLOUD_OIDC_POLICY";
const OIDC_POLICY_IDS: &str = "HUAWEICLOUD_OIDC_POLICY_IDS";

impl Oidc {
    /// Reads `HUAWEICLOUD_OIDC_*`: the provider and agency URNs and an id token (or its
    /// file) are required; the session name defaults to `oidc-sts-session`, the duration
    /// to 3600 s.
    pub(crate) fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Oidc, String> {
        let get = |name: &str| lookup(name).filter(|value| !value.is_empty());
        let require = |name: &str| get(name).ok_or_else(|| format!("{name} not set"));
        let provider_urn = require(OIDC_PROVIDER_URN)?;
        let agency_urn = require(OIDC_AGENCY_URN)?;
        let id_token = get(OIDC_ID_TOKEN).map(Secret::new);
        let token_file = get(OIDC_TOKEN_FILE).map(PathBuf::from);
        if id_token.is_none() && token_file.is_none() {
            return Err(format!("{OIDC_ID_TOKEN} or {OIDC_TOKEN_FILE} not set"));
        }
        let duration_seconds = match get(OIDC_DURATION_SECONDS) {
            Some(text) => text
                .trim()
                .parse()
                .map_err(|_| format!("{OIDC_DURATION_SECONDS} is not a number of seconds"))?,
            None => 3600,
        };
        Ok(Oidc {
            provider_urn,
            agency_urn,
            id_token,
            token_file,
            session_name: get(OIDC_SESSION_NAME).unwrap_or_else(|| "oidc-sts-session".to_owned()),
            duration_seconds,
            policy: get(OIDC_POLICY),
            policy_ids: get(OIDC_POLICY_IDS)
                .map(|ids| {
                    ids.split(',')
                        .map(str::trim)
                        .filter(|id| !id.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
        })
    }

    /// STS's assume-with-OIDC: the id token for the agency's temporary credentials.
    pub(crate) async fn fetch(&self, context: &ProviderContext) -> Result<Fetched, String> {
        let id_token = match (&self.id_token, &self.token_file) {
            (Some(token), _) => token.expose().to_owned(),
            (None, Some(file)) => read_token(file).await?,
            (None, None) => return Err("no id token".into()),
        };
        let mut body = serde_json::json!({
            "provider_urn": self.provider_urn,
            "agency_urn": self.agency_urn,
            "agency_session_name": self.session_name,
            "id_token": id_token,
            "duration_seconds": self.duration_seconds,
        });
        if let Some(policy) = &self.policy {
            body["policy"] = Value::String(policy.clone());
        }
        if !self.policy_ids.is_empty() {
            body["policy_ids"] = serde_json::json!(self.policy_ids);
        }
        let url = format!(
            "{}{STS_ASSUME_WITH_OIDC_PATH}",
            context.sts_endpoint.trim_end_matches('/')
        );
        let request = context
            .http
            .post(&url)
            .header(http::header::CONTENT_TYPE, JSON_UTF8)
            .body(body.to_string());
        let (status, _, answer) = exchange(request, &url, context.timeout).await?;
        if !(200..300).contains(&status) {
            return Err(refused(&url, status, &answer));
        }
        parse_credential(&answer).map_err(|problem| format!("{url}: {problem}"))
    }
}

/// Reads a token file, trimmed; empty is an error (`StsAccessor._get_content`).
async fn read_token(path: &PathBuf) -> Result<String, String> {
    let text = tokio::fs::read_to_string(path)
        .await
        .map_err(|error| format!("token file {}: {error}", path.display()))?;
    let token = text.trim();
    if token.is_empty() {
        return Err(format!("token file {} is empty", path.display()));
    }
    Ok(token.to_owned())
}

/// A header value that holds a secret.
fn sensitive(value: &str) -> Result<http::HeaderValue, String> {
    let mut value = http::HeaderValue::from_str(value)
        .map_err(|_| "a token is not a valid header value".to_owned())?;
    value.set_sensitive(true);
    Ok(value)
}

/// Sends a request and reads its answer (at most [`MAX_ANSWER_BYTES`]) within `limit`.
async fn exchange(
    request: reqwest::RequestBuilder,
    url: &str,
    limit: Duration,
) -> Result<(u16, http::HeaderMap, Vec<u8>), String> {
    let exchange = async {
        let mut response = request
            .send()
            .await
            .map_err(|error| format!("could not reach {url}: {}", describe(error)))?;
        let status = response.status().as_u16();
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|error| format!("{url}: the answer broke off: {}", describe(error)))?
        {
            if body.len() + chunk.len() > MAX_ANSWER_BYTES {
                return Err(format!(
                    "{url}: the answer exceeds {MAX_ANSWER_BYTES} bytes"
                ));
            }
            body.extend_from_slice(&chunk);
        }
        Ok((status, std::mem::take(response.headers_mut()), body))
    };
    match tokio::time::timeout(limit, exchange).await {
        Ok(result) => result,
        Err(_) => Err(format!("{url}: no answer within {limit:?}")),
    }
}

/// A reqwest error with its causes, without the URL the message already names.
fn describe(error: reqwest::Error) -> String {
    use std::error::Error as _;
    let error = error.without_url();
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// An error answer, bounded and escaped.
fn refused(url: &str, status: u16, body: &[u8]) -> String {
    format!(
        "{url} answered HTTP {status}: {}",
        shown(&String::from_utf8_lossy(body))
    )
}

/// Reads temporary credentials from an answer as `StsAccessor._process_credential` does:
/// the object under `credential` or `credentials` (else the top level), the access key
/// from `access`, `accessKeyId` or `access_key_id`, the secret from `secret`,
/// `secretAccessKey` or `secret_access_key`, the security token from `securitytoken`,
/// `securityToken` or `security_token`, and the expiry (`2024-01-01T00:00:00.000000Z`)
/// from `expires_at` or `expiration`.
pub(crate) fn parse_credential(body: &[u8]) -> Result<Fetched, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|_| "the answer is not JSON".to_owned())?;
    let object = value
        .get("credential")
        .or_else(|| value.get("credentials"))
        .unwrap_or(&value);
    let field = |names: &[&str]| {
        names
            .iter()
            .find_map(|name| object.get(*name).and_then(Value::as_str))
            .filter(|text| !text.is_empty())
            .map(str::to_owned)
    };
    let access = field(&["access", "accessKeyId", "access_key_id"]);
    let secret = field(&["secret", "secretAccessKey", "secret_access_key"]);
    let token = field(&["securitytoken", "securityToken", "security_token"]);
    let expiry = field(&["expires_at", "expiration"]);
    let (Some(access), Some(secret)) = (access, secret) else {
        return Err("the answer holds no access key and secret".into());
    };
    let expiry = expiry.ok_or("the answer holds no expiry")?;
    let expires_at =
        time::OffsetDateTime::parse(&expiry, &time::format_description::well_known::Rfc3339)
            .map_err(|_| format!("the expiry `{}` is not a UTC date and time", shown(&expiry)))?;
    let mut credentials = Credentials::ak_sk(access, secret);
    if let Some(token) = token {
        credentials = credentials.with_security_token(token);
    }
    Ok(Fetched {
        credentials,
        expires_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_read_under_every_name_the_sdk_knows() {
        let metadata = br#"{"credential": {"access": "A1", "secret": "S1", "securitytoken": "T1", "expires_at": "2024-01-01T06:00:00.000000Z"}}"#;
        let sts = br#"{"credentials": {"access_key_id": "A2", "secret_access_key": "S2", "security_token": "T2", "expiration": "2024-01-01T06:00:00Z"}}"#;
        let camel = br#"{"accessKeyId": "A3", "secretAccessKey": "S3", "securityToken": "T3", "expiration": "2024-01-01T06:00:00.5Z"}"#;
        for (body, ak) in [(&metadata[..], "A1"), (&sts[..], "A2"), (&camel[..], "A3")] {
            let fetched = parse_credential(body).unwrap();
            let Credentials::AkSk {
                access_key,
                security_token,
                ..
            } = &fetched.credentials
            else {
                panic!("AK/SK expected");
            };
            assert_eq!(access_key.expose(), ak);
            assert!(security_token.is_some());
            assert_eq!(fetched.expires_at.unix_timestamp(), 1_704_088_800);
        }
        let missing =
            parse_credential(br#"{"credential": {"access": "A", "secret": "SECRETVALUE"}}"#)
                .err()
                .unwrap();
        assert_eq!(missing, "the answer holds no expiry");
        let bad = parse_credential(br#"{"credential": {"access": "A", "secret": "SECRETVALUE", "expires_at": "tomorrow"}}"#)
            .err()
            .unwrap();
        assert!(!bad.contains("SECRETVALUE"), "{bad}");
    }

    #[test]
    fn oidc_settings_come_from_the_environment_with_the_sdk_defaults() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| value.to_string())
            }
        };
        let oidc = Oidc::from_lookup(env(&[
            (OIDC_PROVIDER_URN, "urn:p"),
            (OIDC_AGENCY_URN, "urn:a"),
            (OIDC_TOKEN_FILE, "/t"),
            (OIDC_POLICY_IDS, " a, ,b "),
        ]))
        .unwrap();
        assert_eq!(oidc.session_name, "oidc-sts-session");
        assert_eq!(oidc.duration_seconds, 3600);
        assert_eq!(oidc.policy_ids, ["a", "b"]);
        assert_eq!(
            Oidc::from_lookup(env(&[
                (OIDC_PROVIDER_URN, "urn:p"),
                (OIDC_AGENCY_URN, "urn:a")
            ]))
            .err()
            .unwrap(),
            "HUAWEICLOUD_OIDC_ID_TOKEN or HUAWEICLOUD_OIDC_TOKEN_FILE not set"
        );
    }
}
