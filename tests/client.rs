//! The generated client against real HTTP servers on loopback: what goes on the wire, what
//! comes back, retries, timeouts, TLS, and secrets kept out of output.
//! (Log lines are checked in `logs.rs`, a process of its own.)

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use huaweicloud_secmaster::mock;
use huaweicloud_secmaster::models::{
    AopInstanceEventData, AopInstanceEventDataActionType, AopInstanceEventDataCommandType,
    CreateWorkflowInstanceResponseBody, DataClassRef, DataObjectRefInfo, ErrorResponseBody,
    OperationPlaybookInfo, OperationPlaybookInfoOperation, PlaybookInstanceInfo,
    PlaybookInstanceInfoStatus, PlaybookInstanceInfoTriggerType, PlaybookcontextRef,
};
use huaweicloud_secmaster::operations::{
    ChangePlaybookInstanceRequest, CreateWorkflowInstanceRequest,
};
use huaweicloud_secmaster::{Client, Credentials, Error, Region, RetryPolicy};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer as WireMock, Request, Respond, ResponseTemplate};

mod support;

const AK: &str = "TESTAK0123456789";
const SK: &str = "TESTSK-secret-value-0123456789";
const PROJECT: &str = "proj123";
const CREATE_PATH: &str = "/v1/proj123/workspaces/ws1/soc/workflows/wf1/instances";
const CHANGE_PATH: &str = "/v1/proj123/workspaces/ws1/soc/playbooks/instances/inst1/operation";

const SEED_CREATE_REQUEST: &str = r#"{
  "command_type" : "ActionInstanceRunCommand",
  "action_type" : "workflow",
  "action_id" : "446255ce-XXXXXXXXXX-0b4931",
  "action_instance_id" : "1111xxxxxxxxxxxxxx111",
  "playbook_context" : {
    "data_object" : {
      "dataclass" : { "name" : "Alert" },
      "content" : { "name" : { }, "key" : { } }
    }
  }
}"#;

const SEED_CHANGE_RESPONSE: &str = r#"{
  "id" : "909494e3-558e-46b6-a9eb-07a8e18ca62f",
  "name" : "MyXXX",
  "project_id" : "909494e3-558e-46b6-a9eb-07a8e18ca62f",
  "playbook" : {
    "id" : "909494e3-558e-46b6-a9eb-07a8e18ca62f",
    "version_id" : "909494e3-558e-46b6-a9eb-07a8e18ca62f",
    "name" : "909494e3-558e-46b6-a9eb-07a8e18ca62f",
    "version" : "v1.1.1"
  },
  "dataclass" : {
    "id" : "909494e3-558e-46b6-a9eb-07a8e18ca62f",
    "name" : "909494e3-558e-46b6-a9eb-07a8e18ca62f"
  },
  "dataobject" : {
    "id" : "909494e3-558e-46b6-a9eb-07a8e18ca62f",
    "name" : "909494e3-558e-46b6-a9eb-07a8e18ca62f"
  },
  "status" : "TERMINATED",
  "trigger_type" : "string",
  "start_time" : "2021-01-30T23:00:00Z+0800",
  "end_time" : "2021-01-30T23:00:00Z+0800"
}"#;

fn client_for(endpoint: &str) -> Client {
    client_builder(endpoint).build().expect("client builds")
}

fn client_builder(endpoint: &str) -> huaweicloud_secmaster::ClientBuilder {
    Client::builder()
        .endpoint(endpoint)
        .credentials(Credentials::ak_sk(AK, SK).with_project_id(PROJECT))
        .retry_policy(RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_secs(2),
        })
}

/// A call's future is not boxed: the caller's future holds it, so growing it is a decision,
/// not an accident. The send path is plain `async fn`s (about 3 KB; the hand-flattened
/// state machine it replaced took about 1 KB, a gain issue 21 found inside the spread
/// between the loopback bench's rounds).
#[test]
fn a_call_future_stays_within_its_size_budget() {
    static LIST: huaweicloud_secmaster::runtime::Operation =
        huaweicloud_secmaster::runtime::Operation {
            name: "ListWorkspaces",
            method: http::Method::GET,
            path: "/v1/{project_id}/workspaces",
            idempotent: true,
        };
    let client = client_for("http://127.0.0.1:9");
    let mut call = huaweicloud_secmaster::runtime::Call::new(&LIST);
    call.project_id_param("project_id", None);
    let future = client.send(call);
    let size = std::mem::size_of_val(&future);
    assert!(size <= 4096, "the call future takes {size} bytes");
    let generated = client.change_playbook_instance(
        ChangePlaybookInstanceRequest::new()
            .workspace_id("ws1")
            .instance_id("inst1")
            .body(change_body()),
    );
    let size = std::mem::size_of_val(&generated);
    assert!(
        size <= 4608,
        "a generated method's future takes {size} bytes"
    );
}

