//! `src/by_name.rs`: every operation called by its operationId with its request given field
//! by field as JSON (feature `mock`). Tests replay requests recorded from another client,
//! such as the official SDK's vectors, through the generated methods with it.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{rt, shown, type_ident};
use crate::ir::*;
use crate::names;

/// The whole file body.
pub fn by_name(api: &Api) -> TokenStream {
    let rt = rt();
    let (arms, calls): (Vec<TokenStream>, Vec<TokenStream>) = api
        .operations
        .iter()
        .map(|operation| arm(api, operation))
        .unzip();
    let import = super::import_rt();
    let unknown = quote! {
        ::std::boxed::Box::pin(::std::future::ready(::std::result::Result::Err(
            #rt::Error::InvalidRequest(::std::format!(
                "no operation named `{operation}` (or its tag feature is off)"
            )),
        )))
    };
    let dispatch = if api.operations.is_empty() {
        unknown
    } else {
        quote! {
            match operation {
                #(#arms)*
                _ => #unknown,
            }
        }
    };
    quote! {
        //! Every operation called by name, its request given as JSON.
        #import

        /// Calls the operation `operation` (its operationId) through its method of
        /// [`Client`](crate::Client), with the request's fields given by name in `request`,
        /// a JSON object: each field as the request type names it and holds it, the body
        /// as the API's JSON. Gives the response body as JSON (`null` when there is none,
        /// the bytes as an array of numbers for a download). A field the request does not
        /// have, or one that does not decode, is `Error::InvalidRequest`.
        // `client` goes unused when every operation has a form or file body.
        #[allow(unused_variables)]
        pub async fn call_by_name(
            client: &crate::Client,
            operation: &str,
            request: #rt::serde_json::Value,
        ) -> ::std::result::Result<#rt::serde_json::Value, #rt::Error> {
            #[allow(unused_mut, unused_variables)]
            let mut fields = #rt::by_name::Fields::new(operation, request)?;
            let call: Call<'_> = #dispatch;
            call.await
        }

        // One function per operation, each boxing its own future: built in one function,
        // the futures of every operation would share one stack frame as large as all of
        // them together in a debug build.
        #(#calls)*

        type Call<'a> = ::std::pin::Pin<
            ::std::boxed::Box<
                dyn ::std::future::Future<
                        Output = ::std::result::Result<#rt::serde_json::Value, #rt::Error>,
                    > + ::std::marker::Send
                    + 'a,
            >,
        >;
    }
}

/// The `match` arm of one operation, and the function it calls (empty when the arm needs
/// none).
fn arm(api: &Api, operation: &Operation) -> (TokenStream, TokenStream) {
    let rt = rt();
    let name = &operation.name;
    let super::call::Names {
        method,
        request,
        success,
        cfg,
        ..
    } = super::call::Names::of(operation);
    let mut fields: Vec<TokenStream> = operation
        .params
        .iter()
        .map(|param| {
            let field = names::snake_ident(&param.name);
            let key = &param.name;
            quote!(request.#field = fields.take(#key)?;)
        })
        .collect();
    match operation.body.as_ref().map(|body| &body.kind) {
        Some(BodyKind::Json(_) | BodyKind::UrlEncoded(_)) => {
            fields.push(quote!(request.body = fields.take("body")?;))
        }
        Some(BodyKind::Form(id)) => fields.push(form(api, *id)),
        Some(BodyKind::Raw) => {
            let arm = quote! {
                #cfg
                #name => ::std::boxed::Box::pin(::std::future::ready(::std::result::Result::Err(
                    #rt::Error::InvalidRequest(::std::format!(
                        "{operation}: a file body cannot be given as JSON"
                    )),
                ))),
            };
            return (arm, TokenStream::new());
        }
        None => {}
    }
    let answer = match &operation.response.body {
        Some(ResponseBody {
            kind: ResponseKind::Stream,
            ..
        }) => quote! {
            #rt::by_name::to_json(&response.body.collect(1 << 20).await?.to_vec())
        },
        Some(ResponseBody {
            kind: ResponseKind::ByStatus(statuses),
            ..
        }) => by_status_json(statuses, &success),
        Some(_) => quote!(#rt::by_name::to_json(&response.body)),
        None => quote! {
            let _ = response;
            ::std::result::Result::Ok(#rt::serde_json::Value::Null)
        },
    };
    let function = quote::format_ident!("__{}", shown(&method));
    let arm = quote! {
        #cfg
        #name => #function(client, fields),
    };
    let call = quote! {
        #cfg
        #[allow(unused_mut)]
        fn #function(client: &crate::Client, mut fields: #rt::by_name::Fields) -> Call<'_> {
            ::std::boxed::Box::pin(async move {
                #[allow(unused_mut)]
                let mut request = crate::operations::#request::new();
                #(#fields)*
                fields.finish()?;
                let response = client.#method(request).await?;
                #answer
            })
        }
    };
    (arm, call)
}

/// The form body: each part by its name on the wire, a file as
/// `{"file_name": .., "bytes": [..]}`.
fn form(api: &Api, id: ModelId) -> TokenStream {
    let ModelKind::Struct(model) = &api.model(id).kind else {
        return TokenStream::new();
    };
    let ident = type_ident(api, id);
    let idents: Vec<Ident> = model
        .fields
        .iter()
        .map(super::models::field_ident)
        .collect();
    let setter_names: Vec<String> = idents.iter().map(shown).collect();
    let setters = model.fields.iter().zip(&idents).map(|(field, ident)| {
        let setter = names::option_setter(&shown(ident), &setter_names);
        let wire = &field.wire_name;
        match &field.ty {
            Type::File => quote!(.#setter(form.take_file(#wire)?)),
            Type::Array(element) if **element == Type::File => {
                quote!(.#setter(form.take_files(#wire)?))
            }
            _ => quote!(.#setter(form.take(#wire)?)),
        }
    });
    quote! {
        request.body = match fields.nested("body")? {
            ::std::option::Option::Some(mut form) => {
                let body = crate::models::#ident::builder() #(#setters)* .build()?;
                form.finish()?;
                ::std::option::Option::Some(body)
            }
            ::std::option::Option::None => ::std::option::Option::None,
        };
    }
}

/// The JSON of a body by status: the body of whichever status answered (`null` for one
/// without content).
fn by_status_json(statuses: &[StatusBody], success: &Ident) -> TokenStream {
    let rt = rt();
    let success = quote!(crate::operations::#success);
    let arms = statuses.iter().filter_map(|status| {
        let (variant, _) = super::call::status_variant(&status.status)?;
        Some(match status.ty {
            Some(_) => quote!(#success::#variant(body) => #rt::by_name::to_json(body),),
            None => quote! {
                #success::#variant => ::std::result::Result::Ok(#rt::serde_json::Value::Null),
            },
        })
    });
    quote! {
        match &response.body {
            #(#arms)*
            #success::Undeclared(body) => ::std::result::Result::Ok(body.clone()),
        }
    }
}
