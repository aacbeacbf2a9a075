//! Production reach, through the crate generated from `fixtures/ok/paging.yaml` and its
//! mock: proxies (set, or from the environment), a caller's own HTTP client, per-call
//! options, interceptors and project id discovery from IAM. (Paging is in `paging.rs`.)
//! (The `tracing` span of a call is checked in `span.rs`, a process of its own.)

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fixture_paging::mock::{self, MockAnswer, MockServer, MOCK_PROJECT_ID};
use fixture_paging::operations::ListItemsRequest;
use fixture_paging::{
    Attempt, CallOptions, Client, ClientBuilder, Credentials, Error, Interceptor, Outcome, Region,
    RetryPolicy,
};
use serde_json::json;

mod support;

const AK: &str = "REACHAK";
const SK: &str = "REACHSK";

fn builder(mock: &MockServer) -> ClientBuilder {
    Client::builder()
        .endpoint(mock.endpoint())
        .credentials(Credentials::ak_sk(AK, SK).with_project_id("p1"))
        .retry_policy(RetryPolicy {
            base_delay: Duration::from_millis(1),
            ..RetryPolicy::default()
        })
}

async fn start() -> MockServer {
    mock::start(AK, SK).await.expect("the mock starts")
}

// ----- proxies -----

use support::forwarding_proxy;

fn authority(mock: &MockServer) -> String {
    mock.endpoint().trim_start_matches("http://").to_owned()
}

#[tokio::test]
async fn a_proxy_forwards_signed_calls_with_its_credentials_kept_secret() {
    let mock = start().await;
    let (proxy, heads) = forwarding_proxy(authority(&mock)).await;
    let builder = builder(&mock).proxy(format!("http://proxyuser:pr0xy-s3cret@{proxy}"));
    let shown = format!("{builder:?}");
    assert!(
        !shown.contains("pr0xy-s3cret") && !shown.contains("proxyuser"),
        "{shown}"
    );
    assert!(
        shown.contains(&proxy),
        "the proxy's address is shown: {shown}"
    );
    let client = builder.build().unwrap();

    let response = client
        .list_items(ListItemsRequest::new().limit(5))
        .await
        .unwrap();
    assert_eq!(response.status, 200);

    let heads = heads.lock().unwrap().clone();
    assert_eq!(heads.len(), 1, "{heads:?}");
    let head = &heads[0];
    assert!(
        head.starts_with(&format!(
            "GET http://{}/v1/p1/items?limit=5 HTTP/1.1",
            authority(&mock)
        )),
        "an absolute-form request to the proxy: {head}"
    );
    // `proxyuser:pr0xy-s3cret` in base64, for the proxy only.
    assert!(
        head.to_ascii_lowercase()
            .contains("proxy-authorization: basic chjvehl1c2vyonbymhh5lxmzy3jlda=="),
        "{head}"
    );
    let recorded = &mock.requests()[0];
    assert!(
        recorded.authenticated,
        "the signature verifies through the proxy"
    );
}

#[tokio::test]
async fn proxies_come_from_the_environment_only_when_asked_and_no_proxy_is_honoured() {
    let mock = start().await;
    let (proxy, heads) = forwarding_proxy(authority(&mock)).await;
    // Only this test builds clients that read the environment's proxies.
    std::env::set_var("HTTP_PROXY", format!("http://{proxy}"));
    std::env::remove_var("NO_PROXY");
    std::env::remove_var("no_proxy");

    let direct = builder(&mock).build().unwrap();
    direct.list_items(ListItemsRequest::new()).await.unwrap();
    assert_eq!(heads.lock().unwrap().len(), 0, "no proxy unless asked for");

    let from_env = builder(&mock).proxy_from_env().build().unwrap();
    from_env.list_items(ListItemsRequest::new()).await.unwrap();
    assert_eq!(heads.lock().unwrap().len(), 1, "HTTP_PROXY is used");

    std::env::set_var("NO_PROXY", "127.0.0.1");
    let excluded = builder(&mock).proxy_from_env().build().unwrap();
    excluded.list_items(ListItemsRequest::new()).await.unwrap();
    std::env::remove_var("HTTP_PROXY");
    std::env::remove_var("NO_PROXY");
    assert_eq!(heads.lock().unwrap().len(), 1, "NO_PROXY skips the proxy");
    assert!(mock.requests().iter().all(|request| request.authenticated));
    assert_eq!(mock.requests().len(), 3);
}

// ----- a caller's own HTTP client -----

