//! The runtime of generated Huawei Cloud clients: AK/SK signing exactly as the official SDKs
//! sign, transport, timeouts, retries, credentials, regions, typed errors and (feature
//! `mock`) a local mock server that verifies signatures.
//!
//! Nothing here names a service. A generated crate describes its service with a
//! [`Service`], implements [`ServiceClient`] for its `Client`, and reaches everything else
//! through [`codegen`], the one door its generated code goes through.

#![deny(missing_docs)]

mod auth;
mod body;
mod builder;
mod client;
pub mod codegen;
mod credentials;
pub mod de;
mod discovery;
mod endpoint;
mod error;
mod headers;
mod interceptor;
#[cfg(feature = "mock")]
pub mod mock;
mod options;
mod pages;
mod proxy;
mod ready;
mod regions;
mod request;
mod response;
mod retry;
mod service;
pub mod signer;
mod tls;
mod transport;
mod upload;
mod wire;

pub use builder::{
    ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
};
pub use client::{Client, USER_AGENT};
pub use credentials::{Credentials, CredentialsProvider, Secret};
pub use endpoint::MAX_URL_BYTES;
pub use error::{BuildError, Error, ServiceError};
pub use interceptor::{Attempt, Interceptor, Outcome};
pub use options::CallOptions;
pub use pages::{next_item_marker, next_marker, next_offset, next_page, Items, Page, Pages};
pub use regions::{IAM_ENDPOINT_ENV, STS_ENDPOINT_ENV};
pub use request::{Call, Operation, QueryValue};
pub use response::{ByteStream, RawResponse, StreamingResponse};
pub use retry::RetryPolicy;
pub use service::{Region, Service, ServiceClient};
pub use signer::SigningAlgorithm;
pub use upload::{FilePart, Form, ProgressFn};

/// Re-exported because their types appear in this crate's API and in generated models.
pub use {bytes, futures_core, http, indexmap, serde_json};
