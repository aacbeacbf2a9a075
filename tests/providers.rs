//! Credential providers end to end on loopback: the mock serves the ECS metadata service,
//! CCE pod identity, IAM's federation routes and STS's assume-with-OIDC, issues temporary
//! credentials that expire by tokio's clock, and accepts calls signed with them until then.
//! Each provider is tested on its first call, on a refresh at expiry under 1,000
//! concurrent calls (one refresh request), and through a failure (an error naming it)
//! and recovery.
//!
//! Time is tokio's paused clock: `tokio::time::advance` moves the credentials towards
//! expiry with no real wait. Tests that set environment variables hold `ENV` for their
//! whole run.

use std::time::Duration;

use huaweicloud_secmaster::mock::{self, MockServer};
use huaweicloud_secmaster::runtime::{Call, CredentialsProvider, Operation};
use huaweicloud_secmaster::{Client, Error};

const AK: &str = "TESTAK0123456789";
const SK: &str = "TESTSK-secret-value-0123456789";
const PROJECT: &str = "proj123";
const MINUTE: Duration = Duration::from_secs(60);

/// Environment variables are the process's: one test at a time sets them.
static ENV: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Every variable a provider reads, cleared before a test sets its own.
const PROVIDER_VARIABLES: &[&str] = &[
    "HUAWEICLOUD_SDK_AK",
    "HUAWEICLOUD_SDK_SK",
    "CLOUD_SDK_AK",
    "CLOUD_SDK_SK",
    "HUAWEICLOUD_SDK_SECURITY_TOKEN",
    "HUAWEICLOUD_SDK_PROJECT_ID",
    "HUAWEICLOUD_SDK_DOMAIN_ID",
    "HUAWEICLOUD_SDK_IDP_ID",
    "HUAWEICLOUD_SDK_ID_TOKEN_FILE",
    "HUAWEICLOUD_SDK_CREDENTIALS_FILE",
    "HUAWEICLOUD_SDK_IAM_ENDPOINT",
    "HUAWEICLOUD_SDK_STS_ENDPOINT",
    "HUAWEICLOUD_OIDC_PROVIDER_URN",
    "HUAWEICLOUD_OIDC_AGENCY_URN",
    "HUAWEICLOUD_OIDC_ID_TOKEN",
    "HUAWEICLOUD_OIDC_TOKEN_FILE",
    "HUAWEICLOUD_OIDC_SESSION_NAME",
    "HUAWEICLOUD_OIDC_DURATION_SECONDS",
    "HUAWEICLOUD_OIDC_POLICY",
    "HUAWEICLOUD_OIDC_POLICY_IDS",
    "HC_CONTAINER_CREDENTIALS_FULL_URI",
    "HC_CONTAINER_AUTHORIZATION_TOKEN_FILE",
];

fn clear_environment() {
    for name in PROVIDER_VARIABLES {
        std::env::remove_var(name);
    }
    // No profile file, wherever HOME is.
    std::env::set_var(
        "HUAWEICLOUD_SDK_CREDENTIALS_FILE",
        scratch("no-such-profile").join("credentials"),
    );
}

/// A fresh scratch folder of this test process, under the target folder's scratch space
/// (not the system's temp folder, where each run would leave its folders behind).
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("providers-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    dir
}

static LIST_WORKSPACES: Operation = Operation {
    name: "ListWorkspaces",
    method: http::Method::GET,
    path: "/v1/{project_id}/workspaces",
    idempotent: true,
};

fn list_workspaces() -> Call {
    let mut call = Call::new(&LIST_WORKSPACES);
    call.project_id_param("project_id", None);
    call.query("offset", 0);
    call.query("limit", 10);
    call
}

