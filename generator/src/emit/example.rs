//! The example on each operation method: a request with every required value set (values
//! of the right type, an enum's first value, a model built with its required fields), the
//! call, and a match on the answer and the service's error. Compiled, never run, as a
//! doctest where the crate runs its doctests.

use crate::ir::*;
use crate::names;

/// How deep models are built inside the example before the rest is left to `build()`.
const DEPTH: usize = 3;

/// The example's Markdown (a `no_run` Rust block), for the crate called `crate_name`.
pub fn example(api: &Api, operation: &Operation, crate_name: &str) -> String {
    format!(
        "# Example\n\n\
         ```no_run\n\
         # async fn example(client: &{crate_name}::Client) -> Result<(), {crate_name}::Error> {{\n\
         {call}\n\
         # Ok(())\n\
         # }}\n\
         ```",
        call = call(api, operation, crate_name),
    )
}

/// The crate-level example: a client, and a call of the first operation (if any).
pub fn crate_example(api: &Api, crate_name: &str) -> String {
    let call = api
        .operations
        .first()
        .map(|operation| format!("\n{}", call(api, operation, crate_name)))
        .unwrap_or_default();
    format!(
        "```no_run\n\
         # async fn example() -> Result<(), {crate_name}::Error> {{\n\
         use {crate_name}::{{Client, Region}};\n\
         \n\
         // Credentials as the official SDK finds them (the environment, the profile file, an\n\
         // ECS agency, a CCE pod, OIDC): see `runtime::CredentialsProvider`.\n\
         let client = Client::builder().region(Region::new(\"cn-north-4\")).build()?;\n\
         {call}\n\
         # Ok(())\n\
         # }}\n\
         ```"
    )
}

/// Building the request of `operation`, calling it with `client`, and matching the answer.
fn call(api: &Api, operation: &Operation, crate_name: &str) -> String {
    let super::call::Names {
        method, request, ..
    } = super::call::Names::of(operation);
    let mut setters = String::new();
    for param in &operation.params {
        if !param.required || param.client_default.is_some() {
            continue;
        }
        let setter = names::snake_ident(&param.name).to_string();
        let value = value(api, &param.ty, &param.name, crate_name, 0, false);
        setters.push_str(&format!("\n    .{setter}({value})"));
    }
    if let Some(body) = operation.body.as_ref().filter(|body| body.required) {
        let value = match &body.kind {
            BodyKind::Json(ty) | BodyKind::UrlEncoded(ty) => {
                value(api, ty, "body", crate_name, 0, false)
            }
            BodyKind::Form(id) => value(api, &Type::Model(*id), "body", crate_name, 0, false),
            BodyKind::Raw => value(api, &Type::File, "body", crate_name, 0, false),
        };
        setters.push_str(&format!("\n    .body({value})"));
    }
    let models = if setters.contains("models::") {
        format!("use {crate_name}::models;\n")
    } else {
        String::new()
    };
    format!(
        "{models}use {crate_name}::operations::{request};\n\
         \n\
         let request = {request}::new(){setters};\n\
         match client.{method}(request).await {{\n\
         \x20   Ok(response) => println!(\"{{}} (request id {{:?}})\", response.status, response.request_id),\n\
         \x20   Err({crate_name}::Error::Service(error)) => eprintln!(\"{{}}: {{}}\", error.error_code, error.error_msg),\n\
         \x20   Err(error) => return Err(error),\n\
         }}"
    )
}

/// A value of `ty` as a setter takes it; `exact` when it must have the type itself (an
/// element of an array of arrays).
fn value(api: &Api, ty: &Type, name: &str, krate: &str, depth: usize, exact: bool) -> String {
    match ty {
        Type::String if exact => format!("String::from(\"{}\")", placeholder(name)),
        Type::String => format!("\"{}\"", placeholder(name)),
        Type::Boolean => "true".to_owned(),
        Type::I32 | Type::I64 => "10".to_owned(),
        Type::F32 | Type::F64 => "1.5".to_owned(),
        Type::Model(id) => {
            let model = api.model(*id);
            let path = format!("models::{}", names::pascal_ident(&model.name));
            match &model.kind {
                ModelKind::Enum(model) => match model.variants.first() {
                    Some(variant) => format!("{path}::{}", names::pascal_ident(&variant.name)),
                    None => format!("{path}::from(\"value\")"),
                },
                ModelKind::Alias(target) => value(api, target, name, krate, depth, exact),
                ModelKind::Struct(model) => {
                    // One setter a line, under the request's own setters.
                    let indent = " ".repeat(8 + 4 * depth);
                    let mut text = format!("{path}::builder()");
                    if depth < DEPTH {
                        for field in model.fields.iter().filter(|field| field.required) {
                            let setter = names::snake_ident(&field.name).to_string();
                            let value = value(api, &field.ty, &field.name, krate, depth + 1, false);
                            text.push_str(&format!("\n{indent}.{setter}({value})"));
                        }
                    }
                    text.push_str(&format!("\n{indent}.build()?"));
                    text
                }
            }
        }
        Type::Array(element) => {
            let nested = exact
                || matches!(
                    api.through_aliases(element),
                    Type::Array(_) | Type::Map(_) | Type::JsonObject
                );
            let element = value(api, element, name, krate, depth, nested);
            if exact {
                format!("vec![{element}]")
            } else {
                format!("[{element}]")
            }
        }
        // Typed, where the setter's `impl Into<..>` leaves nothing else to infer it from.
        Type::Map(_) if exact => format!("{krate}::runtime::indexmap::IndexMap::new()"),
        Type::JsonObject if exact => format!("{krate}::runtime::serde_json::Map::new()"),
        // A map's values convert with `Into` only at the outer level, like an array's items.
        Type::Map(inner) => {
            let nested = matches!(
                api.through_aliases(inner),
                Type::Array(_) | Type::Map(_) | Type::JsonObject
            );
            let inner = value(api, inner, "value", krate, depth, nested);
            format!("[(\"key\", {inner})]")
        }
        Type::JsonObject => format!("{krate}::runtime::serde_json::Map::new()"),
        Type::JsonValue | Type::Alternatives(_) => {
            format!("{krate}::runtime::serde_json::Value::Null")
        }
        Type::File => {
            format!("{krate}::runtime::FilePart::from_bytes(&b\"file contents\"[..]).file_name(\"file.txt\")")
        }
    }
}

/// A string value that says what goes there: `workspace_id` → `your-workspace-id`.
fn placeholder(name: &str) -> String {
    format!("your-{}", name.replace('_', "-").to_ascii_lowercase())
}
