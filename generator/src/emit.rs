//! Emitting: the [`Api`] in, token streams of `models.rs` and `operations.rs` out.
//!
//! One function per generated item. Generated code uses absolute paths (`::huaweicloud_sdk_core::codegen::serde::`,
//! `crate::models::`) and reaches the hand-written runtime only through `crate::runtime`
//! and `crate::Client`, so it never depends on imports at the use site.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::*;

/// `#[doc]` attributes for a text, one per line. Every spec line becomes its own paragraph,
/// so list items and continuation lines never run into each other in rustdoc.
fn doc(text: &str) -> TokenStream {
    // A lone `\r` is a line break to the spec's author but invalid in a Rust doc comment.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<String> = text
        .lines()
        .map(str::trim_end)
        .filter(|line| !line.trim().is_empty())
        .map(|line| format!(" {}", line.trim_start()))
        .collect();
    let mut attrs = TokenStream::new();
    for (index, line) in lines.iter().enumerate() {
        if index > 0 {
            attrs.extend(quote!(#[doc = ""]));
        }
        attrs.extend(quote!(#[doc = #line]));
    }
    attrs
}

/// The Rust type of a lowered schema, as seen from any module of the crate.
fn type_tokens(ty: &Type) -> TokenStream {
    match ty {
        Type::String => quote!(::std::string::String),
        Type::Boolean => quote!(bool),
        Type::I32 => quote!(i32),
        Type::I64 => quote!(i64),
        Type::F32 => quote!(f32),
        Type::F64 => quote!(f64),
        Type::Named(ident, _) => quote!(crate::models::#ident),
        Type::Array(inner) => {
            let inner = type_tokens(inner);
            quote!(::std::vec::Vec<#inner>)
        }
        Type::Map(inner) => {
            let inner = type_tokens(inner);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
        Type::JsonObject => {
            quote!(::huaweicloud_sdk_core::codegen::serde_json::Map<::std::string::String, ::huaweicloud_sdk_core::codegen::serde_json::Value>)
        }
        Type::JsonValue => quote!(::huaweicloud_sdk_core::codegen::serde_json::Value),
        Type::Bytes => quote!(::huaweicloud_sdk_core::codegen::bytes::Bytes),
    }
}

/// The whole `models.rs` body.
pub fn models(api: &Api) -> TokenStream {
    let models = api.models.iter().map(|model| match model {
        Model::Struct(model) => struct_model(model),
        Model::Enum(model) => enum_model(model),
        Model::Alias(model) => alias_model(model),
    });
    quote! {
        //! Data types of the API: one per schema of the spec.
        #(#models)*
    }
}

fn struct_model(model: &StructModel) -> TokenStream {
    let StructModel {
        ident,
        doc: text,
        fields,
        derive_default,
    } = model;
    let doc = doc(text);
    let deserialize = struct_deserialize(model);
    let fields = fields.iter().map(field);
    let default = derive_default.then(|| quote!(Default,));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #default ::huaweicloud_sdk_core::codegen::serde::Serialize)]
        #[serde(crate = "::huaweicloud_sdk_core::codegen::serde")]
        pub struct #ident { #(#fields)* }

        #deserialize
    }
}

/// Whether a field is an `Option` in Rust (optional, or required but nullable).
fn is_option(field: &Field) -> bool {
    !field.required || field.nullable
}

/// The Rust type of a field, `Box` and `Option` included.
fn field_type(field: &Field) -> TokenStream {
    let mut ty = type_tokens(&field.ty);
    if field.boxed {
        ty = quote!(::std::boxed::Box<#ty>);
    }
    if is_option(field) {
        ty = quote!(::std::option::Option<#ty>);
    }
    ty
}

/// The JSON name of a field, when serde's default (the identifier without `r#`) differs.
fn rename(field: &Field) -> Option<&str> {
    let ident = field.ident.to_string();
    (ident.trim_start_matches("r#") != field.wire_name).then_some(field.wire_name.as_str())
}

fn field(field: &Field) -> TokenStream {
    let rename = rename(field);
    let Field {
        ident,
        wire_name: _,
        ty: _,
        required,
        nullable: _,
        boxed: _,
        doc: text,
    } = field;
    let doc = doc(text);
    let ty = field_type(field);
    let mut serde_args = Vec::new();
    if let Some(rename) = rename {
        serde_args.push(quote!(rename = #rename));
    }
    // Optional fields are left out when unset; required nullable ones are sent as `null`.
    if !required {
        serde_args.push(quote!(
            skip_serializing_if = "::std::option::Option::is_none"
        ));
    }
    let serde = (!serde_args.is_empty()).then(|| quote!(#[serde(#(#serde_args),*)]));
    quote! {
        #doc
        #serde
        pub #ident: #ty,
    }
}

/// A `Deserialize` impl lighter to compile than serde's derive: a map visitor only, with the
/// field lookup shared through `::huaweicloud_sdk_core::codegen::FieldSeed`. Unknown keys are skipped;
/// a missing required field is serde's usual `missing field` error; `null` or a missing key
/// makes an `Option` field `None`; of duplicate keys the last wins.
fn struct_deserialize(model: &StructModel) -> TokenStream {
    let ident = &model.ident;
    let name = ident.to_string().trim_start_matches("r#").to_owned();
    let expecting = format!("struct {name}");
    let wire_names: Vec<&str> = model
        .fields
        .iter()
        .map(|field| field.wire_name.as_str())
        .collect();
    let slots: Vec<proc_macro2::Ident> = (0..model.fields.len())
        .map(|index| format_ident!("field_{index}"))
        .collect();
    let indices = (0..model.fields.len()).map(proc_macro2::Literal::usize_unsuffixed);
    let inits = model
        .fields
        .iter()
        .zip(&slots)
        .zip(&wire_names)
        .map(|((field, slot), wire)| {
            let field_ident = &field.ident;
            if is_option(field) {
                quote!(#field_ident: #slot.flatten())
            } else {
                quote!(#field_ident: ::huaweicloud_sdk_core::codegen::required(#slot, #wire)?)
            }
        });
    quote! {
        impl<'de> ::huaweicloud_sdk_core::codegen::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::huaweicloud_sdk_core::codegen::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                const FIELDS: &[&str] = &[#(#wire_names),*];
                struct FieldsVisitor;
                impl<'de> ::huaweicloud_sdk_core::codegen::serde::de::Visitor<'de> for FieldsVisitor {
                    type Value = crate::models::#ident;
                    fn expecting(&self, formatter: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        formatter.write_str(#expecting)
                    }
                    fn visit_map<A: ::huaweicloud_sdk_core::codegen::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<Self::Value, A::Error> {
                        #( let mut #slots = ::std::option::Option::None; )*
                        while let ::std::option::Option::Some(index) = map.next_key_seed(::huaweicloud_sdk_core::codegen::FieldSeed(FIELDS))? {
                            match index {
                                #( ::std::option::Option::Some(#indices) => #slots = ::std::option::Option::Some(map.next_value()?), )*
                                _ => {
                                    map.next_value::<::huaweicloud_sdk_core::codegen::serde::de::IgnoredAny>()?;
                                }
                            }
                        }
                        ::std::result::Result::Ok(crate::models::#ident { #(#inits),* })
                    }
                }
                deserializer.deserialize_struct(#name, FIELDS, FieldsVisitor)
            }
        }
    }
}

fn enum_model(model: &EnumModel) -> TokenStream {
    let EnumModel {
        ident,
        doc: text,
        variants,
        unknown,
    } = model;
    let doc = doc(text);
    let variant_docs = variants.iter().map(|variant| match variant.value.as_str() {
        "" => " The empty string.".to_owned(),
        value => format!(" `{}`", value.replace(['\r', '\n'], " ")),
    });
    let variant_idents: Vec<_> = variants.iter().map(|variant| &variant.ident).collect();
    let values: Vec<_> = variants.iter().map(|variant| &variant.value).collect();
    let unknown_doc = format!(
        " Values the spec does not list are kept, unchanged, in [`{unknown}`](Self::{unknown})."
    );
    quote! {
        #doc
        #[doc = ""]
        #[doc = #unknown_doc]
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #ident {
            #( #[doc = #variant_docs] #variant_idents, )*
            /// A value the spec does not list, as the server sent it.
            #unknown(::std::string::String),
        }

        impl #ident {
            /// The value as it is sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variant_idents => #values, )*
                    Self::#unknown(value) => value,
                }
            }
        }

        impl ::std::convert::From<&str> for #ident {
            fn from(value: &str) -> Self {
                match value {
                    #( #values => Self::#variant_idents, )*
                    other => Self::#unknown(other.to_owned()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for #ident {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    #( #values => Self::#variant_idents, )*
                    _ => Self::#unknown(value),
                }
            }
        }

        impl ::std::fmt::Display for #ident {
            fn fmt(&self, formatter: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                formatter.write_str(self.as_str())
            }
        }

        impl ::huaweicloud_sdk_core::codegen::serde::Serialize for #ident {
            fn serialize<S: ::huaweicloud_sdk_core::codegen::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::huaweicloud_sdk_core::codegen::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::huaweicloud_sdk_core::codegen::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                <::std::string::String as ::huaweicloud_sdk_core::codegen::serde::Deserialize<'de>>::deserialize(deserializer).map(Self::from)
            }
        }
    }
}

fn alias_model(model: &AliasModel) -> TokenStream {
    let AliasModel {
        ident,
        doc: text,
        ty,
    } = model;
    let doc = doc(text);
    let ty = type_tokens(ty);
    quote! {
        #doc
        pub type #ident = #ty;
    }
}

/// The whole `operations.rs` body.
pub fn operations(api: &Api) -> TokenStream {
    let (types, methods): (Vec<_>, Vec<_>) = api.operations.iter().map(operation).unzip();
    // One `impl` block for all methods: rustc checks inherent impl blocks of a type against
    // each other, which gets slow with a block per operation in a large spec.
    let methods = (!methods.is_empty()).then(|| quote!(impl crate::Client { #(#methods)* }));
    quote! {
        //! Operations of the API: a request type, a response type and a `Client` method each.
        #(#types)*
        #methods
    }
}

/// The whole `client.rs` body: the service description and the `Client` wrapping the
/// runtime's.
pub fn client(api: &Api) -> TokenStream {
    let Service {
        name,
        env_name,
        endpoint_template,
        regions,
    } = &api.service;
    let endpoint_template = match endpoint_template {
        Some(template) => quote!(::std::option::Option::Some(#template)),
        None => quote!(::std::option::Option::None),
    };
    let title = crate::names::one_line(name);
    let service_doc = format!(" {title}, as the spec's `info` and `servers` describe it.");
    let client_doc = format!(
        " An async client of {title}: one method per operation of the spec. Cheap to clone; clones share connections."
    );
    quote! {
        //! The service description and the client.

        #[doc = #service_doc]
        pub static SERVICE: ::huaweicloud_sdk_core::codegen::Service = ::huaweicloud_sdk_core::codegen::Service {
            name: #name,
            env_name: #env_name,
            endpoint_template: #endpoint_template,
            regions: &[#(#regions),*],
        };

        #[doc = #client_doc]
        ///
        /// Build one with [`Client::builder`]. Operations the spec does not describe yet can be
        /// called through the runtime client it dereferences to
        /// ([`send`](::huaweicloud_sdk_core::Client::send)).
        #[derive(Debug, Clone)]
        pub struct Client {
            pub(crate) core: ::huaweicloud_sdk_core::codegen::Client,
        }

        /// Builds a [`Client`]: set an endpoint or a region, and credentials.
        pub type ClientBuilder = ::huaweicloud_sdk_core::codegen::ClientBuilder<Client>;

        impl Client {
            /// Starts building a client.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::new()
            }
        }

        impl ::huaweicloud_sdk_core::codegen::ServiceClient for Client {
            const SERVICE: &'static ::huaweicloud_sdk_core::codegen::Service = &SERVICE;

            fn from_core(core: ::huaweicloud_sdk_core::codegen::Client) -> Self {
                Client { core }
            }
        }

        impl ::std::ops::Deref for Client {
            type Target = ::huaweicloud_sdk_core::codegen::Client;

            fn deref(&self) -> &Self::Target {
                &self.core
            }
        }
    }
}

/// The Rust type of a parameter field.
fn param_type(param: &Param) -> TokenStream {
    let ty = type_tokens(&param.ty);
    if param.required && !param.project_id {
        ty
    } else {
        quote!(::std::option::Option<#ty>)
    }
}

/// An expression turning `value` (of a scalar type) into the `String` sent on the wire.
fn render(ty: &Type, value: &TokenStream) -> TokenStream {
    match ty {
        Type::String => quote!(#value),
        _ => quote!(#value.to_string()),
    }
}

/// An expression turning `value` into a query value: typed for numbers and booleans, so the
/// runtime sorts them as the official SDK does.
fn query_value(ty: &Type, value: &TokenStream) -> TokenStream {
    match ty {
        Type::Named(..) => quote!(#value.to_string()),
        _ => quote!(#value),
    }
}

/// The items of one operation (its constant, request and response types) and its method.
fn operation(operation: &Operation) -> (TokenStream, TokenStream) {
    let Operation {
        name,
        method_ident,
        const_ident,
        request_ident,
        response_ident,
        http_method,
        path,
        doc: text,
        deprecated,
        idempotent,
        params,
        body,
        response,
        errors,
    } = operation;
    let method = format_ident!("{}", http_method);
    let request = request_type(method_ident, request_ident, params, body.as_ref());
    let (response_fields, response_inits) = response_parts(response);
    let response_doc =
        format!(" Response of [`Client::{method_ident}`](crate::Client::{method_ident}).");
    let types = quote! {
        const #const_ident: ::huaweicloud_sdk_core::codegen::Operation = ::huaweicloud_sdk_core::codegen::Operation {
            name: #name,
            method: ::huaweicloud_sdk_core::codegen::http::Method::#method,
            path: #path,
            idempotent: #idempotent,
        };

        #request

        #[doc = #response_doc]
        #[derive(Debug, Clone, PartialEq)]
        pub struct #response_ident { #(#response_fields)* }
    };

    let method_doc = doc(&method_doc_text(text, http_method, path, errors));
    let deprecated = deprecated.then(|| quote!(#[deprecated]));
    let (steps, body_step) = call_steps(params, body.as_ref());
    // A request without fields is still taken, for uniformity; say so where it is consumed.
    let (call_binding, consume) = if steps.is_empty() && body_step.is_none() {
        (
            quote!(let call),
            Some(quote!(let #request_ident {} = request;)),
        )
    } else {
        (quote!(let mut call), None)
    };
    let method = quote! {
        #method_doc
        #deprecated
        pub async fn #method_ident(&self, request: #request_ident) -> ::std::result::Result<#response_ident, ::huaweicloud_sdk_core::codegen::Error> {
            #consume
            #call_binding = ::huaweicloud_sdk_core::codegen::Call::new(&#const_ident);
            #(#steps)*
            #body_step
            let response = self.core.send(call).await?;
            ::std::result::Result::Ok(#response_ident { #(#response_inits)* })
        }
    };
    (types, method)
}

/// The request type of an operation and its `new`.
fn request_type(
    method_ident: &proc_macro2::Ident,
    request_ident: &proc_macro2::Ident,
    params: &[Param],
    body: Option<&RequestBody>,
) -> TokenStream {
    let mut request_fields = Vec::new();
    let mut new_args = Vec::new();
    let mut new_inits = Vec::new();
    for param in params {
        let ident = &param.ident;
        let field_doc = doc(&param.doc);
        let ty = param_type(param);
        request_fields.push(quote!(#field_doc pub #ident: #ty,));
        if param.required && !param.project_id {
            if param.ty == Type::String {
                new_args.push(quote!(#ident: impl ::std::convert::Into<::std::string::String>));
                new_inits.push(quote!(#ident: #ident.into()));
            } else {
                new_args.push(quote!(#ident: #ty));
                new_inits.push(quote!(#ident));
            }
        } else {
            new_inits.push(quote!(#ident: ::std::option::Option::None));
        }
    }
    if let Some(body) = body {
        let body_doc = doc(&body.doc);
        let ty = type_tokens(&body.ty);
        if body.required {
            request_fields.push(quote!(#body_doc pub body: #ty,));
            new_args.push(quote!(body: #ty));
            new_inits.push(quote!(body));
        } else {
            request_fields.push(quote!(#body_doc pub body: ::std::option::Option<#ty>,));
            new_inits.push(quote!(body: ::std::option::Option::None));
        }
    }
    let many_args = (new_args.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    // With no required values every field is optional, so `Default` is the natural `new`.
    let request_default = new_args.is_empty().then(|| quote!(Default,));
    let request_doc =
        format!(" Request of [`Client::{method_ident}`](crate::Client::{method_ident}).");
    quote! {
        #[doc = #request_doc]
        #[derive(Debug, Clone, PartialEq, #request_default)]
        pub struct #request_ident { #(#request_fields)* }

        impl #request_ident {
            /// Creates a request from its required values; optional ones start as `None`.
            #many_args
            pub fn new(#(#new_args),*) -> Self {
                Self { #(#new_inits),* }
            }
        }
    }
}

/// The statements that put a request's fields into the call. Fields are read as
/// `request.field`, never bound to locals, so no parameter name can shadow `call`.
fn call_steps(
    params: &[Param],
    body: Option<&RequestBody>,
) -> (Vec<TokenStream>, Option<TokenStream>) {
    let value_ident = quote!(value);
    let steps = params
        .iter()
        .map(|param| {
            let ident = &param.ident;
            let wire = &param.name;
            let field = quote!(request.#ident);
            match (param.location, &param.ty) {
                (ParamLocation::Path, _) if param.project_id => {
                    quote!(call.project_id_param(#wire, #field);)
                }
                (ParamLocation::Path, ty) => {
                    let direct = render(ty, &field);
                    quote!(call.path_param(#wire, #direct);)
                }
                (ParamLocation::Query, Type::Array(inner)) => {
                    let value = query_value(inner, &value_ident);
                    let source = if param.required {
                        field
                    } else {
                        quote!(#field.into_iter().flatten())
                    };
                    quote!(for value in #source { call.query(#wire, #value); })
                }
                (location, ty) => {
                    let (method, value, direct) = if location == ParamLocation::Query {
                        (quote!(query), query_value(ty, &value_ident), query_value(ty, &field))
                    } else {
                        (quote!(header), render(ty, &value_ident), render(ty, &field))
                    };
                    if param.required {
                        quote!(call.#method(#wire, #direct);)
                    } else {
                        quote!(if let ::std::option::Option::Some(value) = #field { call.#method(#wire, #value); })
                    }
                }
            }
        })
        .collect();
    let body_step = body.map(|body| {
        let media_type = &body.media_type;
        let attach = |source: TokenStream| {
            if body.json {
                quote!(call.json_body(#media_type, &#source);)
            } else {
                quote!(call.raw_body(#media_type, #source);)
            }
        };
        if body.required {
            attach(quote!(request.body))
        } else {
            let attach = attach(quote!(body));
            quote!(if let ::std::option::Option::Some(body) = request.body { #attach })
        }
    });
    (steps, body_step)
}

/// The fields of a response type, and the expressions that fill them from the answer.
fn response_parts(response: &Response) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let mut fields = vec![quote! {
        /// The HTTP status code the server answered with.
        pub status: u16,
    }];
    let mut inits = vec![quote!(status: response.status(),)];
    if let Some(body) = &response.body {
        let body_doc = doc(&body.doc);
        let ty = type_tokens(&body.ty);
        let (ty, decode) = match (body.json, body.optional) {
            (true, false) => (ty, quote!(response.json()?)),
            (true, true) => (
                quote!(::std::option::Option<#ty>),
                quote!(response.json_optional()?),
            ),
            (false, _) => (ty, quote!(response.bytes())),
        };
        fields.push(quote!(#body_doc pub body: #ty,));
        inits.push(quote!(body: #decode,));
    }
    for header in &response.headers {
        let ResponseHeader {
            ident,
            name: wire,
            ty,
            doc: text,
        } = header;
        let header_doc = doc(&format!(
            "{text}\n\nFrom the `{wire}` response header, when the server sent it."
        ));
        let ty_tokens = type_tokens(ty);
        fields.push(quote!(#header_doc pub #ident: ::std::option::Option<#ty_tokens>,));
        inits.push(if *ty == Type::String {
            quote!(#ident: response.header(#wire),)
        } else {
            quote!(#ident: response.header_parsed(#wire),)
        });
    }
    (fields, inits)
}

/// A method's documentation: the spec's text, the route, the declared errors.
fn method_doc_text(text: &str, http_method: &str, path: &str, errors: &[ErrorResponse]) -> String {
    let mut method_text = format!("{text}\n\n`{http_method} {path}`");
    if !errors.is_empty() {
        method_text
            .push_str("\n\n# Errors\n\nDeclared error responses arrive as `Error::Service`:");
        for error in errors {
            let body = match &error.body {
                Some(Type::Named(ident, _)) => {
                    format!(" The body decodes to [`{ident}`](crate::models::{ident}) with `ServiceError::decode_body`.")
                }
                _ => String::new(),
            };
            method_text.push_str(&format!(
                "\n\n- `{}`: {}{body}",
                error.status,
                error.doc.trim()
            ));
        }
    }
    method_text
}