/// A client of the mock whose identity services are the mock too.
fn client(mock: &MockServer, provider: CredentialsProvider) -> Client {
    Client::builder()
        .endpoint(mock.endpoint())
        .metadata_endpoint(mock.endpoint())
        .sts_endpoint(mock.endpoint())
        .iam_endpoint(mock.endpoint())
        .project_id(PROJECT)
        .credentials_provider(provider)
        .timeout(Duration::from_secs(24 * 3600))
        .build()
        .expect("the client builds")
}

/// The access keys of the service calls the mock received, in order.
fn service_access_keys(mock: &MockServer) -> Vec<String> {
    mock.requests()
        .iter()
        .filter(|request| request.operation.as_deref() == Some("ListWorkspaces"))
        .map(|request| {
            assert!(
                request.authenticated,
                "{:?}",
                request.header("authorization")
            );
            let authorization = request.header("authorization").unwrap_or_default();
            authorization
                .split("Access=")
                .nth(1)
                .and_then(|rest| rest.split(',').next())
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

/// 1,000 calls at once; all must succeed.
async fn burst(client: &Client) {
    let calls = (0..1000).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.send(list_workspaces()).await })
    });
    let calls: Vec<_> = calls.collect();
    for call in calls {
        call.await
            .expect("the task ran")
            .expect("the call succeeded");
    }
}

/// First call, then a refresh at 21 minutes (credentials of an hour are refreshed 40
/// minutes before they expire) under 1,000 concurrent calls: exactly one request for new
/// credentials, and every call after it signed with them.
async fn first_call_then_one_refresh_for_a_burst(mock: &MockServer, client: &Client) {
    client
        .send(list_workspaces())
        .await
        .expect("the first call");
    assert_eq!(mock.credential_requests(), 1);
    let first = service_access_keys(mock);
    assert_eq!(first.len(), 1);
    assert!(first[0].starts_with("MOCKTEMPAK"), "{first:?}");
    let token_sent = mock
        .requests()
        .iter()
        .rev()
        .find(|request| request.operation.is_some())
        .and_then(|request| request.header("x-security-token").map(str::to_owned));
    assert!(token_sent.is_some_and(|token| token.starts_with("mock-security-token-")));

    // 19 minutes later the credentials are still fresh: no request.
    tokio::time::advance(19 * MINUTE).await;
    client.send(list_workspaces()).await.expect("a call");
    assert_eq!(mock.credential_requests(), 1);

    // At 21 minutes they are within 40 minutes of expiry: 1,000 calls, one refresh.
    tokio::time::advance(2 * MINUTE).await;
    mock.clear_requests();
    burst(client).await;
    assert_eq!(mock.credential_requests(), 2, "one refresh for 1,000 calls");
    let keys = service_access_keys(mock);
    assert_eq!(keys.len(), 1000);
    assert!(
        keys.iter().all(|key| key == &keys[0]),
        "one set of keys after the refresh"
    );
    assert_ne!(keys[0], first[0], "the refreshed keys are new");
}

