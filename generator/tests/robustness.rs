//! Robustness properties of the generator, on inputs nobody wrote by hand:
//!
//! - `random_specs`: structurally plausible OpenAPI documents assembled by a proptest
//!   strategy (paths with `{placeholders}`, operations, parameters, bodies, responses,
//!   headers, component schemas nesting objects, arrays, maps, enums, `allOf`, `oneOf` and
//!   `$ref`s that may dangle or form cycles, names that are keywords, digits, unicode or
//!   collide). Half the cases are "tame" (only what the generator supports, so many are
//!   accepted and their output is checked), half are "wild" (anything goes).
//! - `mutated_specs`: the real spec, `spec/secmaster.yaml`, with random line edits (delete,
//!   duplicate, swap, replace, insert YAML-ish text) and byte edits (insert random bytes,
//!   truncate). Each case generates the whole service, so it runs fewer cases.
//!
//! For every input, `generator::generate` must return (no panic, no hang) and every file of
//! an `Ok` must parse with `syn::parse_file`. A failure prints the shrunk input in full. Each
//! property also asserts a minimum share of accepted inputs, so that a change which makes the
//! generator refuse (nearly) everything cannot pass by checking nothing.
//!
//! Cases per property: 256 (32 for `mutated_specs`), or `PROPTEST_CASES`. The seed is random per run, except under
//! `CI` (set by `.ci/run`), where it is fixed so that CI runs are reproducible. Failures are
//! not persisted to files: once the bug is fixed, keep the reported input as a fixture in
//! `generator/tests/fixtures/{ok,bad}/` with its snapshot.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::strategy::Union;
use proptest::test_runner::{Config, TestCaseError, TestRng, TestRunner};

/// Cases per property unless `PROPTEST_CASES` says otherwise.
const DEFAULT_CASES: u32 = 256;
/// Cases of `mutated_specs`: each accepted one generates and parses the whole service.
const MUTATED_CASES: u32 = 32;
/// The least share of accepted inputs each property needs (see the module docs). Random
/// specs: 33-39% were accepted over several runs, the fixed CI seed's included. Mutated
/// specs: most mutations of a 30,000-line spec break a reference or the YAML, and 1 to 7 of
/// 32 were accepted, so the bar is at least one.
const RANDOM_MIN_ACCEPTED: f64 = 0.25;
const MUTATED_MIN_ACCEPTED: f64 = 1.0 / MUTATED_CASES as f64;

/// A call that takes longer than this is reported as a hang.
const HANG: Duration = Duration::from_secs(20);

// ----- running one input -----

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(message) => *message,
        Err(payload) => match payload.downcast::<&str>() {
            Ok(message) => (*message).to_owned(),
            Err(_) => "(a panic payload that is not a string)".to_owned(),
        },
    }
}

/// Runs the generator on one input; `Ok(true)` when it accepted the input and every output
/// file parses, `Ok(false)` when it refused the input with an error.
fn check(input: &str) -> Result<bool, TestCaseError> {
    let owned = input.to_owned();
    let (sender, receiver) = mpsc::channel();
    std::thread::Builder::new()
        .name("generate".to_owned())
        .spawn(move || {
            let result = catch_unwind(AssertUnwindSafe(|| {
                generator::generate(&owned, &generator::Options::new("robustness.yaml"))
            }));
            let _ = sender.send(result.map_err(panic_message));
        })
        .expect("spawning the generator thread");
    let outcome = match receiver.recv_timeout(HANG) {
        Ok(outcome) => outcome,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            // Shrinking a hang would pile up spinning threads: report this input and stop.
            eprintln!(
                "generate did not return within {HANG:?} on this input:\n--- input ---\n{input}\n--- end ---"
            );
            std::process::exit(1);
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(
            "the generator thread died without a result (not a panic: a stack overflow aborts)"
                .to_owned(),
        ),
    };
    match outcome {
        Err(message) => Err(TestCaseError::fail(format!(
            "generate panicked: {message}\n--- input ---\n{input}\n--- end ---"
        ))),
        Ok(Err(_)) => Ok(false),
        Ok(Ok(files)) => {
            for file in files.iter().filter(|file| file.name.ends_with(".rs")) {
                if let Err(error) = syn::parse_file(&file.contents) {
                    return Err(TestCaseError::fail(format!(
                        "generated {} does not parse: {error}\n--- input ---\n{input}\n--- output ---\n{}\n--- end ---",
                        file.name,
                        file.contents,
                    )));
                }
            }
            Ok(true)
        }
    }
}

