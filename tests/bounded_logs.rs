//! Log lines stay short when a server answers with a huge error page (issue 22), in a test
//! binary of its own: the subscriber is the process's global default (see `logs.rs`).

use std::time::Duration;

use huaweicloud_secmaster::models::{OperationPlaybookInfo, OperationPlaybookInfoOperation};
use huaweicloud_secmaster::operations::ChangePlaybookInstanceRequest;
use huaweicloud_secmaster::{Client, Credentials, RetryPolicy};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

mod support;
use support::Captured;

#[tokio::test]
async fn a_10_mb_error_page_gives_short_warn_and_debug_lines() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let mut page = "<html>\r\n<body>\n".to_owned();
    page.push_str(&"x".repeat(10 * 1024 * 1024));
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(503)
                .insert_header("X-Request-Id", "req-huge")
                .set_body_raw(page, "text/html"),
        )
        .mount(&server)
        .await;
    let client = Client::builder()
        .endpoint(server.uri())
        .credentials(Credentials::ak_sk("LOGAK", "LOGSK").with_project_id("proj123"))
        .retry_policy(RetryPolicy {
            max_attempts: 2,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
        })
        .build()
        .unwrap();
    let body = OperationPlaybookInfo::builder()
        .operation(OperationPlaybookInfoOperation::Retry)
        .build()
        .unwrap();
    let request = ChangePlaybookInstanceRequest::new()
        .workspace_id("ws1")
        .instance_id("inst1")
        .body(body);
    let error = client.change_playbook_instance(request).await.unwrap_err();
    assert_eq!(error.status(), Some(503));

    let text = captured.text();
    let warn = text.lines().filter(|line| line.contains("WARN")).count();
    let failed = text
        .lines()
        .filter(|line| line.contains("call failed"))
        .count();
    assert_eq!(
        (warn, failed),
        (1, 1),
        "one retry and one failure logged:\n{text}"
    );
    for line in text.lines() {
        assert!(line.len() < 3_000, "a log line of {} bytes", line.len());
    }
    assert!(text.len() < 20_000, "{} bytes logged", text.len());
}
