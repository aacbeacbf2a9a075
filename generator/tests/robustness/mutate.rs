//! Mutations of the real spec: line edits (delete, duplicate, swap, replace, insert
//! YAML-ish text, replace a value) and byte edits (insert random bytes, truncate).

use proptest::prelude::*;
use proptest::sample::Index;

use crate::names::{COMPONENT_NAMES, TEXTS, WILD_NAMES};
use crate::random::{any_chars, one_of_strs};
use crate::yaml::quoted;

#[derive(Clone, Debug)]
pub(crate) enum Mutation {
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

pub(crate) fn mutation() -> impl Strategy<Value = Mutation> {
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

pub(crate) fn apply(base: &[u8], mutations: &[Mutation]) -> String {
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
