//! The client against servers that misbehave, callers that pass hostile values, and heavy
//! concurrency. Every case ends in a documented `Error` (with the request id when the server
//! sent one), never a panic, and nothing is lost or mixed up.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use huaweicloud_secmaster::models::{
    OperationPlaybookInfo, OperationPlaybookInfoOperation, PlaybookInstanceInfoStatus,
};
use huaweicloud_secmaster::operations::{
    ChangePlaybookInstanceRequest, CreateWorkflowInstanceRequest,
};
use huaweicloud_secmaster::{Client, Credentials, Error, RetryPolicy};
use tokio::io::AsyncWriteExt;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

mod support;
use support::{raw_server, read_request};

const AK: &str = "FAULTS-AK-0123456789";
const SK: &str = "FAULTS-SK-secret-0123456789";

fn client(endpoint: &str) -> Client {
    Client::builder()
        .endpoint(endpoint)
        .credentials(Credentials::ak_sk(AK, SK).with_project_id("proj123"))
        .timeout(Duration::from_millis(800))
        .retry_policy(RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(50),
        })
        .build()
        .expect("client builds")
}

fn change_request(instance: &str) -> ChangePlaybookInstanceRequest {
    let body = OperationPlaybookInfo::builder()
        .operation(OperationPlaybookInfoOperation::Terminate)
        .build()
        .expect("no required fields");
    ChangePlaybookInstanceRequest::new()
        .workspace_id("ws1")
        .instance_id(instance)
        .body(body)
}

fn endpoint(address: SocketAddr) -> String {
    format!("http://{address}")
}