/// The test's own `reqwest::Client`; reqwest needs a rustls crypto provider installed.
fn own_http_client(redirects: bool) -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let policy = if redirects {
        reqwest::redirect::Policy::limited(3)
    } else {
        reqwest::redirect::Policy::none()
    };
    reqwest::Client::builder()
        .redirect(policy)
        .no_proxy()
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_callers_http_client_is_used_and_a_followed_redirect_is_refused() {
    let mock = start().await;
    let client = builder(&mock)
        .http_client(own_http_client(false))
        .build()
        .unwrap();
    let response = client.list_items(ListItemsRequest::new()).await.unwrap();
    assert_eq!(response.status, 200);
    assert!(mock.requests()[0].authenticated);

    let following = builder(&mock)
        .http_client(own_http_client(true))
        .build()
        .unwrap();
    mock.push_answer(
        "ListItems",
        MockAnswer::raw(302, "text/plain", "moved").header("location", "/v1/p1/items?moved=1"),
    );
    let error = following
        .list_items(ListItemsRequest::new())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    assert!(error.to_string().contains("followed a redirect"), "{error}");

    let conflict = builder(&mock)
        .http_client(own_http_client(false))
        .proxy("http://127.0.0.1:9")
        .build()
        .unwrap_err();
    assert!(
        conflict.to_string().contains("a proxy cannot be set"),
        "{conflict}"
    );
}

/// A proxy that refuses connections: the error names the proxy (never its credentials),
/// not only the endpoint the call was for.
#[tokio::test]
async fn a_connection_error_through_a_proxy_names_the_proxy() {
    let mock = start().await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let client = builder(&mock)
        .proxy(format!("http://proxyuser:pr0xy-s3cret@{closed}"))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let error = client
        .list_items(ListItemsRequest::new())
        .await
        .unwrap_err();
    let shown = error.to_string();
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
    assert!(
        shown.contains(&format!(
            "connecting through the proxy Url(http://{closed})"
        )),
        "{shown}"
    );
    assert!(
        !shown.contains("pr0xy-s3cret") && !shown.contains("proxyuser"),
        "{shown}"
    );
    assert!(!format!("{error:?}").contains("pr0xy-s3cret"), "{error:?}");
}

// ----- per-call options -----

#[tokio::test]
async fn per_call_options_set_the_timeout_headers_retries_and_idempotency() {
    let mock = start().await;
    let client = builder(&mock).build().unwrap();

    // Timeout: the handle's, not the client's.
    mock.push_answer(
        "ListItems",
        MockAnswer::json(200, json!({})).delay(Duration::from_millis(400)),
    );
    let quick = client.with_options(
        CallOptions::new()
            .timeout(Duration::from_millis(50))
            .retry_policy(RetryPolicy::disabled()),
    );
    let error = quick.list_items(ListItemsRequest::new()).await.unwrap_err();
    assert!(
        matches!(error, Error::Timeout { elapsed, .. } if elapsed == Duration::from_millis(50)),
        "{error:?}"
    );

    // Extra headers: sent, signed, and the signature verifies.
    let before = mock.requests().len();
    let tagged = client.with_options(CallOptions::new().header("X-Language", " en-us "));
    tagged.list_items(ListItemsRequest::new()).await.unwrap();
    let recorded = &mock.requests()[before];
    assert_eq!(recorded.header("x-language"), Some("en-us"));
    assert!(recorded.authenticated);
    let authorization = recorded.header("authorization").unwrap();
    assert!(authorization.contains("x-language"), "{authorization}");

    // Headers are checked like all headers, and the client's own ones cannot be replaced.
    for (name, value, problem) in [
        ("Authorization", "forged", "set by the client"),
        ("X-Bad Name", "v", "not a valid header name"),
        ("X-Broken", "a\nb", "control character"),
    ] {
        let before = mock.requests().len();
        let error = client
            .with_options(CallOptions::new().header(name, value))
            .list_items(ListItemsRequest::new())
            .await
            .unwrap_err();
        assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
        assert!(error.to_string().contains(problem), "{error}");
        assert_eq!(mock.requests().len(), before, "nothing is sent");
    }

    // Retry policy: none for this handle.
    mock.push_answer("ListItems", MockAnswer::error(503, "X.503", "busy"));
    let before = mock.requests().len();
    let error = client
        .with_options(CallOptions::new().retry_policy(RetryPolicy::disabled()))
        .list_items(ListItemsRequest::new())
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert_eq!(mock.requests().len() - before, 1);

    // Idempotency: a GET's 500 is retried, unless the handle says it is not idempotent.
    mock.push_answer("ListItems", MockAnswer::error(500, "X.500", "oops"));
    let before = mock.requests().len();
    client.list_items(ListItemsRequest::new()).await.unwrap();
    assert_eq!(mock.requests().len() - before, 2, "retried by default");
    mock.push_answer("ListItems", MockAnswer::error(500, "X.500", "oops"));
    let before = mock.requests().len();
    let error = client
        .with_options(CallOptions::new().idempotent(false))
        .list_items(ListItemsRequest::new())
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(500));
    assert_eq!(mock.requests().len() - before, 1, "not retried");
}

// ----- interceptors -----

