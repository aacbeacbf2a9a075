//! The crate around the generated modules: `Cargo.toml` and `lib.rs`, written as text
//! (both are short and fixed in shape; `lib.rs` is kept rustfmt-clean so `cargo fmt` leaves
//! it alone, while the modules it declares are marked `#[rustfmt::skip]`).

use crate::ir::Api;
use crate::{Diagnostic, Options, RuntimeDependency};

/// Checks the package name the options give, if any: ASCII letters, digits, `-` and `_`,
/// starting with a letter.
pub fn check_name(options: &Options) -> Result<(), Diagnostic> {
    let Some(name) = &options.package_name else {
        return Ok(());
    };
    let valid = name.starts_with(|first: char| first.is_ascii_alphabetic())
        && name
            .chars()
            .all(|character| character.is_ascii_alphanumeric() || matches!(character, '-' | '_'));
    if valid {
        return Ok(());
    }
    Err(
        Diagnostic::new("", format!("`{name}` is not a valid package name"))
            .help("use ASCII letters, digits, `-` and `_`, starting with a letter"),
    )
}

/// The package name: the option, else `huaweicloud-<title in kebab case>`.
pub fn package_name(api: &Api, options: &Options) -> String {
    match &options.package_name {
        Some(name) => name.clone(),
        None => format!(
            "huaweicloud-{}",
            crate::names::package_part(&api.service.name)
        ),
    }
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for character in text.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            control if control.is_control() => {
                out.push_str(&format!("\\u{:04X}", u32::from(control)));
            }
            other => out.push(other),
        }
    }
    out.push('"');
    out
}

/// The name of the runtime crate, as generated manifests name it.
pub const RUNTIME_PACKAGE: &str = "huaweicloud-sdk-core";

/// The `license` of every generated crate: the runtime's and the official SDKs' license.
const LICENSE: &str = "Apache-2.0";

/// crates.io keywords: the fixed ones and the service's name when it is a valid keyword
/// (at most 20 ASCII letters, digits, `-` or `_`, starting with a letter; five at most).
fn keywords(api: &Api) -> Vec<String> {
    let mut keywords: Vec<String> = ["huaweicloud", "huawei-cloud", "sdk", "api"]
        .map(str::to_owned)
        .to_vec();
    let service = crate::names::package_part(&api.service.name);
    let valid = service.len() <= 20
        && service.starts_with(|first: char| first.is_ascii_alphabetic())
        && !keywords.contains(&service);
    if valid {
        keywords.push(service);
    }
    keywords
}

/// The runtime dependency's value in `[dependencies]`, and the comment that follows it.
fn runtime_dependency(options: &Options) -> (String, String) {
    match &options.runtime {
        RuntimeDependency::Path(path) => (format!("{{ path = {} }}", toml_string(path)), String::new()),
        RuntimeDependency::PathAndVersion { path, version } => (
            format!(
                "{{ version = {}, path = {} }}",
                toml_string(version),
                toml_string(path)
            ),
            "# The path serves builds in this checkout; `cargo package` keeps only the version.\n"
                .to_owned(),
        ),
        RuntimeDependency::Version(version) => (
            toml_string(version),
            format!(
                "# From crates.io. To build against a local checkout of the runtime instead (before a\n\
                 # release, or to try a change), put this in `.cargo/config.toml` in this folder (a\n\
                 # relative path there is relative to this folder; regenerating the crate leaves that\n\
                 # file alone), or pass it once as `--config 'patch.crates-io.{RUNTIME_PACKAGE}.path=\"...\"'`:\n\
                 #\n\
                 # [patch.crates-io]\n\
                 # {RUNTIME_PACKAGE} = {{ path = \"../huaweicloud-sdk-rust/runtime\" }}\n"
            ),
        ),
    }
}

