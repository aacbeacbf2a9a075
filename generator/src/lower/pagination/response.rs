//! The response side of `x-pagination`: the items, total and next marker found in the 2xx
//! JSON body, through object properties for the `*_path` keys, and the item field of
//! `next_item`.

use super::{Kind, Located, Style, HELP};
use crate::error::Diagnostic;
use crate::ir::*;
use crate::lower::Lowerer;

use Kind::{Integer, Text};

impl Lowerer<'_> {
    /// Checks the response side and assembles the paging.
    pub(super) fn finish(
        &mut self,
        path: &str,
        place: PagePlace,
        style: Style,
        limit: Option<PageField>,
        items: Located,
        response: &Response,
    ) -> Option<Pagination> {
        let Some(ResponseBody {
            kind: ResponseKind::Json(body_type),
            optional: body_optional,
            ..
        }) = &response.body
        else {
            self.error(
                Diagnostic::new(path, "a paged operation needs one JSON response body").help(
                    "remove `x-pagination`, or declare one JSON schema for its 2xx responses",
                ),
            );
            return None;
        };
        let body_optional = *body_optional;
        if self.struct_fields(body_type).is_none() {
            self.error(
                Diagnostic::new(path, "the response body is not an object with properties")
                    .help("`items`, `total` and `next` name properties of the 2xx JSON body"),
            );
            return None;
        }
        let (items_path, item) = match self.follow(body_type, &items.steps) {
            Ok((found, Type::Array(item))) => (found, *item),
            Ok(_) => {
                let message = format!(
                    "`{}` is not an array property of the response body",
                    items.steps.join(".")
                );
                self.error(Diagnostic::new(format!("{path}.{}", items.key), message).help(HELP));
                return None;
            }
            Err(message) => {
                self.error(Diagnostic::new(format!("{path}.{}", items.key), message).help(HELP));
                return None;
            }
        };
        let step = match style {
            Style::Offset { offset, total } => {
                let total = self.total(path, body_type, total)?;
                PageStep::Offset { offset, total }
            }
            Style::Page { page, first, total } => {
                let total = self.total(path, body_type, total)?;
                PageStep::Page { page, first, total }
            }
            Style::Marker { marker, next } => {
                let next = self.response_value(path, body_type, next, Text)?;
                PageStep::Marker { marker, next }
            }
            Style::LastItem { marker, field } => {
                let found = self
                    .struct_fields(&item)
                    .and_then(|item_fields| {
                        item_fields
                            .iter()
                            .find(|item_field| item_field.wire_name == field)
                    })
                    .filter(|item_field| Text.accepts(self.through_aliases(&item_field.ty)));
                let Some(found) = found else {
                    let message = format!("the items have no string property `{field}`");
                    self.error(Diagnostic::new(format!("{path}.next_item"), message).help(
                        "`next_item` names the string property of an item that the next page's marker takes",
                    ));
                    return None;
                };
                let field = PageField {
                    name: found.name.clone(),
                    wire_name: field,
                    optional: found.optional(),
                    wide: false,
                };
                PageStep::LastItem { marker, field }
            }
        };
        Some(Pagination {
            place,
            step,
            limit,
            items: items_path,
            item,
            body_optional,
        })
    }

    /// The total of the response, when one is named: `None` when it is not found.
    fn total(
        &mut self,
        path: &str,
        body_type: &Type,
        total: Option<Located>,
    ) -> Option<Option<BodyPath>> {
        match total {
            None => Some(None),
            Some(total) => self
                .response_value(path, body_type, total, Integer)
                .map(Some),
        }
    }

    /// A total or next marker of the response: it must be of `kind`.
    fn response_value(
        &mut self,
        path: &str,
        body_type: &Type,
        value: Located,
        kind: Kind,
    ) -> Option<BodyPath> {
        let message = match self.follow(body_type, &value.steps) {
            Ok((found, ty)) if kind.accepts(&ty) => return Some(found),
            Ok(_) => format!(
                "`{}` of the response body is not {}",
                value.steps.join("."),
                kind.name()
            ),
            Err(message) => message,
        };
        self.error(Diagnostic::new(format!("{path}.{}", value.key), message).help(HELP));
        None
    }

    /// Follows `steps` from the response body through object properties: each step but
    /// the last must be an object. The path and the type of the value (through aliases),
    /// or what went wrong.
    fn follow(&self, body_type: &Type, steps: &[String]) -> Result<(BodyPath, Type), String> {
        let Some(mut fields) = self.struct_fields(body_type) else {
            return Err("the response body is not an object with properties".to_owned());
        };
        let mut objects = Vec::new();
        for (index, step) in steps.iter().enumerate() {
            let Some(found) = fields.iter().find(|field| field.wire_name == *step) else {
                return Err(match index {
                    0 => format!("the response body has no property `{step}`"),
                    _ => format!("`{}` has no property `{step}`", steps[..index].join(".")),
                });
            };
            let ty = self.through_aliases(&found.ty);
            let page_field = PageField {
                name: found.name.clone(),
                wire_name: step.clone(),
                optional: found.optional(),
                wide: *ty == Type::I64,
            };
            if index + 1 == steps.len() {
                let path = BodyPath {
                    objects,
                    value: page_field,
                };
                return Ok((path, ty.clone()));
            }
            let Some(inner) = self.struct_fields(&found.ty) else {
                return Err(format!(
                    "`{}` is not an object property, so `{}` cannot be followed",
                    steps[..=index].join("."),
                    steps.join(".")
                ));
            };
            objects.push(page_field);
            fields = inner;
        }
        Err("the path names no property".to_owned())
    }
}