fn seed_create_body() -> AopInstanceEventData {
    serde_json::from_str(SEED_CREATE_REQUEST).expect("seed request decodes")
}

fn create_request() -> CreateWorkflowInstanceRequest {
    CreateWorkflowInstanceRequest::new()
        .workspace_id("ws1")
        .workflow_id("wf1")
        .body(seed_create_body())
}

fn change_body() -> OperationPlaybookInfo {
    OperationPlaybookInfo::builder()
        .operation(OperationPlaybookInfoOperation::Retry)
        .build()
        .unwrap()
}

fn change_request() -> ChangePlaybookInstanceRequest {
    ChangePlaybookInstanceRequest::new()
        .workspace_id("ws1")
        .instance_id("inst1")
        .body(change_body())
}

// ----- an independent SDK-HMAC-SHA256 verifier, written from HUAWEI_SDK_FACTS.md -----

const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request
        .headers
        .get(name)
        .and_then(|value| value.to_str().ok())
}

/// Checks a received request's signature; returns the reason when it does not verify.
fn verify(request: &Request, secret_key: &str) -> Result<(), String> {
    let authorization = header(request, "authorization").ok_or("no authorization")?;
    let fields = authorization
        .strip_prefix("SDK-HMAC-SHA256 ")
        .ok_or("wrong algorithm")?;
    let field = |key: &str| {
        fields
            .split(", ")
            .find_map(|part| {
                part.strip_prefix(key)
                    .and_then(|rest| rest.strip_prefix('='))
            })
            .map(str::to_owned)
    };
    let signed_headers = field("SignedHeaders").ok_or("no SignedHeaders")?;
    let signature = field("Signature").ok_or("no Signature")?;
    let date = header(request, "x-sdk-date").ok_or("no x-sdk-date")?;

    let decoded = percent_decode_str(request.url.path())
        .decode_utf8_lossy()
        .into_owned();
    let mut uri: Vec<String> = decoded
        .split('/')
        .map(|segment| utf8_percent_encode(segment, UNRESERVED).to_string())
        .collect();
    if uri.last().is_some_and(|last| !last.is_empty()) {
        uri.push(String::new());
    }
    let mut canonical = format!(
        "{}\n{}\n{}\n",
        request.method.as_str(),
        uri.join("/"),
        request.url.query().unwrap_or("")
    );
    for name in signed_headers.split(';') {
        let value = header(request, name).ok_or_else(|| format!("signed header {name} missing"))?;
        canonical.push_str(&format!("{name}:{}\n", value.trim()));
    }
    let unsigned = header(request, "x-sdk-content-sha256") == Some("UNSIGNED-PAYLOAD")
        && !request.body.is_empty();
    let payload = if unsigned {
        "UNSIGNED-PAYLOAD".to_owned()
    } else {
        hex::encode(Sha256::digest(&request.body))
    };
    canonical.push_str(&format!("\n{signed_headers}\n{payload}"));
    let to_sign = format!(
        "SDK-HMAC-SHA256\n{date}\n{}",
        hex::encode(Sha256::digest(canonical.as_bytes()))
    );
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret_key.as_bytes()).map_err(|error| error.to_string())?;
    mac.update(to_sign.as_bytes());
    let expected = hex::encode(mac.finalize().into_bytes());
    if expected == signature {
        Ok(())
    } else {
        Err(format!("signature mismatch over:\n{canonical}"))
    }
}

// ----- models -----

