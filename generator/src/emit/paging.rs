//! Paging: for an operation with `x-pagination`, `Page` for its response, the functions
//! its method and its pages share, and the `<method>_pages` method.

use proc_macro2::{Ident, Literal, TokenStream};
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
    let into_items = into_items(pagination);
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
    let count = count(pagination);
    let from_page = |path: &BodyPath, integer: bool| from_page(pagination, path, integer);
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
    let read_limit = match &pagination.limit {
        Some(limit) => from_request(limit, true),
        None => quote!(None),
    };
    let read_total = |total: &Option<BodyPath>| match total {
        Some(total) => from_page(total, true),
        None => quote!(None),
    };
    // An integer the runtime computed as an `i64`, for a request field.
    let narrowed = |page_field: &PageField| {
        if page_field.wide {
            quote!(next)
        } else {
            quote!(next.try_into().ok()?)
        }
    };
    let (next, set_next, from_where) = match &pagination.step {
        PageStep::Offset { offset, total } => {
            let read_offset = from_request(offset, true);
            let total = read_total(total);
            (
                quote!(#rt::next_offset(#read_offset, #read_limit, #count, #total)?),
                set(offset, narrowed(offset)),
                format!("from the request's `{}` on", offset.wire_name),
            )
        }
        PageStep::Page { page, first, total } => {
            let read_page = from_request(page, true);
            let total = read_total(total);
            let first_literal = Literal::i64_unsuffixed(*first);
            (
                quote!(#rt::next_page(#read_page, #first_literal, #read_limit, #count, #total)?),
                set(page, narrowed(page)),
                format!(
                    "from the request's page `{}` on (unset, the first page, numbered {first}), one page after another",
                    page.wire_name
                ),
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
                    marker.wire_name,
                    next.wire_path()
                ),
            )
        }
        PageStep::LastItem {
            marker,
            field: item_field,
        } => {
            let read_marker = from_request(marker, false);
            let last = last_item_marker(pagination, item_field);
            (
                quote!(#rt::next_item_marker(#read_marker, #read_limit, #count, #last)?),
                set(marker, quote!(next)),
                format!(
                    "from the request's `{}` on, each page starting after the `{}` of the last item before",
                    marker.wire_name, item_field.wire_name
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

/// How a paging value is read: an integer as `Option<i64>` (an `i32` widened), a marker as
/// `Option<&str>`. `convert` widens; `borrow` applies to an `Option` field, `as_ref` to a
/// plain one.
fn convert(page_field: &PageField, integer: bool) -> Option<TokenStream> {
    (integer && !page_field.wide).then(|| quote!(.map(i64::from)))
}

fn borrow(integer: bool) -> Option<TokenStream> {
    (!integer).then(|| quote!(.as_deref()))
}

fn as_ref(integer: bool) -> Option<TokenStream> {
    (!integer).then(|| quote!(.as_str()))
}

/// Where a walk through the response body has got to: a place (`page.body.result`), or
/// an `Option` of it (`page.body.result.as_ref()`) once an optional field was crossed.
enum Reach {
    Place(TokenStream),
    Maybe(TokenStream),
}

/// From a fetched page's body (`page.body`, borrowed) to the last object of `path`.
fn objects_of(pagination: &Pagination, path: &BodyPath) -> Reach {
    walk(pagination, path, quote!(page.body), true)
}

/// From a body (`root`) through the objects of `path` to the last one, borrowed (`as_ref`,
/// `&`) or taken (the body is consumed).
fn walk(pagination: &Pagination, path: &BodyPath, root: TokenStream, borrowed: bool) -> Reach {
    let as_ref = borrowed.then(|| quote!(.as_ref()));
    let by_ref = borrowed.then(|| quote!(&));
    let mut reach = if pagination.body_optional {
        Reach::Maybe(quote!(#root #as_ref))
    } else {
        Reach::Place(root)
    };
    for object in &path.objects {
        let ident = names::snake_ident(&object.name);
        reach = match (reach, object.optional) {
            (Reach::Place(place), false) => Reach::Place(quote!(#place.#ident)),
            (Reach::Place(place), true) => Reach::Maybe(quote!(#place.#ident #as_ref)),
            (Reach::Maybe(value), false) => {
                Reach::Maybe(quote!(#value.map(|value| #by_ref value.#ident)))
            }
            (Reach::Maybe(value), true) => {
                Reach::Maybe(quote!(#value.and_then(|value| value.#ident #as_ref)))
            }
        };
    }
    reach
}

/// The number of items of a fetched page (`page`).
fn count(pagination: &Pagination) -> TokenStream {
    let items = &pagination.items.value;
    let ident = names::snake_ident(&items.name);
    match (objects_of(pagination, &pagination.items), items.optional) {
        (Reach::Place(place), false) => quote!(#place.#ident.len()),
        (Reach::Place(place), true) => {
            quote!(#place.#ident.as_ref().map_or(0, |items| items.len()))
        }
        (Reach::Maybe(value), false) => quote!(#value.map_or(0, |value| value.#ident.len())),
        (Reach::Maybe(value), true) => quote! {
            #value.and_then(|value| value.#ident.as_ref()).map_or(0, |items| items.len())
        },
    }
}

/// An integer (as `Option<i64>`) or a marker (as `Option<&str>`) of a fetched page
/// (`page`).
fn from_page(pagination: &Pagination, path: &BodyPath, integer: bool) -> TokenStream {
    let ident = names::snake_ident(&path.value.name);
    let convert = convert(&path.value, integer);
    let (borrow, as_ref) = (borrow(integer), as_ref(integer));
    match (objects_of(pagination, path), path.value.optional) {
        (Reach::Place(place), false) => quote!(Some(#place.#ident #as_ref)#convert),
        (Reach::Place(place), true) => quote!(#place.#ident #borrow #convert),
        (Reach::Maybe(value), false) => quote!(#value.map(|value| value.#ident #as_ref)#convert),
        (Reach::Maybe(value), true) => {
            quote!(#value.and_then(|value| value.#ident #borrow)#convert)
        }
    }
}

/// The marker field of the last item of a fetched page (`page`), as `Option<&str>`.
fn last_item_marker(pagination: &Pagination, item_field: &PageField) -> TokenStream {
    let items = &pagination.items.value;
    let ident = names::snake_ident(&items.name);
    let last = match (objects_of(pagination, &pagination.items), items.optional) {
        (Reach::Place(place), false) => quote!(#place.#ident.last()),
        (Reach::Place(place), true) => {
            quote!(#place.#ident.as_ref().and_then(|items| items.last()))
        }
        (Reach::Maybe(value), false) => quote!(#value.and_then(|value| value.#ident.last())),
        (Reach::Maybe(value), true) => quote! {
            #value.and_then(|value| value.#ident.as_ref()).and_then(|items| items.last())
        },
    };
    let marker = names::snake_ident(&item_field.name);
    if item_field.optional {
        quote!(#last.and_then(|item| item.#marker.as_deref()))
    } else {
        quote!(#last.map(|item| item.#marker.as_str()))
    }
}

/// A response's items, taken out of its body (`self.body`).
fn into_items(pagination: &Pagination) -> TokenStream {
    let reach = walk(pagination, &pagination.items, quote!(self.body), false);
    let items = &pagination.items.value;
    let ident = names::snake_ident(&items.name);
    match (reach, items.optional) {
        (Reach::Place(place), false) => quote!(#place.#ident),
        (Reach::Place(place), true) => quote!(#place.#ident.unwrap_or_default()),
        (Reach::Maybe(value), false) => {
            quote!(#value.map(|value| value.#ident).unwrap_or_default())
        }
        (Reach::Maybe(value), true) => {
            quote!(#value.and_then(|value| value.#ident).unwrap_or_default())
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
