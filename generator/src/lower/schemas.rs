//! Schemas into the type space: component schemas first (each gets its id before any is
//! lowered, so references and cycles resolve), inline object and enum schemas as they are
//! met, named after the place that needs them.
//!
//! Composition follows the official Huawei SDKs, the wire oracle: an `allOf` of object
//! schemas is flattened into one object, and a `oneOf` or `anyOf` of several schemas is a
//! JSON value passed through unchanged (the SDKs type it `object`), whose docs name the
//! alternatives.

use std::collections::{BTreeSet, HashMap};

use indexmap::IndexMap;

use openapiv3 as oa;

use super::model_names;
use super::{points_to_nothing, unsupported, Component, ComponentKind, Lowerer};
use crate::error::Diagnostic;
use crate::graph;
use crate::ir::*;
use crate::names;

/// The component schemas of a spec, by name.
pub(super) type Schemas = IndexMap<String, oa::ReferenceOr<oa::Schema>>;

/// How a schema is shaped, after looking through wrappers of one schema (`allOf`, `oneOf`,
/// `anyOf`) and flattening an `allOf` of object schemas.
pub(super) enum Shape<'s> {
    Ref(&'s str),
    Object {
        properties: Vec<(&'s String, &'s oa::ReferenceOr<Box<oa::Schema>>)>,
        required: Vec<&'s String>,
    },
    Enum(Vec<String>),
    Plain(Type),
    Array(Option<&'s oa::ReferenceOr<Box<oa::Schema>>>),
    Map(&'s oa::ReferenceOr<oa::Schema>),
    /// A `oneOf` or `anyOf` of several schemas.
    Alternatives {
        choice: Choice,
        members: &'s [oa::ReferenceOr<oa::Schema>],
    },
}

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
            let pascal = model_names.of(name);
            if !self.claim_type_name(&pascal, &path) {
                continue;
            }
            let (kind, doc) = match schema {
                oa::ReferenceOr::Reference { reference } => (
                    ComponentKind::Alias,
                    Some(format!("Alias of the `{reference}` schema.")),
                ),
                // Problems are reported when the schema is lowered, not here.
                oa::ReferenceOr::Item(schema) => (
                    match shape(schemas, schema, &path) {
                        Ok(Shape::Object { .. }) => ComponentKind::Struct,
                        Ok(Shape::Enum(_)) => ComponentKind::Enum,
                        _ => ComponentKind::Alias,
                    },
                    describe(&schema.schema_data),
                ),
            };
            let id = self.add_model(pascal, doc, &path);
            self.components.insert(name.clone(), Component { id, kind });
        }
    }

    /// Lowers every registered component schema into its slot.
    pub(super) fn lower_components(&mut self) {
        let schemas = self.schemas;
        let looping = self.looping_ref_chains();
        for (name, schema) in schemas {
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
                oa::ReferenceOr::Item(schema) => {
                    let shape = match shape(schemas, schema, &path) {
                        Ok(shape) => shape,
                        Err(diagnostic) => {
                            self.error(diagnostic);
                            continue;
                        }
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
                                if let Some(note) = self.alternatives_doc(&ty) {
                                    let doc = self.models[id.0].doc.take();
                                    self.models[id.0].doc =
                                        super::join_doc(&[doc.as_deref(), Some(&note)]);
                                }
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
            let reference = match schemas.get(name)? {
                oa::ReferenceOr::Reference { reference } => reference,
                oa::ReferenceOr::Item(schema) => match shape(schemas, schema, name) {
                    Ok(Shape::Ref(reference)) => reference,
                    _ => return None,
                },
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

    /// The sentence that names the alternatives of a `oneOf` or `anyOf` value (or of an
    /// array's items), for the docs of the field, alias or body that holds it.
    pub(super) fn alternatives_doc(&self, ty: &Type) -> Option<String> {
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
            let doc = match self.alternatives_doc(&ty) {
                Some(note) => super::join_doc(&[doc.as_deref(), Some(&note)]),
                None => doc,
            };
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

/// Classifies a schema, or says what the generator does not support about it.
pub(super) fn shape<'s>(
    schemas: &'s Schemas,
    schema: &'s oa::Schema,
    path: &str,
) -> Result<Shape<'s>, Diagnostic> {
    match &schema.schema_kind {
        oa::SchemaKind::Type(oa::Type::Object(object)) => {
            if !object.properties.is_empty() {
                Ok(Shape::Object {
                    properties: object.properties.iter().collect(),
                    required: object.required.iter().collect(),
                })
            } else {
                Ok(match &object.additional_properties {
                    Some(oa::AdditionalProperties::Schema(inner)) => Shape::Map(inner),
                    _ => Shape::Plain(Type::JsonObject),
                })
            }
        }
        oa::SchemaKind::Type(oa::Type::String(string)) => {
            if string.enumeration.is_empty() {
                Ok(Shape::Plain(Type::String))
            } else {
                Ok(Shape::Enum(
                    string.enumeration.iter().flatten().cloned().collect(),
                ))
            }
        }
        oa::SchemaKind::Type(oa::Type::Integer(integer)) => {
            if let Some(value) = integer.enumeration.iter().flatten().next() {
                return Err(non_string_enum(path, &value.to_string()));
            }
            let wide = !matches!(
                integer.format,
                oa::VariantOrUnknownOrEmpty::Item(oa::IntegerFormat::Int32)
            );
            Ok(Shape::Plain(if wide { Type::I64 } else { Type::I32 }))
        }
        oa::SchemaKind::Type(oa::Type::Number(number)) => {
            if let Some(value) = number.enumeration.iter().flatten().next() {
                return Err(non_string_enum(path, &value.to_string()));
            }
            let narrow = matches!(
                number.format,
                oa::VariantOrUnknownOrEmpty::Item(oa::NumberFormat::Float)
            );
            Ok(Shape::Plain(if narrow { Type::F32 } else { Type::F64 }))
        }
        oa::SchemaKind::Type(oa::Type::Boolean(boolean)) => {
            if let Some(value) = boolean.enumeration.iter().flatten().next() {
                return Err(non_string_enum(path, &value.to_string()));
            }
            Ok(Shape::Plain(Type::Boolean))
        }
        oa::SchemaKind::Type(oa::Type::Array(array)) => Ok(Shape::Array(array.items.as_ref())),
        oa::SchemaKind::AllOf { all_of } => all_of_shape(schemas, schema, all_of, path),
        oa::SchemaKind::OneOf { one_of } => alternatives_shape(schemas, Choice::One, one_of, path),
        oa::SchemaKind::AnyOf { any_of } => alternatives_shape(schemas, Choice::Any, any_of, path),
        oa::SchemaKind::Not { .. } => Err(unsupported(
            path,
            "`not`",
            "describe what the value is rather than what it is not",
        )),
        oa::SchemaKind::Any(any) => any_shape(schemas, schema, any, path),
    }
}

/// The keyword of a choice, for paths and messages.
fn keyword(choice: Choice) -> &'static str {
    match choice {
        Choice::One => "oneOf",
        Choice::Any => "anyOf",
    }
}

/// The shape of the one schema a wrapper (`allOf`, `oneOf`, `anyOf`) holds.
fn single<'s>(
    schemas: &'s Schemas,
    member: &'s oa::ReferenceOr<oa::Schema>,
    path: &str,
) -> Result<Shape<'s>, Diagnostic> {
    match member {
        oa::ReferenceOr::Reference { reference } => Ok(Shape::Ref(reference)),
        oa::ReferenceOr::Item(inner) => shape(schemas, inner, path),
    }
}

/// A `oneOf` or `anyOf`: one schema is that schema; several are alternatives.
fn alternatives_shape<'s>(
    schemas: &'s Schemas,
    choice: Choice,
    members: &'s [oa::ReferenceOr<oa::Schema>],
    path: &str,
) -> Result<Shape<'s>, Diagnostic> {
    let keyword = keyword(choice);
    match members {
        [] => Err(
            Diagnostic::new(path, format!("`{keyword}` lists no schemas")).help(
                "list the schemas the value can match, or describe it as `{}` for any JSON value",
            ),
        ),
        [only] => single(schemas, only, &format!("{path}.{keyword}[0]")),
        _ => Ok(Shape::Alternatives { choice, members }),
    }
}

