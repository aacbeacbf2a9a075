//! Hostile servers and hostile values against the runtime (issue 22): every case is a clear
//! error, in bounded time and memory. Huge or deeply nested error bodies give short
//! messages, over-long URLs and reserved headers are refused before sending, proxies and
//! endpoints are checked when the client is built, odd statuses are not retried, calls can
//! be bounded per client, and the mock bounds what it records.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use huaweicloud_secmaster::models::{OperationPlaybookInfo, OperationPlaybookInfoOperation};
use huaweicloud_secmaster::operations::ChangePlaybookInstanceRequest;
use huaweicloud_secmaster::runtime::{Call, Operation};
use huaweicloud_secmaster::{CallOptions, Client, ClientBuilder, Credentials, Error, RetryPolicy};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

mod support;
use support::{raw_server, read_request};

const AK: &str = "HOSTILE-AK-0123456789";
const SK: &str = "HOSTILE-SK-secret-0123456789";

/// The most a message about a hostile body or value may take.
const SHORT: usize = 2_000;

fn builder(endpoint: &str) -> ClientBuilder {
    Client::builder()
        .endpoint(endpoint)
        .credentials(Credentials::ak_sk(AK, SK).with_project_id("proj123"))
        .timeout(Duration::from_secs(10))
        .retry_policy(RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(10),
        })
}

fn client(endpoint: &str) -> Client {
    builder(endpoint).build().expect("client builds")
}

fn change_request() -> ChangePlaybookInstanceRequest {
    let body = OperationPlaybookInfo::builder()
        .operation(OperationPlaybookInfoOperation::Terminate)
        .build()
        .expect("no required fields");
    ChangePlaybookInstanceRequest::new()
        .workspace_id("ws1")
        .instance_id("i1")
        .body(body)
}

/// An idempotent GET that the runtime may retry after any 5xx.
static GET_THING: Operation = Operation {
    name: "GetThing",
    method: http::Method::GET,
    path: "/v1/things/{id}",
    idempotent: true,
};

fn get_thing(id: &str) -> Call {
    let mut call = Call::new(&GET_THING);
    call.path_param("id", id.to_owned());
    call
}

