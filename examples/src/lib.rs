//! Hand-written examples of the generated SecMaster client; run them with
//! `cargo run --example quickstart`. This library only compiles the README's examples as
//! doctests, so they cannot drift from the generated API.

#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
