//! Path, query and header parameters of an operation.

use std::collections::HashMap;

use openapiv3 as oa;

use super::{describe_type, Lowerer};
use crate::error::Diagnostic;
use crate::ir::*;
use crate::names;

/// Placeholders of a path template, or the problem with its braces.
pub(super) fn placeholders(template: &str) -> Result<Vec<&str>, String> {
    let mut found = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err(format!("unbalanced `}}` in path `{template}`"));
        }
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err(format!("unclosed `{{` in path `{template}`"));
        };
        let name = &after[..close];
        if name.is_empty() || name.contains('{') {
            return Err(format!("malformed placeholder in path `{template}`"));
        }
        found.push(name);
        rest = &after[close + 1..];
    }
    Ok(found)
}

/// Headers the client or its transport sets on every call; a header parameter may not
/// send them a second time (two `Host` or `X-Sdk-Date` headers break the signature, a
/// `Content-Length` on a call without a body makes the server wait for one). Lower-case.
/// The runtime refuses the same names (`SET_BY_CLIENT` in `runtime/src/headers.rs`), and
/// `x-security-token`, which a spec's header parameter drops instead (`DROPPED_HEADERS`); its
/// per-call options refuse `content-type` too, which a spec's header parameter cannot
/// send: OpenAPI says to ignore it, and the generator does.
pub(super) const RESERVED_HEADERS: [&str; 10] = [
    "authorization",
    "host",
    "x-sdk-date",
    "x-auth-token",
    "x-project-id",
    "x-domain-id",
    "x-sdk-content-sha256",
    "content-length",
    "transfer-encoding",
    "user-agent",
];

/// Whether `name` is a header name HTTP allows: one or more token characters (RFC 9110).
fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte))
}

/// Header parameters left out of the call without a word, lower-case: OpenAPI says to
/// ignore `Content-Type` and `Accept` (the body's media type sets the first, with a body or
/// without one); and the client sends the security token of temporary credentials itself,
/// as the official SDK's signer does (HSS declares `X-Security-Token` on most operations).
const DROPPED_HEADERS: [&str; 3] = ["content-type", "accept", "x-security-token"];

/// What is wrong with a header parameter's name, if anything: a header the client sets
/// itself, or a name that is not a valid HTTP header name.
fn header_name_problem(name: &str, param_path: &str) -> Option<Diagnostic> {
    let lower = name.to_ascii_lowercase();
    if RESERVED_HEADERS.contains(&lower.as_str()) {
        return Some(
            Diagnostic::new(
                param_path,
                format!("header parameter `{name}` names a header the client sets itself"),
            )
            .help("remove this parameter: sent as well, it would make two headers (authentication belongs in `components.securitySchemes`)")
            .unsupported(),
        );
    }
    if !is_header_name(name) {
        let message = if name.is_empty() {
            "a header parameter's name is empty".to_owned()
        } else {
            format!(
                "`{}` is not a valid HTTP header name",
                names::escape_controls(name)
            )
        };
        return Some(
            Diagnostic::new(param_path, message)
            .help("name the header with ASCII letters, digits and `-` (HTTP allows a few other symbols, never spaces, line breaks or non-ASCII characters)"),
        );
    }
    None
}

