//! `models.rs`: one type per schema, and a builder per struct in `models::builders`.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{cfg, cfg_all, doc, rt, setter_pair, shown, std_type, type_ident, type_tokens};
use crate::ir::*;
use crate::names;

/// `models.rs`: the types of the models, then the `builders` module.
pub fn models(api: &Api) -> TokenStream {
    let import = super::import_rt();
    let items = api.models.iter().enumerate().map(|(index, model)| {
        let id = ModelId(index);
        let features = model.features.as_deref();
        let cfg = cfg(features);
        match &model.kind {
            ModelKind::Struct(fields) => struct_model(api, id, model, fields, features),
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
            // Unused when every builder is behind a disabled tag feature.
            #[allow(unused_imports)]
            use super::rt;
            #(#builders)*
        }
    }
}

pub(super) fn field_ident(field: &Field) -> Ident {
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
    features: Option<&[String]>,
) -> TokenStream {
    let ident = type_ident(api, id);
    let Struct {
        fields: field_list,
        form,
        default,
        sent,
        received,
    } = fields;
    let cfg = cfg(features);
    let doc = doc(&model_doc(model));
    let default = default.then(|| quote!(Default,));
    // The direction the API uses is always there; the other one only with `serde`.
    let serde_cfg = |used: bool| {
        let extra = (!used).then_some("serde");
        cfg_all(features, extra)
    };
    let serialize = (!form).then(|| {
        let cfg = serde_cfg(*sent);
        let body = struct_serialize(api, &ident, field_list);
        quote!(#cfg #body)
    });
    let deserialize = (!form).then(|| {
        let cfg = serde_cfg(*received);
        let body = struct_deserialize(api, &ident, field_list);
        quote!(#cfg #body)
    });
    let field_tokens = field_list.iter().map(|field| struct_field(api, field));
    let builder_doc = format!(
        " Starts building a [`{ident}`]; see [`builders::{ident}`].",
        ident = shown(&ident)
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
        #doc
        #cfg
        #[derive(Debug, Clone, #default)]
        #[cfg_attr(feature = "serde", derive(PartialEq))]
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
    // Words for every field: the spec's, else where it sits on the wire.
    let text = text
        .clone()
        .unwrap_or_else(|| format!("The `{}` member of the JSON object.", field.wire_name));
    let doc = doc(&text);
    let ty = field_type(api, field);
    quote! {
        #doc
        pub #ident: #ty,
    }
}

/// The model's `Serialize` impl: the fields in spec order under their wire names; an
/// optional field that is unset is left out, a required nullable one is sent as `null`.
///
/// Generic names in the impl start with `__`, which no generated name does, so no model's
/// name is hidden inside it.
fn struct_serialize(api: &Api, ident: &Ident, fields: &[Field]) -> TokenStream {
    let rt = rt();
    let result = std_type(api, "Result");
    let shown = shown(ident);
    // The number of fields written, one term per field: serde's formats may write it
    // before the fields.
    let counts = fields.iter().map(|field| {
        let name = field_ident(field);
        if field.required {
            quote!(1)
        } else {
            quote!(usize::from(self.#name.is_some()))
        }
    });
    let len = if fields.is_empty() {
        quote!(0)
    } else {
        quote!(#(#counts)+*)
    };
    let writes = fields.iter().map(|field| {
        let name = field_ident(field);
        let wire = &field.wire_name;
        if field.required {
            quote!(state.serialize_field(#wire, &self.#name)?;)
        } else {
            quote! {
                if let Some(value) = &self.#name {
                    state.serialize_field(#wire, value)?;
                }
            }
        }
    });
    let binding = if fields.is_empty() {
        quote!(let state)
    } else {
        quote!(let mut state)
    };
    quote! {
        impl #rt::serde::Serialize for #ident {
            fn serialize<__S: #rt::serde::Serializer>(
                &self,
                serializer: __S,
            ) -> #result<__S::Ok, __S::Error> {
                use #rt::serde::ser::SerializeStruct as _;
                let len = #len;
                #binding = serializer.serialize_struct(#shown, len)?;
                #(#writes)*
                state.end()
            }
        }
    }
}

/// The model's `Deserialize` impl: a visitor of maps only, whose keys are looked up through
/// the runtime's `FieldSeed` and a `match` of the wire names. Unknown keys are skipped; a
/// missing required field is serde's usual `missing field` error; `null` or a missing key
/// makes an `Option` field `None`; of duplicate keys the last wins. Lighter to compile than
/// serde's derive, which also writes a field enum and a sequence visitor per struct.
///
/// The locals holding the fields' values are named after the fields; every other name in
/// the impl starts with `__`, which no generated name does, so nothing can be hidden.
fn struct_deserialize(api: &Api, ident: &Ident, fields: &[Field]) -> TokenStream {
    let rt = rt();
    let result = std_type(api, "Result");
    let option = std_type(api, "Option");
    let shown = shown(ident);
    let expecting = format!("struct {shown}");
    let wires = fields.iter().map(|field| &field.wire_name);
    let names: Vec<Ident> = fields.iter().map(field_ident).collect();
    let values = fields.iter().zip(&names).map(|(field, name)| {
        if field.optional() {
            quote!(#name)
        } else {
            let wire = &field.wire_name;
            quote!(#name: #rt::required(#name, #wire)?)
        }
    });
    let read = if fields.is_empty() {
        quote! {
            while __map
                .next_entry::<#rt::serde::de::IgnoredAny, #rt::serde::de::IgnoredAny>()?
                .is_some()
            {}
        }
    } else {
        let indexes = (0..fields.len()).map(proc_macro2::Literal::usize_unsuffixed);
        let lookup = fields.iter().zip(indexes.clone()).map(|(field, index)| {
            let wire = &field.wire_name;
            quote!(#wire => Some(#index),)
        });
        // An optional field's local is the field itself (`null` and a missing key both
        // leave `None`); a required field's local is `None` until its key is seen.
        let arms = fields
            .iter()
            .zip(&names)
            .zip(indexes)
            .map(|((field, name), index)| {
                if field.optional() {
                    quote!(Some(#index) => #name = __map.next_value()?,)
                } else {
                    quote!(Some(#index) => #name = Some(__map.next_value()?),)
                }
            });
        quote! {
            fn __field(name: &str) -> #option<usize> {
                match name {
                    #(#lookup)*
                    _ => None,
                }
            }
            #(let mut #names = None;)*
            let __seed = #rt::FieldSeed { find: __field, count: FIELDS.len() };
            while let Some(__key) = __map.next_key_seed(__seed)? {
                match __key {
                    #(#arms)*
                    _ => {
                        __map.next_value::<#rt::serde::de::IgnoredAny>()?;
                    }
                }
            }
        }
    };
    quote! {
        impl<'de> #rt::serde::Deserialize<'de> for #ident {
            fn deserialize<__D: #rt::serde::Deserializer<'de>>(
                deserializer: __D,
            ) -> #result<Self, __D::Error> {
                const FIELDS: &[&str] = &[#(#wires),*];

                struct __Visitor;

                impl<'de> #rt::serde::de::Visitor<'de> for __Visitor {
                    type Value = #ident;

                    fn expecting(
                        &self,
                        formatter: &mut ::std::fmt::Formatter<'_>,
                    ) -> ::std::fmt::Result {
                        formatter.write_str(#expecting)
                    }

                    fn visit_map<__A: #rt::serde::de::MapAccess<'de>>(
                        self,
                        mut __map: __A,
                    ) -> #result<#ident, __A::Error> {
                        #read
                        Ok(#ident { #(#values),* })
                    }
                }

                deserializer.deserialize_struct(#shown, FIELDS, __Visitor)
            }
        }
    }
}

/// The builder of a struct, in the `builders` module under the model's name: every field
/// optional until `build` checks the required ones; each setter carries its field's docs.
fn builder(api: &Api, id: ModelId, model: &Struct, cfg: &TokenStream) -> TokenStream {
    let rt = rt();
    let ident = type_ident(api, id);
    let shown = shown(&ident);
    let option = std_type(api, "Option");
    let result = std_type(api, "Result");
    let boxed = std_type(api, "Box");
    let names: Vec<Ident> = model.fields.iter().map(field_ident).collect();
    let types: Vec<TokenStream> = model
        .fields
        .iter()
        .map(|field| type_tokens(api, &field.ty))
        .collect();
    let setter_names: Vec<String> = names.iter().map(super::shown).collect();
    let setters = model.fields.iter().zip(&names).map(|(field, name)| {
        let setter_doc = match &field.doc {
            Some(text) => doc(text),
            None => {
                let text = format!(" Sets [`{shown}::{}`](super::{shown}).", field.wire_name);
                quote!(#[doc = #text])
            }
        };
        setter_pair(api, name, &field.ty, setter_doc, &setter_names)
    });
    let values = model.fields.iter().zip(&names).map(|(field, name)| {
        let wire = &field.wire_name;
        let value = quote!(self.#name);
        let value = if field.required && !field.nullable {
            quote!(#value.ok_or_else(|| #rt::BuildError::missing(#shown, #wire))?)
        } else {
            value
        };
        match (field.boxed, field.optional()) {
            (false, _) => quote!(#name: #value),
            (true, true) => quote!(#name: #value.map(#boxed::new)),
            (true, false) => quote!(#name: #boxed::new(#value)),
        }
    });
    let struct_doc = format!(" Builds a [`{shown}`](super::{shown}).");
    let build_doc =
        format!(" Builds the [`{shown}`](super::{shown}); fails when a required field is not set.");
    quote! {
        #[doc = #struct_doc]
        #cfg
        #[derive(Debug, Clone, Default)]
        pub struct #ident { #(#names: #option<#types>,)* }

        #cfg
        impl #ident {
            #(#setters)*

            #[doc = #build_doc]
            pub fn build(self) -> #result<super::#ident, #rt::BuildError> {
                Ok(super::#ident { #(#values),* })
            }
        }
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
        #doc
        #[doc = #unknown_doc]
        #cfg
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
    let doc = doc(&model_doc(model));
    let ty = type_tokens(api, ty);
    quote! {
        #doc
        #cfg
        pub type #ident = #ty;
    }
}

/// A model's documentation: the spec's description, else a sentence made from where the
/// schema sits in the spec.
fn model_doc(model: &Model) -> String {
    match &model.doc {
        Some(text) => text.clone(),
        None => format!("The data at `{}` in the spec.", model.path),
    }
}
