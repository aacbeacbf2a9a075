//! `x-pagination`: how a list operation pages, checked against its parameters, request
//! body and response body. Three styles, by wire names:
//!
//! ```yaml
//! x-pagination:        # an item offset
//!   offset: offset     # a query parameter, or a property of the JSON request body
//!   limit: limit       # in the same place as the offset
//!   items: data        # the array property of the 2xx JSON body holding the page's items
//!   total: total       # optional: the integer property with the total number of items
//! x-pagination:        # a page number
//!   page: page         # a query parameter or JSON request body property (an integer)
//!   first: 1           # optional: the number of the first page, 0 or 1 (default 1)
//!   limit: page_size   # optional: the page size, in the same place as the page
//!   items: data
//!   total: total       # optional
//! x-pagination:        # a marker
//!   marker: marker     # a query parameter or JSON request body property (a string)
//!   next: next_marker  # the string property of the 2xx JSON body naming the next page,
//!                      # or `next_item: id`: the string property of the last item
//!   items: data
//!   limit: limit       # optional, in the same place as the marker
//! ```
//!
//! `items_path`, `total_path` and `next_path` replace `items`, `total` and `next` when the
//! value sits inside object properties of the body: `result.data`, dot-separated.

use openapiv3 as oa;

use super::Lowerer;
use crate::error::Diagnostic;
use crate::ir::*;

mod response;

/// The vendor extension that declares paging.
pub(super) const PAGINATION_EXTENSION: &str = "x-pagination";

const HELP: &str = "write `x-pagination: {offset: offset, limit: limit, items: data, total: total}` (`total` optional), `{page: page, first: 1, limit: page_size, items: data, total: total}` (`first`, `limit` and `total` optional) or `{marker: marker, next: next_marker, items: data, limit: limit}` (`limit` optional; `next_item: id` instead of `next` when the next marker is the last item's `id`); `items_path`, `total_path` and `next_path` take a dot-separated path through object properties, such as `result.data`";

const KEYS_HELP: &str = "the keys are `offset`, `page`, `first`, `marker`, `limit`, `items`, `items_path`, `total`, `total_path`, `next`, `next_path` and `next_item`";

/// A request value paging reads or sets, as found: (Rust name, type, whether an `Option`).
type Found = (String, Type, bool);

/// The keys of an `x-pagination` mapping, as written.
#[derive(Default)]
struct Keys {
    offset: Option<String>,
    page: Option<String>,
    first: Option<i64>,
    marker: Option<String>,
    limit: Option<String>,
    items: Option<String>,
    items_path: Option<String>,
    total: Option<String>,
    total_path: Option<String>,
    next: Option<String>,
    next_path: Option<String>,
    next_item: Option<String>,
}

impl Keys {
    /// The slot of a key whose value is a name, or `None` for an unknown key.
    fn name_slot(&mut self, key: &str) -> Option<&mut Option<String>> {
        let slot = match key {
            "offset" => &mut self.offset,
            "page" => &mut self.page,
            "marker" => &mut self.marker,
            "limit" => &mut self.limit,
            "items" => &mut self.items,
            "items_path" => &mut self.items_path,
            "total" => &mut self.total,
            "total_path" => &mut self.total_path,
            "next" => &mut self.next,
            "next_path" => &mut self.next_path,
            "next_item" => &mut self.next_item,
            _ => return None,
        };
        Some(slot)
    }
}

