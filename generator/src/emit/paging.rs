//! Paging: for an operation with `x-pagination`, `Page` for its response, the functions
//! its method and its pages share, and the `<method>_pages` method.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::operations::{method_parts, MethodParts, Names};
use super::{rt, std_type, type_tokens};
use crate::ir::*;
use crate::names;

/// For a paged operation: `Page` for its response, and the `<method>_pages` method.
pub(super) fn paging(
    api: &Api,
    operation: &Operation,
    pagination: &Pagination,
    names: &Names,
) -> (TokenStream, TokenStream) {
    let rt = rt();
    let Names {
        method,
        request,
        response,
        cfg,
        ..
    } = names;
    let item = type_tokens(api, &pagination.item);
    let vec = std_type(api, "Vec");
    let field = |field: &PageField| names::snake_ident(&field.name);
    let items = field(&pagination.items);
    let into_items = match (pagination.body_optional, pagination.items.optional) {
        (false, false) => quote!(self.body.#items),
        (false, true) => quote!(self.body.#items.unwrap_or_default()),
        (true, false) => quote!(self.body.map(|body| body.#items).unwrap_or_default()),
        (true, true) => quote!(self.body.and_then(|body| body.#items).unwrap_or_default()),
    };
    // An `i32` is widened; an `i64` is taken as it is.
    let widen = |field: &PageField| (!field.wide).then(|| quote!(.map(i64::from)));
    let count = match (pagination.body_optional, pagination.items.optional) {
        (false, false) => quote!(page.body.#items.len()),
        (false, true) => quote!(page.body.#items.as_ref().map_or(0, |items| items.len())),
        (true, false) => quote!(page.body.as_ref().map_or(0, |body| body.#items.len())),
        (true, true) => quote! {
            page.body.as_ref().and_then(|body| body.#items.as_ref()).map_or(0, |items| items.len())
        },
    };
    let total = match &pagination.total {
        None => quote!(None),
        Some(total) => {
            let ident = field(total);
            let widen = widen(total);
            match (pagination.body_optional, total.optional) {
                (false, false) => quote!(Some(page.body.#ident)#widen),
                (false, true) => quote!(page.body.#ident #widen),
                (true, false) => quote!(page.body.as_ref().map(|body| body.#ident)#widen),
                (true, true) => quote!(page.body.as_ref().and_then(|body| body.#ident)#widen),
            }
        }
    };
    let offset = field(&pagination.offset);
    let read = |page_field: &PageField| {
        let ident = field(page_field);
        let widen = widen(page_field);
        match pagination.place {
            PagePlace::Query => quote!(request.#ident #widen),
            PagePlace::Body if page_field.optional => {
                quote!(request.body.as_ref().and_then(|body| body.#ident)#widen)
            }
            PagePlace::Body => quote!(request.body.as_ref().map(|body| body.#ident)#widen),
        }
    };
    let read_offset = read(&pagination.offset);
    let read_limit = read(&pagination.limit);
    let converted = if pagination.offset.wide {
        quote!(next)
    } else {
        quote!(next.try_into().ok()?)
    };
    let converted = if pagination.offset.optional {
        quote!(Some(#converted))
    } else {
        converted
    };
    let set_offset = match pagination.place {
        PagePlace::Query => quote!(next_request.#offset = #converted;),
        PagePlace::Body => quote!(next_request.body.as_mut()?.#offset = #converted;),
    };
    let method_name = method.to_string();
    let method_name = method_name.trim_start_matches("r#");
    let pages = format_ident!("{}_pages", method_name);
    let (call_fn, decode_fn) = paged_fn_names(method);
    let pages_doc = format!(
        " The pages of [`{method_name}`](Self::{method_name}), fetched one at a time as the stream is read: from the request's `{offset}` on, `{limit}` items a page (the service's default when unset). `.items()` gives the items one by one. An error ends the stream after it is passed on.",
        offset = pagination.offset.wire_name,
        limit = pagination.limit.wire_name,
    );
    let fns = paged_fns(api, operation, names);
    let page_impl = quote! {
        #fns

        #cfg
        impl #rt::Page for #response {
            type Item = #item;
            fn into_items(self) -> #vec<#item> {
                #into_items
            }
        }
    };
    let pages_method = quote! {
        #cfg
        #[doc = #pages_doc]
        #[inline]
        pub fn #pages(&self, request: #request) -> #rt::Pages<#request, #response> {
            #rt::Pages::new(
                self.core.clone(),
                request,
                #call_fn,
                #decode_fn,
                |request, page| {
                    let next = #rt::next_offset(#read_offset, #read_limit, #count, #total)?;
                    let mut next_request = request.clone();
                    #set_offset
                    Some(next_request)
                },
            )
        }
    };
    (page_impl, pages_method)
}

/// The names of a paged operation's call-building and answer-decoding functions.
pub(super) fn paged_fn_names(method: &Ident) -> (Ident, Ident) {
    let name = method.to_string();
    let name = name.trim_start_matches("r#");
    (format_ident!("{name}_call"), format_ident!("{name}_decode"))
}

/// A paged operation's call-building and answer-decoding functions, which its method and
/// its pages share: the pages then need no future of their own per operation.
fn paged_fns(api: &Api, operation: &Operation, names: &Names) -> TokenStream {
    let rt = rt();
    let Names {
        method,
        constant,
        request,
        response,
        cfg,
        ..
    } = names;
    let (call_fn, decode_fn) = paged_fn_names(method);
    let MethodParts {
        build_call, finish, ..
    } = method_parts(api, operation, constant);
    // `#[inline]`, here and on the pages method: a non-generic function is compiled in
    // its own crate, and a decoder pulls in the whole deserialisation of its response;
    // inline ones are compiled only where they are used, as the methods' futures are.
    quote! {
        #cfg
        #[inline]
        fn #call_fn(request: #request) -> #rt::Call {
            #build_call
            call
        }

        #cfg
        #[inline]
        fn #decode_fn(response: #rt::RawResponse) -> Result<#response, #rt::Error> {
            Ok(#response { #finish })
        }
    }
}