#[test]
fn seed_examples_round_trip_through_the_models() {
    let request: Value = serde_json::from_str(SEED_CREATE_REQUEST).unwrap();
    let model: AopInstanceEventData = serde_json::from_value(request.clone()).unwrap();
    assert_eq!(serde_json::to_value(&model).unwrap(), request);

    // The 200 example of CreateWorkflowInstance is the same document.
    let model: CreateWorkflowInstanceResponseBody =
        serde_json::from_value(request.clone()).unwrap();
    assert_eq!(serde_json::to_value(&model).unwrap(), request);

    let change_request = json!({ "operation": "RETRY" });
    let model: OperationPlaybookInfo = serde_json::from_value(change_request.clone()).unwrap();
    assert_eq!(model.operation, Some(OperationPlaybookInfoOperation::Retry));
    assert_eq!(serde_json::to_value(&model).unwrap(), change_request);

    let response: Value = serde_json::from_str(SEED_CHANGE_RESPONSE).unwrap();
    let model: PlaybookInstanceInfo = serde_json::from_value(response.clone()).unwrap();
    assert_eq!(model.status, Some(PlaybookInstanceInfoStatus::Terminated));
    // `string` is not a listed trigger type: kept as sent, and sent back unchanged.
    assert_eq!(
        model.trigger_type,
        Some(PlaybookInstanceInfoTriggerType::from("string"))
    );
    assert_eq!(serde_json::to_value(&model).unwrap(), response);
}

#[test]
fn unset_optional_fields_are_omitted_and_free_form_content_is_kept_verbatim() {
    let mut content = serde_json::Map::new();
    content.insert("null_value".into(), Value::Null);
    content.insert("empty".into(), json!({}));
    let dataclass = DataClassRef::builder().name("Alert").build().unwrap();
    let data_object = DataObjectRefInfo::builder()
        .content(content)
        .dataclass(dataclass)
        .build()
        .unwrap();
    let body = AopInstanceEventData::builder()
        .command_type(AopInstanceEventDataCommandType::ActionInstanceRunCommand)
        .action_type(AopInstanceEventDataActionType::Workflow)
        .playbook_context(
            PlaybookcontextRef::builder()
                .data_object(data_object)
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        json!({
            "command_type": "ActionInstanceRunCommand",
            "action_type": "workflow",
            "playbook_context": { "data_object": { "content": { "null_value": null, "empty": {} }, "dataclass": { "name": "Alert" } } }
        })
    );
}

// ----- both operations on the wire -----

#[tokio::test]
async fn create_workflow_instance_sends_a_signed_request_and_decodes_the_answer() {
    let server = WireMock::start().await;
    Mock::given(method("POST"))
        .and(path(CREATE_PATH))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(SEED_CREATE_REQUEST, "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let response = client_for(&server.uri())
        .create_workflow_instance(create_request())
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(
        response.body.action_id.as_deref(),
        Some("446255ce-XXXXXXXXXX-0b4931")
    );
    assert_eq!(
        response.body.command_type,
        Some(AopInstanceEventDataCommandType::ActionInstanceRunCommand)
    );

    let received = server.received_requests().await.unwrap();
    let request = &received[0];
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), CREATE_PATH);
    assert_eq!(request.url.query(), None);
    assert_eq!(header(request, "content-type"), Some("application/json"));
    assert_eq!(header(request, "x-project-id"), Some(PROJECT));
    let host = server.uri().trim_start_matches("http://").to_owned();
    assert_eq!(header(request, "host"), Some(host.as_str()));
    assert!(header(request, "user-agent")
        .unwrap()
        .starts_with("huaweicloud-sdk-rust/"));
    let date = header(request, "x-sdk-date").unwrap();
    assert!(
        date.len() == 16 && date.ends_with('Z') && date.as_bytes()[8] == b'T',
        "x-sdk-date {date}"
    );
    let authorization = header(request, "authorization").unwrap();
    assert!(authorization.starts_with(&format!(
        "SDK-HMAC-SHA256 Access={AK}, SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date, Signature="
    )));
    verify(request, SK).unwrap();
    let sent: Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(
        sent,
        serde_json::from_str::<Value>(SEED_CREATE_REQUEST).unwrap()
    );
}

