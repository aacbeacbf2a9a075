//! Header names and values made from text, and the errors that name the header and the
//! operation when one cannot be sent. The send loop, the authentication schemes and the
//! bodies all build headers this way.

use crate::error::Error;
use crate::request::Operation;

/// A header name from text, or the error naming it and the operation.
pub(crate) fn header_name(operation: &Operation, name: &str) -> Result<http::HeaderName, Error> {
    http::HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
        Error::InvalidRequest(format!(
            "{}: `{name}` is not a valid header name",
            operation.name
        ))
    })
}

/// A header value from text, or the error naming the header and operation.
pub(crate) fn header_value(
    operation: &Operation,
    name: &str,
    value: &str,
) -> Result<http::HeaderValue, Error> {
    http::HeaderValue::from_str(value).map_err(|_| invalid_value(operation, name))
}

/// The error of a header whose value cannot be sent.
pub(crate) fn invalid_value(operation: &Operation, name: &str) -> Error {
    Error::InvalidRequest(format!(
        "{}: header `{name}` has an invalid value",
        operation.name
    ))
}
