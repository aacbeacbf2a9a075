//! Rust names for spec names, chosen once during lowering.
//!
//! heck does the case conversion; this module first makes any spec string safe to convert
//! (non-ASCII characters and punctuation become word boundaries or `uXXXX` words), then
//! escapes keywords and names that would start with a digit. Emitters never call heck.

use heck::{ToKebabCase, ToPascalCase, ToSnakeCase};
use proc_macro2::{Ident, Span};

/// Keywords that cannot be raw identifiers (`r#self` is invalid) get a trailing underscore,
/// and so do `new` and `build`, which generated request types and builders define next to
/// the setters named after their fields.
const NON_RAW_KEYWORDS: &[&str] = &[
    "self", "Self", "super", "crate", "extern", "_", "new", "build",
];

/// Strict and reserved keywords of Rust 2021, which become raw identifiers.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop",
    "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "static",
    "struct", "trait", "true", "try", "type", "typeof", "union", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Replaces everything heck cannot turn into an identifier: ASCII letters and digits stay,
/// `:` is dropped (as the official SDKs drop it), other ASCII becomes a word boundary, and
/// non-ASCII characters become `uXXXX` words so
/// that distinct names stay distinct.
fn sanitize(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for character in raw.chars() {
        if character.is_ascii_alphanumeric() {
            out.push(character);
        } else if character == ':' {
            // Dropped, as the official SDKs name `binding:host_id` `bindinghost_id`.
        } else if character.is_ascii() {
            out.push('_');
        } else {
            out.push_str(&format!("_u{:04x}_", u32::from(character)));
        }
    }
    out
}

/// Makes a converted name a valid identifier: never empty, never starting with a digit.
fn ensure_start(name: String, prefix: &str) -> String {
    match name.chars().next() {
        None => prefix.to_owned(),
        Some(first) if first.is_ascii_digit() => format!("{prefix}{name}"),
        Some(_) => name,
    }
}

/// The `snake_case` form of a spec name, before keyword escaping.
pub fn snake(raw: &str) -> String {
    ensure_start(sanitize(raw).to_snake_case(), "n")
}

/// The `PascalCase` form of a spec name.
pub fn pascal(raw: &str) -> String {
    ensure_start(sanitize(raw).to_pascal_case(), "N")
}

/// The `kebab-case` form of a spec name (Cargo feature names): `AlertRules` → `alert-rules`.
pub fn kebab(raw: &str) -> String {
    ensure_start(sanitize(raw).to_kebab_case(), "n")
}

/// A spec name as part of a package name: lower-case ASCII letters and digits, other runs
/// of characters as one `-` (`SecMaster` → `secmaster`, `Cloud Eye` → `cloud-eye`).
pub fn package_part(raw: &str) -> String {
    let lower = sanitize(raw).to_ascii_lowercase();
    let parts: Vec<&str> = lower.split('_').filter(|part| !part.is_empty()).collect();
    if parts.is_empty() {
        "service".to_owned()
    } else {
        parts.join("-")
    }
}

/// A spec text as one line for a comment or doc line: control characters (line breaks
/// included) become spaces.
pub fn one_line(text: &str) -> String {
    text.chars()
        .map(|character| {
            if character.is_control() {
                ' '
            } else {
                character
            }
        })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// A spec text shown in a message or a stamp, on one line: control characters (line
/// breaks included) are written as Rust escapes (`\n`, `\u{1b}`), everything else as is.
pub fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        if character.is_control() {
            out.extend(character.escape_default());
        } else {
            out.push(character);
        }
    }
    out
}

/// An identifier for a snake-case name (field, method), keywords escaped.
pub fn snake_ident(snake: &str) -> Ident {
    ident(snake)
}

/// The setter that takes an `Option`, `set_<field>`, beside the setter named after the field
/// (`field` as shown, without `r#`). When another field's setter already has that name (a
/// spec with both `foo` and `set_foo`), it gets a trailing underscore: `set_foo_`. That name
/// is free, because only escaped keywords end in an underscore, and none starts with `set_`.
pub fn option_setter(field: &str, setters: &[String]) -> Ident {
    let name = format!("set_{field}");
    if setters.contains(&name) {
        Ident::new(&format!("{name}_"), Span::call_site())
    } else {
        Ident::new(&name, Span::call_site())
    }
}

/// An identifier for a Pascal-case name (type, variant), keywords escaped.
pub fn pascal_ident(pascal: &str) -> Ident {
    ident(pascal)
}

fn ident(name: &str) -> Ident {
    if NON_RAW_KEYWORDS.contains(&name) {
        Ident::new(&format!("{name}_"), Span::call_site())
    } else if KEYWORDS.contains(&name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_names() {
        let cases = [
            ("command_type", "command_type"),
            ("projectId", "project_id"),
            ("X-request-id", "x_request_id"),
            ("2fa", "n2fa"),
            ("", "n"),
            ("größe", "gr_u00f6_u00df_e"),
            ("a.b/c", "a_b_c"),
        ];
        for (raw, expected) in cases {
            assert_eq!(snake(raw), expected, "snake({raw:?})");
        }
    }

    #[test]
    fn pascal_names() {
        let cases = [
            ("ActionInstanceRunCommand", "ActionInstanceRunCommand"),
            ("RUNNING", "Running"),
            ("workflow", "Workflow"),
            ("dataclass_info_ref", "DataclassInfoRef"),
            ("3d", "N3d"),
            ("中文", "U4e2dU6587"),
        ];
        for (raw, expected) in cases {
            assert_eq!(pascal(raw), expected, "pascal({raw:?})");
        }
    }

    #[test]
    fn option_setters() {
        let setters = ["foo".to_owned(), "set_foo".to_owned(), "new_".to_owned()];
        let cases = [
            ("foo", "set_foo_"),
            ("set_foo", "set_set_foo"),
            ("new_", "set_new_"),
            ("type", "set_type"),
        ];
        for (field, expected) in cases {
            assert_eq!(
                option_setter(field, &setters).to_string(),
                expected,
                "option_setter({field:?})"
            );
        }
    }

    #[test]
    fn keywords_are_escaped() {
        let cases = [
            ("type", "r#type"),
            ("self", "self_"),
            ("Self", "Self_"),
            ("crate", "crate_"),
            ("match", "r#match"),
            ("new", "new_"),
            ("build", "build_"),
            ("name", "name"),
        ];
        for (name, expected) in cases {
            assert_eq!(snake_ident(name).to_string(), expected, "ident({name:?})");
        }
    }
}
