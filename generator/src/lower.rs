//! Lowering: the parsed OpenAPI document in, the validated [`Api`] out.
//!
//! Every problem is recorded as a [`Diagnostic`] with its YAML path and lowering goes on, so
//! one run reports all of them. Rust names are chosen here (through [`crate::names`]) and
//! checked for collisions, so the emitters never have to.

use std::collections::{BTreeSet, HashMap};

use indexmap::IndexMap;
use openapiv3 as oa;
use proc_macro2::Ident;

use crate::error::Diagnostic;
use crate::ir::*;
use crate::names;

/// Schemas nested deeper than this are refused rather than risking the stack.
const MAX_DEPTH: usize = 64;

/// The vendor extension that marks an operation safe to send again after a failure the
/// server may have seen (5xx, timeouts). Defaults to the HTTP method's semantics.
pub const IDEMPOTENT_EXTENSION: &str = "x-idempotent";

/// Methods the hand-written runtime defines on `Client`; no operation may take their names.
const RUNTIME_METHODS: [&str; 3] = ["builder", "project_id", "send"];

const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Lowers a parsed spec, or returns every problem found.
pub fn lower(spec: &oa::OpenAPI) -> Result<Api, Vec<Diagnostic>> {
    let mut lowerer = Lowerer::new(spec);
    lowerer.register_components();
    lowerer.lower_components();
    lowerer.lower_operations();
    lowerer.finish()
}

struct Lowerer<'a> {
    spec: &'a oa::OpenAPI,
    schemas: &'a IndexMap<String, oa::ReferenceOr<oa::Schema>>,
    diagnostics: Vec<Diagnostic>,
    models: Vec<Model>,
    /// Rust type name → the YAML path that claimed it, to report collisions.
    type_names: HashMap<String, String>,
    /// Component schema name → its Rust type.
    components: HashMap<String, (Ident, NamedKind)>,
    /// Alias name → aliased type, to see through aliases in parameters.
    aliases: HashMap<String, Type>,
    operations: Vec<Operation>,
}

