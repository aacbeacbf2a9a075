//! [`ClientBuilder`]: endpoint, credentials, timeouts, retries, network reach (proxies,
//! trusted roots, a caller's own HTTP client) and interceptors.

use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use crate::auth::{Auth, AuthSettings};
use crate::client::Inner;
use crate::credentials::{Credentials, CredentialsProvider, Kind, Secret};
use crate::discovery::Discovery;
use crate::endpoint::Endpoint;
use crate::interceptor::Interceptor;
use crate::proxy::Proxy;
use crate::regions;
use crate::retry::RetryPolicy;
use crate::tls::tls_config;
use crate::{Client, Error, Region, Service, ServiceClient, SigningAlgorithm};

/// Default time to set up a connection (TCP and TLS).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time for one attempt, from sending to the last byte of the answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default largest response body read, in bytes (16 MiB).
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// Builds a service client `C` (a generated crate's `Client`). Set an endpoint or a
/// region, and credentials; without them the client uses the official SDK's default chain
/// ([`build`](Self::build) says more).
///
/// Proxies are off unless asked for: [`proxy`](Self::proxy) sets one,
/// [`proxy_from_env`](Self::proxy_from_env) honours `HTTPS_PROXY`, `HTTP_PROXY` and
/// `NO_PROXY`.
pub struct ClientBuilder<C> {
    endpoint: Option<String>,
    region: Option<Region>,
    credentials: Option<CredentialsProvider>,
    /// The signing algorithm and the identity services' endpoints.
    auth: AuthSettings,
    project_id: Option<String>,
    domain_id: Option<String>,
    iam_endpoint: Option<String>,
    connect_timeout: Duration,
    timeout: Duration,
    retry: RetryPolicy,
    max_response_bytes: usize,
    extra_roots: Vec<Root>,
    accept_invalid_certificates: bool,
    proxy: Proxy,
    http_client: Option<reqwest::Client>,
    interceptors: Vec<Arc<dyn Interceptor>>,
    max_connections: Option<usize>,
    ignore_content_type_for_get_request: bool,
    client: PhantomData<fn() -> C>,
}

/// A root certificate to trust, as given.
#[derive(Clone)]
enum Root {
    Der(Vec<u8>),
    Pem(Vec<u8>),
}

impl<C> Clone for ClientBuilder<C> {
    fn clone(&self) -> Self {
        ClientBuilder {
            endpoint: self.endpoint.clone(),
            region: self.region.clone(),
            credentials: self.credentials.clone(),
            auth: self.auth.clone(),
            project_id: self.project_id.clone(),
            domain_id: self.domain_id.clone(),
            iam_endpoint: self.iam_endpoint.clone(),
            connect_timeout: self.connect_timeout,
            timeout: self.timeout,
            retry: self.retry.clone(),
            max_response_bytes: self.max_response_bytes,
            extra_roots: self.extra_roots.clone(),
            accept_invalid_certificates: self.accept_invalid_certificates,
            proxy: self.proxy.clone(),
            http_client: self.http_client.clone(),
            interceptors: self.interceptors.clone(),
            max_connections: self.max_connections,
            ignore_content_type_for_get_request: self.ignore_content_type_for_get_request,
            client: PhantomData,
        }
    }
}

impl<C> std::fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ClientBuilder")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("credentials", &self.credentials)
            .field("auth", &self.auth)
            .field("project_id", &self.project_id)
            .field("domain_id", &self.domain_id)
            .field("iam_endpoint", &self.iam_endpoint)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("extra_roots", &self.extra_roots.len())
            .field(
                "accept_invalid_certificates",
                &self.accept_invalid_certificates,
            )
            .field("proxy", &self.proxy)
            .field("http_client", &self.http_client.is_some())
            .field("interceptors", &self.interceptors.len())
            .field("max_connections", &self.max_connections)
            .field(
                "ignore_content_type_for_get_request",
                &self.ignore_content_type_for_get_request,
            )
            .finish()
    }
}

