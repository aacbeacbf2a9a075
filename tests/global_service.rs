//! A global (domain-scoped) service, IAM (`x-credentials: global`), as the official SDK's
//! `GlobalCredentials` call it: with AK/SK and no account id, the first call asks IAM for
//! the account once (`GET /v3/auth/domains`, signed; STS's caller identity when IAM lists
//! none), and every call carries it in `X-Domain-Id` (signed, no `X-Project-Id`) and in a
//! `{domain_id}` left unset. And IAM's operations that share a path and method
//! (`x-variants`: a token by password, by an agency, scoped), each a method of its own,
//! told apart by the mock by their bodies.

use huaweicloud_iam::mock::{self, MOCK_DOMAIN_ID};
use huaweicloud_iam::operations::{KeystoneListAuthDomainsRequest, ShowDomainQuotaRequest};
use huaweicloud_iam::{Client, Credentials, CredentialsProvider, Error, Region, RetryPolicy};
use huaweicloud_secmaster::operations::ListWorkspacesRequest;

const AK: &str = "GLOBAL-AK";
const SK: &str = "GLOBAL-SK";

fn discovering(mock: &huaweicloud_iam::mock::MockServer) -> huaweicloud_iam::ClientBuilder {
    Client::builder()
        .endpoint(mock.endpoint())
        .region(Region::new("cn-north-4"))
        .iam_endpoint(mock.endpoint())
        .credentials(Credentials::ak_sk(AK, SK).with_project_id("a-project"))
        .retry_policy(RetryPolicy::disabled())
}

fn signed_headers(authorization: &str) -> Vec<&str> {
    authorization
        .split("SignedHeaders=")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .map(|list| list.split(';').collect())
        .unwrap_or_default()
}

/// A profile file with `text`, in a scratch folder of this test process under the target
/// folder.
fn profile_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("global-profile-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("credentials");
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test]
async fn the_account_id_is_asked_of_iam_once_and_sent_as_x_domain_id() {
    let mock = mock::start(AK, SK).await.unwrap();
    let client = discovering(&mock).build().unwrap();
    assert_eq!(client.domain_id(), None);
    client
        .show_domain_quota(ShowDomainQuotaRequest::new())
        .await
        .unwrap();
    client
        .show_domain_quota(ShowDomainQuotaRequest::new())
        .await
        .unwrap();
    assert_eq!(client.domain_id(), Some(MOCK_DOMAIN_ID));

    let requests = mock.requests();
    let paths: Vec<String> = requests
        .iter()
        .map(|request| format!("{} {}", request.method, request.path))
        .collect();
    let quota = format!("GET /v3.0/OS-QUOTA/domains/{MOCK_DOMAIN_ID}");
    assert_eq!(paths, ["GET /v3/auth/domains", &quota, &quota]);
    assert!(requests.iter().all(|request| request.authenticated));
    // IAM is asked without an account or project header.
    assert_eq!(requests[0].header("x-domain-id"), None);
    assert_eq!(requests[0].header("x-project-id"), None);
    for call in &requests[1..] {
        assert_eq!(call.header("x-domain-id"), Some(MOCK_DOMAIN_ID));
        assert_eq!(
            call.header("x-project-id"),
            None,
            "a global call carries no project"
        );
        let authorization = call.header("authorization").unwrap_or_default();
        assert!(
            signed_headers(authorization).contains(&"x-domain-id"),
            "X-Domain-Id is signed: {authorization}"
        );
    }
}

#[tokio::test]
async fn a_configured_account_id_needs_no_discovery_and_a_given_one_wins_in_the_path() {
    let mock = mock::start(AK, SK).await.unwrap();
    let client = discovering(&mock).domain_id("configured").build().unwrap();
    client
        .show_domain_quota(ShowDomainQuotaRequest::new().domain_id("given"))
        .await
        .unwrap();
    let requests = mock.requests();
    assert_eq!(requests.len(), 1, "IAM was not asked");
    assert_eq!(requests[0].path, "/v3.0/OS-QUOTA/domains/given");
    // As in the official SDK: the path takes the request's value, the header the client's.
    assert_eq!(requests[0].header("x-domain-id"), Some("configured"));

    // From the credentials, too.
    let from_credentials = Client::builder()
        .endpoint(mock.endpoint())
        .credentials(Credentials::ak_sk(AK, SK).with_domain_id("from-credentials"))
        .build()
        .unwrap();
    from_credentials
        .show_domain_quota(ShowDomainQuotaRequest::new())
        .await
        .unwrap();
    let last = mock.requests().pop().unwrap();
    assert_eq!(last.path, "/v3.0/OS-QUOTA/domains/from-credentials");
}

