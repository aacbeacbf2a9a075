//! The constructs real Huawei specs use, each through a crate generated from a fixture spec
//! (`tests/fixture-crates/*`) and called against its generated mock or a raw loopback
//! server: multipart uploads, streamed downloads, csv query arrays, several 2xx answers,
//! SDK-style schema names, typed error bodies, bad values refused before sending, and
//! `oneOf`/`anyOf` values and flattened `allOf` models.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use huaweicloud_secmaster::runtime::{
    ClientBuilder, Credentials, Error, FilePart, RetryPolicy, ServiceClient,
};
use serde_json::json;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

mod support;

const AK: &str = "FIXTUREAK";
const SK: &str = "FIXTURESK";

fn credentials() -> Credentials {
    Credentials::ak_sk(AK, SK).with_project_id("p1")
}

/// A client of any generated crate, for this endpoint and the test credentials.
fn builder<C: ServiceClient>(endpoint: &str) -> ClientBuilder<C> {
    ClientBuilder::new()
        .endpoint(endpoint)
        .credentials(credentials())
}

fn client<C: ServiceClient>(endpoint: &str) -> C {
    builder(endpoint).build().expect("the client builds")
}

/// The multipart boundary of a recorded request's Content-Type.
fn boundary(content_type: &str) -> String {
    content_type
        .split("boundary=")
        .nth(1)
        .expect("a boundary")
        .to_owned()
}

#[tokio::test]
async fn a_multipart_upload_is_signed_unsigned_payload_and_encoded_as_the_sdk_encodes() {
    use fixture_multipart::models::{UploadFileRequestBody, UploadFileRequestBodyKind};
    use fixture_multipart::operations::UploadFileRequest;
    let mock = fixture_multipart::mock::start(AK, SK).await.unwrap();
    let client = client::<fixture_multipart::Client>(&mock.endpoint());
    let body = UploadFileRequestBody::builder()
        .file(
            FilePart::from_bytes(&b"hello"[..])
                .file_name("a.txt")
                .content_type("text/plain"),
        )
        .title("Quarterly")
        .size_limit(10)
        .overwrite(true)
        .kind(UploadFileRequestBodyKind::Evidence)
        .build()
        .unwrap();
    let response = client
        .upload_file(UploadFileRequest::new().body(body))
        .await
        .unwrap();
    assert_eq!(response.status, 204);
    assert!(
        response.request_id.is_some(),
        "every answer has a request id"
    );

    let request = &mock.requests()[0];
    assert!(request.authenticated, "the mock verified the signature");
    assert_eq!(
        request.header("x-sdk-content-sha256"),
        Some("UNSIGNED-PAYLOAD")
    );
    let content_type = request.header("content-type").unwrap();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let signed = request.header("authorization").unwrap();
    assert!(signed.contains("SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-content-sha256;x-sdk-date"), "{signed}");
    let boundary = boundary(content_type);
    let expected = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nQuarterly\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"size_limit\"\r\n\r\n10\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"overwrite\"\r\n\r\ntrue\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nevidence\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n\
         --{boundary}--\r\n"
    );
    assert_eq!(String::from_utf8_lossy(&request.body), expected);
    assert_eq!(
        request.header("content-length"),
        Some(expected.len().to_string().as_str())
    );
}

/// A form-urlencoded body is sent as the official SDK sends IAM's SAML token call: the
/// fields in schema order, `+` for a space, arrays as repeated names, unset fields left
/// out; its payload is not hashed (`UNSIGNED-PAYLOAD`, as for any non-JSON body).
#[tokio::test]
async fn a_form_urlencoded_body_is_encoded_and_signed_as_the_sdk_does() {
    use fixture_multipart::models::{SamlAssertion, SamlAssertionScope};
    use fixture_multipart::operations::CreateTokenBySamlRequest;
    let mock = fixture_multipart::mock::start(AK, SK).await.unwrap();
    let client = client::<fixture_multipart::Client>(&mock.endpoint());
    let body = SamlAssertion::builder()
        .saml_response("PHNh+bWw/Pg== a&b")
        .remember(true)
        .scope(SamlAssertionScope::Domain)
        .audiences(["iam", "sts x"])
        .build()
        .unwrap();
    let response = client
        .create_token_by_saml(CreateTokenBySamlRequest::new().x_idp_id("idp1").body(body))
        .await
        .unwrap();
    assert_eq!(response.status, 201);

    let request = &mock.requests()[0];
    assert!(request.authenticated, "the mock verified the signature");
    assert_eq!(
        request.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        request.header("x-sdk-content-sha256"),
        Some("UNSIGNED-PAYLOAD")
    );
    assert_eq!(
        String::from_utf8_lossy(&request.body),
        "SAMLResponse=PHNh%2BbWw%2FPg%3D%3D+a%26b&remember=true&scope=domain&audiences=iam&audiences=sts+x"
    );

    // Without the required field the mock says so (the builder lets a test skip it only
    // through JSON).
    let partial: SamlAssertion =
        serde_json::from_value(serde_json::json!({"SAMLResponse": "x", "ttl_minutes": 5})).unwrap();
    client
        .create_token_by_saml(
            CreateTokenBySamlRequest::new()
                .x_idp_id("idp1")
                .body(partial),
        )
        .await
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&mock.requests()[1].body),
        "SAMLResponse=x&ttl_minutes=5"
    );
}

