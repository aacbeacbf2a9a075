//! Hand-written examples of the generated SecMaster client; run them with
//! `cargo run --example quickstart`. This library only compiles the README's examples as
//! doctests, so they cannot drift from the generated API.

#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

/// An enum-typed setter takes the enum, never text, so a misspelled value does not compile:
///
/// ```compile_fail
/// use huaweicloud_secmaster::models::OperationPlaybookInfo;
/// let _ = OperationPlaybookInfo::builder().operation("RETYR");
/// ```
///
/// while the enum, or a value the spec does not list spelled out with `from`, does:
///
/// ```
/// use huaweicloud_secmaster::models::{OperationPlaybookInfo, OperationPlaybookInfoOperation};
/// let listed = OperationPlaybookInfo::builder().operation(OperationPlaybookInfoOperation::Retry);
/// let unlisted =
///     OperationPlaybookInfo::builder().operation(OperationPlaybookInfoOperation::from("PAUSE"));
/// assert!(listed.build().is_ok() && unlisted.build().is_ok());
/// ```
#[cfg(doctest)]
struct EnumSettersTakeTheEnum;
