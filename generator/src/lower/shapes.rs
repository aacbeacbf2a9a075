//! How a schema is shaped: what kind of type it lowers to, after looking through wrappers
//! of one schema (`allOf`, `oneOf`, `anyOf`) and flattening an `allOf` of object schemas,
//! as the official Huawei SDKs (the wire oracle) flatten it; or what the generator does not
//! support about it.

use std::collections::BTreeSet;

use indexmap::IndexMap;
use openapiv3 as oa;

use super::{points_to_nothing, unsupported};
use crate::error::Diagnostic;
use crate::ir::*;

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
pub(super) fn keyword(choice: Choice) -> &'static str {
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
