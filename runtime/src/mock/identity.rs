//! The identity services the credential providers call, served by the mock beside the
//! service: the ECS metadata service (a session token, then the security key), CCE pod
//! identity, IAM's federation routes (an unscoped token for an id token, then temporary
//! credentials for it) and STS's assume-with-OIDC. Each issues temporary credentials that
//! expire (by tokio's clock, so a paused clock moves them too), and the mock accepts
//! requests signed with them, with their security token, until then.
//!
//! Requests to these routes are not signed, as the official SDK sends them; they are
//! recorded like any other. What they issued is kept in `state` (`Identity`); this module
//! is how they behave, and `server` gives tests its settings.

use std::time::Duration;

use serde_json::{json, Value};
use tokio::time::Instant;

use super::state::{Identity, Issuance, Issued};
use super::{MockAnswer, RecordedRequest};

/// The path the mock serves CCE pod identity on (the pod's
/// `HC_CONTAINER_CREDENTIALS_FULL_URI` is
/// [`MockServer::pod_identity_uri`](super::MockServer::pod_identity_uri)).
pub const POD_IDENTITY_PATH: &str = "/pod-identity/v1/credentials";

/// How long the temporary credentials the mock issues last, until
/// [`MockServer::set_credentials_ttl`](super::MockServer::set_credentials_ttl) says
/// otherwise: one hour.
pub const DEFAULT_CREDENTIALS_TTL: Duration = Duration::from_secs(3600);

const METADATA_TOKEN_PATH: &str = "/meta-data/latest/api/token";
const METADATA_SECURITY_KEY_PATH: &str = "/openstack/latest/securitykey";
const IAM_TOKEN_BY_ID_TOKEN_PATH: &str = "/v3.0/OS-AUTH/id-token/tokens";
const IAM_SECURITY_TOKENS_PATH: &str = "/v3.0/OS-CREDENTIAL/securitytokens";
const STS_ASSUME_WITH_OIDC_PATH: &str = "/v5/agencies/assume-with-oidc";

impl Identity {
    /// The secret of temporary credentials the mock issued, when `security_token` is theirs
    /// and they have not expired.
    pub(super) fn secret_for(
        &self,
        access: &str,
        security_token: Option<&str>,
    ) -> Result<String, String> {
        let issuance = self.lock();
        let issued = issuance
            .issued
            .iter()
            .find(|issued| issued.access == access)
            .ok_or("unknown access key")?;
        if security_token != Some(issued.security_token.as_str()) {
            return Err("the security token does not belong to the access key".into());
        }
        if Instant::now() >= issued.expires {
            return Err("the temporary credentials have expired".into());
        }
        Ok(issued.secret.clone())
    }

