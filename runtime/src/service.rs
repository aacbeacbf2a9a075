//! What a generated crate tells the runtime about its service, and regions.

use crate::{Client, Error};

/// A service as its generated crate describes it: its name and where its regions live.
///
/// Generated crates build one as a `static` from the spec's `info` and `servers`.
#[derive(Debug)]
pub struct Service {
    /// The service name (`SecMaster`), used in messages and logs.
    pub name: &'static str,
    /// The name used in environment variables (`SECMASTER`).
    pub env_name: &'static str,
    /// The endpoint URL with a `{region}` placeholder, when the service has one.
    pub endpoint_template: Option<&'static str>,
    /// The region ids of the official region table, in its order.
    pub regions: &'static [&'static str],
    /// Whether the service is global (domain-scoped; the spec's `x-credentials: global`):
    /// the official SDK calls it with `GlobalCredentials`, so its requests carry the
    /// account (domain) id in `X-Domain-Id` instead of a project id in `X-Project-Id`,
    /// and a `{domain_id}` in its paths left unset is that account id, asked of IAM when
    /// not configured.
    pub global: bool,
}

impl Service {
    /// The environment variable that overrides a region's endpoint:
    /// `HUAWEICLOUD_SDK_REGION_<SERVICE>_<REGION_ID upper-cased, '-' as '_'>`, as in the
    /// official SDKs.
    pub fn region_env_var(&self, region_id: &str) -> String {
        format!(
            "HUAWEICLOUD_SDK_REGION_{}_{}",
            self.env_name,
            region_id.to_ascii_uppercase().replace('-', "_")
        )
    }

    /// Every region of the table, in the official order.
    pub fn all_regions(&self) -> impl Iterator<Item = Region> + '_ {
        self.regions.iter().map(|id| Region::new(*id))
    }

    /// A region's endpoint: the first of the comma-separated endpoints of its environment
    /// override when set, else the service's endpoint pattern. A region outside the table
    /// is accepted only through its override, as in the official SDKs.
    pub fn region_endpoint(&self, region: &Region) -> Result<String, Error> {
        let id = region.id();
        if let Ok(value) = std::env::var(self.region_env_var(id)) {
            if let Some(first) = value
                .split(',')
                .map(str::trim)
                .find(|endpoint| !endpoint.is_empty())
            {
                return Ok(first.to_owned());
            }
        }
        if !self.regions.contains(&id) {
            return Err(Error::Config(format!(
                "unknown {} region `{id}`; known regions: {} (or set {})",
                self.name,
                self.regions.join(", "),
                self.region_env_var(id)
            )));
        }
        match self.endpoint_template {
            Some(template) => Ok(template.replace("{region}", id)),
            None => Err(Error::Config(format!(
                "{} has no regional endpoint pattern; set an endpoint",
                self.name
            ))),
        }
    }
}

/// A region, by id (`cn-north-4`). Whether the service knows it is checked when a client is
/// built, against the service's region table.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Region {
    id: String,
}

impl Region {
    /// The region with this id.
    pub fn new(id: impl Into<String>) -> Region {
        Region { id: id.into() }
    }

    /// The region id.
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl std::fmt::Display for Region {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.id)
    }
}

/// The client type of a generated crate. The runtime takes the service's description from
/// it and hands it a configured [`Client`]; it never reaches into generated code otherwise.
pub trait ServiceClient: Sized {
    /// The service this client talks to.
    const SERVICE: &'static Service;

    /// Wraps a configured runtime client.
    fn from_core(client: Client) -> Self;
}

#[cfg(test)]
mod tests {
    use super::*;

    static SERVICE: Service = Service {
        global: false,
        name: "Example",
        env_name: "EXAMPLE",
        endpoint_template: Some("https://example.{region}.myhuaweicloud.com"),
        regions: &["cn-north-4", "ap-southeast-1"],
    };

    #[test]
    fn endpoints_come_from_the_table_or_the_environment() {
        assert_eq!(
            SERVICE.region_endpoint(&Region::new("cn-north-4")).unwrap(),
            "https://example.cn-north-4.myhuaweicloud.com"
        );
        let error = SERVICE
            .region_endpoint(&Region::new("xx-nowhere-1"))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("unknown Example region `xx-nowhere-1`"),
            "{error}"
        );
        assert!(
            error.contains("HUAWEICLOUD_SDK_REGION_EXAMPLE_XX_NOWHERE_1"),
            "{error}"
        );
        assert_eq!(SERVICE.all_regions().count(), 2);
    }
}
