//! A YAML tree, built by the random-spec strategies, and its text: block style, keys plain
//! where YAML allows it, scalars double-quoted with everything outside YAML's printable set
//! escaped.

#[derive(Clone, Debug)]
pub(crate) enum Yaml {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    /// A plain scalar written as is (`3.0`, `~`, `yes`).
    Raw(String),
    Seq(Vec<Yaml>),
    Map(Vec<(String, Yaml)>),
}

pub(crate) fn str(text: impl Into<String>) -> Yaml {
    Yaml::Str(text.into())
}

pub(crate) fn map(entries: Vec<(&str, Yaml)>) -> Yaml {
    Yaml::Map(
        entries
            .into_iter()
            .map(|(key, value)| (key.to_owned(), value))
            .collect(),
    )
}

/// A mapping without repeated keys (the first wins): YAML refuses repeated keys, and the
/// mutation property already covers that.
pub(crate) fn unique_map(entries: Vec<(String, Yaml)>) -> Yaml {
    let mut seen = std::collections::HashSet::new();
    Yaml::Map(
        entries
            .into_iter()
            .filter(|(key, _)| seen.insert(key.clone()))
            .collect(),
    )
}

pub(crate) fn push_some(entries: &mut Vec<(String, Yaml)>, key: &str, value: Option<Yaml>) {
    if let Some(value) = value {
        entries.push((key.to_owned(), value));
    }
}

/// A double-quoted YAML scalar; everything outside YAML's printable set is escaped.
pub(crate) fn quoted(text: &str) -> String {
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

pub(crate) fn render(document: &Yaml) -> String {
    let mut out = String::new();
    write_block(&mut out, document, 0);
    out
}
