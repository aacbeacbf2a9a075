//! Operations: ids and method names checked, parameters, body and responses assembled.

use std::collections::HashMap;

use openapiv3 as oa;

use super::{join_doc, Lowerer};
use crate::error::Diagnostic;
use crate::ir::*;
use crate::names;

/// The vendor extension that marks an operation safe to send again after a failure the
/// server may have seen (5xx, timeouts). Defaults to the HTTP method's semantics.
pub const IDEMPOTENT_EXTENSION: &str = "x-idempotent";

/// The importer's list of operations that share an operation's path and method.
pub(super) const VARIANTS_EXTENSION: &str = "x-variants";

/// Methods the generated `Client` has or reaches through the runtime client it dereferences
/// to; an operation taking one of these names would hide it.
const CLIENT_METHODS: [&str; 7] = [
    "builder",
    "clone",
    "domain_id",
    "project_id",
    "send",
    "send_streaming",
    "with_options",
];

const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Where an operation is declared: its method, path template and path item.
struct Place<'a> {
    method: &'a str,
    template: &'a str,
    item: &'a oa::PathItem,
    /// The operation's YAML path (`paths./x.get`, or a variant's `...x-variants[0]`).
    operation_path: &'a str,
}

/// The names operations have taken so far: each must be its own.
#[derive(Default)]
struct Taken {
    /// `operationId` → the YAML path of the operation that took it.
    operation_ids: HashMap<String, String>,
    /// Escaped method name → the `operationId` that took it.
    method_names: HashMap<String, String>,
    /// `…Request`/`…Response`/`…Error`/`…Success` → the `operationId` that took it.
    type_names: HashMap<String, String>,
}