#[tokio::test]
async fn a_connection_reset_mid_response_is_a_connection_error_with_the_request_id() {
    let (address, connections) = raw_server(|mut stream| async move {
        read_request(&mut stream).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-request-id: req-reset\r\ncontent-length: 1000\r\n\r\n{\"id\":";
        let _ = stream.write_all(head.as_bytes()).await;
        let _ = stream.flush().await;
        tokio::time::sleep(Duration::from_millis(20)).await;
        // Linger 0 turns the close into a TCP reset.
        let _ = stream.set_zero_linger();
        drop(stream);
    })
    .await;
    let error = client(&endpoint(address))
        .change_playbook_instance(change_request("i1"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Connection {
                maybe_sent: true,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.request_id(), Some("req-reset"));
    // Not idempotent, and the server may have acted on it: sent once.
    assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_truncated_body_is_a_connection_error() {
    let (address, _) = raw_server(|mut stream| async move {
        read_request(&mut stream).await;
        let reply = "HTTP/1.1 200 OK\r\nx-request-id: req-short\r\ncontent-length: 100\r\n\r\n{\"id\":\"x\"}";
        let _ = stream.write_all(reply.as_bytes()).await;
        let _ = stream.shutdown().await;
    })
    .await;
    let error = client(&endpoint(address))
        .change_playbook_instance(change_request("i1"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Connection {
                maybe_sent: true,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.request_id(), Some("req-short"));
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_within_the_bound() {
    let (address, _) = raw_server(|mut stream| async move {
        read_request(&mut stream).await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    let started = Instant::now();
    let error = client(&endpoint(address))
        .change_playbook_instance(change_request("i1"))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );
}

async fn answering(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_200_with_invalid_json_is_a_decode_error_with_status_request_id_and_snippet() {
    let server = answering(
        ResponseTemplate::new(200)
            .set_body_raw("{\"id\": <html>oops", "application/json")
            .insert_header("X-Request-Id", "req-bad-json"),
    )
    .await;
    let error = client(&server.uri())
        .change_playbook_instance(change_request("i1"))
        .await
        .unwrap_err();
    match &error {
        Error::Decode {
            status,
            request_id,
            snippet,
            ..
        } => {
            assert_eq!(*status, 200);
            assert_eq!(request_id.as_deref(), Some("req-bad-json"));
            assert_eq!(snippet, "{\"id\": <html>oops");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_200_with_an_empty_body_is_a_decode_error() {
    let server =
        answering(ResponseTemplate::new(200).insert_header("X-Request-Id", "req-empty")).await;
    let error = client(&server.uri())
        .change_playbook_instance(change_request("i1"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Decode { status: 200, .. }),
        "{error:?}"
    );
    assert_eq!(error.request_id(), Some("req-empty"));
}

#[tokio::test]
async fn unknown_fields_are_accepted_and_unknown_enum_values_kept() {
    let body = r#"{"id":"i1","status":"PAUSED_BY_OPERATOR","brand_new_field":{"x":[1,2]},"trigger_type":"EVENT"}"#;
    let server = answering(ResponseTemplate::new(200).set_body_raw(body, "application/json")).await;
    let response = client(&server.uri())
        .change_playbook_instance(change_request("i1"))
        .await
        .unwrap();
    let status = response.body.status.clone().unwrap();
    assert!(
        matches!(&status, PlaybookInstanceInfoStatus::Unknown(value) if value.as_str() == "PAUSED_BY_OPERATOR"),
        "{status:?}"
    );
    // Equality follows the wire value: a listed value never hides in `Unknown`.
    assert_eq!(
        status,
        PlaybookInstanceInfoStatus::from("PAUSED_BY_OPERATOR")
    );
    assert_eq!(
        PlaybookInstanceInfoStatus::from("TERMINATED"),
        PlaybookInstanceInfoStatus::Terminated
    );
    assert_eq!(
        serde_json::to_value(&status).unwrap(),
        serde_json::json!("PAUSED_BY_OPERATOR")
    );
}

#[tokio::test]
async fn a_redirect_is_not_followed_but_reported() {
    let server = answering(
        ResponseTemplate::new(302)
            .insert_header("Location", "http://127.0.0.1:9/elsewhere")
            .insert_header("X-Request-Id", "req-302"),
    )
    .await;
    let error = client(&server.uri())
        .change_playbook_instance(change_request("i1"))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(302));
    assert_eq!(error.request_id(), Some("req-302"));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_body_beyond_the_limit_is_refused_declared_or_streamed() {
    let big = "x".repeat(64 * 1024);
    let server = answering(
        ResponseTemplate::new(200)
            .set_body_raw(big.clone(), "application/json")
            .insert_header("X-Request-Id", "req-big"),
    )
    .await;
    let limited = Client::builder()
        .endpoint(server.uri())
        .credentials(Credentials::ak_sk(AK, SK).with_project_id("p"))
        .max_response_bytes(1024)
        .build()
        .unwrap();
    let error = limited
        .change_playbook_instance(change_request("i1"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::BodyTooLarge { limit: 1024, .. }),
        "{error:?}"
    );
    assert_eq!(error.request_id(), Some("req-big"));

    // Without Content-Length (chunked): the limit holds while reading.
    let (address, _) = raw_server(move |mut stream| {
        let big = big.clone();
        async move {
            read_request(&mut stream).await;
            let mut reply = String::from("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nx-request-id: req-chunked\r\n\r\n");
            for _ in 0..16 {
                reply.push_str(&format!("{:x}\r\n{}\r\n", 4096, &big[..4096]));
            }
            reply.push_str("0\r\n\r\n");
            let _ = stream.write_all(reply.as_bytes()).await;
        }
    })
    .await;
    let limited = Client::builder()
        .endpoint(endpoint(address))
        .credentials(Credentials::ak_sk(AK, SK).with_project_id("p"))
        .max_response_bytes(10_000)
        .build()
        .unwrap();
    let error = limited
        .change_playbook_instance(change_request("i1"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::BodyTooLarge { limit: 10_000, .. }),
        "{error:?}"
    );
    assert_eq!(error.request_id(), Some("req-chunked"));
}

// ----- hostile values from callers -----

#[tokio::test]
async fn hostile_path_values_stay_one_segment_or_are_refused_before_sending() {
    let server = answering(ResponseTemplate::new(200).set_body_raw("{}", "application/json")).await;
    let client = client(&server.uri());
    let long = "é/".repeat(5_000);
    let cases: [(&str, Option<&str>); 8] = [
        ("a/../../admin", Some("a%2F..%2F..%2Fadmin")),
        ("?x=1#frag", Some("%3Fx%3D1%23frag")),
        ("100%", Some("100%25")),
        ("line\r\nbreak", Some("line%0D%0Abreak")),
        ("nul\0byte", Some("nul%00byte")),
        ("中文 ✓", Some("%E4%B8%AD%E6%96%87%20%E2%9C%93")),
        ("..", None),
        (".", None),
    ];
    for (value, encoded) in cases {
        let result = client.change_playbook_instance(change_request(value)).await;
        match encoded {
            Some(encoded) => {
                result.unwrap();
                let requests = server.received_requests().await.unwrap();
                let path = requests.last().unwrap().url.path().to_owned();
                assert_eq!(
                    path,
                    format!(
                        "/v1/proj123/workspaces/ws1/soc/playbooks/instances/{encoded}/operation"
                    )
                );
            }
            None => assert!(matches!(result, Err(Error::InvalidRequest(_))), "{value:?}"),
        }
    }
    client
        .change_playbook_instance(change_request(&long))
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    let path = requests.last().unwrap().url.path();
    assert!(
        path.ends_with("/operation") && path.matches('/').count() == 9,
        "{path}"
    );
    assert_eq!(requests.len(), 7, "the two refused values sent nothing");
}

#[tokio::test]
async fn an_empty_or_missing_project_id_is_refused_before_sending() {
    let server = answering(ResponseTemplate::new(200).set_body_raw("{}", "application/json")).await;
    let no_project = Client::builder()
        .endpoint(server.uri())
        .credentials(Credentials::ak_sk(AK, SK))
        .build()
        .unwrap();
    let error = no_project
        .change_playbook_instance(change_request("i1"))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::InvalidRequest(message) if message.contains("project id")),
        "{error:?}"
    );
    let request = CreateWorkflowInstanceRequest::new()
        .workspace_id("ws1")
        .workflow_id("wf1")
        .body(serde_json::from_value::<huaweicloud_secmaster::models::AopInstanceEventData>(serde_json::json!({"command_type": "ActionInstanceRunCommand", "action_type": "workflow"})).unwrap())
        .project_id("");
    let error = client(&server.uri())
        .create_workflow_instance(request)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

// ----- concurrency -----

/// Answers each playbook-instance call with the instance id of its own path.
struct EchoInstance;

impl Respond for EchoInstance {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let segments: Vec<&str> = request.url.path().split('/').collect();
        let instance = segments
            .get(segments.len().wrapping_sub(2))
            .copied()
            .unwrap_or("");
        let body = serde_json::json!({ "id": instance, "status": "RUNNING" });
        ResponseTemplate::new(200)
            .set_body_json(body)
            .insert_header("X-Request-Id", format!("req-{instance}"))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_client_serves_1000_concurrent_requests_each_with_its_own_answer() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(EchoInstance)
        .mount(&server)
        .await;
    let client = Client::builder()
        .endpoint(server.uri())
        .credentials(Credentials::ak_sk(AK, SK).with_project_id("proj123"))
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let tasks: Vec<_> = (0..1000)
        .map(|index| {
            let client = client.clone();
            tokio::spawn(async move {
                let instance = format!("instance-{index}");
                let response = client
                    .change_playbook_instance(change_request(&instance))
                    .await;
                (instance, response)
            })
        })
        .collect();
    let mut answered = 0;
    for task in tasks {
        let (instance, response) = task.await.unwrap();
        let response = response.unwrap_or_else(|error| panic!("{instance}: {error}"));
        assert_eq!(response.body.id.as_deref(), Some(instance.as_str()));
        assert_eq!(
            response.request_id.as_deref(),
            Some(format!("req-{instance}").as_str())
        );
        answered += 1;
    }
    assert_eq!(answered, 1000);
    assert_eq!(server.received_requests().await.unwrap().len(), 1000);
}

#[tokio::test]
async fn hostile_query_values_are_encoded_and_signed_and_bad_headers_refused() {
    use huaweicloud_secmaster::runtime::{Call, Operation};
    static LIST: Operation = Operation {
        name: "ListThings",
        method: http::Method::GET,
        path: "/v1/{project_id}/things",
        idempotent: true,
    };
    let server_get = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("{}", "application/json"))
        .mount(&server_get)
        .await;
    let client = client(&server_get.uri());
    let mut call = Call::new(&LIST);
    call.project_id_param("project_id", None);
    call.query("q", "a/../b?c=d#e%f+g h\r\n\0ü");
    call.query("tag", "x");
    call.query("tag", "a&b=c");
    call.header("X-Trace", "  padded  ".to_owned());
    call.header("X-Note", "grüße".to_owned());
    client.send(call).await.unwrap();
    let request = &server_get.received_requests().await.unwrap()[0];
    assert_eq!(request.url.path(), "/v1/proj123/things");
    assert_eq!(
        request.url.query(),
        Some("q=a%2F..%2Fb%3Fc%3Dd%23e%25f%2Bg%20h%0D%0A%00%C3%BC&tag=a%26b%3Dc&tag=x")
    );
    assert_eq!(
        request
            .headers
            .get("x-trace")
            .and_then(|value| value.to_str().ok()),
        Some("padded")
    );
    // Beyond ASCII is sent as UTF-8 bytes, as the official SDK sends it.
    assert_eq!(
        request.headers.get("x-note").map(|value| value.as_bytes()),
        Some("grüße".as_bytes())
    );

    for value in ["a\r\nInjected: 1", "nul\0byte", "line\nbreak"] {
        let mut call = Call::new(&LIST);
        call.project_id_param("project_id", None);
        call.header("X-Trace", value.to_owned());
        let error = client.send(call).await.unwrap_err();
        assert!(
            matches!(error, Error::InvalidRequest(_)),
            "{value:?}: {error:?}"
        );
    }
    assert_eq!(
        server_get.received_requests().await.unwrap().len(),
        1,
        "refused calls send nothing"
    );
}