#[tokio::test]
async fn change_playbook_instance_decodes_the_body_and_the_request_id_header() {
    let server = WireMock::start().await;
    Mock::given(method("POST"))
        .and(path(CHANGE_PATH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(SEED_CHANGE_RESPONSE, "application/json")
                .insert_header("X-request-id", "req-0001-1700000000-host"),
        )
        .mount(&server)
        .await;

    let response = client_for(&server.uri())
        .change_playbook_instance(change_request())
        .await
        .unwrap();
    assert_eq!(
        response.request_id.as_deref(),
        Some("req-0001-1700000000-host")
    );
    assert_eq!(response.body.name.as_deref(), Some("MyXXX"));
    assert_eq!(
        response
            .body
            .playbook
            .as_ref()
            .and_then(|playbook| playbook.version.as_deref()),
        Some("v1.1.1")
    );
    assert_eq!(
        response.body.start_time.as_deref(),
        Some("2021-01-30T23:00:00Z+0800")
    );

    let received = server.received_requests().await.unwrap();
    assert_eq!(
        serde_json::from_slice::<Value>(&received[0].body).unwrap(),
        json!({ "operation": "RETRY" })
    );
    verify(&received[0], SK).unwrap();
}

#[tokio::test]
async fn a_declared_400_is_a_service_error_whose_body_decodes_to_its_type() {
    let server = WireMock::start().await;
    Mock::given(method("POST"))
        .and(path(CHANGE_PATH))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_raw(
                    r#"{"code":"SecMaster.00040001","message":"invalid operation"}"#,
                    "application/json",
                )
                .insert_header("X-request-id", "req-400"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let error = client_for(&server.uri())
        .change_playbook_instance(change_request())
        .await
        .unwrap_err();
    let service = error.as_service().expect("a service error");
    assert_eq!(
        (
            service.status,
            service.error_code.as_str(),
            service.error_msg.as_str()
        ),
        (400, "SecMaster.00040001", "invalid operation")
    );
    assert_eq!(error.request_id(), Some("req-400"));
    let body: ErrorResponseBody = service.decode_body().unwrap();
    assert_eq!(body.code.as_deref(), Some("SecMaster.00040001"));
    assert_eq!(error.to_string(), "ChangePlaybookInstance: HTTP 400 SecMaster.00040001: invalid operation (request id req-400)");
}

#[tokio::test]
async fn error_bodies_of_every_shape_are_parsed() {
    let cases = [
        (
            401,
            r#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information","encoded_authorization_message":"enc"}"#,
            "APIGW.0301",
            "Incorrect IAM authentication information",
        ),
        (
            403,
            r#"{"errorCode":"SEC.403","errorMsg":"forbidden"}"#,
            "SEC.403",
            "forbidden",
        ),
        (
            404,
            r#"{"error":{"code":"SEC.404","message":"no such instance"}}"#,
            "SEC.404",
            "no such instance",
        ),
        (409, "conflict, plain text", "409", "conflict, plain text"),
    ];
    for (status, body, code, message) in cases {
        let server = WireMock::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(status).set_body_string(body))
            .mount(&server)
            .await;
        let error = client_for(&server.uri())
            .change_playbook_instance(change_request())
            .await
            .unwrap_err();
        let service = error.as_service().expect("a service error");
        assert_eq!(
            (
                service.status,
                service.error_code.as_str(),
                service.error_msg.as_str()
            ),
            (status, code, message)
        );
        if status == 401 {
            assert_eq!(
                service.encoded_authorization_message.as_deref(),
                Some("enc")
            );
        }
    }
}

// ----- retries and timeouts -----

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

// ----- the mock, token auth, regions, TLS, secrets -----

#[tokio::test]
async fn the_mock_accepts_our_signature_and_refuses_a_wrong_secret() {
    let mock = mock::start(AK, SK).await.unwrap();
    let response = client_for(&mock.endpoint())
        .create_workflow_instance(create_request())
        .await
        .unwrap();
    assert_eq!(
        response.body.action_type,
        Some(AopInstanceEventDataActionType::Workflow)
    );
    assert!(mock.requests()[0].authenticated);

    let wrong = Client::builder()
        .endpoint(mock.endpoint())
        .credentials(Credentials::ak_sk(AK, "not-the-secret").with_project_id(PROJECT))
        .build()
        .unwrap();
    let error = wrong
        .change_playbook_instance(change_request())
        .await
        .unwrap_err();
    assert_eq!(
        error
            .as_service()
            .map(|error| (error.status, error.error_code.as_str())),
        Some((401, "APIGW.0301"))
    );
}

#[tokio::test]
async fn token_credentials_send_x_auth_token_and_no_signature() {
    let mock = mock::start_with_token(AK, SK, "iam-token-value")
        .await
        .unwrap();
    let client = Client::builder()
        .endpoint(mock.endpoint())
        .credentials(Credentials::token("iam-token-value").with_project_id(PROJECT))
        .build()
        .unwrap();
    client
        .change_playbook_instance(change_request())
        .await
        .unwrap();
    let request = &mock.requests()[0];
    assert_eq!(request.header("x-auth-token"), Some("iam-token-value"));
    assert_eq!(request.header("authorization"), None);
    assert_eq!(request.path, CHANGE_PATH);
}

#[tokio::test]
async fn a_security_token_is_sent_and_signed() {
    let server = WireMock::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(SEED_CHANGE_RESPONSE, "application/json"),
        )
        .mount(&server)
        .await;
    let client = Client::builder()
        .endpoint(server.uri())
        .credentials(
            Credentials::ak_sk(AK, SK)
                .with_security_token("temporary-token")
                .with_project_id(PROJECT),
        )
        .build()
        .unwrap();
    client
        .change_playbook_instance(change_request())
        .await
        .unwrap();
    let request = &server.received_requests().await.unwrap()[0];
    assert_eq!(header(request, "x-security-token"), Some("temporary-token"));
    assert!(header(request, "authorization")
        .unwrap()
        .contains("x-sdk-date;x-security-token"));
    verify(request, SK).unwrap();
}

