//! `models.rs`: one type per schema, and a builder per struct in `models::builders`.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::{cfg, doc, doc_or_allow, rt, std_type, type_ident, type_tokens};
use crate::ir::*;
use crate::names;

/// `models.rs`: the types of the models, then the `builders` module.
pub fn models(api: &Api) -> TokenStream {
    let import = super::import_rt();
    let items = api.models.iter().enumerate().map(|(index, model)| {
        let id = ModelId(index);
        let cfg = cfg(model.features.as_deref());
        match &model.kind {
            ModelKind::Struct(fields) => struct_model(api, id, model, fields, &cfg),
            ModelKind::Enum(variants) => enum_model(api, id, model, variants, &cfg),
            ModelKind::Alias(ty) => alias_model(api, id, model, ty, &cfg),
        }
    });
    let builders = model_builders(api);
    quote! {
        //! Data types of the API: one per schema of the spec.
        #import
        #(#items)*
        #builders
    }
}

/// The `builders` module, when any model is sent.
fn model_builders(api: &Api) -> TokenStream {
    let builders: Vec<_> = api
        .models
        .iter()
        .enumerate()
        .filter_map(|(index, model)| match &model.kind {
            ModelKind::Struct(fields) if fields.sent => {
                let cfg = cfg(model.features.as_deref());
                Some(builder(api, ModelId(index), fields, &cfg))
            }
            _ => None,
        })
        .collect();
    if builders.is_empty() {
        return TokenStream::new();
    }
    quote! {
        /// Builders of the models: `Model::builder()` starts one, each setter sets a field,
        /// and `build()` checks that every required field is set.
        pub mod builders {
            use super::rt;
            #(#builders)*
        }
    }
}

fn field_ident(field: &Field) -> Ident {
    names::snake_ident(&field.name)
}

