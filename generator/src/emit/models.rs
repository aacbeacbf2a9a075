//! `models.rs`: one type per schema, and a builder per struct in `models::builders`.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::{doc, doc_or_allow, rt, type_ident, type_tokens};
use crate::ir::*;
use crate::names;

/// The whole `models.rs` body.
pub fn models(api: &Api) -> TokenStream {
    let mut items = Vec::new();
    let mut builders = Vec::new();
    for (index, model) in api.models.iter().enumerate() {
        let id = ModelId(index);
        match &model.kind {
            ModelKind::Struct(fields) => {
                items.push(struct_model(api, id, model, fields));
                builders.push(builder(api, id, fields));
            }
            ModelKind::Enum(variants) => items.push(enum_model(api, id, model, variants)),
            ModelKind::Alias(ty) => items.push(alias_model(api, id, model, ty)),
        }
    }
    let builders = (!builders.is_empty()).then(|| {
        quote! {
            /// Builders of the models: `Model::builder()` starts one, each setter sets a field,
            /// and `build()` checks that every required field is set.
            pub mod builders {
                #(#builders)*
            }
        }
    });
    quote! {
        //! Data types of the API: one per schema of the spec.
        #(#items)*
        #builders
    }
}

fn field_ident(field: &Field) -> Ident {
    names::snake_ident(&field.name)
}

/// The Rust type of a field, `Box` and `Option` included.
fn field_type(api: &Api, field: &Field) -> TokenStream {
    let mut ty = type_tokens(api, &field.ty);
    if field.boxed {
        ty = quote!(::std::boxed::Box<#ty>);
    }
    if field.optional() {
        ty = quote!(::std::option::Option<#ty>);
    }
    ty
}

fn struct_model(api: &Api, id: ModelId, model: &Model, fields: &Struct) -> TokenStream {
    let rt = rt();
    let ident = type_ident(api, id);
    let Struct {
        fields: field_list,
        form,
        default,
    } = fields;
    let doc = doc_or_allow(model.doc.as_deref());
    let default = default.then(|| quote!(Default,));
    let serde = (!form).then(|| {
        let path = "::huaweicloud_sdk_core::codegen::serde";
        quote! {
            #[derive(#rt::serde::Serialize)]
            #[serde(crate = #path)]
        }
    });
    let deserialize = (!form).then(|| struct_deserialize(&ident, field_list));
    let field_tokens = field_list
        .iter()
        .map(|field| struct_field(api, field, *form));
    let builder_doc = format!(
        " Starts building a [`{ident}`]; see [`builders::{ident}`](crate::models::builders::{ident}).",
        ident = ident.to_string().trim_start_matches("r#")
    );
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #default)]
        #serde
        #[non_exhaustive]
        pub struct #ident { #(#field_tokens)* }

        impl #ident {
            #[doc = #builder_doc]
            pub fn builder() -> crate::models::builders::#ident {
                ::std::default::Default::default()
            }
        }

        #deserialize
    }
}