/// With the identity service down past the keys' expiry, a call fails naming the provider
/// and showing no secret; once the service is back, the next call gets new keys.
async fn fails_naming_the_provider_then_recovers(mock: &MockServer, client: &Client, name: &str) {
    let before = service_access_keys(mock);
    mock.set_identity_failing(true);
    tokio::time::advance(61 * MINUTE).await;
    let error = client.send(list_workspaces()).await.unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(
        matches!(&error, Error::Credentials { provider, .. } if *provider == name),
        "{error:?}"
    );
    assert!(
        shown.contains(&format!("credentials provider `{name}`")),
        "{shown}"
    );
    for secret in [
        "mock-temporary-secret",
        "mock-security-token",
        "unscoped-token",
    ] {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
    mock.set_identity_failing(false);
    mock.clear_requests();
    client.send(list_workspaces()).await.expect("recovered");
    let after = service_access_keys(mock);
    assert!(!before.contains(&after[0]), "new keys after recovery");
}

#[tokio::test(start_paused = true)]
async fn ecs_metadata_session_token_first_call_and_one_refresh_for_a_burst() {
    let mock = mock::start(AK, SK).await.unwrap();
    let client = client(&mock, CredentialsProvider::ecs_metadata());
    first_call_then_one_refresh_for_a_burst(&mock, &client).await;

    // The metadata service's session token: asked for once, with its lifetime, and sent
    // with every security key request.
    let requests = mock.requests();
    let all: Vec<_> = requests
        .iter()
        .filter(|request| {
            request.path.starts_with("/openstack") || request.path.starts_with("/meta-data")
        })
        .collect();
    assert!(all
        .iter()
        .all(|request| request.path == "/openstack/latest/securitykey"));
    assert!(all
        .iter()
        .all(|request| request.header("x-metadata-token").is_some()));
    fails_naming_the_provider_then_recovers(&mock, &client, "ecs-metadata").await;
}

#[tokio::test(start_paused = true)]
async fn ecs_metadata_asks_for_a_new_session_token_after_a_401() {
    let mock = mock::start(AK, SK).await.unwrap();
    let client = client(&mock, CredentialsProvider::ecs_metadata());
    client.send(list_workspaces()).await.unwrap();
    let token_requests = |mock: &MockServer| {
        mock.requests()
            .iter()
            .filter(|request| {
                request.method == "PUT" && request.path == "/meta-data/latest/api/token"
            })
            .inspect(|request| {
                assert_eq!(
                    request.header("x-metadata-token-ttl-seconds"),
                    Some("21600")
                );
            })
            .count()
    };
    assert_eq!(token_requests(&mock), 1);
    mock.expire_metadata_session_tokens();
    tokio::time::advance(21 * MINUTE).await;
    client.send(list_workspaces()).await.unwrap();
    // The security key request got a 401, a new session token, and a second try.
    assert_eq!(token_requests(&mock), 2);
    assert_eq!(mock.credential_requests(), 3);
}

#[tokio::test(start_paused = true)]
async fn a_failed_refresh_keeps_valid_credentials_then_fails_naming_the_provider_then_recovers() {
    let mock = mock::start(AK, SK).await.unwrap();
    let client = client(&mock, CredentialsProvider::ecs_metadata());
    client.send(list_workspaces()).await.unwrap();
    let first = service_access_keys(&mock);

    // The service is down at 21 minutes: the refresh fails, the current keys still work.
    mock.set_identity_failing(true);
    tokio::time::advance(21 * MINUTE).await;
    client
        .send(list_workspaces())
        .await
        .expect("the current keys are used");
    assert_eq!(mock.credential_requests(), 2);
    // The refresh is not retried on every call, only after a pause.
    client.send(list_workspaces()).await.unwrap();
    assert_eq!(mock.credential_requests(), 2);
    tokio::time::advance(MINUTE).await;
    client.send(list_workspaces()).await.unwrap();
    assert_eq!(mock.credential_requests(), 3);
    let keys = service_access_keys(&mock);
    assert!(keys.iter().all(|key| key == &first[0]), "{keys:?}");

    // Past expiry (an hour after the first fetch) there is nothing valid: an error that
    // names the provider and shows no secret; 1,000 calls then share one failed refresh.
    tokio::time::advance(40 * MINUTE).await;
    let before = mock.credential_requests();
    let error = client.send(list_workspaces()).await.unwrap_err();
    let shown = format!("{error} {error:?} {client:?}");
    assert!(
        matches!(
            error,
            Error::Credentials {
                provider: "ecs-metadata",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        shown.contains("credentials provider `ecs-metadata`"),
        "{shown}"
    );
    assert!(shown.contains("HTTP 500"), "{shown}");
    for secret in [
        "mock-temporary-secret",
        "mock-security-token",
        "metadata-session",
    ] {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
    assert_eq!(mock.credential_requests(), before + 1);

    // The service is back: the next call fetches new keys and succeeds.
    mock.set_identity_failing(false);
    mock.clear_requests();
    client.send(list_workspaces()).await.expect("recovered");
    let keys = service_access_keys(&mock);
    assert_ne!(keys[0], first[0]);
}

#[tokio::test(start_paused = true)]
async fn pod_identity_posts_the_token_file_and_refreshes_once_for_a_burst() {
    let _env = ENV.lock().await;
    clear_environment();
    let mock = mock::start(AK, SK).await.unwrap();
    let dir = scratch("pod");
    let token_file = dir.join("token");
    std::fs::write(&token_file, "pod-token-1\n").unwrap();
    std::env::set_var("HC_CONTAINER_CREDENTIALS_FULL_URI", mock.pod_identity_uri());
    std::env::set_var("HC_CONTAINER_AUTHORIZATION_TOKEN_FILE", &token_file);
    let client = client(&mock, CredentialsProvider::pod_identity());
    first_call_then_one_refresh_for_a_burst(&mock, &client).await;
    let pod_requests: Vec<_> = mock
        .requests()
        .into_iter()
        .filter(|request| request.path == huaweicloud_secmaster::runtime::mock::POD_IDENTITY_PATH)
        .collect();
    assert_eq!(pod_requests.len(), 1);
    assert_eq!(pod_requests[0].header("authorization"), Some("pod-token-1"));
    assert_eq!(pod_requests[0].body.as_ref(), b"{}");

    fails_naming_the_provider_then_recovers(&mock, &client, "pod-identity").await;
    clear_environment();
}

#[tokio::test(start_paused = true)]
async fn oidc_asks_sts_with_the_current_id_token_and_refreshes_once_for_a_burst() {
    let _env = ENV.lock().await;
    clear_environment();
    let mock = mock::start(AK, SK).await.unwrap();
    let dir = scratch("oidc");
    let token_file = dir.join("id-token");
    std::fs::write(&token_file, "oidc-id-token-1").unwrap();
    std::env::set_var("HUAWEICLOUD_OIDC_PROVIDER_URN", "urn:provider");
    std::env::set_var("HUAWEICLOUD_OIDC_AGENCY_URN", "urn:agency");
    std::env::set_var("HUAWEICLOUD_OIDC_TOKEN_FILE", &token_file);
    let client = client(&mock, CredentialsProvider::oidc());
    client.send(list_workspaces()).await.unwrap();
    let sts = |mock: &MockServer| {
        mock.requests()
            .into_iter()
            .filter(|request| request.path == "/v5/agencies/assume-with-oidc")
            .collect::<Vec<_>>()
    };
    let first = &sts(&mock)[0];
    assert_eq!(first.method, "POST");
    assert_eq!(
        first.header("content-type"),
        Some("application/json;charset=UTF-8")
    );
    assert_eq!(
        first.json().unwrap(),
        serde_json::json!({
            "provider_urn": "urn:provider",
            "agency_urn": "urn:agency",
            "agency_session_name": "oidc-sts-session",
            "id_token": "oidc-id-token-1",
            "duration_seconds": 3600,
        })
    );
    // The platform rotates the token file; the refresh sends the new token.
    std::fs::write(&token_file, "oidc-id-token-2").unwrap();
    tokio::time::advance(21 * MINUTE).await;
    mock.clear_requests();
    burst(&client).await;
    assert_eq!(mock.credential_requests(), 2, "one refresh for 1,000 calls");
    let refresh = sts(&mock);
    assert_eq!(refresh.len(), 1);
    assert_eq!(refresh[0].json().unwrap()["id_token"], "oidc-id-token-2");
    fails_naming_the_provider_then_recovers(&mock, &client, "oidc").await;
    clear_environment();
}

#[tokio::test(start_paused = true)]
async fn federation_from_the_environment_asks_iam_for_a_token_then_temporary_keys() {
    let _env = ENV.lock().await;
    clear_environment();
    let mock = mock::start(AK, SK).await.unwrap();
    let dir = scratch("federation");
    let token_file = dir.join("id-token");
    std::fs::write(&token_file, "federation-id-token").unwrap();
    std::env::set_var("HUAWEICLOUD_SDK_IDP_ID", "idp-1");
    std::env::set_var("HUAWEICLOUD_SDK_ID_TOKEN_FILE", &token_file);
    // IdP federation wins over AK/SK in the environment, as in the official SDK.
    std::env::set_var("HUAWEICLOUD_SDK_AK", AK);
    std::env::set_var("HUAWEICLOUD_SDK_SK", SK);
    let client = client(&mock, CredentialsProvider::environment());
    first_call_then_one_refresh_for_a_burst(&mock, &client).await;
    let requests = mock.requests();
    let token_request = requests
        .iter()
        .find(|request| request.path == "/v3.0/OS-AUTH/id-token/tokens")
        .expect("a token request");
    assert_eq!(token_request.header("x-idp-id"), Some("idp-1"));
    assert_eq!(
        token_request.json().unwrap(),
        serde_json::json!({"auth": {"id_token": {"id": "federation-id-token"}}})
    );
    let keys_request = requests
        .iter()
        .find(|request| request.path == "/v3.0/OS-CREDENTIAL/securitytokens")
        .expect("a security token request");
    let body = keys_request.json().unwrap();
    assert_eq!(
        body["auth"]["identity"]["methods"],
        serde_json::json!(["token"])
    );
    assert_eq!(body["auth"]["identity"]["token"]["duration_seconds"], 21600);
    assert!(body["auth"]["identity"]["token"]["id"]
        .as_str()
        .is_some_and(|token| token.starts_with("unscoped-token-")));
    fails_naming_the_provider_then_recovers(&mock, &client, "iam-federation").await;
    clear_environment();
}

#[tokio::test(start_paused = true)]
async fn the_default_chain_tries_oidc_environment_profile_metadata_then_pod_identity() {
    let _env = ENV.lock().await;
    clear_environment();
    let mock = mock::start(AK, SK).await.unwrap();

    // Nothing configured and the metadata service down: the error names each provider,
    // in the official SDK's order, each reason cut on its own (the profile's path here is
    // 6,000 bytes long, and pod identity still has its say).
    mock.set_identity_failing(true);
    std::env::set_var(
        "HUAWEICLOUD_SDK_CREDENTIALS_FILE",
        format!("/nonexistent/{}", "long-".repeat(1200)),
    );
    let client_without = client(&mock, CredentialsProvider::default_chain());
    let error = client_without.send(list_workspaces()).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Credentials {
                provider: "chain",
                ..
            }
        ),
        "{error:?}"
    );
    let error = error.to_string();
    assert!(error.len() < 2600, "{}", error.len());
    assert!(
        error.contains("HC_CONTAINER_CREDENTIALS_FULL_URI"),
        "{error}"
    );
    let order = [
        "oidc:",
        "environment:",
        "profile:",
        "ecs-metadata:",
        "pod-identity:",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|name| {
            error
                .find(name)
                .unwrap_or_else(|| panic!("{name} missing from {error}"))
        })
        .collect();
    assert!(
        positions.windows(2).all(|pair| pair[0] < pair[1]),
        "{error}"
    );

    // The metadata service up: the chain settles on it.
    mock.set_identity_failing(false);
    let on_ecs = client(&mock, CredentialsProvider::default_chain());
    on_ecs.send(list_workspaces()).await.unwrap();
    assert!(service_access_keys(&mock)[0].starts_with("MOCKTEMPAK"));

    // AK/SK in the environment come before the metadata service.
    mock.clear_requests();
    let before = mock.credential_requests();
    std::env::set_var("HUAWEICLOUD_SDK_AK", AK);
    std::env::set_var("HUAWEICLOUD_SDK_SK", SK);
    let with_keys = client(&mock, CredentialsProvider::default_chain());
    with_keys.send(list_workspaces()).await.unwrap();
    assert_eq!(service_access_keys(&mock), [AK]);
    assert_eq!(mock.credential_requests(), before);

    // OIDC comes first of all.
    mock.clear_requests();
    std::env::set_var("HUAWEICLOUD_OIDC_PROVIDER_URN", "urn:provider");
    std::env::set_var("HUAWEICLOUD_OIDC_AGENCY_URN", "urn:agency");
    std::env::set_var("HUAWEICLOUD_OIDC_ID_TOKEN", "inline-id-token");
    let with_oidc = client(&mock, CredentialsProvider::default_chain());
    with_oidc.send(list_workspaces()).await.unwrap();
    assert!(service_access_keys(&mock)[0].starts_with("MOCKTEMPAK"));
    assert!(mock
        .requests()
        .iter()
        .any(|request| request.path == "/v5/agencies/assume-with-oidc"));
    clear_environment();
}

/// A builder given no credentials builds, as the official SDK's does, and its client
/// uses the default chain, resolved at the first call: with nothing configured that call
/// fails naming every provider tried; AK/SK set after the build are found by the next.
#[tokio::test(start_paused = true)]
async fn a_builder_without_credentials_uses_the_default_chain_from_the_first_call() {
    let _env = ENV.lock().await;
    clear_environment();
    let mock = mock::start(AK, SK).await.unwrap();
    mock.set_identity_failing(true);
    let client = Client::builder()
        .endpoint(mock.endpoint())
        .metadata_endpoint(mock.endpoint())
        .sts_endpoint(mock.endpoint())
        .iam_endpoint(mock.endpoint())
        .project_id(PROJECT)
        .build()
        .expect("no credentials is no error at build");
    assert!(format!("{client:?}").contains("chain"), "{client:?}");
    assert!(mock.requests().is_empty(), "nothing asked at build");

    let error = client.send(list_workspaces()).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Credentials {
                provider: "chain",
                ..
            }
        ),
        "{error:?}"
    );
    let shown = error.to_string();
    for name in [
        "oidc:",
        "environment:",
        "profile:",
        "ecs-metadata:",
        "pod-identity:",
    ] {
        assert!(shown.contains(name), "{name} missing from {shown}");
    }

    // Keys that appear after the build (and after a failed first call) are found.
    std::env::set_var("HUAWEICLOUD_SDK_AK", AK);
    std::env::set_var("HUAWEICLOUD_SDK_SK", SK);
    mock.clear_requests();
    client
        .send(list_workspaces())
        .await
        .expect("the environment's keys");
    assert_eq!(service_access_keys(&mock), [AK]);
    clear_environment();
}

