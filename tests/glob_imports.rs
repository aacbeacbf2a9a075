//! `use models::*; use operations::*;` compiles and names each type once: a schema named
//! like an operation's request or response (`ListAlertsResponse`, the SDK's response body)
//! is the model `ListAlertsResponseBody`, beside the operation's `ListAlertsResponse`.

use huaweicloud_secmaster::models::*;
use huaweicloud_secmaster::operations::*;
use huaweicloud_secmaster::{mock, Client, Credentials};

#[tokio::test]
async fn both_modules_glob_import_without_ambiguity() {
    let mock = mock::start("AK", "SK").await.unwrap();
    let client = Client::builder()
        .endpoint(mock.endpoint())
        .credentials(Credentials::ak_sk("AK", "SK").with_project_id("p"))
        .build()
        .unwrap();
    let response: ListWorkflowsResponse = client
        .list_workflows(ListWorkflowsRequest::new().workspace_id("ws"))
        .await
        .unwrap();
    let body: &ListWorkflowsResponseBody = &response.body;
    // The mock answers a minimal valid body: no workflows.
    assert!(body.data.as_ref().is_none_or(Vec::is_empty));
    // Models and enums come from the glob too.
    let missing = AopInstanceEventData::builder()
        .command_type(AopInstanceEventDataCommandType::ActionInstanceRunCommand)
        .build()
        .unwrap_err();
    assert!(missing.to_string().contains("action_type"), "{missing}");
}
