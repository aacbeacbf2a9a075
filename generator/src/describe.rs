//! The service description the mock serves (`mock.json`): every operation's route,
//! parameters, body and answer, and every model's schema, as JSON the runtime's mock engine
//! reads. Written from the IR, so it describes exactly what the generated code sends.

use serde_json::{json, Map, Value};

use crate::ir::*;

/// The whole `mock.json` text, stamped through its first key.
pub fn mock_description(api: &Api, stamp: &str) -> String {
    let mut schemas = Map::new();
    for model in &api.models {
        let schema = match &model.kind {
            ModelKind::Struct(model) => {
                let mut schema = struct_schema(model);
                resolve_refs(api, &mut schema);
                schema
            }
            ModelKind::Enum(model) => json!({
                "type": "string",
                "enum": model.variants.iter().map(|variant| variant.value.as_str()).collect::<Vec<_>>(),
            }),
            ModelKind::Alias(ty) => type_schema(api, ty),
        };
        schemas.insert(model.name.clone(), schema);
    }
    let operations: Vec<Value> = api
        .operations
        .iter()
        .map(|operation| operation_description(api, operation))
        .collect();
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

fn struct_schema(model: &Struct) -> Value {
    let mut properties = Map::new();
    let mut order = Vec::new();
    let mut required = Vec::new();
    for field in &model.fields {
        let mut schema = type_name_schema(&field.ty, |id| id);
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

/// A type's schema with models referred to by id, resolved to names in a second step.
fn type_name_schema(ty: &Type, id_of: impl Fn(ModelId) -> ModelId + Copy) -> Value {
    match ty {
        Type::String => json!({"type": "string"}),
        Type::Boolean => json!({"type": "boolean"}),
        Type::I32 | Type::I64 => json!({"type": "integer"}),
        Type::F32 | Type::F64 => json!({"type": "number"}),
        Type::Model(id) => json!({"ref_id": id_of(*id).0}),
        Type::Array(inner) => json!({"type": "array", "items": type_name_schema(inner, id_of)}),
        Type::Map(inner) => json!({"type": "object", "additional": type_name_schema(inner, id_of)}),
        Type::JsonObject => json!({"type": "object"}),
        Type::JsonValue | Type::Alternatives(_) => json!({}),
        Type::File => json!({"type": "binary"}),
    }
}

fn type_schema(api: &Api, ty: &Type) -> Value {
    let mut schema = type_name_schema(ty, |id| id);
    resolve_refs(api, &mut schema);
    schema
}

/// Replaces `ref_id` numbers by the model names the mock looks schemas up by.
fn resolve_refs(api: &Api, value: &mut Value) {
    match value {
        Value::Object(object) => {
            if let Some(id) = object.remove("ref_id").and_then(|id| id.as_u64()) {
                let name = usize::try_from(id)
                    .ok()
                    .and_then(|index| api.models.get(index))
                    .map(|model| model.name.clone())
                    .unwrap_or_default();
                object.insert("ref".into(), Value::String(name));
            }
            for child in object.values_mut() {
                resolve_refs(api, child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| resolve_refs(api, item)),
        _ => {}
    }
}

fn operation_description(api: &Api, operation: &Operation) -> Value {
    let params: Vec<Value> = operation
        .params
        .iter()
        .map(|param| {
            json!({
                "name": param.wire_name,
                "in": match param.location {
                    ParamLocation::Path => "path",
                    ParamLocation::Query => "query",
                    ParamLocation::Header => "header",
                },
                "required": param.required,
                "schema": type_schema(api, &param.ty),
            })
        })
        .collect();
    let body = operation.body.as_ref().map(|body| {
        let schema = match &body.kind {
            BodyKind::Json(ty) | BodyKind::UrlEncoded(ty) => type_schema(api, ty),
            BodyKind::Form(id) => type_schema(api, &Type::Model(*id)),
            BodyKind::Raw => json!({"type": "binary"}),
        };
        json!({
            "media_type": body.media_type,
            "required": body.required,
            "schema": schema,
        })
    });
    let status = operation.response.status;
    let mut response = Map::new();
    response.insert("status".into(), json!(status));
    // The mock answers with the first 2xx status, so with bodies by status the body of
    // that status is described.
    let (answered, ty) = match operation
        .response
        .body
        .as_ref()
        .map(|body| (body, &body.kind))
    {
        Some((body, ResponseKind::Json(ty))) => (Some(body), Some(ty)),
        Some((body, ResponseKind::Stream)) => (Some(body), None),
        Some((body, ResponseKind::ByStatus(statuses))) => {
            match status_index(statuses, status).map(|index| &statuses[index]) {
                Some(StatusBody { ty: Some(ty), .. }) => (Some(body), Some(ty)),
                _ => (None, None),
            }
        }
        None => (None, None),
    };
    if let Some(answered) = answered {
        response.insert("media_type".into(), json!(answered.media_type));
        if let Some(ty) = ty {
            response.insert("schema".into(), type_schema(api, ty));
        }
        if let Some(example) = &answered.example {
            response.insert("example".into(), example.clone());
        }
    }
    let mut description = json!({
        "name": operation.name,
        "method": operation.http_method,
        "path": operation.path,
        "params": params,
        "body": body,
        "response": response,
    });
    if let Some(pagination) = &operation.pagination {
        let mut paging = json!({
            "in": match pagination.place {
                PagePlace::Query => "query",
                PagePlace::Body => "body",
            },
            "limit": pagination.limit.as_ref().map(|limit| &limit.wire_name),
        });
        put_body_path(&mut paging, "items", &pagination.items);
        match &pagination.step {
            PageStep::Offset { offset, total } => {
                paging["offset"] = json!(offset.wire_name);
                if let Some(total) = total {
                    put_body_path(&mut paging, "total", total);
                }
            }
            PageStep::Page { page, first, total } => {
                paging["page"] = json!(page.wire_name);
                paging["first"] = json!(first);
                if let Some(total) = total {
                    put_body_path(&mut paging, "total", total);
                }
            }
            PageStep::Marker { marker, next } => {
                paging["marker"] = json!(marker.wire_name);
                put_body_path(&mut paging, "next", next);
            }
            PageStep::LastItem { marker, field } => {
                paging["marker"] = json!(marker.wire_name);
                paging["next_item"] = json!(field.wire_name);
            }
        }
        description["pagination"] = paging;
    }
    description
}

/// A value of the response body in the mock's paging description: a value of the body
/// itself under its plain key, one inside objects under the key's `_path`, as
/// `x-pagination` writes them.
fn put_body_path(paging: &mut Value, key: &str, value: &BodyPath) {
    if value.objects.is_empty() {
        paging[key] = json!(value.value.wire_name);
    } else {
        paging[format!("{key}_path")] = json!(value.wire_path());
    }
}
