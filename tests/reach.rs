//! Production reach, through the crate generated from `fixtures/ok/paging.yaml` and its
//! mock: proxies (set, or from the environment), a caller's own HTTP client, per-call
//! options, interceptors, project id discovery from IAM, and paging as a stream.
//! (The `tracing` span of a call is checked in `span.rs`, a process of its own.)

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fixture_paging::mock::{self, MockAnswer, MockServer, MOCK_PROJECT_ID};
use fixture_paging::models::Item;
use fixture_paging::operations::{ListItemsRequest, SearchItemsRequest};
use fixture_paging::runtime::futures_core::Stream;
use fixture_paging::{
    Attempt, CallOptions, Client, ClientBuilder, Credentials, Error, Interceptor, Outcome, Region,
    RetryPolicy,
};
use serde_json::{json, Value};

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

fn items(count: usize) -> Vec<Value> {
    (0..count)
        .map(|index| json!({"id": format!("item-{index}"), "name": "n"}))
        .collect()
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

// ----- paging -----

/// The README's mock example: `?` on `mock::start` in a function returning the crate's error.
#[tokio::test]
async fn the_mock_starts_with_a_question_mark_in_a_function_returning_the_crate_error() {
    async fn run() -> Result<usize, huaweicloud_secmaster::Error> {
        let mock = huaweicloud_secmaster::mock::start("AK", "SK").await?;
        Ok(mock.requests().len())
    }
    assert_eq!(run().await.unwrap(), 0);
}

#[tokio::test]
#[should_panic(expected = "`ChangePlaybookInstance` does not page")]
async fn items_for_an_operation_that_does_not_page_are_refused() {
    let mock = huaweicloud_secmaster::mock::start("AK", "SK")
        .await
        .unwrap();
    mock.set_items("ChangePlaybookInstance", vec![serde_json::json!({})]);
}

#[tokio::test]
#[should_panic(expected = "no operation `ListNothing`")]
async fn items_for_an_unknown_operation_are_refused() {
    let mock = huaweicloud_secmaster::mock::start("AK", "SK")
        .await
        .unwrap();
    mock.set_items("ListNothing", vec![]);
}

#[tokio::test]
async fn pages_and_items_walk_a_query_paged_listing_to_its_total() {
    let mock = start().await;
    mock.set_items("ListItems", items(25));
    let client = builder(&mock).build().unwrap();

    let mut pages = client.list_items_pages(ListItemsRequest::new().limit(10));
    let mut sizes = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.unwrap();
        assert_eq!(page.body.total, Some(25));
        sizes.push(page.body.items.unwrap_or_default().len());
    }
    assert_eq!(sizes, [10, 10, 5]);
    let queries: Vec<String> = mock
        .requests()
        .iter()
        .map(|request| request.query.clone())
        .collect();
    assert_eq!(
        queries,
        ["limit=10", "limit=10&offset=10", "limit=10&offset=20"]
    );

    // As a `Stream` of items, from an offset.
    let mut items = client
        .list_items_pages(ListItemsRequest::new().offset(3).limit(10))
        .items();
    let mut ids = Vec::new();
    while let Some(item) =
        std::future::poll_fn(|context| std::pin::Pin::new(&mut items).poll_next(context)).await
    {
        let item: Item = item.unwrap();
        ids.push(item.id);
    }
    assert_eq!(ids.len(), 22);
    assert_eq!(ids.first().map(String::as_str), Some("item-3"));
    assert_eq!(ids.last().map(String::as_str), Some("item-24"));
}