/// An `allOf`: one schema that matters is that schema; several object schemas are merged
/// into one object.
fn all_of_shape<'s>(
    schemas: &'s Schemas,
    schema: &'s oa::Schema,
    all_of: &'s [oa::ReferenceOr<oa::Schema>],
    path: &str,
) -> Result<Shape<'s>, Diagnostic> {
    if all_of.is_empty() {
        // No constraint at all.
        return Ok(Shape::Plain(Type::JsonValue));
    }
    if let Some((index, member)) = sole_member(all_of) {
        return single(schemas, member, &format!("{path}.allOf[{index}]"));
    }
    merged_shape(schemas, schema, path)
}

/// The one member of an `allOf` that says anything, when there is one: a member without
/// keywords (only a `description`, say) constrains nothing, so `allOf: [{$ref: X},
/// {description: ..}]` is `X`.
fn sole_member(
    all_of: &[oa::ReferenceOr<oa::Schema>],
) -> Option<(usize, &oa::ReferenceOr<oa::Schema>)> {
    if let [only] = all_of {
        return Some((0, only));
    }
    let mut substantive = all_of
        .iter()
        .enumerate()
        .filter(|(_, member)| !is_annotation_only(member));
    let first = substantive.next()?;
    substantive.next().is_none().then_some(first)
}

