//! What an operation's method does, shared by its method and its pages: the identifiers of
//! the operation's items, the statements that put a request into a call, and the fields
//! of the response made from the answer.
//!
//! No generated name in this module can hide a prelude item, as in `operations.rs`.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::{cfg, is_enum, rt};
use crate::ir::*;
use crate::names;

/// The identifiers of one operation's items.
pub(super) struct Names {
    pub(super) method: Ident,
    pub(super) constant: Ident,
    pub(super) request: Ident,
    pub(super) response: Ident,
    pub(super) error: Ident,
    /// The body by status, when the 2xx responses declare different bodies.
    pub(super) success: Ident,
    /// `#[cfg]` of the operation's tag features, on each of its items.
    pub(super) cfg: TokenStream,
}

impl Names {
    pub(super) fn of(operation: &Operation) -> Names {
        let pascal = &operation.type_name;
        Names {
            method: names::snake_ident(&operation.method_name),
            constant: format_ident!("{}_OPERATION", operation.method_name.to_ascii_uppercase()),
            request: names::pascal_ident(&format!("{pascal}Request")),
            response: names::pascal_ident(&format!("{pascal}Response")),
            error: names::pascal_ident(&format!("{pascal}Error")),
            success: names::pascal_ident(&format!("{pascal}Success")),
            cfg: cfg(Some(&operation.features)),
        }
    }
}

