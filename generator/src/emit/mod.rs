//! Emitting: the [`Api`] in, token streams of `client.rs`, `models.rs` and `operations.rs`
//! out. One function per generated item; Rust identifiers are made here from the names the
//! IR chose.
//!
//! Generated code reaches everything outside the crate through the runtime's one door,
//! `::huaweicloud_sdk_core::codegen`, which each generated file imports as `rt` (no model,
//! operation type or constant can take that lower-case name), and names the standard
//! library by full path wherever a generated name could hide a short one.

mod by_name;
mod call;
mod client;
mod every_operation;
mod example;
mod models;
mod operations;
mod paging;

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::ir::*;
use crate::names;

pub use by_name::by_name;
pub use client::client;
pub use every_operation::every_operation;
pub use example::crate_example;
pub use models::models;
pub use operations::operations;

/// The runtime's door for generated code, as each generated file imports it.
fn rt() -> TokenStream {
    quote!(rt)
}

/// The import of the runtime's door that every generated Rust file starts with.
fn import_rt() -> TokenStream {
    // Unused in a file whose items are all behind disabled tag features, or that has none.
    quote! {
        #[allow(unused_imports)]
        use ::huaweicloud_sdk_core::codegen as rt;
    }
}

/// `#[doc]` attributes for a spec text, one per line, so its Markdown (paragraphs, lists,
/// emphasis) reaches rustdoc as written.
fn doc(text: &str) -> TokenStream {
    // A lone `\r` is a line break to the spec's author but invalid in a Rust doc comment.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    // A line right after a list item continues it, as Markdown reads it; indented under
    // the item's text, it says so to rustdoc and clippy too.
    let mut item_indent = 0;
    let lines: Vec<String> = text
        .trim_matches('\n')
        .lines()
        .map(|line| {
            let line = line.trim_end();
            if line.is_empty() {
                item_indent = 0;
                return String::new();
            }
            if let Some(width) = list_marker_width(line) {
                item_indent = width;
                return format!(" {line}");
            }
            if item_indent > 0 && !line.starts_with(' ') {
                return format!(" {}{line}", " ".repeat(item_indent));
            }
            format!(" {line}")
        })
        .collect();
    quote!(#(#[doc = #lines])*)
}

/// The width of a list item's marker (`- `, `* `, `+ `, `1. `), when `line` starts one.
fn list_marker_width(line: &str) -> Option<usize> {
    if ["- ", "* ", "+ "]
        .iter()
        .any(|marker| line.starts_with(marker))
    {
        return Some(2);
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &line[digits..];
    (digits > 0 && digits < 10 && (rest.starts_with(". ") || rest.starts_with(") ")))
        .then_some(digits + 2)
}

/// `#[cfg(...)]` for an item the given tag features need; nothing when it is always built.
fn cfg(features: Option<&[String]>) -> TokenStream {
    cfg_all(features, None)
}

/// One `#[cfg(...)]` for an item that needs one of the given tag features and, when
/// `also` names one, that feature too; nothing when it is always built.
fn cfg_all(features: Option<&[String]>, also: Option<&str>) -> TokenStream {
    let tags = match features {
        None | Some([]) => None,
        Some([one]) => Some(quote!(feature = #one)),
        Some(many) => Some(quote!(any(#(feature = #many),*))),
    };
    let also = also.map(|feature| quote!(feature = #feature));
    match (tags, also) {
        (None, None) => TokenStream::new(),
        (Some(one), None) | (None, Some(one)) => quote!(#[cfg(#one)]),
        (Some(tags), Some(also)) => quote!(#[cfg(all(#tags, #also))]),
    }
}

/// An identifier as docs and messages show it: without the `r#` of a raw identifier.
fn shown(ident: &Ident) -> String {
    let text = ident.to_string();
    match text.strip_prefix("r#") {
        Some(bare) => bare.to_owned(),
        None => text,
    }
}

/// A prelude type by its short name, or by its full path when a model's name hides it.
fn std_type(api: &Api, short: &str) -> TokenStream {
    if !api.shadowed.iter().any(|name| name == short) {
        let ident = proc_macro2::Ident::new(short, proc_macro2::Span::call_site());
        return quote!(#ident);
    }
    match short {
        "Option" => quote!(::std::option::Option),
        "String" => quote!(::std::string::String),
        "Vec" => quote!(::std::vec::Vec),
        "Result" => quote!(::std::result::Result),
        "Into" => quote!(::std::convert::Into),
        "IntoIterator" => quote!(::std::iter::IntoIterator),
        "Box" => quote!(::std::boxed::Box),
        other => panic!("generator bug: no full path for the prelude name `{other}`"),
    }
}

fn type_ident(api: &Api, id: ModelId) -> Ident {
    names::pascal_ident(&api.model(id).name)
}

/// The Rust type of a lowered schema, as seen from any module of the crate.
fn type_tokens(api: &Api, ty: &Type) -> TokenStream {
    type_tokens_in(api, ty, &quote!(crate))
}

/// The Rust type of a lowered schema, with models under `root::models`.
fn type_tokens_in(api: &Api, ty: &Type, root: &TokenStream) -> TokenStream {
    let rt = rt();
    match ty {
        Type::String => std_type(api, "String"),
        Type::Boolean => quote!(bool),
        Type::I32 => quote!(i32),
        Type::I64 => quote!(i64),
        Type::F32 => quote!(f32),
        Type::F64 => quote!(f64),
        Type::Model(id) => {
            let ident = type_ident(api, *id);
            quote!(#root::models::#ident)
        }
        Type::Array(inner) => {
            let inner = type_tokens_in(api, inner, root);
            let vec = std_type(api, "Vec");
            quote!(#vec<#inner>)
        }
        Type::Map(inner) => {
            let inner = type_tokens_in(api, inner, root);
            let string = std_type(api, "String");
            quote!(#rt::indexmap::IndexMap<#string, #inner>)
        }
        Type::JsonObject => {
            let string = std_type(api, "String");
            quote!(#rt::serde_json::Map<#string, #rt::serde_json::Value>)
        }
        Type::JsonValue | Type::Alternatives(_) => quote!(#rt::serde_json::Value),
        Type::File => quote!(#rt::FilePart),
    }
}

/// What the setter of a value of type `ty` takes, and the expression turning its `value`
/// into `ty`: an enum (or an array of them) as itself; another array from any iterable of
/// things convertible to its element type (so `vec!["a"]` and `["a", "b"]` set a
/// `Vec<String>`); a map from any iterable of key-value pairs; anything else through `Into`.
fn setter_input(api: &Api, ty: &Type) -> (TokenStream, TokenStream) {
    let into = std_type(api, "Into");
    match api.through_aliases(ty) {
        // An enum is taken as itself, never converted from text: a misspelled value is a
        // compile error, and a value the spec does not list is spelled out with `from`.
        Type::Array(element) if is_enum(api, element) => {
            let element = type_tokens(api, element);
            let iterable = std_type(api, "IntoIterator");
            (
                quote!(impl #iterable<Item = #element>),
                quote!(value.into_iter().collect()),
            )
        }
        Type::Array(element) => {
            let element = type_tokens(api, element);
            let iterable = std_type(api, "IntoIterator");
            (
                quote!(impl #iterable<Item = impl #into<#element>>),
                quote!(value.into_iter().map(#into::into).collect()),
            )
        }
        // A map from any iterable of pairs, in the order given (the order sent).
        Type::Map(value_type) => {
            let string = std_type(api, "String");
            let iterable = std_type(api, "IntoIterator");
            let value_type = type_tokens(api, value_type);
            (
                quote!(impl #iterable<Item = (impl #into<#string>, impl #into<#value_type>)>),
                quote!(value
                    .into_iter()
                    .map(|(key, value)| (key.into(), value.into()))
                    .collect()),
            )
        }
        _ if is_enum(api, ty) => (type_tokens(api, ty), quote!(value)),
        _ => {
            let ty = type_tokens(api, ty);
            (quote!(impl #into<#ty>), quote!(value.into()))
        }
    }
}

/// The two setters of one field, `field` stored as `Option<ty>` in `self`: the one named
/// after the field, with `docs`, and `set_<field>` (see [`names::option_setter`]), which
/// takes an `Option` and clears the field with `None`. `setters` are the plain setters of
/// all fields of the type.
fn setter_pair(
    api: &Api,
    field: &Ident,
    ty: &Type,
    docs: TokenStream,
    setters: &[String],
) -> TokenStream {
    let (input, convert) = setter_input(api, ty);
    let option = std_type(api, "Option");
    let stored = type_tokens(api, ty);
    let shown = shown(field);
    let option_setter = names::option_setter(&shown, setters);
    let option_doc =
        format!(" Sets or, with `None`, clears what [`{shown}`](Self::{shown}()) sets.");
    quote! {
        #docs
        pub fn #field(mut self, value: #input) -> Self {
            self.#field = Some(#convert);
            self
        }

        #[doc = #option_doc]
        pub fn #option_setter(mut self, value: #option<#stored>) -> Self {
            self.#field = value;
            self
        }
    }
}

/// Whether a type, seen through aliases, is a generated enum.
fn is_enum(api: &Api, ty: &Type) -> bool {
    matches!(api.through_aliases(ty), Type::Model(id) if matches!(api.model(*id).kind, ModelKind::Enum(_)))
}
