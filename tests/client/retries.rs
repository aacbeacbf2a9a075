//! Retries and timeouts: which answers are retried and how long the client waits, each
//! attempt signed afresh, non-idempotent calls not repeated, slow servers and refused
//! connections.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use huaweicloud_secmaster::{Error, RetryPolicy};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer as WireMock, Request, Respond, ResponseTemplate};

use crate::verifier::{header, verify};
use crate::{change_request, client_builder, client_for, SEED_CHANGE_RESPONSE, SK};

/// Answers with the given statuses in turn (the last one repeats), each with its headers.
struct Sequence {
    answers: Vec<(u16, Vec<(&'static str, &'static str)>)>,
    calls: Arc<AtomicUsize>,
}

impl Respond for Sequence {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let index = self
            .calls
            .fetch_add(1, Ordering::SeqCst)
            .min(self.answers.len() - 1);
        let (status, headers) = &self.answers[index];
        let mut template =
            ResponseTemplate::new(*status).set_body_raw(SEED_CHANGE_RESPONSE, "application/json");
        for (name, value) in headers {
            template = template.insert_header(*name, *value);
        }
        template
    }
}

async fn sequence_server(
    answers: Vec<(u16, Vec<(&'static str, &'static str)>)>,
) -> (WireMock, Arc<AtomicUsize>) {
    let server = WireMock::start().await;
    let calls = Arc::new(AtomicUsize::new(0));
    Mock::given(method("POST"))
        .respond_with(Sequence {
            answers,
            calls: calls.clone(),
        })
        .mount(&server)
        .await;
    (server, calls)
}

#[tokio::test]
async fn retries_503_503_200_with_a_fresh_signature_each_time() {
    // Retry-After: 1 makes each attempt a second later, so every date and signature differs.
    let (server, calls) = sequence_server(vec![
        (503, vec![("Retry-After", "1")]),
        (503, vec![("Retry-After", "1")]),
        (200, vec![]),
    ])
    .await;
    let response = client_for(&server.uri())
        .change_playbook_instance(change_request())
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    let received = server.received_requests().await.unwrap();
    let mut signatures = Vec::new();
    for request in &received {
        verify(request, SK).unwrap();
        signatures.push(header(request, "authorization").unwrap().to_owned());
    }
    signatures.dedup();
    assert_eq!(signatures.len(), 3, "each attempt is signed afresh");
}

#[tokio::test]
async fn a_429_waits_for_retry_after() {
    let (server, calls) =
        sequence_server(vec![(429, vec![("Retry-After", "1")]), (200, vec![])]).await;
    let started = Instant::now();
    client_for(&server.uri())
        .change_playbook_instance(change_request())
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_returns_the_error_at_once() {
    let (server, calls) =
        sequence_server(vec![(429, vec![("Retry-After", "3600")]), (200, vec![])]).await;
    let error = client_for(&server.uri())
        .change_playbook_instance(change_request())
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(429));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_500_is_not_retried_for_an_operation_that_is_not_idempotent() {
    let (server, calls) = sequence_server(vec![(500, vec![]), (200, vec![])]).await;
    let error = client_for(&server.uri())
        .change_playbook_instance(change_request())
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(500));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn retries_can_be_disabled() {
    let (server, calls) = sequence_server(vec![(503, vec![]), (200, vec![])]).await;
    let client = client_builder(&server.uri())
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    assert_eq!(
        client
            .change_playbook_instance(change_request())
            .await
            .unwrap_err()
            .status(),
        Some(503)
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_slow_server_times_out_within_the_configured_bound() {
    let server = WireMock::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(SEED_CHANGE_RESPONSE, "application/json")
                .set_delay(Duration::from_secs(10)),
        )
        .mount(&server)
        .await;
    let client = client_builder(&server.uri())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client
        .change_playbook_instance(change_request())
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Timeout { attempt: 1, .. }),
        "{error:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );
    // Not idempotent: a timed-out POST may have been processed, so it is not sent again.
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn connection_refused_is_retried_then_reported() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let error = client_for(&format!("http://{address}"))
        .change_playbook_instance(change_request())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Connection {
                maybe_sent: false,
                ..
            }
        ),
        "{error:?}"
    );
}
