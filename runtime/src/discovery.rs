//! Project and account id discovery: when AK/SK credentials come without a project id, IAM
//! is asked once for the project named as the region; when a global service's client has no
//! account (domain) id, IAM is asked once for the account of the credentials. Both as the
//! official SDKs ask.

use serde::Deserialize;

use crate::endpoint::Endpoint;
use crate::request::Scope;
use crate::{Call, Client, Error, Operation, RawResponse, Region, IAM_ENDPOINT_ENV};

/// The IAM endpoint discovery asks: the configured one, else `HUAWEICLOUD_SDK_IAM_ENDPOINT`,
/// else the region's (`https://iam.{region}.myhuaweicloud.com`), as the official SDK picks.
pub(crate) fn iam_endpoint(configured: Option<String>, region: &Region) -> Result<Endpoint, Error> {
    let url = match configured {
        Some(url) => url,
        None => std::env::var(IAM_ENDPOINT_ENV)
            .ok()
            .filter(|url| !url.trim().is_empty())
            .unwrap_or_else(|| format!("https://iam.{}.myhuaweicloud.com", region.id())),
    };
    Endpoint::parse(&url)
}

/// IAM's KeystoneListProjects, as the official SDKs call it for discovery.
static KEYSTONE_LIST_PROJECTS: Operation = Operation {
    name: "KeystoneListProjects",
    method: http::Method::GET,
    path: "/v3/projects",
    idempotent: true,
};

/// An entry of an IAM list: only its id is read.
#[derive(Deserialize)]
struct Listed {
    id: String,
}

#[derive(Deserialize)]
struct Projects {
    #[serde(default)]
    projects: Vec<Listed>,
}

#[derive(Deserialize)]
struct Domains {
    #[serde(default)]
    domains: Vec<Listed>,
}

/// Sends one discovery call to IAM and decodes its answer. The client's own settings,
/// without a handle's per-call options (extra headers meant for the service are not for
/// IAM), and without project or account headers.
async fn ask_iam<T: serde::de::DeserializeOwned>(
    client: &Client,
    iam: &Endpoint,
    call: Call,
) -> Result<T, Error> {
    let response: RawResponse = client
        .without_options()
        .send_to(iam, call, Scope::default(), tracing::Span::none())
        .await?;
    response.json()
}

/// Asks IAM for the project named `region`: `GET {iam}/v3/projects?name={region}`, signed
/// with the client's credentials. Exactly one project must come back.
pub(crate) async fn discover(
    client: &Client,
    iam: &Endpoint,
    region: &Region,
) -> Result<String, Error> {
    let mut call = Call::new(&KEYSTONE_LIST_PROJECTS);
    call.query("name", region.id());
    let Projects { projects } = ask_iam(client, iam, call).await?;
    match projects.as_slice() {
        [project] => {
            tracing::debug!(region = region.id(), "project id found in IAM");
            Ok(project.id.clone())
        }
        [] => Err(Error::Config(format!(
            "IAM at {iam} knows no project named `{region}` for these credentials; set the project id with .project_id(..) or HUAWEICLOUD_SDK_PROJECT_ID"
        ))),
        several => Err(Error::Config(format!(
            "IAM at {iam} returned {} projects named `{region}`; set the project id with .project_id(..) or HUAWEICLOUD_SDK_PROJECT_ID",
            several.len()
        ))),
    }
}

/// IAM's KeystoneListAuthDomains, as the official SDK's `GlobalCredentials` call it.
static KEYSTONE_LIST_AUTH_DOMAINS: Operation = Operation {
    name: "KeystoneListAuthDomains",
    method: http::Method::GET,
    path: "/v3/auth/domains",
    idempotent: true,
};

/// Asks IAM for the account (domain) of the client's credentials: `GET
/// {iam}/v3/auth/domains`, signed, without project or account headers. The first account
/// listed is taken, as the official SDK takes it.
pub(crate) async fn discover_domain(client: &Client, iam: &Endpoint) -> Result<String, Error> {
    let call = Call::new(&KEYSTONE_LIST_AUTH_DOMAINS);
    let Domains { domains } = ask_iam(client, iam, call).await?;
    match domains.into_iter().next() {
        Some(domain) => {
            tracing::debug!("account (domain) id found in IAM");
            Ok(domain.id)
        }
        None => Err(Error::Config(format!(
            "IAM at {iam} lists no account (domain) for these credentials; set the domain id with .domain_id(..), Credentials::with_domain_id or HUAWEICLOUD_SDK_DOMAIN_ID"
        ))),
    }
}