/// A server that answers every request with this status, content type and body, then
/// closes the connection; with the number of connections (so attempts) it accepted.
async fn answering(
    status: u16,
    content_type: &'static str,
    body: Arc<Vec<u8>>,
) -> (SocketAddr, Arc<AtomicUsize>) {
    raw_server(move |mut stream| {
        let body = body.clone();
        async move {
            read_request(&mut stream).await;
            let head = format!(
                "HTTP/1.1 {status} Whatever\r\ncontent-type: {content_type}\r\nx-request-id: req-hostile\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(&body).await;
            let _ = stream.shutdown().await;
        }
    })
    .await
}

#[track_caller]
fn assert_short(what: &str, text: &str) {
    assert!(
        text.len() <= SHORT,
        "{what} is {} bytes: {}…",
        text.len(),
        &text[..text.len().min(300)]
    );
    assert!(
        !text.contains('\r') && !text.contains('\n'),
        "{what} has a raw line break"
    );
}

// ----- 1. bounded messages -----

#[tokio::test]
async fn a_10_mb_html_500_gives_a_short_message_and_keeps_the_whole_body() {
    let mut page = b"<html>\r\n<body>\n".to_vec();
    page.resize(10 * 1024 * 1024, b'x');
    let page = Arc::new(page);
    let (address, _) = answering(500, "text/html", page.clone()).await;
    let error = client(&format!("http://{address}"))
        .change_playbook_instance(change_request())
        .await
        .unwrap_err();
    assert_short("Display", &error.to_string());
    assert_short("Debug", &format!("{error:?}"));
    let service = error.as_service().expect("a service error");
    assert_eq!(service.status, 500);
    assert_eq!(service.body.len(), page.len(), "the whole body is kept");
    assert!(service.error_msg.len() <= SHORT);
    assert!(
        error.to_string().contains("<html>\\r\\n<body>\\n"),
        "control characters are escaped: {error}"
    );
    assert!(error.to_string().contains("truncated"), "{error}");
}

#[tokio::test]
async fn a_400_with_100k_deep_json_gives_a_short_message() {
    let mut body = "[".repeat(100_000);
    body.push_str(&"]".repeat(100_000));
    let body = Arc::new(body.into_bytes());
    let (address, _) = answering(400, "application/json", body.clone()).await;
    let error = client(&format!("http://{address}"))
        .change_playbook_instance(change_request())
        .await
        .unwrap_err();
    assert_short("Display", &error.to_string());
    assert_short("Debug", &format!("{error:?}"));
    assert_eq!(
        error.as_service().expect("a service error").body.len(),
        body.len()
    );
}

#[tokio::test]
async fn a_huge_json_error_message_is_shown_short_but_kept_whole() {
    let message = format!("line one\nline two {}", "y".repeat(1_000_000));
    let body = serde_json::json!({"error_code": "X.1", "error_msg": message}).to_string();
    let (address, _) = answering(400, "application/json", Arc::new(body.into_bytes())).await;
    let error = client(&format!("http://{address}"))
        .change_playbook_instance(change_request())
        .await
        .unwrap_err();
    assert_short("Display", &error.to_string());
    assert_short("Debug", &format!("{error:?}"));
    assert_eq!(
        error.as_service().expect("a service error").error_msg,
        message
    );
}

#[tokio::test]
async fn a_refused_header_name_is_escaped_and_bounded_in_the_error() {
    let (address, connections) = raw_server(|_| async {}).await;
    let client = client(&format!("http://{address}"));
    let long_name = format!("X-{}", "a\r\n".repeat(50_000));
    for name in ["Bad Header\r\nX: y".to_owned(), long_name] {
        let error = client
            .with_options(CallOptions::new().header(name.clone(), "v"))
            .send(get_thing("1"))
            .await
            .unwrap_err();
        assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
        assert_short("Display", &error.to_string());
        let leaked: &'static str = Box::leak(name.into_boxed_str());
        let mut call = get_thing("1");
        call.header(leaked, "v");
        let error = client.send(call).await.unwrap_err();
        assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
        assert_short("Display", &error.to_string());
    }
    assert_eq!(connections.load(Ordering::SeqCst), 0, "nothing was sent");
}

// ----- 2. URLs over the transport's limit -----

#[tokio::test]
async fn a_path_or_query_over_the_url_limit_is_refused_before_sending() {
    let (address, connections) = raw_server(|_| async {}).await;
    let refusing = client(&format!("http://{address}"));
    let long = "q".repeat(70 * 1024);
    let mut with_query = get_thing("1");
    with_query.query("filter", long.as_str());
    let with_path = get_thing(&long);
    for call in [with_query, with_path] {
        let error = refusing.send(call).await.unwrap_err();
        match &error {
            Error::InvalidRequest(message) => {
                assert!(message.contains("GetThing"), "{message}");
                assert_short("the message", message);
            }
            other => panic!("expected InvalidRequest, got {other:?}"),
        }
    }
    assert_eq!(connections.load(Ordering::SeqCst), 0, "nothing was sent");
    // Just under the limit is sent.
    let mut fits = get_thing("1");
    fits.query("filter", "q".repeat(8 * 1024));
    let (address, connections) = raw_server(|mut stream| async move {
        read_request(&mut stream).await;
        let reply = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}";
        let _ = stream.write_all(reply.as_bytes()).await;
    })
    .await;
    client(&format!("http://{address}"))
        .send(fits)
        .await
        .unwrap();
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}

/// reqwest names the URL in a connection error, so a long query (still under the URL
/// limit) made a message of 8 KB, in `Display` and `Debug` alike.
#[tokio::test]
async fn a_connection_error_about_a_long_url_is_cut_to_300_bytes() {
    // A port that was free a moment ago refuses the connection.
    let address = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let mut call = get_thing("1");
    call.query("filter", "q".repeat(8 * 1024));
    let error = builder(&format!("http://{address}"))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap()
        .send(call)
        .await
        .unwrap_err();
    let Error::Connection {
        message, source, ..
    } = &error
    else {
        panic!("expected a connection error, got {error:?}");
    };
    assert!(message.len() <= 400, "{} bytes: {message}", message.len());
    assert!(message.contains("(truncated at byte"), "{message}");
    assert_short("Display", &error.to_string());
    assert_short("Debug", &format!("{error:?}"));
    let whole = source
        .as_ref()
        .and_then(|source| std::error::Error::source(source.as_ref()))
        .expect("the transport error is kept")
        .to_string();
    assert!(
        whole.len() > 8 * 1024,
        "the transport error names the whole URL"
    );
}