#[tokio::test]
async fn path_values_are_encoded_and_project_id_can_be_overridden() {
    let server = WireMock::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(SEED_CHANGE_RESPONSE, "application/json"),
        )
        .mount(&server)
        .await;
    let request = ChangePlaybookInstanceRequest::new()
        .workspace_id("ws 01/ä")
        .instance_id("a?b#c%d")
        .body(change_body())
        .project_id("other-project");
    client_for(&server.uri())
        .change_playbook_instance(request)
        .await
        .unwrap();
    let received = &server.received_requests().await.unwrap()[0];
    assert_eq!(received.url.path(), "/v1/other-project/workspaces/ws%2001%2F%C3%A4/soc/playbooks/instances/a%3Fb%23c%25d/operation");
    verify(received, SK).unwrap();

    for bad in ["", "..", "."] {
        let request = change_request().workspace_id(bad);
        let error = client_for(&server.uri())
            .change_playbook_instance(request)
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::InvalidRequest(_)),
            "{bad:?}: {error:?}"
        );
    }
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "refused calls send nothing"
    );
}

#[test]
fn regions_come_from_the_spec_and_can_be_overridden_by_the_environment() {
    use huaweicloud_secmaster::SERVICE;
    assert_eq!(SERVICE.all_regions().count(), 28);
    assert_eq!(
        SERVICE
            .region_endpoint(&Region::new("ap-southeast-1"))
            .unwrap(),
        "https://secmaster.ap-southeast-1.myhuaweicloud.com"
    );
    let error = Client::builder()
        .region(Region::new("xx-nowhere-1"))
        .credentials(Credentials::ak_sk(AK, SK))
        .build()
        .unwrap_err();
    assert!(
        matches!(&error, Error::Config(message) if message.contains("unknown SecMaster region `xx-nowhere-1`")),
        "{error}"
    );

    // A variable only this test reads, so parallel tests are unaffected.
    std::env::set_var(
        "HUAWEICLOUD_SDK_REGION_SECMASTER_LA_SOUTH_2",
        "https://a.example:8443, https://b.example",
    );
    assert_eq!(
        SERVICE.region_endpoint(&Region::new("la-south-2")).unwrap(),
        "https://a.example:8443"
    );
    std::env::set_var(
        "HUAWEICLOUD_SDK_REGION_SECMASTER_XX_PRIVATE_9",
        "private.example",
    );
    let client = Client::builder()
        .region(Region::new("xx-private-9"))
        .credentials(Credentials::ak_sk(AK, SK))
        .build()
        .unwrap();
    assert!(
        format!("{client:?}").contains("https://private.example"),
        "{client:?}"
    );
}

