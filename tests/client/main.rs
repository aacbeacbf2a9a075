//! The generated client against real HTTP servers on loopback: what goes on the wire, what
//! comes back, retries, timeouts, TLS, and secrets kept out of output.
//! (Log lines are checked in `logs.rs`, a process of its own.)
//!
//! This file holds the fixtures every module shares (credentials, the seed examples, client
//! and request builders); the tests live in one module per concern.

use std::time::Duration;

use huaweicloud_secmaster::models::{
    AopInstanceEventData, OperationPlaybookInfo, OperationPlaybookInfoOperation,
};
use huaweicloud_secmaster::operations::{
    ChangePlaybookInstanceRequest, CreateWorkflowInstanceRequest,
};
use huaweicloud_secmaster::{Client, Credentials, RetryPolicy};

#[path = "../support/mod.rs"]
mod support;

mod builder;
mod calls;
mod credentials;
mod errors;
mod models;
mod retries;
mod tls;
mod verifier;

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
