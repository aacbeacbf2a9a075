//! The service description the mock serves (`mock.json`): every operation's route,
//! parameters, body and answer, and every model's schema, as JSON the runtime's mock engine
//! reads. Written from the IR, so it describes exactly what the generated code sends.

use serde_json::{json, Map, Value};

use crate::ir::*;

/// The whole `mock.json` text, stamped through its first key.
pub fn mock_description(api: &Api, stamp: &str) -> String {
    let mut schemas = Map::new();
    for model in &api.models {
        let (name, schema) = match model {
            Model::Struct(model) => (model.ident.to_string(), struct_schema(model)),
            Model::Enum(model) => (
                model.ident.to_string(),
                json!({
                    "type": "string",
                    "enum": model.variants.iter().map(|variant| variant.value.as_str()).collect::<Vec<_>>(),
                }),
            ),
            Model::Alias(model) => (model.ident.to_string(), type_schema(&model.ty)),
        };
        schemas.insert(name.trim_start_matches("r#").to_owned(), schema);
    }
    let operations: Vec<Value> = api.operations.iter().map(operation).collect();
    let document = json!({
        "@generated": stamp,
        "service": api.service.name,
        "schemas": schemas,
        "operations": operations,
    });
    // Serialising a `Value` cannot fail.
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

fn struct_schema(model: &StructModel) -> Value {
    let mut properties = Map::new();
    let mut order = Vec::new();
    let mut required = Vec::new();
    for field in &model.fields {
        let mut schema = type_schema(&field.ty);
        if field.nullable {
            if let Value::Object(object) = &mut schema {
                object.insert("nullable".into(), Value::Bool(true));
            }
        }
        properties.insert(field.wire_name.clone(), schema);
        order.push(field.wire_name.clone());
        if field.required {
            required.push(field.wire_name.clone());
        }
    }
    json!({
        "type": "object",
        "properties": properties,
        "order": order,
        "required": required,
    })
}

fn type_schema(ty: &Type) -> Value {
    match ty {
        Type::String => json!({"type": "string"}),
        Type::Boolean => json!({"type": "boolean"}),
        Type::I32 | Type::I64 => json!({"type": "integer"}),
        Type::F32 | Type::F64 => json!({"type": "number"}),
        Type::Named(ident, _) => json!({"ref": ident.to_string().trim_start_matches("r#")}),
        Type::Array(inner) => json!({"type": "array", "items": type_schema(inner)}),
        Type::Map(inner) => json!({"type": "object", "additional": type_schema(inner)}),
        Type::JsonObject => json!({"type": "object"}),
        Type::JsonValue => json!({}),
        Type::Bytes => json!({"type": "binary"}),
    }
}

fn operation(operation: &Operation) -> Value {
    let params: Vec<Value> = operation
        .params
        .iter()
        .map(|param| {
            json!({
                "name": param.name,
                "in": match param.location {
                    ParamLocation::Path => "path",
                    ParamLocation::Query => "query",
                    ParamLocation::Header => "header",
                },
                "required": param.required,
                "schema": type_schema(&param.ty),
            })
        })
        .collect();
    let body = operation.body.as_ref().map(|body| {
        json!({
            "media_type": body.media_type,
            "required": body.required,
            "schema": type_schema(&body.ty),
        })
    });
    let response_body = operation.response.body.as_ref();
    let mut response = json!({ "status": operation.response.status });
    if let (Some(body), Value::Object(object)) = (response_body, &mut response) {
        object.insert("media_type".into(), Value::String(body.media_type.clone()));
        object.insert("schema".into(), type_schema(&body.ty));
        if let Some(example) = &body.example {
            object.insert("example".into(), example.clone());
        }
    }
    json!({
        "name": operation.name,
        "method": operation.http_method,
        "path": operation.path,
        "params": params,
        "body": body,
        "response": response,
    })
}