/// The generated crate's `Cargo.toml`.
pub fn cargo_toml(api: &Api, options: &Options, stamp: &str) -> String {
    let name = package_name(api, options);
    let description = toml_string(&format!(
        "Async Rust client for Huawei Cloud {}, generated from {}.",
        api.service.name, options.spec_name
    ));
    let (runtime, runtime_comment) = runtime_dependency(options);
    // One feature per tag, all on by default.
    let default_features: Vec<String> = api
        .features
        .iter()
        .map(|feature| toml_string(feature))
        .collect();
    let mut tag_features = String::new();
    if !api.features.is_empty() {
        tag_features.push_str("## One feature per tag of the spec: turn off default features and pick the\n## operation groups you use to compile only them and the models they reach.\n");
        for feature in &api.features {
            tag_features.push_str(&format!("{feature} = []\n"));
        }
    }
    let keywords: Vec<String> = keywords(api)
        .iter()
        .map(|keyword| toml_string(keyword))
        .collect();
    // Only a crate that may be published has a page on docs.rs.
    let publishing = if options.publish {
        format!(
            "documentation = {}\n",
            toml_string(&format!("https://docs.rs/{name}"))
        )
    } else {
        "publish = false\n".to_owned()
    };
    let workspace = if options.standalone {
        "\n# Not part of any enclosing workspace. The `Cargo.lock` beside this file pins every\n\
         # dependency to the version this crate was generated and tested with.\n\
         [workspace]\n"
    } else {
        ""
    };
    format!(
        "# {stamp}\n\
         [package]\n\
         name = {name}\n\
         version = \"0.1.0\"\n\
         description = {description}\n\
         edition = \"2021\"\n\
         rust-version = \"1.85\"\n\
         license = \"{LICENSE}\"\n\
         readme = \"README.md\"\n\
         keywords = [{keywords}]\n\
         categories = [\"api-bindings\", \"web-programming::http-client\"]\n\
         {publishing}\
         \n\
         [lib]\n\
         # Generated code has no tests of its own; skipping the test harness halves its cost\n\
         # in `cargo test`.\n\
         test = false\n\
         {doctest}\
         \n\
         [features]\n\
         default = [{default_features}]\n\
         ## A local mock of the service that verifies signatures (`mock::start`).\n\
         mock = [\"{RUNTIME_PACKAGE}/mock\", \"serde\"]\n\
         ## serde both ways: every model implements both `Serialize` and `Deserialize` (to log\n\
         ## a response as JSON, or build a request body from JSON), and models, requests and\n\
         ## responses `PartialEq`. By default a model has only the serde direction the API\n\
         ## uses (what requests carry is serialised, what responses carry is deserialised)\n\
         ## and no `PartialEq`, which keeps a whole service quick to compile.\n\
         serde = []\n\
         {tag_features}\
         \n\
         [dependencies]\n\
         {RUNTIME_PACKAGE} = {runtime}\n\
         {runtime_comment}\
         \n\
         [dev-dependencies]\n\
         # The generated test calls every operation against the crate's own mock.\n\
         {name} = {{ path = \".\", features = [\"mock\"] }}\n\
         {workspace}",
        name = toml_string(&name),
        keywords = keywords.join(", "),
        doctest = if options.doctests {
            "# The example on every operation compiles as a doctest.\n"
        } else {
            "# The example on every operation is not compiled: hundreds of doctests cost minutes.\ndoctest = false\n"
        },
        default_features = default_features.join(", "),
    )
}