    /// The answer of an identity route, or `None` when the request is for another.
    pub(super) fn answer(&self, request: &RecordedRequest) -> Option<MockAnswer> {
        let route = match (request.method.as_str(), request.path.as_str()) {
            ("PUT", METADATA_TOKEN_PATH) => Route::MetadataToken,
            ("GET", METADATA_SECURITY_KEY_PATH) => Route::MetadataSecurityKey,
            ("POST", POD_IDENTITY_PATH) => Route::PodIdentity,
            ("POST", IAM_TOKEN_BY_ID_TOKEN_PATH) => Route::IamToken,
            ("POST", IAM_SECURITY_TOKENS_PATH) => Route::IamSecurityTokens,
            ("POST", STS_ASSUME_WITH_OIDC_PATH) => Route::Oidc,
            _ => return None,
        };
        let mut issuance = self.lock();
        if matches!(
            route,
            Route::MetadataSecurityKey
                | Route::PodIdentity
                | Route::IamSecurityTokens
                | Route::Oidc
        ) {
            issuance.credential_requests += 1;
        }
        if issuance.failing {
            return Some(MockAnswer::error(
                500,
                "MOCK.0500",
                "identity service unavailable",
            ));
        }
        let body = request.json().unwrap_or(Value::Null);
        Some(match route {
            Route::MetadataToken => {
                if request.header("x-metadata-token-ttl-seconds").is_none() {
                    return Some(MockAnswer::error(
                        400,
                        "MOCK.0400",
                        "no X-Metadata-Token-Ttl-Seconds",
                    ));
                }
                let token = issuance.next("metadata-session");
                issuance.metadata_tokens.push(token.clone());
                MockAnswer::raw(200, "text/plain", token)
            }
            Route::MetadataSecurityKey => {
                let known = request.header("x-metadata-token").is_some_and(|token| {
                    issuance.metadata_tokens.iter().any(|known| known == token)
                });
                if !known {
                    return Some(MockAnswer::error(
                        401,
                        "MOCK.0401",
                        "invalid metadata session token",
                    ));
                }
                let issued = issuance.issue();
                MockAnswer::json(
                    200,
                    json!({"credential": {
                        "access": issued.0, "secret": issued.1, "securitytoken": issued.2,
                        "expires_at": issued.3,
                    }}),
                )
            }
            Route::PodIdentity => {
                if request.header("authorization").is_none_or(str::is_empty) {
                    return Some(MockAnswer::error(401, "MOCK.0401", "no pod identity token"));
                }
                let issued = issuance.issue();
                MockAnswer::json(
                    200,
                    json!({
                        "accessKeyId": issued.0, "secretAccessKey": issued.1,
                        "securityToken": issued.2, "expiration": issued.3,
                    }),
                )
            }
            Route::IamToken => {
                let id_token = body.pointer("/auth/id_token/id").and_then(Value::as_str);
                if request.header("x-idp-id").is_none() || id_token.is_none_or(str::is_empty) {
                    return Some(MockAnswer::error(
                        400,
                        "IAM.0001",
                        "X-Idp-Id and auth.id_token.id are required",
                    ));
                }
                let token = issuance.next("unscoped-token");
                issuance.unscoped_tokens.push(token.clone());
                MockAnswer::json(201, json!({"token": {"methods": ["mapped"]}}))
                    .header("X-Subject-Token", &token)
            }
            Route::IamSecurityTokens => {
                let token = body
                    .pointer("/auth/identity/token/id")
                    .and_then(Value::as_str);
                let methods = body.pointer("/auth/identity/methods");
                let known = token.is_some_and(|token| {
                    issuance.unscoped_tokens.iter().any(|known| known == token)
                });
                if !known || methods != Some(&json!(["token"])) {
                    return Some(MockAnswer::error(401, "IAM.0002", "the token is not valid"));
                }
                let issued = issuance.issue();
                MockAnswer::json(
                    201,
                    json!({"credential": {
                        "access": issued.0, "secret": issued.1, "securitytoken": issued.2,
                        "expires_at": issued.3,
                    }}),
                )
            }
            Route::Oidc => {
                let required = [
                    "provider_urn",
                    "agency_urn",
                    "agency_session_name",
                    "id_token",
                ];
                let missing = required.iter().find(|name| {
                    body.get(**name)
                        .and_then(Value::as_str)
                        .is_none_or(str::is_empty)
                });
                if let Some(name) = missing {
                    return Some(MockAnswer::error(
                        400,
                        "STS.0001",
                        &format!("`{name}` is required"),
                    ));
                }
                if !body.get("duration_seconds").is_some_and(Value::is_u64) {
                    return Some(MockAnswer::error(
                        400,
                        "STS.0001",
                        "`duration_seconds` is required",
                    ));
                }
                let issued = issuance.issue();
                MockAnswer::json(
                    200,
                    json!({"credentials": {
                        "access_key_id": issued.0, "secret_access_key": issued.1,
                        "security_token": issued.2, "expiration": issued.3,
                    }}),
                )
            }
        })
    }
}

enum Route {
    MetadataToken,
    MetadataSecurityKey,
    PodIdentity,
    IamToken,
    IamSecurityTokens,
    Oidc,
}

impl Issuance {
    fn next(&mut self, what: &str) -> String {
        self.counter += 1;
        format!("{what}-{}-{:08x}", self.counter, fastrand::u32(..))
    }

    /// New temporary credentials: access key, secret, security token and expiry (as the
    /// SDK's `%Y-%m-%dT%H:%M:%S.%fZ`).
    fn issue(&mut self) -> (String, String, String, String) {
        self.counter += 1;
        let number = self.counter;
        let access = format!("MOCKTEMPAK{number:06}");
        let secret = format!("mock-temporary-secret-{number}-{:016x}", fastrand::u64(..));
        let security_token = format!("mock-security-token-{number}-{:016x}", fastrand::u64(..));
        let ttl = self.ttl.unwrap_or(DEFAULT_CREDENTIALS_TTL);
        let expires_at = time::OffsetDateTime::now_utc() + ttl;
        let expires_at = expires_at
            .format(time::macros::format_description!(
                "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
            ))
            .unwrap_or_default();
        self.issued.push(Issued {
            access: access.clone(),
            secret: secret.clone(),
            security_token: security_token.clone(),
            expires: Instant::now() + ttl,
        });
        (access, secret, security_token, expires_at)
    }
}
