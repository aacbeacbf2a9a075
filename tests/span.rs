//! The `tracing` span of a call, in a test binary of its own: the subscriber is the
//! process's global default, so no other test's callsites race with it.

use std::time::Duration;

use fixture_paging::mock::{self, MockAnswer};
use fixture_paging::operations::ListItemsRequest;
use fixture_paging::{Client, Credentials, RetryPolicy};

mod support;
use support::Captured;

const AK: &str = "SPANAK";
const SK: &str = "SPANSK";

#[test]
fn every_call_has_a_span_with_operation_attempt_status_request_id_and_duration() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();
    fixture_paging::runtime::mock::block_on(async {
        let mock = mock::start(AK, SK).await.unwrap();
        let client = Client::builder()
            .endpoint(mock.endpoint())
            .credentials(Credentials::ak_sk(AK, SK).with_project_id("p1"))
            .retry_policy(RetryPolicy {
                base_delay: Duration::from_millis(1),
                ..RetryPolicy::default()
            })
            .build()
            .unwrap();
        mock.push_answer("ListItems", MockAnswer::error(503, "X.503", "busy"));
        client.list_items(ListItemsRequest::new()).await.unwrap();
    })
    .unwrap();
    let text = captured.text();
    let closed = text
        .lines()
        .find(|line| line.contains("close"))
        .unwrap_or_else(|| panic!("no span closed:\n{text}"));
    for field in [
        "call{",
        "service=\"Paging\"",
        "operation=\"ListItems\"",
        "attempt=2",
        "status=200",
        "request_id=",
        "duration_ms=",
    ] {
        assert!(closed.contains(field), "`{field}` missing: {closed}");
    }
}
