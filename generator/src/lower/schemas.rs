//! Schemas into the type space: component schemas first (each gets its id before any is
//! lowered, so references and cycles resolve), inline object and enum schemas as they are
//! met, named after the place that needs them.
//!
//! Composition follows the official Huawei SDKs, the wire oracle: an `allOf` of object
//! schemas is flattened into one object, and a `oneOf` or `anyOf` of several schemas is a
//! JSON value passed through unchanged (the SDKs type it `object`), whose docs name the
//! alternatives.

use std::collections::{BTreeSet, HashMap};

use openapiv3 as oa;

use super::model_names;
use super::shapes::{keyword, shape, Shape};
use super::{points_to_nothing, Component, ComponentKind, Lowerer};
use crate::error::Diagnostic;
use crate::graph;
use crate::ir::*;
use crate::names;

fn describe(data: &oa::SchemaData) -> Option<String> {
    data.description
        .clone()
        .or_else(|| data.title.clone())
        .filter(|text| !text.trim().is_empty())
}

/// Whether a schema is `type: string, format: binary`.
fn is_binary(schema: &oa::ReferenceOr<Box<oa::Schema>>) -> bool {
    matches!(
        schema,
        oa::ReferenceOr::Item(schema) if matches!(
            &schema.schema_kind,
            oa::SchemaKind::Type(oa::Type::String(string))
                if string.format == oa::VariantOrUnknownOrEmpty::Item(oa::StringFormat::Binary)
        )
    )
}

const CYCLE_HELP: &str = "a chain of `$ref`s must end in a concrete schema";

impl<'a> Lowerer<'a> {
    /// Gives every component schema its model id and claims its name (see
    /// [`model_names`](super::model_names) for the two renames).
    pub(super) fn register_components(&mut self) {
        let schemas = self.schemas;
        let model_names = model_names::ModelNames::new(self.spec);
        for (name, schema) in schemas {
            let path = format!("components.schemas.{name}");
            // Problems are reported when the schema is lowered, not here.
            let classified = match schema {
                oa::ReferenceOr::Reference { .. } => None,
                oa::ReferenceOr::Item(schema) => Some(shape(schemas, schema, &path)),
            };
            let kind = match &classified {
                Some(Ok(Shape::Object { .. })) => ComponentKind::Struct,
                Some(Ok(Shape::Enum(_))) => ComponentKind::Enum,
                _ => ComponentKind::Alias,
            };
            self.shapes.push(classified);
            let pascal = model_names.of(name);
            if !self.claim_type_name(&pascal, &path) {
                continue;
            }
            let doc = match schema {
                oa::ReferenceOr::Reference { reference } => {
                    Some(format!("Alias of the `{reference}` schema."))
                }
                oa::ReferenceOr::Item(schema) => describe(&schema.schema_data),
            };
            let id = self.add_model(pascal, doc, &path);
            self.components.insert(name.clone(), Component { id, kind });
        }
    }

    /// Lowers every registered component schema into its slot.
    pub(super) fn lower_components(&mut self) {
        let schemas = self.schemas;
        let looping = self.looping_ref_chains();
        for (index, (name, schema)) in schemas.iter().enumerate() {
            let path = format!("components.schemas.{name}");
            let Some(component) = self.components.get(name).copied() else {
                continue;
            };
            let id = component.id;
            match schema {
                oa::ReferenceOr::Reference { reference } => {
                    if looping.contains(name) {
                        self.error(ref_cycle(&path, name, reference));
                        continue;
                    }
                    if let Some(ty) = self.resolve_ref(reference, &path) {
                        self.set_kind(id, ModelKind::Alias(ty));
                    }
                }
                oa::ReferenceOr::Item(_) => {
                    let shape = match self.shapes[index].take() {
                        Some(Ok(shape)) => shape,
                        Some(Err(diagnostic)) => {
                            self.error(diagnostic);
                            continue;
                        }
                        None => continue,
                    };
                    if let Shape::Ref(reference) = shape {
                        if looping.contains(name) {
                            self.error(ref_cycle(&path, name, reference));
                            continue;
                        }
                    }
                    let form = self.form_components.contains(name);
                    let model_name = self.models[id.0].name.clone();
                    match shape {
                        Shape::Object {
                            properties,
                            required,
                        } => {
                            let model =
                                self.lower_struct(&model_name, &properties, &required, &path, form);
                            self.set_kind(id, ModelKind::Struct(model));
                        }
                        Shape::Enum(values) => {
                            let model = self.lower_enum(values, &path);
                            self.set_kind(id, ModelKind::Enum(model));
                        }
                        other => {
                            if let Some(ty) = self.lower_shape(other, None, &path, &model_name) {
                                let doc = self.models[id.0].doc.take();
                                self.models[id.0].doc = self.doc_with_alternatives(doc, &ty);
                                self.set_kind(id, ModelKind::Alias(ty));
                            }
                        }
                    }
                }
            }
        }
    }

