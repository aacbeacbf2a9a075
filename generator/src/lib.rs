//! Spec text in, Rust source text out.
//!
//! The pipeline is four visible stages: [`parse`] the YAML into an OpenAPI document, lower it
//! into the validated [`ir::Api`], emit token streams, and format them with prettyplease.
//! The output is a whole crate: `Cargo.toml`, `lib.rs`, `README.md`, the generated modules
//! and the mock's service description. The crate does no file or process I/O, so tests and
//! benchmarks call it directly.

mod cycles;
mod derives;
mod describe;
mod emit;
mod error;
mod features;
mod graph;
pub mod ir;
mod lower;
mod names;
mod package;

pub use error::{Diagnostic, Error, Kind};
pub use lower::IDEMPOTENT_EXTENSION;
pub use package::RUNTIME_PACKAGE;

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the crate folder, `/`-separated (`src/models.rs`).
    pub name: &'static str,
    /// The complete file text, `@generated` stamp included.
    pub contents: String,
}

/// How the generated crate depends on the runtime crate, `huaweicloud-sdk-core`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuntimeDependency {
    /// By path only, as written into `Cargo.toml` (a relative path is relative to the
    /// generated crate, as Cargo reads it).
    Path(String),
    /// By version requirement, from crates.io; `Cargo.toml` and `README.md` show how to
    /// point it at a local checkout of the runtime with `[patch.crates-io]`.
    Version(String),
    /// By a path for builds and a version requirement for publishing (`cargo package`
    /// keeps only the version): a crate inside a checkout that holds the runtime.
    PathAndVersion {
        /// Relative to the generated crate.
        path: String,
        /// A version requirement, such as `=0.1.0`.
        version: String,
    },
}

/// What the generated crate is called and how it reaches the runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// How the spec is named in the files' stamp and in error messages (usually its path
    /// relative to the workspace, such as `spec/secmaster.yaml`).
    pub spec_name: String,
    /// The package name; by default `huaweicloud-<info.title in kebab case>`.
    pub package_name: Option<String>,
    /// The runtime dependency; by default the path `../runtime`.
    pub runtime: RuntimeDependency,
    /// Whether the crate gets a `[workspace]` table of its own (a crate generated outside
    /// any workspace). Its `README.md` then names the `Cargo.lock` that the driver writes
    /// beside it (the generator itself writes no lock file).
    pub standalone: bool,
    /// Whether an operation the generator cannot express is left out (and listed) instead
    /// of failing the whole spec (`--skip-unsupported`); paging it cannot follow costs
    /// only the operation's `_pages` method.
    pub skip_unsupported: bool,
    /// Whether `cargo test` compiles the example on every operation as a doctest (each
    /// is a small binary: worth it for a sample, not for hundreds of operations).
    pub doctests: bool,
    /// Whether the crate may be published (else `publish = false`, as for test fixtures).
    pub publish: bool,
}

impl Options {
    /// The defaults for a spec of this name: the crate sits beside `runtime/` in a workspace.
    pub fn new(spec_name: impl Into<String>) -> Self {
        Options {
            spec_name: spec_name.into(),
            package_name: None,
            runtime: RuntimeDependency::Path("../runtime".to_owned()),
            standalone: false,
            skip_unsupported: false,
            doctests: false,
            publish: true,
        }
    }
}

/// Generates the files of a client crate for a spec: `Cargo.toml`, `src/lib.rs`,
/// `README.md`, the generated modules and the mock's service description.
pub fn generate(spec_yaml: &str, options: &Options) -> Result<Vec<GeneratedFile>, Error> {
    generate_report(spec_yaml, options).map(|generated| generated.files)
}

/// A generated crate, and what `Options::skip_unsupported` left out of it.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The crate's files.
    pub files: Vec<GeneratedFile>,
    /// Each problem that cost an operation (or its paging) instead of the whole spec, at
    /// the place in the spec it was found; empty unless `skip_unsupported` is on.
    pub skipped: Vec<Diagnostic>,
}

