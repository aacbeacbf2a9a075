//! Attempt timeouts follow tokio's clock: under `tokio::time::pause` a timeout fires at its
//! virtual time, and the retry backoff of the same call waits on the same clock.
//!
//! The mock's delayed answer sleeps with `tokio::time::sleep` in the test's own runtime, so
//! the paused clock jumps ahead whenever everything waits: an hour of virtual delay costs
//! no real time.

use std::time::Duration;

use huaweicloud_secmaster::mock::{self, MockAnswer};
use huaweicloud_secmaster::runtime::{Call, Operation};
use huaweicloud_secmaster::{Client, Credentials, Error, RetryPolicy};

const AK: &str = "TESTAK0123456789";
const SK: &str = "TESTSK-secret-value-0123456789";

static LIST_WORKSPACES: Operation = Operation {
    name: "ListWorkspaces",
    method: http::Method::GET,
    path: "/v1/{project_id}/workspaces",
    idempotent: true,
};

const HOUR: Duration = Duration::from_secs(3600);
const TIMEOUT: Duration = Duration::from_secs(30);

fn list_workspaces() -> Call {
    let mut call = Call::new(&LIST_WORKSPACES);
    call.project_id_param("project_id", None);
    call
}

fn client(endpoint: &str, retry: RetryPolicy) -> Client {
    Client::builder()
        .endpoint(endpoint)
        .credentials(Credentials::ak_sk(AK, SK).with_project_id("proj123"))
        .timeout(TIMEOUT)
        .retry_policy(retry)
        .build()
        .expect("the client builds")
}

/// A mock whose every `ListWorkspaces` answer comes an hour late.
async fn an_hour_late() -> mock::MockServer {
    let server = mock::start(AK, SK).await.expect("the mock starts");
    server.set_answer(
        "ListWorkspaces",
        MockAnswer::json(200, serde_json::json!({"workspaces": []})).delay(HOUR),
    );
    server
}

#[tokio::test(start_paused = true)]
async fn a_30_s_timeout_fires_at_30_s_of_paused_time_against_an_hour_late_answer() {
    let server = an_hour_late().await;
    let client = client(&server.endpoint(), RetryPolicy::disabled());
    let real = std::time::Instant::now();
    let virtual_start = tokio::time::Instant::now();
    let error = client.send(list_workspaces()).await.unwrap_err();
    let virtual_elapsed = virtual_start.elapsed();
    assert!(
        matches!(
            error,
            Error::Timeout {
                elapsed: TIMEOUT,
                attempt: 1,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        virtual_elapsed >= TIMEOUT && virtual_elapsed < TIMEOUT + Duration::from_secs(1),
        "the timeout fired after {virtual_elapsed:?} of virtual time"
    );
    assert!(
        real.elapsed() < Duration::from_secs(10),
        "took {:?} of real time",
        real.elapsed()
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn timeouts_and_the_waits_between_attempts_follow_the_same_paused_clock() {
    let server = an_hour_late().await;
    // The first answer asks for a wait of its own; the three after it come an hour late.
    server.push_answer(
        "ListWorkspaces",
        MockAnswer::error(503, "SecMaster.00000503", "busy").header("Retry-After", "15"),
    );
    let retry = RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_secs(5),
        max_delay: Duration::from_secs(20),
    };
    let client = client(&server.endpoint(), retry);
    let real = std::time::Instant::now();
    let virtual_start = tokio::time::Instant::now();
    let error = client.send(list_workspaces()).await.unwrap_err();
    let virtual_elapsed = virtual_start.elapsed();
    assert!(
        matches!(error, Error::Timeout { attempt: 4, .. }),
        "{error:?}"
    );
    // The 15 s `Retry-After`, three timeouts, and two backoffs of at most 10 s and 20 s
    // (the ceilings of attempts 2 and 3) between them.
    let least = Duration::from_secs(15) + 3 * TIMEOUT;
    let most = least + Duration::from_secs(10 + 20 + 1);
    assert!(
        virtual_elapsed >= least && virtual_elapsed <= most,
        "four attempts took {virtual_elapsed:?} of virtual time, not within {least:?}..={most:?}"
    );
    assert!(
        real.elapsed() < Duration::from_secs(10),
        "took {:?} of real time",
        real.elapsed()
    );
    assert_eq!(server.requests().len(), 4);
}
