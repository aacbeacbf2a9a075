//! Responses of an operation: the 2xx body and headers that make the response type, and the
//! declared error responses.

use openapiv3 as oa;

use super::{is_json, pick_content, Lowerer};
use crate::error::Diagnostic;
use crate::ir::*;
use crate::names;

/// Fields every response type has; a declared header may not take their names.
const RESPONSE_FIELDS: [&str; 4] = ["status", "body", "headers", "request_id"];

impl Lowerer<'_> {
    pub(super) fn lower_responses(
        &mut self,
        operation_pascal: &str,
        responses: &oa::Responses,
        path: &str,
    ) -> (Response, Vec<ErrorResponse>) {
        let components = self.spec.components.as_ref();
        let mut success = Response {
            status: 200,
            body: None,
            headers: Vec::new(),
        };
        let mut status_seen = false;
        // A 2xx without content next to one with a body makes the body optional.
        let mut success_without_body = false;
        let mut errors = Vec::new();
        let declared = responses
            .responses
            .iter()
            .map(|(status, response)| (status.to_string(), response))
            .chain(
                responses
                    .default
                    .iter()
                    .map(|response| ("default".to_owned(), response)),
            );
        for (status, response) in declared {
            let response_path = format!("{path}.{status}");
            let Some(response) = self.resolve_component(
                response,
                components.map(|c| &c.responses),
                "responses",
                &response_path,
            ) else {
                continue;
            };
            let is_success = status.starts_with('2');
            if is_success && !status_seen {
                status_seen = true;
                success.status = status.parse().unwrap_or(200);
            }
            let doc = Some(response.description.clone()).filter(|text| !text.trim().is_empty());
            let body = match pick_content(&response.content) {
                None => None,
                Some((media_type, content)) => {
                    let content_path = format!("{response_path}.content.{media_type}");
                    let hint = if is_success {
                        format!("{operation_pascal}ResponseBody")
                    } else {
                        format!("{operation_pascal}Error{}", names::pascal(&status))
                    };
                    let kind = match (&content.schema, is_json(media_type)) {
                        (Some(schema), true) => match self.lower_ref_or(
                            schema,
                            &format!("{content_path}.schema"),
                            &hint,
                        ) {
                            Some(ty) => ResponseKind::Json(ty),
                            None => continue,
                        },
                        (None, true) => ResponseKind::Json(Type::JsonValue),
                        (_, false) => ResponseKind::Stream,
                    };
                    let example = content.example.clone().or_else(|| {
                        content.examples.values().find_map(|example| match example {
                            oa::ReferenceOr::Item(example) => example.value.clone(),
                            oa::ReferenceOr::Reference { .. } => None,
                        })
                    });
                    Some((kind, media_type.clone(), example))
                }
            };
            if !is_success {
                errors.push(ErrorResponse {
                    status,
                    body: match body {
                        Some((ResponseKind::Json(ty), ..)) => Some(ty),
                        _ => None,
                    },
                    doc,
                });
                continue;
            }
            match body {
                None => success_without_body = true,
                Some((kind, media_type, example)) => match &success.body {
                    Some(existing) if existing.kind != kind => {
                        self.unsupported(
                            &response_path,
                            "giving 2xx responses of one operation different bodies",
                            "give every 2xx response of an operation the same schema",
                        );
                    }
                    Some(_) => {}
                    None => {
                        success.body = Some(ResponseBody {
                            media_type,
                            optional: false,
                            doc,
                            kind,
                            example,
                        })
                    }
                },
            }
            self.lower_response_headers(response, &response_path, &mut success.headers);
        }
        if let Some(body) = &mut success.body {
            body.optional = success_without_body;
        }
        (success, errors)
    }

    fn lower_response_headers(
        &mut self,
        response: &oa::Response,
        response_path: &str,
        headers: &mut Vec<ResponseHeader>,
    ) {
        let components = self.spec.components.as_ref();
        for (name, header) in &response.headers {
            let header_path = format!("{response_path}.headers.{name}");
            let Some(header) = self.resolve_component(
                header,
                components.map(|c| &c.headers),
                "headers",
                &header_path,
            ) else {
                continue;
            };
            // Content-Type is not a header of the response type: OpenAPI ignores it too.
            // X-Request-Id is read into every response's `request_id` already.
            if name.eq_ignore_ascii_case("content-type")
                || name.eq_ignore_ascii_case("x-request-id")
                || headers
                    .iter()
                    .any(|existing| existing.wire_name.eq_ignore_ascii_case(name))
            {
                continue;
            }
            let snake = names::snake(name);
            let escaped = names::snake_ident(&snake);
            if RESPONSE_FIELDS.contains(&snake.as_str())
                || headers
                    .iter()
                    .any(|existing| names::snake_ident(&existing.name) == escaped)
            {
                self.error(
                    Diagnostic::new(
                        &header_path,
                        format!(
                            "response header `{name}` collides with the response field `{snake}`"
                        ),
                    )
                    .help("rename the header"),
                );
                continue;
            }
            let ty = match &header.format {
                oa::ParameterSchemaOrContent::Schema(schema) => self
                    .lower_ref_or(schema, &format!("{header_path}.schema"), "Header")
                    .map(|ty| self.see_through_aliases(ty)),
                oa::ParameterSchemaOrContent::Content(_) => None,
            };
            let Some(
                ty @ (Type::String | Type::Boolean | Type::I32 | Type::I64 | Type::F32 | Type::F64),
            ) = ty
            else {
                self.unsupported(
                    &header_path,
                    "a response header that is not a string, number or boolean",
                    "declare it as `schema: {type: string}`",
                );
                continue;
            };
            headers.push(ResponseHeader {
                name: snake,
                wire_name: name.clone(),
                ty,
                doc: header
                    .description
                    .clone()
                    .filter(|text| !text.trim().is_empty()),
            });
        }
    }
}
