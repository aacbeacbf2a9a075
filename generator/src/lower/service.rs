//! The service: its name and where its regions live, from `info` and `servers`.

use openapiv3 as oa;

use crate::ir::Service;

pub(super) fn service(spec: &oa::OpenAPI) -> Service {
    let name = spec.info.title.clone();
    let env_name = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_uppercase();
    let server = spec.servers.first();
    let regions = server
        .and_then(|server| server.variables.as_ref()?.get("region"))
        .map(|variable| variable.enumeration.clone())
        .unwrap_or_default();
    let endpoint_template = server
        .map(|server| server.url.clone())
        .filter(|url| url.contains("{region}"));
    Service {
        name,
        env_name,
        endpoint_template,
        regions,
    }
}