fn struct_field(api: &Api, field: &Field, form: bool) -> TokenStream {
    let Field {
        name: _,
        wire_name,
        ty: _,
        required,
        nullable: _,
        boxed: _,
        doc: text,
    } = field;
    let ident = field_ident(field);
    let doc = doc_or_allow(text.as_deref());
    let ty = field_type(api, field);
    let mut serde_args = Vec::new();
    if !form && ident.to_string().trim_start_matches("r#") != wire_name {
        serde_args.push(quote!(rename = #wire_name));
    }
    // Optional fields are left out when unset; required nullable ones are sent as `null`.
    if !form && !required {
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
/// field lookup shared through the runtime's `FieldSeed`. Unknown keys are skipped; a
/// missing required field is serde's usual `missing field` error; `null` or a missing key
/// makes an `Option` field `None`; of duplicate keys the last wins.
fn struct_deserialize(ident: &Ident, fields: &[Field]) -> TokenStream {
    let rt = rt();
    let name = ident.to_string().trim_start_matches("r#").to_owned();
    let expecting = format!("struct {name}");
    let wire_names: Vec<&str> = fields
        .iter()
        .map(|field| field.wire_name.as_str())
        .collect();
    let slots: Vec<Ident> = (0..fields.len())
        .map(|index| format_ident!("field_{index}"))
        .collect();
    let indices = (0..fields.len()).map(proc_macro2::Literal::usize_unsuffixed);
    let inits = fields.iter().zip(&slots).map(|(field, slot)| {
        let field_ident = field_ident(field);
        let wire = &field.wire_name;
        if field.optional() {
            quote!(#field_ident: #slot.flatten())
        } else {
            quote!(#field_ident: #rt::required(#slot, #wire)?)
        }
    });
    quote! {
        impl<'de> #rt::serde::Deserialize<'de> for #ident {
            fn deserialize<D: #rt::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                const FIELDS: &[&str] = &[#(#wire_names),*];
                struct FieldsVisitor;
                impl<'de> #rt::serde::de::Visitor<'de> for FieldsVisitor {
                    type Value = crate::models::#ident;
                    fn expecting(&self, formatter: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        formatter.write_str(#expecting)
                    }
                    fn visit_map<A: #rt::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<Self::Value, A::Error> {
                        #( let mut #slots = ::std::option::Option::None; )*
                        while let ::std::option::Option::Some(index) = map.next_key_seed(#rt::FieldSeed(FIELDS))? {
                            match index {
                                #( ::std::option::Option::Some(#indices) => #slots = ::std::option::Option::Some(map.next_value()?), )*
                                _ => {
                                    map.next_value::<#rt::serde::de::IgnoredAny>()?;
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

/// The builder of a struct: every field optional until `build` checks the required ones.
fn builder(api: &Api, id: ModelId, model: &Struct) -> TokenStream {
    let rt = rt();
    let ident = type_ident(api, id);
    let shown = ident.to_string().trim_start_matches("r#").to_owned();
    let builder_doc = format!(" Builds a [`{shown}`](crate::models::{shown}).");
    let build_doc = format!(
        " Builds the [`{shown}`](crate::models::{shown}); fails when a required field is not set."
    );
    let mut fields = Vec::new();
    let mut setters = Vec::new();
    let mut inits = Vec::new();
    for field in &model.fields {
        let name = field_ident(field);
        let ty = type_tokens(api, &field.ty);
        fields.push(quote!(#name: ::std::option::Option<#ty>,));
        let field_name = name.to_string();
        let field_name = field_name.trim_start_matches("r#");
        let setter_doc =
            format!(" Sets [`{shown}::{field_name}`](crate::models::{shown}::{field_name}).");
        setters.push(quote! {
            #[doc = #setter_doc]
            pub fn #name(mut self, value: impl ::std::convert::Into<#ty>) -> Self {
                self.#name = ::std::option::Option::Some(value.into());
                self
            }
        });
        let wire = &field.wire_name;
        let value = if field.optional() {
            if field.boxed {
                quote!(self.#name.map(::std::boxed::Box::new))
            } else {
                quote!(self.#name)
            }
        } else {
            let present = quote!(self.#name.ok_or(#rt::BuildError::missing(#shown, #wire))?);
            if field.boxed {
                quote!(::std::boxed::Box::new(#present))
            } else {
                present
            }
        };
        inits.push(quote!(#name: #value,));
    }
    quote! {
        #[doc = #builder_doc]
        #[derive(Debug, Clone, Default)]
        pub struct #ident { #(#fields)* }

        impl #ident {
            #(#setters)*

            #[doc = #build_doc]
            pub fn build(self) -> ::std::result::Result<crate::models::#ident, #rt::BuildError> {
                ::std::result::Result::Ok(crate::models::#ident { #(#inits)* })
            }
        }
    }
}

fn enum_model(api: &Api, id: ModelId, model: &Model, variants: &Enum) -> TokenStream {
    let rt = rt();
    let ident = type_ident(api, id);
    let doc = match &model.doc {
        Some(text) => {
            let text = doc(text);
            quote!(#text #[doc = ""])
        }
        None => TokenStream::new(),
    };
    let unknown_doc =
        " Values the spec does not list are kept, unchanged, in [`Unknown`](Self::Unknown).";
    let variant_docs = variants
        .variants
        .iter()
        .map(|variant| match variant.value.as_str() {
            "" => " The empty string.".to_owned(),
            value => format!(" `{}`", value.replace(['\r', '\n'], " ")),
        });
    let variant_idents: Vec<Ident> = variants
        .variants
        .iter()
        .map(|variant| names::pascal_ident(&variant.name))
        .collect();
    let values: Vec<&str> = variants
        .variants
        .iter()
        .map(|variant| variant.value.as_str())
        .collect();
    quote! {
        #doc
        #[doc = #unknown_doc]
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #ident {
            #( #[doc = #variant_docs] #variant_idents, )*
            /// A value the spec does not list, as the server sent it.
            Unknown(crate::UnknownValue),
        }

        impl #ident {
            /// The value as it is sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variant_idents => #values, )*
                    Self::Unknown(value) => value.as_str(),
                }
            }
        }

        impl ::std::convert::From<&str> for #ident {
            fn from(value: &str) -> Self {
                match value {
                    #( #values => Self::#variant_idents, )*
                    other => Self::Unknown(crate::UnknownValue::new(other)),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for #ident {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    #( #values => Self::#variant_idents, )*
                    _ => Self::Unknown(crate::UnknownValue::new(value)),
                }
            }
        }

        impl ::std::fmt::Display for #ident {
            fn fmt(&self, formatter: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                formatter.write_str(self.as_str())
            }
        }

        impl #rt::serde::Serialize for #ident {
            fn serialize<S: #rt::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> #rt::serde::Deserialize<'de> for #ident {
            fn deserialize<D: #rt::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                <::std::string::String as #rt::serde::Deserialize<'de>>::deserialize(deserializer).map(Self::from)
            }
        }
    }
}

fn alias_model(api: &Api, id: ModelId, model: &Model, ty: &Type) -> TokenStream {
    let ident = type_ident(api, id);
    let doc = doc_or_allow(model.doc.as_deref());
    let ty = type_tokens(api, ty);
    quote! {
        #doc
        pub type #ident = #ty;
    }
}
