//! Project and account id discovery: when AK/SK credentials come without a project id, IAM
//! is asked once for the project named as the region; when a global service's client has no
//! account (domain) id, IAM is asked once for the account of the credentials, then STS when
//! IAM lists none. All as the official SDKs ask.

use serde::Deserialize;

use crate::credentials::Kind;
use crate::endpoint::Endpoint;
use crate::regions;
use crate::request::Scope;
use crate::{Call, Client, Error, Operation, RawResponse, Region};

/// Where a client without a configured project or account id asks for it (a client with a
/// region and AK/SK credentials only).
pub(crate) struct Discovery {
    /// IAM, asked for the project named as the region, or for the account.
    pub(crate) iam: Endpoint,
    /// The region whose project is looked up.
    pub(crate) region: Region,
    /// STS, asked for the account when IAM lists none (global services only).
    pub(crate) sts: Option<Endpoint>,
}

impl Discovery {
    /// Discovery through `iam` (resolved by the builder) for `region`; for a global
    /// service, also STS: the builder's, else the environment's, else the region's as the
    /// official SDK's table gives it.
    pub(crate) fn new(
        region: &Region,
        iam: &str,
        sts: Option<&str>,
        kind: Kind,
    ) -> Result<Self, Error> {
        let sts = if kind == Kind::Global {
            Some(Endpoint::parse(&regions::sts_endpoint(
                sts,
                Some(region.id()),
            ))?)
        } else {
            None
        };
        Ok(Discovery {
            iam: Endpoint::parse(iam)?,
            region: region.clone(),
            sts,
        })
    }
}

/// IAM's KeystoneListProjects, as the official SDKs call it for discovery.
pub(crate) static KEYSTONE_LIST_PROJECTS: Operation = Operation {
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

/// The client's id of `kind`, asked as the official SDK asks: the project named as the
/// region, or the account of the credentials.
pub(crate) async fn discover(
    client: &Client,
    discovery: &Discovery,
    kind: Kind,
) -> Result<String, Error> {
    match kind {
        Kind::Basic => discover_project(client, discovery).await,
        Kind::Global => discover_domain(client, discovery).await,
    }
}

/// Sends one discovery call to IAM or STS and decodes its answer. The client's own
/// settings, without a handle's per-call options (extra headers meant for the service are
/// not for IAM), without project or account headers, and signed with the client's
/// algorithm but never with derived auth (V11 keys are the service's), as the official SDK
/// signs it.
async fn ask<T: serde::de::DeserializeOwned>(
    client: &Client,
    endpoint: &Endpoint,
    call: Call,
) -> Result<T, Error> {
    let scope = Scope {
        discovery: true,
        ..Scope::default()
    };
    let response: RawResponse = client
        .without_options()
        .send_to(endpoint, call, scope, tracing::Span::none())
        .await?;
    response.json()
}

/// Asks IAM for the project named `region`: `GET {iam}/v3/projects?name={region}`, signed
/// with the client's credentials. Exactly one project must come back.
async fn discover_project(client: &Client, discovery: &Discovery) -> Result<String, Error> {
    let Discovery { iam, region, .. } = discovery;
    let mut call = Call::new(&KEYSTONE_LIST_PROJECTS);
    call.query("name", region.id());
    let Projects { projects } = ask(client, iam, call).await?;
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
pub(crate) static KEYSTONE_LIST_AUTH_DOMAINS: Operation = Operation {
    name: "KeystoneListAuthDomains",
    method: http::Method::GET,
    path: "/v3/auth/domains",
    idempotent: true,
};

/// STS's GetCallerIdentity, which the official SDK asks when IAM lists no account.
pub(crate) static GET_CALLER_IDENTITY: Operation = Operation {
    name: "GetCallerIdentity",
    method: http::Method::GET,
    path: "/v5/caller-identity",
    idempotent: true,
};

#[derive(Deserialize)]
struct CallerIdentity {
    #[serde(default)]
    account_id: Option<String>,
}

/// Asks IAM for the account (domain) of the client's credentials: `GET
/// {iam}/v3/auth/domains`, signed, without project or account headers, and takes the first
/// account listed; when IAM lists none, asks STS: `GET {sts}/v5/caller-identity`, signed,
/// and takes its `account_id`. As the official SDK's `GlobalCredentials` ask.
async fn discover_domain(client: &Client, discovery: &Discovery) -> Result<String, Error> {
    let Discovery { iam, sts, .. } = discovery;
    let Domains { domains } = ask(client, iam, Call::new(&KEYSTONE_LIST_AUTH_DOMAINS)).await?;
    if let Some(domain) = domains.into_iter().next() {
        tracing::debug!("account (domain) id found in IAM");
        return Ok(domain.id);
    }
    let set_it = "set the domain id with .domain_id(..), Credentials::with_domain_id, `domain_id` in the profile's [global] section, or HUAWEICLOUD_SDK_DOMAIN_ID (with credentials from the environment)";
    let Some(sts) = sts else {
        return Err(Error::Config(format!(
            "IAM at {iam} lists no account (domain) for these credentials; {set_it}"
        )));
    };
    let CallerIdentity { account_id } = ask(client, sts, Call::new(&GET_CALLER_IDENTITY)).await?;
    match account_id.filter(|id| !id.is_empty()) {
        Some(account_id) => {
            tracing::debug!("account (domain) id found in STS");
            Ok(account_id)
        }
        None => Err(Error::Config(format!(
            "IAM at {iam} lists no account (domain) for these credentials, and STS at {sts} names none; {set_it}"
        ))),
    }
}
