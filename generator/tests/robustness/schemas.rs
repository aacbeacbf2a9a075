//! Strategies for schemas: references that may dangle, enums, scalars, objects, arrays,
//! maps, `allOf`/`oneOf`/`anyOf`/`not`, nested to a bounded depth.

use proptest::prelude::*;

use crate::names::{COMPONENT_NAMES, ENUM_VALUES, PROPERTY_NAMES, WILD_NAMES};
use crate::random::{one_of_strs, optional, pick, text, Ctx};
use crate::yaml::{map, push_some, str, unique_map, Yaml};

pub(crate) fn schema_ref(ctx: &Ctx) -> BoxedStrategy<Yaml> {
    let mut options = vec![(
        ctx.wild(2),
        prop_oneof![
            one_of_strs(COMPONENT_NAMES).prop_map(|name| format!("#/components/schemas/{name}")),
            one_of_strs(&[
                "#/components/schemas/",
                "#/components/schemas",
                "#/components/parameters/P1",
                "#/definitions/Pet",
                "other.yaml#/components/schemas/Pet",
                "#",
                "",
                "#/components/schemas/Pet/properties/id",
                "#/components/schemas/a b",
            ]),
        ]
        .prop_map(|reference| map(vec![("$ref", str(reference))]))
        .boxed(),
    )];
    if !ctx.components.is_empty() {
        options.push((
            3,
            prop::sample::select(ctx.components.clone())
                .prop_map(|name| map(vec![("$ref", str(format!("#/components/schemas/{name}")))]))
                .boxed(),
        ));
    }
    if !ctx.wild && ctx.components.is_empty() {
        // Nothing to refer to: an empty schema (any JSON value) instead.
        return Just(map(vec![])).boxed();
    }
    pick(options)
}

pub(crate) fn enum_values(ctx: &Ctx) -> BoxedStrategy<Yaml> {
    let value = pick(vec![
        (10, one_of_strs(ENUM_VALUES).prop_map(Yaml::Str).boxed()),
        (
            ctx.wild(2),
            ctx.name(WILD_NAMES).prop_map(Yaml::Str).boxed(),
        ),
        (ctx.wild(1), Just(Yaml::Null).boxed()),
        (ctx.wild(1), any::<i64>().prop_map(Yaml::Int).boxed()),
        (ctx.wild(1), any::<bool>().prop_map(Yaml::Bool).boxed()),
    ]);
    let wild = ctx.wild;
    prop::collection::vec(value, 0..5)
        .prop_map(move |values| {
            if wild {
                return Yaml::Seq(values);
            }
            // Tame enums hold each value once.
            let mut seen = Vec::new();
            Yaml::Seq(
                values
                    .into_iter()
                    .filter(|value| match value {
                        Yaml::Str(text) if !seen.contains(text) => {
                            seen.push(text.clone());
                            true
                        }
                        _ => false,
                    })
                    .collect(),
            )
        })
        .boxed()
}

/// Schemas of one scalar type, the kind parameters and headers accept.
pub(crate) fn scalar_schema(_ctx: &Ctx) -> BoxedStrategy<Yaml> {
    let format = |pool: &'static [&'static str]| optional(0.5, one_of_strs(pool));
    pick(vec![
        (
            4,
            format(&["date-time", "byte", "binary", "password", "uuid", ""])
                .prop_map(|format| {
                    let mut entries = vec![("type".to_owned(), str("string"))];
                    push_some(&mut entries, "format", format.map(str));
                    Yaml::Map(entries)
                })
                .boxed(),
        ),
        (
            2,
            format(&["int32", "int64", "uint8", ""])
                .prop_map(|format| {
                    let mut entries = vec![("type".to_owned(), str("integer"))];
                    push_some(&mut entries, "format", format.map(str));
                    Yaml::Map(entries)
                })
                .boxed(),
        ),
        (
            1,
            format(&["float", "double", "decimal"])
                .prop_map(|format| {
                    let mut entries = vec![("type".to_owned(), str("number"))];
                    push_some(&mut entries, "format", format.map(str));
                    Yaml::Map(entries)
                })
                .boxed(),
        ),
        (1, Just(map(vec![("type", str("boolean"))])).boxed()),
    ])
}