/// [`generate`], also saying what `Options::skip_unsupported` left out.
pub fn generate_report(spec_yaml: &str, options: &Options) -> Result<Generated, Error> {
    // The name goes into every file's stamp and every message: a line break in it (a file
    // name may hold one) must not start a line of its own there.
    let spec_name = &names::escape_controls(&options.spec_name);
    let fail = |diagnostics| Error {
        spec_name: spec_name.clone(),
        diagnostics,
    };
    package::check_name(options).map_err(|diagnostic| fail(vec![diagnostic]))?;
    let (spec, mut diagnostics) =
        parse_document(spec_yaml).map_err(|diagnostic| fail(vec![diagnostic]))?;
    let (api, skipped) = match lower::lower(&spec, options.skip_unsupported) {
        Ok(lowered) if diagnostics.is_empty() => lowered,
        Ok(_) => return Err(fail(diagnostics)),
        Err(more) => {
            diagnostics.extend(more);
            return Err(fail(diagnostics));
        }
    };
    // The document is not read again; its memory goes back for formatting to reuse.
    drop(spec);
    let stamp = format!("@generated by `cargo xtask codegen` from {spec_name}. Do not edit.");
    let rust_stamp = format!("// {stamp}\n");
    let crate_name = package::package_name(&api, options).replace('-', "_");
    let crate_ident = proc_macro2::Ident::new(&crate_name, proc_macro2::Span::call_site());
    let rust = |tokens| rust_stamp.clone() + &format_file(tokens);
    let client = rust(emit::client(&api));
    let models = rust(emit::models(&api));
    let operations = rust(emit::operations(&api, &crate_name));
    let calls = rust(emit::every_operation(&api, &crate_ident));
    let by_name = rust(emit::by_name(&api));
    let mock = describe::mock_description(&api, &stamp);
    let files = vec![
        GeneratedFile {
            name: "Cargo.toml",
            contents: package::cargo_toml(&api, options, &stamp),
        },
        GeneratedFile {
            name: "src/lib.rs",
            contents: package::lib_rs(&api, options, &stamp, &skipped),
        },
        GeneratedFile {
            name: "README.md",
            contents: package::readme(&api, options, &stamp),
        },
        GeneratedFile {
            name: "src/client.rs",
            contents: client,
        },
        GeneratedFile {
            name: "src/models.rs",
            contents: models,
        },
        GeneratedFile {
            name: "src/operations.rs",
            contents: operations,
        },
        GeneratedFile {
            name: "src/by_name.rs",
            contents: by_name,
        },
        GeneratedFile {
            name: "src/mock.json",
            contents: mock,
        },
        GeneratedFile {
            name: "tests/every_operation/main.rs",
            contents: package::every_operation_main(&stamp),
        },
        GeneratedFile {
            name: "tests/every_operation/calls.rs",
            contents: calls,
        },
    ];
    Ok(Generated { files, skipped })
}

