//! The service: its name and where its regions live, from `info` and `servers`, and
//! whether it is global, from `x-credentials`.

use openapiv3 as oa;

use crate::error::Diagnostic;
use crate::ir::Service;

/// The document-level extension naming the credentials the official SDK calls the service
/// with: `global` (`GlobalCredentials`: domain-scoped) or `project` (`BasicCredentials`,
/// the default).
const CREDENTIALS_EXTENSION: &str = "x-credentials";

/// Whether the spec says the service is global (`x-credentials: global`).
pub(super) fn global(spec: &oa::OpenAPI) -> Result<bool, Diagnostic> {
    match spec.extensions.get(CREDENTIALS_EXTENSION) {
        None => Ok(false),
        Some(value) => match value.as_str() {
            Some("global") => Ok(true),
            Some("project") => Ok(false),
            _ => Err(Diagnostic::new(
                CREDENTIALS_EXTENSION,
                format!("`{CREDENTIALS_EXTENSION}` must be `global` or `project`"),
            )
            .help("write `x-credentials: global` for a domain-scoped service (the official SDK's GlobalCredentials), or leave it out")),
        },
    }
}

pub(super) fn service(spec: &oa::OpenAPI, global: bool) -> Service {
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
        global,
    }
}
