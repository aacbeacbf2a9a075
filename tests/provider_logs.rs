//! What the credential providers log (a process of its own, as it installs the global
//! subscriber): every line at every level, through a first fetch, a failed refresh while
//! the keys are still valid (a warning naming the provider) and a failure past expiry,
//! and never a secret, session token or id token.

use std::time::Duration;

use huaweicloud_secmaster::mock;
use huaweicloud_secmaster::runtime::{Call, CredentialsProvider, Operation};
use huaweicloud_secmaster::{Client, Error};

mod support;
use support::Captured;

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

#[tokio::test(start_paused = true)]
async fn provider_logs_name_the_provider_and_never_a_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let mock = mock::start("TESTAK0123456789", "TESTSK-secret-value-0123456789")
        .await
        .unwrap();
    let client = Client::builder()
        .endpoint(mock.endpoint())
        .metadata_endpoint(mock.endpoint())
        .project_id("proj123")
        .credentials_provider(CredentialsProvider::ecs_metadata())
        .timeout(Duration::from_secs(24 * 3600))
        .build()
        .unwrap();
    client.send(list_workspaces()).await.unwrap();
    mock.set_identity_failing(true);
    tokio::time::advance(Duration::from_secs(21 * 60)).await;
    client.send(list_workspaces()).await.unwrap();
    tokio::time::advance(Duration::from_secs(40 * 60)).await;
    let error = client.send(list_workspaces()).await.unwrap_err();

    let logs = captured.text();
    assert!(
        logs.contains("refreshing the credentials failed") && logs.contains("ecs-metadata"),
        "{logs}"
    );
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
    // What the mock issued: keys, security tokens and session tokens, by their prefixes.
    for secret in [
        "mock-temporary-secret",
        "mock-security-token",
        "metadata-session",
        "TESTSK-secret-value",
    ] {
        assert!(
            !logs.contains(secret),
            "{secret} leaked in the logs:\n{logs}"
        );
    }
}
