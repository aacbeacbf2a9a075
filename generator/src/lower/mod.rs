//! Lowering: the parsed OpenAPI document in, the validated [`Api`] out.
//!
//! Every problem is recorded as a [`Diagnostic`] with its YAML path and lowering goes on, so
//! one run reports all of them. One module per concern: [`schemas`] builds the type space,
//! [`parameters`], [`bodies`] and [`responses`] lower the parts of an operation,
//! [`operations`] assembles them, [`service`] reads `info` and `servers`. The passes over
//! the finished type space (boxing, derivations) live outside, in `cycles` and `derives`.

mod bodies;
mod model_names;
mod operations;
mod pagination;
mod parameters;
mod responses;
mod schemas;
mod service;
mod shapes;

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;
use openapiv3 as oa;

use crate::error::{Diagnostic, Kind};
use crate::ir::*;

pub use operations::IDEMPOTENT_EXTENSION;

/// Lowers a parsed spec, or returns every problem found. With `skip_unsupported`, a problem
/// confined to one operation (or to its paging) costs that operation (or its paging) only:
/// it is returned in the list of what was left out instead of failing the whole spec.
pub fn lower(
    spec: &oa::OpenAPI,
    skip_unsupported: bool,
) -> Result<(Api, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut lowerer = Lowerer::new(spec);
    lowerer.skip_unsupported = skip_unsupported;
    match service::global(spec) {
        Ok(global) => lowerer.global = global,
        Err(diagnostic) => lowerer.error(diagnostic),
    }
    lowerer.register_components();
    lowerer.lower_components();
    let operations = lowerer.lower_operations();
    lowerer.check_alias_cycles();
    lowerer.check_forms_stay_in_forms(&operations);
    if !lowerer.diagnostics.is_empty() {
        return Err(lowerer.diagnostics);
    }
    let skipped = std::mem::take(&mut lowerer.skipped);
    let mut api = Api {
        service: service::service(spec, lowerer.global),
        models: lowerer
            .models
            .into_iter()
            .map(|model| model.finish())
            .collect(),
        operations,
        features: Vec::new(),
        shadowed: Vec::new(),
    };
    api.shadowed = [
        "Option",
        "String",
        "Vec",
        "Box",
        "Result",
        "Into",
        "IntoIterator",
    ]
    .into_iter()
    .filter(|name| api.models.iter().any(|model| model.name == *name))
    .map(str::to_owned)
    .collect();
    crate::cycles::box_recursive_fields(&mut api);
    crate::derives::derive_defaults(&mut api);
    crate::derives::mark_directions(&mut api);
    crate::features::assign(&mut api);
    Ok((api, skipped))
}

/// A model being lowered: components get their id before their schema is lowered, so
/// references to them (even cyclic ones) resolve.
struct Slot {
    name: String,
    doc: Option<String>,
    path: String,
    kind: Option<ModelKind>,
}

impl Slot {
    fn finish(self) -> Model {
        Model {
            name: self.name,
            doc: self.doc,
            path: self.path,
            // A slot left empty had a problem, reported; lowering stopped before this.
            kind: self.kind.unwrap_or(ModelKind::Alias(Type::JsonValue)),
            features: None,
        }
    }
}

/// What a component schema became.
#[derive(Debug, Clone, Copy)]
struct Component {
    id: ModelId,
    kind: ComponentKind,
}

/// The shape of a component, known from its registration on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ComponentKind {
    Struct,
    Enum,
    Alias,
}