// ----- 3. reserved headers -----

#[tokio::test]
async fn headers_the_client_sets_are_refused_as_options_and_in_a_call() {
    let (address, connections) = raw_server(|_| async {}).await;
    let client = client(&format!("http://{address}"));
    let reserved = [
        "User-Agent",
        "transfer-encoding",
        "Host",
        "Content-Length",
        "Authorization",
        "X-Sdk-Date",
        "X-Sdk-Content-Sha256",
        "X-Project-Id",
        "X-Domain-Id",
        "X-Security-Token",
        "X-Auth-Token",
    ];
    for name in reserved {
        let error = client
            .with_options(CallOptions::new().header(name, "5"))
            .send(get_thing("1"))
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::InvalidRequest(message) if message.contains("set by the client")),
            "option {name}: {error:?}"
        );
        let mut call = get_thing("1");
        call.header(name, "5");
        let error = client.send(call).await.unwrap_err();
        assert!(
            matches!(&error, Error::InvalidRequest(message) if message.contains("set by the client")),
            "call header {name}: {error:?}"
        );
    }
    assert_eq!(connections.load(Ordering::SeqCst), 0, "nothing was sent");
}

// ----- 5. which statuses are retried -----

#[tokio::test]
async fn a_status_outside_5xx_and_429_is_not_retried_even_when_idempotent() {
    for (status, attempts) in [(999, 1), (600, 1), (500, 3), (599, 3), (429, 3)] {
        let (address, connections) =
            answering(status, "text/plain", Arc::new(b"odd".to_vec())).await;
        let error = client(&format!("http://{address}"))
            .send(get_thing("1"))
            .await
            .unwrap_err();
        assert_eq!(error.status(), Some(status), "{error:?}");
        assert_eq!(
            connections.load(Ordering::SeqCst),
            attempts,
            "status {status}: attempts"
        );
    }
}

// ----- 4. proxies and endpoints checked when built -----

#[track_caller]
fn config_error<T>(result: Result<T, Error>) -> String {
    match result {
        Err(Error::Config(message)) => message,
        Err(other) => panic!("expected a configuration error, got {other:?}"),
        Ok(_) => panic!("expected a configuration error, got a client"),
    }
}

#[test]
fn only_http_and_https_proxies_are_accepted() {
    for scheme in ["ftp", "gopher", "socks5", "socks5h", "file"] {
        let message = config_error(
            builder("http://127.0.0.1:1")
                .proxy(format!("{scheme}://proxyuser:pr0xy-PASS@127.0.0.1:1080"))
                .build(),
        );
        assert!(message.contains(&format!("`{scheme}`")), "{message}");
        assert!(!message.contains("pr0xy-PASS"), "{message}");
    }
    for accepted in [
        "http://127.0.0.1:3128",
        "https://u:p@127.0.0.1:3128",
        "HTTP://127.0.0.1:1",
    ] {
        builder("http://127.0.0.1:1")
            .proxy(accepted)
            .build()
            .unwrap_or_else(|error| panic!("{accepted}: {error}"));
    }
}

#[test]
fn proxies_from_the_environment_are_checked_too() {
    // The only test of this binary that sets proxy variables or reads them.
    for variable in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        std::env::remove_var(variable);
    }
    for variable in ["HTTPS_PROXY", "http_proxy", "ALL_PROXY"] {
        std::env::set_var(variable, "gopher://user:ENV-PASS@127.0.0.1:70");
        let result = builder("http://127.0.0.1:1").proxy_from_env().build();
        std::env::remove_var(variable);
        let message = config_error(result);
        assert!(
            message.contains(variable) && message.contains("`gopher`"),
            "{message}"
        );
        assert!(!message.contains("ENV-PASS"), "{message}");
    }
    std::env::set_var("HTTP_PROXY", "http://127.0.0.1:3128");
    let result = builder("http://127.0.0.1:1").proxy_from_env().build();
    std::env::remove_var("HTTP_PROXY");
    result.expect("an http proxy from the environment is accepted");
}

