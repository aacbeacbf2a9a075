//! Project id discovery: when AK/SK credentials come without a project id, IAM is asked
//! once for the project named as the region, as the official SDKs do.

use serde::Deserialize;

use crate::endpoint::Endpoint;
use crate::{Call, Client, Error, Operation, RawResponse, Region};

/// IAM's KeystoneListProjects, as the official SDKs call it for discovery.
static KEYSTONE_LIST_PROJECTS: Operation = Operation {
    name: "KeystoneListProjects",
    method: http::Method::GET,
    path: "/v3/projects",
    idempotent: true,
};

#[derive(Deserialize)]
struct Projects {
    #[serde(default)]
    projects: Vec<Project>,
}

#[derive(Deserialize)]
struct Project {
    id: String,
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
    // The client's own settings, without a handle's per-call options: extra headers meant
    // for the service are not for IAM.
    let plain = client.without_options();
    let response: RawResponse = plain
        .send_to(iam, call, None, tracing::Span::none())
        .await?;
    let Projects { projects } = response.json()?;
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