#[tokio::test]
async fn without_an_account_id_or_a_way_to_ask_a_domain_path_is_refused_before_sending() {
    let mock = mock::start(AK, SK).await.unwrap();
    // No region: no IAM to ask.
    let client = Client::builder()
        .endpoint(mock.endpoint())
        .credentials(Credentials::ak_sk(AK, SK))
        .build()
        .unwrap();
    let error = client
        .show_domain_quota(ShowDomainQuotaRequest::new())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::InvalidRequest(message) if message.contains("account (domain) id")),
        "{error:?}"
    );
    assert!(mock.requests().is_empty(), "nothing was sent");
    // A call without `{domain_id}` goes, without the header.
    client
        .keystone_list_auth_domains(KeystoneListAuthDomainsRequest::new())
        .await
        .unwrap();
    assert_eq!(mock.requests()[0].header("x-domain-id"), None);
}

/// A profile file with both sections, as the official SDK reads it: a global service's
/// client takes `[global]` (its keys and `domain_id`), any other `[basic]`, also when they
/// share one provider.
#[tokio::test]
async fn a_profile_file_gives_a_global_service_its_global_section_and_account_id() {
    let path = profile_file(
        "both-sections",
        &format!("[basic]\nak = BASIC-AK\nsk = BASIC-SK\nproject_id = basic-project\n\n[global]\nak = {AK}\nsk = {SK}\ndomain_id = profile-account\n"),
    );

    // One provider for both clients: each kind keeps its own keys.
    let provider = CredentialsProvider::profile_at(&path);
    let mock = mock::start(AK, SK).await.unwrap();
    let client = discovering(&mock)
        .credentials_provider(provider.clone())
        .build()
        .unwrap();
    assert_eq!(client.domain_id(), Some("profile-account"));
    client
        .show_domain_quota(ShowDomainQuotaRequest::new())
        .await
        .unwrap();
    let requests = mock.requests();
    assert_eq!(requests.len(), 1, "IAM was not asked for the account");
    assert!(requests[0].authenticated, "signed with [global]'s keys");
    assert_eq!(requests[0].path, "/v3.0/OS-QUOTA/domains/profile-account");
    assert_eq!(requests[0].header("x-domain-id"), Some("profile-account"));

    // A project-scoped service's client, from the same file, takes `[basic]`.
    let secmaster = huaweicloud_secmaster::mock::start("BASIC-AK", "BASIC-SK")
        .await
        .unwrap();
    let basic = huaweicloud_secmaster::Client::builder()
        .endpoint(secmaster.endpoint())
        .credentials_provider(provider)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    assert_eq!(basic.project_id(), Some("basic-project"));
    basic
        .list_workspaces(ListWorkspacesRequest::new().offset(0).limit(10))
        .await
        .unwrap();
    let call = secmaster.requests().pop().unwrap();
    assert!(call.authenticated, "signed with [basic]'s keys");
    assert_eq!(call.header("x-project-id"), Some("basic-project"));
}

/// The profile section's `iam_endpoint` is where discovery asks, as the official SDK's
/// credentials' `iam_endpoint` is (without it, the region's IAM on the network).
#[tokio::test]
async fn a_profile_iam_endpoint_is_where_the_account_is_asked() {
    let mock = mock::start(AK, SK).await.unwrap();
    let path = profile_file(
        "iam-endpoint",
        &format!(
            "[global]\nak = {AK}\nsk = {SK}\niam_endpoint = {}\n",
            mock.endpoint()
        ),
    );
    let client = Client::builder()
        .endpoint(mock.endpoint())
        .region(Region::new("cn-north-4"))
        .credentials_provider(CredentialsProvider::profile_at(&path))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    client
        .show_domain_quota(ShowDomainQuotaRequest::new())
        .await
        .unwrap();
    let paths: Vec<String> = mock
        .requests()
        .iter()
        .map(|request| request.path.clone())
        .collect();
    assert_eq!(
        paths,
        [
            "/v3/auth/domains".to_owned(),
            format!("/v3.0/OS-QUOTA/domains/{MOCK_DOMAIN_ID}")
        ]
    );
}