#[test]
fn providers_show_no_secrets_in_debug_output() {
    let fixed = CredentialsProvider::fixed(
        huaweicloud_secmaster::Credentials::ak_sk("AKVISIBLE", "SKVISIBLE")
            .with_security_token("TOKENVISIBLE"),
    );
    let chain =
        CredentialsProvider::chain(vec![fixed.clone(), CredentialsProvider::default_chain()]);
    let shown = format!("{fixed:?} {chain:?}");
    for secret in ["AKVISIBLE", "SKVISIBLE", "TOKENVISIBLE"] {
        assert!(!shown.contains(secret), "{secret} leaked in {shown}");
    }
    assert!(shown.contains("ecs-metadata"), "{shown}");
}

/// The metadata service gives no project id (as in the official SDK): with a region, the
/// client asks IAM for it, signed with the temporary keys and their security token.
#[tokio::test(start_paused = true)]
async fn temporary_credentials_find_the_project_id_in_iam() {
    let mock = mock::start(AK, SK).await.unwrap();
    let client = Client::builder()
        .endpoint(mock.endpoint())
        .region(huaweicloud_secmaster::Region::new("cn-north-4"))
        .metadata_endpoint(mock.endpoint())
        .iam_endpoint(mock.endpoint())
        .credentials_provider(CredentialsProvider::ecs_metadata())
        .build()
        .unwrap();
    client.send(list_workspaces()).await.unwrap();
    let requests = mock.requests();
    let iam = requests
        .iter()
        .find(|request| request.path == "/v3/projects")
        .expect("IAM was asked");
    assert!(iam.authenticated);
    assert!(iam
        .header("authorization")
        .is_some_and(|value| value.contains("Access=MOCKTEMPAK")));
    assert!(iam.header("x-security-token").is_some());
    let call = requests
        .iter()
        .find(|request| request.operation.as_deref() == Some("ListWorkspaces"))
        .expect("the call");
    assert_eq!(
        call.path,
        format!(
            "/v1/{}/workspaces",
            huaweicloud_secmaster::mock::MOCK_PROJECT_ID
        )
    );
    assert_eq!(mock.credential_requests(), 1);
}

