//! The generated models on their own: the spec's seed examples round-trip, unset optional
//! fields are omitted, free-form content is kept verbatim, and decoding ignores unknown keys
//! and reports missing fields.

use huaweicloud_secmaster::models::{
    AopInstanceEventData, AopInstanceEventDataActionType, AopInstanceEventDataCommandType,
    CreateWorkflowInstanceResponseBody, DataClassRef, DataObjectRefInfo, OperationPlaybookInfo,
    OperationPlaybookInfoOperation, PlaybookInstanceInfo, PlaybookInstanceInfoStatus,
    PlaybookInstanceInfoTriggerType, PlaybookcontextRef,
};
use serde_json::{json, Value};

use crate::{SEED_CHANGE_RESPONSE, SEED_CREATE_REQUEST};

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