fn leaf_schema(ctx: &Ctx) -> BoxedStrategy<Yaml> {
    let string_enum = enum_values(ctx)
        .prop_map(|values| map(vec![("type", str("string")), ("enum", values)]))
        .boxed();
    pick(vec![
        (8, scalar_schema(ctx)),
        (3, string_enum),
        (1, Just(map(vec![])).boxed()),
        (1, Just(map(vec![("type", str("object"))])).boxed()),
        (3, schema_ref(ctx)),
        (
            ctx.wild(1),
            prop_oneof![
                Just(map(vec![
                    ("type", str("integer")),
                    ("enum", Yaml::Seq(vec![Yaml::Int(1), Yaml::Int(2)]))
                ])),
                Just(map(vec![
                    ("type", str("boolean")),
                    ("enum", Yaml::Seq(vec![Yaml::Bool(true)]))
                ])),
                Just(map(vec![("enum", Yaml::Seq(vec![str("a"), Yaml::Int(1)]))])),
                Just(map(vec![("enum", Yaml::Seq(vec![str("a"), str("b")]))])),
                one_of_strs(&["null", "file", "strin g", "", "Object", "STRING"])
                    .prop_map(|ty| map(vec![("type", str(ty))])),
                Just(map(vec![(
                    "type",
                    Yaml::Seq(vec![str("string"), str("null")])
                )])),
                Just(map(vec![
                    ("type", str("string")),
                    ("properties", map(vec![("a", map(vec![]))]))
                ])),
                Just(map(vec![("type", str("array")), ("format", str("int32"))])),
                Just(map(vec![("type", str("integer")), ("items", map(vec![]))])),
                Just(map(vec![("items", map(vec![("type", str("string"))]))])),
                Just(map(vec![(
                    "additionalProperties",
                    map(vec![("type", str("string"))])
                )])),
                Just(Yaml::Bool(true)),
                Just(Yaml::Null),
                Just(str("string")),
                Just(Yaml::Seq(vec![])),
            ]
            .boxed(),
        ),
    ])
}

fn object_schema(ctx: &Ctx, inner: BoxedStrategy<Yaml>) -> BoxedStrategy<Yaml> {
    let wild = ctx.wild;
    (
        prop::collection::vec((ctx.name(PROPERTY_NAMES), inner), 0..5),
        prop::collection::vec(any::<bool>(), 5),
        optional(if wild { 0.2 } else { 0.0 }, ctx.name(WILD_NAMES)),
        any::<bool>(),
    )
        .prop_map(move |(properties, required_mask, extra_required, typed)| {
            let Yaml::Map(properties) = unique_map(properties) else {
                unreachable!()
            };
            let mut required: Vec<Yaml> = properties
                .iter()
                .zip(&required_mask)
                .filter(|(_, required)| **required)
                .map(|((name, _), _)| str(name.clone()))
                .collect();
            required.extend(extra_required.map(str));
            let mut entries = Vec::new();
            if typed || !wild {
                entries.push(("type".to_owned(), str("object")));
            }
            entries.push(("properties".to_owned(), Yaml::Map(properties)));
            if !required.is_empty() {
                entries.push(("required".to_owned(), Yaml::Seq(required)));
            }
            Yaml::Map(entries)
        })
        .boxed()
}

pub(crate) fn schema(ctx: &Ctx) -> BoxedStrategy<Yaml> {
    let leaf = leaf_schema(ctx);
    let outer = ctx.clone();
    let ctx = ctx.clone();
    let nested = leaf.prop_recursive(4, 32, 5, move |inner| {
        let list = |range: std::ops::Range<usize>| {
            prop::collection::vec(inner.clone(), range).prop_map(Yaml::Seq)
        };
        pick(vec![
            (6, object_schema(&ctx, inner.clone())),
            (
                3,
                optional(0.9, inner.clone())
                    .prop_map(|items| {
                        let mut entries = vec![("type".to_owned(), str("array"))];
                        push_some(&mut entries, "items", items);
                        Yaml::Map(entries)
                    })
                    .boxed(),
            ),
            (
                2,
                pick(vec![
                    (4, inner.clone()),
                    (ctx.wild(1), Just(Yaml::Bool(true)).boxed()),
                    (ctx.wild(1), Just(Yaml::Bool(false)).boxed()),
                ])
                .prop_map(|values| {
                    map(vec![
                        ("type", str("object")),
                        ("additionalProperties", values),
                    ])
                })
                .boxed(),
            ),
            (
                2,
                list(1..2).prop_map(|all| map(vec![("allOf", all)])).boxed(),
            ),
            (
                ctx.wild(1),
                list(0..4).prop_map(|all| map(vec![("allOf", all)])).boxed(),
            ),
            (
                ctx.wild(1),
                list(0..3).prop_map(|one| map(vec![("oneOf", one)])).boxed(),
            ),
            (
                ctx.wild(1),
                list(1..3).prop_map(|any| map(vec![("anyOf", any)])).boxed(),
            ),
            (
                ctx.wild(1),
                inner
                    .clone()
                    .prop_map(|not| map(vec![("not", not)]))
                    .boxed(),
            ),
        ])
    });
    let ctx = outer;
    (
        nested,
        optional(0.3, text(&ctx)),
        optional(0.15, text(&ctx)),
        any::<u8>(),
    )
        .prop_map(|(schema, description, title, flags)| match schema {
            // Decorate with the keywords every schema may have.
            Yaml::Map(mut entries) if !entries.iter().any(|(key, _)| key == "$ref") => {
                push_some(&mut entries, "description", description.map(str));
                push_some(&mut entries, "title", title.map(str));
                if flags % 5 == 0 {
                    entries.push(("nullable".to_owned(), Yaml::Bool(flags % 2 == 0)));
                }
                Yaml::Map(entries)
            }
            other => other,
        })
        .boxed()
}
