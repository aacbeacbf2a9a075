//! Request bodies: JSON of any schema, `application/x-www-form-urlencoded` from an object
//! schema of scalars, `multipart/form-data` from an object schema (its
//! binary properties become file parts), and raw bytes for any other media type.

use openapiv3 as oa;

use super::{describe_type, essence, is_json, pick_content, shapes, Lowerer};
use crate::error::Diagnostic;
use crate::ir::*;
use crate::names;

/// The component schemas used directly as the schema of a `multipart/form-data` body:
/// they are lowered as forms.
pub(super) fn form_components(spec: &oa::OpenAPI) -> Vec<String> {
    let components = spec.components.as_ref();
    let mut found = Vec::new();
    for item in spec.paths.paths.values() {
        let oa::ReferenceOr::Item(item) = item else {
            continue;
        };
        for (_, operation) in item.iter() {
            let body = match &operation.request_body {
                Some(oa::ReferenceOr::Item(body)) => Some(body),
                Some(oa::ReferenceOr::Reference { reference }) => reference
                    .strip_prefix("#/components/requestBodies/")
                    .and_then(|name| components?.request_bodies.get(name))
                    .and_then(|body| body.as_item()),
                None => None,
            };
            let Some((media_type, content)) = body.and_then(|body| pick_content(&body.content))
            else {
                continue;
            };
            if essence(media_type) != "multipart/form-data" {
                continue;
            }
            if let Some(oa::ReferenceOr::Reference { reference }) = &content.schema {
                if let Some(name) = reference.strip_prefix("#/components/schemas/") {
                    if !found.iter().any(|known| known == name) {
                        found.push(name.to_owned());
                    }
                }
            }
        }
    }
    found
}

