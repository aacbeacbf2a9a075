//! Responses of an operation: the 2xx body and headers that make the response type (one
//! body, or one per status when the 2xx bodies differ), and the declared error responses.

use openapiv3 as oa;

use super::{is_json, pick_content, Lowerer};
use crate::error::Diagnostic;
use crate::ir::*;
use crate::names;

/// Fields every response type has; a declared header may not take their names.
const RESPONSE_FIELDS: [&str; 4] = ["status", "body", "headers", "request_id"];

/// A declared 2xx response as lowered: its status, description and body.
struct Success<'s> {
    status: String,
    path: String,
    doc: Option<String>,
    body: Option<DeclaredBody<'s>>,
}

/// A declared response body: what it decodes as, and what the mock answers with.
struct DeclaredBody<'s> {
    kind: ResponseKind,
    media_type: String,
    example: Option<serde_json::Value>,
    /// The schema as written, so that a later 2xx with the same one reuses its type.
    schema: Option<&'s oa::ReferenceOr<oa::Schema>>,
}

impl Lowerer<'_> {
    pub(super) fn lower_responses(
        &mut self,
        operation_pascal: &str,
        responses: &oa::Responses,
        path: &str,
    ) -> (Response, Vec<ErrorResponse>) {
        let components = self.spec.components.as_ref();
        let mut headers = Vec::new();
        let mut successes: Vec<Success<'_>> = Vec::new();
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
            let doc = Some(response.description.clone()).filter(|text| !text.trim().is_empty());
            let body = match pick_content(&response.content) {
                None => None,
                Some((media_type, content)) => {
                    let content_path = format!("{response_path}.content.{media_type}");
                    let json = is_json(media_type);
                    // A 2xx body written as an earlier one's is that body's type, not a
                    // second model; the first 2xx body's inline model is
                    // `<Op>ResponseBody`, a later different one's `<Op>Response<Status>`.
                    let earlier = successes
                        .iter()
                        .filter_map(|success| success.body.as_ref())
                        .find(|body| {
                            is_success
                                && json
                                && is_json(&body.media_type)
                                && body.schema.is_some()
                                && body.schema == content.schema.as_ref()
                        });
                    let hint = if !is_success {
                        format!("{operation_pascal}Error{}", names::pascal(&status))
                    } else if successes.iter().any(|success| success.body.is_some()) {
                        format!("{operation_pascal}Response{status}")
                    } else {
                        format!("{operation_pascal}ResponseBody")
                    };
                    let kind = match (earlier, &content.schema, json) {
                        (Some(earlier), ..) => earlier.kind.clone(),
                        (None, Some(schema), true) => match self.lower_ref_or(
                            schema,
                            &format!("{content_path}.schema"),
                            &hint,
                        ) {
                            Some(ty) => ResponseKind::Json(ty),
                            None => continue,
                        },
                        (None, None, true) => ResponseKind::Json(Type::JsonValue),
                        (None, _, false) => ResponseKind::Stream,
                    };
                    let example = content.example.clone().or_else(|| {
                        content.examples.values().find_map(|example| match example {
                            oa::ReferenceOr::Item(example) => example.value.clone(),
                            oa::ReferenceOr::Reference { .. } => None,
                        })
                    });
                    Some(DeclaredBody {
                        kind,
                        media_type: media_type.clone(),
                        example,
                        schema: content.schema.as_ref(),
                    })
                }
            };
            if !is_success {
                errors.push(ErrorResponse {
                    status,
                    body: match body {
                        Some(DeclaredBody {
                            kind: ResponseKind::Json(ty),
                            ..
                        }) => Some(ty),
                        _ => None,
                    },
                    doc,
                });
                continue;
            }
            // A body of alternatives (`oneOf`/`anyOf`) names them in the docs.
            let doc = match &body {
                Some(DeclaredBody {
                    kind: ResponseKind::Json(ty),
                    ..
                }) => self.doc_with_alternatives(doc, ty),
                _ => doc,
            };
            self.lower_response_headers(response, &response_path, &mut headers);
            successes.push(Success {
                status,
                path: response_path,
                doc,
                body,
            });
        }
        let status = successes
            .first()
            .and_then(|success| success.status.parse().ok())
            .unwrap_or(200);
        let response = Response {
            status,
            body: self.success_body(successes, status),
            headers,
        };
        (response, errors)
    }

    /// The body of the response type: the one body the 2xx responses share (optional when
    /// some 2xx has none), or, when their bodies differ, one per status. `status` is the
    /// one the mock answers with.
    fn success_body(&mut self, successes: Vec<Success<'_>>, status: u16) -> Option<ResponseBody> {
        let first = successes.iter().find_map(|success| success.body.as_ref())?;
        let Some(different) = successes
            .iter()
            .find(|success| matches!(&success.body, Some(body) if body.kind != first.kind))
        else {
            // Every 2xx with a body has this one: the response has one body type.
            let optional = successes.iter().any(|success| success.body.is_none());
            let (doc, body) = successes
                .into_iter()
                .find_map(|success| Some((success.doc, success.body?)))?;
            return Some(ResponseBody {
                media_type: body.media_type,
                optional,
                doc,
                kind: body.kind,
                example: body.example,
            });
        };
        let streams = successes.iter().any(|success| {
            matches!(
                &success.body,
                Some(DeclaredBody {
                    kind: ResponseKind::Stream,
                    ..
                })
            )
        });
        if streams {
            self.unsupported(
                &different.path,
                "a 2xx response body that is not JSON beside a 2xx response with another body",
                "give the 2xx responses of an operation the same body, or JSON bodies only",
            );
            return None;
        }
        let statuses: Vec<StatusBody> = successes
            .iter()
            .map(|success| StatusBody {
                status: success.status.clone(),
                ty: match &success.body {
                    Some(DeclaredBody {
                        kind: ResponseKind::Json(ty),
                        ..
                    }) => Some(ty.clone()),
                    _ => None,
                },
                doc: success.doc.clone(),
            })
            .collect();
        // The mock answers with `status`: the media type and example of its body.
        let answered = status_index(&statuses, status)
            .and_then(|index| successes[index].body.as_ref())
            .unwrap_or(first);
        Some(ResponseBody {
            media_type: answered.media_type.clone(),
            optional: false,
            doc: None,
            kind: ResponseKind::ByStatus(statuses),
            example: answered.example.clone(),
        })
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