#[tokio::test]
async fn a_body_paged_listing_without_a_total_ends_at_a_short_page() {
    let mock = start().await;
    mock.set_items("SearchItems", items(12));
    let client = builder(&mock).build().unwrap();
    let body = fixture_paging::models::SearchItemsRequestBody::builder()
        .limit(5)
        .query("n")
        .build()
        .unwrap();
    let mut items = client
        .search_items_pages(SearchItemsRequest::new().body(body))
        .items();
    let mut count = 0;
    while let Some(item) = items.next().await {
        item.unwrap();
        count += 1;
    }
    assert_eq!(count, 12);
    let offsets: Vec<Value> = mock
        .requests()
        .iter()
        .map(|request| request.json().unwrap()["offset"].clone())
        .collect();
    assert_eq!(offsets, [Value::Null, json!(5), json!(10)]);
}

#[tokio::test]
async fn an_error_halfway_is_passed_on_and_ends_the_listing() {
    let mock = start().await;
    mock.set_items("ListItems", items(25));
    let client = builder(&mock).build().unwrap();
    let mut pages = client.list_items_pages(ListItemsRequest::new().limit(10));
    assert_eq!(
        pages
            .next()
            .await
            .unwrap()
            .unwrap()
            .body
            .items
            .unwrap()
            .len(),
        10
    );
    mock.push_answer(
        "ListItems",
        MockAnswer::error(400, "Paging.0001", "bad offset"),
    );
    let error = pages.next().await.unwrap().unwrap_err();
    assert_eq!(error.status(), Some(400));
    assert!(
        pages.next().await.is_none(),
        "the listing ends after an error"
    );
    assert_eq!(mock.requests().len(), 2);
}

#[tokio::test]
async fn secmaster_alerts_page_through_the_body_to_the_total() {
    use huaweicloud_secmaster::models::DataobjectSearch;
    use huaweicloud_secmaster::operations::ListAlertsRequest;
    let mock = huaweicloud_secmaster::mock::start(AK, SK).await.unwrap();
    let alert = mock.example_value("ListAlertDetail").unwrap();
    let alerts: Vec<Value> = (0..23)
        .map(|index| {
            let mut alert = alert.clone();
            alert["id"] = json!(format!("alert-{index}"));
            alert
        })
        .collect();
    mock.set_items("ListAlerts", alerts);
    let client = huaweicloud_secmaster::Client::builder()
        .endpoint(mock.endpoint())
        .credentials(Credentials::ak_sk(AK, SK).with_project_id("p1"))
        .build()
        .unwrap();
    let search = DataobjectSearch::builder().limit(10).build().unwrap();
    let request = ListAlertsRequest::new().workspace_id("ws").body(search);
    let mut alerts = client.list_alerts_pages(request).items();
    let mut ids = Vec::new();
    while let Some(alert) = alerts.next().await {
        ids.push(alert.unwrap().id.unwrap_or_default());
    }
    let expected: Vec<String> = (0..23).map(|index| format!("alert-{index}")).collect();
    assert_eq!(ids, expected);
    let requests = mock.requests();
    assert_eq!(requests.len(), 3);
    assert!(
        requests
            .iter()
            .all(|request| request.authenticated
                && request.operation.as_deref() == Some("ListAlerts"))
    );
    let offsets: Vec<Value> = requests
        .iter()
        .map(|request| request.json().unwrap()["offset"].clone())
        .collect();
    assert_eq!(offsets, [Value::Null, json!(10), json!(20)]);
}

#[tokio::test]
async fn a_marker_paged_listing_follows_the_next_marker_to_the_end() {
    use fixture_paging::operations::ListEventsRequest;
    let mock = start().await;
    mock.set_items("ListEvents", items(7));
    let client = builder(&mock).build().unwrap();
    let mut events = client
        .list_events_pages(ListEventsRequest::new().limit(3))
        .items();
    let mut ids = Vec::new();
    while let Some(event) = events.next().await {
        ids.push(event.unwrap().id);
    }
    let expected: Vec<String> = (0..7).map(|index| format!("item-{index}")).collect();
    assert_eq!(ids, expected);
    let queries: Vec<String> = mock
        .requests()
        .iter()
        .map(|request| request.query.clone())
        .collect();
    assert_eq!(queries, ["limit=3", "limit=3&marker=3", "limit=3&marker=6"]);
}