/// The text of a spec file's bytes, or a located problem: a UTF-16 or UTF-32 file (by its
/// byte order mark, or the zero bytes of ASCII text in it), or bytes that are not UTF-8,
/// with the line and column of the first one. A UTF-8 byte order mark is dropped.
pub fn spec_text<'a>(bytes: &'a [u8], spec_name: &str) -> Result<&'a str, Error> {
    let fail = |diagnostic| Error {
        spec_name: names::escape_controls(spec_name),
        diagnostics: vec![diagnostic],
    };
    let save_as_utf8 = "save the spec as UTF-8 (without a byte order mark)";
    let wide = match bytes {
        [0, 0, 0xFE, 0xFF, ..] => Some("UTF-32 (big-endian, by its byte order mark)"),
        [0xFF, 0xFE, 0, 0, ..] => Some("UTF-32 (little-endian, by its byte order mark)"),
        [0xFE, 0xFF, ..] => Some("UTF-16 (big-endian, by its byte order mark)"),
        [0xFF, 0xFE, ..] => Some("UTF-16 (little-endian, by its byte order mark)"),
        [0, first, ..] if first.is_ascii() && *first != 0 => {
            Some("UTF-16 (big-endian: its first character has a zero byte before it)")
        }
        [first, 0, ..] if first.is_ascii() && *first != 0 => {
            Some("UTF-16 (little-endian: its first character has a zero byte after it)")
        }
        _ => None,
    };
    if let Some(encoding) = wide {
        let diagnostic = Diagnostic::new("", format!("the spec is encoded as {encoding}"))
            .help(save_as_utf8)
            .at(1, 1);
        return Err(fail(diagnostic));
    }
    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let bytes = &bytes[bom..];
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(error) => {
            let offset = error.valid_up_to();
            // The valid prefix is text; line and column count characters, as YAML's do.
            let before = std::str::from_utf8(&bytes[..offset]).unwrap_or_default();
            let line = before.matches('\n').count() + 1;
            let column = before
                .rsplit('\n')
                .next()
                .map_or(0, |last| last.chars().count())
                + 1;
            let diagnostic = Diagnostic::new(
                "",
                format!(
                    "the spec is not valid UTF-8: byte 0x{:02X} at byte offset {}",
                    bytes[offset],
                    bom + offset
                ),
            )
            .help(save_as_utf8)
            .at(line, column);
            Err(fail(diagnostic))
        }
    }
}

/// Parses spec text into an OpenAPI 3.0 document, checking the version first so that a
/// document of another kind gets a message about that rather than about a missing field.
pub fn parse(spec_yaml: &str) -> Result<openapiv3::OpenAPI, Diagnostic> {
    parse_document(spec_yaml).map(|(document, _)| document)
}

/// [`parse`], and the problems of the tree that typing it would hide: `openapiv3` drops a
/// `paths` key that neither starts with `/` nor is an extension, and its operations with it.
fn parse_document(spec_yaml: &str) -> Result<(openapiv3::OpenAPI, Vec<Diagnostic>), Diagnostic> {
    let located = |error: serde_yaml_ng::Error| {
        let mut message = error.to_string();
        // The YAML parser appends the position, which the diagnostic already carries.
        if let Some(location) = error.location() {
            let suffix = format!(" at line {} column {}", location.line(), location.column());
            if let Some(stripped) = message.strip_suffix(&suffix) {
                message = stripped.to_owned();
            }
        }
        let diagnostic = Diagnostic::new("", message)
            .help("make this place valid YAML that follows the OpenAPI 3.0.3 schema");
        match error.location() {
            Some(location) => diagnostic.at(location.line(), location.column()),
            None => diagnostic,
        }
    };
    if let Some((line, column)) = flow_too_deep(spec_yaml) {
        return Err(Diagnostic::new(
            "",
            format!("more than {MAX_FLOW_BRACKETS} `[` or `{{` are open here"),
        )
        .help(format!("the document may nest at most {MAX_YAML_DEPTH} levels; write nested collections in block style, or close the brackets"))
        .at(line, column));
    }
    let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(spec_yaml).map_err(located)?;
    let version = match &value {
        serde_yaml_ng::Value::Null => {
            return Err(Diagnostic::new("", "the spec is empty")
                .help("start from `openapi: 3.0.3`, `info`, `paths`"))
        }
        serde_yaml_ng::Value::Mapping(mapping) => mapping.get("openapi"),
        _ => {
            return Err(Diagnostic::new("", "the spec is not a YAML mapping")
                .help("an OpenAPI document is a mapping with `openapi`, `info` and `paths`"))
        }
    };
    match version {
        Some(serde_yaml_ng::Value::String(version)) if version.starts_with("3.0.") => {}
        Some(other) => {
            let shown = serde_yaml_ng::to_string(other).unwrap_or_default();
            return Err(Diagnostic::new(
                "openapi",
                format!("unsupported OpenAPI version `{}`", shown.trim()),
            )
            .help("the generator reads OpenAPI 3.0.x documents; write `openapi: 3.0.3`"));
        }
        None => {
            let hint = if matches!(&value, serde_yaml_ng::Value::Mapping(m) if m.contains_key("swagger"))
            {
                "this looks like Swagger 2.0; convert it to OpenAPI 3.0.3 first"
            } else {
                "add `openapi: 3.0.3` at the top"
            };
            return Err(Diagnostic::new(
                "openapi",
                "not an OpenAPI 3.0 document: the `openapi` field is missing",
            )
            .help(hint));
        }
    }
    if let Some(path) = too_deep(&value) {
        return Err(Diagnostic::new(
            path,
            format!("the document nests more than {MAX_YAML_DEPTH} levels deep here"),
        )
        .help("move nested schemas into `components.schemas` and refer to them with `$ref`"));
    }
    let stray = stray_path_keys(&value);
    // Typed from the tree already parsed; only a document that does not fit the schema is
    // parsed again, for the line and column of the problem.
    let document = serde_yaml_ng::from_value(value)
        .or_else(|_| serde_yaml_ng::from_str(spec_yaml).map_err(located))?;
    Ok((document, stray))
}