/// What makes a path template impossible to call correctly, if anything, with the help to
/// give: braces that do not pair, placeholders side by side or twice, a `.` or `..`
/// segment (URL parsers resolve it, so the call would go elsewhere), or a character that
/// cannot stand literally in a path (the runtime sends the literal text as it is, and
/// signs it).
pub(super) fn template_problem(template: &str) -> Option<(String, &'static str)> {
    let shown = names::escape_controls(template);
    let found = match placeholders(template) {
        Ok(found) => found,
        Err(message) => return Some((message, "write placeholders as `{name}`")),
    };
    if template.contains("}{") {
        return Some((
            format!("placeholders stand side by side in path `{shown}`, so no server can tell where one ends"),
            "separate the placeholders with a literal character, such as `/`",
        ));
    }
    for (index, name) in found.iter().enumerate() {
        if found[..index].contains(name) {
            return Some((
                format!(
                    "placeholder `{{{}}}` appears twice in path `{shown}`",
                    names::escape_controls(name)
                ),
                "give each placeholder its own name and path parameter",
            ));
        }
    }
    for segment in template.split('/').skip(1) {
        let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
        if decoded == "." || decoded == ".." {
            return Some((
                format!("path `{shown}` has a `{segment}` segment, which URLs resolve away"),
                "remove the segment; write the path the server serves",
            ));
        }
    }
    // Outside the placeholders, the text goes on the wire as written.
    let mut literal = String::with_capacity(template.len());
    let mut depth = 0;
    for character in template.chars() {
        match character {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ if depth == 0 => literal.push(character),
            _ => {}
        }
    }
    let mut characters = literal.chars().peekable();
    while let Some(character) = characters.next() {
        if character == '%' {
            let escape: String = characters.clone().take(2).collect();
            if escape.len() == 2 && escape.chars().all(|digit| digit.is_ascii_hexdigit()) {
                characters.next();
                characters.next();
                continue;
            }
            return Some((
                format!("path `{shown}` has a `%` that does not start a percent-encoded byte"),
                "write `%25` for a literal `%`, or a complete escape such as `%20`",
            ));
        }
        if !(character.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/".contains(character)) {
            let what = match character {
                '?' => "`?`: the query belongs in `in: query` parameters".to_owned(),
                '#' => "`#`: a fragment is never sent".to_owned(),
                ' ' => "a space".to_owned(),
                other if other.is_control() => format!("`{}`", other.escape_default()),
                other => format!("`{other}`"),
            };
            return Some((
                format!("path `{shown}` has a character that cannot appear in a URL path as written, {what}"),
                "remove it, or percent-encode it (`%20` for a space) as the server expects it",
            ));
        }
    }
    None
}

/// A declared parameter, before its schema is lowered.
struct Declared<'s> {
    path: String,
    data: &'s oa::ParameterData,
    location: ParamLocation,
    /// For a query parameter: one pair per array element.
    explode: bool,
}