impl<C> Default for ClientBuilder<C> {
    fn default() -> Self {
        ClientBuilder {
            endpoint: None,
            region: None,
            credentials: None,
            auth: AuthSettings::default(),
            project_id: None,
            domain_id: None,
            iam_endpoint: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            extra_roots: Vec::new(),
            accept_invalid_certificates: false,
            proxy: Proxy::None,
            http_client: None,
            interceptors: Vec::new(),
            max_connections: None,
            ignore_content_type_for_get_request: false,
            client: PhantomData,
        }
    }
}

impl<C: ServiceClient> ClientBuilder<C> {
    /// Starts with the defaults: no endpoint, no credentials (the default chain at the first
    /// call), no proxy,
    /// [`DEFAULT_CONNECT_TIMEOUT`], [`DEFAULT_TIMEOUT`], [`RetryPolicy::default`],
    /// [`DEFAULT_MAX_RESPONSE_BYTES`].
    pub fn new() -> Self {
        Self::default()
    }

    /// The endpoint URL (`https://secmaster.cn-north-4.myhuaweicloud.com`); `https://` is
    /// added when no scheme is given. Takes precedence over [`region`](Self::region) for
    /// the service's address.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// The region whose endpoint to use; checked against the service's region table (or
    /// its environment override) when the client is built. Also the project name looked
    /// up in IAM when no project id is configured.
    pub fn region(mut self, region: Region) -> Self {
        self.region = Some(region);
        self
    }