/// A problem for each key of `paths` that is neither a path (starting with `/`) nor an
/// extension (`x-`).
fn stray_path_keys(root: &serde_yaml_ng::Value) -> Vec<Diagnostic> {
    let Some(serde_yaml_ng::Value::Mapping(paths)) = root.get("paths") else {
        return Vec::new();
    };
    let mut diagnostics = Vec::new();
    for key in paths.keys() {
        let shown = match key {
            serde_yaml_ng::Value::String(key) if key.starts_with('/') || key.starts_with("x-") => {
                continue
            }
            serde_yaml_ng::Value::String(key) => key.clone(),
            other => serde_yaml_ng::to_string(other)
                .unwrap_or_default()
                .trim()
                .to_owned(),
        };
        let shown = names::escape_controls(&shown);
        diagnostics.push(
            Diagnostic::new(
                format!("paths.{shown}"),
                format!("path `{shown}` does not start with `/`, so its operations would be lost"),
            )
            .help(format!(
                "write the path from the server's root: `/{}`",
                shown.trim_start()
            )),
        );
    }
    diagnostics
}

/// How many flow brackets (`[`, `{`) may be open at once. The YAML scanner takes time
/// quadratic in the depth of flow nesting (100,000 levels: about 20 s), so the text is
/// refused before parsing past this depth, where parsing takes a fraction of a second. A
/// valid spec nests at most [`MAX_YAML_DEPTH`] levels; the bound is far above that so that
/// unmatched brackets in descriptions, which this count cannot tell apart, never matter.
pub const MAX_FLOW_BRACKETS: usize = 10_000;

