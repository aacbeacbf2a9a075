//! Strategies for paths and operations: path templates with `{placeholders}`, parameters,
//! request bodies, media types, responses and their headers, and (in wild documents)
//! `x-pagination`.

use proptest::prelude::*;

use crate::names::{HEADER_NAMES, OPERATION_NAMES, PARAM_NAMES, PROPERTY_NAMES, WILD_NAMES};
use crate::random::{one_of_strs, optional, pick, text, Ctx};
use crate::schemas::{enum_values, scalar_schema, schema, schema_ref};
use crate::yaml::{map, push_some, str, unique_map, Yaml};

const PATH_LOCATIONS: &[&str] = &["query", "header"];

fn parameter_schema(ctx: &Ctx, location: &str) -> BoxedStrategy<Yaml> {
    let ctx_for_enum = ctx.clone();
    let mut options = vec![
        (8, scalar_schema(ctx)),
        (
            2,
            enum_values(&ctx_for_enum)
                .prop_map(|values| map(vec![("type", str("string")), ("enum", values)]))
                .boxed(),
        ),
        (ctx.wild(2), schema(ctx)),
    ];
    if !ctx.components.is_empty() {
        options.push((ctx.wild(1), schema_ref(ctx)));
    }
    if ctx.wild || location == "query" {
        options.push((
            2,
            scalar_schema(ctx)
                .prop_map(|items| map(vec![("type", str("array")), ("items", items)]))
                .boxed(),
        ));
    }
    pick(options)
}

/// One parameter; `name` and `location` fixed when given.
pub(crate) fn parameter(
    ctx: &Ctx,
    name: Option<String>,
    location: Option<&'static str>,
) -> BoxedStrategy<Yaml> {
    let name = match name {
        Some(name) => Just(name).boxed(),
        None => ctx.name(PARAM_NAMES),
    };
    let location = match location {
        Some(location) => Just(location.to_owned()).boxed(),
        None => pick(vec![
            (4, one_of_strs(PATH_LOCATIONS)),
            (ctx.wild(2), one_of_strs(&["path", "cookie"])),
            (ctx.wild(1), one_of_strs(&["body", "formData", "", "QUERY"])),
        ]),
    };
    let wild = ctx.wild;
    let ctx = ctx.clone();
    (name, location)
        .prop_flat_map(move |(name, location)| {
            let format = pick(vec![
                (
                    10,
                    parameter_schema(&ctx, &location)
                        .prop_map(|schema| ("schema", schema))
                        .boxed(),
                ),
                (
                    ctx.wild(1),
                    scalar_schema(&ctx)
                        .prop_map(|schema| {
                            (
                                "content",
                                map(vec![("application/json", map(vec![("schema", schema)]))]),
                            )
                        })
                        .boxed(),
                ),
                (ctx.wild(1), Just(("x-nothing", Yaml::Null)).boxed()),
            ]);
            (
                Just(name),
                Just(location),
                format,
                optional(0.3, text(&ctx)),
                optional(if wild { 0.7 } else { 0.5 }, any::<bool>()),
            )
        })
        .prop_map(
            |(name, location, (format_key, format), description, required)| {
                let required = if location == "path" {
                    // Path parameters must say `required: true`; wild ones sometimes do not.
                    required.or(Some(true))
                } else {
                    required
                };
                let mut entries = vec![
                    ("name".to_owned(), str(name)),
                    ("in".to_owned(), str(location)),
                ];
                push_some(&mut entries, "required", required.map(Yaml::Bool));
                push_some(&mut entries, "description", description.map(str));
                if format_key != "x-nothing" {
                    entries.push((format_key.to_owned(), format));
                }
                Yaml::Map(entries)
            },
        )
        .boxed()
}

fn reference(target: &'static [&'static str]) -> BoxedStrategy<Yaml> {
    one_of_strs(target)
        .prop_map(|reference| map(vec![("$ref", str(reference))]))
        .boxed()
}

const MEDIA_TYPES: &[&str] = &[
    "application/json",
    "application/json; charset=utf-8",
    "APPLICATION/JSON",
    "application/problem+json",
    "text/plain",
    "application/octet-stream",
];

const WILD_MEDIA_TYPES: &[&str] = &[
    "multipart/form-data",
    "application/x-www-form-urlencoded",
    "",
    "*/*",
    ";",
    "text/ü",
    "application/json\"",
    "application/\\json",
];

