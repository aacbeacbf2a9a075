//! The intermediate representation: what the emitters read.
//!
//! Models live in a type space ([`Api::models`]) and are referred to by [`ModelId`]; Rust
//! identifiers are made only when emitting. Every decision about a model, field, parameter
//! or body (its name, whether it is optional, its wire name, which traits it gets) is made
//! during lowering and its passes, and stored here. Order is the spec's order, which keeps
//! the output deterministic.

/// A whole API, lowered from one spec.
#[derive(Debug)]
pub struct Api {
    pub service: Service,
    /// The type space: component schemas in spec order, inline models after the schema or
    /// operation that needs them. A [`ModelId`] indexes it.
    pub models: Vec<Model>,
    /// Operations in spec order (paths, then methods in a fixed order).
    pub operations: Vec<Operation>,
    /// One Cargo feature per tag of the spec, in order of first use (set by the features
    /// pass); all of them are on by default.
    pub features: Vec<String>,
    /// The prelude names (`Option`, `String`, `Vec`, `Box`, `Result`, `Into`) a model's name hides in
    /// `models`: generated code names those by their full path, the others by their short
    /// name.
    pub shadowed: Vec<String>,
}

impl Api {
    /// The model an id stands for.
    pub fn model(&self, id: ModelId) -> &Model {
        &self.models[id.0]
    }

    /// The type `ty` stands for once aliases are followed.
    pub fn through_aliases<'a>(&'a self, ty: &'a Type) -> &'a Type {
        through_aliases(ty, self.models.len(), |id| match &self.model(id).kind {
            ModelKind::Alias(target) => Some(target),
            _ => None,
        })
    }
}

/// The type `ty` stands for once aliases are followed; `alias_target` gives an alias model's
/// target and `None` for any other model. At most `limit` aliases are followed, so an alias
/// cycle (which lowering reports) cannot loop forever.
pub fn through_aliases<'a>(
    ty: &'a Type,
    limit: usize,
    alias_target: impl Fn(ModelId) -> Option<&'a Type>,
) -> &'a Type {
    let mut current = ty;
    for _ in 0..=limit {
        match current {
            Type::Model(id) => match alias_target(*id) {
                Some(target) => current = target,
                None => break,
            },
            _ => break,
        }
    }
    current
}

/// Where a model is in [`Api::models`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ModelId(pub usize);

/// Where the service lives, from the spec's `info.title` and first `servers` entry.
#[derive(Debug)]
pub struct Service {
    /// The service name (`SecMaster`).
    pub name: String,
    /// The name in environment variables (`SECMASTER`).
    pub env_name: String,
    /// The endpoint URL with a `{region}` placeholder, when the spec gives one.
    pub endpoint_template: Option<String>,
    /// The region ids of the `region` server variable, in spec order.
    pub regions: Vec<String>,
    /// Whether the service is global (`x-credentials: global`): its calls carry the
    /// account (domain) id, and a path `domain_id` falls back to it.
    pub global: bool,
}

/// One generated type of `models.rs`.
#[derive(Debug)]
pub struct Model {
    /// The type name in PascalCase, before keyword escaping.
    pub name: String,
    /// The spec's description, if any.
    pub doc: Option<String>,
    /// The YAML path of the schema, for messages.
    pub path: String,
    pub kind: ModelKind,
    /// The tag features that need it: it is compiled when any of them is on. `None` when an
    /// operation without tags needs it, or none does (set by the features pass).
    pub features: Option<Vec<String>>,
}

/// What a model is.
#[derive(Debug)]
pub enum ModelKind {
    /// An object with named properties.
    Struct(Struct),
    /// A string enum with the catch-all variant `Unknown`.
    Enum(Enum),
    /// A named alias of another type (`type Name = Vec<Other>;`).
    Alias(Type),
}

/// An object schema.
#[derive(Debug)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// Whether this is the body of a `multipart/form-data` request: its binary properties
    /// are file parts, and it is never JSON (no serde impls).
    pub form: bool,
    /// Whether every field is optional, so the struct derives `Default` (set by the
    /// derivation pass).
    pub default: bool,
    /// Whether a request body can carry it: callers build it (a builder) and it is
    /// serialised (set by the derivation pass).
    pub sent: bool,
    /// Whether a response can carry it: it is deserialised (set by the derivation pass).
    pub received: bool,
}

/// One property of an object schema.
#[derive(Debug)]
pub struct Field {
    /// The field name in snake case, before keyword escaping.
    pub name: String,
    /// The JSON (or form part) name, as the spec writes it.
    pub wire_name: String,
    pub ty: Type,
    pub required: bool,
    /// Whether `null` is a valid value (sent as `null` when required).
    pub nullable: bool,
    /// Whether the value is boxed because the type contains itself (set by the cycle pass).
    pub boxed: bool,
    pub doc: Option<String>,
}

impl Field {
    /// Whether the Rust field is an `Option`: optional, or required but nullable.
    pub fn optional(&self) -> bool {
        !self.required || self.nullable
    }
}