/// The generated crate's `README.md`: what it is, an example, its features, how it reaches
/// the runtime, and its license.
pub fn readme(api: &Api, options: &Options, stamp: &str) -> String {
    let title = crate::names::one_line(&api.service.name);
    let name = package_name(api, options);
    let crate_name = name.replace('-', "_");
    let spec_name = crate::names::one_line(&options.spec_name);
    // The doctest's hidden lines (`# async fn example() ... {`, `# Ok(())`, `# }`) are
    // shown, and the body between them indented, so the page shows a whole function.
    let mut example = String::new();
    for line in crate::emit::crate_example(api, &crate_name).lines() {
        let line = match line {
            "```no_run" => "```rust,no_run".to_owned(),
            "```" => line.to_owned(),
            "# }" => "}".to_owned(),
            hidden if hidden.starts_with("# async fn") => hidden[2..].to_owned(),
            "" => String::new(),
            body => format!("    {}", body.strip_prefix("# ").unwrap_or(body)),
        };
        example.push_str(&line);
        example.push('\n');
    }
    let tags = if api.features.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = api
            .features
            .iter()
            .map(|feature| format!("`{feature}`"))
            .collect();
        format!(
            "- One feature per tag of the spec, all on by default: {}. With\n  `default-features = false`, pick the operation groups you use to compile only them\n  and the models they reach.\n",
            list.join(", ")
        )
    };
    let runtime = match &options.runtime {
        RuntimeDependency::Version(version) => format!(
            "It depends on `{RUNTIME_PACKAGE} = \"{version}\"` from crates.io. To build against a\n\
             local checkout of the runtime instead (before a release, or to try a change), put\n\
             this in `.cargo/config.toml` in this folder (a relative path there is relative to this\n\
             folder, and regenerating the crate leaves that file alone):\n\
             \n\
             ```toml\n\
             [patch.crates-io]\n\
             {RUNTIME_PACKAGE} = {{ path = \"../huaweicloud-sdk-rust/runtime\" }}\n\
             ```\n\
             \n\
             or pass it once: `cargo build --config 'patch.crates-io.{RUNTIME_PACKAGE}.path=\"...\"'`.\n"
        ),
        RuntimeDependency::PathAndVersion { path, version } => format!(
            "It depends on `{RUNTIME_PACKAGE} = \"{version}\"`, the runtime it was generated for (in\n\
             its source checkout, by the path `{path}`).\n"
        ),
        RuntimeDependency::Path(path) => {
            format!("It depends on `{RUNTIME_PACKAGE}` at `{path}`.\n")
        }
    };
    let lock = if options.standalone {
        "\nThe `Cargo.lock` beside `Cargo.toml` pins every dependency to the version this crate was\n\
         generated and tested with, the runtime resolved from a path (a `[patch]` included), so\n\
         `cargo build --locked` holds to it. With the runtime from crates.io, the first build\n\
         without `--locked` records the runtime's source and keeps every other version.\n"
    } else {
        ""
    };
    format!(
        "<!-- {stamp} -->\n\
         # {name}\n\
         \n\
         An async Rust client for Huawei Cloud {title}, generated from `{spec_name}` (OpenAPI\n\
         3.0): one method on `Client` per operation, the spec's schemas in `models` and each\n\
         operation's request and response types in `operations`. Signing (AK/SK as the\n\
         official SDKs sign), transport, retries, credentials, regions and errors come from the\n\
         runtime crate, `{RUNTIME_PACKAGE}`, re-exported as `runtime`.\n\
         \n\
         ## Example\n\
         \n\
         {example}\
         \n\
         ## Features\n\
         \n\
         {tags}\
         - `mock`: `mock::start` serves every operation on loopback and checks signatures and\n  \
         requests against the spec, so the same code runs with no cloud account.\n\
         - `serde`: every model both serialises and deserialises, and models, requests and\n  \
         responses implement `PartialEq`.\n\
         \n\
         ## The runtime\n\
         \n\
         {runtime}\
         {lock}\
         \n\
         ## License\n\
         \n\
         {LICENSE}.\n"
    )
}