#[test]
fn building_without_credentials_or_endpoint_says_what_is_missing() {
    let error = Client::builder()
        .endpoint("http://127.0.0.1:1")
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("no credentials"), "{error}");
    let error = Client::builder()
        .credentials(Credentials::ak_sk(AK, SK))
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("no endpoint"), "{error}");
}

#[tokio::test]
async fn an_endpoint_without_scheme_gets_https() {
    // No TLS server listens there: the failure must be a connection (not a plain-HTTP) one,
    // proving the scheme became https and port 1 was used.
    let client = client_builder("127.0.0.1:1")
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    assert!(format!("{client:?}").contains("https://127.0.0.1:1"));
}

#[tokio::test]
async fn secrets_never_appear_in_debug_output_or_errors() {
    let mock = mock::start(AK, SK).await.unwrap();
    let client = Client::builder()
        .endpoint(mock.endpoint())
        .credentials(
            Credentials::ak_sk(AK, "wrong-secret-value")
                .with_security_token("security-token-value")
                .with_project_id(PROJECT),
        )
        .build()
        .unwrap();
    let error = client
        .change_playbook_instance(change_request())
        .await
        .unwrap_err();
    let shown = format!("{client:?} {error:?} {error}");
    for secret in [AK, "wrong-secret-value", "security-token-value"] {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
}

// ----- TLS -----

fn tls_material(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tls/{name}", env!("CARGO_MANIFEST_DIR")))
        .expect("test TLS material is committed")
}

/// A one-shot HTTPS server answering every request with the seed answer.
async fn tls_server() -> std::net::SocketAddr {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    use tokio::io::AsyncWriteExt;

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(tls_material("server.der"))],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(tls_material("server.key.der"))),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut stream) = acceptor.accept(stream).await else {
                    return;
                };
                support::read_request(&mut stream).await;
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-request-id: tls-1\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{}",
                    SEED_CHANGE_RESPONSE.len(),
                    SEED_CHANGE_RESPONSE
                );
                let _ = stream.write_all(response.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    address
}

/// Calls ChangePlaybookInstance on a fresh test TLS server, with a client `configure`
/// finishes; the request id the server sent.
async fn call_over_tls(
    configure: impl FnOnce(huaweicloud_secmaster::ClientBuilder) -> huaweicloud_secmaster::ClientBuilder,
) -> Result<Option<String>, Error> {
    let address = tls_server().await;
    let endpoint = format!("https://localhost:{}", address.port());
    let client = configure(client_builder(&endpoint)).build()?;
    let response = client.change_playbook_instance(change_request()).await?;
    Ok(response.request_id)
}

#[tokio::test]
async fn https_endpoints_work_and_untrusted_certificates_are_a_tls_error() {
    let trusted =
        call_over_tls(|builder| builder.add_root_certificate_der(tls_material("ca.der"))).await;
    assert_eq!(trusted.unwrap().as_deref(), Some("tls-1"));
    let untrusted = call_over_tls(|builder| builder).await.unwrap_err();
    assert!(matches!(untrusted, Error::Tls { .. }), "{untrusted:?}");
}

#[tokio::test]
async fn https_goes_through_a_proxy_as_a_connect_tunnel() {
    let (proxy, heads) = support::forwarding_proxy(String::new()).await;
    let request_id = call_over_tls(|builder| {
        builder
            .add_root_certificate_der(tls_material("ca.der"))
            .proxy(format!("http://{proxy}"))
    })
    .await;
    assert_eq!(request_id.unwrap().as_deref(), Some("tls-1"));
    let heads = heads.lock().unwrap().clone();
    assert_eq!(heads.len(), 1, "{heads:?}");
    assert!(heads[0].starts_with("CONNECT localhost:"), "{}", heads[0]);
}

/// The test CA as PEM text, as users usually have it.
fn ca_pem() -> String {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(tls_material("ca.der"));
    let lines: Vec<&str> = encoded
        .as_bytes()
        .chunks(64)
        .map(|line| std::str::from_utf8(line).unwrap())
        .collect();
    format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        lines.join("\n")
    )
}

