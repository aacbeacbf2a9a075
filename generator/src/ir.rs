//! The intermediate representation: what the emitters read.
//!
//! Everything here is validated and every Rust name is already chosen, so emitters only
//! arrange tokens. Order is the spec's order, which keeps the output deterministic.

use proc_macro2::Ident;

/// A whole API, lowered from one spec.
#[derive(Debug)]
pub struct Api {
    /// Models in emission order: component schemas in spec order, inline models after them.
    pub models: Vec<Model>,
    /// Operations in spec order (paths, then methods in a fixed order).
    pub operations: Vec<Operation>,
    pub service: Service,
}

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
}

/// One generated type of `models.rs`.
#[derive(Debug)]
pub enum Model {
    /// An object with named properties.
    Struct(StructModel),
    /// A string enum with a catch-all variant.
    Enum(EnumModel),
    /// A named alias of another type (`type Name = Vec<Other>;`).
    Alias(AliasModel),
}

/// An object schema.
#[derive(Debug)]
pub struct StructModel {
    pub ident: Ident,
    pub doc: String,
    pub fields: Vec<Field>,
    /// Whether every field has a `Default`, so the struct can derive it.
    pub derive_default: bool,
}

/// One property of an object schema.
#[derive(Debug)]
pub struct Field {
    pub ident: Ident,
    /// The JSON name, as the spec writes it.
    pub wire_name: String,
    pub ty: Type,
    pub required: bool,
    /// Whether `null` is a valid value (sent as `null` when required).
    pub nullable: bool,
    /// Whether the value is boxed because the type contains itself.
    pub boxed: bool,
    pub doc: String,
}

/// A string enum.
#[derive(Debug)]
pub struct EnumModel {
    pub ident: Ident,
    pub doc: String,
    pub variants: Vec<Variant>,
    /// The name of the variant that keeps values the spec does not list.
    pub unknown: Ident,
}

/// One value of a string enum.
#[derive(Debug)]
pub struct Variant {
    pub ident: Ident,
    pub value: String,
}

/// A named alias.
#[derive(Debug)]
pub struct AliasModel {
    pub ident: Ident,
    pub doc: String,
    pub ty: Type,
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
    Named(Ident, NamedKind),
    Array(Box<Type>),
    /// An object whose values all have one schema.
    Map(Box<Type>),
    /// A free-form object (`type: object` without properties).
    JsonObject,
    /// Any JSON value (a schema without a type).
    JsonValue,
    /// Raw bytes (a non-JSON body).
    Bytes,
}

/// What a named type is, which decides how it is rendered in a path, query or header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamedKind {
    Struct,
    Enum,
    Alias,
}

/// One API operation: a request type, a response type and a method on `Client`.
#[derive(Debug)]
pub struct Operation {
    /// The operation id as written in the spec (`CreateWorkflowInstance`).
    pub name: String,
    /// The `Client` method.
    pub method_ident: Ident,
    /// The constant holding the operation's static description.
    pub const_ident: Ident,
    pub request_ident: Ident,
    pub response_ident: Ident,
    /// HTTP method, upper-case.
    pub http_method: String,
    /// The path template with `{name}` placeholders, as in the spec.
    pub path: String,
    pub doc: String,
    pub deprecated: bool,
    /// Whether a failed attempt may be sent again after the server may have seen it.
    pub idempotent: bool,
    pub params: Vec<Param>,
    pub body: Option<RequestBody>,
    pub response: Response,
    /// Declared error responses, documented on the method.
    pub errors: Vec<ErrorResponse>,
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
    pub ident: Ident,
    /// The wire name: placeholder, query key or header name.
    pub name: String,
    pub location: ParamLocation,
    pub ty: Type,
    pub required: bool,
    /// A path `project_id` that falls back to the client's project id.
    pub project_id: bool,
    pub doc: String,
}

/// A request body.
#[derive(Debug)]
pub struct RequestBody {
    pub ty: Type,
    pub media_type: String,
    pub json: bool,
    pub required: bool,
    pub doc: String,
}

/// What a successful call returns.
#[derive(Debug)]
pub struct Response {
    /// The first 2xx status the spec declares (200 when only `2XX` or `default` is).
    pub status: u16,
    /// The decoded body, if any 2xx response declares one.
    pub body: Option<ResponseBody>,
    pub headers: Vec<ResponseHeader>,
}

/// A 2xx response body.
#[derive(Debug)]
pub struct ResponseBody {
    pub ty: Type,
    pub json: bool,
    /// The media type as the spec writes it.
    pub media_type: String,
    /// The spec's example of the body, if any (the mock answers with it).
    pub example: Option<serde_json::Value>,
    /// Whether some 2xx response has no content, so the body may be absent.
    pub optional: bool,
    pub doc: String,
}

/// A response header kept on the response type.
#[derive(Debug)]
pub struct ResponseHeader {
    pub ident: Ident,
    pub name: String,
    pub ty: Type,
    pub doc: String,
}

/// A declared non-2xx response.
#[derive(Debug)]
pub struct ErrorResponse {
    /// `400`, `4XX` or `default`.
    pub status: String,
    pub body: Option<Type>,
    pub doc: String,
}