/// A string enum.
#[derive(Debug)]
pub struct Enum {
    pub variants: Vec<Variant>,
}

/// One value of a string enum.
#[derive(Debug)]
pub struct Variant {
    /// The variant name in PascalCase, before keyword escaping; never `Unknown`, which the
    /// catch-all variant always takes.
    pub name: String,
    pub value: String,
}

/// A Rust type a schema lowers to.
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    String,
    Boolean,
    I32,
    I64,
    F32,
    F64,
    /// A generated model.
    Model(ModelId),
    Array(Box<Type>),
    /// An object whose values all have one schema.
    Map(Box<Type>),
    /// A free-form object (`type: object` without properties).
    JsonObject,
    /// Any JSON value (a schema without a type).
    JsonValue,
    /// Any JSON value documented as one of some types (`oneOf` or `anyOf` of several
    /// schemas). The official SDKs type these `object` and pass the value through, so it is
    /// a JSON value too; the alternatives name the models the docs link to, which are then
    /// generated (with their serde impls) wherever the value travels.
    Alternatives(Alternatives),
    /// A file part of a multipart form (`type: string, format: binary` in a form).
    File,
}

/// The alternatives of a `oneOf` or `anyOf` value.
#[derive(Debug, Clone, PartialEq)]
pub struct Alternatives {
    pub choice: Choice,
    /// The alternatives' types, in spec order.
    pub members: Vec<Type>,
}

/// How many alternatives a value matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Exactly one (`oneOf`).
    One,
    /// One or more (`anyOf`).
    Any,
}

/// One API operation: a request type, a response type and a method on `Client`.
#[derive(Debug)]
pub struct Operation {
    /// The operation id as written in the spec (`CreateWorkflowInstance`).
    pub name: String,
    /// The `Client` method name in snake case, before keyword escaping.
    pub method_name: String,
    /// The PascalCase prefix of the operation's types (`CreateWorkflowInstance`).
    pub type_name: String,
    /// HTTP method, upper-case.
    pub http_method: String,
    /// The path template with `{name}` placeholders, as in the spec.
    pub path: String,
    /// Summary and description, joined.
    pub doc: Option<String>,
    pub deprecated: bool,
    /// Whether a failed attempt may be sent again after the server may have seen it.
    pub idempotent: bool,
    /// The spec's tags, in order.
    pub tags: Vec<String>,
    /// The Cargo features of its tags: it is compiled when any is on, always when it has
    /// none (set by the features pass).
    pub features: Vec<String>,
    pub params: Vec<Param>,
    pub body: Option<RequestBody>,
    pub response: Response,
    /// Declared error responses.
    pub errors: Vec<ErrorResponse>,
    /// How the operation pages, when its spec says (`x-pagination`).
    pub pagination: Option<Pagination>,
}

/// How a list operation pages: an item offset, a page number or a marker (and maybe a page
/// size) in the request, the items (and a total or the next marker) in the response body.
#[derive(Debug)]
pub struct Pagination {
    /// Where the offset, page number or marker, and the limit, are.
    pub place: PagePlace,
    /// How the request of the next page is made.
    pub step: PageStep,
    /// The page size: required with an offset, optional otherwise.
    pub limit: Option<PageField>,
    /// The array field holding a page's items.
    pub items: BodyPath,
    /// The type of one item.
    pub item: Type,
    /// Whether the response's `body` is an `Option`.
    pub body_optional: bool,
}

/// How the next page is asked for.
#[derive(Debug)]
pub enum PageStep {
    /// The offset moves on by the items received, until the total (when the service
    /// reports one, an integer field of the response body) or a short page.
    Offset {
        offset: PageField,
        total: Option<BodyPath>,
    },
    /// The page number goes up by one from the request's (unset: `first`), until the total
    /// or a short page.
    Page {
        page: PageField,
        /// The number of the service's first page (0 or 1).
        first: i64,
        total: Option<BodyPath>,
    },
    /// The marker takes the value of the response body's `next` string field, until the
    /// service sends none.
    Marker { marker: PageField, next: BodyPath },
    /// The marker takes the value of a string field of the last item received, until a
    /// page is empty (or short).
    LastItem {
        marker: PageField,
        /// The item's field (`name`, `wire_name`, `optional`).
        field: PageField,
    },
}

/// A value of the response body, read through object properties: `result.total` is the
/// object field `result`, then its field `total`.
#[derive(Debug)]
pub struct BodyPath {
    /// The object fields on the way, outermost first; none for a field of the body itself.
    pub objects: Vec<PageField>,
    /// The field holding the value.
    pub value: PageField,
}

impl BodyPath {
    /// The wire names from the body down, dot-separated.
    pub fn wire_path(&self) -> String {
        let mut names: Vec<&str> = self
            .objects
            .iter()
            .map(|field| field.wire_name.as_str())
            .collect();
        names.push(&self.value.wire_name);
        names.join(".")
    }
}

/// Where a paged operation takes its offset, page number or marker, and its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PagePlace {
    /// Query parameters: request fields.
    Query,
    /// Properties of the JSON request body: fields of its model.
    Body,
}