/// Whether a schema has no keywords but annotations (`description`, `title`, `nullable`).
fn is_annotation_only(schema: &oa::ReferenceOr<oa::Schema>) -> bool {
    matches!(
        schema,
        oa::ReferenceOr::Item(schema)
            if schema.schema_kind == oa::SchemaKind::Any(oa::AnySchema::default())
    )
}

/// An object schema flattened from its `allOf` members (and its own properties), or a
/// free-form object when they define no property.
fn merged_shape<'s>(
    schemas: &'s Schemas,
    schema: &'s oa::Schema,
    path: &str,
) -> Result<Shape<'s>, Diagnostic> {
    let mut merged = Merged::default();
    merged.object(schemas, schema, path, path, None)?;
    if merged.properties.is_empty() && merged.required.is_empty() {
        return Ok(Shape::Plain(Type::JsonObject));
    }
    Ok(Shape::Object {
        properties: merged
            .properties
            .into_iter()
            .map(|(name, property)| (name, property.schema))
            .collect(),
        required: merged.required,
    })
}

/// How many component schemas an `allOf` may reach through `$ref`s to other `allOf`s, one
/// inside the next.
const MAX_ALL_OF_CHAIN: usize = 64;

/// An `allOf` being flattened, as the official SDKs flatten it into one model: the
/// properties and required names of its object schemas, in member order.
#[derive(Default)]
struct Merged<'s> {
    properties: IndexMap<&'s String, MergedProperty<'s>>,
    required: Vec<&'s String>,
    /// Component schemas already merged: merging one again adds nothing.
    done: BTreeSet<&'s str>,
    /// Component schemas being merged, to find one that includes itself.
    open: Vec<&'s str>,
}

/// A property of a flattened `allOf`, and where it was first defined.
struct MergedProperty<'s> {
    schema: &'s oa::ReferenceOr<Box<oa::Schema>>,
    path: String,
}

impl<'s> Merged<'s> {
    /// Merges the members of an `allOf` written at `path`.
    fn all_of(
        &mut self,
        schemas: &'s Schemas,
        members: &'s [oa::ReferenceOr<oa::Schema>],
        path: &str,
    ) -> Result<(), Diagnostic> {
        for (index, member) in members.iter().enumerate() {
            let member_path = format!("{path}.allOf[{index}]");
            match member {
                oa::ReferenceOr::Item(schema) => {
                    self.object(schemas, schema, &member_path, &member_path, None)?;
                }
                oa::ReferenceOr::Reference { reference } => {
                    self.component(schemas, reference, &member_path)?;
                }
            }
        }
        Ok(())
    }

