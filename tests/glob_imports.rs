//! `use models::*; use operations::*;` (and the crate root's `*`) compile together and name
//! each type once: a schema named like an operation's request or response type
//! (`ListAlertsResponse`, the SDK's response body) is the model `ListAlertsResponseBody`,
//! and one named like a prelude or crate-root item (SecMaster's `Result`) is `ResultModel`,
//! so `Result`, `Error` and `Region` below are the ones a user expects.

use huaweicloud_secmaster::models::*;
use huaweicloud_secmaster::operations::*;
use huaweicloud_secmaster::*;

async fn list(client: &Client) -> Result<ListWorkflowsResponse, Error> {
    client
        .list_workflows(ListWorkflowsRequest::new().workspace_id("ws"))
        .await
}

#[tokio::test]
async fn both_modules_glob_import_without_ambiguity() {
    let mock = mock::start("AK", "SK").await.unwrap();
    let client = Client::builder()
        .endpoint(mock.endpoint())
        .region(Region::new("cn-north-4"))
        .credentials(Credentials::ak_sk("AK", "SK").with_project_id("p"))
        .build()
        .unwrap();
    let response: ListWorkflowsResponse = list(&client).await.unwrap();
    let body: &ListWorkflowsResponseBody = &response.body;
    // The mock answers a minimal valid body: no workflows.
    assert!(body.data.as_ref().is_none_or(Vec::is_empty));
    // Models and enums come from the glob too; the schema `Result` is `ResultModel`.
    let missing = AopInstanceEventData::builder()
        .command_type(AopInstanceEventDataCommandType::ActionInstanceRunCommand)
        .build()
        .unwrap_err();
    assert!(missing.to_string().contains("action_type"), "{missing}");
    let _: Option<ResultModel> = None;
}