struct Lowerer<'a> {
    spec: &'a oa::OpenAPI,
    schemas: &'a IndexMap<String, oa::ReferenceOr<oa::Schema>>,
    diagnostics: Vec<Diagnostic>,
    /// Every problem recorded, to record each once.
    reported: HashSet<Diagnostic>,
    models: Vec<Slot>,
    /// Escaped Rust type name → the YAML path that claimed it, to report collisions.
    type_names: HashMap<String, String>,
    /// Component schema name → its model.
    components: HashMap<String, Component>,
    /// Each component schema's shape, in the spec's order, classified once when it is
    /// registered and taken when it is lowered (`None` for a bare `$ref`).
    shapes: Vec<Option<Result<shapes::Shape<'a>, Diagnostic>>>,
    /// Component schemas that are the body of a multipart request: lowered as forms.
    form_components: Vec<String>,
    /// Whether a problem confined to one operation leaves that operation out instead of
    /// failing the spec (`--skip-unsupported`).
    skip_unsupported: bool,
    /// What was left out, and why, when `skip_unsupported` is on.
    skipped: Vec<Diagnostic>,
    /// Whether the service is global (`x-credentials: global`).
    global: bool,
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
            reported: HashSet::new(),
            models: Vec::new(),
            type_names: HashMap::new(),
            components: HashMap::new(),
            shapes: Vec::new(),
            form_components: bodies::form_components(spec),
            skip_unsupported: false,
            skipped: Vec::new(),
            global: false,
        }
    }

    /// Records a problem once: a shared schema (an `allOf` member, say) can be met from
    /// several places.
    fn error(&mut self, diagnostic: Diagnostic) {
        if self.reported.insert(diagnostic.clone()) {
            self.diagnostics.push(diagnostic);
        }
    }

    /// Drops the models an operation left out by `--skip-unsupported` had made (its inline
    /// types, added after `count`), and frees their names.
    fn forget_models_since(&mut self, count: usize, operation_path: &str) {
        self.models.truncate(count);
        self.type_names
            .retain(|_, path| !path.starts_with(&format!("{operation_path}.")));
    }

    /// With `skip_unsupported`, moves the problems found since `since` to the skipped list
    /// when every one of them lies under `scope` (a YAML path), and says so; problems
    /// elsewhere (a shared schema) stay errors.
    fn skip_since(&mut self, since: usize, scope: &str) -> bool {
        let confined = self.diagnostics[since..].iter().all(|diagnostic| {
            diagnostic.kind == Kind::Unsupported
                && (diagnostic.path == scope
                    || diagnostic.path.starts_with(&format!("{scope}."))
                    || diagnostic.path.starts_with(&format!("{scope}[")))
        });
        if !self.skip_unsupported || since == self.diagnostics.len() || !confined {
            return false;
        }
        let moved = self.diagnostics.drain(since..).map(|mut diagnostic| {
            diagnostic.left_out = Some(scope.to_owned());
            diagnostic
        });
        self.skipped.extend(moved);
        true
    }

    fn unsupported(&mut self, path: &str, what: &str, help: &str) {
        self.error(unsupported(path, what, help));
    }

    /// Claims a Rust type name in `models`, reporting a collision with an earlier claim.
    fn claim_type_name(&mut self, pascal: &str, path: &str) -> bool {
        let key = crate::names::pascal_ident(pascal).to_string();
        if let Some(previous) = self.type_names.get(&key) {
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
        self.type_names.insert(key, path.to_owned());
        true
    }

    /// Adds a model slot (its kind set later) and returns its id.
    fn add_model(&mut self, name: String, doc: Option<String>, path: &str) -> ModelId {
        self.models.push(Slot {
            name,
            doc,
            path: path.to_owned(),
            kind: None,
        });
        ModelId(self.models.len() - 1)
    }

    fn set_kind(&mut self, id: ModelId, kind: ModelKind) {
        self.models[id.0].kind = Some(kind);
    }

    /// Resolves a `$ref` to an entry of `components.<section>`, or reports it.
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
                        self.error(points_to_nothing(
                            path,
                            reference,
                            &format!("refer to an entry defined inline under `components.{section}` as `{prefix}Name`"),
                        ));
                        None
                    }
                }
            }
        }
    }

    /// Follows aliases to the type they stand for.
    fn see_through_aliases(&self, ty: Type) -> Type {
        self.through_aliases(&ty).clone()
    }

    /// Follows aliases to the type they stand for, by reference. Alias cycles are reported
    /// separately; the helper's bound keeps them from looping.
    fn through_aliases<'t>(&'t self, ty: &'t Type) -> &'t Type {
        crate::ir::through_aliases(ty, self.models.len(), |id| match &self.models[id.0].kind {
            Some(ModelKind::Alias(target)) => Some(target),
            _ => None,
        })
    }

    /// Whether a type is a model of this shape (without seeing through aliases).
    fn is_enum(&self, ty: &Type) -> bool {
        matches!(ty, Type::Model(id) if matches!(self.models[id.0].kind, Some(ModelKind::Enum(_))))
    }

    /// The fields of the object a type stands for, through aliases.
    fn struct_fields(&self, ty: &Type) -> Option<&[Field]> {
        let Type::Model(id) = self.through_aliases(ty) else {
            return None;
        };
        match self.models[id.0].kind.as_ref()? {
            ModelKind::Struct(model) => Some(&model.fields),
            _ => None,
        }
    }

    /// Whether a value of this type is one text on the wire (a parameter, a form field, a
    /// query map's value): a string, number, boolean or string enum, aliases seen through.
    fn is_scalar(&self, ty: &Type) -> bool {
        let ty = self.through_aliases(ty);
        matches!(
            ty,
            Type::String | Type::Boolean | Type::I32 | Type::I64 | Type::F32 | Type::F64
        ) || self.is_enum(ty)
    }
}

/// The message for a `$ref` that resolves to nothing.
fn points_to_nothing(path: &str, reference: &str, help: &str) -> Diagnostic {
    Diagnostic::new(path, format!("`$ref: {reference}` points to nothing")).help(help)
}

fn unsupported(path: &str, what: &str, help: &str) -> Diagnostic {
    Diagnostic::new(path, format!("{what} is not supported by the generator"))
        .help(help)
        .unsupported()
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

/// The content entry an operation part is lowered from: the first JSON one, else the first.
fn pick_content(content: &IndexMap<String, oa::MediaType>) -> Option<(&String, &oa::MediaType)> {
    content
        .iter()
        .find(|(media_type, _)| is_json(media_type))
        .or_else(|| content.first())
}

/// A description from optional parts, without duplicates or blanks; `None` when empty.
fn join_doc(parts: &[Option<&str>]) -> Option<String> {
    let mut seen: Vec<&str> = Vec::new();
    for part in parts.iter().flatten() {
        let part = part.trim();
        if !part.is_empty() && !seen.contains(&part) {
            seen.push(part);
        }
    }
    (!seen.is_empty()).then(|| seen.join("\n\n"))
}

/// A short name of a type for messages.
fn describe_type(lowerer: &Lowerer<'_>, ty: &Type) -> String {
    match ty {
        Type::String => "string".into(),
        Type::Boolean => "boolean".into(),
        Type::I32 | Type::I64 => "integer".into(),
        Type::F32 | Type::F64 => "number".into(),
        Type::Model(id) => {
            let slot = &lowerer.models[id.0];
            match slot.kind {
                Some(ModelKind::Struct(_)) => format!("object `{}`", slot.name),
                Some(ModelKind::Enum(_)) => format!("enum `{}`", slot.name),
                _ => format!("`{}`", slot.name),
            }
        }
        Type::Array(inner) => format!("array of {}", describe_type(lowerer, inner)),
        Type::Map(_) | Type::JsonObject => "object".into(),
        Type::JsonValue | Type::Alternatives(_) => "any JSON value".into(),
        Type::File => "binary".into(),
    }
}
