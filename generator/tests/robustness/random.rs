//! Random OpenAPI documents: the entry point `random_spec`, which picks tame or wild and the
//! component names, the document and its components, and the helpers every strategy shares
//! (weighted choice, optional values, free text, the `Ctx` that says what is allowed).

use proptest::prelude::*;
use proptest::strategy::Union;

use crate::names::{COMPONENT_NAMES, TEXTS, WILD_NAMES};
use crate::operations::{header, parameter, path_item, request_body, response};
use crate::schemas::schema;
use crate::yaml::{map, push_some, render, str, unique_map, Yaml};

// ----- strategy helpers -----

/// A weighted choice that leaves out the options of weight 0.
pub(crate) fn pick<T: std::fmt::Debug + 'static>(
    options: Vec<(u32, BoxedStrategy<T>)>,
) -> BoxedStrategy<T> {
    let options: Vec<_> = options
        .into_iter()
        .filter(|(weight, _)| *weight > 0)
        .collect();
    Union::new_weighted(options).boxed()
}

pub(crate) fn one_of_strs(pool: &'static [&'static str]) -> BoxedStrategy<String> {
    prop::sample::select(pool).prop_map(str::to_owned).boxed()
}

/// Where a strategy is used: `wild` allows everything, otherwise only what the generator
/// supports; `components` are the component schema names the document defines.
#[derive(Clone, Debug)]
pub(crate) struct Ctx {
    pub(crate) wild: bool,
    pub(crate) components: Vec<String>,
}

impl Ctx {
    /// `weight` in wild documents, 0 in tame ones.
    pub(crate) fn wild(&self, weight: u32) -> u32 {
        if self.wild {
            weight
        } else {
            0
        }
    }

    /// A name from `pool`, or in wild documents sometimes any string at all.
    pub(crate) fn name(&self, pool: &'static [&'static str]) -> BoxedStrategy<String> {
        pick(vec![
            (12, one_of_strs(pool)),
            (self.wild(3), one_of_strs(WILD_NAMES)),
            (self.wild(1), "[a-zA-Z_][a-zA-Z0-9_]{0,8}".boxed()),
            (self.wild(1), "\\PC{0,6}".boxed()),
            (self.wild(1), any_chars(6)),
        ])
    }
}

pub(crate) fn any_chars(max: usize) -> BoxedStrategy<String> {
    prop::collection::vec(any::<char>(), 0..=max)
        .prop_map(String::from_iter)
        .boxed()
}

pub(crate) fn text(ctx: &Ctx) -> BoxedStrategy<String> {
    let _ = ctx;
    pick(vec![
        (6, one_of_strs(TEXTS)),
        (2, "\\PC{0,24}".boxed()),
        (2, any_chars(12)),
        (
            1,
            prop::collection::vec(one_of_strs(TEXTS), 1..4)
                .prop_map(|parts| parts.concat())
                .boxed(),
        ),
    ])
}

pub(crate) fn optional<T: std::fmt::Debug + Clone + 'static>(
    probability: f64,
    strategy: impl Strategy<Value = T> + 'static,
) -> BoxedStrategy<Option<T>> {
    // proptest wants a probability strictly between 0 and 1.
    if probability >= 1.0 {
        strategy.prop_map(Some).boxed()
    } else if probability <= 0.0 {
        Just(None).boxed()
    } else {
        prop::option::weighted(probability, strategy).boxed()
    }
}

// ----- documents -----

/// Makes tame documents' operationIds unique (collisions are for wild ones).
fn dedupe_operation_ids(document: &mut Yaml) {
    let Yaml::Map(entries) = document else { return };
    let Some((_, Yaml::Map(paths))) = entries.iter_mut().find(|(key, _)| key == "paths") else {
        return;
    };
    let mut seen: Vec<String> = Vec::new();
    for (_, item) in paths {
        let Yaml::Map(operations) = item else {
            continue;
        };
        for (_, operation) in operations {
            let Yaml::Map(fields) = operation else {
                continue;
            };
            for (key, value) in fields {
                if let (true, Yaml::Str(id)) = (key == "operationId", &mut *value) {
                    let base = id.clone();
                    let mut counter = 1;
                    while seen.iter().any(|taken| taken.eq_ignore_ascii_case(id)) {
                        counter += 1;
                        *id = format!("{base}{counter}");
                    }
                    seen.push(id.clone());
                }
            }
        }
    }
}

