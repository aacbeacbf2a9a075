//! SDK-HMAC-SHA256 request signing, exactly as the official Huawei Cloud SDKs sign.
//!
//! The steps and their quirks are checked against vectors produced by the official Python
//! SDK (`tests/signing/vectors.json`).

use hmac::{Hmac, Mac};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};

/// Characters percent-encoded in path segments and query names and values: everything but
/// `A-Z a-z 0-9 - . _ ~`, with upper-case hex.
pub(crate) const ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

const ALGORITHM: &str = "SDK-HMAC-SHA256";
const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// A request about to be signed. `headers` already holds `X-Sdk-Date` (in the
/// `YYYYMMDDTHHMMSSZ` form); signing adds `X-Sdk-Content-Sha256` when needed, `Host` and
/// `Authorization`.
#[derive(Debug, Clone)]
pub struct SignableRequest<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// The `Host` header value: host, plus `:port` when not the scheme's default.
    pub host: &'a str,
    /// The path as sent on the wire, already percent-encoded.
    pub path: &'a str,
    /// The query string as sent on the wire (without `?`), already canonical.
    pub query: &'a str,
    /// Header names and values, in the order they were added.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Payload<'a>,
}

/// The body as the signer sees it.
#[derive(Debug, Clone, Copy)]
pub enum Payload<'a> {
    /// Bytes in memory: hashed unless the content type makes the payload unsigned.
    Bytes(&'a [u8]),
    /// A streamed body (a multipart form or a file). Its content type is never JSON, so
    /// the payload is unsigned; `empty` says whether it has no bytes at all, which the
    /// official SDK hashes as the empty string even then.
    Streamed {
        /// Whether the body has no bytes.
        empty: bool,
    },
}

/// What signing produced, kept for tests and debugging (nothing secret in it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// The canonical request that was hashed.
    pub canonical_request: String,
    /// The string the HMAC was computed over.
    pub string_to_sign: String,
    /// `;`-joined lower-case names of the signed headers.
    pub signed_headers: String,
    /// The `Authorization` header value.
    pub authorization: String,
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// The canonical URI: the path percent-decoded, split on `/`, each segment re-encoded, and a
/// trailing `/` added.
pub(crate) fn canonical_uri(path: &str) -> String {
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    let mut uri = decoded
        .split('/')
        .map(|segment| utf8_percent_encode(segment, ENCODE).to_string())
        .collect::<Vec<_>>()
        .join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// Signs a request in place, adding the headers signing needs, and returns the details.
pub fn sign(access_key: &str, secret_key: &str, request: &mut SignableRequest<'_>) -> Signature {
    // The SDK looks only at a header spelled exactly `Content-Type`, and compares its value
    // case-sensitively.
    let unsigned = request
        .headers
        .iter()
        .find(|(name, _)| name == "Content-Type")
        .is_some_and(|(_, value)| {
            !value.starts_with("application/json") && !value.starts_with("application/bson")
        });
    if unsigned {
        request.headers.push((
            "X-Sdk-Content-Sha256".to_owned(),
            UNSIGNED_PAYLOAD.to_owned(),
        ));
    }
    request
        .headers
        .push(("Host".to_owned(), request.host.to_owned()));
    let payload_hash = match request.body {
        Payload::Bytes(body) => payload_hash(unsigned, body),
        Payload::Streamed { empty: true } => sha256_hex(b""),
        // A streamed body is never JSON, so its payload is always unsigned.
        Payload::Streamed { empty: false } => UNSIGNED_PAYLOAD.to_owned(),
    };
    let signature = compute(
        access_key,
        secret_key,
        request.method,
        request.path,
        request.query,
        &request.headers,
        &payload_hash,
    );
    let authorization = signature.authorization.clone();
    request
        .headers
        .push(("Authorization".to_owned(), authorization));
    signature
}

/// Computes the signature over a final header list (with `Host` and `X-Sdk-Date`): every
/// header whose name has no `_` is signed. The mock server verifies with this too.
pub(crate) fn compute(
    access_key: &str,
    secret_key: &str,
    method: &str,
    path: &str,
    query: &str,
    headers: &[(String, String)],
    payload_hash: &str,
) -> Signature {
    let date = header(headers, "X-Sdk-Date").unwrap_or_default();
    let mut signed: Vec<(String, &str)> = headers
        .iter()
        .filter(|(name, _)| !name.contains('_') && !name.eq_ignore_ascii_case("authorization"))
        .map(|(name, value)| (name.to_ascii_lowercase(), value.trim()))
        .collect();
    signed.sort_by(|left, right| left.0.cmp(&right.0));
    let signed_headers = signed
        .iter()
        .map(|(name, _)| name.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let canonical_headers: String = signed
        .iter()
        .map(|(name, value)| format!("{name}:{value}\n"))
        .collect();
    let canonical_request = format!(
        "{}\n{}\n{query}\n{canonical_headers}\n{signed_headers}\n{payload_hash}",
        method.to_ascii_uppercase(),
        canonical_uri(path),
    );
    let string_to_sign = format!(
        "{ALGORITHM}\n{date}\n{}",
        sha256_hex(canonical_request.as_bytes())
    );
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret_key.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(string_to_sign.as_bytes());
    let signature = hex::encode(mac.finalize().into_bytes());
    let authorization = format!(
        "{ALGORITHM} Access={access_key}, SignedHeaders={signed_headers}, Signature={signature}"
    );
    Signature {
        canonical_request,
        string_to_sign,
        signed_headers,
        authorization,
    }
}

/// The payload hash the gateway expects for a received request.
pub(crate) fn payload_hash(unsigned_header: bool, body: &[u8]) -> String {
    if unsigned_header && !body.is_empty() {
        UNSIGNED_PAYLOAD.to_owned()
    } else {
        sha256_hex(body)
    }
}

/// The `X-Sdk-Date` value for a moment: `YYYYMMDDTHHMMSSZ` in UTC.
pub fn sdk_date(moment: time::OffsetDateTime) -> String {
    let utc = moment.to_offset(time::UtcOffset::UTC);
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    // Formatting a valid date with a fixed numeric description cannot fail.
    utc.format(&format).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_uri_decodes_then_encodes_each_segment_and_ends_with_a_slash() {
        assert_eq!(
            canonical_uri("/v1/p/ws%2001%2F%C3%A4/x"),
            "/v1/p/ws%2001/%C3%A4/x/"
        );
        assert_eq!(canonical_uri("/v1/%2E%2E/x/"), "/v1/../x/");
        assert_eq!(canonical_uri(""), "/");
    }

    #[test]
    fn sdk_date_is_compact_utc() {
        let moment = time::macros::datetime!(2024-01-01 08:00:00 +8);
        assert_eq!(sdk_date(moment), "20240101T000000Z");
    }
}
