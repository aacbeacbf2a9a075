//! The pieces of one call, as the generated operations assemble them, and how they become
//! the path, query and headers sent on the wire.

use bytes::Bytes;
use percent_encoding::utf8_percent_encode;

use super::signer::ENCODE;
use crate::headers::{given_header_problem, set_by_client};
use crate::upload::{FilePart, Form};
pub use crate::wire::QueryValue;
use crate::wire::{python_display, python_list, render_query, url_encoded};
use crate::Error;

/// The static description of one operation, generated from the spec.
#[derive(Debug)]
pub struct Operation {
    /// The `operationId`.
    pub name: &'static str,
    /// The HTTP method.
    pub method: http::Method,
    /// The path template, with `{name}` placeholders.
    pub path: &'static str,
    /// Whether the operation may be sent again after the server may have seen it.
    pub idempotent: bool,
}

/// A body as the call holds it, before it is prepared for sending.
#[derive(Debug, Clone)]
pub(crate) enum CallBody {
    /// Bytes sent as they are (JSON, or a raw body given as bytes).
    Bytes { content_type: String, bytes: Bytes },
    /// A body read from files as it is sent (boxed: it is large, and rare).
    Upload(Box<Upload>),
}

/// A body read from files as it is sent: its files are opened (and their lengths known)
/// before anything is sent.
#[derive(Debug, Clone)]
pub(crate) enum Upload {
    /// A `multipart/form-data` form; the boundary is added when it is sent.
    Form { content_type: String, form: Form },
    /// A raw body streamed from a file part.
    File {
        content_type: String,
        part: FilePart,
    },
}