#[test]
fn an_endpoint_with_a_user_or_password_is_refused_without_showing_it() {
    for endpoint in [
        "http://user:S3CRET-PASS@127.0.0.1:1",
        "https://user:S3CRET-PASS@example.com/base",
        "user:S3CRET-PASS@example.com",
        "http://user:S3CRET-PASS@[bad-host:1",
        "http://user:S3CRET-PASS@exa mple.com",
    ] {
        let message = config_error(builder(endpoint).build());
        assert!(!message.contains("S3CRET-PASS"), "{endpoint}: {message}");
        let message = config_error(
            Client::builder()
                .region(huaweicloud_secmaster::Region::new("cn-north-4"))
                .iam_endpoint(endpoint)
                .credentials(Credentials::ak_sk(AK, SK))
                .build(),
        );
        assert!(
            !message.contains("S3CRET-PASS"),
            "IAM {endpoint}: {message}"
        );
    }
}

// ----- 7. the mock bounds what it records -----

#[tokio::test]
async fn the_mock_keeps_the_latest_requests_up_to_its_limit_and_can_forget_them() {
    use huaweicloud_secmaster::runtime::mock::DEFAULT_RECORD_LIMIT;
    assert_eq!(DEFAULT_RECORD_LIMIT, 10_000);
    let mock = huaweicloud_secmaster::mock::start(AK, SK).await.unwrap();
    let client = client(&mock.endpoint());
    let unretried = client.with_options(CallOptions::new().retry_policy(RetryPolicy::disabled()));
    for index in 0..8 {
        // Not an operation of the service: answered 404, and recorded all the same.
        let _ = unretried.send(get_thing(&index.to_string())).await;
    }
    assert_eq!(mock.requests().len(), 8);
    mock.set_record_limit(5);
    let paths = |mock: &huaweicloud_secmaster::mock::MockServer| {
        mock.requests()
            .into_iter()
            .map(|request| request.path)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        paths(&mock),
        [
            "/v1/things/3",
            "/v1/things/4",
            "/v1/things/5",
            "/v1/things/6",
            "/v1/things/7"
        ]
    );
    for index in 8..10 {
        let _ = unretried.send(get_thing(&index.to_string())).await;
    }
    assert_eq!(
        paths(&mock),
        [
            "/v1/things/5",
            "/v1/things/6",
            "/v1/things/7",
            "/v1/things/8",
            "/v1/things/9"
        ]
    );
    mock.clear_requests();
    assert!(mock.requests().is_empty());
    let _ = unretried.send(get_thing("10")).await;
    assert_eq!(paths(&mock), ["/v1/things/10"]);
    mock.set_record_limit(0);
    let _ = unretried.send(get_thing("11")).await;
    assert!(mock.requests().is_empty());
}

// ----- 6. connections per host -----

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_concurrent_calls_with_a_bound_of_50_keep_about_50_connections_open() {
    use hyper::service::service_fn;
    use hyper_util::rt::TokioIo;

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let open = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let accepted = Arc::new(AtomicUsize::new(0));
    {
        let (open, most, accepted) = (open.clone(), most.clone(), accepted.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                accepted.fetch_add(1, Ordering::SeqCst);
                let now = open.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                let open = open.clone();
                tokio::spawn(async move {
                    let service = service_fn(|_request| async {
                        tokio::time::sleep(Duration::from_millis(2)).await;
                        Ok::<_, std::convert::Infallible>(hyper::Response::new(
                            http_body_util::Full::new(bytes::Bytes::from_static(b"{}")),
                        ))
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                    open.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
    }
    let client = builder(&format!("http://{address}"))
        .max_connections(50)
        .build()
        .unwrap();
    let calls: Vec<_> = (0..1_000)
        .map(|index| {
            let client = client.clone();
            tokio::spawn(async move { client.send(get_thing(&index.to_string())).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().expect("every call succeeds");
    }
    // At most 50 calls are in flight. A connection being handed back to reqwest's pool
    // (on its own task) when the next call starts makes that call open another, so the
    // count can pass 50 by a few (50 to 54 in most runs, 63 seen once): bounded near the
    // limit, not by the number of calls. Strictly 50 would need a slot per connection,
    // which reqwest's connector does not let a caller hold.
    let most = most.load(Ordering::SeqCst);
    assert!(most <= 100, "{most} connections were open at once");
    assert!(
        most >= 10,
        "the calls ran concurrently ({most} connections at most)"
    );
    eprintln!(
        "at most {most} connections open at once, {} accepted in all",
        accepted.load(Ordering::SeqCst)
    );
}
