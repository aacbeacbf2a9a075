//! Error answers: a declared 400 becomes a service error whose body decodes to its type, and
//! error bodies of every shape the service uses are parsed into code and message.

use huaweicloud_secmaster::models::ErrorResponseBody;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer as WireMock, ResponseTemplate};

use crate::{change_request, client_for, CHANGE_PATH};

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