/// A response value as the keys name it: the key that named it (for messages) and the
/// wire names from the body down.
struct Located {
    key: &'static str,
    steps: Vec<String>,
}

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
        let keys = self.read_keys(&path, value)?;
        let items = self.property_or_path(
            &path,
            ("items", &keys.items),
            ("items_path", &keys.items_path),
        )?;
        let Some(items) = items else {
            self.error(Diagnostic::new(&path, "`items` (or `items_path`) is required").help(HELP));
            return None;
        };
        let total = self.property_or_path(
            &path,
            ("total", &keys.total),
            ("total_path", &keys.total_path),
        )?;
        let next =
            self.property_or_path(&path, ("next", &keys.next), ("next_path", &keys.next_path))?;
        // The request side: where the values are, and each one found there.
        let (place, style, limit) = match (&keys.offset, &keys.page, &keys.marker) {
            (Some(offset), None, None) => {
                self.refuse_keys(&path, "offset", [("first", keys.first.is_some())])?;
                self.refuse_next(&path, "offset", &next, &keys.next_item)?;
                let Some(limit) = &keys.limit else {
                    self.error(Diagnostic::new(&path, "offset paging needs `limit`").help(HELP));
                    return None;
                };
                let place = self.page_place(&path, offset, params, body)?;
                let [offset_found, limit_found] =
                    self.find_in_request(&path, place, [offset, limit], params, body)?;
                let offset = self.page_field(&path, "offset", offset_found, offset, Integer)?;
                let limit = self.page_field(&path, "limit", limit_found, limit, Integer)?;
                (place, Style::Offset { offset, total }, Some(limit))
            }
            (None, Some(page), None) => {
                self.refuse_next(&path, "page", &next, &keys.next_item)?;
                let place = self.page_place(&path, page, params, body)?;
                let (page_found, limit) =
                    self.with_limit(&path, place, page, &keys.limit, params, body)?;
                let page = self.page_field(&path, "page", page_found, page, Integer)?;
                let first = keys.first.unwrap_or(1);
                (place, Style::Page { page, first, total }, limit)
            }
            (None, None, Some(marker)) => {
                self.refuse_keys(
                    &path,
                    "marker",
                    [
                        ("first", keys.first.is_some()),
                        ("total", keys.total.is_some()),
                        ("total_path", keys.total_path.is_some()),
                    ],
                )?;
                let step = match (next, &keys.next_item) {
                    (Some(next), None) => Next::Marker(next),
                    (None, Some(field)) => Next::LastItem(field.clone()),
                    (Some(next), Some(_)) => {
                        let message = format!("give `{}` or `next_item`, not both", next.key);
                        self.error(Diagnostic::new(&path, message).help(HELP));
                        return None;
                    }
                    (None, None) => {
                        self.error(
                            Diagnostic::new(
                                &path,
                                "marker paging needs `next` (or `next_path`, or `next_item`)",
                            )
                            .help(HELP),
                        );
                        return None;
                    }
                };
                let place = self.page_place(&path, marker, params, body)?;
                let (marker_found, limit) =
                    self.with_limit(&path, place, marker, &keys.limit, params, body)?;
                let marker = self.page_field(&path, "marker", marker_found, marker, Text)?;
                let style = match step {
                    Next::Marker(next) => Style::Marker { marker, next },
                    Next::LastItem(field) => Style::LastItem { marker, field },
                };
                (place, style, limit)
            }
            (None, None, None) => {
                self.error(Diagnostic::new(&path, "give `offset`, `page` or `marker`").help(HELP));
                return None;
            }
            _ => {
                self.error(
                    Diagnostic::new(&path, "give only one of `offset`, `page` and `marker`")
                        .help(HELP),
                );
                return None;
            }
        };
        self.finish(&path, place, style, limit, items, response)
    }

    /// The keys of the mapping, each checked for its kind of value.
    fn read_keys(&mut self, path: &str, value: &serde_json::Value) -> Option<Keys> {
        let Some(object) = value.as_object() else {
            self.error(Diagnostic::new(path, "`x-pagination` must be a mapping").help(HELP));
            return None;
        };
        let mut keys = Keys::default();
        for (key, value) in object {
            if key == "first" {
                match value.as_i64() {
                    Some(first @ (0 | 1)) => keys.first = Some(first),
                    _ => {
                        self.error(
                            Diagnostic::new(format!("{path}.first"), "must be 0 or 1")
                                .help("`first` is the number of the service's first page"),
                        );
                        return None;
                    }
                }
                continue;
            }
            let Some(slot) = keys.name_slot(key) else {
                // A key of a paging style the generator does not know yet.
                self.error(
                    Diagnostic::new(path, format!("unknown key `{key}`"))
                        .help(KEYS_HELP)
                        .unsupported(),
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
            *slot = Some(name.to_owned());
        }
        Some(keys)
    }

    /// A response value named by a property of the body (`key`) or by a path (`<key>_path`):
    /// at most one of the two. `None` inside when neither is given.
    fn property_or_path(
        &mut self,
        path: &str,
        (key, property): (&'static str, &Option<String>),
        (path_key, dotted): (&'static str, &Option<String>),
    ) -> Option<Option<Located>> {
        match (property, dotted) {
            (None, None) => Some(None),
            (Some(property), None) => Some(Some(Located {
                key,
                steps: vec![property.clone()],
            })),
            (None, Some(dotted)) => {
                let steps: Vec<String> = dotted.split('.').map(str::to_owned).collect();
                if steps.iter().any(String::is_empty) {
                    self.error(
                        Diagnostic::new(
                            format!("{path}.{path_key}"),
                            format!("`{dotted}` is not a dot-separated path of property names"),
                        )
                        .help(HELP),
                    );
                    return None;
                }
                Some(Some(Located {
                    key: path_key,
                    steps,
                }))
            }
            (Some(_), Some(_)) => {
                self.error(
                    Diagnostic::new(path, format!("give `{key}` or `{path_key}`, not both"))
                        .help(HELP),
                );
                None
            }
        }
    }

    /// Refuses the first of `keys` that is given: it does not go with `style` paging.
    fn refuse_keys<const N: usize>(
        &mut self,
        path: &str,
        style: &str,
        keys: [(&str, bool); N],
    ) -> Option<()> {
        let Some((key, _)) = keys.iter().find(|(_, given)| *given) else {
            return Some(());
        };
        self.error(Diagnostic::new(path, format!("`{key}` does not go with `{style}`")).help(HELP));
        None
    }

    /// Refuses a next marker with paging that has none.
    fn refuse_next(
        &mut self,
        path: &str,
        style: &str,
        next: &Option<Located>,
        next_item: &Option<String>,
    ) -> Option<()> {
        let next_key = next.as_ref().map(|next| next.key);
        self.refuse_keys(
            path,
            style,
            [
                (next_key.unwrap_or("next"), next.is_some()),
                ("next_item", next_item.is_some()),
            ],
        )
    }

    /// The page number or marker, and the limit when one is named, in `place`.
    fn with_limit(
        &mut self,
        path: &str,
        place: PagePlace,
        position: &String,
        limit: &Option<String>,
        params: &[Param],
        body: Option<&RequestBody>,
    ) -> Option<(Found, Option<PageField>)> {
        match limit {
            None => {
                let [found] = self.find_in_request(path, place, [position], params, body)?;
                Some((found, None))
            }
            Some(limit) => {
                let [found, limit_found] =
                    self.find_in_request(path, place, [position, limit], params, body)?;
                let limit = self.page_field(path, "limit", limit_found, limit, Integer)?;
                Some((found, Some(limit)))
            }
        }
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
        wire_name: &str,
        kind: Kind,
    ) -> Option<PageField> {
        let ty = self.through_aliases(&ty);
        if !kind.accepts(ty) {
            self.error(
                Diagnostic::new(
                    format!("{path}.{key}"),
                    format!("`{wire_name}` is not {}", kind.name()),
                )
                .help("offsets, page numbers and limits are integers, markers are strings"),
            );
            return None;
        }
        Some(PageField {
            name,
            wire_name: wire_name.to_owned(),
            optional,
            wide: *ty == Type::I64,
        })
    }
}

/// The style named by the keys, before the response is checked.
enum Style {
    Offset {
        offset: PageField,
        total: Option<Located>,
    },
    Page {
        page: PageField,
        first: i64,
        total: Option<Located>,
    },
    Marker {
        marker: PageField,
        next: Located,
    },
    LastItem {
        marker: PageField,
        field: String,
    },
}

/// Where marker paging finds the next marker.
enum Next {
    /// A string of the response body.
    Marker(Located),
    /// A string property of the last item.
    LastItem(String),
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