    /// The component schemas from which following bare `$ref`s (a `$ref`, or a wrapper of
    /// one) never ends: it comes back to a schema it passed. Each chain is walked once, and
    /// a schema's answer is kept as soon as it is known, so this is linear in the schemas.
    fn looping_ref_chains(&self) -> BTreeSet<String> {
        let schemas: &'a indexmap::IndexMap<String, oa::ReferenceOr<oa::Schema>> = self.schemas;
        // The schema a bare `$ref` in `name` points to, if `name` is one (also through a
        // wrapper of one schema, as `shape` sees it).
        let next = |name: &str| -> Option<&'a str> {
            let (index, _, schema) = schemas.get_full(name)?;
            let reference = match (schema, &self.shapes[index]) {
                (oa::ReferenceOr::Reference { reference }, _) => reference.as_str(),
                (_, Some(Ok(Shape::Ref(reference)))) => reference,
                _ => return None,
            };
            reference.strip_prefix("#/components/schemas/")
        };
        let mut known: HashMap<&'a str, bool> = HashMap::new();
        for start in schemas.keys() {
            let mut walk: Vec<&'a str> = Vec::new();
            let mut on_walk: BTreeSet<&'a str> = BTreeSet::new();
            let mut current: &'a str = start;
            let loops = loop {
                if let Some(&loops) = known.get(current) {
                    break loops;
                }
                if !on_walk.insert(current) {
                    break true;
                }
                walk.push(current);
                match next(current) {
                    Some(target) => current = target,
                    None => break false,
                }
            };
            for name in walk {
                known.insert(name, loops);
            }
        }
        known
            .into_iter()
            .filter(|(_, loops)| *loops)
            .map(|(name, _)| name.to_owned())
            .collect()
    }

    pub(super) fn resolve_ref(&mut self, reference: &str, path: &str) -> Option<Type> {
        let found = reference
            .strip_prefix("#/components/schemas/")
            .and_then(|name| self.components.get(name))
            .copied();
        match found {
            Some(component) => Some(Type::Model(component.id)),
            None => {
                self.error(points_to_nothing(
                    path,
                    reference,
                    "refer to a schema defined under `components.schemas` as `#/components/schemas/Name`",
                ));
                None
            }
        }
    }

    /// The kind of a component a type names directly, if it names one.
    pub(super) fn component_kind(&self, ty: &Type) -> Option<ComponentKind> {
        let Type::Model(id) = ty else { return None };
        self.components
            .values()
            .find(|component| component.id == *id)
            .map(|component| component.kind)
    }

    /// Lowers a schema that may be a `$ref`; `hint` names any inline model it needs.
    pub(super) fn lower_ref_or<S: std::borrow::Borrow<oa::Schema>>(
        &mut self,
        schema: &oa::ReferenceOr<S>,
        path: &str,
        hint: &str,
    ) -> Option<Type> {
        match schema {
            oa::ReferenceOr::Reference { reference } => self.resolve_ref(reference, path),
            oa::ReferenceOr::Item(schema) => self.lower_schema(schema.borrow(), path, hint),
        }
    }

    /// Lowers an inline schema to a type, creating inline models named after `hint`.
    fn lower_schema(&mut self, schema: &oa::Schema, path: &str, hint: &str) -> Option<Type> {
        let doc = describe(&schema.schema_data);
        let schemas = self.schemas;
        match shape(schemas, schema, path) {
            Ok(shape) => self.lower_shape(shape, doc, path, hint),
            Err(diagnostic) => {
                self.error(diagnostic);
                None
            }
        }
    }

    /// Lowers a classified schema; object and enum shapes become models named after `hint`.
    /// The depth of nesting is bounded by the parser's YAML depth limit.
    fn lower_shape(
        &mut self,
        shape: Shape<'_>,
        doc: Option<String>,
        path: &str,
        hint: &str,
    ) -> Option<Type> {
        match shape {
            Shape::Ref(reference) => self.resolve_ref(reference, path),
            Shape::Plain(ty) => Some(ty),
            Shape::Array(items) => {
                let items_path = format!("{path}.items");
                let inner = match items {
                    Some(items) => self.lower_ref_or(items, &items_path, &format!("{hint}Item"))?,
                    None => Type::JsonValue,
                };
                Some(Type::Array(Box::new(inner)))
            }
            Shape::Map(values) => {
                let inner = self.lower_ref_or(
                    values,
                    &format!("{path}.additionalProperties"),
                    &format!("{hint}Value"),
                )?;
                Some(Type::Map(Box::new(inner)))
            }
            Shape::Object {
                properties,
                required,
            } => {
                let pascal = names::pascal(hint);
                if !self.claim_type_name(&pascal, path) {
                    return None;
                }
                let id = self.add_model(pascal.clone(), doc, path);
                let model = self.lower_struct(&pascal, &properties, &required, path, false);
                self.set_kind(id, ModelKind::Struct(model));
                Some(Type::Model(id))
            }
            Shape::Enum(values) => {
                let pascal = names::pascal(hint);
                if !self.claim_type_name(&pascal, path) {
                    return None;
                }
                let id = self.add_model(pascal, doc, path);
                let model = self.lower_enum(values, path);
                self.set_kind(id, ModelKind::Enum(model));
                Some(Type::Model(id))
            }
            Shape::Alternatives { choice, members } => {
                // Each alternative is lowered (inline ones named `<hint>1`, `<hint>2`, ...)
                // so the docs can link to it and its model is generated.
                let keyword = keyword(choice);
                let mut types = Vec::new();
                let mut failed = false;
                for (index, member) in members.iter().enumerate() {
                    let member_path = format!("{path}.{keyword}[{index}]");
                    let member_hint = format!("{hint}{}", index + 1);
                    match self.lower_ref_or(member, &member_path, &member_hint) {
                        Some(ty) => types.push(ty),
                        None => failed = true,
                    }
                }
                (!failed).then_some(Type::Alternatives(Alternatives {
                    choice,
                    members: types,
                }))
            }
        }
    }

    /// `doc`, followed by the sentence naming the alternatives when a value of `ty` is a
    /// `oneOf` or `anyOf` (or an array of them).
    pub(super) fn doc_with_alternatives(&self, doc: Option<String>, ty: &Type) -> Option<String> {
        match self.alternatives_doc(ty) {
            Some(note) => super::join_doc(&[doc.as_deref(), Some(&note)]),
            None => doc,
        }
    }

    /// The sentence that names the alternatives of a `oneOf` or `anyOf` value (or of an
    /// array's items), for the docs of the field, alias or body that holds it.
    fn alternatives_doc(&self, ty: &Type) -> Option<String> {
        let (alternatives, items) = match ty {
            Type::Alternatives(alternatives) => (alternatives, false),
            Type::Array(inner) => match &**inner {
                Type::Alternatives(alternatives) => (alternatives, true),
                _ => return None,
            },
            _ => return None,
        };
        let names: Vec<String> = alternatives
            .members
            .iter()
            .map(|member| self.alternative_name(member))
            .collect();
        let names = names.join(", ");
        let heading = match alternatives.choice {
            Choice::One => "One of",
            Choice::Any => "Any of",
        };
        Some(if items {
            format!(
                "Each item is {}: {names} (a JSON value; decode it with `serde_json::from_value`).",
                heading.to_lowercase()
            )
        } else {
            format!("{heading}: {names} (a JSON value; decode it with `serde_json::from_value`).")
        })
    }

    /// An alternative as the docs name it: a model by an intra-doc link, anything else in
    /// words. The note goes to models and operations alike, so the link has the full path;
    /// its text says `models::` so that it is not the redundant link rustdoc warns about
    /// inside `models`.
    fn alternative_name(&self, ty: &Type) -> String {
        match ty {
            Type::Model(id) => {
                let ident = names::pascal_ident(&self.models[id.0].name).to_string();
                format!("[`models::{ident}`](crate::models::{ident})")
            }
            Type::Array(inner) => format!("an array of {}", self.alternative_name(inner)),
            Type::Map(inner) => format!("a map of {}", self.alternative_name(inner)),
            other => format!("`{}`", super::describe_type(self, other)),
        }
    }

    /// Lowers an object schema. In a form (a multipart body), binary properties are files.
    pub(super) fn lower_struct(
        &mut self,
        model_name: &str,
        properties: &[(&String, &oa::ReferenceOr<Box<oa::Schema>>)],
        required: &[&String],
        path: &str,
        form: bool,
    ) -> Struct {
        let mut fields = Vec::new();
        let mut field_names: HashMap<String, String> = HashMap::new();
        for (name, property) in properties {
            let property_path = format!("{path}.properties.{name}");
            let snake = names::snake(name);
            let escaped = names::snake_ident(&snake).to_string();
            if let Some(previous) = field_names.insert(escaped, (*name).clone()) {
                self.error(
                    Diagnostic::new(&property_path, format!("properties `{previous}` and `{name}` both become the Rust field `{snake}`"))
                        .help("rename one of them so they differ after conversion to snake_case"),
                );
                continue;
            }
            let file = |schema: &oa::ReferenceOr<Box<oa::Schema>>| form && is_binary(schema);
            let ty = match property {
                _ if file(property) => Type::File,
                oa::ReferenceOr::Item(schema) => match &schema.schema_kind {
                    oa::SchemaKind::Type(oa::Type::Array(oa::ArrayType {
                        items: Some(items),
                        ..
                    })) if file(items) => Type::Array(Box::new(Type::File)),
                    _ => {
                        let hint = format!("{model_name}{}", names::pascal(name));
                        let Some(ty) = self.lower_ref_or(property, &property_path, &hint) else {
                            continue;
                        };
                        ty
                    }
                },
                oa::ReferenceOr::Reference { .. } => {
                    let Some(ty) = self.lower_ref_or(property, &property_path, model_name) else {
                        continue;
                    };
                    ty
                }
            };
            let (doc, nullable) = match property {
                oa::ReferenceOr::Item(schema) => {
                    (describe(&schema.schema_data), schema.schema_data.nullable)
                }
                oa::ReferenceOr::Reference { .. } => (None, false),
            };
            let doc = self.doc_with_alternatives(doc, &ty);
            fields.push(Field {
                name: snake,
                wire_name: (*name).clone(),
                ty,
                required: required.contains(name),
                nullable,
                boxed: false,
                doc,
            });
        }
        for name in required {
            if !properties.iter().any(|(property, _)| property == name) {
                self.error(
                    Diagnostic::new(
                        format!("{path}.required"),
                        format!("required property `{name}` is not defined in `properties`"),
                    )
                    .help("define the property or remove it from `required`"),
                );
            }
        }
        Struct {
            fields,
            form,
            default: false,
            sent: false,
            received: false,
        }
    }

    /// Lowers a string enum. The catch-all variant is always `Unknown`; a value that would
    /// take that name is renamed `Unknown_`, so adding such a value never renames the
    /// catch-all users match on.
    fn lower_enum(&mut self, values: Vec<String>, path: &str) -> Enum {
        let mut variants: Vec<Variant> = Vec::new();
        // Each emitted identifier and the value that took it, to find clashes in one pass.
        let mut taken: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for value in values {
            let mut pascal = if value.is_empty() {
                "Empty".to_owned()
            } else {
                names::pascal(&value)
            };
            if pascal == "Unknown" {
                pascal.push('_');
            }
            // Compare identifiers as emitted: `self` and `Self` both become `Self_`.
            let ident = names::pascal_ident(&pascal).to_string();
            if let Some(&previous) = taken.get(&ident) {
                let previous = variants[previous].value.clone();
                self.error(
                    Diagnostic::new(format!("{path}.enum"), format!("enum values `{previous}` and `{value}` both become the Rust variant `{pascal}`"))
                        .help("remove the duplicate value or make the two differ by more than case and punctuation"),
                );
                continue;
            }
            taken.insert(ident, variants.len());
            variants.push(Variant {
                name: pascal,
                value,
            });
        }
        Enum { variants }
    }

    /// Rust type aliases cannot refer to themselves, not even through `Vec` or a map, so a
    /// schema that is an array or map of itself needs an object in between.
    pub(super) fn check_alias_cycles(&mut self) {
        let alias_edges = |id: ModelId| {
            let mut out = Vec::new();
            if let Some(ModelKind::Alias(ty)) = &self.models[id.0].kind {
                graph::named_in_rust_type(ty, &mut out);
            }
            out.retain(|target| matches!(self.models[target.0].kind, Some(ModelKind::Alias(_))));
            out
        };
        let on_cycle = graph::on_cycle(self.models.len(), alias_edges);
        let mut cyclic = Vec::new();
        for (index, slot) in self.models.iter().enumerate() {
            if matches!(slot.kind, Some(ModelKind::Alias(_))) && on_cycle[index] {
                cyclic.push((slot.name.clone(), slot.path.clone()));
            }
        }
        cyclic.sort();
        for (name, path) in cyclic {
            self.error(
                Diagnostic::new(path, format!("`{name}` contains itself only through arrays or maps"))
                    .help("wrap the recursion in an object schema with a property, e.g. `{type: object, properties: {items: ...}}`"),
            );
        }
    }
}

fn ref_cycle(path: &str, name: &str, reference: &str) -> Diagnostic {
    Diagnostic::new(
        path,
        format!("`$ref` cycle: `{name}` refers back to itself through `{reference}`"),
    )
    .help(CYCLE_HELP)
}
