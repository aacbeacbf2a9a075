//! `operations.rs`: for each operation its static description, a request type built with
//! setters, a response type, the typed declared error bodies, and the `Client` method.
//!
//! No generated name in this module can hide a prelude item (its types end in `Request`,
//! `Response` or `Error`, its constants are upper-case), so the prelude is used as is.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::call::{method_parts, status_variant, MethodParts, Names};
use super::{doc, rt, setter_pair, shown, std_type, type_tokens};
use crate::ir::*;
use crate::names;

/// `operations.rs`: the constants and types of each operation, then the `Client` methods.
/// `crate_name` is the generated library's name, which the examples `use`.
pub fn operations(api: &Api, crate_name: &str) -> TokenStream {
    let import = super::import_rt();
    let types = api
        .operations
        .iter()
        .map(|operation| operation_types(api, operation));
    let methods: Vec<TokenStream> = api
        .operations
        .iter()
        .map(|operation| operation_method(api, operation, crate_name))
        .collect();
    // One `impl` block for all methods: rustc checks inherent impl blocks of a type against
    // each other, which gets slow with a block per operation in a large spec.
    let methods = (!methods.is_empty()).then(|| quote!(impl crate::Client { #(#methods)* }));
    quote! {
        //! Operations of the API: a request type, a response type and a `Client` method each.
        #import
        #(#types)*
        #methods
    }
}

/// One operation's constant and types.
fn operation_types(api: &Api, operation: &Operation) -> TokenStream {
    let Operation {
        name,
        method_name: _,
        type_name: _,
        http_method,
        path,
        doc: _,
        deprecated: _,
        idempotent,
        tags: _,
        features: _,
        params: _,
        body: _,
        response: _,
        errors: _,
        pagination,
    } = operation;
    let rt = rt();
    let names = Names::of(operation);
    let cfg = &names.cfg;
    let constant = &names.constant;
    let method = format_ident!("{}", http_method);
    let request = request_type(api, operation, &names);
    let response = response_type(api, operation, &names);
    let success = success_type(api, operation, &names);
    let errors = error_type(api, operation, &names);
    let page_impl = pagination
        .as_ref()
        .map(|pagination| super::paging::page_impl(api, operation, pagination, &names));
    quote! {
        #cfg
        const #constant: #rt::Operation = #rt::Operation {
            name: #name,
            method: #rt::http::Method::#method,
            path: #path,
            idempotent: #idempotent,
        };

        #request
        #response
        #success
        #errors
        #page_impl
    }
}

/// One operation's `Client` method, and its pages method when it pages.
fn operation_method(api: &Api, operation: &Operation, crate_name: &str) -> TokenStream {
    let names = Names::of(operation);
    let pages_method = operation
        .pagination
        .as_ref()
        .map(|pagination| super::paging::pages_method(pagination, &names));
    let method = method_item(api, operation, &names, crate_name);
    quote!(#method #pages_method)
}

/// The type of a request's body field.
fn body_type(api: &Api, body: &RequestBody) -> TokenStream {
    match &body.kind {
        BodyKind::Json(ty) | BodyKind::UrlEncoded(ty) => type_tokens(api, ty),
        BodyKind::Form(id) => type_tokens(api, &Type::Model(*id)),
        BodyKind::Raw => {
            let rt = rt();
            quote!(#rt::FilePart)
        }
    }
}

/// The type of a request's body as a value, for its setters.
fn body_value_type(body: &RequestBody) -> Type {
    match &body.kind {
        BodyKind::Json(ty) | BodyKind::UrlEncoded(ty) => ty.clone(),
        BodyKind::Form(id) => Type::Model(*id),
        BodyKind::Raw => Type::File,
    }
}

/// The doc line of a request field's setter.
fn setter_doc(ident: &Ident) -> TokenStream {
    let shown = shown(ident);
    let doc = format!(" Sets [`{shown}`](Self::{shown}).");
    quote!(#[doc = #doc])
}

/// The request type: every value optional in Rust, set with setters; required ones are
/// checked when the request is sent.
fn request_type(api: &Api, operation: &Operation, names: &Names) -> TokenStream {
    let mut fields = Vec::new();
    // Each field's identifier and type, for its setters.
    let mut settable: Vec<(Ident, Type)> = Vec::new();
    for param in &operation.params {
        let ident = names::snake_ident(&param.name);
        let ty = type_tokens(api, &param.ty);
        let location = match param.location {
            ParamLocation::Path => "path placeholder",
            ParamLocation::Query => "query parameter",
            ParamLocation::Header => "header",
        };
        let mut text = param
            .doc
            .clone()
            .unwrap_or_else(|| format!("The `{}` {location}.", param.wire_name));
        if param.required && param.client_default.is_none() {
            text.push_str("\n\nRequired.");
        }
        let field_doc = doc(&text);
        let option = std_type(api, "Option");
        fields.push(quote!(#field_doc pub #ident: #option<#ty>,));
        settable.push((ident, param.ty.clone()));
    }
    if let Some(body) = &operation.body {
        let ty = body_type(api, body);
        let mut text = body
            .doc
            .clone()
            .unwrap_or_else(|| "The request body.".to_owned());
        if body.required {
            text.push_str("\n\nRequired.");
        }
        let field_doc = doc(&text);
        let ident = format_ident!("body");
        let option = std_type(api, "Option");
        fields.push(quote!(#field_doc pub body: #option<#ty>,));
        settable.push((ident, body_value_type(body)));
    }
    let setter_names: Vec<String> = settable.iter().map(|(ident, _)| shown(ident)).collect();
    let setters = settable
        .iter()
        .map(|(ident, ty)| setter_pair(api, ident, ty, setter_doc(ident), &setter_names));
    let method = &names.method;
    let request = &names.request;
    let request_doc = format!(
        " Request of [`Client::{m}`](crate::Client::{m}): start with `new()` and set values with the setters named after the fields.",
        m = shown(method)
    );
    let cfg = &names.cfg;
    quote! {
        #[doc = #request_doc]
        #cfg
        #[derive(Debug, Clone, Default)]
        #[cfg_attr(feature = "serde", derive(PartialEq))]
        #[non_exhaustive]
        pub struct #request { #(#fields)* }

        #cfg
        impl #request {
            /// A request with nothing set yet; required values are checked when it is sent.
            pub fn new() -> Self {
                Default::default()
            }

            #(#setters)*
        }
    }
}

/// The response type: status, request id and headers always; the body and declared
/// headers as the spec says.
fn response_type(api: &Api, operation: &Operation, names: &Names) -> TokenStream {
    let rt = rt();
    let mut fields = vec![quote! {
        /// The HTTP status code the server answered with.
        pub status: u16,
        /// The request id the server sent (`X-Request-Id`), if any.
        pub request_id: ::std::option::Option<::std::string::String>,
        /// Every response header, as received.
        pub headers: #rt::http::HeaderMap,
    }];
    let streaming = matches!(
        &operation.response.body,
        Some(ResponseBody {
            kind: ResponseKind::Stream,
            ..
        })
    );
    if let Some(body) = &operation.response.body {
        let text = match (&body.kind, &body.doc) {
            (ResponseKind::ByStatus(_), _) => format!(
                "The response body, which depends on the status: see [`{}`].",
                names.success
            ),
            (_, Some(text)) => text.clone(),
            (_, None) => "The response body.".to_owned(),
        };
        let body_doc = doc(&text);
        let ty = match &body.kind {
            ResponseKind::Json(ty) if body.optional => {
                let ty = type_tokens(api, ty);
                let option = std_type(api, "Option");
                quote!(#option<#ty>)
            }
            ResponseKind::Json(ty) => type_tokens(api, ty),
            ResponseKind::Stream => quote!(#rt::ByteStream),
            ResponseKind::ByStatus(_) => {
                let success = &names.success;
                quote!(#success)
            }
        };
        fields.push(quote!(#body_doc pub body: #ty,));
    }
    for header in &operation.response.headers {
        let ident = names::snake_ident(&header.name);
        let text = match &header.doc {
            Some(text) => format!(
                "{text}\n\nFrom the `{}` response header, when the server sent it.",
                header.wire_name
            ),
            None => format!(
                "The `{}` response header, when the server sent it.",
                header.wire_name
            ),
        };
        let header_doc = doc(&text);
        let ty = type_tokens(api, &header.ty);
        let option = std_type(api, "Option");
        fields.push(quote!(#header_doc pub #ident: #option<#ty>,));
    }
    let method = shown(&names.method);
    let response_doc = format!(" Response of [`Client::{method}`](crate::Client::{method}).");
    let derives = if streaming {
        quote!(#[derive(Debug)])
    } else {
        quote! {
            #[derive(Debug, Clone)]
            #[cfg_attr(feature = "serde", derive(PartialEq))]
        }
    };
    let response = &names.response;
    let cfg = &names.cfg;
    quote! {
        #[doc = #response_doc]
        #cfg
        #derives
        #[non_exhaustive]
        pub struct #response { #(#fields)* }
    }
}

/// When the 2xx responses declare different bodies: the body as one enum, a variant per
/// declared status and one for a 2xx status the spec does not declare, decoded by the
/// answer's status.
fn success_type(api: &Api, operation: &Operation, names: &Names) -> Option<TokenStream> {
    let rt = rt();
    let Some(ResponseBody {
        kind: ResponseKind::ByStatus(statuses),
        ..
    }) = &operation.response.body
    else {
        return None;
    };
    // Exact statuses match before ranges.
    let mut statuses: Vec<&StatusBody> = statuses.iter().collect();
    statuses.sort_by_key(|status| status.status.parse::<u16>().is_err());
    let allow = overlapping_arms(statuses.iter().map(|status| status.status.as_str()));
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    for status in statuses {
        let Some((variant, pattern)) = status_variant(&status.status) else {
            continue;
        };
        let text = match &status.doc {
            Some(text) => format!("`{}`: {text}", status.status),
            None => format!("`{}`.", status.status),
        };
        let variant_doc = doc(&text);
        match &status.ty {
            Some(ty) => {
                let ty = type_tokens(api, ty);
                variants.push(quote!(#variant_doc #variant(#ty),));
                arms.push(quote!(#pattern => response.json().map(Self::#variant),));
            }
            None => {
                variants.push(quote!(#variant_doc #variant,));
                arms.push(quote!(#pattern => Ok(Self::#variant),));
            }
        }
    }
    let success = &names.success;
    let method = shown(&names.method);
    let success_doc = format!(
        " The body of [`Client::{method}`](crate::Client::{method})'s response, by the status the server answered with (the response's `status`)."
    );
    let cfg = &names.cfg;
    Some(quote! {
        #[doc = #success_doc]
        #cfg
        #[derive(Debug, Clone)]
        #[cfg_attr(feature = "serde", derive(PartialEq))]
        #[non_exhaustive]
        pub enum #success {
            #(#variants)*
            /// A 2xx status the spec does not declare, with its body as JSON (`Null` when empty).
            Undeclared(#rt::serde_json::Value),
        }

        #cfg
        impl #success {
            /// Decodes an answer's body into the variant of its status.
            #allow
            fn from_response(response: &#rt::RawResponse) -> Result<Self, #rt::Error> {
                match response.status() {
                    #(#arms)*
                    _ => response
                        .json_optional()
                        .map(|body| Self::Undeclared(body.unwrap_or_default())),
                }
            }
        }
    })
}

/// `#[allow]` of clippy's lint on overlapping match arms, when `statuses` has an exact
/// status and a range: the exact one's arm comes first on purpose.
fn overlapping_arms<'s>(statuses: impl Iterator<Item = &'s str>) -> Option<TokenStream> {
    let (mut exact, mut range) = (false, false);
    for status in statuses {
        match status.parse::<u16>() {
            Ok(_) => exact = true,
            Err(_) if status != "default" => range = true,
            Err(_) => {}
        }
    }
    (exact && range).then(|| quote!(#[allow(clippy::match_overlapping_arm)]))
}

/// The declared error bodies as one enum, decoded from a service error by status.
fn error_type(api: &Api, operation: &Operation, names: &Names) -> Option<TokenStream> {
    let rt = rt();
    let mut declared: Vec<(&ErrorResponse, &Type)> = operation
        .errors
        .iter()
        .filter_map(|error| Some((error, error.body.as_ref()?)))
        .collect();
    if declared.is_empty() {
        return None;
    }
    // Exact statuses match before ranges, ranges before `default`.
    declared.sort_by_key(|(error, _)| match error.status.as_str() {
        "default" => 2,
        status if status.parse::<u16>().is_ok() => 0,
        _ => 1,
    });
    let allow = overlapping_arms(declared.iter().map(|(error, _)| error.status.as_str()));
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    let mut has_default = false;
    for (error, ty) in declared {
        let (variant, pattern) = match error.status.as_str() {
            "default" => {
                has_default = true;
                (format_ident!("Default"), quote!(_))
            }
            status => match status_variant(status) {
                Some(variant_and_pattern) => variant_and_pattern,
                None => continue,
            },
        };
        let ty = type_tokens(api, ty);
        let text = match &error.doc {
            Some(text) => format!("`{}`: {text}", error.status),
            None => format!("`{}`.", error.status),
        };
        let variant_doc = doc(&text);
        variants.push(quote!(#variant_doc #variant(#ty),));
        arms.push(quote!(#pattern => error.decode_body().ok().map(Self::#variant),));
    }
    if !has_default {
        arms.push(quote!(_ => None,));
    }
    let error_ident = &names.error;
    let method = shown(&names.method);
    let error_doc = format!(
        " The error bodies the spec declares for [`Client::{method}`](crate::Client::{method}), by status."
    );
    let cfg = &names.cfg;
    Some(quote! {
        #[doc = #error_doc]
        #cfg
        #[derive(Debug, Clone)]
        #[cfg_attr(feature = "serde", derive(PartialEq))]
        #[non_exhaustive]
        pub enum #error_ident { #(#variants)* }

        #cfg
        impl #error_ident {
            /// Decodes a service error's body into the type the spec declares for its
            /// status; `None` when none is declared or the body does not match it.
            #allow
            pub fn from_service_error(error: &#rt::ServiceError) -> ::std::option::Option<Self> {
                match error.status {
                    #(#arms)*
                }
            }
        }
    })
}

/// The `Client` method of an operation.
fn method_item(api: &Api, operation: &Operation, names: &Names, crate_name: &str) -> TokenStream {
    let rt = rt();
    let Names {
        method,
        constant,
        request,
        response,
        error,
        success: _,
        cfg,
    } = names;
    let mut text = operation.doc.clone().unwrap_or_default();
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&format!("`{} {}`", operation.http_method, operation.path));
    if operation.errors.iter().any(|error| error.body.is_some()) {
        let shown = error.to_string();
        text.push_str(&format!(
            "\n\n# Errors\n\nDeclared error responses arrive as `Error::Service`; [`{shown}::from_service_error`](crate::operations::{shown}::from_service_error) decodes their bodies."
        ));
    }
    text.push_str("\n\n");
    text.push_str(&super::example::example(api, operation, crate_name));
    let method_doc = doc(&text);
    let deprecated = operation.deprecated.then(|| quote!(#[deprecated]));
    let parts = method_parts(api, operation, constant);
    let MethodParts {
        build_call,
        send,
        finish,
    } = &parts;
    if operation.pagination.is_some() {
        // The pages send the same call and decode the same answer, through these two.
        let (call_fn, decode_fn) = super::paging::paged_fn_names(method);
        return quote! {
            #method_doc
            #cfg
            #deprecated
            pub async fn #method(&self, request: #request) -> Result<#response, #rt::Error> {
                #decode_fn(self.core.#send(#call_fn(request)).await?)
            }
        };
    }
    quote! {
        #method_doc
        #cfg
        #deprecated
        pub async fn #method(&self, request: #request) -> Result<#response, #rt::Error> {
            #build_call
            let response = self.core.#send(call).await?;
            Ok(#response { #finish })
        }
    }
}
