//! `x-pagination`: how a list operation pages, checked against its parameters, request
//! body and response body. Two styles, by wire names:
//!
//! ```yaml
//! x-pagination:        # an item offset
//!   offset: offset     # a query parameter, or a property of the JSON request body
//!   limit: limit       # in the same place as the offset
//!   items: data        # the array property of the 2xx JSON body holding the page's items
//!   total: total       # optional: the integer property with the total number of items
//! x-pagination:        # a marker the service hands back
//!   marker: marker     # a query parameter or JSON request body property (a string)
//!   next: next_marker  # the string property of the 2xx JSON body naming the next page
//!   items: data
//!   limit: limit       # optional, in the same place as the marker
//! ```

use openapiv3 as oa;

use super::Lowerer;
use crate::error::Diagnostic;
use crate::ir::*;

/// The vendor extension that declares paging.
pub(super) const PAGINATION_EXTENSION: &str = "x-pagination";

const KEYS: [&str; 6] = ["offset", "limit", "items", "total", "marker", "next"];

const HELP: &str = "write `x-pagination: {offset: offset, limit: limit, items: data, total: total}` (`total` optional) or `{marker: marker, next: next_marker, items: data, limit: limit}` (`limit` optional)";

/// A request value paging reads or sets, as found: (Rust name, type, whether an `Option`).
type Found = (String, Type, bool);

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
        let Some(object) = value.as_object() else {
            self.error(Diagnostic::new(&path, "`x-pagination` must be a mapping").help(HELP));
            return None;
        };
        let mut names: [Option<String>; 6] = Default::default();
        for (key, value) in object {
            let Some(slot) = KEYS.iter().position(|known| known == key) else {
                self.error(
                    Diagnostic::new(&path, format!("unknown key `{key}`")).help(
                        "the keys are `offset`, `limit`, `items` and `total`, or `marker`, `next`, `items` and `limit`",
                    ),
                );
                return None;
            };
            let Some(name) = value.as_str() else {
                self.error(
                    Diagnostic::new(
                        format!("{path}.{key}"),
                        "must be a property or parameter name",
                    )
                    .help(HELP),
                );
                return None;
            };
            names[slot] = Some(name.to_owned());
        }
        let [offset, limit, Some(items), total, marker, next] = names else {
            self.error(Diagnostic::new(&path, "`items` is required").help(HELP));
            return None;
        };
        // The request side: where the values are, and each one found there.
        let (place, style, limit) = match (offset, marker, next, total) {
            (Some(offset), None, None, total) => {
                let Some(limit) = limit else {
                    self.error(Diagnostic::new(&path, "offset paging needs `limit`").help(HELP));
                    return None;
                };
                let place = self.page_place(&path, &offset, params, body)?;
                let [offset_found, limit_found] =
                    self.find_in_request(&path, place, [&offset, &limit], params, body)?;
                let offset = self.page_field(&path, "offset", offset_found, offset, Integer)?;
                let limit = self.page_field(&path, "limit", limit_found, limit, Integer)?;
                (place, Style::Offset { offset, total }, Some(limit))
            }
            (None, Some(marker), Some(next), None) => {
                let place = self.page_place(&path, &marker, params, body)?;
                let (marker_found, limit) = match limit {
                    None => {
                        let [marker_found] =
                            self.find_in_request(&path, place, [&marker], params, body)?;
                        (marker_found, None)
                    }
                    Some(limit) => {
                        let [marker_found, limit_found] =
                            self.find_in_request(&path, place, [&marker, &limit], params, body)?;
                        let limit = self.page_field(&path, "limit", limit_found, limit, Integer)?;
                        (marker_found, Some(limit))
                    }
                };
                let marker = self.page_field(&path, "marker", marker_found, marker, Text)?;
                (place, Style::Marker { marker, next }, limit)
            }
            _ => {
                self.error(
                    Diagnostic::new(
                        &path,
                        "give either `offset` (and `total`), or `marker` and `next`",
                    )
                    .help(HELP),
                );
                return None;
            }
        };
        self.finish(&path, place, style, limit, items, response)
    }

    /// Checks the response side and assembles the paging.
    fn finish(
        &mut self,
        path: &str,
        place: PagePlace,
        style: Style,
        limit: Option<PageField>,
        items: String,
        response: &Response,
    ) -> Option<Pagination> {
        // The response side.
        let Some(ResponseBody {
            kind: ResponseKind::Json(body_type),
            optional: body_optional,
            ..
        }) = &response.body
        else {
            self.error(
                Diagnostic::new(path, "a paged operation needs a JSON response body")
                    .help("remove `x-pagination`, or declare the 2xx response's JSON schema"),
            );
            return None;
        };
        let body_optional = *body_optional;
        let Some(fields) = self.struct_fields(body_type) else {
            self.error(
                Diagnostic::new(path, "the response body is not an object with properties")
                    .help("`items`, `total` and `next` name properties of the 2xx JSON body"),
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
                    self.error(Diagnostic::new(format!("{path}.items"), message).help(HELP));
                    return None;
                }
            },
            None => {
                let message = format!("the response body has no property `{items}`");
                self.error(Diagnostic::new(format!("{path}.items"), message).help(HELP));
                return None;
            }
        };
        let response_field = |wire: &str, kind: Kind| {
            let found = field(wire).filter(|found| kind.accepts(&found.ty))?;
            Some(PageField {
                name: found.name.clone(),
                wire_name: wire.to_owned(),
                optional: found.optional(),
                wide: found.ty == Type::I64,
            })
        };
        let step = match style {
            Style::Offset { offset, total } => {
                let total = match total {
                    None => None,
                    Some(total) => match response_field(&total, Integer) {
                        Some(found) => Some(found),
                        None => {
                            let message =
                                format!("the response body has no integer property `{total}`");
                            self.error(
                                Diagnostic::new(format!("{path}.total"), message).help(HELP),
                            );
                            return None;
                        }
                    },
                };
                PageStep::Offset { offset, total }
            }
            Style::Marker { marker, next } => match response_field(&next, Text) {
                Some(next) => PageStep::Marker { marker, next },
                None => {
                    let message = format!("the response body has no string property `{next}`");
                    self.error(Diagnostic::new(format!("{path}.next"), message).help(HELP));
                    return None;
                }
            },
        };
        Some(Pagination {
            place,
            step,
            limit,
            items: items_field,
            item,
            body_optional,
        })
    }

    /// Whether the paging values are query parameters or request body properties, by
    /// where the first one is.
    fn page_place(
        &mut self,
        path: &str,
        first: &str,
        params: &[Param],
        body: Option<&RequestBody>,
    ) -> Option<PagePlace> {
        if params
            .iter()
            .any(|param| param.location == ParamLocation::Query && param.wire_name == first)
        {
            return Some(PagePlace::Query);
        }
        if body.is_some() {
            return Some(PagePlace::Body);
        }
        self.error(
            Diagnostic::new(
                path,
                format!("`{first}` is neither a query parameter nor a request body property"),
            )
            .help("name it as the spec names its parameter or body property"),
        );
        None
    }

    /// Each named value in `place`; all must be there.
    fn find_in_request<const N: usize>(
        &mut self,
        path: &str,
        place: PagePlace,
        wires: [&String; N],
        params: &[Param],
        body: Option<&RequestBody>,
    ) -> Option<[Found; N]> {
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
                (wires.map(|wire| query(wire)), "a query parameter")
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
                (wires.map(|wire| find(wire)), "a request body property")
            }
        };
        let mut values = Vec::with_capacity(N);
        for (wire, value) in wires.iter().zip(found) {
            let Some(value) = value else {
                self.error(
                    Diagnostic::new(path, format!("`{wire}` is not {place_name} like `{}`", wires[0]))
                        .help("the paging values of a request must all be query parameters or all body properties"),
                );
                return None;
            };
            values.push(value);
        }
        values.try_into().ok()
    }

    fn page_field(
        &mut self,
        path: &str,
        key: &str,
        (name, ty, optional): Found,
        wire_name: String,
        kind: Kind,
    ) -> Option<PageField> {
        if !kind.accepts(&ty) {
            self.error(
                Diagnostic::new(
                    format!("{path}.{key}"),
                    format!("`{wire_name}` is not {}", kind.name()),
                )
                .help("offsets and limits are integers, markers are strings"),
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
        let Type::Model(id) = self.through_aliases(ty) else {
            return None;
        };
        match self.models[id.0].kind.as_ref()? {
            ModelKind::Struct(model) => Some(&model.fields),
            _ => None,
        }
    }
}

/// The style named by the keys, before the response is checked.
enum Style {
    Offset {
        offset: PageField,
        total: Option<String>,
    },
    Marker {
        marker: PageField,
        next: String,
    },
}

/// What a paging value must be.
#[derive(Clone, Copy)]
enum Kind {
    Integer,
    Text,
}

use Kind::{Integer, Text};

impl Kind {
    fn accepts(self, ty: &Type) -> bool {
        match self {
            Integer => matches!(ty, Type::I32 | Type::I64),
            Text => *ty == Type::String,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Integer => "an integer",
            Text => "a string",
        }
    }
}