/// The Rust type of a field, `Box` and `Option` included.
fn field_type(api: &Api, field: &Field) -> TokenStream {
    let mut ty = type_tokens(api, &field.ty);
    if field.boxed {
        let boxed = std_type(api, "Box");
        ty = quote!(#boxed<#ty>);
    }
    if field.optional() {
        let option = std_type(api, "Option");
        ty = quote!(#option<#ty>);
    }
    ty
}

fn struct_model(
    api: &Api,
    id: ModelId,
    model: &Model,
    fields: &Struct,
    cfg: &TokenStream,
) -> TokenStream {
    let ident = type_ident(api, id);
    let Struct {
        fields: field_list,
        form,
        default,
        sent,
        received,
    } = fields;
    let doc = doc_or_allow(model.doc.as_deref());
    let default = default.then(|| quote!(Default,));
    // The direction the API uses is always there; the other one only with `extra-traits`.
    let full_serde = quote!(#[cfg(feature = "extra-traits")]);
    let serialize = (!form).then(|| {
        let gate = (!sent).then(|| full_serde.clone());
        let body = struct_serialize(&ident, field_list);
        quote!(#cfg #gate #body)
    });
    let deserialize = (!form).then(|| {
        let gate = (!received).then(|| full_serde.clone());
        let body = struct_deserialize(api, &ident, field_list);
        quote!(#cfg #gate #body)
    });
    let field_tokens = field_list.iter().map(|field| struct_field(api, field));
    let builder_doc = format!(
        " Starts building a [`{ident}`]; see [`builders::{ident}`](crate::models::builders::{ident}).",
        ident = ident.to_string().trim_start_matches("r#")
    );
    // Only models a request can carry are built by callers; received ones are only read.
    let builder_fn = sent.then(|| {
        quote! {
            #cfg
            impl #ident {
                #[doc = #builder_doc]
                pub fn builder() -> crate::models::builders::#ident {
                    ::std::default::Default::default()
                }
            }
        }
    });
    quote! {
        #cfg
        #doc
        #[derive(Debug, Clone, #default)]
        #[cfg_attr(feature = "extra-traits", derive(PartialEq))]
        #[non_exhaustive]
        pub struct #ident { #(#field_tokens)* }

        #builder_fn

        #serialize
        #deserialize
    }
}

fn struct_field(api: &Api, field: &Field) -> TokenStream {
    let Field {
        name: _,
        wire_name: _,
        ty: _,
        required: _,
        nullable: _,
        boxed: _,
        doc: text,
    } = field;
    let ident = field_ident(field);
    let doc = doc_or_allow(text.as_deref());
    let ty = field_type(api, field);
    quote! {
        #doc
        pub #ident: #ty,
    }
}

/// The model's `Serialize` impl, written by the runtime's `serialize_struct!`: the fields
/// under their wire names, optional ones left out when unset.
fn struct_serialize(ident: &Ident, fields: &[Field]) -> TokenStream {
    let rt = rt();
    let shown = ident.to_string().trim_start_matches("r#").to_owned();
    let count = proc_macro2::Literal::usize_unsuffixed(fields.len());
    let entries = fields.iter().map(|field| {
        let name = field_ident(field);
        // Optional fields are left out when unset; required nullable ones go out as `null`.
        let kind = if field.required {
            format_ident!("required")
        } else {
            format_ident!("optional")
        };
        let wire = &field.wire_name;
        quote!(#name [#kind] = #wire)
    });
    quote! {
        #rt::serialize_struct!(#ident, #shown, #count, { #(#entries),* });
    }
}

/// The model's `Deserialize` impl, written by the runtime's `deserialize_struct!`: lighter
/// to compile than serde's derive (a map visitor only, one shared field lookup), and a few
/// tokens per field here.
fn struct_deserialize(api: &Api, ident: &Ident, fields: &[Field]) -> TokenStream {
    let rt = rt();
    let shown = ident.to_string().trim_start_matches("r#").to_owned();
    let entries = fields.iter().enumerate().map(|(index, field)| {
        let index = proc_macro2::Literal::usize_unsuffixed(index);
        let slot = format_ident!("field_{index}");
        let name = field_ident(field);
        let ty = field_type(api, field);
        let kind = if field.optional() {
            format_ident!("optional")
        } else {
            format_ident!("required")
        };
        let wire = &field.wire_name;
        quote!(#index #slot #name: #ty [#kind] = #wire)
    });
    quote! {
        #rt::deserialize_struct!(#ident, #shown, { #(#entries),* });
    }
}

/// The builder of a struct, written by the runtime's `model_builder!`: every field optional
/// until `build` checks the required ones.
fn builder(api: &Api, id: ModelId, model: &Struct, cfg: &TokenStream) -> TokenStream {
    let rt = rt();
    let ident = type_ident(api, id);
    let shown = ident.to_string().trim_start_matches("r#").to_owned();
    let entries = model.fields.iter().map(|field| {
        let name = field_ident(field);
        let ty = type_tokens(api, &field.ty);
        let kind = match (field.required, field.nullable, field.boxed) {
            (false, _, false) => "optional",
            (false, _, true) => "optional_boxed",
            (true, true, false) => "nullable",
            (true, true, true) => "nullable_boxed",
            (true, false, false) => "required",
            (true, false, true) => "required_boxed",
        };
        let kind = format_ident!("{kind}");
        let wire = &field.wire_name;
        quote!(#name: #ty [#kind] = #wire)
    });
    quote! {
        #cfg
        #rt::model_builder!(#ident, #shown, { #(#entries),* });
    }
}

fn enum_model(
    api: &Api,
    id: ModelId,
    model: &Model,
    variants: &Enum,
    cfg: &TokenStream,
) -> TokenStream {
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
        #cfg
        #doc
        #[doc = #unknown_doc]
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #ident {
            #( #[doc = #variant_docs] #variant_idents, )*
            /// A value the spec does not list, as the server sent it.
            Unknown(crate::UnknownValue),
        }

        #cfg
        impl #ident {
            /// The value as it is sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variant_idents => #values, )*
                    Self::Unknown(value) => value.as_str(),
                }
            }
        }

        #cfg
        impl ::std::convert::From<&str> for #ident {
            fn from(value: &str) -> Self {
                match value {
                    #( #values => Self::#variant_idents, )*
                    other => Self::Unknown(crate::UnknownValue::new(other)),
                }
            }
        }

        #cfg
        impl ::std::convert::From<::std::string::String> for #ident {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    #( #values => Self::#variant_idents, )*
                    _ => Self::Unknown(crate::UnknownValue::new(value)),
                }
            }
        }

        #cfg
        impl ::std::fmt::Display for #ident {
            fn fmt(&self, formatter: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                formatter.write_str(self.as_str())
            }
        }

        #cfg
        impl #rt::serde::Serialize for #ident {
            fn serialize<S: #rt::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        #cfg
        impl<'de> #rt::serde::Deserialize<'de> for #ident {
            fn deserialize<D: #rt::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                #rt::string_enum(deserializer)
            }
        }
    }
}

fn alias_model(api: &Api, id: ModelId, model: &Model, ty: &Type, cfg: &TokenStream) -> TokenStream {
    let ident = type_ident(api, id);
    let doc = doc_or_allow(model.doc.as_deref());
    let ty = type_tokens(api, ty);
    quote! {
        #cfg
        #doc
        pub type #ident = #ty;
    }
}