/// The generated crate's `lib.rs`.
pub fn lib_rs(api: &Api, options: &Options, stamp: &str, skipped: &[Diagnostic]) -> String {
    let title = crate::names::one_line(&api.service.name);
    let crate_name = package_name(api, options).replace('-', "_");
    let example: String = crate::emit::crate_example(api, &crate_name)
        .lines()
        .map(|line| {
            if line.is_empty() {
                "//!\n".to_owned()
            } else {
                format!("//! {line}\n")
            }
        })
        .collect();
    let example = example.trim_end();
    let spec_name = crate::names::one_line(&options.spec_name);
    let left_out = left_out_section(skipped);
    format!(
        r#"// {stamp}
//! An async client for Huawei Cloud {title}, generated from `{spec_name}`.
//!
//! [`Client`] has one method per operation; [`models`] holds the data types of the spec's
//! schemas and [`operations`] the request and response type of each operation. Signing,
//! transport, retries, credentials, regions and errors come from the runtime crate,
//! `huaweicloud-sdk-core`, re-exported as [`runtime`].
//!
//! `use {crate_name}::models::*;` and `use {crate_name}::operations::*;` go together: a
//! schema named like an operation's request or response type is the model `…Body`.
//!
//! # Example
//!
{example}
//!
//! With the feature `mock`, `mock::start` serves every operation on loopback and checks
//! signatures, so the same code runs with no cloud account.{left_out}

#![deny(missing_docs)]
// Documentation comes from the spec's text, which is not written for rustdoc.
#![allow(
    rustdoc::bare_urls,
    rustdoc::broken_intra_doc_links,
    rustdoc::invalid_html_tags
)]

#[rustfmt::skip]
mod client;
/// Data types of the API, one per schema of the spec.
#[rustfmt::skip]
pub mod models;
/// Request and response types of each operation.
#[rustfmt::skip]
pub mod operations;

#[cfg(feature = "mock")]
#[rustfmt::skip]
mod by_name;

pub use client::*;
pub use huaweicloud_sdk_core as runtime;
pub use huaweicloud_sdk_core::{{
    Attempt, CallOptions, Credentials, CredentialsProvider, Error, Interceptor, Items, Outcome,
    Page, Pages, Region, RetryPolicy, Secret, ServiceError, SigningAlgorithm,
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
}};

/// A local mock of {title} (feature `mock`): a loopback server that verifies AK/SK
/// signatures, serves every operation of the spec and checks requests against it.
#[cfg(feature = "mock")]
pub mod mock {{
    pub use huaweicloud_sdk_core::mock::{{
        MockAnswer, MockServer, RecordedRequest, DEFAULT_PAGE_LIMIT, DEFAULT_RECORD_LIMIT,
        MOCK_DOMAIN_ID, MOCK_PROJECT_ID,
    }};

    pub use crate::by_name::call_by_name;

    /// The service description the mock serves, written by the generator.
    pub const DESCRIPTION: &str = include_str!("mock.json");

    /// Starts a mock on a free loopback port that accepts requests signed with this AK/SK.
    pub async fn start(access_key: &str, secret_key: &str) -> std::io::Result<MockServer> {{
        MockServer::start(DESCRIPTION, access_key, secret_key).await
    }}

    /// Like [`start`], also accepting `X-Auth-Token: token`.
    pub async fn start_with_token(
        access_key: &str,
        secret_key: &str,
        token: &str,
    ) -> std::io::Result<MockServer> {{
        MockServer::start_with(DESCRIPTION, access_key, secret_key, Some(token)).await
    }}
}}
"#
    )
}

/// The root of the generated crate's test: the calls live in a module `cargo fmt` skips.
pub fn every_operation_main(stamp: &str) -> String {
    format!(
        r#"// {stamp}
//! Calls every operation of the spec through the generated client against the generated
//! mock, and decodes every answer.
#![cfg(feature = "mock")]

#[rustfmt::skip]
mod calls;
"#
    )
}

/// The crate docs' list of what `--skip-unsupported` left out, one problem a line, so that
/// a regeneration that leaves out more (or less) shows in the diff; empty when nothing was.
fn left_out_section(skipped: &[Diagnostic]) -> String {
    if skipped.is_empty() {
        return String::new();
    }
    let mut section = String::from(
        "\n//!\n//! # Left out\n//!\n//! Generated with `--skip-unsupported`: what the generator cannot express yet is left\n//! out, each at its place in the spec (the operation, or only its paging).\n//!\n",
    );
    for diagnostic in skipped {
        let place = crate::names::one_line(&diagnostic.path).replace('`', "'");
        let message = crate::names::one_line(&diagnostic.message);
        section.push_str(&format!("//! - `{place}`: {message}\n"));
    }
    section.trim_end().to_owned()
}