/// A field paging reads or sets.
#[derive(Debug)]
pub struct PageField {
    /// The Rust field name, before keyword escaping.
    pub name: String,
    /// The wire name.
    pub wire_name: String,
    /// Whether the Rust field is an `Option` (request fields always are).
    pub optional: bool,
    /// Whether it is an `i64` (else an `i32`; items, markers: neither).
    pub wide: bool,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
}

/// A path, query or header parameter.
#[derive(Debug)]
pub struct Param {
    /// The field name in snake case, before keyword escaping.
    pub name: String,
    /// The wire name: placeholder, query key or header name.
    pub wire_name: String,
    pub location: ParamLocation,
    /// A scalar, an enum model, or (in a query) an array of them; aliases seen through.
    pub ty: Type,
    pub required: bool,
    /// A path `project_id` (or a global service's `domain_id`) that falls back to the
    /// client's project (or account) id.
    pub client_default: Option<ClientId>,
    /// For a query array: one pair per element (`true`) or one comma-separated value.
    pub explode: bool,
    pub doc: Option<String>,
}

/// An id the client knows, which a path parameter left unset takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientId {
    /// The project id (`project_id`).
    Project,
    /// A global service's account (domain) id (`domain_id`).
    Domain,
}

/// A request body.
#[derive(Debug)]
pub struct RequestBody {
    /// The media type as the spec writes it, sent as `Content-Type`.
    pub media_type: String,
    pub required: bool,
    pub doc: Option<String>,
    pub kind: BodyKind,
}

/// How a request body is encoded.
#[derive(Debug)]
pub enum BodyKind {
    /// JSON of this type.
    Json(Type),
    /// `multipart/form-data` from this form model.
    Form(ModelId),
    /// `application/x-www-form-urlencoded` from this object model, whose fields are
    /// scalars, enums or arrays of them, as the official SDK encodes it.
    UrlEncoded(Type),
    /// Raw bytes (a file part, streamed).
    Raw,
}

/// What a successful call returns.
#[derive(Debug)]
pub struct Response {
    /// The first 2xx status the spec declares (200 when only `2XX` or `default` is).
    pub status: u16,
    /// The body, if any 2xx response declares one.
    pub body: Option<ResponseBody>,
    /// Declared response headers kept as typed fields.
    pub headers: Vec<ResponseHeader>,
}

/// A 2xx response body.
#[derive(Debug)]
pub struct ResponseBody {
    /// The media type as the spec writes it (with `ByStatus`, that of the first 2xx
    /// response with a body).
    pub media_type: String,
    /// Whether some 2xx response has no content, so the body may be absent.
    pub optional: bool,
    pub doc: Option<String>,
    pub kind: ResponseKind,
    /// The spec's example of the body, if any (the mock answers with it); with `ByStatus`,
    /// the first 2xx response's.
    pub example: Option<serde_json::Value>,
}

/// How a response body is decoded.
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseKind {
    /// JSON of this type.
    Json(Type),
    /// Anything else: handed over as a byte stream, not buffered.
    Stream,
    /// JSON whose type depends on the status: the 2xx responses declare different bodies.
    /// One entry per declared 2xx status, in spec order.
    ByStatus(Vec<StatusBody>),
}

impl ResponseKind {
    /// The JSON types a body of this kind decodes into: one, none for a stream, or one per
    /// status that declares a body.
    pub fn json_types(&self) -> Vec<&Type> {
        match self {
            ResponseKind::Json(ty) => vec![ty],
            ResponseKind::Stream => Vec::new(),
            ResponseKind::ByStatus(statuses) => statuses
                .iter()
                .filter_map(|status| status.ty.as_ref())
                .collect(),
        }
    }
}

/// With bodies by status, the index of the entry an answer with `status` decodes into: the
/// status itself, else the `2XX` range.
pub fn status_index(statuses: &[StatusBody], status: u16) -> Option<usize> {
    let code = status.to_string();
    statuses
        .iter()
        .position(|entry| entry.status == code)
        .or_else(|| {
            statuses
                .iter()
                .position(|entry| entry.status.parse::<u16>().is_err())
        })
}

/// The body one declared 2xx status gives, when the 2xx bodies differ.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusBody {
    /// `201`, or a range such as `2XX`.
    pub status: String,
    /// The JSON type of the body; `None` when this status declares no content.
    pub ty: Option<Type>,
    pub doc: Option<String>,
}

/// A response header kept on the response type.
#[derive(Debug)]
pub struct ResponseHeader {
    /// The field name in snake case, before keyword escaping.
    pub name: String,
    pub wire_name: String,
    /// A string, number or boolean.
    pub ty: Type,
    pub doc: Option<String>,
}

/// A declared non-2xx response.
#[derive(Debug)]
pub struct ErrorResponse {
    /// `400`, `4XX` or `default`.
    pub status: String,
    /// The JSON body type, if the response declares one.
    pub body: Option<Type>,
    pub doc: Option<String>,
}
