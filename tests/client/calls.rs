//! Both operations on the wire against a wiremock server: the request sent (method, path,
//! headers, signature, body, encoded path values), the answer decoded, and the size of a
//! call's future.

use huaweicloud_secmaster::models::AopInstanceEventDataCommandType;
use huaweicloud_secmaster::operations::ChangePlaybookInstanceRequest;
use huaweicloud_secmaster::Error;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer as WireMock, ResponseTemplate};

use crate::verifier::{header, verify};
use crate::{
    change_body, change_request, client_for, create_request, AK, CHANGE_PATH, CREATE_PATH, PROJECT,
    SEED_CHANGE_RESPONSE, SEED_CREATE_REQUEST, SK,
};

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

/// As the official SDK sends them (`Client.build_future_request` in huaweicloudsdkcore): a
/// call without a body still says `Content-Type: application/json`, signed, unless
/// `ignore_content_type_for_get_request` is on and the call is a GET; an optional body left
/// unset leaves its media type.
#[tokio::test]
async fn bodiless_calls_say_content_type_as_the_sdk_does() {
    use huaweicloud_secmaster::operations::{DeleteAlertRequest, ListWorkflowsRequest};
    let server = WireMock::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_raw("{}", "application/json"))
        .mount(&server)
        .await;
    let list = || ListWorkflowsRequest::new().workspace_id("ws");
    client_for(&server.uri())
        .list_workflows(list())
        .await
        .unwrap();
    client_for(&server.uri())
        .delete_alert(DeleteAlertRequest::new().workspace_id("ws"))
        .await
        .unwrap();
    let ignoring = crate::client_builder(&server.uri())
        .ignore_content_type_for_get_request(true)
        .build()
        .unwrap();
    ignoring.list_workflows(list()).await.unwrap();
    ignoring
        .delete_alert(DeleteAlertRequest::new().workspace_id("ws"))
        .await
        .unwrap();

    let received = server.received_requests().await.unwrap();
    let seen: Vec<(String, Option<&str>)> = received
        .iter()
        .map(|request| (request.method.to_string(), header(request, "content-type")))
        .collect();
    assert_eq!(
        seen,
        [
            ("GET".to_owned(), Some("application/json")),
            ("DELETE".to_owned(), Some("application/json")),
            ("GET".to_owned(), None),
            ("DELETE".to_owned(), Some("application/json")),
        ]
    );
    let signed = |request: &wiremock::Request| {
        header(request, "authorization")
            .unwrap()
            .contains("SignedHeaders=content-type;")
    };
    assert!(signed(&received[0]) && signed(&received[1]) && !signed(&received[2]));
    for request in &received {
        verify(request, SK).unwrap();
    }
}