fn runner(default_cases: u32) -> TestRunner {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(default_cases);
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 2048,
        ..Config::default()
    };
    if std::env::var_os("CI").is_some() {
        let rng = TestRng::deterministic_rng(config.rng_algorithm);
        TestRunner::new_with_rng(config, rng)
    } else {
        TestRunner::new(config)
    }
}

/// Runs a property over `cases` spec texts (unless `PROPTEST_CASES` says otherwise) and
/// fails when fewer than `min_accepted` of them (a share, 0 to 1) were accepted.
fn run_property(
    label: &str,
    cases: u32,
    min_accepted: f64,
    strategy: impl Strategy<Value = String>,
) {
    let mut runner = runner(cases);
    let cases = AtomicUsize::new(0);
    let accepted = AtomicUsize::new(0);
    let started = std::time::Instant::now();
    let result = runner.run(&strategy, |input| {
        cases.fetch_add(1, Ordering::Relaxed);
        if check(&input)? {
            accepted.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    });
    eprintln!(
        "{label}: {} inputs run (shrinking included), {} accepted, in {:.1?}",
        cases.load(Ordering::Relaxed),
        accepted.load(Ordering::Relaxed),
        started.elapsed()
    );
    if let Err(error) = result {
        panic!("{label}: {error}");
    }
    let share = accepted.load(Ordering::Relaxed) as f64 / cases.load(Ordering::Relaxed) as f64;
    assert!(
        share >= min_accepted,
        "{label}: only {:.0}% of the inputs were accepted, below the {:.0}% this property needs \
         to test generation rather than refusal",
        share * 100.0,
        min_accepted * 100.0
    );
}

// ----- a YAML tree and its text -----

#[derive(Clone, Debug)]
enum Yaml {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    /// A plain scalar written as is (`3.0`, `~`, `yes`).
    Raw(String),
    Seq(Vec<Yaml>),
    Map(Vec<(String, Yaml)>),
}

fn str(text: impl Into<String>) -> Yaml {
    Yaml::Str(text.into())
}

fn map(entries: Vec<(&str, Yaml)>) -> Yaml {
    Yaml::Map(
        entries
            .into_iter()
            .map(|(key, value)| (key.to_owned(), value))
            .collect(),
    )
}

/// A mapping without repeated keys (the first wins): YAML refuses repeated keys, and the
/// mutation property already covers that.
fn unique_map(entries: Vec<(String, Yaml)>) -> Yaml {
    let mut seen = std::collections::HashSet::new();
    Yaml::Map(
        entries
            .into_iter()
            .filter(|(key, _)| seen.insert(key.clone()))
            .collect(),
    )
}

fn push_some(entries: &mut Vec<(String, Yaml)>, key: &str, value: Option<Yaml>) {
    if let Some(value) = value {
        entries.push((key.to_owned(), value));
    }
}

/// A double-quoted YAML scalar; everything outside YAML's printable set is escaped.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for character in text.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fefe}' => {
                out.push(character)
            }
            '\u{ff00}'..='\u{fffd}' | '\u{10000}'.. => out.push(character),
            other if u32::from(other) <= 0xffff => {
                out.push_str(&format!("\\u{:04x}", u32::from(other)))
            }
            other => out.push_str(&format!("\\U{:08x}", u32::from(other))),
        }
    }
    out.push('"');
    out
}

fn key_text(key: &str) -> String {
    let plain = key
        .chars()
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '/')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '/' | '.'))
        && !matches!(
            key,
            "true" | "false" | "null" | "y" | "n" | "yes" | "no" | "on" | "off"
        );
    if plain {
        key.to_owned()
    } else {
        quoted(key)
    }
}

/// The one-line form of a scalar or empty collection, or `None` for a block.
fn inline(value: &Yaml) -> Option<String> {
    Some(match value {
        Yaml::Null => "null".to_owned(),
        Yaml::Bool(value) => value.to_string(),
        Yaml::Int(value) => value.to_string(),
        Yaml::Str(text) => quoted(text),
        Yaml::Raw(text) => text.clone(),
        Yaml::Seq(items) if items.is_empty() => "[]".to_owned(),
        Yaml::Map(entries) if entries.is_empty() => "{}".to_owned(),
        Yaml::Seq(_) | Yaml::Map(_) => return None,
    })
}

