//! Calls both SecMaster operations, mirroring the official SDK samples, then lists the
//! workspace's playbooks page by page with a per-call timeout.
//!
//! ```text
//! cargo run --example quickstart                      # against the built-in local mock
//! cargo run --example quickstart -- --region cn-north-4 \
//!     --workspace WS --workflow WF --instance INSTANCE   # against Huawei Cloud
//! ```
//!
//! With `--region` or `--endpoint`, credentials come from the environment
//! (`HUAWEICLOUD_SDK_AK`/`_SK`, or `CLOUD_SDK_AK`/`_SK`, and `HUAWEICLOUD_SDK_PROJECT_ID`)
//! or `~/.huaweicloud/credentials`.

use std::process::ExitCode;
use std::time::Duration;

use huaweicloud_secmaster::mock;
use huaweicloud_secmaster::models::{
    AopInstanceEventData, AopInstanceEventDataActionType, AopInstanceEventDataCommandType,
    DataClassRef, DataObjectRefInfo, OperationPlaybookInfo, OperationPlaybookInfoOperation,
    PlaybookcontextRef,
};
use huaweicloud_secmaster::operations::{
    ChangePlaybookInstanceRequest, CreateWorkflowInstanceRequest, ListPlaybooksRequest,
};
use huaweicloud_secmaster::{CallOptions, Client, Credentials, Region};

struct Args {
    endpoint: Option<String>,
    region: Option<String>,
    workspace: String,
    workflow: String,
    instance: String,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        endpoint: None,
        region: None,
        workspace: "workspace-id".into(),
        workflow: "workflow-id".into(),
        instance: "instance-id".into(),
    };
    let mut iter = std::env::args().skip(1);
    while let Some(flag) = iter.next() {
        let mut value = || iter.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--endpoint" => args.endpoint = Some(value()?),
            "--region" => args.region = Some(value()?),
            "--workspace" => args.workspace = value()?,
            "--workflow" => args.workflow = value()?,
            "--instance" => args.instance = value()?,
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let args = parse_args()?;
    // Keeps the mock alive for the whole run when no real endpoint is given.
    let mut _mock = None;
    let builder = match (&args.endpoint, &args.region) {
        (Some(endpoint), _) => Client::builder()
            .endpoint(endpoint)
            .credentials(Credentials::from_default_chain().map_err(show)?),
        (None, Some(region)) => Client::builder()
            .region(Region::new(region))
            .credentials(Credentials::from_default_chain().map_err(show)?),
        (None, None) => {
            let mock = mock::start("QUICKSTART-AK", "QUICKSTART-SK")
                .await
                .map_err(|error| error.to_string())?;
            println!("started the local SecMaster mock at {}", mock.endpoint());
            let credentials = Credentials::ak_sk("QUICKSTART-AK", "QUICKSTART-SK")
                .with_project_id("quickstart-project");
            let builder = Client::builder()
                .endpoint(mock.endpoint())
                .credentials(credentials);
            // Twelve playbooks for the listing below, which the mock pages.
            let playbooks = (1..=12)
                .map(|number| serde_json::json!({"id": format!("pb-{number}"), "name": format!("playbook {number}")}))
                .collect();
            mock.set_items("ListPlaybooks", playbooks);
            _mock = Some(mock);
            builder
        }
    };
    let client = builder.build().map_err(show)?;

    // CreateWorkflowInstance, as in the seed sample: run the workflow on an alert.
    let mut content = serde_json::Map::new();
    content.insert("name".into(), serde_json::json!({}));
    content.insert("key".into(), serde_json::json!({}));
    let data_object = DataObjectRefInfo::builder()
        .content(content)
        .dataclass(
            DataClassRef::builder()
                .name("Alert")
                .build()
                .map_err(show)?,
        )
        .build()
        .map_err(show)?;
    let body = AopInstanceEventData::builder()
        .command_type(AopInstanceEventDataCommandType::ActionInstanceRunCommand)
        .action_type(AopInstanceEventDataActionType::Workflow)
        .action_id("446255ce-XXXXXXXXXX-0b4931")
        .action_instance_id("1111xxxxxxxxxxxxxx111")
        .playbook_context(
            PlaybookcontextRef::builder()
                .data_object(data_object)
                .build()
                .map_err(show)?,
        )
        .build()
        .map_err(show)?;
    let request = CreateWorkflowInstanceRequest::new()
        .workspace_id(&args.workspace)
        .workflow_id(&args.workflow)
        .body(body);
    let response = client
        .create_workflow_instance(request)
        .await
        .map_err(show)?;
    println!(
        "CreateWorkflowInstance: HTTP {} (request id {})\n{:#?}",
        response.status,
        response.request_id.as_deref().unwrap_or("none"),
        response.body
    );

    // ChangePlaybookInstance: retry a playbook instance.
    let body = OperationPlaybookInfo::builder()
        .operation(OperationPlaybookInfoOperation::Retry)
        .build()
        .map_err(show)?;
    let request = ChangePlaybookInstanceRequest::new()
        .workspace_id(&args.workspace)
        .instance_id(&args.instance)
        .body(body);
    let response = client
        .change_playbook_instance(request)
        .await
        .map_err(show)?;
    println!(
        "ChangePlaybookInstance: HTTP {} (request id {})\n{:#?}",
        response.status,
        response.request_id.as_deref().unwrap_or("none"),
        response.body
    );

    // ListPlaybooks, five a page, each page within 10 s: the items arrive one by one and
    // the pages are fetched as they are needed.
    let quick = client.with_options(CallOptions::new().timeout(Duration::from_secs(10)));
    let request = ListPlaybooksRequest::new()
        .workspace_id(&args.workspace)
        .offset(0)
        .limit(5);
    let mut playbooks = quick.list_playbooks_pages(request).items();
    let mut count = 0;
    while let Some(playbook) = playbooks.next().await {
        let playbook = playbook.map_err(show)?;
        count += 1;
        println!(
            "playbook {count}: {} ({})",
            playbook.name.as_deref().unwrap_or("unnamed"),
            playbook.id.as_deref().unwrap_or("no id")
        );
    }
    Ok(())
}

fn show(error: impl std::fmt::Display) -> String {
    error.to_string()
}
