//! Credentials: AK/SK (optionally temporary, with a security token) or an IAM token, from
//! code, the environment or the profile file; and [`CredentialsProvider`], which also
//! fetches temporary credentials on Huawei Cloud itself (ECS metadata, CCE pod identity,
//! OIDC and IAM federation) and refreshes them before they expire. Secrets never appear in
//! `Debug` output, logs or errors.
//!
//! Imports run one way, from the provider down: `provider` (the provider, its sources and
//! the chain), `cache` (the keys each attempt gets, and their refresh), `fetch` (the
//! requests to the metadata service, the pod identity endpoint, IAM and STS, and the
//! parsing of their answers), `context` (what they need of the client).

mod cache;
mod context;
mod fetch;
mod provider;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::Error;

pub(crate) use context::ProviderContext;
pub use provider::CredentialsProvider;

/// A secret string: usable by the signer, printed as `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself. Keep it out of logs.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("***")
    }
}

/// How requests are authenticated.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Credentials {
    /// SDK-HMAC-SHA256 signing with an access key and secret key.
    AkSk {
        /// The access key id (AK).
        access_key: Secret,
        /// The secret access key (SK).
        secret_key: Secret,
        /// The security token of temporary credentials, sent as `X-Security-Token`.
        security_token: Option<Secret>,
        /// The project id, sent as `X-Project-Id` and used for `{project_id}` in paths.
        project_id: Option<String>,
        /// The account (domain) id of a global service, sent as `X-Domain-Id` and used
        /// for `{domain_id}` in its paths, as the official SDK's `GlobalCredentials` do.
        domain_id: Option<String>,
    },
    /// An IAM user token, sent as `X-Auth-Token`.
    Token {
        /// The token (the `X-Subject-Token` IAM returned).
        token: Secret,
        /// The project id used for `{project_id}` in paths.
        project_id: Option<String>,
        /// The account (domain) id used for `{domain_id}` in a global service's paths.
        domain_id: Option<String>,
    },
}

impl fmt::Debug for Credentials {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::AkSk {
                security_token,
                project_id,
                domain_id,
                ..
            } => formatter
                .debug_struct("AkSk")
                .field("access_key", &"***")
                .field("secret_key", &"***")
                .field("security_token", &security_token.as_ref().map(|_| "***"))
                .field("project_id", project_id)
                .field("domain_id", domain_id)
                .finish(),
            Credentials::Token {
                project_id,
                domain_id,
                ..
            } => formatter
                .debug_struct("Token")
                .field("token", &"***")
                .field("project_id", project_id)
                .field("domain_id", domain_id)
                .finish(),
        }
    }
}

/// Environment variables read by [`Credentials::from_env`], first name first.
const ENV_AK: [&str; 2] = ["HUAWEICLOUD_SDK_AK", "CLOUD_SDK_AK"];
const ENV_SK: [&str; 2] = ["HUAWEICLOUD_SDK_SK", "CLOUD_SDK_SK"];
const ENV_SECURITY_TOKEN: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
pub(crate) const ENV_PROJECT_ID: &str = "HUAWEICLOUD_SDK_PROJECT_ID";
/// The account (domain) id of global services, as the official SDK reads it.
pub(crate) const ENV_DOMAIN_ID: &str = "HUAWEICLOUD_SDK_DOMAIN_ID";
const ENV_CREDENTIALS_FILE: &str = "HUAWEICLOUD_SDK_CREDENTIALS_FILE";

/// Which of the official SDK's two kinds of credentials a client takes: `BasicCredentials`
/// (a service in a project) or `GlobalCredentials` (a global service, the spec's
/// `x-credentials: global`). It says which section of the profile file holds the keys and
/// which id comes with them, as the SDK's basic and global provider chains read them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `BasicCredentials`: `[basic]`, with a project id.
    Basic,
    /// `GlobalCredentials`: `[global]`, with an account (domain) id.
    Global,
}