/// Writes a value that follows `prefix` (a key and colon, or a `-`) on the current line.
fn write_value(out: &mut String, value: &Yaml, indent: usize) {
    if let Some(text) = inline(value) {
        out.push(' ');
        out.push_str(&text);
        out.push('\n');
        return;
    }
    out.push('\n');
    write_block(out, value, indent);
}

fn write_block(out: &mut String, value: &Yaml, indent: usize) {
    let pad = " ".repeat(indent);
    match value {
        Yaml::Map(entries) => {
            for (key, value) in entries {
                out.push_str(&pad);
                out.push_str(&key_text(key));
                out.push(':');
                write_value(out, value, indent + 2);
            }
        }
        Yaml::Seq(items) => {
            for item in items {
                out.push_str(&pad);
                out.push('-');
                write_value(out, item, indent + 2);
            }
        }
        scalar => {
            out.push_str(&pad);
            out.push_str(&inline(scalar).unwrap_or_default());
            out.push('\n');
        }
    }
}

fn render(document: &Yaml) -> String {
    let mut out = String::new();
    write_block(&mut out, document, 0);
    out
}

// ----- strategy helpers -----

/// A weighted choice that leaves out the options of weight 0.
fn pick<T: std::fmt::Debug + 'static>(options: Vec<(u32, BoxedStrategy<T>)>) -> BoxedStrategy<T> {
    let options: Vec<_> = options
        .into_iter()
        .filter(|(weight, _)| *weight > 0)
        .collect();
    Union::new_weighted(options).boxed()
}

fn one_of_strs(pool: &'static [&'static str]) -> BoxedStrategy<String> {
    prop::sample::select(pool).prop_map(str::to_owned).boxed()
}

/// Where a strategy is used: `wild` allows everything, otherwise only what the generator
/// supports; `components` are the component schema names the document defines.
#[derive(Clone, Debug)]
struct Ctx {
    wild: bool,
    components: Vec<String>,
}

impl Ctx {
    /// `weight` in wild documents, 0 in tame ones.
    fn wild(&self, weight: u32) -> u32 {
        if self.wild {
            weight
        } else {
            0
        }
    }

    /// A name from `pool`, or in wild documents sometimes any string at all.
    fn name(&self, pool: &'static [&'static str]) -> BoxedStrategy<String> {
        pick(vec![
            (12, one_of_strs(pool)),
            (self.wild(3), one_of_strs(WILD_NAMES)),
            (self.wild(1), "[a-zA-Z_][a-zA-Z0-9_]{0,8}".boxed()),
            (self.wild(1), "\\PC{0,6}".boxed()),
            (self.wild(1), any_chars(6)),
        ])
    }
}

fn any_chars(max: usize) -> BoxedStrategy<String> {
    prop::collection::vec(any::<char>(), 0..=max)
        .prop_map(String::from_iter)
        .boxed()
}

/// Names that are keywords, start with digits, are not ASCII, hold punctuation, are empty,
/// or collide with one another or with the generated code's own names.
const WILD_NAMES: &[&str] = &[
    "id",
    "Id",
    "ID",
    "name",
    "type",
    "Type",
    "type_",
    "self",
    "Self",
    "self_",
    "SELF",
    "match",
    "crate",
    "super",
    "extern",
    "_",
    "__",
    "async",
    "await",
    "gen",
    "dyn",
    "try",
    "union",
    "macro_rules",
    "r#type",
    "r#",
    "body",
    "status",
    "value",
    "call",
    "request",
    "response",
    "project_id",
    "projectId",
    "project-id",
    "Unknown",
    "Empty",
    "UnknownValue",
    "",
    " ",
    "1",
    "2fa",
    "123",
    "größe",
    "GRÖSSE",
    "中文",
    "😀",
    "a\u{301}",
    "a b",
    "a.b",
    "x-request-id",
    "X-Request-ID",
    "Content-Type",
    "Accept",
    "foo",
    "Foo",
    "FOO",
    "foo_bar",
    "fooBar",
    "foo-bar",
    "null",
    "true",
    "Request",
    "Response",
    "Client",
    "Option",
    "String",
    "Vec",
    "Box",
    "Result",
    "Error",
    "Default",
    "default",
    "$ref",
    "{x}",
    "a/b",
    "-",
    "new",
    "send",
    "SERVICE",
    "Service",
    "Call",
    "crate::x",
    "a\"b",
    "a'b",
    "a\\b",
    "\t",
    "#",
    "//",
    "/*",
];

