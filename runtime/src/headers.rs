//! Header names and values made from text, and the errors that name the header and the
//! operation when one cannot be sent. The send loop, the authentication schemes and the
//! bodies all build headers this way. A name in an error is shown escaped and cut short
//! (`error::shown`): it may hold a line break or be megabytes long.

use crate::error::{shown, Error};

/// A header name from text, or the error naming it and the operation (by its name).
pub(crate) fn header_name(operation: &str, name: &str) -> Result<http::HeaderName, Error> {
    http::HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
        Error::InvalidRequest(format!(
            "{operation}: `{}` is not a valid header name",
            shown(name)
        ))
    })
}

/// A header value from text, or the error naming the header and operation.
pub(crate) fn header_value(
    operation: &str,
    name: &str,
    value: &str,
) -> Result<http::HeaderValue, Error> {
    http::HeaderValue::from_str(value).map_err(|_| invalid_value(operation, name))
}

/// The error of a header whose value cannot be sent.
pub(crate) fn invalid_value(operation: &str, name: &str) -> Error {
    Error::InvalidRequest(format!(
        "{operation}: header `{}` has an invalid value",
        shown(name)
    ))
}

/// Headers the client sets itself (lower-case): the authentication scheme's, the ones the
/// transport frames the body with, and the user agent. Neither a call's own headers
/// (`Call::header`, a generated operation's declared headers) nor a handle's options may
/// give them: a second `Host` or date would be signed and break the signature, a
/// `Content-Length` or `Transfer-Encoding` would contradict the body sent.
pub(crate) const SET_BY_CLIENT: [&str; 11] = [
    "authorization",
    "host",
    "x-sdk-date",
    "x-auth-token",
    "x-security-token",
    "x-project-id",
    "x-domain-id",
    "x-sdk-content-sha256",
    "content-length",
    "transfer-encoding",
    "user-agent",
];

/// Whether the client sets this header itself (see [`SET_BY_CLIENT`]).
pub(crate) fn set_by_client(name: &str) -> bool {
    SET_BY_CLIENT
        .iter()
        .any(|reserved| reserved.eq_ignore_ascii_case(name))
}

/// What is wrong with a header a caller gives (a call's own, or a handle's option), if
/// anything: a name that is not a header name, or a value with a line break, NUL or other
/// control character. The value itself is never shown.
pub(crate) fn given_header_problem(name: &str, value: &str) -> Option<String> {
    if http::HeaderName::from_bytes(name.as_bytes()).is_err() {
        Some(format!("`{}` is not a valid header name", shown(name)))
    } else if http::HeaderValue::from_bytes(value.as_bytes()).is_err() {
        Some(format!(
            "header `{}` contains a line break, NUL or other control character",
            shown(name)
        ))
    } else {
        None
    }
}