impl Kind {
    /// The kind a service takes.
    pub(crate) fn of(global: bool) -> Self {
        if global {
            Kind::Global
        } else {
            Kind::Basic
        }
    }

    /// The profile file's section: `basic` or `global`.
    pub(crate) fn section(self) -> &'static str {
        match self {
            Kind::Basic => "basic",
            Kind::Global => "global",
        }
    }

    /// The key of the id in that section: `project_id` or `domain_id`.
    pub(crate) fn id_key(self) -> &'static str {
        match self {
            Kind::Basic => "project_id",
            Kind::Global => "domain_id",
        }
    }

    /// The environment variable of the id.
    pub(crate) fn id_env(self) -> &'static str {
        match self {
            Kind::Basic => ENV_PROJECT_ID,
            Kind::Global => ENV_DOMAIN_ID,
        }
    }

    /// The id of this kind that `credentials` carry.
    pub(crate) fn id_of(self, credentials: &Credentials) -> Option<&str> {
        match self {
            Kind::Basic => credentials.project_id(),
            Kind::Global => credentials.domain_id(),
        }
    }
}

impl Credentials {
    /// AK/SK credentials.
    pub fn ak_sk(access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Credentials::AkSk {
            access_key: Secret::new(access_key),
            secret_key: Secret::new(secret_key),
            security_token: None,
            project_id: None,
            domain_id: None,
        }
    }

    /// IAM token credentials.
    pub fn token(token: impl Into<String>) -> Self {
        Credentials::Token {
            token: Secret::new(token),
            project_id: None,
            domain_id: None,
        }
    }

    /// Adds the security token of temporary AK/SK credentials (ignored for token credentials).
    pub fn with_security_token(mut self, token: impl Into<String>) -> Self {
        if let Credentials::AkSk { security_token, .. } = &mut self {
            *security_token = Some(Secret::new(token));
        }
        self
    }

    /// Sets the project id.
    pub fn with_project_id(mut self, id: impl Into<String>) -> Self {
        match &mut self {
            Credentials::AkSk { project_id, .. } | Credentials::Token { project_id, .. } => {
                *project_id = Some(id.into())
            }
        }
        self
    }

    /// The project id, when known.
    pub fn project_id(&self) -> Option<&str> {
        match self {
            Credentials::AkSk { project_id, .. } | Credentials::Token { project_id, .. } => {
                project_id.as_deref()
            }
        }
    }

    /// Sets the account (domain) id of global services, as the official SDK's
    /// `GlobalCredentials(ak, sk, domain_id)`. Without it, a global service's client asks
    /// IAM for it at the first call.
    pub fn with_domain_id(mut self, id: impl Into<String>) -> Self {
        match &mut self {
            Credentials::AkSk { domain_id, .. } | Credentials::Token { domain_id, .. } => {
                *domain_id = Some(id.into())
            }
        }
        self
    }

    /// The account (domain) id, when known.
    pub fn domain_id(&self) -> Option<&str> {
        match self {
            Credentials::AkSk { domain_id, .. } | Credentials::Token { domain_id, .. } => {
                domain_id.as_deref()
            }
        }
    }