impl Lowerer<'_> {
    pub(super) fn lower_params(
        &mut self,
        operation_pascal: &str,
        template: &str,
        item: &oa::PathItem,
        operation: &oa::Operation,
        path: &str,
    ) -> Vec<Param> {
        let components = self.spec.components.as_ref();
        // Operation parameters override path-item parameters with the same name and place.
        let mut declared: Vec<Declared<'_>> = Vec::new();
        let sources = item
            .parameters
            .iter()
            .enumerate()
            .map(|(index, param)| (format!("paths.{template}.parameters[{index}]"), param))
            .chain(
                operation
                    .parameters
                    .iter()
                    .enumerate()
                    .map(|(index, param)| (format!("{path}.parameters[{index}]"), param)),
            );
        for (param_path, param) in sources {
            let Some(param) = self.resolve_component(
                param,
                components.map(|c| &c.parameters),
                "parameters",
                &param_path,
            ) else {
                continue;
            };
            let (location, explode) = match param {
                oa::Parameter::Path { .. } => (ParamLocation::Path, false),
                oa::Parameter::Query {
                    parameter_data,
                    style,
                    ..
                } => {
                    // OpenAPI: `form` explodes by default; the other styles do not.
                    let default = matches!(style, oa::QueryStyle::Form);
                    (
                        ParamLocation::Query,
                        parameter_data.explode.unwrap_or(default),
                    )
                }
                oa::Parameter::Header { parameter_data, .. } => {
                    let lower = parameter_data.name.to_ascii_lowercase();
                    if DROPPED_HEADERS.contains(&lower.as_str()) {
                        continue;
                    }
                    if let Some(diagnostic) = header_name_problem(&parameter_data.name, &param_path)
                    {
                        self.error(diagnostic);
                        continue;
                    }
                    (ParamLocation::Header, false)
                }
                oa::Parameter::Cookie { .. } => {
                    self.unsupported(
                        &param_path,
                        "a cookie parameter",
                        "send the value as a header parameter",
                    );
                    continue;
                }
            };
            let data = param.parameter_data_ref();
            declared.retain(|existing| {
                !(existing.data.name == data.name && existing.location == location)
            });
            declared.push(Declared {
                path: param_path,
                data,
                location,
                explode,
            });
        }

        let placeholders = match placeholders(template) {
            Ok(found) => found,
            Err(message) => {
                self.error(
                    Diagnostic::new(format!("paths.{template}"), message)
                        .help("write placeholders as `{name}`"),
                );
                return Vec::new();
            }
        };
        for placeholder in &placeholders {
            if !declared.iter().any(|declared| {
                declared.location == ParamLocation::Path && declared.data.name == *placeholder
            }) {
                self.error(
                    Diagnostic::new(
                        path,
                        format!("path placeholder `{{{placeholder}}}` has no path parameter"),
                    )
                    .help(format!(
                        "declare a parameter with `name: {placeholder}` and `in: path`"
                    )),
                );
            }
        }

        let mut params = Vec::new();
        let mut idents: HashMap<String, String> = HashMap::new();
        for declared in declared {
            if let Some(param) =
                self.lower_param(operation_pascal, &placeholders, &declared, &mut idents)
            {
                params.push(param);
            }
        }
        params
    }

    fn lower_param(
        &mut self,
        operation_pascal: &str,
        placeholders: &[&str],
        declared: &Declared<'_>,
        idents: &mut HashMap<String, String>,
    ) -> Option<Param> {
        let Declared {
            path: param_path,
            data,
            location,
            explode,
        } = declared;
        let location = *location;
        if location == ParamLocation::Path && !placeholders.contains(&data.name.as_str()) {
            self.error(
                Diagnostic::new(
                    param_path,
                    format!(
                        "path parameter `{}` has no `{{{}}}` placeholder in the path",
                        data.name, data.name
                    ),
                )
                .help("add the placeholder to the path or remove the parameter"),
            );
            return None;
        }
        let snake = names::snake(&data.name);
        let escaped = names::snake_ident(&snake).to_string();
        if let Some(previous) = idents.insert(escaped, data.name.clone()) {
            self.error(
                Diagnostic::new(
                    param_path,
                    format!(
                        "parameters `{previous}` and `{}` both become the Rust field `{snake}`",
                        data.name
                    ),
                )
                .help("rename one of them"),
            );
            return None;
        }
        let schema = match &data.format {
            oa::ParameterSchemaOrContent::Schema(schema) => schema,
            oa::ParameterSchemaOrContent::Content(_) => {
                self.unsupported(
                    param_path,
                    "a parameter described by `content`",
                    "describe the parameter with `schema`",
                );
                return None;
            }
        };
        let hint = format!("{operation_pascal}{}", names::pascal(&data.name));
        let ty = self.lower_ref_or(schema, &format!("{param_path}.schema"), &hint)?;
        let ty = self.see_through_aliases(ty);
        let ty = match ty {
            Type::Array(inner) => Type::Array(Box::new(self.see_through_aliases(*inner))),
            Type::Map(inner) => Type::Map(Box::new(match self.see_through_aliases(*inner) {
                Type::Array(item) => Type::Array(Box::new(self.see_through_aliases(*item))),
                other => other,
            })),
            other => other,
        };
        let supported = match (&ty, location) {
            (Type::Array(inner), ParamLocation::Query) => self.is_scalar(inner),
            // A map, sent as the official SDK sends a dict: `name=key=value` pairs.
            (Type::Map(inner), ParamLocation::Query) => match &**inner {
                Type::Array(item) => self.is_scalar(item),
                value => self.is_scalar(value),
            },
            (ty, _) => self.is_scalar(ty),
        };
        if !supported {
            let what = format!(
                "a {} parameter of type {}",
                format!("{location:?}").to_ascii_lowercase(),
                describe_type(self, &ty)
            );
            self.unsupported(
                &format!("{param_path}.schema"),
                &what,
                "use a string, number, boolean or string enum (in a query, also an array of them, or a map of them or of arrays of them)",
            );
            return None;
        }
        let client_default = match (location, data.name.as_str()) {
            _ if ty != Type::String => None,
            // A global service's project ids name the project a call is about; the
            // official SDK's GlobalCredentials carry none.
            (ParamLocation::Path, "project_id") if !self.global => Some(ClientId::Project),
            (ParamLocation::Path, "domain_id") if self.global => Some(ClientId::Domain),
            _ => None,
        };
        let required = location == ParamLocation::Path || data.required;
        let mut doc = data
            .description
            .clone()
            .filter(|text| !text.trim().is_empty());
        if let Some(id) = client_default {
            let note = match id {
                ClientId::Project => "When not set, the client's project id is used.",
                ClientId::Domain => "When not set, the client's account (domain) id is used.",
            };
            doc = Some(match doc {
                Some(text) => format!("{text}\n\n{note}"),
                None => note.to_owned(),
            });
        }
        Some(Param {
            name: snake,
            wire_name: data.name.clone(),
            location,
            ty,
            required,
            client_default,
            explode: *explode,
            doc,
        })
    }
}