    /// Fixed credentials. Without these or a
    /// [`credentials_provider`](Self::credentials_provider), the client uses
    /// [`CredentialsProvider::default_chain`].
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(CredentialsProvider::fixed(credentials));
        self
    }

    /// Where the credentials come from, asked before every attempt: for temporary
    /// credentials that refresh themselves (ECS metadata, CCE pod identity, OIDC, IAM
    /// federation), e.g. [`CredentialsProvider::default_chain`]. Replaces
    /// [`credentials`](Self::credentials).
    pub fn credentials_provider(mut self, provider: CredentialsProvider) -> Self {
        self.credentials = Some(provider);
        self
    }

    /// The signing algorithm of AK/SK requests, as the official SDK's
    /// `HttpConfig.signing_algorithm` (default [`SigningAlgorithm::HmacSha256`]). The
    /// elliptic-curve ones need this crate's `ecc-signing` feature, or the build fails.
    pub fn signing_algorithm(mut self, algorithm: SigningAlgorithm) -> Self {
        self.auth.algorithm = algorithm;
        self
    }

    /// Signs with `V11-HMAC-SHA256` instead, with a key derived from the AK/SK for each
    /// day, the [`region`](Self::region) (required) and this service name (the official
    /// SDK's derived auth, which it uses when its credentials' derived predicate says so).
    pub fn derived_auth(mut self, service_name: impl Into<String>) -> Self {
        self.auth.derived_service = Some(service_name.into());
        self
    }

    /// The STS endpoint OIDC federation asks (default: `HUAWEICLOUD_SDK_STS_ENDPOINT`, else
    /// `https://sts.cn-north-4.myhuaweicloud.com`), and a global service's client when IAM
    /// lists no account (default there: that variable, else the region's STS when the
    /// official SDK knows one, else cn-north-4's).
    pub fn sts_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.auth.sts_endpoint = Some(endpoint.into());
        self
    }

    /// The ECS metadata service (default `http://169.254.169.254`).
    pub fn metadata_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.auth.metadata_endpoint = Some(endpoint.into());
        self
    }

    /// The project id for `{project_id}` in paths; overrides the credentials' one. Without
    /// one, a client with AK/SK credentials and a region asks IAM once, when the first
    /// call needs it.
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// The account (domain) id of a global service (the spec's `x-credentials: global`),
    /// sent as `X-Domain-Id` and used for `{domain_id}` in paths; overrides the
    /// credentials' one (`HUAWEICLOUD_SDK_DOMAIN_ID`, or `domain_id` in the profile file's
    /// `[global]` section). Without any, a client with a region and AK/SK credentials asks
    /// IAM (`GET /v3/auth/domains`) once, at the first call, and STS
    /// (`GET /v5/caller-identity`) when IAM lists no account, as the official SDK's
    /// `GlobalCredentials` do.
    pub fn domain_id(mut self, domain_id: impl Into<String>) -> Self {
        self.domain_id = Some(domain_id.into());
        self
    }

    /// The IAM endpoint that project and account ids are looked up from, and that IAM
    /// federation asks. Default: the profile section's `iam_endpoint`, else the
    /// [`IAM_ENDPOINT_ENV`](crate::IAM_ENDPOINT_ENV) environment variable when set, else
    /// the region's IAM as the official SDK's table gives it (`https://iam.myhuaweicloud.com`
    /// for a region it does not list, or without a region).
    pub fn iam_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.iam_endpoint = Some(endpoint.into());
        self
    }

    /// Time to set up a connection (default [`DEFAULT_CONNECT_TIMEOUT`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time for one attempt, from sending to the last byte of the answer (default
    /// [`DEFAULT_TIMEOUT`]); for a streamed download, the longest wait for each chunk.
    ///
    /// An attempt that runs out of time fails with [`Error::Timeout`].
    /// The time is kept by tokio's timer (`tokio::time::timeout`), so it follows the
    /// runtime's clock: under `tokio::time::pause` it advances with the paused clock, as the
    /// retry backoff does. The runtime needs its time driver (`enable_all` or
    /// `enable_time`), as `#[tokio::main]` and `#[tokio::test]` give it.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]; [`RetryPolicy::disabled`] turns
    /// retries off).
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The largest response body read (default [`DEFAULT_MAX_RESPONSE_BYTES`]); a larger
    /// one fails with [`Error::BodyTooLarge`].
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Trusts one more root certificate (DER), besides the platform's.
    pub fn add_root_certificate_der(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.extra_roots.push(Root::Der(der.into()));
        self
    }

    /// Trusts the root certificates of a PEM text (one or more `CERTIFICATE` blocks),
    /// besides the platform's. A text without a certificate fails the build.
    pub fn add_root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.extra_roots.push(Root::Pem(pem.into()));
        self
    }

    /// **Dangerous**: accepts any server certificate, expired, self-signed or for another
    /// host, as the official SDK's `ignore_ssl_verification` does. Anyone between the client
    /// and the server can then read and change every call. For test environments only;
    /// a warning is logged when such a client is built.
    pub fn danger_accept_invalid_certificates(mut self, accept: bool) -> Self {
        self.accept_invalid_certificates = accept;
        self
    }

    /// Sends every request through this proxy (`http://[user:password@]host:port`, or
    /// `https://`). Credentials in the URL are sent to the proxy and never printed. Only
    /// `http` and `https` proxies are supported (this build has no SOCKS): another scheme
    /// (`socks5://`, `ftp://`, ...) fails [`build`](Self::build) with
    /// [`Error::Config`] naming it, rather than being ignored.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Proxy::Url(Secret::new(url.into()));
        self
    }

    /// Uses the proxies the environment names: `HTTPS_PROXY` for https endpoints,
    /// `HTTP_PROXY` for http ones, `ALL_PROXY` for both (each in either case, the
    /// upper-case one first), skipping the hosts of `NO_PROXY`. They are read when the
    /// client is built; one with a scheme other than `http` or `https` fails the build with
    /// [`Error::Config`] naming the variable and the scheme.
    pub fn proxy_from_env(mut self) -> Self {
        self.proxy = Proxy::FromEnv;
        self
    }

    /// Sends through this `reqwest::Client` (a shared pool, custom DNS, a local address)
    /// instead of one the builder makes. Build it with
    /// `.redirect(reqwest::redirect::Policy::none())`: a call whose answer comes from a
    /// followed redirect fails with [`Error::Config`], since its signature was made for
    /// the first address. Its own TLS, proxy and connect-timeout settings apply, so this
    /// builder's [`proxy`](Self::proxy), root certificates,
    /// [`connect_timeout`](Self::connect_timeout) and
    /// [`danger_accept_invalid_certificates`](Self::danger_accept_invalid_certificates)
    /// cannot be combined with it.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Bounds the connections this client (and its clones) opens to its endpoint: at most
    /// `limit` requests are in flight at once, each holding a slot from sending until its
    /// answer is read (a streamed download: until its body ends or is dropped); further
    /// calls wait for a slot, and that wait does not count against the
    /// [`timeout`](Self::timeout). Idle pooled connections are also capped at `limit`.
    /// Default: unbounded (every concurrent call may open a connection), as reqwest has no
    /// bound on open connections of its own. A `limit` of 0 is taken as 1.
    ///
    /// This bounds calls in flight, not sockets: a finished call's connection returns to
    /// the pool on reqwest's own task, and a call that starts before it is back opens
    /// another. Open connections so stay near `limit` (50 to 63 for a limit of 50 under
    /// 1,000 concurrent calls on loopback), never near the number of calls.
    pub fn max_connections(mut self, limit: usize) -> Self {
        self.max_connections = Some(limit.clamp(1, tokio::sync::Semaphore::MAX_PERMITS));
        self
    }

    /// Registers an interceptor, called around every attempt of every call, in the order
    /// registered.
    pub fn interceptor(mut self, interceptor: impl Interceptor) -> Self {
        self.interceptors.push(Arc::new(interceptor));
        self
    }

    /// Sends GET calls without a body with no `Content-Type` header, as the official
    /// SDK's `HttpConfig.ignore_content_type_for_get_request` does. By default every call
    /// without a body says `Content-Type: application/json` (or the media type of its
    /// unset optional body), signed, as the official SDK sends it.
    pub fn ignore_content_type_for_get_request(mut self, ignore: bool) -> Self {
        self.ignore_content_type_for_get_request = ignore;
        self
    }

    /// Builds the client.
    ///
    /// Without [`credentials`](Self::credentials) or
    /// [`credentials_provider`](Self::credentials_provider), the client uses
    /// [`CredentialsProvider::default_chain`], as the official SDK's `ClientBuilder.build`
    /// falls back to its `DefaultCredentialProviderChain`. The chain is resolved at the
    /// first call, not here: when none of its providers has credentials, that call fails
    /// with [`Error::Credentials`] saying what each lacked. (Before, building without
    /// credentials failed here with `no credentials: call .credentials(...)`.) The project
    /// id the configuration names (`HUAWEICLOUD_SDK_PROJECT_ID`, the profile's
    /// `project_id`; for a global service, the account id: `HUAWEICLOUD_SDK_DOMAIN_ID`,
    /// the `[global]` section's `domain_id`) is read here, as for any provider.
    pub fn build(self) -> Result<C, Error> {
        self.build_core(C::SERVICE).map(C::from_core)
    }

    fn build_core(mut self, service: &'static Service) -> Result<Client, Error> {
        // As the official SDK: no credentials given, its default chain.
        let credentials = self
            .credentials
            .take()
            .unwrap_or_else(CredentialsProvider::default_chain);
        let endpoint = match (self.endpoint.take(), &self.region) {
            (Some(endpoint), _) => endpoint,
            (None, Some(region)) => service.region_endpoint(region)?,
            (None, None) => {
                return Err(Error::Config(
                    "no endpoint: call .endpoint(url) or .region(region)".into(),
                ))
            }
        };
        let endpoint = Endpoint::parse(&endpoint)?;
        // A global service's client takes the account id of global credentials, as the
        // official SDK's `GlobalCredentials`; any other, the project id of basic ones.
        let kind = Kind::of(service.global);
        let named = credentials.named(kind);
        let configured = match kind {
            Kind::Basic => self.project_id.take(),
            Kind::Global => self.domain_id.take(),
        };
        let id = configured.or(named.id);
        // IAM as the builder names it, else as the credentials do (a profile's), else as
        // the environment or the region's.
        let iam = regions::iam_endpoint(
            self.iam_endpoint
                .as_deref()
                .or(named.iam_endpoint.as_deref()),
            self.region.as_ref().map(Region::id),
        );
        let http = self.http()?;
        let auth = Auth::new(
            &credentials,
            kind,
            &self.auth,
            self.region.as_ref(),
            &iam,
            &http,
            self.timeout,
        )?;
        // Only with a region to ask about, and credentials that can ask, for an id that
        // is not configured.
        let discovery =
            match &self.region {
                Some(region) if id.is_none() && auth.discovers_project_id() => Some(
                    Discovery::new(region, &iam, self.auth.sts_endpoint.as_deref(), kind)?,
                ),
                _ => None,
            };
        if self.accept_invalid_certificates {
            tracing::warn!(
                service = service.name,
                "certificate checks are off: any server can impersonate the endpoint"
            );
        }
        Ok(Client::from_inner(Inner {
            service,
            http,
            endpoint,
            auth,
            kind,
            id,
            discovery,
            discovered_id: tokio::sync::OnceCell::new(),
            timeout: self.timeout,
            retry: self.retry,
            max_response_bytes: self.max_response_bytes,
            interceptors: self.interceptors,
            slots: self
                .max_connections
                .map(|limit| Arc::new(tokio::sync::Semaphore::new(limit))),
            // A caller's own HTTP client keeps its proxy settings to itself.
            proxy: if self.http_client.is_some() {
                None
            } else {
                self.proxy.shown()
            },
            ignore_content_type_for_get_request: self.ignore_content_type_for_get_request,
        }))
    }

    /// The HTTP client: the caller's, or one made from this builder's settings.
    fn http(&self) -> Result<reqwest::Client, Error> {
        if let Some(client) = &self.http_client {
            let conflicts = [
                (!matches!(self.proxy, Proxy::None), "a proxy"),
                (!self.extra_roots.is_empty(), "root certificates"),
                (
                    self.accept_invalid_certificates,
                    "accepting invalid certificates",
                ),
                (
                    self.connect_timeout != DEFAULT_CONNECT_TIMEOUT,
                    "a connect timeout",
                ),
            ];
            if let Some((_, what)) = conflicts.iter().find(|(set, _)| *set) {
                return Err(Error::Config(format!(
                    "{what} cannot be set on the builder together with .http_client(..): set it on the reqwest::Client instead"
                )));
            }
            return Ok(client.clone());
        }
        let roots = self.roots()?;
        let builder = reqwest::Client::builder()
            .tls_backend_preconfigured(tls_config(roots, self.accept_invalid_certificates)?)
            .connect_timeout(self.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            // The runtime retries calls itself. reqwest's own layer would only retry HTTP/2
            // protocol refusals (this client speaks HTTP/1), yet it copies every request's
            // headers to be able to; with no retries allowed it copies nothing.
            .retry(reqwest::retry::never().max_retries_per_request(0))
            .http1_only();
        let builder = match self.max_connections {
            Some(limit) => builder.pool_max_idle_per_host(limit),
            None => builder,
        };
        let builder = self.proxy.apply(builder)?;
        builder
            .build()
            .map_err(|error| Error::Config(format!("HTTP client: {error}")))
    }

    /// The extra roots in DER.
    fn roots(&self) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>, Error> {
        use rustls::pki_types::pem::PemObject;
        let mut roots = Vec::new();
        for root in &self.extra_roots {
            match root {
                Root::Der(der) => roots.push(rustls::pki_types::CertificateDer::from(der.clone())),
                Root::Pem(pem) => {
                    let before = roots.len();
                    for certificate in rustls::pki_types::CertificateDer::pem_slice_iter(pem) {
                        roots.push(certificate.map_err(|error| {
                            Error::Config(format!("root certificate PEM: {error}"))
                        })?);
                    }
                    if roots.len() == before {
                        return Err(Error::Config(
                            "root certificate PEM: no CERTIFICATE block found".into(),
                        ));
                    }
                }
            }
        }
        Ok(roots)
    }
}