    /// Merges the component schema a member at `at` refers to.
    fn component(
        &mut self,
        schemas: &'s Schemas,
        reference: &'s str,
        at: &str,
    ) -> Result<(), Diagnostic> {
        let found = reference
            .strip_prefix("#/components/schemas/")
            .and_then(|name| schemas.get_key_value(name));
        let Some((name, target)) = found else {
            return Err(points_to_nothing(
                at,
                reference,
                "refer to a schema defined under `components.schemas` as `#/components/schemas/Name`",
            ));
        };
        let name = name.as_str();
        if self.done.contains(name) {
            return Ok(());
        }
        if self.open.contains(&name) {
            return Err(Diagnostic::new(
                at,
                format!("`allOf` cycle: `{name}` includes itself through `{reference}`"),
            )
            .help("an `allOf` cannot include the schema it is part of; refer to it from a property instead"));
        }
        // Merging recurses through the chain, so its length is bounded like YAML nesting.
        if self.open.len() >= MAX_ALL_OF_CHAIN {
            return Err(Diagnostic::new(
                at,
                format!("`allOf` includes schemas that include others more than {MAX_ALL_OF_CHAIN} deep"),
            )
            .help("merge some of the schemas so that the chain of `allOf`s is shorter"));
        }
        self.open.push(name);
        let merged = match target {
            oa::ReferenceOr::Reference { reference } => self.component(schemas, reference, at),
            oa::ReferenceOr::Item(schema) => {
                let path = format!("components.schemas.{name}");
                self.object(schemas, schema, &path, at, Some(reference))
            }
        };
        self.open.pop();
        merged?;
        self.done.insert(name);
        Ok(())
    }

    /// Merges an object schema written at `path`, reached from the member at `at` (through
    /// `reference`, when that member is one), where a schema that is not an object is
    /// reported.
    fn object(
        &mut self,
        schemas: &'s Schemas,
        schema: &'s oa::Schema,
        path: &str,
        at: &str,
        reference: Option<&str>,
    ) -> Result<(), Diagnostic> {
        let no_members: &'s [oa::ReferenceOr<oa::Schema>] = &[];
        let (properties, required, all_of) = match &schema.schema_kind {
            oa::SchemaKind::Type(oa::Type::Object(object)) => {
                (Some(&object.properties), &object.required[..], no_members)
            }
            oa::SchemaKind::AllOf { all_of } => (None, &[][..], &all_of[..]),
            oa::SchemaKind::Any(any) if is_object_like(any) => {
                (Some(&any.properties), &any.required[..], &any.all_of[..])
            }
            other => {
                let member = match reference {
                    Some(reference) => format!("`allOf` member `{reference}`"),
                    None => "this `allOf` member".to_owned(),
                };
                return Err(Diagnostic::new(
                    at,
                    format!("{member} is {}, not an object schema", kind_name(other)),
                )
                .help("`allOf` merges object schemas into one object: make every member an object schema (or a `$ref` to one), or use `oneOf` for a value that is one of several schemas"));
            }
        };
        self.all_of(schemas, all_of, path)?;
        for (name, property) in properties.into_iter().flatten() {
            self.property(name, property, format!("{path}.properties.{name}"))?;
        }
        for name in required {
            if !self.required.contains(&name) {
                self.required.push(name);
            }
        }
        Ok(())
    }

    /// Adds a property; one defined again must have the same type.
    fn property(
        &mut self,
        name: &'s String,
        schema: &'s oa::ReferenceOr<Box<oa::Schema>>,
        path: String,
    ) -> Result<(), Diagnostic> {
        match self.properties.get(name) {
            None => {
                self.properties
                    .insert(name, MergedProperty { schema, path });
                Ok(())
            }
            Some(first) if same_type(first.schema, schema) => Ok(()),
            Some(first) => Err(Diagnostic::new(
                path,
                format!(
                    "property `{name}` has another type here than at `{}`, where the `allOf` defines it first",
                    first.path
                ),
            )
            .help("`allOf` merges its members into one object: give the property the same schema in every member, or rename one of them")),
        }
    }
}

/// Whether two definitions of a property have the same type: the same `$ref`, or inline
/// schemas that differ at most in annotations (`description`, `example`).
fn same_type(
    first: &oa::ReferenceOr<Box<oa::Schema>>,
    second: &oa::ReferenceOr<Box<oa::Schema>>,
) -> bool {
    match (first, second) {
        (
            oa::ReferenceOr::Reference { reference: first },
            oa::ReferenceOr::Reference { reference: second },
        ) => first == second,
        (oa::ReferenceOr::Item(first), oa::ReferenceOr::Item(second)) => {
            first.schema_kind == second.schema_kind
        }
        _ => false,
    }
}