fn components(ctx: &Ctx) -> BoxedStrategy<Yaml> {
    let names = ctx.components.clone();
    let schemas = prop::collection::vec(schema(ctx), names.len()..=names.len())
        .prop_map(move |schemas| Yaml::Map(names.iter().cloned().zip(schemas).collect()));
    let parameters = prop::collection::vec(
        (one_of_strs(&["P1", "P2", "p1"]), parameter(ctx, None, None)),
        0..3,
    )
    .prop_map(unique_map);
    (
        schemas,
        parameters,
        optional(0.5, request_body(ctx)),
        optional(0.5, response(ctx, true)),
        optional(0.5, header(ctx)),
    )
        .prop_map(|(schemas, parameters, body, response, header)| {
            let mut entries = vec![
                ("schemas".to_owned(), schemas),
                ("parameters".to_owned(), parameters),
            ];
            push_some(
                &mut entries,
                "requestBodies",
                body.map(|body| map(vec![("B1", body)])),
            );
            push_some(
                &mut entries,
                "responses",
                response.map(|response| map(vec![("R1", response)])),
            );
            push_some(
                &mut entries,
                "headers",
                header.map(|header| map(vec![("H1", header)])),
            );
            Yaml::Map(entries)
        })
        .boxed()
}

fn document(ctx: Ctx) -> BoxedStrategy<String> {
    let version = pick(vec![
        (10, Just(str("3.0.3")).boxed()),
        (1, Just(str("3.0.0")).boxed()),
        (
            ctx.wild(1),
            prop_oneof![
                Just(str("3.1.0")),
                Just(str("2.0")),
                Just(Yaml::Raw("3.0".to_owned())),
                Just(Yaml::Int(3)),
                Just(Yaml::Null),
            ]
            .boxed(),
        ),
    ]);
    let title = pick(vec![
        (3, one_of_strs(&["SecMaster", "Pets", "ü-Service 2", ""])),
        (1, text(&ctx)),
    ]);
    let server = (
        one_of_strs(&[
            "https://svc.{region}.example.com",
            "{region}",
            "https://example.com",
            "https://{region}.{zone}.example.com",
            "",
        ]),
        prop::collection::vec(text(&ctx), 0..3),
    )
        .prop_map(|(url, regions)| {
            let regions: Vec<Yaml> = regions.into_iter().map(str).collect();
            let default = regions.first().cloned().unwrap_or_else(|| str("r-1"));
            map(vec![
                ("url", str(url)),
                (
                    "variables",
                    map(vec![(
                        "region",
                        map(vec![("default", default), ("enum", Yaml::Seq(regions))]),
                    )]),
                ),
            ])
        });
    let wild = ctx.wild;
    (
        version,
        title,
        optional(0.5, server.boxed()),
        prop::collection::vec(path_item(&ctx), 0..4),
        optional(if wild { 0.9 } else { 1.0 }, components(&ctx)),
    )
        .prop_map(move |(version, title, server, paths, components)| {
            let mut entries = vec![
                ("openapi".to_owned(), version),
                (
                    "info".to_owned(),
                    map(vec![("title", str(title)), ("version", str("1"))]),
                ),
            ];
            push_some(
                &mut entries,
                "servers",
                server.map(|server| Yaml::Seq(vec![server])),
            );
            entries.push(("paths".to_owned(), unique_map(paths)));
            push_some(&mut entries, "components", components);
            let mut document = Yaml::Map(entries);
            if !wild {
                dedupe_operation_ids(&mut document);
            }
            render(&document)
        })
        .boxed()
}

pub(crate) fn random_spec() -> BoxedStrategy<String> {
    (
        any::<bool>(),
        prop::collection::vec(one_of_strs(COMPONENT_NAMES), 0..5),
    )
        .prop_flat_map(|(wild, mut components)| {
            let mut seen = Vec::new();
            components.retain(|name| {
                let fresh = !seen.contains(&name.to_lowercase());
                seen.push(name.to_lowercase());
                fresh
            });
            document(Ctx { wild, components })
        })
        .boxed()
}