const PROPERTY_NAMES: &[&str] = &[
    "id",
    "type",
    "self",
    "größe",
    "中文",
    "1st",
    "value",
    "created-at",
    "Match",
    "status",
    "body",
    "ref",
    "x.y.z",
    "_",
    "Self_",
    "async",
];

const PARAM_NAMES: &[&str] = &[
    "id",
    "project_id",
    "workspace_id",
    "type",
    "self",
    "größe",
    "中文",
    "2fa",
    "x-limit",
    "value",
    "request",
    "response",
    "Match",
    "gen",
];

const OPERATION_NAMES: &[&str] = &[
    "listPets",
    "CreateWorkflowInstance",
    "type",
    "self",
    "größe",
    "中文",
    "1st",
    "delete",
    "match",
    "Get-Thing",
    "a.b.c",
    "Unknown",
    "new",
    "x",
    "ÜberThing",
    "_private",
];

const COMPONENT_NAMES: &[&str] = &[
    "Pet", "Node", "Tree", "Self", "Error", "Empty", "type", "1st", "Größe", "中文", "Value",
    "Client", "Option", "String", "Result", "Vec", "Box", "Unknown",
];

const ENUM_VALUES: &[&str] = &[
    "active",
    "PENDING",
    "self",
    "type",
    "中文",
    "",
    "1st",
    "Unknown",
    "snake_case",
    "x.y",
    "UnknownValue",
    "Self",
    "a\"b",
    "\\",
    "über",
];

const HEADER_NAMES: &[&str] = &[
    "X-Request-Id",
    "etag",
    "type",
    "self",
    "größe",
    "Retry-After",
    "x-1",
];

/// Free text for descriptions, summaries and titles: line breaks of every kind, comment
/// markers, quotes, backslashes, control characters.
const TEXTS: &[&str] = &[
    "Plain text.",
    "line one\nline two",
    "carriage\rreturn",
    "windows\r\nline",
    "trailing cr\r",
    "*/ closes a comment",
    "/* opens a comment",
    "/ starts with a slash",
    "// two slashes",
    "/// three slashes",
    "//! inner",
    "\"quoted\" and \\ backslash",
    "`code` and [link](x)",
    "nul\u{0}byte",
    "tab\there",
    "   ",
    "",
    "\n\n\n",
    "#[doc = \"x\"]",
    "line\u{2028}separator",
    "para\u{2029}separator",
    "\u{feff}bom",
    "\u{85}next line",
    "}{)(][",
    "r#\"raw\"#",
    "ends with backslash \\",
    "\u{1b}[31mred",
    "\u{7f}del",
];