fn content(ctx: &Ctx, max: usize) -> BoxedStrategy<Yaml> {
    let media_type = pick(vec![
        (6, one_of_strs(MEDIA_TYPES)),
        (ctx.wild(2), one_of_strs(WILD_MEDIA_TYPES)),
        (ctx.wild(1), text(ctx)),
    ]);
    let media = optional(0.85, schema(ctx)).prop_map(|schema| {
        let mut entries = Vec::new();
        push_some(&mut entries, "schema", schema);
        Yaml::Map(entries)
    });
    prop::collection::vec((media_type, media), 0..=max)
        .prop_map(unique_map)
        .boxed()
}

pub(crate) fn request_body(ctx: &Ctx) -> BoxedStrategy<Yaml> {
    let inline = (
        content(ctx, 2),
        optional(0.3, text(ctx)),
        optional(0.6, any::<bool>()),
    )
        .prop_map(|(content, description, required)| {
            let mut entries = Vec::new();
            push_some(&mut entries, "description", description.map(str));
            push_some(&mut entries, "required", required.map(Yaml::Bool));
            entries.push(("content".to_owned(), content));
            Yaml::Map(entries)
        })
        .boxed();
    pick(vec![
        (10, inline),
        (1, reference(&["#/components/requestBodies/B1"])),
        (
            ctx.wild(1),
            reference(&[
                "#/components/requestBodies/Missing",
                "#/components/schemas/Pet",
            ]),
        ),
    ])
}

pub(crate) fn header(ctx: &Ctx) -> BoxedStrategy<Yaml> {
    let inline = (
        pick(vec![
            (8, scalar_schema(ctx)),
            (ctx.wild(2), parameter_schema(ctx, "header")),
        ]),
        optional(0.3, text(ctx)),
    )
        .prop_map(|(schema, description)| {
            let mut entries = Vec::new();
            push_some(&mut entries, "description", description.map(str));
            entries.push(("schema".to_owned(), schema));
            Yaml::Map(entries)
        })
        .boxed();
    pick(vec![
        (10, inline),
        (1, reference(&["#/components/headers/H1"])),
        (ctx.wild(1), reference(&["#/components/headers/Missing"])),
        (
            ctx.wild(1),
            content(ctx, 1)
                .prop_map(|content| map(vec![("content", content)]))
                .boxed(),
        ),
    ])
}

pub(crate) fn response(ctx: &Ctx, success: bool) -> BoxedStrategy<Yaml> {
    let header_name = pick(vec![
        (8, one_of_strs(HEADER_NAMES)),
        (
            ctx.wild(2),
            one_of_strs(&["status", "body", "Status", "ETag", "Type", "type_"]),
        ),
        (ctx.wild(1), ctx.name(WILD_NAMES)),
    ]);
    let headers = prop::collection::vec((header_name, header(ctx)), 0..if success { 3 } else { 1 })
        .prop_map(unique_map);
    let inline = (
        text(ctx),
        optional(0.6, content(ctx, 2)),
        headers,
        any::<bool>(),
    )
        .prop_map(|(description, content, headers, describe)| {
            let mut entries = Vec::new();
            if describe {
                entries.push(("description".to_owned(), str(description)));
            } else {
                entries.push(("description".to_owned(), str("Described.")));
            }
            push_some(&mut entries, "content", content);
            if matches!(&headers, Yaml::Map(headers) if !headers.is_empty()) {
                entries.push(("headers".to_owned(), headers));
            }
            Yaml::Map(entries)
        })
        .boxed();
    pick(vec![
        (10, inline),
        (1, reference(&["#/components/responses/R1"])),
        (
            ctx.wild(1),
            reference(&["#/components/responses/Missing", "#/components/schemas/Pet"]),
        ),
    ])
}

