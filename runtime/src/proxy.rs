//! The proxy a client's calls go through: set, from the environment, or none; only
//! `http` and `https` proxies, and never their credentials in a message.

use crate::credentials::Secret;
use crate::Error;

/// Where requests go through.
#[derive(Clone, Default)]
pub(crate) enum Proxy {
    #[default]
    None,
    FromEnv,
    /// The URL may carry credentials, so it is kept as a secret.
    Url(Secret),
}

impl Proxy {
    /// Sets this proxy on the HTTP client being built; a scheme other than `http` or
    /// `https` (set, or in the environment) is refused.
    pub(crate) fn apply(
        &self,
        builder: reqwest::ClientBuilder,
    ) -> Result<reqwest::ClientBuilder, Error> {
        Ok(match self {
            Proxy::None => builder.no_proxy(),
            // reqwest reads the environment's proxies when none is set explicitly; it
            // would skip one whose scheme it cannot use, so calls would go direct.
            Proxy::FromEnv => {
                for names in PROXY_VARIABLES {
                    let found = names
                        .iter()
                        .find_map(|name| std::env::var(name).ok().map(|value| (name, value)));
                    if let Some((name, value)) = found {
                        check_proxy_scheme(&format!("the proxy in {name}"), &value)?;
                    }
                }
                builder
            }
            Proxy::Url(url) => builder.proxy({
                check_proxy_scheme("the proxy URL", url.expose())?;
                reqwest::Proxy::all(url.expose())
                    .map_err(|_| Error::Config(format!("the proxy URL {self:?} is not valid")))?
            }),
        })
    }

    /// How a connection error names this proxy: scheme, host and port of a set one (never
    /// its credentials), or the variables a proxy from the environment may come from.
    pub(crate) fn shown(&self) -> Option<String> {
        match self {
            Proxy::None => None,
            Proxy::FromEnv => {
                let set: Vec<&str> = PROXY_VARIABLES
                    .iter()
                    .flat_map(|names| names.iter())
                    .filter(|name| std::env::var_os(name).is_some())
                    .copied()
                    .collect();
                (!set.is_empty()).then(|| {
                    format!(
                        "the proxy from {} (unless NO_PROXY exempts the host)",
                        set.join(", ")
                    )
                })
            }
            Proxy::Url(_) => Some(format!("the proxy {:?}", self)),
        }
    }
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Proxy::None => formatter.write_str("None"),
            Proxy::FromEnv => formatter.write_str("FromEnv"),
            // Scheme, host and port only: never the user name or password.
            Proxy::Url(url) => match reqwest::Url::parse(url.expose()) {
                Ok(url) => write!(
                    formatter,
                    "Url({}://{}{})",
                    url.scheme(),
                    url.host_str().unwrap_or(""),
                    url.port()
                        .map(|port| format!(":{port}"))
                        .unwrap_or_default()
                ),
                Err(_) => formatter.write_str("Url(***)"),
            },
        }
    }
}

/// The environment's proxy variables as reqwest reads them: of each pair, the first set.
const PROXY_VARIABLES: [[&str; 2]; 3] = [
    ["HTTPS_PROXY", "https_proxy"],
    ["HTTP_PROXY", "http_proxy"],
    ["ALL_PROXY", "all_proxy"],
];

/// Refuses a proxy URL whose scheme is not `http` or `https` (without a scheme, reqwest
/// takes `http`). The error names the scheme, never the URL, which may hold a password.
fn check_proxy_scheme(what: &str, url: &str) -> Result<(), Error> {
    let Some((scheme, _)) = url.trim().split_once("://") else {
        return Ok(());
    };
    if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") {
        return Ok(());
    }
    let well_formed = scheme.starts_with(|character: char| character.is_ascii_alphabetic())
        && scheme.len() <= 32
        && scheme
            .chars()
            .all(|character| character.is_ascii_alphanumeric() || "+-.".contains(character));
    Err(Error::Config(if well_formed {
        format!("{what} has the scheme `{scheme}`: only http and https proxies are supported")
    } else {
        format!("{what} has no valid scheme: only http and https proxies are supported")
    }))
}