#[tokio::test]
async fn uploads_stream_from_a_file_or_a_reader_and_report_progress() {
    use fixture_multipart::models::ImportAlertsRequestBody;
    use fixture_multipart::operations::ImportAlertsRequest;
    let mock = fixture_multipart::mock::start(AK, SK).await.unwrap();
    let client = client::<fixture_multipart::Client>(&mock.endpoint());
    let dir = std::env::temp_dir().join(format!("constructs-upload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("alerts.json");
    let content = "x".repeat(200_000);
    std::fs::write(&path, &content).unwrap();

    let sent = Arc::new(AtomicU64::new(0));
    let seen = sent.clone();
    let file = FilePart::from_path(&path).on_progress(move |done, total| {
        assert_eq!(total, Some(200_000));
        seen.store(done, Ordering::SeqCst);
    });
    let body = ImportAlertsRequestBody::builder()
        .import_file(file)
        .mapping_name("default")
        .build()
        .unwrap();
    let response = client
        .import_alerts(ImportAlertsRequest::new().workspace_id("ws1").body(body))
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(
        sent.load(Ordering::SeqCst),
        200_000,
        "progress reached the total"
    );
    let request = &mock.requests()[0];
    assert!(request.authenticated);
    let text = String::from_utf8_lossy(&request.body);
    assert!(
        text.contains("name=\"import_file\"; filename=\"alerts.json\"\r\n\r\n"),
        "the file name comes from the path"
    );
    assert!(text.contains(&content));
    // Text fields come before files, whatever the schema's order.
    assert!(text.find("mapping_name").unwrap() < text.find("import_file").unwrap());

    // An `AsyncRead` is streamed (no length known, so chunked) and sent once.
    let reader = std::io::Cursor::new(b"from a reader".to_vec());
    let body = ImportAlertsRequestBody::builder()
        .import_file(FilePart::from_reader(reader).file_name("r.csv"))
        .build()
        .unwrap();
    client
        .import_alerts(ImportAlertsRequest::new().workspace_id("ws1").body(body))
        .await
        .unwrap();
    let request = &mock.requests()[1];
    assert!(request.authenticated);
    assert_eq!(request.header("content-length"), None);
    assert!(String::from_utf8_lossy(&request.body).contains("from a reader"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn bad_uploads_are_refused_before_anything_is_sent() {
    use fixture_multipart::models::ImportAlertsRequestBody;
    use fixture_multipart::operations::ImportAlertsRequest;
    let mock = fixture_multipart::mock::start(AK, SK).await.unwrap();
    let client = client::<fixture_multipart::Client>(&mock.endpoint());
    let cases = [
        FilePart::from_path("/nonexistent/alerts.json"),
        FilePart::from_bytes(&b"x"[..]).file_name("a\r\nX-Injected: 1"),
        FilePart::from_bytes(&b"x"[..]).content_type("text/plain\r\nX-Injected: 1"),
    ];
    for file in cases {
        let body = ImportAlertsRequestBody::builder()
            .import_file(file.clone())
            .build()
            .unwrap();
        let error = client
            .import_alerts(ImportAlertsRequest::new().workspace_id("ws1").body(body))
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::InvalidRequest(_)),
            "{file:?}: {error:?}"
        );
    }
    // A required form field left unset is caught by the builder, a required value of the
    // request when it is sent.
    let error = ImportAlertsRequestBody::builder().build().unwrap_err();
    assert_eq!(
        error.to_string(),
        "ImportAlertsRequestBody: required field `import_file` is not set"
    );
    let error = client
        .import_alerts(
            ImportAlertsRequest::new().body(
                ImportAlertsRequestBody::builder()
                    .import_file(FilePart::from_bytes(&b"x"[..]))
                    .build()
                    .unwrap(),
            ),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::InvalidRequest(message) if message.contains("required path parameter `workspace_id`")),
        "{error:?}"
    );
    assert!(mock.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn a_download_streams_with_headers_first_and_a_cut_short_body_is_an_error() {
    use fixture_downloads_and_media_types::operations::ExportReportRequest;
    let mock = fixture_downloads_and_media_types::mock::start(AK, SK)
        .await
        .unwrap();
    let content = vec![7u8; 300_000];
    mock.set_answer(
        "ExportReport",
        fixture_downloads_and_media_types::mock::MockAnswer::raw(
            200,
            "application/octet-stream",
            content.clone(),
        )
        .header("X-API-Deprecation-Info", "sunset 2027-01-01"),
    );
    let client = builder::<fixture_downloads_and_media_types::Client>(&mock.endpoint())
        .max_response_bytes(1024)
        .build()
        .unwrap();
    let response = client
        .export_report(ExportReportRequest::new().export_id("e1"))
        .await
        .unwrap();
    // Status, request id and headers are there before the body is read.
    assert_eq!(response.status, 200);
    assert!(response.request_id.is_some());
    assert_eq!(
        response.x_api_deprecation_info.as_deref(),
        Some("sunset 2027-01-01")
    );
    assert_eq!(response.body.content_length(), Some(300_000));
    let progress = Arc::new(AtomicU64::new(0));
    let seen = progress.clone();
    let mut file = Vec::new();
    let written = response
        .body
        .on_progress(move |done, _| seen.store(done, Ordering::SeqCst))
        .write_to(&mut file)
        .await
        .unwrap();
    // Not bound by the JSON size limit (1 KiB here).
    assert_eq!(written, 300_000);
    assert_eq!(file, content);
    assert_eq!(progress.load(Ordering::SeqCst), 300_000);

    // A server that announces 100 bytes and sends 10.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        support::read_request(&mut stream).await;
        let _ = stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nX-Request-Id: cut-1\r\nContent-Length: 100\r\n\r\n0123456789")
            .await;
        let _ = stream.shutdown().await;
    });
    let client = builder::<fixture_downloads_and_media_types::Client>(&format!("http://{address}"))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let response = client
        .export_report(ExportReportRequest::new().export_id("e1"))
        .await
        .unwrap();
    assert_eq!(response.request_id.as_deref(), Some("cut-1"));
    let error = response.body.collect(1 << 20).await.unwrap_err();
    assert!(
        matches!(&error, Error::Connection { request_id: Some(id), .. } if id == "cut-1"),
        "{error:?}"
    );
}

#[tokio::test]
async fn query_arrays_go_out_csv_or_repeated_as_the_spec_says() {
    use fixture_query_params_and_arrays::models::SearchStatesItem;
    use fixture_query_params_and_arrays::operations::SearchRequest;
    let mock = fixture_query_params_and_arrays::mock::start(AK, SK)
        .await
        .unwrap();
    let client = client::<fixture_query_params_and_arrays::Client>(&mock.endpoint());
    let request = SearchRequest::new()
        .q("a b")
        .offset(0)
        .ids(vec![10, 9])
        .states(vec![SearchStatesItem::Open, SearchStatesItem::Closed])
        .exact(true);
    client.search(request).await.unwrap();
    let recorded = &mock.requests()[0];
    assert!(recorded.authenticated);
    assert_eq!(
        recorded.query,
        "exact=true&ids=9&ids=10&offset=0&q=a%20b&states=open%2Cclosed"
    );
    // A required query value left unset is refused before sending.
    let error = client
        .search(SearchRequest::new().q("x").ids(vec![1]))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::InvalidRequest(message) if message.contains("required query parameter `offset`")),
        "{error:?}"
    );
    assert_eq!(mock.requests().len(), 1);
}