/// The line and column (1-based, in characters) of the bracket that opens more than
/// [`MAX_FLOW_BRACKETS`] at once, counting every `[`/`{` up and every `]`/`}` down.
fn flow_too_deep(text: &str) -> Option<(usize, usize)> {
    let mut open = 0usize;
    let (mut line, mut column) = (1, 0);
    for character in text.chars() {
        column += 1;
        match character {
            '\n' => (line, column) = (line + 1, 0),
            '[' | '{' => {
                open += 1;
                if open > MAX_FLOW_BRACKETS {
                    return Some((line, column));
                }
            }
            ']' | '}' => open = open.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// How deep the YAML may nest. Typed deserialisation recurses once per level with large
/// frames; this bound keeps it far from the stack limit of a 2 MiB thread, while real specs
/// (which name their schemas) stay far below it.
pub const MAX_YAML_DEPTH: usize = 40;

/// The YAML path of a node nested deeper than [`MAX_YAML_DEPTH`], if any.
fn too_deep(root: &serde_yaml_ng::Value) -> Option<String> {
    fn children(value: &serde_yaml_ng::Value) -> Vec<(String, &serde_yaml_ng::Value)> {
        match value {
            serde_yaml_ng::Value::Mapping(mapping) => mapping
                .iter()
                .map(|(key, child)| {
                    let key = match key {
                        serde_yaml_ng::Value::String(key) => key.clone(),
                        other => serde_yaml_ng::to_string(other)
                            .unwrap_or_default()
                            .trim()
                            .to_owned(),
                    };
                    (key, child)
                })
                .collect(),
            serde_yaml_ng::Value::Sequence(items) => items
                .iter()
                .enumerate()
                .map(|(index, child)| (format!("[{index}]"), child))
                .collect(),
            serde_yaml_ng::Value::Tagged(tagged) => vec![(String::new(), &tagged.value)],
            _ => Vec::new(),
        }
    }
    // Iterative, so checking depth cannot overflow the stack either; the path is built only
    // for the branch that is too deep, and nothing is allocated per node on the way.
    let mut stack: Vec<(&serde_yaml_ng::Value, usize)> = vec![(root, 0)];
    let mut deepest = None;
    while let Some((value, depth)) = stack.pop() {
        if depth > MAX_YAML_DEPTH {
            deepest = Some(value);
            break;
        }
        match value {
            serde_yaml_ng::Value::Mapping(mapping) => {
                stack.extend(mapping.values().map(|child| (child, depth + 1)));
            }
            serde_yaml_ng::Value::Sequence(items) => {
                stack.extend(items.iter().map(|child| (child, depth + 1)));
            }
            serde_yaml_ng::Value::Tagged(tagged) => stack.push((&tagged.value, depth + 1)),
            _ => {}
        }
    }
    let target = deepest?;
    let mut path = Vec::new();
    let mut current = root;
    while !std::ptr::eq(current, target) {
        let (key, next) = children(current)
            .into_iter()
            .find(|(_, child)| contains(child, target, MAX_YAML_DEPTH + 1))?;
        path.push(key);
        current = next;
    }
    Some(path.join(".").replace(".[", "["))
}

/// Whether `target` lies within `limit` levels below `value` (bounded recursion).
fn contains(value: &serde_yaml_ng::Value, target: &serde_yaml_ng::Value, limit: usize) -> bool {
    if std::ptr::eq(value, target) {
        return true;
    }
    if limit == 0 {
        return false;
    }
    match value {
        serde_yaml_ng::Value::Mapping(mapping) => mapping
            .values()
            .any(|child| contains(child, target, limit - 1)),
        serde_yaml_ng::Value::Sequence(items) => {
            items.iter().any(|child| contains(child, target, limit - 1))
        }
        serde_yaml_ng::Value::Tagged(tagged) => contains(&tagged.value, target, limit - 1),
        _ => false,
    }
}

/// Formats emitted tokens. A parse failure here is a generator bug, not a spec problem.
fn format_file(tokens: proc_macro2::TokenStream) -> String {
    // Cloning a token stream shares its tokens; the copy is kept for the panic message.
    let file = match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => file,
        Err(error) => panic!("generator bug: emitted code does not parse ({error}):\n{tokens}"),
    };
    let text = prettyplease::unparse(&file);
    // prettyplease puts items back to back; a blank line after each top-level item's
    // closing line keeps the files readable.
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        if closes_item(line) && lines.peek().is_some_and(|next| !next.is_empty()) {
            out.push('\n');
        }
    }
    out
}

/// Whether a formatted line ends a top-level item, to be followed by a blank line.
fn closes_item(line: &str) -> bool {
    matches!(line, "}" | "};") || (line.starts_with("pub type ") && line.ends_with(';'))
}