fn text(ctx: &Ctx) -> BoxedStrategy<String> {
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

fn optional<T: std::fmt::Debug + Clone + 'static>(
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

// ----- schemas -----

fn schema_ref(ctx: &Ctx) -> BoxedStrategy<Yaml> {
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

fn enum_values(ctx: &Ctx) -> BoxedStrategy<Yaml> {
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
fn scalar_schema(_ctx: &Ctx) -> BoxedStrategy<Yaml> {
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

fn schema(ctx: &Ctx) -> BoxedStrategy<Yaml> {
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

// ----- operations -----

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
fn parameter(
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

fn request_body(ctx: &Ctx) -> BoxedStrategy<Yaml> {
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

fn header(ctx: &Ctx) -> BoxedStrategy<Yaml> {
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

fn response(ctx: &Ctx, success: bool) -> BoxedStrategy<Yaml> {
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

fn path_item(ctx: &Ctx) -> BoxedStrategy<(String, Yaml)> {
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

fn random_spec() -> BoxedStrategy<String> {
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

#[test]
fn random_specs() {
    run_property("random specs", DEFAULT_CASES, RANDOM_MIN_ACCEPTED, random_spec());
}

// ----- mutations of the real spec -----

#[derive(Clone, Debug)]
enum Mutation {
    DeleteLine(Index),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    ReplaceLine(Index, String),
    /// Replaces what follows `key: ` on a line with a quoted text, keeping the YAML valid.
    ReplaceValue(Index, String),
    InsertLine(Index, String),
    InsertBytes(Index, Vec<u8>),
    Truncate(Index),
}

/// Lines that mean something to YAML or to OpenAPI, to insert or to replace others with.
const SNIPPETS: &[&str] = &[
    "",
    "  ",
    "\t",
    "- ",
    ":",
    "  - x",
    "{",
    "[",
    "}",
    "&anchor",
    "*anchor",
    "a: &a [*a]",
    "<<: *anchor",
    "!!binary aGVsbG8=",
    "! tag",
    "---",
    "...",
    "%YAML 1.2",
    "? complex",
    "|",
    ">-",
    "  $ref: \"#/components/schemas/CreateWorkflowInstanceRequestBody\"",
    "  $ref: \"#/components/schemas/Missing\"",
    "$ref: '#/components/schemas/'",
    "      type: object",
    "      type: integer",
    "      enum: [a, A, 1, null]",
    "      allOf: []",
    "      oneOf: [{}]",
    "      nullable: true",
    "      required: [ghost]",
    "      additionalProperties: true",
    "      description: \"a\\rb\"",
    "    operationId: type",
    "      operationId: self",
    "      x-idempotent: maybe",
    "        - name: body",
    "          in: cookie",
    "          in: path",
    "  /v1/{x}/{x}:",
    "  /v1/{:",
    "openapi: 3.1.0",
    "        \"200\":",
    "        \"2XX\":",
    "        default:",
    "    get: {}",
];

/// Values to put after a key: names and free text of every kind.
fn value_text() -> BoxedStrategy<String> {
    prop_oneof![
        2 => one_of_strs(WILD_NAMES),
        2 => one_of_strs(TEXTS),
        1 => one_of_strs(COMPONENT_NAMES).prop_map(|name| format!("#/components/schemas/{name}")),
        1 => "\\PC{0,12}",
        1 => any_chars(6),
    ]
    .boxed()
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let line = prop_oneof![
        4 => one_of_strs(SNIPPETS),
        1 => "\\PC{0,16}",
        1 => any_chars(8),
    ];
    prop_oneof![
        3 => any::<Index>().prop_map(Mutation::DeleteLine),
        2 => any::<Index>().prop_map(Mutation::DuplicateLine),
        2 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        2 => (any::<Index>(), line.clone()).prop_map(|(at, text)| Mutation::ReplaceLine(at, text)),
        2 => (any::<Index>(), line).prop_map(|(at, text)| Mutation::InsertLine(at, text)),
        4 => (any::<Index>(), value_text()).prop_map(|(at, text)| Mutation::ReplaceValue(at, text)),
        2 => (any::<Index>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(at, bytes)| Mutation::InsertBytes(at, bytes)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
    ]
}

fn apply(base: &[u8], mutations: &[Mutation]) -> String {
    let mut bytes = base.to_vec();
    for mutation in mutations {
        let mut lines: Vec<Vec<u8>> = bytes
            .split_inclusive(|byte| *byte == b'\n')
            .map(<[u8]>::to_vec)
            .collect();
        if lines.is_empty() {
            lines.push(Vec::new());
        }
        let count = lines.len();
        match mutation {
            Mutation::DeleteLine(at) => {
                lines.remove(at.index(count));
            }
            Mutation::DuplicateLine(at) => {
                let at = at.index(count);
                lines.insert(at, lines[at].clone());
            }
            Mutation::SwapLines(a, b) => lines.swap(a.index(count), b.index(count)),
            Mutation::ReplaceLine(at, text) => {
                lines[at.index(count)] = format!("{text}\n").into_bytes()
            }
            Mutation::ReplaceValue(at, text) => {
                let line = &mut lines[at.index(count)];
                if let Some(colon) = line.windows(2).position(|pair| pair == b": ") {
                    line.truncate(colon + 2);
                    line.extend_from_slice(quoted(text).as_bytes());
                    line.push(b'\n');
                }
            }
            Mutation::InsertLine(at, text) => {
                lines.insert(at.index(count + 1), format!("{text}\n").into_bytes())
            }
            Mutation::InsertBytes(at, inserted) => {
                let at = at.index(bytes.len() + 1);
                bytes.splice(at..at, inserted.iter().copied());
                continue;
            }
            Mutation::Truncate(at) => {
                bytes.truncate(at.index(bytes.len() + 1));
                continue;
            }
        }
        bytes = lines.concat();
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn mutated_specs() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/secmaster.yaml");
    let base = std::fs::read(path).unwrap_or_else(|error| panic!("reading {path}: {error}"));
    // The unmutated spec must be accepted, or the mutations test nothing but the parser.
    assert!(
        check(&String::from_utf8_lossy(&base)).expect("the seed spec generates cleanly"),
        "the seed spec is refused"
    );
    let strategy =
        prop::collection::vec(mutation(), 1..4).prop_map(move |mutations| apply(&base, &mutations));
    run_property("mutated specs", MUTATED_CASES, MUTATED_MIN_ACCEPTED, strategy);
}