/// Maps in the query go out as the official SDK sends a dict (Config's `ListResources`
/// `tag`): one `name=key=value` pair per entry, a list value as Python prints it, the
/// whole query sorted and encoded like every other.
#[tokio::test]
async fn query_maps_go_out_as_the_sdk_sends_a_dict() {
    use fixture_query_params_and_arrays::models::ListResourcesStateValue;
    use fixture_query_params_and_arrays::operations::ListResourcesRequest;
    let mock = fixture_query_params_and_arrays::mock::start(AK, SK)
        .await
        .unwrap();
    let client = client::<fixture_query_params_and_arrays::Client>(&mock.endpoint());
    let request = ListResourcesRequest::new()
        .tag([
            ("env", vec!["prod".to_owned(), "dev".to_owned()]),
            ("k 2", vec!["a&b=c".to_owned()]),
        ])
        .filter([("size", 3), ("age", 10)])
        .state([("power", ListResourcesStateValue::On)]);
    client.list_resources(request).await.unwrap();
    let recorded = &mock.requests()[0];
    assert!(recorded.authenticated, "the mock verified the signature");
    assert_eq!(
        recorded.query,
        "filter=age%3D10&filter=size%3D3&state=power%3Don&tag=env%3D%5B%27prod%27%2C%20%27dev%27%5D&tag=k%202%3D%5B%27a%26b%3Dc%27%5D"
    );
    // The mock checks each entry's value against the map's value schema.
    let mut call = huaweicloud_sdk_core::Call::new(&UNTYPED_LIST_RESOURCES);
    call.query("tag", "env=['prod']");
    call.query("filter", "size=big");
    let error = client.send(call).await.unwrap_err();
    assert!(
        error.to_string().contains("`big` is not a valid integer"),
        "{error}"
    );
}

