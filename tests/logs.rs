//! The log lines of a call, in a test binary of its own: the subscriber is the process's
//! global default, so no other test's callsites race with it (`tracing` caches each
//! callsite's interest across threads, and a scoped subscriber can lose that race).

use std::time::Duration;

use huaweicloud_secmaster::models::{OperationPlaybookInfo, OperationPlaybookInfoOperation};
use huaweicloud_secmaster::operations::ChangePlaybookInstanceRequest;
use huaweicloud_secmaster::{Client, Credentials, RetryPolicy};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

mod support;
use support::Captured;

const AK: &str = "TESTAK0123456789";
const SK: &str = "TESTSK-secret-value-0123456789";
const PROJECT: &str = "proj123";

fn change_request() -> ChangePlaybookInstanceRequest {
    let body = OperationPlaybookInfo::builder()
        .operation(OperationPlaybookInfoOperation::Retry)
        .build()
        .unwrap();
    ChangePlaybookInstanceRequest::new()
        .workspace_id("ws1")
        .instance_id("inst1")
        .body(body)
}

/// A server that answers the first request with 503, then 200, each with its request id.
async fn busy_then_ok() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).insert_header("X-Request-Id", "req-log-1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("X-Request-Id", "req-log-2")
                .set_body_raw(r#"{"id": "inst1"}"#, "application/json"),
        )
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn logs_name_the_operation_and_request_id_but_never_a_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let server = busy_then_ok().await;
    let client = Client::builder()
        .endpoint(server.uri())
        .credentials(
            Credentials::ak_sk(AK, SK)
                .with_security_token("log-security-token")
                .with_project_id(PROJECT),
        )
        .retry_policy(RetryPolicy {
            max_attempts: 2,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_secs(1),
        })
        .build()
        .unwrap();
    client
        .change_playbook_instance(change_request())
        .await
        .unwrap();
    let token_client = Client::builder()
        .endpoint(server.uri())
        .credentials(Credentials::token("log-iam-token"))
        .build()
        .unwrap();
    let _ = token_client
        .change_playbook_instance(change_request())
        .await;

    let logs = captured.text();
    assert!(logs.contains("ChangePlaybookInstance"), "{logs}");
    assert!(
        logs.contains("req-log-1") && logs.contains("req-log-2"),
        "{logs}"
    );
    for secret in [AK, SK, "log-security-token", "log-iam-token"] {
        assert!(
            !logs.contains(secret),
            "{secret} leaked into the logs:\n{logs}"
        );
    }
}