/// The very first keys are fetched once for 1,000 concurrent first calls; when that fetch
/// fails, all of them share the one failure instead of each asking again.
#[tokio::test(start_paused = true)]
async fn a_cold_start_of_1000_calls_fetches_once_and_a_failure_is_shared() {
    let mock = mock::start(AK, SK).await.unwrap();
    mock.set_identity_failing(true);
    let failing = client(&mock, CredentialsProvider::ecs_metadata());
    let calls: Vec<_> = (0..1000)
        .map(|_| {
            let client = failing.clone();
            tokio::spawn(async move { client.send(list_workspaces()).await })
        })
        .collect();
    for call in calls {
        let error = call.await.unwrap().unwrap_err();
        assert!(
            matches!(
                error,
                Error::Credentials {
                    provider: "ecs-metadata",
                    ..
                }
            ),
            "{error:?}"
        );
    }
    // The metadata service refused the session token (500), so nothing more was asked:
    // one request for all 1,000 calls.
    let metadata_requests = |mock: &MockServer| {
        mock.requests()
            .iter()
            .filter(|request| {
                request.path.starts_with("/meta-data/") || request.path.starts_with("/openstack/")
            })
            .count()
    };
    assert_eq!(metadata_requests(&mock), 1);

    mock.set_identity_failing(false);
    mock.clear_requests();
    let cold = client(&mock, CredentialsProvider::ecs_metadata());
    burst(&cold).await;
    // A session token and the security key, once.
    assert_eq!(metadata_requests(&mock), 2);
    assert_eq!(mock.credential_requests(), 1);
}

