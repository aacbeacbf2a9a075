//! A call made ready to send: its URL rendered, its headers checked, its body settled
//! ([`Ready::new`]), and the HTTP request of each attempt built and signed from it
//! ([`Ready::request`]).

use crate::auth::{Auth, Keys, Signable};
use crate::body::OutgoingBody;
use crate::endpoint::Endpoint;
use crate::error::Error;
use crate::headers::{header_name, header_value};
use crate::interceptor::Attempt;
use crate::options::CallOptions;
use crate::request::{Call, Operation, Scope};
use crate::signer;
use crate::USER_AGENT;

/// What of the client and the handle a call is made ready with.
pub(crate) struct Settings<'a> {
    /// The handle's per-call options.
    pub(crate) options: Option<&'a CallOptions>,
    /// `ClientBuilder::ignore_content_type_for_get_request`.
    pub(crate) ignore_content_type_for_get_request: bool,
}

impl<'a> Ready<'a> {
    /// Renders a call's URL (path and query encoded as they are signed) and checks the
    /// handle's options.
    pub(crate) fn new(
        settings: &Settings<'_>,
        endpoint: &'a Endpoint,
        mut call: Call,
        scope: Scope<'a>,
        body: OutgoingBody,
    ) -> Result<Ready<'a>, Error> {
        let operation = call.operation;
        if let Some(problem) = settings
            .options
            .and_then(|options| options.problem.as_deref())
        {
            return Err(Error::InvalidRequest(format!(
                "{}: {problem}",
                operation.name
            )));
        }
        let (path, query) = call.prepare_in(scope)?;
        let url = endpoint.url(operation.name, &path, &query)?;
        let extra = settings
            .options
            .map_or(&[][..], |options| options.headers.as_slice());
        let mut headers = Vec::with_capacity(call.headers.len() + extra.len());
        // A `Content-Type` given in any spelling replaces the default one; only the one
        // spelled exactly so counts for an unsigned payload, as in the official SDK.
        let mut given_content_type = None;
        let mut given_any_content_type = false;
        let given = call
            .headers
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .chain(
                extra
                    .iter()
                    .map(|(name, value)| (name.as_str(), value.as_str())),
            );
        for (name, value) in given {
            if name == "Content-Type" && given_content_type.is_none() {
                given_content_type = Some(value);
            }
            given_any_content_type |= name.eq_ignore_ascii_case("Content-Type");
            headers.push((
                header_name(operation.name, name)?,
                header_value(operation.name, name, value)?,
            ));
        }
        // Like the official SDK, a call without a body still says `Content-Type`: the
        // unset body's media type, else JSON; a given one wins, and GETs may go without.
        let default_content_type = match body.content_type() {
            Some(_) => None,
            None if given_any_content_type => None,
            None if settings.ignore_content_type_for_get_request
                && operation.method == http::Method::GET =>
            {
                None
            }
            None => Some(call.unset_body_media_type.unwrap_or("application/json")),
        };
        let content_type = match default_content_type {
            Some(value) => Some(header_value(operation.name, "Content-Type", value)?),
            None => body.content_type_value(operation)?,
        };
        // The official SDK signs an unsigned payload when the header spelled exactly
        // `Content-Type` (the body's, else one given) is neither JSON nor BSON.
        let unsigned = signer::unsigned_content_type(
            body.content_type()
                .or(given_content_type)
                .or(default_content_type),
        );
        Ok(Ready {
            endpoint,
            operation,
            url,
            content_type,
            headers,
            unsigned,
            body,
            scope,
        })
    }

    /// Builds one attempt's request, its headers in the order the official SDK sends
    /// them: the call's, then the authentication scheme's (a fresh date and signature
    /// every attempt, for AK/SK).
    pub(crate) fn request(&self, auth: &Auth, keys: &Keys) -> Result<reqwest::Request, Error> {
        use http::header;
        let ready = self;
        let operation = ready.operation;
        let body = &ready.body;
        let mut request = reqwest::Request::new(operation.method.clone(), ready.url.clone());
        let map = request.headers_mut();
        // Room for what the client adds, and the `Accept` the HTTP client adds, at once.
        map.reserve(ready.headers.len() + 9);
        map.append(
            header::USER_AGENT,
            http::HeaderValue::from_static(USER_AGENT),
        );
        if let Some(content_type) = &ready.content_type {
            map.append(header::CONTENT_TYPE, content_type.clone());
        }
        for (name, value) in &ready.headers {
            map.append(name.clone(), value.clone());
        }
        auth.apply(
            keys,
            map,
            &Signable {
                operation,
                url: &ready.url,
                host: &ready.endpoint.host,
                scope: ready.scope,
                unsigned: ready.unsigned,
                payload: body.payload(),
            },
        )?;
        // Sent after signing, as the official SDK's HTTP library adds it.
        if let Some(length) = body.streamed_length() {
            map.insert(header::CONTENT_LENGTH, http::HeaderValue::from(length));
        }
        *request.body_mut() = body.body();
        Ok(request)
    }
}

/// A call ready to be sent: its URL rendered, its body settled. Each attempt builds and
/// signs its request from it.
pub(crate) struct Ready<'a> {
    pub(crate) endpoint: &'a Endpoint,
    pub(crate) operation: &'static Operation,
    /// The endpoint's URL with the call's path and query, encoded as they are signed.
    pub(crate) url: reqwest::Url,
    /// The body's `Content-Type`.
    pub(crate) content_type: Option<http::HeaderValue>,
    /// The call's own headers, then the handle's, checked once.
    pub(crate) headers: Vec<(http::HeaderName, http::HeaderValue)>,
    /// Whether the payload is signed as `UNSIGNED-PAYLOAD`.
    pub(crate) unsigned: bool,
    pub(crate) body: OutgoingBody,
    /// The project id (`X-Project-Id`) or, for a global service, the account id
    /// (`X-Domain-Id`) the call carries, when known.
    pub(crate) scope: Scope<'a>,
}

impl Ready<'_> {
    /// What the interceptors learn of attempt `number`.
    pub(crate) fn attempt(&self, number: u32) -> Attempt<'_> {
        Attempt {
            operation: self.operation.name,
            number,
            method: &self.operation.method,
            url: self.url.as_str(),
        }
    }
}