/// `ListResources` as an untyped call, to send values the typed request cannot hold.
static UNTYPED_LIST_RESOURCES: huaweicloud_sdk_core::Operation = huaweicloud_sdk_core::Operation {
    name: "ListResources",
    method: http::Method::GET,
    path: "/resources",
    idempotent: true,
};

#[tokio::test]
async fn array_and_map_bodies_and_a_second_2xx_status_decode() {
    use fixture_downloads_and_media_types::mock::MockAnswer;
    use fixture_downloads_and_media_types::operations::{CreateBatchRequest, PutLabelsRequest};
    let mock = fixture_downloads_and_media_types::mock::start(AK, SK)
        .await
        .unwrap();
    let client = client::<fixture_downloads_and_media_types::Client>(&mock.endpoint());
    mock.set_answer(
        "CreateBatch",
        MockAnswer::json(202, json!({"id": "b1", "size": 2})),
    );
    let response = client
        .create_batch(CreateBatchRequest::new().body(vec!["a".to_owned(), "b".to_owned()]))
        .await
        .unwrap();
    assert_eq!(response.status, 202);
    assert_eq!(response.body.id.as_deref(), Some("b1"));
    let recorded = &mock.requests()[0];
    assert_eq!(recorded.json(), Some(json!(["a", "b"])));
    assert_eq!(
        recorded.header("content-type"),
        Some("application/json;charset=utf-8")
    );

    let labels = std::collections::BTreeMap::from([("env".to_owned(), "prod".to_owned())]);
    client
        .put_labels(PutLabelsRequest::new().body(labels))
        .await
        .unwrap();
    assert_eq!(mock.requests()[1].json(), Some(json!({"env": "prod"})));
}

#[tokio::test]
async fn sdk_style_schema_names_are_the_body_types() {
    // Both modules glob-imported, as Python SDK users import everything: the schema
    // `GetItemResponse` is the model `GetItemResponseBody`, so no name is ambiguous.
    use fixture_sdk_style_names::models::*;
    use fixture_sdk_style_names::operations::*;
    let mock = fixture_sdk_style_names::mock::start(AK, SK).await.unwrap();
    let client = client::<fixture_sdk_style_names::Client>(&mock.endpoint());
    let body: CreateItemRequestBody = CreateItemRequestBody::builder().name("n").build().unwrap();
    let response = client
        .create_item(CreateItemRequest::new().body(body))
        .await
        .unwrap();
    let _: &CreateItemResponseBody = &response.body;
    let response = client.get_item(GetItemRequest::new()).await.unwrap();
    let _: &GetItemResponse = &response;
    let _: &GetItemResponseBody = &response.body;
    // The mock answered with minimal valid bodies, and checked the request's.
    assert!(mock.requests().iter().all(|request| request.authenticated));
    assert_eq!(mock.requests()[0].json(), Some(json!({"name": "n"})));
}

