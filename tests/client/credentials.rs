//! Credentials: the mock accepts our signature and refuses a wrong secret, token and
//! security-token credentials, the default credential chain, tokens that cannot be header
//! values, and secrets kept out of debug output and errors.

use huaweicloud_secmaster::models::AopInstanceEventDataActionType;
use huaweicloud_secmaster::{mock, Client, Credentials, Error};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer as WireMock, ResponseTemplate};

use crate::verifier::{header, verify};
use crate::{
    change_request, client_for, create_request, AK, CHANGE_PATH, PROJECT, SEED_CHANGE_RESPONSE, SK,
};

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

/// Every signing algorithm of the official SDK, through the mock, which verifies each as
/// the API gateway does: the call succeeds, the `Authorization` header names the
/// algorithm, and the same client with a wrong secret is refused.
#[tokio::test]
async fn every_signing_algorithm_is_accepted_by_the_mock_and_a_wrong_secret_is_not() {
    use huaweicloud_secmaster::runtime::SigningAlgorithm;
    let mock = mock::start(AK, SK).await.unwrap();
    let cases = [
        (
            Some(SigningAlgorithm::HmacSha256),
            "SDK-HMAC-SHA256 Access=",
        ),
        (Some(SigningAlgorithm::HmacSm3), "SDK-HMAC-SM3 Access="),
        (
            Some(SigningAlgorithm::EcdsaP256Sha256),
            "SDK-ECDSA-P256-SHA256 Access=",
        ),
        (Some(SigningAlgorithm::Sm2Sm3), "SDK-SM2-SM3 Access="),
        (None, "V11-HMAC-SHA256 Credential="),
    ];
    for (algorithm, prefix) in cases {
        for (secret, accepted) in [(SK, true), ("not-the-secret", false)] {
            let builder = Client::builder()
                .endpoint(mock.endpoint())
                .region(huaweicloud_secmaster::Region::new("cn-north-4"))
                .credentials(Credentials::ak_sk(AK, secret).with_project_id(PROJECT));
            let builder = match algorithm {
                Some(algorithm) => builder.signing_algorithm(algorithm),
                None => builder.derived_auth("secmaster"),
            };
            mock.clear_requests();
            let result = builder
                .build()
                .unwrap()
                .change_playbook_instance(change_request())
                .await;
            let request = &mock.requests()[0];
            let authorization = request.header("authorization").unwrap_or_default();
            assert!(authorization.starts_with(prefix), "{authorization}");
            assert_eq!(request.authenticated, accepted, "{prefix} {secret}");
            assert_eq!(result.is_ok(), accepted, "{prefix}: {result:?}");
        }
    }
    let request = &mock.requests()[0];
    assert!(request
        .header("authorization")
        .unwrap_or_default()
        .contains("/cn-north-4/secmaster, SignedHeaders="));
}

/// With derived auth, the service's calls are signed V11 for the service, but the project
/// id discovery's call to IAM is not (IAM is another service): it takes the client's plain
/// algorithm, as the official SDK turns its derived predicate off for discovery.
#[tokio::test]
async fn derived_auth_leaves_the_discovery_call_to_iam_plainly_signed() {
    let mock = mock::start(AK, SK).await.unwrap();
    let client = Client::builder()
        .endpoint(mock.endpoint())
        .iam_endpoint(mock.endpoint())
        .region(huaweicloud_secmaster::Region::new("cn-north-4"))
        .credentials(Credentials::ak_sk(AK, SK))
        .derived_auth("secmaster")
        .build()
        .unwrap();
    client
        .change_playbook_instance(change_request())
        .await
        .unwrap();
    let requests = mock.requests();
    let schemes: Vec<(&str, &str)> = requests
        .iter()
        .map(|request| {
            let authorization = request.header("authorization").unwrap_or_default();
            (
                request.path.as_str(),
                authorization.split(' ').next().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(schemes.len(), 2, "{schemes:?}");
    assert_eq!(schemes[0], ("/v3/projects", "SDK-HMAC-SHA256"));
    assert_eq!(schemes[1].1, "V11-HMAC-SHA256", "{schemes:?}");
    assert!(requests.iter().all(|request| request.authenticated));
}

/// V11 signs for a region: without one the client is not built.
#[test]
fn derived_auth_without_a_region_is_refused_when_the_client_is_built() {
    let error = Client::builder()
        .endpoint("http://127.0.0.1:9")
        .credentials(Credentials::ak_sk(AK, SK))
        .derived_auth("secmaster")
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("call .region(..)"), "{error}");
}