/// Whether a schema without one of the typed forms is an object: no type or `object`, and
/// nothing of another type.
fn is_object_like(any: &oa::AnySchema) -> bool {
    matches!(any.typ.as_deref(), None | Some("object"))
        && any.items.is_none()
        && any.enumeration.is_empty()
        && any.one_of.is_empty()
        && any.any_of.is_empty()
        && any.not.is_none()
}

/// What a schema is, for a message about a schema that is not an object.
fn kind_name(kind: &oa::SchemaKind) -> String {
    match kind {
        oa::SchemaKind::Type(oa::Type::String(_)) => "a string".into(),
        oa::SchemaKind::Type(oa::Type::Integer(_)) => "an integer".into(),
        oa::SchemaKind::Type(oa::Type::Number(_)) => "a number".into(),
        oa::SchemaKind::Type(oa::Type::Boolean(_)) => "a boolean".into(),
        oa::SchemaKind::Type(oa::Type::Array(_)) => "an array".into(),
        oa::SchemaKind::Type(oa::Type::Object(_)) => "an object".into(),
        oa::SchemaKind::OneOf { .. } => "a `oneOf`".into(),
        oa::SchemaKind::AnyOf { .. } => "an `anyOf`".into(),
        oa::SchemaKind::AllOf { .. } => "an `allOf`".into(),
        oa::SchemaKind::Not { .. } => "a `not`".into(),
        oa::SchemaKind::Any(any) => match any.typ.as_deref() {
            Some(typ) => format!("a `type: {typ}` schema"),
            None if any.items.is_some() => "an array".into(),
            None if !any.one_of.is_empty() => "a `oneOf`".into(),
            None if !any.any_of.is_empty() => "an `anyOf`".into(),
            None => "a schema of another kind".into(),
        },
    }
}

fn any_shape<'s>(
    schemas: &'s Schemas,
    schema: &'s oa::Schema,
    any: &'s oa::AnySchema,
    path: &str,
) -> Result<Shape<'s>, Diagnostic> {
    if let Some(value) = any.enumeration.iter().find(|value| !value.is_string()) {
        return Err(non_string_enum(path, &value.to_string()));
    }
    // Composition beside other keywords (`type: object` with `oneOf` or `allOf`, as the
    // SDKs' specs often write them with a `discriminator`).
    if is_object_like(any) && !any.all_of.is_empty() {
        return merged_shape(schemas, schema, path);
    }
    if matches!(any.typ.as_deref(), None | Some("object")) && any.properties.is_empty() {
        if !any.one_of.is_empty() {
            return alternatives_shape(schemas, Choice::One, &any.one_of, path);
        }
        if !any.any_of.is_empty() {
            return alternatives_shape(schemas, Choice::Any, &any.any_of, path);
        }
    }
    match any.typ.as_deref() {
        None | Some("object") if !any.properties.is_empty() => Ok(Shape::Object {
            properties: any.properties.iter().collect(),
            required: any.required.iter().collect(),
        }),
        None if any.items.is_some() => Ok(Shape::Array(any.items.as_ref())),
        None | Some("object") => Ok(match &any.additional_properties {
            Some(oa::AdditionalProperties::Schema(inner)) => Shape::Map(inner),
            _ if any.typ.is_some() => Shape::Plain(Type::JsonObject),
            _ => Shape::Plain(Type::JsonValue),
        }),
        Some("string") if !any.enumeration.is_empty() => Ok(Shape::Enum(
            any.enumeration
                .iter()
                .filter_map(|value| value.as_str().map(str::to_owned))
                .collect(),
        )),
        Some(other @ ("string" | "integer" | "number" | "boolean" | "array")) => {
            Err(Diagnostic::new(
                path,
                format!("this `type: {other}` schema mixes in keywords that do not apply to it"),
            )
            .help("remove the keywords that belong to other types"))
        }
        Some(other) => Err(
            Diagnostic::new(path, format!("unsupported schema type `{other}`"))
                .help("use one of string, integer, number, boolean, array or object"),
        ),
    }
}

fn non_string_enum(path: &str, value: &str) -> Diagnostic {
    Diagnostic::new(
        path,
        format!("enum values must be strings, found `{value}`"),
    )
    .help("list the values as strings, or drop the `enum` and document the values in `description`")
}