/// How a schema is shaped, after looking through `allOf` wrappers of one element.
enum Shape<'s> {
    Ref(&'s str),
    Object {
        properties: Vec<(&'s String, &'s oa::ReferenceOr<Box<oa::Schema>>)>,
        required: Vec<&'s String>,
    },
    Enum(Vec<String>),
    Plain(Type),
    Array(Option<&'s oa::ReferenceOr<Box<oa::Schema>>>),
    Map(&'s oa::ReferenceOr<oa::Schema>),
}

fn describe(data: &oa::SchemaData) -> Option<String> {
    data.description.clone().or_else(|| data.title.clone())
}

impl<'a> Lowerer<'a> {
    fn new(spec: &'a oa::OpenAPI) -> Self {
        static EMPTY: std::sync::LazyLock<IndexMap<String, oa::ReferenceOr<oa::Schema>>> =
            std::sync::LazyLock::new(IndexMap::new);
        let schemas = spec
            .components
            .as_ref()
            .map_or(&*EMPTY, |components| &components.schemas);
        Lowerer {
            spec,
            schemas,
            diagnostics: Vec::new(),
            models: Vec::new(),
            type_names: HashMap::new(),
            components: HashMap::new(),
            aliases: HashMap::new(),
            operations: Vec::new(),
        }
    }

    fn error(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Claims a Rust type name, reporting a collision with an earlier claim.
    fn claim_type_name(&mut self, pascal: &str, path: &str) -> bool {
        if let Some(previous) = self.type_names.get(pascal) {
            let previous = previous.clone();
            self.error(
                Diagnostic::new(
                    path,
                    format!("the Rust type name `{pascal}` is already used by `{previous}`"),
                )
                .help("rename one of the two so their names differ after conversion to PascalCase"),
            );
            return false;
        }
        self.type_names.insert(pascal.to_owned(), path.to_owned());
        true
    }

    // ----- components -----

    fn register_components(&mut self) {
        let schemas = self.schemas;
        for name in schemas.keys() {
            let path = format!("components.schemas.{name}");
            let pascal = names::pascal(name);
            if !self.claim_type_name(&pascal, &path) {
                continue;
            }
            let kind = match &schemas[name] {
                oa::ReferenceOr::Reference { .. } => NamedKind::Alias,
                // Problems are reported when the schema is lowered, not here.
                oa::ReferenceOr::Item(schema) => match shape(schema, &path) {
                    Ok(Shape::Object { .. }) => NamedKind::Struct,
                    Ok(Shape::Enum(_)) => NamedKind::Enum,
                    _ => NamedKind::Alias,
                },
            };
            self.components
                .insert(name.clone(), (names::pascal_ident(&pascal), kind));
        }
    }

    fn lower_components(&mut self) {
        let schemas = self.schemas;
        for (name, schema) in schemas {
            let path = format!("components.schemas.{name}");
            let Some((ident, _)) = self.components.get(name).cloned() else {
                continue;
            };
            match schema {
                oa::ReferenceOr::Reference { reference } => {
                    if self.ref_chain_has_cycle(name) {
                        self.error(
                            Diagnostic::new(&path, format!("`$ref` cycle: `{name}` refers back to itself through `{reference}`"))
                                .help("a chain of `$ref`s must end in a concrete schema"),
                        );
                        continue;
                    }
                    if let Some(ty) = self.resolve_ref(reference, &path) {
                        let doc = format!("Alias of the `{reference}` schema.");
                        self.aliases.insert(ident.to_string(), ty.clone());
                        self.models
                            .push(Model::Alias(AliasModel { ident, doc, ty }));
                    }
                }
                oa::ReferenceOr::Item(schema) => {
                    let doc = describe(&schema.schema_data)
                        .unwrap_or_else(|| format!("The `{name}` schema."));
                    let shape = match shape(schema, &path) {
                        Ok(shape) => shape,
                        Err(diagnostic) => {
                            self.error(diagnostic);
                            continue;
                        }
                    };
                    if let Shape::Ref(reference) = shape {
                        if self.ref_chain_has_cycle(name) {
                            self.error(
                                Diagnostic::new(&path, format!("`$ref` cycle: `{name}` refers back to itself through `{reference}`"))
                                    .help("a chain of `$ref`s must end in a concrete schema"),
                            );
                            continue;
                        }
                    }
                    match shape {
                        Shape::Object {
                            properties,
                            required,
                        } => self.lower_struct(ident, doc, &properties, &required, &path, 0),
                        Shape::Enum(values) => self.lower_enum(ident, doc, values, &path),
                        other => {
                            let hint = ident.to_string();
                            if let Some(ty) = self.lower_shape(other, &doc, &path, &hint, 0) {
                                self.aliases.insert(ident.to_string(), ty.clone());
                                self.models
                                    .push(Model::Alias(AliasModel { ident, doc, ty }));
                            }
                        }
                    }
                }
            }
        }
    }

    /// Whether following bare `$ref`s from a component schema comes back to it.
    fn ref_chain_has_cycle(&self, start: &str) -> bool {
        let mut seen = BTreeSet::new();
        let mut current = start.to_owned();
        loop {
            if !seen.insert(current.clone()) {
                return true;
            }
            let next = match self.schemas.get(&current) {
                Some(oa::ReferenceOr::Reference { reference }) => reference.clone(),
                Some(oa::ReferenceOr::Item(schema)) => match &schema.schema_kind {
                    oa::SchemaKind::AllOf { all_of } if all_of.len() == 1 => match &all_of[0] {
                        oa::ReferenceOr::Reference { reference } => reference.clone(),
                        oa::ReferenceOr::Item(_) => return false,
                    },
                    _ => return false,
                },
                None => return false,
            };
            match next.strip_prefix("#/components/schemas/") {
                Some(name) => current = name.to_owned(),
                None => return false,
            }
        }
    }

    fn resolve_ref(&mut self, reference: &str, path: &str) -> Option<Type> {
        let found = reference
            .strip_prefix("#/components/schemas/")
            .and_then(|name| self.components.get(name))
            .cloned();
        match found {
            Some((ident, kind)) => Some(Type::Named(ident, kind)),
            None => {
                self.error(
                    Diagnostic::new(path, format!("`$ref: {reference}` points to nothing"))
                        .help("refer to a schema defined under `components.schemas` as `#/components/schemas/Name`"),
                );
                None
            }
        }
    }

    // ----- schemas -----

    fn unsupported(&mut self, path: &str, what: &str, help: &str) {
        self.error(unsupported(path, what, help));
    }

    /// Lowers a schema that may be a `$ref`; `hint` names any inline model it needs.
    fn lower_ref_or<S: std::borrow::Borrow<oa::Schema>>(
        &mut self,
        schema: &oa::ReferenceOr<S>,
        path: &str,
        hint: &str,
        depth: usize,
    ) -> Option<Type> {
        match schema {
            oa::ReferenceOr::Reference { reference } => self.resolve_ref(reference, path),
            oa::ReferenceOr::Item(schema) => self.lower_schema(schema.borrow(), path, hint, depth),
        }
    }

    /// Lowers an inline schema to a type, creating inline models named after `hint`.
    fn lower_schema(
        &mut self,
        schema: &oa::Schema,
        path: &str,
        hint: &str,
        depth: usize,
    ) -> Option<Type> {
        if depth > MAX_DEPTH {
            self.error(
                Diagnostic::new(
                    path,
                    format!("schemas are nested more than {MAX_DEPTH} levels deep"),
                )
                .help("move nested objects into named schemas under `components.schemas`"),
            );
            return None;
        }
        let doc = describe(&schema.schema_data)
            .unwrap_or_else(|| format!("The inline schema at `{path}`."));
        match shape(schema, path) {
            Ok(shape) => self.lower_shape(shape, &doc, path, hint, depth),
            Err(diagnostic) => {
                self.error(diagnostic);
                None
            }
        }
    }

    /// Lowers a classified schema; object and enum shapes become models named after `hint`.
    fn lower_shape(
        &mut self,
        shape: Shape<'_>,
        doc: &str,
        path: &str,
        hint: &str,
        depth: usize,
    ) -> Option<Type> {
        match shape {
            Shape::Ref(reference) => self.resolve_ref(reference, path),
            Shape::Plain(ty) => Some(ty),
            Shape::Array(items) => {
                let items_path = format!("{path}.items");
                let inner = match items {
                    Some(items) => {
                        self.lower_ref_or(items, &items_path, &format!("{hint}Item"), depth + 1)?
                    }
                    None => Type::JsonValue,
                };
                Some(Type::Array(Box::new(inner)))
            }
            Shape::Map(values) => {
                let inner = self.lower_ref_or(
                    values,
                    &format!("{path}.additionalProperties"),
                    &format!("{hint}Value"),
                    depth + 1,
                )?;
                Some(Type::Map(Box::new(inner)))
            }
            Shape::Object {
                properties,
                required,
            } => {
                let pascal = names::pascal(hint);
                if !self.claim_type_name(&pascal, path) {
                    return None;
                }
                let ident = names::pascal_ident(&pascal);
                self.lower_struct(
                    ident.clone(),
                    doc.to_owned(),
                    &properties,
                    &required,
                    path,
                    depth,
                );
                Some(Type::Named(ident, NamedKind::Struct))
            }
            Shape::Enum(values) => {
                let pascal = names::pascal(hint);
                if !self.claim_type_name(&pascal, path) {
                    return None;
                }
                let ident = names::pascal_ident(&pascal);
                self.lower_enum(ident.clone(), doc.to_owned(), values, path);
                Some(Type::Named(ident, NamedKind::Enum))
            }
        }
    }

    fn lower_struct(
        &mut self,
        ident: Ident,
        doc: String,
        properties: &[(&String, &oa::ReferenceOr<Box<oa::Schema>>)],
        required: &[&String],
        path: &str,
        depth: usize,
    ) {
        let mut fields = Vec::new();
        let mut field_names: HashMap<String, String> = HashMap::new();
        for (name, property) in properties {
            let property_path = format!("{path}.properties.{name}");
            let snake = names::snake(name);
            if let Some(previous) = field_names.insert(snake.clone(), (*name).clone()) {
                self.error(
                    Diagnostic::new(&property_path, format!("properties `{previous}` and `{name}` both become the Rust field `{snake}`"))
                        .help("rename one of them so they differ after conversion to snake_case"),
                );
                continue;
            }
            let hint = format!("{ident}{}", names::pascal(name));
            let Some(ty) = self.lower_ref_or(property, &property_path, &hint, depth + 1) else {
                continue;
            };
            let field_doc = match property {
                oa::ReferenceOr::Item(schema) => describe(&schema.schema_data),
                oa::ReferenceOr::Reference { .. } => None,
            };
            let nullable =
                matches!(property, oa::ReferenceOr::Item(schema) if schema.schema_data.nullable);
            let field_ident = names::snake_ident(&snake);
            // serde strips `r#` from raw identifiers but not the `_` of `self_`.
            fields.push(Field {
                wire_name: (*name).clone(),
                ident: field_ident,
                ty,
                required: required.contains(name),
                nullable,
                boxed: false,
                doc: field_doc.unwrap_or_else(|| format!("The `{name}` property.")),
            });
        }
        for name in required {
            if !properties.iter().any(|(property, _)| property == name) {
                self.error(
                    Diagnostic::new(
                        format!("{path}.required"),
                        format!("required property `{name}` is not defined in `properties`"),
                    )
                    .help("define the property or remove it from `required`"),
                );
            }
        }
        self.models.push(Model::Struct(StructModel {
            ident,
            doc,
            fields,
            derive_default: false,
        }));
    }

    fn lower_enum(&mut self, ident: Ident, doc: String, values: Vec<String>, path: &str) {
        let mut variants: Vec<Variant> = Vec::new();
        for value in values {
            let pascal = if value.is_empty() {
                "Empty".to_owned()
            } else {
                names::pascal(&value)
            };
            // Compare identifiers as emitted: `self` and `Self` both become `Self_`.
            let variant_ident = names::pascal_ident(&pascal);
            if let Some(previous) = variants
                .iter()
                .find(|variant| variant.ident == variant_ident)
            {
                let previous = previous.value.clone();
                self.error(
                    Diagnostic::new(format!("{path}.enum"), format!("enum values `{previous}` and `{value}` both become the Rust variant `{pascal}`"))
                        .help("remove the duplicate value or make the two differ by more than case and punctuation"),
                );
                continue;
            }
            variants.push(Variant {
                ident: variant_ident,
                value,
            });
        }
        let taken = |candidate: &str| variants.iter().any(|variant| variant.ident == candidate);
        let unknown = ["Unknown", "UnknownValue", "UnlistedValue"]
            .into_iter()
            .map(str::to_owned)
            .chain((2..).map(|number| format!("Unknown{number}")))
            .find(|candidate| !taken(candidate))
            .unwrap_or_default();
        self.models.push(Model::Enum(EnumModel {
            ident,
            doc,
            variants,
            unknown: names::pascal_ident(&unknown),
        }));
    }

    // ----- operations -----

    fn lower_operations(&mut self) {
        let mut operation_ids: HashMap<String, String> = HashMap::new();
        let mut method_names: HashMap<String, String> = HashMap::new();
        for (path, item) in &self.spec.paths.paths {
            let item_path = format!("paths.{path}");
            let item = match item {
                oa::ReferenceOr::Item(item) => item,
                oa::ReferenceOr::Reference { .. } => {
                    self.unsupported(
                        &item_path,
                        "a path item `$ref`",
                        "write the path item inline",
                    );
                    continue;
                }
            };
            let operations = [
                &item.get,
                &item.put,
                &item.post,
                &item.delete,
                &item.options,
                &item.head,
                &item.patch,
                &item.trace,
            ];
            for (method, operation) in HTTP_METHODS.iter().zip(operations) {
                let Some(operation) = operation else { continue };
                let operation_path = format!("{item_path}.{method}");
                let Some(name) = operation.operation_id.clone() else {
                    self.error(
                        Diagnostic::new(&operation_path, "operation has no `operationId`")
                            .help("add `operationId: SomeName`; it names the request, response and method"),
                    );
                    continue;
                };
                if let Some(previous) = operation_ids.insert(name.clone(), operation_path.clone()) {
                    self.error(
                        Diagnostic::new(
                            &operation_path,
                            format!("duplicate `operationId` `{name}`, first used at `{previous}`"),
                        )
                        .help("every operation needs its own `operationId`"),
                    );
                    continue;
                }
                let snake = names::snake(&name);
                if let Some(previous) = method_names.insert(snake.clone(), name.clone()) {
                    self.error(
                        Diagnostic::new(&operation_path, format!("operations `{previous}` and `{name}` both become the method `{snake}`"))
                            .help("rename one so they differ after conversion to snake_case"),
                    );
                    continue;
                }
                if RUNTIME_METHODS.contains(&snake.as_str()) {
                    self.error(
                        Diagnostic::new(&operation_path, format!("operation `{name}` would become `Client::{snake}`, which the runtime already defines"))
                            .help("choose another `operationId`"),
                    );
                    continue;
                }
                if let Some(lowered) =
                    self.lower_operation(&name, method, path, item, operation, &operation_path)
                {
                    self.operations.push(lowered);
                }
            }
        }
    }
}

/// Placeholders of a path template, or the problem with its braces.
fn placeholders(template: &str) -> Result<Vec<&str>, String> {
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

/// A short name of a type for messages.
fn describe_type(ty: &Type) -> String {
    match ty {
        Type::String => "string".into(),
        Type::Boolean => "boolean".into(),
        Type::I32 | Type::I64 => "integer".into(),
        Type::F32 | Type::F64 => "number".into(),
        Type::Named(ident, NamedKind::Struct) => format!("object `{ident}`"),
        Type::Named(ident, NamedKind::Enum) => format!("enum `{ident}`"),
        Type::Named(ident, NamedKind::Alias) => format!("`{ident}`"),
        Type::Array(inner) => format!("array of {}", describe_type(inner)),
        Type::Map(_) | Type::JsonObject => "object".into(),
        Type::JsonValue => "any JSON value".into(),
        Type::Bytes => "binary".into(),
    }
}

/// A media type without its parameters, lower-case (`application/json;charset=UTF-8` →
/// `application/json`).
fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Whether a media type carries JSON.
fn is_json(media_type: &str) -> bool {
    let essence = essence(media_type);
    essence == "application/json" || essence.ends_with("+json")
}

fn join_doc(parts: &[Option<&str>]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for part in parts.iter().flatten() {
        let part = part.trim();
        if !part.is_empty() && !seen.contains(&part) {
            seen.push(part);
        }
    }
    seen.join("\n\n")
}

impl Lowerer<'_> {
    fn lower_operation(
        &mut self,
        name: &str,
        method: &str,
        template: &str,
        item: &oa::PathItem,
        operation: &oa::Operation,
        path: &str,
    ) -> Option<Operation> {
        let errors_before = self.diagnostics.len();
        let pascal = names::pascal(name);
        let snake = names::snake(name);
        let request_name = format!("{pascal}Request");
        let response_name = format!("{pascal}Response");
        self.claim_type_name(&request_name, path);
        self.claim_type_name(&response_name, path);

        let params = self.lower_params(&pascal, template, item, operation, path);
        let body = match &operation.request_body {
            Some(body) => self.lower_request_body(&pascal, body, &format!("{path}.requestBody")),
            None => None,
        };
        if body.is_some() && params.iter().any(|param| param.ident == "body") {
            self.error(
                Diagnostic::new(
                    format!("{path}.parameters"),
                    "a parameter named `body` collides with the request body field",
                )
                .help("rename the parameter"),
            );
        }
        let (response, errors) =
            self.lower_responses(&pascal, &operation.responses, &format!("{path}.responses"));

        let idempotent = match operation.extensions.get(IDEMPOTENT_EXTENSION) {
            None => matches!(
                method,
                "get" | "head" | "options" | "put" | "delete" | "trace"
            ),
            Some(serde_json::Value::Bool(value)) => *value,
            Some(other) => {
                self.error(
                    Diagnostic::new(
                        format!("{path}.{IDEMPOTENT_EXTENSION}"),
                        format!(
                            "`{IDEMPOTENT_EXTENSION}` must be `true` or `false`, found `{other}`"
                        ),
                    )
                    .help("write `x-idempotent: true` for operations that are safe to send twice"),
                );
                false
            }
        };
        if self.diagnostics.len() > errors_before {
            return None;
        }
        let http_method = method.to_ascii_uppercase();
        let doc = join_doc(&[
            operation.summary.as_deref(),
            operation.description.as_deref(),
        ]);
        let doc = if doc.is_empty() {
            format!("Calls the `{name}` operation.")
        } else {
            doc
        };
        Some(Operation {
            name: name.to_owned(),
            method_ident: names::snake_ident(&snake),
            const_ident: names::pascal_ident(&format!("{}_OPERATION", snake.to_ascii_uppercase())),
            request_ident: names::pascal_ident(&request_name),
            response_ident: names::pascal_ident(&response_name),
            http_method,
            path: template.to_owned(),
            doc,
            deprecated: operation.deprecated,
            idempotent,
            params,
            body,
            response,
            errors,
        })
    }

    fn resolve_component<'c, T>(
        &mut self,
        value: &'c oa::ReferenceOr<T>,
        map: Option<&'c IndexMap<String, oa::ReferenceOr<T>>>,
        section: &str,
        path: &str,
    ) -> Option<&'c T> {
        match value {
            oa::ReferenceOr::Item(item) => Some(item),
            oa::ReferenceOr::Reference { reference } => {
                let prefix = format!("#/components/{section}/");
                let found = reference
                    .strip_prefix(&prefix)
                    .and_then(|name| map?.get(name));
                match found {
                    Some(oa::ReferenceOr::Item(item)) => Some(item),
                    _ => {
                        self.error(
                            Diagnostic::new(path, format!("`$ref: {reference}` points to nothing"))
                                .help(format!("refer to an entry defined inline under `components.{section}` as `{prefix}Name`")),
                        );
                        None
                    }
                }
            }
        }
    }

    fn lower_params(
        &mut self,
        operation_pascal: &str,
        template: &str,
        item: &oa::PathItem,
        operation: &oa::Operation,
        path: &str,
    ) -> Vec<Param> {
        let components = self.spec.components.as_ref();
        // Operation parameters override path-item parameters with the same name and place.
        let mut declared: Vec<(String, &oa::ParameterData, ParamLocation)> = Vec::new();
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
            let location = match param {
                oa::Parameter::Path { .. } => ParamLocation::Path,
                oa::Parameter::Query { .. } => ParamLocation::Query,
                oa::Parameter::Header { parameter_data, .. } => {
                    // OpenAPI: these header parameters are ignored; the body and auth set them.
                    let lower = parameter_data.name.to_ascii_lowercase();
                    if matches!(lower.as_str(), "content-type" | "accept" | "authorization") {
                        continue;
                    }
                    ParamLocation::Header
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
            declared.retain(|(_, existing, existing_location)| {
                !(existing.name == data.name && *existing_location == location)
            });
            declared.push((param_path, data, location));
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
            if !declared.iter().any(|(_, data, location)| {
                *location == ParamLocation::Path && data.name == *placeholder
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
        for (param_path, data, location) in declared {
            if location == ParamLocation::Path && !placeholders.contains(&data.name.as_str()) {
                self.error(
                    Diagnostic::new(
                        &param_path,
                        format!(
                            "path parameter `{}` has no `{{{}}}` placeholder in the path",
                            data.name, data.name
                        ),
                    )
                    .help("add the placeholder to the path or remove the parameter"),
                );
                continue;
            }
            let snake = names::snake(&data.name);
            if let Some(previous) = idents.insert(snake.clone(), data.name.clone()) {
                self.error(
                    Diagnostic::new(
                        &param_path,
                        format!(
                            "parameters `{previous}` and `{}` both become the Rust field `{snake}`",
                            data.name
                        ),
                    )
                    .help("rename one of them"),
                );
                continue;
            }
            let schema = match &data.format {
                oa::ParameterSchemaOrContent::Schema(schema) => schema,
                oa::ParameterSchemaOrContent::Content(_) => {
                    self.unsupported(
                        &param_path,
                        "a parameter described by `content`",
                        "describe the parameter with `schema`",
                    );
                    continue;
                }
            };
            let hint = format!("{operation_pascal}{}", names::pascal(&data.name));
            let Some(ty) = self.lower_ref_or(schema, &format!("{param_path}.schema"), &hint, 0)
            else {
                continue;
            };
            let ty = self.see_through_aliases(ty);
            let scalar = |ty: &Type| {
                matches!(
                    ty,
                    Type::String
                        | Type::Boolean
                        | Type::I32
                        | Type::I64
                        | Type::F32
                        | Type::F64
                        | Type::Named(_, NamedKind::Enum)
                )
            };
            let supported = match (&ty, location) {
                (Type::Array(inner), ParamLocation::Query) => {
                    scalar(&self.see_through_aliases((**inner).clone()))
                }
                (ty, _) => scalar(ty),
            };
            if !supported {
                self.unsupported(
                    &format!("{param_path}.schema"),
                    &format!(
                        "a {} parameter of type {}",
                        format!("{location:?}").to_ascii_lowercase(),
                        describe_type(&ty)
                    ),
                    "use a string, number, boolean or string enum (or an array of them in a query)",
                );
                continue;
            }
            let ty = match ty {
                Type::Array(inner) => Type::Array(Box::new(self.see_through_aliases(*inner))),
                other => other,
            };
            let project_id =
                location == ParamLocation::Path && data.name == "project_id" && ty == Type::String;
            let required = location == ParamLocation::Path || data.required;
            let mut doc = data
                .description
                .clone()
                .unwrap_or_else(|| format!("The `{}` parameter.", data.name));
            if project_id {
                doc.push_str("\n\nWhen `None`, the client's project id is used.");
            }
            params.push(Param {
                ident: names::snake_ident(&snake),
                name: data.name.clone(),
                location,
                ty,
                required,
                project_id,
                doc,
            });
        }
        params
    }

    fn see_through_aliases(&self, ty: Type) -> Type {
        let mut current = ty;
        for _ in 0..MAX_DEPTH {
            match &current {
                Type::Named(ident, NamedKind::Alias) => {
                    match self.aliases.get(&ident.to_string()) {
                        Some(target) => current = target.clone(),
                        None => return current,
                    }
                }
                _ => return current,
            }
        }
        current
    }

    fn lower_request_body(
        &mut self,
        operation_pascal: &str,
        body: &oa::ReferenceOr<oa::RequestBody>,
        path: &str,
    ) -> Option<RequestBody> {
        let components = self.spec.components.as_ref();
        let body = self.resolve_component(
            body,
            components.map(|c| &c.request_bodies),
            "requestBodies",
            path,
        )?;
        let Some((media_type, content)) = body
            .content
            .iter()
            .find(|(media_type, _)| is_json(media_type))
            .or_else(|| body.content.first())
        else {
            self.error(
                Diagnostic::new(path, "request body has no `content`")
                    .help("add `content: {application/json: {schema: ...}}`"),
            );
            return None;
        };
        let content_path = format!("{path}.content.{media_type}");
        let json = is_json(media_type);
        let essence = essence(media_type);
        if essence.starts_with("multipart/") || essence == "application/x-www-form-urlencoded" {
            self.unsupported(
                &content_path,
                &format!("the request body media type `{essence}`"),
                "send a JSON or raw binary body",
            );
            return None;
        }
        let ty = match (&content.schema, json) {
            (Some(schema), true) => self.lower_ref_or(
                schema,
                &format!("{content_path}.schema"),
                &format!("{operation_pascal}RequestBody"),
                0,
            )?,
            (None, true) => Type::JsonValue,
            (_, false) => Type::Bytes,
        };
        Some(RequestBody {
            ty,
            media_type: media_type.clone(),
            json,
            required: body.required,
            doc: body
                .description
                .clone()
                .unwrap_or_else(|| "The request body.".to_owned()),
        })
    }

    fn lower_responses(
        &mut self,
        operation_pascal: &str,
        responses: &oa::Responses,
        path: &str,
    ) -> (Response, Vec<ErrorResponse>) {
        let components = self.spec.components.as_ref();
        let mut success = Response {
            status: 200,
            body: None,
            headers: Vec::new(),
        };
        let mut status_seen = false;
        // A 2xx without content next to one with a body makes the body optional.
        let mut success_without_body = false;
        let mut errors = Vec::new();
        let declared = responses
            .responses
            .iter()
            .map(|(status, response)| (status.to_string(), response))
            .chain(
                responses
                    .default
                    .iter()
                    .map(|response| ("default".to_owned(), response)),
            );
        for (status, response) in declared {
            let response_path = format!("{path}.{status}");
            let Some(response) = self.resolve_component(
                response,
                components.map(|c| &c.responses),
                "responses",
                &response_path,
            ) else {
                continue;
            };
            let is_success = status.starts_with('2');
            if is_success && !status_seen {
                status_seen = true;
                success.status = status.parse().unwrap_or(200);
            }
            let content = response
                .content
                .iter()
                .find(|(media_type, _)| is_json(media_type))
                .or_else(|| response.content.first());
            let body = match content {
                None => None,
                Some((media_type, content)) => {
                    let content_path = format!("{response_path}.content.{media_type}");
                    let hint = if is_success {
                        format!("{operation_pascal}ResponseBody")
                    } else {
                        format!("{operation_pascal}Error{}", names::pascal(&status))
                    };
                    let json = is_json(media_type);
                    let ty = match (&content.schema, json) {
                        (Some(schema), true) => match self.lower_ref_or(
                            schema,
                            &format!("{content_path}.schema"),
                            &hint,
                            0,
                        ) {
                            Some(ty) => ty,
                            None => continue,
                        },
                        (None, true) => Type::JsonValue,
                        (_, false) => Type::Bytes,
                    };
                    let example = content.example.clone().or_else(|| {
                        content.examples.values().find_map(|example| match example {
                            oa::ReferenceOr::Item(example) => example.value.clone(),
                            oa::ReferenceOr::Reference { .. } => None,
                        })
                    });
                    Some((ty, json, media_type.clone(), example))
                }
            };
            if !is_success {
                errors.push(ErrorResponse {
                    status,
                    body: body.map(|(ty, ..)| ty),
                    doc: response.description.clone(),
                });
                continue;
            }
            if body.is_none() {
                success_without_body = true;
            }
            if let Some((ty, json, media_type, example)) = body {
                match &success.body {
                    Some(existing) if existing.ty != ty => {
                        self.unsupported(
                            &response_path,
                            "giving 2xx responses of one operation different bodies",
                            "give every 2xx response of an operation the same schema",
                        );
                    }
                    Some(_) => {}
                    None => {
                        success.body = Some(ResponseBody {
                            ty,
                            json,
                            media_type,
                            example,
                            optional: false,
                            doc: response.description.clone(),
                        })
                    }
                }
            }
            for (name, header) in &response.headers {
                let header_path = format!("{response_path}.headers.{name}");
                let Some(header) = self.resolve_component(
                    header,
                    components.map(|c| &c.headers),
                    "headers",
                    &header_path,
                ) else {
                    continue;
                };
                if success
                    .headers
                    .iter()
                    .any(|existing| existing.name.eq_ignore_ascii_case(name))
                {
                    continue;
                }
                let snake = names::snake(name);
                if snake == "status"
                    || snake == "body"
                    || success
                        .headers
                        .iter()
                        .any(|existing| existing.ident == names::snake_ident(&snake))
                {
                    self.error(
                        Diagnostic::new(&header_path, format!("response header `{name}` collides with the response field `{snake}`"))
                            .help("rename the header"),
                    );
                    continue;
                }
                let ty = match &header.format {
                    oa::ParameterSchemaOrContent::Schema(schema) => self
                        .lower_ref_or(schema, &format!("{header_path}.schema"), "Header", 0)
                        .map(|ty| self.see_through_aliases(ty)),
                    oa::ParameterSchemaOrContent::Content(_) => None,
                };
                let Some(
                    ty @ (Type::String
                    | Type::Boolean
                    | Type::I32
                    | Type::I64
                    | Type::F32
                    | Type::F64),
                ) = ty
                else {
                    self.unsupported(
                        &header_path,
                        "a response header that is not a string, number or boolean",
                        "declare it as `schema: {type: string}`",
                    );
                    continue;
                };
                success.headers.push(ResponseHeader {
                    ident: names::snake_ident(&snake),
                    name: name.clone(),
                    ty,
                    doc: header
                        .description
                        .clone()
                        .unwrap_or_else(|| format!("The `{name}` response header.")),
                });
            }
        }
        if let Some(body) = &mut success.body {
            body.optional = success_without_body;
        }
        (success, errors)
    }

    // ----- final passes -----

    fn finish(mut self) -> Result<Api, Vec<Diagnostic>> {
        self.check_alias_cycles();
        if !self.diagnostics.is_empty() {
            return Err(self.diagnostics);
        }
        self.box_recursive_fields();
        self.derive_defaults();
        let service = self.service();
        Ok(Api {
            models: self.models,
            operations: self.operations,
            service,
        })
    }

    /// Rust type aliases cannot refer to themselves, not even through `Vec` or a map, so a
    /// schema that is an array or map of itself needs an object in between.
    fn check_alias_cycles(&mut self) {
        fn named_aliases(ty: &Type, out: &mut Vec<String>) {
            match ty {
                Type::Named(ident, NamedKind::Alias) => out.push(ident.to_string()),
                Type::Array(inner) | Type::Map(inner) => named_aliases(inner, out),
                _ => {}
            }
        }
        let mut names: Vec<&String> = self.aliases.keys().collect();
        names.sort();
        let mut cyclic = Vec::new();
        for start in names {
            let mut stack = Vec::new();
            named_aliases(&self.aliases[start], &mut stack);
            let mut seen = BTreeSet::new();
            while let Some(current) = stack.pop() {
                if current == *start {
                    cyclic.push(start.clone());
                    break;
                }
                if seen.insert(current.clone()) {
                    if let Some(ty) = self.aliases.get(&current) {
                        named_aliases(ty, &mut stack);
                    }
                }
            }
        }
        for name in cyclic {
            let path = self.type_names.get(&name).cloned().unwrap_or_default();
            self.error(
                Diagnostic::new(path, format!("`{name}` contains itself only through arrays or maps"))
                    .help("wrap the recursion in an object schema with a property, e.g. `{type: object, properties: {items: ...}}`"),
            );
        }
    }

    fn service(&self) -> Service {
        let name = self.spec.info.title.clone();
        let env_name = name
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_uppercase();
        let server = self.spec.servers.first();
        let regions = server
            .and_then(|server| server.variables.as_ref()?.get("region"))
            .map(|variable| variable.enumeration.clone())
            .unwrap_or_default();
        let endpoint_template = server
            .map(|server| server.url.clone())
            .filter(|url| url.contains("{region}"));
        Service {
            name,
            env_name,
            endpoint_template,
            regions,
        }
    }

    /// The struct a field holds directly (not behind a `Vec` or map), through aliases.
    fn held_struct(&self, ty: &Type) -> Option<String> {
        match self.see_through_aliases(ty.clone()) {
            Type::Named(ident, NamedKind::Struct) => Some(ident.to_string()),
            _ => None,
        }
    }

    /// Boxes every field whose struct contains, directly or not, the struct holding it.
    fn box_recursive_fields(&mut self) {
        let mut holds: HashMap<String, Vec<String>> = HashMap::new();
        for model in &self.models {
            if let Model::Struct(model) = model {
                let held = model
                    .fields
                    .iter()
                    .filter_map(|field| self.held_struct(&field.ty))
                    .collect();
                holds.insert(model.ident.to_string(), held);
            }
        }
        let reaches = |from: &str, to: &str| {
            let mut stack = vec![from.to_owned()];
            let mut seen = BTreeSet::new();
            while let Some(current) = stack.pop() {
                if current == to {
                    return true;
                }
                if seen.insert(current.clone()) {
                    stack.extend(holds.get(&current).into_iter().flatten().cloned());
                }
            }
            false
        };
        let mut boxed = Vec::new();
        for (model_index, model) in self.models.iter().enumerate() {
            if let Model::Struct(model) = model {
                for (field_index, field) in model.fields.iter().enumerate() {
                    if let Some(held) = self.held_struct(&field.ty) {
                        if reaches(&held, &model.ident.to_string()) {
                            boxed.push((model_index, field_index));
                        }
                    }
                }
            }
        }
        for (model_index, field_index) in boxed {
            if let Model::Struct(model) = &mut self.models[model_index] {
                model.fields[field_index].boxed = true;
            }
        }
    }

    /// Marks the structs that can derive `Default`: every required field has a default.
    fn derive_defaults(&mut self) {
        let mut defaultable: HashMap<String, bool> = HashMap::new();
        for model in &self.models {
            if let Model::Struct(model) = model {
                defaultable.insert(model.ident.to_string(), true);
            }
        }
        loop {
            let mut changed = false;
            for model in &self.models {
                let Model::Struct(model) = model else {
                    continue;
                };
                let name = model.ident.to_string();
                if !defaultable[&name] {
                    continue;
                }
                let all = model.fields.iter().all(|field| {
                    !field.required || field.nullable || self.has_default(&field.ty, &defaultable)
                });
                if !all {
                    defaultable.insert(name, false);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        for model in &mut self.models {
            if let Model::Struct(model) = model {
                model.derive_default = defaultable[&model.ident.to_string()];
            }
        }
    }

    fn has_default(&self, ty: &Type, defaultable: &HashMap<String, bool>) -> bool {
        match self.see_through_aliases(ty.clone()) {
            Type::Named(_, NamedKind::Enum) => false,
            Type::Named(ident, _) => defaultable
                .get(&ident.to_string())
                .copied()
                .unwrap_or(false),
            _ => true,
        }
    }
}

/// Classifies a schema, or says what the generator does not support about it.
fn shape<'s>(schema: &'s oa::Schema, path: &str) -> Result<Shape<'s>, Diagnostic> {
    match &schema.schema_kind {
        oa::SchemaKind::Type(oa::Type::Object(object)) => {
            if !object.properties.is_empty() {
                Ok(Shape::Object {
                    properties: object.properties.iter().collect(),
                    required: object.required.iter().collect(),
                })
            } else {
                Ok(match &object.additional_properties {
                    Some(oa::AdditionalProperties::Schema(inner)) => Shape::Map(inner),
                    _ => Shape::Plain(Type::JsonObject),
                })
            }
        }
        oa::SchemaKind::Type(oa::Type::String(string)) => {
            if string.enumeration.is_empty() {
                Ok(Shape::Plain(Type::String))
            } else {
                Ok(Shape::Enum(
                    string.enumeration.iter().flatten().cloned().collect(),
                ))
            }
        }
        oa::SchemaKind::Type(oa::Type::Integer(integer)) => {
            if let Some(value) = integer.enumeration.iter().flatten().next() {
                return Err(non_string_enum(path, &value.to_string()));
            }
            let wide = !matches!(
                integer.format,
                oa::VariantOrUnknownOrEmpty::Item(oa::IntegerFormat::Int32)
            );
            Ok(Shape::Plain(if wide { Type::I64 } else { Type::I32 }))
        }
        oa::SchemaKind::Type(oa::Type::Number(number)) => {
            if let Some(value) = number.enumeration.iter().flatten().next() {
                return Err(non_string_enum(path, &value.to_string()));
            }
            let narrow = matches!(
                number.format,
                oa::VariantOrUnknownOrEmpty::Item(oa::NumberFormat::Float)
            );
            Ok(Shape::Plain(if narrow { Type::F32 } else { Type::F64 }))
        }
        oa::SchemaKind::Type(oa::Type::Boolean(boolean)) => {
            if let Some(value) = boolean.enumeration.iter().flatten().next() {
                return Err(non_string_enum(path, &value.to_string()));
            }
            Ok(Shape::Plain(Type::Boolean))
        }
        oa::SchemaKind::Type(oa::Type::Array(array)) => Ok(Shape::Array(array.items.as_ref())),
        oa::SchemaKind::AllOf { all_of } if all_of.len() == 1 => match &all_of[0] {
            oa::ReferenceOr::Reference { reference } => Ok(Shape::Ref(reference)),
            oa::ReferenceOr::Item(inner) => shape(inner, &format!("{path}.allOf[0]")),
        },
        oa::SchemaKind::AllOf { .. } => Err(unsupported(
            path,
            "`allOf` with more than one schema",
            "merge the properties into one object schema",
        )),
        oa::SchemaKind::OneOf { .. } => Err(unsupported(
            path,
            "`oneOf`",
            "describe the value as one object schema, or as `{}` for any JSON value",
        )),
        oa::SchemaKind::AnyOf { .. } => Err(unsupported(
            path,
            "`anyOf`",
            "describe the value as one object schema, or as `{}` for any JSON value",
        )),
        oa::SchemaKind::Not { .. } => Err(unsupported(
            path,
            "`not`",
            "describe what the value is rather than what it is not",
        )),
        oa::SchemaKind::Any(any) => any_shape(any, path),
    }
}

fn any_shape<'s>(any: &'s oa::AnySchema, path: &str) -> Result<Shape<'s>, Diagnostic> {
    if let Some(value) = any.enumeration.iter().find(|value| !value.is_string()) {
        return Err(non_string_enum(path, &value.to_string()));
    }
    match any.typ.as_deref() {
        None | Some("object") if !any.properties.is_empty() => Ok(Shape::Object {
            properties: any.properties.iter().collect(),
            required: any.required.iter().collect(),
        }),
        None if any.items.is_some() => Ok(Shape::Array(any.items.as_ref())),
        None | Some("object") => Ok(match &any.additional_properties {
            Some(oa::AdditionalProperties::Schema(inner)) => Shape::Map(inner),
            _ if any.typ.is_some() => Shape::Plain(Type::JsonObject),
            _ => Shape::Plain(Type::JsonValue),
        }),
        Some("string") if !any.enumeration.is_empty() => Ok(Shape::Enum(
            any.enumeration
                .iter()
                .filter_map(|value| value.as_str().map(str::to_owned))
                .collect(),
        )),
        Some(other @ ("string" | "integer" | "number" | "boolean" | "array")) => {
            Err(Diagnostic::new(
                path,
                format!("this `type: {other}` schema mixes in keywords that do not apply to it"),
            )
            .help("remove the keywords that belong to other types"))
        }
        Some(other) => Err(
            Diagnostic::new(path, format!("unsupported schema type `{other}`"))
                .help("use one of string, integer, number, boolean, array or object"),
        ),
    }
}

fn non_string_enum(path: &str, value: &str) -> Diagnostic {
    Diagnostic::new(
        path,
        format!("enum values must be strings, found `{value}`"),
    )
    .help("list the values as strings, or drop the `enum` and document the values in `description`")
}

fn unsupported(path: &str, what: &str, help: &str) -> Diagnostic {
    Diagnostic::new(path, format!("{what} is not supported by the generator")).help(help)
}
