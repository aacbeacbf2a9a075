//! `x-pagination`: how a list operation pages, checked against its parameters, request
//! body and response body.
//!
//! ```yaml
//! x-pagination:
//!   offset: offset   # a query parameter, or a property of the JSON request body
//!   limit: limit     # in the same place as the offset
//!   items: data      # the array property of the 2xx JSON body holding the page's items
//!   total: total     # optional: the integer property with the total number of items
//! ```

use openapiv3 as oa;

use super::Lowerer;
use crate::error::Diagnostic;
use crate::ir::*;

/// The vendor extension that declares paging.
const PAGINATION_EXTENSION: &str = "x-pagination";

const KEYS: [&str; 4] = ["offset", "limit", "items", "total"];

impl Lowerer<'_> {
    pub(super) fn pagination(
        &mut self,
        operation: &oa::Operation,
        path: &str,
        params: &[Param],
        body: Option<&RequestBody>,
        response: &Response,
    ) -> Option<Pagination> {
        let value = operation.extensions.get(PAGINATION_EXTENSION)?;
        let path = format!("{path}.{PAGINATION_EXTENSION}");
        let help = "write `x-pagination: {offset: offset, limit: limit, items: data, total: total}` (`total` optional)";
        let Some(object) = value.as_object() else {
            self.error(Diagnostic::new(&path, "`x-pagination` must be a mapping").help(help));
            return None;
        };
        let mut names = [None, None, None, None];
        for (key, value) in object {
            let Some(slot) = KEYS.iter().position(|known| known == key) else {
                self.error(
                    Diagnostic::new(&path, format!("unknown key `{key}`"))
                        .help("the keys are `offset`, `limit`, `items` and `total`"),
                );
                return None;
            };
            let Some(name) = value.as_str() else {
                self.error(
                    Diagnostic::new(
                        format!("{path}.{key}"),
                        "must be a property or parameter name",
                    )
                    .help(help),
                );
                return None;
            };
            names[slot] = Some(name.to_owned());
        }
        let [Some(offset), Some(limit), Some(items), total] = names else {
            self.error(
                Diagnostic::new(&path, "`offset`, `limit` and `items` are required").help(help),
            );
            return None;
        };
        let place = self.page_place(&path, &offset, params, body)?;
        // Each as (Rust name, type, whether an `Option`), where the place says.
        let (found, place_name) = match place {
            PagePlace::Query => {
                let query = |wire: &str| {
                    params
                        .iter()
                        .find(|param| {
                            param.location == ParamLocation::Query && param.wire_name == wire
                        })
                        .map(|param| (param.name.clone(), param.ty.clone(), true))
                };
                ((query(&offset), query(&limit)), "a query parameter")
            }
            PagePlace::Body => {
                let fields = body.and_then(|body| match &body.kind {
                    BodyKind::Json(ty) => self.struct_fields(ty),
                    _ => None,
                });
                let find = |wire: &str| {
                    fields?
                        .iter()
                        .find(|field| field.wire_name == wire)
                        .map(|field| (field.name.clone(), field.ty.clone(), field.optional()))
                };
                ((find(&offset), find(&limit)), "a request body property")
            }
        };
        let (Some(offset_found), Some(limit_found)) = found else {
            self.error(
                Diagnostic::new(
                    &path,
                    format!("`{limit}` is not {place_name} like `{offset}`"),
                )
                .help("offset and limit must both be query parameters or both body properties"),
            );
            return None;
        };
        let offset = self.page_field(&path, "offset", offset_found, offset)?;
        let limit = self.page_field(&path, "limit", limit_found, limit)?;
        let Some(ResponseBody {
            kind: ResponseKind::Json(body_type),
            optional: body_optional,
            ..
        }) = &response.body
        else {
            self.error(
                Diagnostic::new(&path, "a paged operation needs a JSON response body")
                    .help("remove `x-pagination`, or declare the 2xx response's JSON schema"),
            );
            return None;
        };
        let body_optional = *body_optional;
        let Some(fields) = self.struct_fields(body_type) else {
            self.error(
                Diagnostic::new(&path, "the response body is not an object with properties")
                    .help("`items` and `total` name properties of the 2xx JSON body"),
            );
            return None;
        };
        let field = |wire: &str| fields.iter().find(|field| field.wire_name == wire);
        let (items_field, item) = match field(&items) {
            Some(found) => match &found.ty {
                Type::Array(item) if !found.boxed => (
                    PageField {
                        name: found.name.clone(),
                        wire_name: items.clone(),
                        optional: found.optional(),
                        wide: false,
                    },
                    (**item).clone(),
                ),
                _ => {
                    let message =
                        format!("`{items}` is not an array property of the response body");
                    self.error(Diagnostic::new(format!("{path}.items"), message).help(help));
                    return None;
                }
            },
            None => {
                let message = format!("the response body has no property `{items}`");
                self.error(Diagnostic::new(format!("{path}.items"), message).help(help));
                return None;
            }
        };
        let total = match total {
            None => None,
            Some(total) => match field(&total) {
                Some(found) if matches!(found.ty, Type::I32 | Type::I64) => Some(PageField {
                    name: found.name.clone(),
                    wire_name: total.clone(),
                    optional: found.optional(),
                    wide: found.ty == Type::I64,
                }),
                _ => {
                    let message = format!("the response body has no integer property `{total}`");
                    self.error(Diagnostic::new(format!("{path}.total"), message).help(help));
                    return None;
                }
            },
        };
        Some(Pagination {
            place,
            offset,
            limit,
            items: items_field,
            item,
            total,
            body_optional,
        })
    }

    /// Whether offset and limit are query parameters or request body properties.
    fn page_place(
        &mut self,
        path: &str,
        offset: &str,
        params: &[Param],
        body: Option<&RequestBody>,
    ) -> Option<PagePlace> {
        if params
            .iter()
            .any(|param| param.location == ParamLocation::Query && param.wire_name == offset)
        {
            return Some(PagePlace::Query);
        }
        if body.is_some() {
            return Some(PagePlace::Body);
        }
        self.error(
            Diagnostic::new(
                path,
                format!("`{offset}` is neither a query parameter nor a request body property"),
            )
            .help("name the offset as the spec names its parameter or body property"),
        );
        None
    }

    fn page_field(
        &mut self,
        path: &str,
        key: &str,
        (name, ty, optional): (String, Type, bool),
        wire_name: String,
    ) -> Option<PageField> {
        if !matches!(ty, Type::I32 | Type::I64) {
            self.error(
                Diagnostic::new(
                    format!("{path}.{key}"),
                    format!("`{wire_name}` is not an integer"),
                )
                .help("paging counts items with integer offsets and limits"),
            );
            return None;
        }
        Some(PageField {
            name,
            wire_name,
            optional,
            wide: ty == Type::I64,
        })
    }

    /// The fields of the object a type stands for, through aliases.
    fn struct_fields(&self, ty: &Type) -> Option<&[Field]> {
        let mut ty = ty;
        for _ in 0..self.models.len() + 1 {
            let Type::Model(id) = ty else { return None };
            match self.models[id.0].kind.as_ref()? {
                ModelKind::Struct(model) => return Some(&model.fields),
                ModelKind::Alias(target) => ty = target,
                ModelKind::Enum(_) => return None,
            }
        }
        None
    }
}