    /// Reads AK/SK from `HUAWEICLOUD_SDK_AK` and `HUAWEICLOUD_SDK_SK` (or the seeds'
    /// `CLOUD_SDK_AK` and `CLOUD_SDK_SK`), with the optional `HUAWEICLOUD_SDK_SECURITY_TOKEN`,
    /// `HUAWEICLOUD_SDK_PROJECT_ID` and `HUAWEICLOUD_SDK_DOMAIN_ID`.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    pub(crate) fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let first = |names: &[&str]| {
            names
                .iter()
                .find_map(|name| lookup(name).filter(|value| !value.is_empty()))
        };
        match (first(&ENV_AK), first(&ENV_SK)) {
            (Some(ak), Some(sk)) => Ok(Credentials::AkSk {
                access_key: Secret::new(ak),
                secret_key: Secret::new(sk),
                security_token: first(&[ENV_SECURITY_TOKEN]).map(Secret::new),
                project_id: first(&[ENV_PROJECT_ID]),
                domain_id: first(&[ENV_DOMAIN_ID]),
            }),
            (ak, sk) => {
                let mut missing = Vec::new();
                if ak.is_none() {
                    missing.push(ENV_AK.join(" or "));
                }
                if sk.is_none() {
                    missing.push(ENV_SK.join(" or "));
                }
                Err(Error::Config(format!(
                    "environment: {} not set",
                    missing.join(" and ")
                )))
            }
        }
    }

    /// The profile file: `HUAWEICLOUD_SDK_CREDENTIALS_FILE`, else `~/.huaweicloud/credentials`.
    pub fn default_profile_path() -> Option<PathBuf> {
        if let Some(path) = std::env::var_os(ENV_CREDENTIALS_FILE).filter(|path| !path.is_empty()) {
            return Some(PathBuf::from(path));
        }
        std::env::var_os("HOME")
            .or_else(|| std::env::var_os("USERPROFILE"))
            .map(|home| PathBuf::from(home).join(".huaweicloud").join("credentials"))
    }

    /// Reads the `[basic]` section (`ak`, `sk`, `security_token`, `project_id`) of a profile
    /// file in INI format. A global service's client (IAM) takes the `[global]` section,
    /// with `domain_id`, which [`CredentialsProvider::profile`] reads for it.
    pub fn from_profile(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|error| Error::Config(format!("profile {}: {error}", path.display())))?;
        Self::from_profile_text(&text, Kind::Basic)
            .map_err(|message| Error::Config(format!("profile {}: {message}", path.display())))
    }

    /// The keys of the `kind`'s section of a profile file, with its id (`project_id` or
    /// `domain_id`).
    fn from_profile_text(text: &str, kind: Kind) -> Result<Self, String> {
        Self::from_profile_section(&ProfileSection::read(text, kind), kind)
    }

    /// The keys of a profile file's section, with its id (`project_id` or `domain_id`).
    pub(crate) fn from_profile_section(
        section: &ProfileSection,
        kind: Kind,
    ) -> Result<Self, String> {
        let (ak, sk) = (section.get("ak"), section.get("sk"));
        let token = section.get("security_token");
        let id = section.get(kind.id_key());
        let (project_id, domain_id) = match kind {
            Kind::Basic => (id, None),
            Kind::Global => (None, id),
        };
        match (ak, sk) {
            (Some(ak), Some(sk)) => Ok(Credentials::AkSk {
                access_key: Secret::new(ak),
                secret_key: Secret::new(sk),
                security_token: token.map(Secret::new),
                project_id,
                domain_id,
            }),
            (ak, sk) => {
                let missing: Vec<&str> = [("ak", ak.is_none()), ("sk", sk.is_none())]
                    .into_iter()
                    .filter_map(|(key, missing)| missing.then_some(key))
                    .collect();
                Err(format!(
                    "section [{}] lacks {}",
                    kind.section(),
                    missing.join(" and ")
                ))
            }
        }
    }

    /// Tries the environment, then the profile file's `[basic]` section; the error names
    /// every source tried and what each lacked. Permanent keys only: code that runs on
    /// Huawei Cloud (an ECS agency, a CCE pod, OIDC) uses
    /// [`CredentialsProvider::default_chain`] instead, which also fetches temporary
    /// credentials and refreshes them, and reads the `[global]` section for a global
    /// service's client.
    pub fn from_default_chain() -> Result<Self, Error> {
        let env_error = match Self::from_env() {
            Ok(credentials) => return Ok(credentials),
            Err(error) => error,
        };
        let profile_error = match Self::default_profile_path() {
            Some(path) => match Self::from_profile(&path) {
                Ok(credentials) => return Ok(credentials),
                Err(error) => error.config_message(),
            },
            None => "profile: no HOME to find ~/.huaweicloud/credentials in".to_owned(),
        };
        Err(Error::Config(format!(
            "no credentials found; tried {env_error}; {profile_error}",
            env_error = env_error.config_message(),
        )))
    }
}