/// As the official SDK: when IAM lists no account, STS's caller identity names it
/// (`GET /v5/caller-identity`, signed, on the builder's STS endpoint); when STS names none
/// either, the call fails with `Error::Config`.
#[tokio::test]
async fn an_iam_that_lists_no_account_leaves_it_to_sts_then_gives_a_clear_error() {
    let mock = mock::start(AK, SK).await.unwrap();
    mock.push_answer(
        "KeystoneListAuthDomains",
        mock::MockAnswer::json(200, serde_json::json!({"domains": []})),
    );
    let client = discovering(&mock)
        .sts_endpoint(mock.endpoint())
        .build()
        .unwrap();
    client
        .show_domain_quota(ShowDomainQuotaRequest::new())
        .await
        .unwrap();
    let requests = mock.requests();
    let paths: Vec<String> = requests
        .iter()
        .map(|request| format!("{} {}", request.method, request.path))
        .collect();
    let quota = format!("GET /v3.0/OS-QUOTA/domains/{MOCK_DOMAIN_ID}");
    assert_eq!(
        paths,
        ["GET /v3/auth/domains", "GET /v5/caller-identity", &quota]
    );
    assert!(requests.iter().all(|request| request.authenticated));
    assert_eq!(requests[1].header("x-domain-id"), None);
    assert_eq!(requests[2].header("x-domain-id"), Some(MOCK_DOMAIN_ID));

    // Neither names one.
    mock.push_answer(
        "KeystoneListAuthDomains",
        mock::MockAnswer::json(200, serde_json::json!({"domains": []})),
    );
    mock.push_answer(
        "GetCallerIdentity",
        mock::MockAnswer::json(200, serde_json::json!({"principal_id": "u"})),
    );
    let error = discovering(&mock)
        .sts_endpoint(mock.endpoint())
        .build()
        .unwrap()
        .show_domain_quota(ShowDomainQuotaRequest::new())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    let message = error.to_string();
    assert!(
        message.contains("lists no account") && message.contains("STS"),
        "{message}"
    );
}

#[tokio::test]
async fn operations_sharing_a_path_and_method_are_methods_of_their_own() {
    use huaweicloud_iam::models::{
        KeystoneCreateScopedTokenRequestBody, KeystoneCreateUserTokenByPasswordRequestBody,
    };
    use huaweicloud_iam::operations::{
        KeystoneCreateScopedTokenRequest, KeystoneCreateUserTokenByPasswordRequest,
    };
    let mock = mock::start(AK, SK).await.unwrap();
    let client = Client::builder()
        .endpoint(mock.endpoint())
        .credentials(Credentials::ak_sk(AK, SK).with_domain_id("d1"))
        .build()
        .unwrap();
    let by_password: KeystoneCreateUserTokenByPasswordRequestBody =
        serde_json::from_value(serde_json::json!({"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "domain": {"name": "account"}, "name": "alice", "password": "pw"}}},
            "scope": {"domain": {"name": "account"}}}}))
        .unwrap();
    client
        .keystone_create_user_token_by_password(
            KeystoneCreateUserTokenByPasswordRequest::new().body(by_password),
        )
        .await
        .unwrap();
    let scoped: KeystoneCreateScopedTokenRequestBody = serde_json::from_value(
        mock.example_request_body("KeystoneCreateScopedToken")
            .unwrap(),
    )
    .unwrap();
    client
        .keystone_create_scoped_token(KeystoneCreateScopedTokenRequest::new().body(scoped))
        .await
        .unwrap();

    let requests = mock.requests();
    let seen: Vec<(&str, &str, Option<&str>)> = requests
        .iter()
        .map(|request| {
            (
                request.method.as_str(),
                request.path.as_str(),
                request.operation.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                "POST",
                "/v3/auth/tokens",
                Some("KeystoneCreateUserTokenByPassword")
            ),
            ("POST", "/v3/auth/tokens", Some("KeystoneCreateScopedToken")),
        ]
    );
    assert_eq!(
        requests[0].json().unwrap()["auth"]["identity"]["password"]["user"]["name"],
        "alice"
    );
}

/// The glob-import rule holds for variants too: a schema named like a variant's response
/// type (`CreateTemporaryAccessKeyByTokenResponse`) is the model `…Body`, so importing both
/// modules whole leaves the name to the operation.
mod glob_imports {
    #[allow(unused_imports)]
    use huaweicloud_iam::models::*;
    #[allow(unused_imports)]
    use huaweicloud_iam::operations::*;

    #[test]
    fn a_variants_types_import_cleanly() {
        let name = std::any::type_name::<CreateTemporaryAccessKeyByTokenResponse>();
        assert!(name.contains("::operations::"), "{name}");
    }
}
