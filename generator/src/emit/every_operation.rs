//! `tests/every_operation/calls.rs`: a test of the generated crate that calls every
//! operation of the spec through its generated method against the crate's own mock, with
//! every required value set, and decodes every answer. Its `main.rs` is fixed text (see
//! `package`), so `cargo fmt` leaves it alone and skips this module.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{rt, type_ident, type_tokens_in};
use crate::ir::*;
use crate::names;

/// The whole test file body; `crate_ident` is the generated library's name.
pub fn every_operation(api: &Api, crate_ident: &Ident) -> TokenStream {
    let (pushes, calls): (Vec<TokenStream>, Vec<TokenStream>) = api
        .operations
        .iter()
        .map(|operation| call(api, operation, crate_ident))
        .unzip();
    let count = api.operations.len();
    // Operations of tag features that are off are not compiled, so not called; with every
    // tag feature on (the default), every operation is.
    let features = &api.features;
    let all_features =
        (!features.is_empty()).then(|| quote!(#[cfg(all(#(feature = #features),*))]));
    let at_most = if count == 0 {
        quote!(assert_eq!(called, 0);)
    } else {
        quote! {
            assert!(called <= #count);
            #all_features
            assert_eq!(called, #count, "with every tag feature on, every operation is called");
        }
    };
    // A global service's calls carry an account id, others a project id.
    let credentials = if api.service.global {
        quote!(#crate_ident::Credentials::ak_sk("MOCKAK", "MOCKSK").with_domain_id("mock-domain"))
    } else {
        quote!(#crate_ident::Credentials::ak_sk("MOCKAK", "MOCKSK").with_project_id("mock-project"))
    };
    let import = super::import_rt();
    quote! {
        //! The calls, one per operation.
        #import

        type Call<'a> = (
            &'static str,
            ::std::pin::Pin<::std::boxed::Box<dyn ::std::future::Future<Output = ::std::result::Result<(), #crate_ident::Error>> + 'a>>,
        );

        #[test]
        // A spec without operations leaves the client unused; the calls are pushed one by
        // one because each is behind its tag's feature.
        #[allow(unused_imports, unused_variables, clippy::vec_init_then_push)]
        fn every_operation_answers_through_the_mock() {
            use ::std::convert::From;
            let outcome = ::huaweicloud_sdk_core::mock::block_on(async {
                let mock = #crate_ident::mock::start("MOCKAK", "MOCKSK").await.expect("the mock starts");
                let client = #crate_ident::Client::builder()
                    .endpoint(mock.endpoint())
                    .credentials(#credentials)
                    .build()
                    .expect("the client builds");
                let client = &client;
                let mock = &mock;
                #[allow(unused_mut)]
                let mut calls: ::std::vec::Vec<Call<'_>> = ::std::vec::Vec::new();
                #(#pushes)*
                let called = calls.len();
                let mut failures = ::std::vec::Vec::new();
                for (name, call) in calls {
                    if let ::std::result::Result::Err(error) = call.await {
                        failures.push(::std::format!("{name}: {error}"));
                    }
                }
                (failures, mock.requests(), called)
            })
            .expect("a runtime for the mock");
            let (failures, requests, called) = outcome;
            assert!(failures.is_empty(), "operations that failed against the mock:\n{}", failures.join("\n"));
            #at_most
            assert_eq!(requests.len(), called, "one request per operation");
            for request in &requests {
                assert!(request.authenticated, "{:?} was not authenticated", request.operation);
                assert!(request.operation.is_some(), "{} {} matched no operation", request.method, request.path);
            }
        }

        // One function per operation, each boxing its own future: built in one function,
        // the futures of every operation would share one stack frame as large as all of
        // them together in a debug build.
        #(#calls)*
    }
}

/// A value of a type the mock accepts, as an expression written the way users write it for
/// a setter: `"x"` for a string, `vec!["x"]` for an array of strings.
fn value(api: &Api, ty: &Type, root: &TokenStream) -> TokenStream {
    value_as(api, ty, root, false)
}

/// A value as [`value`] writes it; `exact` when it must already have the type `ty`, as an
/// element of an array of arrays must (the setter converts only the outer elements).
fn value_as(api: &Api, ty: &Type, root: &TokenStream, exact: bool) -> TokenStream {
    let rt = rt();
    match ty {
        Type::String if exact => quote!(::std::string::String::from("x")),
        Type::String => quote!("x"),
        Type::Boolean => quote!(true),
        Type::I32 | Type::I64 => quote!(1),
        Type::F32 | Type::F64 => quote!(1.0),
        Type::Model(id) => match &api.model(*id).kind {
            ModelKind::Enum(model) => {
                let ident = type_ident(api, *id);
                let first = model
                    .variants
                    .first()
                    .map_or("x", |variant| variant.value.as_str());
                quote!(#root::models::#ident::from(#first))
            }
            ModelKind::Alias(target) => value_as(api, target, root, exact),
            ModelKind::Struct(_) => {
                let name = &api.model(*id).name;
                let ty = type_tokens_in(api, ty, root);
                quote! {
                    #rt::serde_json::from_value::<#ty>(mock.example_value(#name).expect("the model is described"))
                        .expect("the mock's example decodes")
                }
            }
        },
        Type::Array(element) => {
            // The setter takes any iterable of values convertible to the element type, so
            // only an element that is itself an array (or an array alias) must be exact.
            let nested = exact || matches!(api.through_aliases(element), Type::Array(_));
            let element = value_as(api, element, root, nested);
            quote!(::std::vec![#element])
        }
        Type::Map(_) | Type::JsonObject => {
            // Typed, since a setter's `impl Into<..>` leaves nothing to infer it from.
            let ty = type_tokens_in(api, ty, root);
            quote!(<#ty as ::std::default::Default>::default())
        }
        Type::JsonValue | Type::Alternatives(_) => quote!(#rt::serde_json::Value::Null),
        Type::File => quote!(#rt::FilePart::from_bytes(&b"mock file"[..]).file_name("mock.txt")),
    }
}

/// One `(name, boxed call)` entry, and the function that makes the call.
fn call(api: &Api, operation: &Operation, crate_ident: &Ident) -> (TokenStream, TokenStream) {
    let rt = rt();
    let root = quote!(::#crate_ident);
    let name = &operation.name;
    let super::call::Names {
        method,
        request,
        cfg,
        ..
    } = super::call::Names::of(operation);
    let mut setters = Vec::new();
    for param in &operation.params {
        if !param.required || param.client_default.is_some() {
            continue;
        }
        let setter = names::snake_ident(&param.name);
        let value = match &param.ty {
            // A required map in the query needs an entry to be sent at all.
            Type::Map(item) => {
                // Exact: the setter converts the value's outer type only (`vec![String]`
                // for a map of lists).
                let item = value_as(api, item, &root, true);
                quote!([("mock-key", #item)])
            }
            ty => value(api, ty, &root),
        };
        setters.push(quote!(.#setter(#value)));
    }
    if let Some(body) = &operation.body {
        let value = match &body.kind {
            BodyKind::Json(ty) | BodyKind::UrlEncoded(ty) => {
                let ty = type_tokens_in(api, ty, &root);
                quote! {
                    #rt::serde_json::from_value::<#ty>(mock.example_request_body(#name).expect("the body is described"))
                        .expect("the mock's example body decodes")
                }
            }
            BodyKind::Form(id) => {
                let ident = type_ident(api, *id);
                let fields = match &api.model(*id).kind {
                    ModelKind::Struct(model) => model
                        .fields
                        .iter()
                        .filter(|field| field.required)
                        .map(|field| {
                            let setter = names::snake_ident(&field.name);
                            let value = value(api, &field.ty, &root);
                            quote!(.#setter(#value))
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                quote!(#root::models::#ident::builder() #(#fields)* .build().expect("every required field is set"))
            }
            BodyKind::Raw => value(api, &Type::File, &root),
        };
        setters.push(quote!(.body(#value)));
    }
    let consume = match &operation.response.body {
        Some(ResponseBody {
            kind: ResponseKind::Stream,
            ..
        }) => quote! {
            response.body.collect(1 << 20).await?;
        },
        _ => quote!(let _ = response;),
    };
    let function = quote::format_ident!("__{}", super::shown(&method));
    let push = quote! {
        #cfg
        calls.push((#name, #function(client, mock)));
    };
    let call = quote! {
        #cfg
        #[allow(unused_variables)]
        fn #function<'a>(
            client: &'a #crate_ident::Client,
            mock: &'a #crate_ident::mock::MockServer,
        ) -> ::std::pin::Pin<::std::boxed::Box<dyn ::std::future::Future<Output = ::std::result::Result<(), #crate_ident::Error>> + 'a>> {
            ::std::boxed::Box::pin(async move {
                let request = #crate_ident::operations::#request::new() #(#setters)*;
                let response = client.#method(request).await?;
                #consume
                ::std::result::Result::Ok(())
            })
        }
    };
    (push, call)
}
