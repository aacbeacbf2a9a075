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

/// The generated crate's `Cargo.toml`.
pub fn cargo_toml(api: &Api, options: &Options, stamp: &str) -> String {
    let name = package_name(api, options);
    let description = toml_string(&format!(
        "Async Rust client for Huawei Cloud {}, generated from {}.",
        api.service.name, options.spec_name
    ));
    let runtime = match &options.runtime {
        RuntimeDependency::Path(path) => format!("{{ path = {} }}", toml_string(path)),
        RuntimeDependency::Version(version) => toml_string(version),
    };
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
    let workspace = if options.standalone {
        "\n# Not part of any enclosing workspace.\n[workspace]\n"
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
         publish = false\n\
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
         mock = [\"huaweicloud-sdk-core/mock\", \"serde\"]\n\
         ## serde both ways: every model implements both `Serialize` and `Deserialize` (to log\n\
         ## a response as JSON, or build a request body from JSON), and models, requests and\n\
         ## responses `PartialEq`. By default a model has only the serde direction the API\n\
         ## uses (what requests carry is serialised, what responses carry is deserialised)\n\
         ## and no `PartialEq`, which keeps a whole service quick to compile.\n\
         serde = []\n\
         {tag_features}\
         \n\
         [dependencies]\n\
         huaweicloud-sdk-core = {runtime}\n\
         \n\
         [dev-dependencies]\n\
         # The generated test calls every operation against the crate's own mock.\n\
         {name} = {{ path = \".\", features = [\"mock\"] }}\n\
         {workspace}",
        name = toml_string(&name),
        doctest = if options.doctests {
            "# The example on every operation compiles as a doctest.\n"
        } else {
            "# The example on every operation is not compiled: hundreds of doctests cost minutes.\ndoctest = false\n"
        },
        default_features = default_features.join(", "),
    )
}

/// The generated crate's `lib.rs`.
pub fn lib_rs(api: &Api, options: &Options, stamp: &str) -> String {
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
//! signatures, so the same code runs with no cloud account.

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
    Attempt, CallOptions, Credentials, Error, Interceptor, Items, Outcome, Page, Pages, Region,
    RetryPolicy, Secret, ServiceError, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT,
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
