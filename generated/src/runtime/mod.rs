//! The hand-written runtime the generated operations call: signing, transport, retries,
//! credentials, regions and errors. Nothing in here is generated.

pub(crate) mod client;
pub(crate) mod credentials;
pub mod de;
pub(crate) mod error;
#[cfg(feature = "mock")]
pub mod mock;
pub(crate) mod request;
pub(crate) mod response;
pub(crate) mod retry;
pub mod signer;

pub use request::{Call, Operation, QueryValue};
pub use response::RawResponse;

use crate::Error;

/// The service a generated crate talks to: its name and where its regions live.
#[derive(Debug)]
pub struct Service {
    /// The service name (`SecMaster`).
    pub name: &'static str,
    /// The name used in environment variables (`SECMASTER`).
    pub env_name: &'static str,
    /// The endpoint URL with a `{region}` placeholder.
    pub endpoint_template: Option<&'static str>,
    /// The region ids of the official region table.
    pub regions: &'static [&'static str],
}

/// A region of the service, from the spec's region table.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Region {
    id: String,
}

impl Region {
    /// The region with this id (`cn-north-4`). An id outside the table is accepted only when
    /// its environment override (see [`Region::endpoint`]) is set, as in the official SDKs.
    pub fn from_id(id: &str) -> Result<Region, Error> {
        let service = &crate::operations::SERVICE;
        if service.regions.contains(&id) || std::env::var_os(Self::env_var(id)).is_some() {
            return Ok(Region { id: id.to_owned() });
        }
        Err(Error::Config(format!(
            "unknown {} region `{id}`; known regions: {}",
            service.name,
            service.regions.join(", ")
        )))
    }

    /// Every region of the table, in the official order.
    pub fn all() -> impl Iterator<Item = Region> {
        crate::operations::SERVICE.regions.iter().map(|id| Region {
            id: (*id).to_owned(),
        })
    }

    /// The region id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The environment variable that overrides this region's endpoint:
    /// `HUAWEICLOUD_SDK_REGION_<SERVICE>_<REGION_ID upper-cased, '-' as '_'>`.
    pub fn env_var(id: &str) -> String {
        format!(
            "HUAWEICLOUD_SDK_REGION_{}_{}",
            crate::operations::SERVICE.env_name,
            id.to_ascii_uppercase().replace('-', "_")
        )
    }

    /// The endpoint: the first of the comma-separated endpoints in the environment
    /// override when set, else the service's endpoint pattern for this region.
    pub fn endpoint(&self) -> Result<String, Error> {
        if let Ok(value) = std::env::var(Self::env_var(&self.id)) {
            if let Some(first) = value
                .split(',')
                .map(str::trim)
                .find(|endpoint| !endpoint.is_empty())
            {
                return Ok(first.to_owned());
            }
        }
        let service = &crate::operations::SERVICE;
        match service.endpoint_template {
            Some(template) => Ok(template.replace("{region}", &self.id)),
            None => Err(Error::Config(format!(
                "{} has no regional endpoint pattern; set an endpoint",
                service.name
            ))),
        }
    }
}