#[tokio::test]
async fn pem_roots_are_trusted_like_der_ones_and_a_pem_without_one_is_refused() {
    let trusted = call_over_tls(|builder| builder.add_root_certificate_pem(ca_pem())).await;
    assert_eq!(trusted.unwrap().as_deref(), Some("tls-1"));
    let error = call_over_tls(|builder| builder.add_root_certificate_pem("not a certificate"))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    assert!(
        error.to_string().contains("no CERTIFICATE block"),
        "{error}"
    );
}

#[tokio::test]
async fn the_dangerous_switch_accepts_an_untrusted_certificate_and_only_when_on() {
    let reckless = call_over_tls(|builder| builder.danger_accept_invalid_certificates(true)).await;
    assert_eq!(reckless.unwrap().as_deref(), Some("tls-1"));
    let careful = call_over_tls(|builder| builder.danger_accept_invalid_certificates(false))
        .await
        .unwrap_err();
    assert!(matches!(careful, Error::Tls { .. }), "{careful:?}");
}

#[test]
fn the_credential_chain_says_which_sources_were_tried_and_what_was_missing() {
    // Only this test sets these variables, so parallel tests are unaffected.
    let dir = std::env::temp_dir().join(format!("secmaster-credentials-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let profile = dir.join("credentials");
    std::fs::write(&profile, "[basic]\nak = PROFILE-AK\n").unwrap();
    std::env::set_var("HUAWEICLOUD_SDK_CREDENTIALS_FILE", &profile);
    let error = Credentials::from_default_chain().unwrap_err().to_string();
    assert!(
        error.contains("HUAWEICLOUD_SDK_AK or CLOUD_SDK_AK"),
        "{error}"
    );
    assert!(error.contains("section [basic] lacks sk"), "{error}");
    assert!(error.contains(&profile.display().to_string()), "{error}");
    assert!(!error.contains("PROFILE-AK"), "{error}");

    std::fs::write(
        &profile,
        "[basic]\nak = PROFILE-AK\nsk = PROFILE-SK\nproject_id = p9\n",
    )
    .unwrap();
    let credentials = Credentials::from_default_chain().unwrap();
    assert_eq!(
        credentials,
        Credentials::ak_sk("PROFILE-AK", "PROFILE-SK").with_project_id("p9")
    );
    std::env::remove_var("HUAWEICLOUD_SDK_CREDENTIALS_FILE");
    let _ = std::fs::remove_dir_all(&dir);
}

// ----- generated models -----

#[test]
fn generated_impls_decode_ignore_unknown_keys_and_report_missing_fields() {
    use huaweicloud_secmaster::models::PlaybookInfoRef;
    let decoded: DataClassRef =
        serde_json::from_str(r#"{"name":"Alert","extra":{"deep":[1,2]},"id":null}"#).unwrap();
    assert_eq!(
        decoded,
        DataClassRef::builder().name("Alert").build().unwrap()
    );
    let error = serde_json::from_str::<DataClassRef>(r#"{"id":"x"}"#)
        .unwrap_err()
        .to_string();
    assert!(error.starts_with("missing field `name`"), "{error}");
    let error = serde_json::from_str::<DataClassRef>(r#"{"name":5}"#)
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("invalid type: integer `5`, expected a string"),
        "{error}"
    );
    let error = serde_json::from_str::<DataClassRef>("[]")
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("invalid type: sequence, expected struct DataClassRef"),
        "{error}"
    );
    let empty: PlaybookInfoRef = serde_json::from_str("{}").unwrap();
    assert_eq!(empty, PlaybookInfoRef::default());
}

/// Tokens become header values once, when the client is built: one that cannot be a header
/// value is refused there, and the message names the token without showing it.
#[test]
fn a_token_that_cannot_be_a_header_value_is_refused_when_the_client_is_built() {
    for credentials in [
        Credentials::token("IAM\nTOKEN-SECRET"),
        Credentials::ak_sk(AK, SK).with_security_token("TEMP\nTOKEN-SECRET"),
    ] {
        let error = Client::builder()
            .endpoint("http://127.0.0.1:9")
            .credentials(credentials)
            .build()
            .unwrap_err();
        assert!(matches!(error, Error::Config(_)), "{error:?}");
        assert!(
            error
                .to_string()
                .contains("token is not a valid header value"),
            "{error}"
        );
        assert!(
            !format!("{error} {error:?}").contains("TOKEN-SECRET"),
            "{error:?}"
        );
    }
}