impl Lowerer<'_> {
    pub(super) fn lower_operations(&mut self) -> Vec<Operation> {
        let mut lowered = Vec::new();
        let mut names = Taken::default();
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
            // A mistake in the spec, not a construct left unsupported: it refuses the spec
            // even with `skip_unsupported`.
            if let Some((message, help)) = super::parameters::template_problem(path) {
                self.error(Diagnostic::new(&item_path, message).help(help));
                continue;
            }
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
                let variants = self.variants(&operation_path, operation);
                let listed = variants
                    .iter()
                    .map(|(path, variant)| (path.clone(), variant));
                for (operation_path, operation) in
                    std::iter::once((operation_path, operation)).chain(listed)
                {
                    let since = self.diagnostics.len();
                    let models_before = self.models.len();
                    let context = Place {
                        method,
                        template: path,
                        item,
                        operation_path: &operation_path,
                    };
                    match self.lower_named_operation(&context, operation, &mut names) {
                        Some(lowered_operation) => lowered.push(lowered_operation),
                        // With `--skip-unsupported`, a problem of this operation alone leaves
                        // it out.
                        None => {
                            if self.skip_since(since, &operation_path) {
                                self.forget_models_since(models_before, &operation_path);
                            }
                        }
                    }
                }
            }
        }
        self.check_pages_methods(&lowered);
        lowered
    }

    /// Lowers one operation after checking that its `operationId`, method name and type
    /// names are its own.
    fn lower_named_operation(
        &mut self,
        place: &Place<'_>,
        operation: &oa::Operation,
        taken: &mut Taken,
    ) -> Option<Operation> {
        let operation_path = place.operation_path;
        let Some(name) = operation.operation_id.clone() else {
            self.error(
                Diagnostic::new(operation_path, "operation has no `operationId`")
                    .help("add `operationId: SomeName`; it names the request, response and method"),
            );
            return None;
        };
        if let Some(previous) = taken
            .operation_ids
            .insert(name.clone(), operation_path.to_owned())
        {
            self.error(
                Diagnostic::new(
                    operation_path,
                    format!("duplicate `operationId` `{name}`, first used at `{previous}`"),
                )
                .help("every operation needs its own `operationId`"),
            );
            return None;
        }
        let snake = names::snake(&name);
        let escaped = names::snake_ident(&snake).to_string();
        if let Some(previous) = taken.method_names.insert(escaped, name.clone()) {
            self.error(
                Diagnostic::new(
                    operation_path,
                    format!(
                        "operations `{previous}` and `{name}` both become the method `{snake}`"
                    ),
                )
                .help("rename one so they differ after conversion to snake_case"),
            );
            return None;
        }
        if CLIENT_METHODS.contains(&snake.as_str()) {
            self.error(
                Diagnostic::new(operation_path, format!("operation `{name}` would become `Client::{snake}`, which the runtime already defines"))
                    .help("choose another `operationId`"),
            );
            return None;
        }
        // The operation's own types live in `operations`, apart from the models, so only
        // operations can collide there.
        let pascal = names::pascal(&name);
        for suffix in ["Request", "Response", "Error", "Success"] {
            let type_name = format!("{pascal}{suffix}");
            if let Some(previous) = taken.type_names.insert(type_name.clone(), name.clone()) {
                self.error(
                    Diagnostic::new(operation_path, format!("operations `{previous}` and `{name}` both need the type `operations::{type_name}`"))
                        .help("rename one of the two operations"),
                );
                return None;
            }
        }
        self.lower_operation(
            &name,
            place.method,
            place.template,
            place.item,
            operation,
            operation_path,
        )
    }

    /// A paged operation's `<method>_pages` method must not be another operation's method.
    fn check_pages_methods(&mut self, operations: &[Operation]) {
        for operation in operations {
            if operation.pagination.is_none() {
                continue;
            }
            let pages = format!("{}_pages", operation.method_name);
            if let Some(other) = operations.iter().find(|other| other.method_name == pages) {
                self.error(
                    Diagnostic::new(
                        format!("paths.{}", other.path),
                        format!(
                            "operation `{}` takes the method `{pages}`, which the paged operation `{}` needs for its pages",
                            other.name, operation.name
                        ),
                    )
                    .help("rename one of the two operations"),
                );
            }
        }
    }

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
        let params = self.lower_params(&pascal, template, item, operation, path);
        let body = match &operation.request_body {
            Some(body) => self.lower_request_body(&pascal, body, &format!("{path}.requestBody")),
            None => None,
        };
        if body.is_some() && params.iter().any(|param| param.name == "body") {
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
        let idempotent = self.idempotent(method, operation, path);
        let before_pagination = self.diagnostics.len();
        let pagination = self.pagination(operation, path, &params, body.as_ref(), &response);
        // With `--skip-unsupported`, paging the generator cannot follow costs only the
        // `_pages` method.
        let pagination = match self.skip_since(
            before_pagination,
            &format!("{path}.{}", super::pagination::PAGINATION_EXTENSION),
        ) {
            true => None,
            false => pagination,
        };
        if self.diagnostics.len() > errors_before {
            return None;
        }
        Some(Operation {
            name: name.to_owned(),
            method_name: names::snake(name),
            type_name: pascal,
            http_method: method.to_ascii_uppercase(),
            path: template.to_owned(),
            doc: join_doc(&[
                operation.summary.as_deref(),
                operation.description.as_deref(),
            ]),
            deprecated: operation.deprecated,
            idempotent,
            tags: operation.tags.clone(),
            features: Vec::new(),
            params,
            body,
            response,
            errors,
            pagination,
        })
    }

    /// The operations listed under `x-variants` (the importer's record of SDK operations
    /// that share this path and method, told apart by their bodies or parameters), each
    /// with its YAML path, to be lowered like the operation itself: one method each, on the
    /// same path and method, as the official SDK has them.
    fn variants(
        &mut self,
        operation_path: &str,
        operation: &oa::Operation,
    ) -> Vec<(String, oa::Operation)> {
        let Some(variants) = operation.extensions.get(VARIANTS_EXTENSION) else {
            return Vec::new();
        };
        let path = format!("{operation_path}.{VARIANTS_EXTENSION}");
        let Some(listed) = variants.as_array() else {
            self.error(
                Diagnostic::new(&path, "`x-variants` must be a list of operations")
                    .help("write each operation that shares this path and method as an item"),
            );
            return Vec::new();
        };
        let mut found = Vec::new();
        for (index, variant) in listed.iter().enumerate() {
            let place = format!("{path}[{index}]");
            match serde_json::from_value::<oa::Operation>(variant.clone()) {
                // A variant listing variants of its own would have them lowered by nobody.
                Ok(variant) if variant.extensions.contains_key(VARIANTS_EXTENSION) => self.error(
                    Diagnostic::new(&place, "a variant lists `x-variants` of its own")
                        .help("list every variant under the operation itself"),
                ),
                Ok(variant) => found.push((place, variant)),
                Err(error) => self.error(
                    Diagnostic::new(&place, format!("not an Operation Object: {error}"))
                        .help("write the variant as a complete operation: operationId, parameters, requestBody, responses"),
                ),
            }
        }
        found
    }

    fn idempotent(&mut self, method: &str, operation: &oa::Operation, path: &str) -> bool {
        match operation.extensions.get(IDEMPOTENT_EXTENSION) {
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
        }
    }
}