/// One call being assembled by a generated operation method.
///
/// Two families of setters: `path_param`, `query`, `header` and the `*_body` methods for
/// calls written by hand; the `set_*` methods for generated code, which take `Option`s and
/// report a required value left unset when the call is sent.
#[derive(Debug)]
pub struct Call {
    pub(crate) operation: &'static Operation,
    path_params: Vec<(&'static str, PathValue)>,
    query: Vec<(&'static str, QueryValue)>,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Option<CallBody>,
    /// The media type of an optional body left unset: the official SDK still sends it as
    /// `Content-Type`.
    pub(crate) unset_body_media_type: Option<&'static str>,
    /// The first problem met while assembling, reported when the call is sent.
    problem: Option<Error>,
}

impl Call {
    /// Starts a call of an operation.
    pub fn new(operation: &'static Operation) -> Self {
        Call {
            operation,
            path_params: Vec::new(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            unset_body_media_type: None,
            problem: None,
        }
    }

    fn missing(&mut self, what: &str, name: &str) {
        let message = format!(
            "{}: required {what} `{name}` is not set",
            self.operation.name
        );
        self.problem.get_or_insert(Error::InvalidRequest(message));
    }

    /// Sets a path placeholder.
    pub fn path_param(&mut self, name: &'static str, value: impl Into<String>) {
        self.path_params
            .push((name, PathValue::Given(value.into())));
    }

    /// Sets the `project_id` placeholder; `None` uses the client's project id.
    pub fn project_id_param(&mut self, name: &'static str, value: Option<String>) {
        let value = value.map_or(PathValue::ClientProject, PathValue::Given);
        self.path_params.push((name, value));
    }

    /// Sets the `domain_id` placeholder of a global service; `None` uses the client's
    /// account (domain) id.
    pub fn domain_id_param(&mut self, name: &'static str, value: Option<String>) {
        let value = value.map_or(PathValue::ClientDomain, PathValue::Given);
        self.path_params.push((name, value));
    }

    /// Whether a placeholder waits for the client's project id.
    pub(crate) fn needs_default_project_id(&self) -> bool {
        self.path_params
            .iter()
            .any(|(_, value)| matches!(value, PathValue::ClientProject))
    }

    /// Adds a query pair (repeat the name for arrays).
    pub fn query(&mut self, name: &'static str, value: impl Into<QueryValue>) {
        self.query.push((name, value.into()));
    }

    /// Adds a header. A header the client sets itself (`Host`, `Authorization`,
    /// `X-Sdk-Date`, `Content-Length`, `Transfer-Encoding`, `User-Agent`, ...) is refused
    /// when the call is sent, with [`Error::InvalidRequest`].
    pub fn header(&mut self, name: &'static str, value: impl Into<String>) {
        self.headers.push((name, value.into()));
    }

    /// Sets a JSON body.
    pub fn json_body<T: serde::Serialize + ?Sized>(&mut self, content_type: &str, body: &T) {
        match serde_json::to_vec(body) {
            Ok(bytes) => {
                self.body = Some(CallBody::Bytes {
                    content_type: content_type.to_owned(),
                    bytes: Bytes::from(bytes),
                })
            }
            Err(error) => {
                self.problem.get_or_insert(Error::InvalidRequest(format!(
                    "{}: the body cannot be serialised: {error}",
                    self.operation.name
                )));
            }
        }
    }

    /// Sets an `application/x-www-form-urlencoded` body from an object whose fields are
    /// scalars or arrays of them, as the official SDK sends it: `name=value` pairs in the
    /// object's order, an array as one pair per item, unset fields left out, `true` and
    /// `false` for booleans, each name and value encoded as Python's `quote_plus` does
    /// (a space as `+`). Any other shape makes the call fail before sending.
    pub fn url_encoded_body<T: serde::Serialize + ?Sized>(&mut self, content_type: &str, body: &T) {
        let text = serde_json::to_value(body)
            .map_err(|error| error.to_string())
            .and_then(|value| url_encoded(&value));
        match text {
            Ok(text) => {
                self.body = Some(CallBody::Bytes {
                    content_type: content_type.to_owned(),
                    bytes: Bytes::from(text),
                })
            }
            Err(problem) => {
                self.problem.get_or_insert(Error::InvalidRequest(format!(
                    "{}: the form-urlencoded body cannot be made: {problem}",
                    self.operation.name
                )));
            }
        }
    }

    /// Sets a form-urlencoded body when there is one.
    pub fn set_url_encoded_body<T: serde::Serialize + ?Sized>(
        &mut self,
        content_type: &'static str,
        body: Option<&T>,
        required: bool,
    ) {
        match body {
            Some(body) => self.url_encoded_body(content_type, body),
            None if required => self.missing("body", "body"),
            None => self.unset_body_media_type = Some(content_type),
        }
    }

    /// Sets a raw body from bytes.
    pub fn raw_body(&mut self, content_type: &str, body: Bytes) {
        self.body = Some(CallBody::Bytes {
            content_type: content_type.to_owned(),
            bytes: body,
        });
    }

    /// Sets a `multipart/form-data` body (`content_type` without the boundary, which is
    /// added when the call is sent).
    pub fn form_body(&mut self, content_type: &str, form: Form) {
        self.body = Some(CallBody::Upload(Box::new(Upload::Form {
            content_type: content_type.to_owned(),
            form,
        })));
    }

    /// Sets a raw body streamed from a file part.
    pub fn file_body(&mut self, content_type: &str, part: FilePart) {
        self.body = Some(CallBody::Upload(Box::new(Upload::File {
            content_type: content_type.to_owned(),
            part,
        })));
    }

    /// Sets a path placeholder; a path value is always required.
    pub fn set_path(&mut self, name: &'static str, value: Option<String>) {
        match value {
            Some(value) => self.path_param(name, value),
            None => self.missing("path parameter", name),
        }
    }

    /// Adds a query pair when the value is set.
    pub fn set_query(&mut self, name: &'static str, value: Option<QueryValue>, required: bool) {
        match value {
            Some(value) => self.query.push((name, value)),
            None if required => self.missing("query parameter", name),
            None => {}
        }
    }

    /// Adds a query array when set: one pair per element (`explode`), or one pair of
    /// comma-separated values. An empty array adds nothing, as in the official SDK.
    pub fn set_query_array(
        &mut self,
        name: &'static str,
        values: Option<Vec<QueryValue>>,
        explode: bool,
        required: bool,
    ) {
        match values {
            Some(values) if values.is_empty() => {}
            Some(values) if explode => {
                self.query
                    .extend(values.into_iter().map(|value| (name, value)));
            }
            Some(values) => {
                let joined: Vec<String> = values.iter().map(QueryValue::render).collect();
                self.query.push((name, QueryValue::Text(joined.join(","))));
            }
            None if required => self.missing("query parameter", name),
            None => {}
        }
    }

    /// Adds a query parameter whose value is a map, as the official SDK sends one: a pair
    /// `name=key=value` for each entry, the value as Python's `str()` writes it (`True`
    /// for a boolean); an empty map sends nothing.
    pub fn set_query_map(
        &mut self,
        name: &'static str,
        entries: Option<Vec<(String, QueryValue)>>,
        required: bool,
    ) {
        match entries {
            Some(entries) => self.query.extend(entries.into_iter().map(|(key, value)| {
                (
                    name,
                    QueryValue::Text(format!("{key}={}", python_display(&value))),
                )
            })),
            None if required => self.missing("query parameter", name),
            None => {}
        }
    }

    /// Adds a query parameter whose value is a map of lists, as the official SDK sends one:
    /// a pair `name=key=[...]` for each entry, the list written as Python prints it
    /// (`tag=env=['prod', 'dev']`), since the SDK formats each value with `str()`.
    pub fn set_query_map_of_lists(
        &mut self,
        name: &'static str,
        entries: Option<Vec<(String, Vec<QueryValue>)>>,
        required: bool,
    ) {
        let entries = entries.map(|entries| {
            entries
                .into_iter()
                .map(|(key, values)| (key, QueryValue::Text(python_list(&values))))
                .collect()
        });
        self.set_query_map(name, entries, required);
    }

    /// Adds a header when the value is set.
    pub fn set_header(&mut self, name: &'static str, value: Option<String>, required: bool) {
        match value {
            Some(value) => self.headers.push((name, value)),
            None if required => self.missing("header", name),
            None => {}
        }
    }

    /// Sets a JSON body when there is one.
    pub fn set_json_body<T: serde::Serialize + ?Sized>(
        &mut self,
        content_type: &'static str,
        body: Option<&T>,
        required: bool,
    ) {
        match body {
            Some(body) => self.json_body(content_type, body),
            None if required => self.missing("body", "body"),
            None => self.unset_body_media_type = Some(content_type),
        }
    }

    /// Sets a multipart body when there is one.
    pub fn set_form_body(
        &mut self,
        content_type: &'static str,
        form: Option<Form>,
        required: bool,
    ) {
        match form {
            Some(form) => self.form_body(content_type, form),
            None if required => self.missing("body", "body"),
            None => self.unset_body_media_type = Some(content_type),
        }
    }

    /// Sets a raw file body when there is one.
    pub fn set_file_body(
        &mut self,
        content_type: &'static str,
        part: Option<FilePart>,
        required: bool,
    ) {
        match part {
            Some(part) => self.file_body(content_type, part),
            None if required => self.missing("body", "body"),
            None => self.unset_body_media_type = Some(content_type),
        }
    }

    /// Checks the call and renders the path and query exactly as they will be sent (and
    /// signed); `default_project_id` fills an unset `project_id`.
    pub fn prepare(&mut self, default_project_id: Option<&str>) -> Result<(String, String), Error> {
        self.prepare_in(Scope {
            project_id: default_project_id,
            ..Scope::default()
        })
    }

    /// [`prepare`](Self::prepare), with the client's project and account ids.
    pub(crate) fn prepare_in(&mut self, scope: Scope<'_>) -> Result<(String, String), Error> {
        if let Some(problem) = self.problem.take() {
            return Err(problem);
        }
        let path = render_path(self.operation, &self.path_params, scope)?;
        let query = render_query(&mut self.query);
        // Checked once here, before anything is sent: not a header the client sets, a valid
        // name, and a value without control characters. Bytes beyond ASCII are allowed and sent as UTF-8, as the
        // official SDK sends them.
        for (name, value) in &mut self.headers {
            if value.trim().len() != value.len() {
                *value = value.trim().to_owned();
            }
            if set_by_client(name) {
                return Err(Error::InvalidRequest(format!(
                    "{}: header `{name}` is set by the client and cannot be given by a call",
                    self.operation.name
                )));
            }
            if let Some(problem) = given_header_problem(name, value) {
                return Err(Error::InvalidRequest(format!(
                    "{}: {problem}",
                    self.operation.name
                )));
            }
        }
        Ok((path, query))
    }
}

/// A path placeholder's value: given, or the client's project or account id.
#[derive(Debug, Clone)]
enum PathValue {
    Given(String),
    ClientProject,
    ClientDomain,
}

/// The client's project and account (domain) ids for a call, as far as known.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Scope<'a> {
    pub(crate) project_id: Option<&'a str>,
    pub(crate) domain_id: Option<&'a str>,
    /// A discovery call to IAM or STS: it carries no id, and is signed without derived
    /// auth (V11 keys are the service's), as the official SDK signs it.
    pub(crate) discovery: bool,
}

fn render_path(
    operation: &Operation,
    params: &[(&'static str, PathValue)],
    scope: Scope<'_>,
) -> Result<String, Error> {
    let mut path = String::with_capacity(operation.path.len() + 32);
    let mut rest = operation.path;
    while let Some(open) = rest.find('{') {
        path.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}').unwrap_or(after.len());
        let name = &after[..close];
        let value = match params.iter().find(|(param, _)| *param == name) {
            Some((_, PathValue::Given(value))) => value.as_str(),
            Some((_, PathValue::ClientProject)) => scope.project_id.ok_or_else(|| {
                Error::InvalidRequest(format!(
                    "{}: `{name}` is not set and the client has no project id (set it on the request, the credentials or the builder)",
                    operation.name
                ))
            })?,
            Some((_, PathValue::ClientDomain)) => scope.domain_id.ok_or_else(|| {
                Error::InvalidRequest(format!(
                    "{}: `{name}` is not set and the client has no account (domain) id (set it on the request, the credentials or the builder, or give a region so IAM can be asked)",
                    operation.name
                ))
            })?,
            None => return Err(Error::InvalidRequest(format!("{}: path parameter `{name}` is not set", operation.name))),
        };
        if value.is_empty() {
            return Err(Error::InvalidRequest(format!(
                "{}: path parameter `{name}` is empty",
                operation.name
            )));
        }
        // URL parsers resolve `.` and `..` segments, even percent-encoded (`%2E%2E`), so no
        // encoding keeps them in place: refuse them rather than send the call elsewhere.
        if value == "." || value == ".." {
            return Err(Error::InvalidRequest(format!(
                "{}: path parameter `{name}` is `{value}`, which would address another path",
                operation.name
            )));
        }
        // Encoded as exactly one segment, straight into the path.
        path.extend(utf8_percent_encode(value, ENCODE));
        rest = after.get(close + 1..).unwrap_or("");
    }
    path.push_str(rest);
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    static OPERATION: Operation = Operation {
        name: "Op",
        method: http::Method::GET,
        path: "/v1/{project_id}/items/{id}",
        idempotent: true,
    };

    /// The query the official Python SDK (3.1.219) sent for Config's `ListResources` with
    /// `tag={"env": ["prod", "dev"], "k 2": ["a&b=c"]}` and for a map of scalars, captured
    /// on a loopback recorder.
    #[test]
    fn map_query_parameters_are_the_official_sdks_bytes() {
        let mut call = Call::new(&OPERATION);
        call.set_query_map_of_lists(
            "tag",
            Some(vec![
                ("env".into(), vec!["prod".into(), "dev".into()]),
                ("k 2".into(), vec!["a&b=c".into()]),
            ]),
            false,
        );
        call.set_query("limit", Some(QueryValue::Integer(10)), false);
        call.set_query("region_id", Some("cn-north-4".into()), false);
        assert_eq!(
            render_query(&mut call.query),
            "limit=10&region_id=cn-north-4&tag=env%3D%5B%27prod%27%2C%20%27dev%27%5D&tag=k%202%3D%5B%27a%26b%3Dc%27%5D"
        );
        let mut call = Call::new(&OPERATION);
        call.set_query_map(
            "filter",
            Some(vec![
                ("size".into(), QueryValue::Integer(3)),
                ("name".into(), "x".into()),
            ]),
            false,
        );
        assert_eq!(
            render_query(&mut call.query),
            "filter=name%3Dx&filter=size%3D3"
        );
        // Not captured, read from the SDK's `parameters_to_tuples`: a dict's value goes
        // through `"%s=%s"`, so a boolean is `True`.
        let mut call = Call::new(&OPERATION);
        call.set_query_map("flag", Some(vec![("on".into(), true.into())]), false);
        assert_eq!(render_query(&mut call.query), "flag=on%3DTrue");
        let mut call = Call::new(&OPERATION);
        call.set_query_map_of_lists("tag", Some(vec![("owner".into(), vec![])]), false);
        call.set_query_map("empty", Some(vec![]), false);
        assert_eq!(render_query(&mut call.query), "tag=owner%3D%5B%5D");
        assert_eq!(
            python_list(&[
                "it's".into(),
                "a\\b\n".into(),
                QueryValue::Boolean(true),
                QueryValue::Float(1.0)
            ]),
            r#"["it's", 'a\\b\n', True, 1.0]"#
        );
    }

    fn path_of(id: &str) -> Result<String, Error> {
        let mut call = Call::new(&OPERATION);
        call.project_id_param("project_id", None);
        call.path_param("id", id.to_owned());
        call.prepare(Some("p1")).map(|(path, _)| path)
    }

    #[test]
    fn path_values_are_always_one_segment() {
        let cases = [
            ("ws 01/ä", "/v1/p1/items/ws%2001%2F%C3%A4"),
            ("a?b#c%d+e", "/v1/p1/items/a%3Fb%23c%25d%2Be"),
            ("...", "/v1/p1/items/..."),
        ];
        for (value, expected) in cases {
            assert_eq!(path_of(value).unwrap(), expected, "value {value:?}");
        }
        for refused in ["", ".", ".."] {
            assert!(
                matches!(path_of(refused), Err(Error::InvalidRequest(_))),
                "value {refused:?}"
            );
        }
    }

    #[test]
    fn query_is_sorted_like_the_sdk_and_encoded() {
        let mut call = Call::new(&OPERATION);
        call.project_id_param("project_id", None);
        call.path_param("id", "x");
        call.query("n", 10);
        call.query("n", 9);
        call.query("a", "1 2&=");
        call.query("flag", true);
        let (_, query) = call.prepare(Some("p")).unwrap();
        assert_eq!(query, "a=1%202%26%3D&flag=true&n=9&n=10");
    }

    #[test]
    fn header_values_with_line_breaks_are_refused() {
        let mut call = Call::new(&OPERATION);
        call.project_id_param("project_id", None);
        call.path_param("id", "x");
        call.header("X-Custom", "a\r\nInjected: yes");
        assert!(matches!(
            call.prepare(Some("p")),
            Err(Error::InvalidRequest(_))
        ));
    }

    #[test]
    fn headers_the_client_sets_are_refused_in_any_case() {
        for name in [
            "Host",
            "x-sdk-date",
            "Content-Length",
            "TRANSFER-ENCODING",
            "User-Agent",
        ] {
            let mut call = Call::new(&OPERATION);
            call.project_id_param("project_id", None);
            call.path_param("id", "x");
            call.header(name, "5");
            assert!(
                matches!(call.prepare(Some("p")), Err(Error::InvalidRequest(message)) if message.contains(name)),
                "{name}"
            );
        }
    }
}
