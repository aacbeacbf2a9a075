//! Paging: for an operation with `x-pagination`, `Page` for its response, the functions
//! its method and its pages share, and the `<method>_pages` method.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::call::{method_parts, MethodParts, Names};
use super::{rt, shown, std_type, type_tokens};
use crate::ir::*;
use crate::names;

/// For a paged operation, beside its types: `Page` for its response, and the functions its
/// method and its pages share.
pub(super) fn page_impl(
    api: &Api,
    operation: &Operation,
    pagination: &Pagination,
    names: &Names,
) -> TokenStream {
    let rt = rt();
    let Names { response, cfg, .. } = names;
    let item = type_tokens(api, &pagination.item);
    let vec = std_type(api, "Vec");
    let items = names::snake_ident(&pagination.items.name);
    let into_items = match (pagination.body_optional, pagination.items.optional) {
        (false, false) => quote!(self.body.#items),
        (false, true) => quote!(self.body.#items.unwrap_or_default()),
        (true, false) => quote!(self.body.map(|body| body.#items).unwrap_or_default()),
        (true, true) => quote!(self.body.and_then(|body| body.#items).unwrap_or_default()),
    };
    let fns = paged_fns(api, operation, names);
    quote! {
        #fns

        #cfg
        impl #rt::Page for #response {
            type Item = #item;
            fn into_items(self) -> #vec<#item> {
                #into_items
            }
        }
    }
}

/// For a paged operation, beside its method: the `<method>_pages` method.
pub(super) fn pages_method(pagination: &Pagination, names: &Names) -> TokenStream {
    let rt = rt();
    let Names {
        method,
        request,
        response,
        cfg,
        ..
    } = names;
    let field = |field: &PageField| names::snake_ident(&field.name);
    let items = field(&pagination.items);
    let count = match (pagination.body_optional, pagination.items.optional) {
        (false, false) => quote!(page.body.#items.len()),
        (false, true) => quote!(page.body.#items.as_ref().map_or(0, |items| items.len())),
        (true, false) => quote!(page.body.as_ref().map_or(0, |body| body.#items.len())),
        (true, true) => quote! {
            page.body.as_ref().and_then(|body| body.#items.as_ref()).map_or(0, |items| items.len())
        },
    };
    // How a value is read: an integer as `Option<i64>` (an `i32` widened), a marker as
    // `Option<&str>`. `borrow` applies to an `Option` field, `as_ref` to a plain one.
    let convert = |page_field: &PageField, integer: bool| {
        (integer && !page_field.wide).then(|| quote!(.map(i64::from)))
    };
    let borrow = |integer: bool| (!integer).then(|| quote!(.as_deref()));
    let as_ref = |integer: bool| (!integer).then(|| quote!(.as_str()));
    // A value of the page's body.
    let from_page = |page_field: &PageField, integer: bool| {
        let ident = field(page_field);
        let convert = convert(page_field, integer);
        let (borrow, as_ref) = (borrow(integer), as_ref(integer));
        match (pagination.body_optional, page_field.optional) {
            (false, false) => quote!(Some(page.body.#ident #as_ref)#convert),
            (false, true) => quote!(page.body.#ident #borrow #convert),
            (true, false) => quote!(page.body.as_ref().map(|body| body.#ident #as_ref)#convert),
            (true, true) => {
                quote!(page.body.as_ref().and_then(|body| body.#ident #borrow)#convert)
            }
        }
    };
    // A value of the request.
    let from_request = |page_field: &PageField, integer: bool| {
        let ident = field(page_field);
        let convert = convert(page_field, integer);
        let (borrow, as_ref) = (borrow(integer), as_ref(integer));
        match pagination.place {
            PagePlace::Query => quote!(request.#ident #borrow #convert),
            PagePlace::Body if page_field.optional => {
                quote!(request.body.as_ref().and_then(|body| body.#ident #borrow)#convert)
            }
            PagePlace::Body => {
                quote!(request.body.as_ref().map(|body| body.#ident #as_ref)#convert)
            }
        }
    };
    // Sets a request value to `next`.
    let set = |page_field: &PageField, value: TokenStream| {
        let ident = field(page_field);
        let value = if page_field.optional {
            quote!(Some(#value))
        } else {
            value
        };
        match pagination.place {
            PagePlace::Query => quote!(next_request.#ident = #value;),
            PagePlace::Body => quote!(next_request.body.as_mut()?.#ident = #value;),
        }
    };
    let (next, set_next, from_where) = match &pagination.step {
        PageStep::Offset { offset, total } => {
            let read_offset = from_request(offset, true);
            let read_limit = match &pagination.limit {
                Some(limit) => from_request(limit, true),
                None => quote!(None),
            };
            let total = match total {
                Some(total) => from_page(total, true),
                None => quote!(None),
            };
            let value = if offset.wide {
                quote!(next)
            } else {
                quote!(next.try_into().ok()?)
            };
            (
                quote!(#rt::next_offset(#read_offset, #read_limit, #count, #total)?),
                set(offset, value),
                format!("from the request's `{}` on", offset.wire_name),
            )
        }
        PageStep::Marker { marker, next } => {
            let read_marker = from_request(marker, false);
            let next_marker = from_page(next, false);
            (
                quote!(#rt::next_marker(#read_marker, #count, #next_marker)?),
                set(marker, quote!(next)),
                format!(
                    "from the request's `{}` on, each page naming the next in `{}`",
                    marker.wire_name, next.wire_name
                ),
            )
        }
    };
    let size = match &pagination.limit {
        Some(limit) => format!(
            "`{}` items a page (the service's default when unset)",
            limit.wire_name
        ),
        None => "pages as large as the service makes them".to_owned(),
    };
    let method_name = shown(method);
    let pages = format_ident!("{}_pages", method_name);
    let (call_fn, decode_fn) = paged_fn_names(method);
    let pages_doc = format!(
        " The pages of [`{method_name}`](Self::{method_name}), fetched one at a time as the stream is read: {from_where}, {size}. `.items()` gives the items one by one. An error ends the stream after it is passed on.",
    );
    quote! {
        #[doc = #pages_doc]
        #cfg
        #[inline]
        pub fn #pages(&self, request: #request) -> #rt::Pages<#request, #response> {
            #rt::Pages::new(
                self.core.clone(),
                request,
                #call_fn,
                #decode_fn,
                |request, page| {
                    let next = #next;
                    let mut next_request = request.clone();
                    #set_next
                    Some(next_request)
                },
            )
        }
    }
}

/// The names of a paged operation's call-building and answer-decoding functions.
pub(super) fn paged_fn_names(method: &Ident) -> (Ident, Ident) {
    let name = shown(method);
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