/// The enum variant of a declared status, with the pattern of `u16` statuses it matches:
/// `Status404` for `404`, `Status4xx` for the range `4XX`; `None` for anything else.
pub(super) fn status_variant(status: &str) -> Option<(Ident, TokenStream)> {
    if let Ok(code) = status.parse::<u16>() {
        return Some((format_ident!("Status{code}"), quote!(#code)));
    }
    let digit = status
        .chars()
        .next()
        .and_then(|first| first.to_digit(10))
        .and_then(|digit| u16::try_from(digit).ok())?;
    let low = digit * 100;
    let high = low + 99;
    Some((format_ident!("Status{digit}xx"), quote!(#low..=#high)))
}

/// `option.map(...)` that turns each value into text (the identity for strings).
pub(super) fn map_text(ty: &Type, option: TokenStream) -> TokenStream {
    match ty {
        Type::String => option,
        _ => quote!(#option.map(|value| value.to_string())),
    }
}

/// An expression turning an optional query value into an optional `QueryValue`: typed for
/// numbers and booleans, so the runtime sorts them as the official SDK does.
fn map_query(api: &Api, ty: &Type, option: TokenStream) -> TokenStream {
    if is_enum(api, ty) {
        let element = query_element(api, ty);
        quote!(#option.map(|value| #element))
    } else {
        quote!(#option.map(Into::into))
    }
}

/// An expression turning `value`, one query value of type `ty` (an array's element, a
/// map's value), into a `QueryValue`: an enum as its text, anything else converted.
fn query_element(api: &Api, ty: &Type) -> TokenStream {
    if is_enum(api, ty) {
        quote!(value.to_string().into())
    } else {
        quote!(value.into())
    }
}

/// The statements that put a request's fields into the call. Fields are read as
/// `request.field`, never bound to locals, so no parameter name can shadow `call`.
fn call_steps(api: &Api, operation: &Operation) -> Vec<TokenStream> {
    let mut steps = Vec::new();
    for param in &operation.params {
        let ident = names::snake_ident(&param.name);
        let wire = &param.wire_name;
        let field = quote!(request.#ident);
        let required = param.required;
        steps.push(match (param.location, &param.ty) {
            (ParamLocation::Path, _) if param.client_default == Some(ClientId::Project) => {
                quote!(call.project_id_param(#wire, #field);)
            }
            (ParamLocation::Path, _) if param.client_default == Some(ClientId::Domain) => {
                quote!(call.domain_id_param(#wire, #field);)
            }
            (ParamLocation::Path, ty) => {
                let value = map_text(ty, field);
                quote!(call.set_path(#wire, #value);)
            }
            (ParamLocation::Query, Type::Array(inner)) => {
                let element = query_element(api, inner);
                let explode = param.explode;
                quote! {
                    call.set_query_array(
                        #wire,
                        #field.map(|values| values.into_iter().map(|value| #element).collect()),
                        #explode,
                        #required,
                    );
                }
            }
            (ParamLocation::Query, Type::Map(inner)) => {
                let (item, function) = match &**inner {
                    Type::Array(item) => (&**item, quote!(set_query_map_of_lists)),
                    item => (item, quote!(set_query_map)),
                };
                let element = query_element(api, item);
                let value = match &**inner {
                    Type::Array(_) => quote!(value.into_iter().map(|value| #element).collect()),
                    _ => element,
                };
                quote! {
                    call.#function(
                        #wire,
                        #field.map(|entries| entries.into_iter().map(|(key, value)| (key, #value)).collect()),
                        #required,
                    );
                }
            }
            (ParamLocation::Query, ty) => {
                let value = map_query(api, ty, field);
                quote!(call.set_query(#wire, #value, #required);)
            }
            (ParamLocation::Header, ty) => {
                let value = map_text(ty, field);
                quote!(call.set_header(#wire, #value, #required);)
            }
        });
    }
    if let Some(body) = &operation.body {
        let media_type = &body.media_type;
        let required = body.required;
        steps.push(match &body.kind {
            BodyKind::Json(_) => {
                quote!(call.set_json_body(#media_type, request.body.as_ref(), #required);)
            }
            BodyKind::UrlEncoded(_) => {
                quote!(call.set_url_encoded_body(#media_type, request.body.as_ref(), #required);)
            }
            BodyKind::Form(id) => {
                let form = form_expression(api, *id);
                quote!(call.set_form_body(#media_type, request.body.map(|body| #form), #required);)
            }
            BodyKind::Raw => quote!(call.set_file_body(#media_type, request.body, #required);),
        });
    }
    steps
}

/// An expression building the multipart form of a form model held in `body`.
fn form_expression(api: &Api, id: ModelId) -> TokenStream {
    let rt = rt();
    let ModelKind::Struct(model) = &api.model(id).kind else {
        return quote!(#rt::Form::new());
    };
    let parts = model.fields.iter().map(|field| {
        let ident = names::snake_ident(&field.name);
        let wire = &field.wire_name;
        let value = quote!(body.#ident);
        // Every part is added as an `Option`; a required field is always present.
        let option = if field.optional() {
            value
        } else {
            quote!(Some(#value))
        };
        match &field.ty {
            Type::File => quote!(form.file(#wire, #option);),
            Type::Array(inner) if **inner == Type::File => {
                quote!(form.files(#wire, #option.unwrap_or_default());)
            }
            ty @ (Type::String | Type::Boolean | Type::I32 | Type::I64 | Type::F32 | Type::F64) => {
                let text = map_text(ty, option);
                quote!(form.text(#wire, #text);)
            }
            ty if is_enum(api, ty) => {
                let text = map_text(ty, option);
                quote!(form.text(#wire, #text);)
            }
            _ => quote!(form.json(#wire, #option.as_ref());),
        }
    });
    quote! {{
        let mut form = #rt::Form::new();
        #(#parts)*
        form
    }}
}

/// The parts of an operation's method: the statements that build `call` from `request`,
/// the runtime method that sends it, and the fields of the response made from `response`.
pub(super) struct MethodParts {
    pub(super) build_call: TokenStream,
    pub(super) send: Ident,
    pub(super) finish: TokenStream,
}

pub(super) fn method_parts(api: &Api, operation: &Operation, constant: &Ident) -> MethodParts {
    let rt = rt();
    let steps = call_steps(api, operation);
    // A request without fields is still taken, for uniformity; say so where it is consumed.
    let (call_binding, consume) = if steps.is_empty() {
        (quote!(let call), Some(quote!(let _ = request;)))
    } else {
        (quote!(let mut call), None)
    };
    let build_call = quote! {
        #consume
        #call_binding = #rt::Call::new(&#constant);
        #(#steps)*
    };
    let mut inits = Vec::new();
    for header in &operation.response.headers {
        let ident = names::snake_ident(&header.name);
        // Looked up in lower case, as HTTP/1 header maps keep names: a name already in lower
        // case is found without being converted first.
        let wire = header.wire_name.to_ascii_lowercase();
        inits.push(if header.ty == Type::String {
            quote!(#ident: response.header(#wire),)
        } else {
            quote!(#ident: response.header_parsed(#wire),)
        });
    }
    let streaming = matches!(
        &operation.response.body,
        Some(ResponseBody {
            kind: ResponseKind::Stream,
            ..
        })
    );
    let body_init = match &operation.response.body {
        None => None,
        Some(_) if streaming => Some(quote!(body: response.body,)),
        Some(ResponseBody {
            kind: ResponseKind::ByStatus(_),
            ..
        }) => {
            let success = Names::of(operation).success;
            Some(quote!(body: #success::from_response(&response)?,))
        }
        Some(ResponseBody { optional: true, .. }) => Some(quote!(body: response.json_optional()?,)),
        Some(_) => Some(quote!(body: response.json()?,)),
    };
    // Values computed from the response come first; the fields moved out of it last.
    let finish = if streaming {
        quote! {
            request_id: response.request_id(),
            #(#inits)*
            status: response.status,
            headers: response.headers,
            #body_init
        }
    } else {
        quote! {
            status: response.status(),
            request_id: response.request_id(),
            #body_init
            #(#inits)*
            headers: response.into_headers(),
        }
    };
    MethodParts {
        build_call,
        send: if streaming {
            format_ident!("send_streaming")
        } else {
            format_ident!("send")
        },
        finish,
    }
}