/// A global service's client without credentials takes the official SDK's global chain:
/// with no keys in the environment, the profile file's `[global]` section, keys and account
/// id, and `HUAWEICLOUD_SDK_DOMAIN_ID` only counts with keys from the environment.
#[tokio::test]
async fn a_global_services_default_chain_reads_the_profiles_global_section() {
    use huaweicloud_iam::operations::ShowDomainQuotaRequest;
    let _env = ENV.lock().await;
    clear_environment();
    let mock = huaweicloud_iam::mock::start(AK, SK).await.unwrap();
    let dir = scratch("global-chain");
    let path = dir.join("credentials");
    std::fs::write(
        &path,
        format!("[basic]\nak = OTHER\nsk = OTHER\n[global]\nak = {AK}\nsk = {SK}\ndomain_id = from-profile\n"),
    )
    .unwrap();
    std::env::set_var("HUAWEICLOUD_SDK_CREDENTIALS_FILE", &path);
    std::env::set_var("HUAWEICLOUD_SDK_DOMAIN_ID", "from-environment");
    let client = huaweicloud_iam::Client::builder()
        .endpoint(mock.endpoint())
        .build()
        .unwrap();
    assert_eq!(client.domain_id(), Some("from-profile"));
    client
        .show_domain_quota(ShowDomainQuotaRequest::new())
        .await
        .unwrap();
    let request = mock.requests().pop().unwrap();
    assert!(request.authenticated, "signed with [global]'s keys");
    assert_eq!(request.path, "/v3.0/OS-QUOTA/domains/from-profile");
    clear_environment();
}
