//! [`ProviderContext`]: what the credential providers need of the client they serve. It
//! sits below both the requests (`fetch`) and the providers (`provider`), so neither has
//! to reach into the other for it.

use std::time::Duration;

use super::Kind;

/// What the providers need of the client: the kind of credentials its service takes (the
/// profile section to read), its HTTP client, the IAM, STS and metadata endpoints it
/// resolved, and its attempt timeout (for IAM and STS).
pub(crate) struct ProviderContext {
    pub(crate) kind: Kind,
    pub(crate) http: reqwest::Client,
    pub(crate) iam_endpoint: String,
    pub(crate) sts_endpoint: String,
    pub(crate) metadata_endpoint: String,
    pub(crate) timeout: Duration,
}