fn responses(ctx: &Ctx) -> BoxedStrategy<Yaml> {
    let success_status = pick(vec![
        (6, one_of_strs(&["200", "201", "204", "2XX"])),
        (ctx.wild(1), one_of_strs(&["2xx", "299", "202"])),
    ]);
    let error_status = pick(vec![
        (
            6,
            one_of_strs(&["400", "404", "4XX", "500", "5XX", "default", "301", "100"]),
        ),
        (
            ctx.wild(1),
            one_of_strs(&["999", "abc", "1", "20", "", "6XX", "-1", "2O0"]),
        ),
        (ctx.wild(1), "[1-5][0-9][0-9]".boxed()),
    ]);
    let successes = if ctx.wild { 0..3 } else { 0..2 };
    (
        prop::collection::vec((success_status, response(ctx, true)), successes),
        prop::collection::vec((error_status, response(ctx, false)), 0..3),
    )
        .prop_map(|(mut successes, errors)| {
            successes.extend(errors);
            unique_map(successes)
        })
        .boxed()
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The keys of `x-pagination` whose values are names or paths.
const PAGINATION_KEYS: &[&str] = &[
    "offset",
    "page",
    "marker",
    "limit",
    "items",
    "items_path",
    "total",
    "total_path",
    "next",
    "next_path",
    "next_item",
];

/// `x-pagination` in any mixture of its keys: names from the parameter and property pools
/// (so some name what the operation has), dotted paths, `first` in and out of range, and
/// an unknown key or a value of the wrong kind now and then. Wild documents only: almost
/// every mixture is refused, which would starve the tame ones' share of accepted specs.
fn pagination() -> BoxedStrategy<Yaml> {
    let name = pick(vec![
        (3, one_of_strs(PARAM_NAMES)),
        (3, one_of_strs(PROPERTY_NAMES)),
        (
            2,
            (one_of_strs(PROPERTY_NAMES), one_of_strs(PROPERTY_NAMES))
                .prop_map(|(outer, inner)| format!("{outer}.{inner}"))
                .boxed(),
        ),
        (1, "[a-z.]{0,6}".boxed()),
    ]);
    let entry = pick(vec![
        (
            10,
            (one_of_strs(PAGINATION_KEYS), name)
                .prop_map(|(key, name)| (key, str(name)))
                .boxed(),
        ),
        (
            2,
            (-1i64..3)
                .prop_map(|first| ("first".to_owned(), Yaml::Int(first)))
                .boxed(),
        ),
        (1, Just(("cursor".to_owned(), str("cursor"))).boxed()),
        (
            1,
            one_of_strs(PAGINATION_KEYS)
                .prop_map(|key| (key, Yaml::Int(1)))
                .boxed(),
        ),
    ]);
    pick(vec![
        (
            10,
            prop::collection::vec(entry, 1..7)
                .prop_map(unique_map)
                .boxed(),
        ),
        (1, Just(str("offset")).boxed()),
    ])
}

fn operation(ctx: &Ctx, placeholders: Vec<String>) -> BoxedStrategy<Yaml> {
    let wild = ctx.wild;
    let path_params: Vec<BoxedStrategy<Option<Yaml>>> = placeholders
        .iter()
        .map(|name| {
            optional(
                if wild { 0.85 } else { 1.0 },
                parameter(ctx, Some(name.clone()), Some("path")),
            )
        })
        .collect();
    let extra_params = prop::collection::vec(
        pick(vec![
            (10, parameter(ctx, None, None)),
            (
                1,
                reference(&["#/components/parameters/P1", "#/components/parameters/P2"]),
            ),
            (
                ctx.wild(1),
                reference(&[
                    "#/components/parameters/Missing",
                    "#/components/schemas/Pet",
                ]),
            ),
        ]),
        0..4,
    );
    let idempotent = pick(vec![
        (3, any::<bool>().prop_map(Yaml::Bool).boxed()),
        (ctx.wild(1), Just(str("yes")).boxed()),
        (ctx.wild(1), Just(Yaml::Int(1)).boxed()),
        (ctx.wild(1), Just(Yaml::Null).boxed()),
    ]);
    (
        optional(if wild { 0.9 } else { 1.0 }, ctx.name(OPERATION_NAMES)),
        optional(0.4, text(ctx)),
        optional(0.4, text(ctx)),
        optional(0.2, any::<bool>()),
        optional(0.3, idempotent),
        path_params,
        extra_params,
        optional(0.5, request_body(ctx)),
        optional(if wild { 0.9 } else { 1.0 }, responses(ctx)),
        optional(if wild { 0.3 } else { 0.0 }, pagination()),
    )
        .prop_map(
            move |(
                id,
                summary,
                description,
                deprecated,
                idempotent,
                path_params,
                extra,
                body,
                responses,
                pagination,
            )| {
                let mut parameters: Vec<Yaml> = path_params.into_iter().flatten().collect();
                parameters.extend(extra);
                if !wild {
                    // Tame operations declare each parameter name once, none named `body`.
                    let mut seen = Vec::new();
                    parameters.retain(|parameter| {
                        let Yaml::Map(entries) = parameter else {
                            return true;
                        };
                        match entries.iter().find(|(key, _)| key == "name") {
                            Some((_, Yaml::Str(name))) => {
                                let fresh = !seen.contains(name) && name != "body";
                                seen.push(name.clone());
                                fresh
                            }
                            _ => true,
                        }
                    });
                }
                let mut entries = Vec::new();
                push_some(&mut entries, "operationId", id.map(str));
                push_some(&mut entries, "summary", summary.map(str));
                push_some(&mut entries, "description", description.map(str));
                push_some(&mut entries, "deprecated", deprecated.map(Yaml::Bool));
                push_some(&mut entries, "x-idempotent", idempotent);
                push_some(&mut entries, "x-pagination", pagination);
                if !parameters.is_empty() {
                    entries.push(("parameters".to_owned(), Yaml::Seq(parameters)));
                }
                push_some(&mut entries, "requestBody", body);
                push_some(&mut entries, "responses", responses);
                Yaml::Map(entries)
            },
        )
        .boxed()
}

#[derive(Clone, Debug)]
enum Segment {
    Literal(String),
    Placeholder(String),
    Malformed(String),
}

fn path_template(ctx: &Ctx) -> BoxedStrategy<(String, Vec<String>)> {
    let segment = pick(vec![
        (
            3,
            one_of_strs(&["v1", "pets", "items", "a-b", "ü", "x.y", "", "%7B"])
                .prop_map(Segment::Literal)
                .boxed(),
        ),
        (
            3,
            ctx.name(PARAM_NAMES).prop_map(Segment::Placeholder).boxed(),
        ),
        (
            ctx.wild(1),
            one_of_strs(&["{", "}", "{}", "{a{b}}", "}{", "{a}}", "{{a}"])
                .prop_map(Segment::Malformed)
                .boxed(),
        ),
        (
            ctx.wild(1),
            (one_of_strs(&["a", ""]), ctx.name(PARAM_NAMES))
                .prop_map(|(prefix, name)| Segment::Placeholder(format!("{prefix}}}{{{name}")))
                .boxed(),
        ),
    ]);
    let wild = ctx.wild;
    prop::collection::vec(segment, 0..4)
        .prop_map(move |segments| {
            let mut template = String::new();
            let mut placeholders: Vec<String> = Vec::new();
            for segment in segments {
                template.push('/');
                match segment {
                    Segment::Literal(text) | Segment::Malformed(text) => template.push_str(&text),
                    Segment::Placeholder(name) => {
                        // Tame templates name a placeholder once and keep braces out of it.
                        if !wild && (name.contains(['{', '}']) || placeholders.contains(&name)) {
                            continue;
                        }
                        template.push('{');
                        template.push_str(&name);
                        template.push('}');
                        if !placeholders.contains(&name) {
                            placeholders.push(name);
                        }
                    }
                }
            }
            if template.is_empty() {
                template.push('/');
            }
            (template, placeholders)
        })
        .boxed()
}

pub(crate) fn path_item(ctx: &Ctx) -> BoxedStrategy<(String, Yaml)> {
    let ctx = ctx.clone();
    path_template(&ctx)
        .prop_flat_map(move |(template, placeholders)| {
            let operations = prop::collection::vec(
                (one_of_strs(METHODS), operation(&ctx, placeholders.clone())),
                0..3,
            )
            .prop_map(unique_map);
            let shared = optional(
                if ctx.wild { 0.2 } else { 0.0 },
                prop::collection::vec(parameter(&ctx, None, None), 1..3)
                    .prop_map(Yaml::Seq)
                    .boxed(),
            );
            let path_ref = optional(
                if ctx.wild { 0.03 } else { 0.0 },
                Just(str("#/paths/~1other")).boxed(),
            );
            (Just(template), operations, shared, path_ref)
        })
        .prop_map(|(template, operations, shared, path_ref)| {
            if let Some(reference) = path_ref {
                return (template, map(vec![("$ref", reference)]));
            }
            let Yaml::Map(mut entries) = operations else {
                unreachable!()
            };
            push_some(&mut entries, "parameters", shared);
            (template, Yaml::Map(entries))
        })
        .boxed()
}