impl Lowerer<'_> {
    pub(super) fn lower_request_body(
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
        let Some((media_type, content)) = pick_content(&body.content) else {
            self.error(
                Diagnostic::new(path, "request body has no `content`")
                    .help("add `content: {application/json: {schema: ...}}`"),
            );
            return None;
        };
        let content_path = format!("{path}.content.{media_type}");
        let essence = essence(media_type);
        let hint = format!("{operation_pascal}RequestBody");
        let kind = if is_json(media_type) {
            match &content.schema {
                Some(schema) => BodyKind::Json(self.lower_ref_or(
                    schema,
                    &format!("{content_path}.schema"),
                    &hint,
                )?),
                None => BodyKind::Json(Type::JsonValue),
            }
        } else if essence == "multipart/form-data" {
            BodyKind::Form(self.lower_form(content.schema.as_ref(), &content_path, &hint)?)
        } else if essence == "application/x-www-form-urlencoded" {
            let schema_path = format!("{content_path}.schema");
            let Some(schema) = &content.schema else {
                self.error(
                    Diagnostic::new(&content_path, "a form-urlencoded body has no schema").help(
                        "give it an object schema whose properties are scalars or arrays of them",
                    ),
                );
                return None;
            };
            let ty = self.lower_ref_or(schema, &schema_path, &hint)?;
            if let Err(what) = self.url_encodable(&ty) {
                self.unsupported(
                    &schema_path,
                    &format!("a form-urlencoded body of {what}"),
                    "use an object schema whose properties are strings, numbers, booleans, string enums or arrays of them",
                );
                return None;
            }
            BodyKind::UrlEncoded(ty)
        } else {
            BodyKind::Raw
        };
        let description = body
            .description
            .clone()
            .filter(|text| !text.trim().is_empty());
        let doc = match &kind {
            BodyKind::Json(ty) => self.doc_with_alternatives(description, ty),
            _ => description,
        };
        Some(RequestBody {
            media_type: media_type.clone(),
            required: body.required,
            doc,
            kind,
        })
    }

    /// Whether a form-urlencoded body can be of this type: an object model whose fields
    /// are scalars, string enums or arrays of them, the pairs the official SDK sends. Else
    /// what it is instead, for the message.
    fn url_encodable(&self, ty: &Type) -> Result<(), String> {
        let Some(fields) = self.struct_fields(ty) else {
            return Err(describe_type(self, ty));
        };
        for field in fields {
            let fits = match self.through_aliases(&field.ty) {
                Type::Array(item) => self.is_scalar(item),
                other => self.is_scalar(other),
            };
            if !fits {
                return Err(format!(
                    "an object whose property `{}` is {}",
                    field.wire_name,
                    describe_type(self, &field.ty)
                ));
            }
        }
        Ok(())
    }

    /// The form model of a multipart body: a component lowered as a form, or an inline
    /// object schema made into one.
    fn lower_form(
        &mut self,
        schema: Option<&oa::ReferenceOr<oa::Schema>>,
        content_path: &str,
        hint: &str,
    ) -> Option<ModelId> {
        let schema_path = format!("{content_path}.schema");
        let not_an_object = |path: &str| {
            Diagnostic::new(
                path,
                "a multipart body schema must be an object with properties",
            )
            .help("describe each form part as a property; `type: string, format: binary` for files")
        };
        match schema {
            Some(oa::ReferenceOr::Reference { reference }) => {
                let ty = self.resolve_ref(reference, &schema_path)?;
                match (&ty, self.component_kind(&ty)) {
                    (Type::Model(id), Some(super::ComponentKind::Struct)) => Some(*id),
                    _ => {
                        self.error(not_an_object(&schema_path));
                        None
                    }
                }
            }
            Some(oa::ReferenceOr::Item(schema)) => {
                match shapes::shape(self.schemas, schema, &schema_path) {
                    Ok(shapes::Shape::Object {
                        properties,
                        required,
                    }) => {
                        let pascal = names::pascal(hint);
                        if !self.claim_type_name(&pascal, &schema_path) {
                            return None;
                        }
                        let doc = schema.schema_data.description.clone();
                        let id = self.add_model(pascal.clone(), doc, &schema_path);
                        let model =
                            self.lower_struct(&pascal, &properties, &required, &schema_path, true);
                        self.set_kind(id, ModelKind::Struct(model));
                        Some(id)
                    }
                    Ok(_) => {
                        self.error(not_an_object(&schema_path));
                        None
                    }
                    Err(diagnostic) => {
                        self.error(diagnostic);
                        None
                    }
                }
            }
            None => {
                self.error(not_an_object(content_path));
                None
            }
        }
    }

    /// A form model is never JSON: one used in a JSON body, response or another model is
    /// refused, since its file parts cannot be serialised.
    pub(super) fn check_forms_stay_in_forms(&mut self, operations: &[Operation]) {
        let forms: Vec<ModelId> = self
            .models
            .iter()
            .enumerate()
            .filter(|(_, slot)| matches!(&slot.kind, Some(ModelKind::Struct(model)) if model.form))
            .map(|(index, _)| ModelId(index))
            .collect();
        if forms.is_empty() {
            return;
        }
        let mut uses: Vec<(String, &Type)> = Vec::new();
        for slot in &self.models {
            match &slot.kind {
                Some(ModelKind::Struct(model)) if !model.form => {
                    uses.extend(model.fields.iter().map(|field| {
                        (
                            format!("{}.properties.{}", slot.path, field.wire_name),
                            &field.ty,
                        )
                    }))
                }
                Some(ModelKind::Alias(ty)) => uses.push((slot.path.clone(), ty)),
                _ => {}
            }
        }
        for operation in operations {
            if let Some(RequestBody {
                kind: BodyKind::Json(ty),
                ..
            }) = &operation.body
            {
                uses.push((format!("operation `{}` request body", operation.name), ty));
            }
            if let Some(body) = &operation.response.body {
                for ty in body.kind.json_types() {
                    uses.push((format!("operation `{}` response body", operation.name), ty));
                }
            }
        }
        let mut problems = Vec::new();
        for (place, ty) in uses {
            let mut named = Vec::new();
            crate::graph::named_in(ty, &mut named);
            if let Some(form) = named.iter().find(|id| forms.contains(id)) {
                problems.push(
                    Diagnostic::new(
                        place,
                        format!(
                            "the multipart form schema `{}` is also used as JSON",
                            self.models[form.0].name
                        ),
                    )
                    .help("give the multipart body a schema of its own"),
                );
            }
        }
        for problem in problems {
            self.error(problem);
        }
    }
}
