//! An async client for Huawei Cloud SecMaster, generated from `spec/secmaster.yaml`.
//!
//! ```no_run
//! use huaweicloud_secmaster::{Client, Credentials, Region};
//! use huaweicloud_secmaster::models::{OperationPlaybookInfo, OperationPlaybookInfoOperation};
//! use huaweicloud_secmaster::operations::ChangePlaybookInstanceRequest;
//!
//! # async fn run() -> Result<(), huaweicloud_secmaster::Error> {
//! let client = Client::builder()
//!     .region(Region::from_id("cn-north-4")?)
//!     .credentials(Credentials::from_default_chain()?)
//!     .build()?;
//! let body = OperationPlaybookInfo { operation: Some(OperationPlaybookInfoOperation::Retry) };
//! let response = client
//!     .change_playbook_instance(ChangePlaybookInstanceRequest::new("workspace-id", "instance-id", body))
//!     .await?;
//! println!("{:?} (request id {:?})", response.body.status, response.x_request_id);
//! # Ok(())
//! # }
//! ```
//!
//! `models` and `operations` are generated (see their `@generated` stamp); everything under
//! `runtime` is hand-written: signing, transport, retries, credentials, regions and errors.

#![deny(missing_docs)]

/// Data types of the API, one per schema of the spec.
#[rustfmt::skip]
pub mod models;
/// Request and response types of each operation, and the `Client` methods.
#[rustfmt::skip]
pub mod operations;
pub mod runtime;

pub use runtime::client::{
    Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
};
pub use runtime::credentials::{Credentials, Secret};
pub use runtime::error::{Error, ServiceError};
pub use runtime::retry::RetryPolicy;
pub use runtime::Region;

/// Compiles the README's examples as doctests, so they cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