#[derive(Default)]
struct CountAttempts {
    before: AtomicU32,
    outcomes: Mutex<Vec<String>>,
}

impl Interceptor for CountAttempts {
    fn before_attempt(&self, attempt: &Attempt<'_>, _headers: &mut http::HeaderMap) {
        assert_eq!(attempt.operation, "ListItems");
        self.before.fetch_add(1, Ordering::SeqCst);
    }

    fn after_attempt(&self, attempt: &Attempt<'_>, outcome: &Outcome<'_>) {
        let text = match outcome {
            Outcome::Response { status, .. } => format!("{} -> {status}", attempt.number),
            Outcome::Failed(error) => format!("{} -> {:?}", attempt.number, error.status()),
            _ => "other".to_owned(),
        };
        self.outcomes.lock().unwrap().push(text);
    }
}

struct AddHeader;

impl Interceptor for AddHeader {
    fn before_attempt(&self, attempt: &Attempt<'_>, headers: &mut http::HeaderMap) {
        let value = format!("attempt-{}", attempt.number);
        headers.insert("x-trace-tag", http::HeaderValue::from_str(&value).unwrap());
    }
}

#[tokio::test]
async fn interceptors_count_attempts_and_add_headers() {
    let mock = start().await;
    let counter = Arc::new(CountAttempts::default());
    let client = builder(&mock)
        .interceptor(counter.clone())
        .interceptor(AddHeader)
        .build()
        .unwrap();
    mock.push_answer("ListItems", MockAnswer::error(503, "X.503", "busy"));
    client.list_items(ListItemsRequest::new()).await.unwrap();

    assert_eq!(counter.before.load(Ordering::SeqCst), 2);
    assert_eq!(
        *counter.outcomes.lock().unwrap(),
        ["1 -> Some(503)", "2 -> 200"]
    );
    let requests = mock.requests();
    assert_eq!(requests[0].header("x-trace-tag"), Some("attempt-1"));
    assert_eq!(requests[1].header("x-trace-tag"), Some("attempt-2"));
    assert!(
        requests[1].authenticated,
        "an added header leaves the signature valid"
    );
}

// ----- project id discovery -----

#[tokio::test]
async fn the_project_id_is_asked_of_iam_once_and_errors_name_the_region() {
    let mock = start().await;
    let discovering = || {
        Client::builder()
            .endpoint(mock.endpoint())
            .region(Region::new("r1"))
            .iam_endpoint(mock.endpoint())
            .credentials(Credentials::ak_sk(AK, SK))
            .retry_policy(RetryPolicy::disabled())
    };
    let client = discovering().build().unwrap();
    assert_eq!(client.project_id(), None);
    client.list_items(ListItemsRequest::new()).await.unwrap();
    client.list_items(ListItemsRequest::new()).await.unwrap();
    assert_eq!(client.project_id(), Some(MOCK_PROJECT_ID));
    let requests = mock.requests();
    let paths: Vec<String> = requests
        .iter()
        .map(|request| format!("{} {}?{}", request.method, request.path, request.query))
        .collect();
    let listed = format!("GET /v1/{MOCK_PROJECT_ID}/items?");
    assert_eq!(paths, ["GET /v3/projects?name=r1", &listed, &listed]);
    assert!(
        requests.iter().all(|request| request.authenticated),
        "IAM is asked with the same signature"
    );
    assert_eq!(requests[2].header("x-project-id"), Some(MOCK_PROJECT_ID));

    // A project id given on the request needs no discovery.
    let other = discovering().build().unwrap();
    other
        .list_items(ListItemsRequest::new().project_id("given"))
        .await
        .unwrap();
    assert_eq!(mock.requests().len(), 4);

    mock.set_iam_projects(&[]);
    let error = discovering()
        .build()
        .unwrap()
        .list_items(ListItemsRequest::new())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    assert!(
        error.to_string().contains("no project named `r1`"),
        "{error}"
    );

    mock.set_iam_projects(&[("a", "r1"), ("b", "r1")]);
    let error = discovering()
        .build()
        .unwrap()
        .list_items(ListItemsRequest::new())
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("2 projects named `r1`"),
        "{error}"
    );

    // Without the builder's IAM endpoint, HUAWEICLOUD_SDK_IAM_ENDPOINT says where IAM is.
    mock.set_iam_projects(&[("from-env", "r1")]);
    std::env::set_var(fixture_paging::runtime::IAM_ENDPOINT_ENV, mock.endpoint());
    let from_env = Client::builder()
        .endpoint(mock.endpoint())
        .region(Region::new("r1"))
        .credentials(Credentials::ak_sk(AK, SK))
        .build()
        .unwrap();
    std::env::remove_var(fixture_paging::runtime::IAM_ENDPOINT_ENV);
    from_env.list_items(ListItemsRequest::new()).await.unwrap();
    assert_eq!(from_env.project_id(), Some("from-env"));
}