#[tokio::test]
async fn declared_error_bodies_decode_into_the_typed_error() {
    use fixture_responses::mock::MockAnswer;
    use fixture_responses::operations::{GetReportError, GetReportRequest};
    let mock = fixture_responses::mock::start(AK, SK).await.unwrap();
    mock.set_answer(
        "GetReport",
        MockAnswer::json(
            400,
            json!({"error_code": "R.400", "error_msg": "no such report"}),
        ),
    );
    let client = client::<fixture_responses::Client>(&mock.endpoint());
    let error = client
        .get_report(GetReportRequest::new().id("r1"))
        .await
        .unwrap_err();
    let service = error.as_service().expect("a service error");
    match GetReportError::from_service_error(service) {
        Some(GetReportError::Status400(body)) => {
            assert_eq!(body.error_code, "R.400");
            assert_eq!(body.error_msg, "no such report");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn different_2xx_bodies_decode_into_the_variant_of_the_answers_status() {
    use fixture_several_2xx_bodies::mock::MockAnswer;
    use fixture_several_2xx_bodies::models::Job;
    use fixture_several_2xx_bodies::operations::{
        CreateJobRequest, CreateJobSuccess, RunJobRequest, RunJobSuccess,
    };
    let mock = fixture_several_2xx_bodies::mock::start(AK, SK)
        .await
        .unwrap();
    let client = client::<fixture_several_2xx_bodies::Client>(&mock.endpoint());
    let request = || CreateJobRequest::new().body(Job::builder().name("nightly").build().unwrap());

    // Without a set answer, the mock answers with the first 2xx and a minimal body.
    let response = client.create_job(request()).await.unwrap();
    assert_eq!(response.status, 200);
    match &response.body {
        CreateJobSuccess::Status200(job) => assert_eq!(job.name, "string"),
        other => panic!("{other:?}"),
    }

    // Unknown fields are ignored, as the official SDK ignores them; declared headers of
    // every 2xx are fields, each set when that answer carries it.
    mock.push_answer(
        "CreateJob",
        MockAnswer::json(
            200,
            json!({"name": "nightly", "result": "done", "extra": 1}),
        )
        .header("X-Job-Cost", "7"),
    );
    mock.push_answer(
        "CreateJob",
        MockAnswer::json(202, json!({"ticket": "t1", "poll_after_seconds": 5}))
            .header("Location", "/jobs/t1"),
    );
    mock.push_answer(
        "CreateJob",
        MockAnswer::json(203, json!({"note": "from a cache", "name": "nightly"})),
    );
    mock.push_answer("CreateJob", MockAnswer::raw(205, "application/json", ""));
    mock.push_answer("CreateJob", MockAnswer::json(202, json!({"poll": 5})));

    let response = client.create_job(request()).await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(
        (response.x_job_cost, response.location.as_deref()),
        (Some(7), None)
    );
    match response.body {
        CreateJobSuccess::Status200(job) => {
            assert_eq!(job.name, "nightly");
            assert_eq!(job.result.as_deref(), Some("done"));
        }
        other => panic!("{other:?}"),
    }

    let response = client.create_job(request()).await.unwrap();
    assert_eq!(response.status, 202);
    assert_eq!(
        (response.x_job_cost, response.location.as_deref()),
        (None, Some("/jobs/t1"))
    );
    match response.body {
        CreateJobSuccess::Status202(ticket) => {
            assert_eq!(ticket.ticket, "t1");
            assert_eq!(ticket.poll_after_seconds, Some(5));
        }
        other => panic!("{other:?}"),
    }

    // A 2xx the spec does not declare keeps its body as JSON, `null` when empty.
    let response = client.create_job(request()).await.unwrap();
    assert_eq!(response.status, 203);
    assert_eq!(
        response.body,
        CreateJobSuccess::Undeclared(json!({"note": "from a cache", "name": "nightly"}))
    );
    let response = client.create_job(request()).await.unwrap();
    assert_eq!(response.status, 205);
    assert_eq!(response.body, CreateJobSuccess::Undeclared(json!(null)));

    // A body that does not match its status's type is a decode error naming the status.
    let error = client.create_job(request()).await.unwrap_err();
    assert!(
        matches!(error, Error::Decode { status: 202, .. }),
        "{error:?}"
    );

    // With both modules glob-imported, the schema `CreateJobSuccess` is the model
    // `CreateJobSuccessBody` and no name is ambiguous.
    {
        use fixture_several_2xx_bodies::models::*;
        use fixture_several_2xx_bodies::operations::*;
        mock.push_answer(
            "CreateJob",
            MockAnswer::json(201, json!({"existing": {"name": "nightly"}})),
        );
        let response = client.create_job(request()).await.unwrap();
        let body: Option<CreateJobSuccessBody> = match response.body {
            CreateJobSuccess::Status201(body) => Some(body),
            _ => None,
        };
        let existing = body.and_then(|body| body.existing);
        assert_eq!(existing.map(|job| job.name).as_deref(), Some("nightly"));
    }

    // A status without content is a variant without data; a range takes the statuses the
    // spec does not list; the first 2xx (204 here) is the mock's default answer.
    let response = client.run_job(RunJobRequest::new().id("j1")).await.unwrap();
    assert_eq!(
        (response.status, &response.body),
        (204, &RunJobSuccess::Status204)
    );
    mock.push_answer("RunJob", MockAnswer::json(200, json!({"name": "ran"})));
    mock.push_answer("RunJob", MockAnswer::json(201, json!({"ticket": "t2"})));
    let response = client.run_job(RunJobRequest::new().id("j1")).await.unwrap();
    assert!(
        matches!(&response.body, RunJobSuccess::Status200(job) if job.name == "ran"),
        "{response:?}"
    );
    let response = client.run_job(RunJobRequest::new().id("j1")).await.unwrap();
    assert_eq!(response.status, 201);
    assert!(
        matches!(&response.body, RunJobSuccess::Status2xx(ticket) if ticket.ticket == "t2"),
        "{response:?}"
    );
}

#[tokio::test]
async fn tests_set_any_answer_of_the_mock_and_read_what_it_recorded() {
    use fixture_sdk_style_names::mock::MockAnswer;
    use fixture_sdk_style_names::operations::GetItemRequest;
    let mock = fixture_sdk_style_names::mock::start(AK, SK).await.unwrap();
    let client = builder::<fixture_sdk_style_names::Client>(&mock.endpoint())
        .timeout(std::time::Duration::from_millis(300))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    // Queued answers come first, in order; then the standing one; then the default.
    mock.push_answer("GetItem", MockAnswer::drop_connection());
    mock.push_answer(
        "GetItem",
        MockAnswer::json(200, json!({"id": "slow"})).delay(std::time::Duration::from_secs(2)),
    );
    mock.push_answer(
        "GetItem",
        MockAnswer::json(200, json!({"id": "i9", "name": "n"})).header("X-Request-Id", "fixed-id"),
    );
    let error = client.get_item(GetItemRequest::new()).await.unwrap_err();
    assert!(matches!(error, Error::Connection { .. }), "{error:?}");
    let error = client.get_item(GetItemRequest::new()).await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    let response = client.get_item(GetItemRequest::new()).await.unwrap();
    assert_eq!(response.body.id.as_deref(), Some("i9"));
    assert_eq!(response.request_id.as_deref(), Some("fixed-id"));
    let response = client.get_item(GetItemRequest::new()).await.unwrap();
    assert!(
        response.request_id.unwrap().starts_with("mock-"),
        "the mock adds a request id"
    );

    let recorded = mock.requests();
    assert_eq!(recorded.len(), 4);
    assert!(recorded
        .iter()
        .all(|request| request.operation.as_deref() == Some("GetItem")));
    assert_eq!(mock.operations(), ["GetItem", "UpdateItem", "CreateItem"]);
}

#[tokio::test]
async fn the_mock_refuses_requests_that_do_not_match_the_spec() {
    use huaweicloud_secmaster::runtime::{Call, Operation};
    let mock = fixture_sdk_style_names::mock::start(AK, SK).await.unwrap();
    let client = client::<fixture_sdk_style_names::Client>(&mock.endpoint());
    // A body without its required property, sent through the runtime by hand.
    static CREATE: Operation = Operation {
        name: "CreateItem",
        method: http::Method::POST,
        path: "/items",
        idempotent: false,
    };
    let mut call = Call::new(&CREATE);
    call.json_body("application/json", &json!({"other": 1}));
    let error = client.send(call).await.unwrap_err();
    let service = error.as_service().expect("a service error");
    assert_eq!(service.status, 400);
    assert_eq!(service.error_msg, "body.name: required property is missing");
    assert!(service.request_id.is_some());
    // A route the spec does not have.
    static UNKNOWN: Operation = Operation {
        name: "Unknown",
        method: http::Method::GET,
        path: "/nothing/here",
        idempotent: true,
    };
    let error = client.send(Call::new(&UNKNOWN)).await.unwrap_err();
    assert_eq!(error.status(), Some(404));
}

#[tokio::test]
async fn one_of_values_pass_through_and_all_of_models_are_flattened() {
    use fixture_alternatives::mock::MockAnswer;
    use fixture_alternatives::models::{Cat, Dog, Employee, Owner, OwnerLead, Person};
    use fixture_alternatives::operations::{CreateOwnerRequest, PutPetRequest};
    let mock = fixture_alternatives::mock::start(AK, SK).await.unwrap();
    let client = client::<fixture_alternatives::Client>(&mock.endpoint());

    // A `oneOf` field takes a JSON value of one alternative, built from its model or by
    // hand; an `allOf` model has the fields of all its members, in member order.
    let cat = Cat::builder().meow(true).build().unwrap();
    let person = Person::builder()
        .name("Ann")
        .age(41)
        .email("ann@example.com")
        .build()
        .unwrap();
    let employee = Employee::builder()
        .name("Bo")
        .email("bo@example.com")
        .badge(7)
        .build()
        .unwrap();
    let body = Owner::builder()
        .pet(serde_json::to_value(&cat).unwrap())
        .id(json!(12))
        .tags([json!("x"), json!({"label": "y"})])
        .person(person)
        .lead(OwnerLead::builder().name("Cy").age(3).build().unwrap())
        .employee(employee)
        .only_dog(Dog::builder().bark(false).build().unwrap())
        .annotated_cat(cat)
        .build()
        .unwrap();
    let answer = json!({
        "pet": {"bark": true, "name": "Rex", "extra": [1, 2]},
        "rival": null,
        "favourite": "a string is a JSON value too",
        "person": {"name": "Ann", "age": 41, "email": "ann@example.com"},
        "employee": {"name": "Bo", "email": "bo@example.com", "badge": 7},
    });
    mock.set_answer("CreateOwner", MockAnswer::json(200, answer.clone()));
    let response = client
        .create_owner(CreateOwnerRequest::new().body(body))
        .await
        .unwrap();
    let recorded = &mock.requests()[0];
    assert!(recorded.authenticated);
    assert_eq!(
        String::from_utf8_lossy(&recorded.body),
        json!({
            "pet": {"meow": true},
            "id": 12,
            "tags": ["x", {"label": "y"}],
            "person": {"name": "Ann", "age": 41, "email": "ann@example.com"},
            "lead": {"name": "Cy", "age": 3},
            "employee": {"name": "Bo", "email": "bo@example.com", "badge": 7},
            "only_dog": {"bark": false},
            "annotated_cat": {"meow": true},
        })
        .to_string(),
        "the fields in schema order, the values as given"
    );

    // Decoded: the alternatives as received (unknown keys kept), the flattened models typed.
    let owner = response.body;
    assert_eq!(owner.pet, answer["pet"]);
    let dog: Dog = serde_json::from_value(owner.pet).unwrap();
    assert_eq!(dog.name.as_deref(), Some("Rex"));
    assert_eq!(owner.rival, None);
    assert_eq!(owner.favourite, Some(json!("a string is a JSON value too")));
    assert_eq!(owner.person.name, "Ann");
    assert_eq!(owner.person.age, Some(41));
    assert_eq!(owner.person.email, "ann@example.com");
    let employee = owner.employee.unwrap();
    assert_eq!((employee.name.as_str(), employee.badge), ("Bo", Some(7)));

    // A body that is a `oneOf` itself is a JSON value both ways.
    mock.set_answer("PutPet", MockAnswer::json(200, json!({"meow": false})));
    let response = client
        .put_pet(PutPetRequest::new().body(json!({"bark": true})))
        .await
        .unwrap();
    assert_eq!(mock.requests()[1].json(), Some(json!({"bark": true})));
    let cat: Cat = serde_json::from_value(response.body).unwrap();
    assert!(!cat.meow);
}