/// A profile file's section for a kind of credentials (`[basic]` or `[global]`): its keys
/// with their values (`None` when empty), in file order.
pub(crate) struct ProfileSection(Vec<(String, Option<String>)>);

impl ProfileSection {
    /// Reads the `kind`'s section of a profile file's text; `#` and `;` start comment
    /// lines.
    pub(crate) fn read(text: &str, kind: Kind) -> Self {
        ProfileSection(section_entries(text, kind))
    }

    /// The value of `key`, when set and not empty (the last, when repeated).
    pub(crate) fn get(&self, key: &str) -> Option<String> {
        self.0
            .iter()
            .rev()
            .find(|(name, _)| name == key)
            .and_then(|(_, value)| value.clone())
    }
}

fn section_entries(text: &str, kind: Kind) -> Vec<(String, Option<String>)> {
    let mut section = String::new();
    let mut entries = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'))
        {
            section = name.trim().to_owned();
            continue;
        }
        if section != kind.section() {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = Some(value.trim().to_owned()).filter(|value| !value.is_empty());
        entries.push((key.trim().to_owned(), value));
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_lookup_prefers_huaweicloud_names_and_reports_what_is_missing() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| value.to_string())
            }
        };
        let credentials = Credentials::from_lookup(env(&[
            ("HUAWEICLOUD_SDK_AK", "ak1"),
            ("CLOUD_SDK_AK", "ak2"),
            ("CLOUD_SDK_SK", "sk2"),
            ("HUAWEICLOUD_SDK_PROJECT_ID", "p1"),
        ]))
        .unwrap();
        assert_eq!(
            credentials,
            Credentials::ak_sk("ak1", "sk2").with_project_id("p1")
        );

        let error = Credentials::from_lookup(env(&[("CLOUD_SDK_AK", "ak")]))
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            "configuration: environment: HUAWEICLOUD_SDK_SK or CLOUD_SDK_SK not set"
        );
    }

    #[test]
    fn profile_reads_the_basic_section() {
        let text = "[other]\nak = wrong\n[basic]\nak = AK1\nsk = SK1\nsecurity_token = T1\nproject_id = P1\n";
        let expected = Credentials::ak_sk("AK1", "SK1")
            .with_security_token("T1")
            .with_project_id("P1");
        assert_eq!(
            Credentials::from_profile_text(text, Kind::Basic).unwrap(),
            expected
        );
        assert_eq!(
            Credentials::from_profile_text("[basic]\nak = A\n", Kind::Basic).unwrap_err(),
            "section [basic] lacks sk"
        );
    }

    #[test]
    fn a_global_service_reads_the_global_section_with_its_domain_id() {
        // As the official SDK's `ProfileCredentialProvider.get_global()`.
        let text = "[basic]\nak = AK1\nsk = SK1\nproject_id = P1\n[global]\nak = AK2\nsk = SK2\nproject_id = ignored\ndomain_id = D2\n";
        let expected = Credentials::ak_sk("AK2", "SK2").with_domain_id("D2");
        assert_eq!(
            Credentials::from_profile_text(text, Kind::Global).unwrap(),
            expected
        );
        assert_eq!(
            Credentials::from_profile_text("[basic]\nak = A\nsk = S\n", Kind::Global).unwrap_err(),
            "section [global] lacks ak and sk"
        );
    }

    #[test]
    fn debug_output_never_shows_secrets() {
        let credentials =
            Credentials::ak_sk("AKVISIBLE", "SKVISIBLE").with_security_token("TOKENVISIBLE");
        let shown = format!(
            "{credentials:?} {:?}",
            Credentials::token("IAMTOKENVISIBLE")
        );
        for secret in ["AKVISIBLE", "SKVISIBLE", "TOKENVISIBLE", "IAMTOKENVISIBLE"] {
            assert!(!shown.contains(secret), "{secret} leaked in {shown}");
        }
    }
}
