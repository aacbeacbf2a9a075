//! SDK-HMAC-SHA256 request signing, exactly as the official Huawei Cloud SDKs sign.
//!
//! The steps and their quirks are checked against vectors produced by the official Python
//! SDK (`tests/signing/vectors.json`).

use std::borrow::Cow;

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
    pub headers: Vec<(Cow<'a, str>, Cow<'a, str>)>,
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

/// Appends a header name in lower case.
fn push_lower(out: &mut String, name: &str) {
    if !name.bytes().any(|byte| byte.is_ascii_uppercase()) {
        out.push_str(name);
    } else {
        out.extend(name.chars().map(|character| character.to_ascii_lowercase()));
    }
}

/// Lower-case hex of bytes, written straight into a string of the right size.
fn push_hex(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    out.reserve(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
}

fn sha256_hex(data: &[u8]) -> String {
    let mut out = String::with_capacity(64);
    push_hex(&mut out, &Sha256::digest(data));
    out
}

fn header<'h, N: AsRef<str>, V: AsRef<str>>(headers: &'h [(N, V)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(key, _)| key.as_ref().eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_ref())
}

/// Appends the canonical URI of `path` to `out`: the path percent-decoded, split on `/`,
/// each segment re-encoded, and a trailing `/` added.
fn push_canonical_uri(out: &mut String, path: &str) {
    let start = out.len();
    // Fast path: a path of unreserved characters and `/` is its own canonical form.
    if path.bytes().all(|byte| {
        byte == b'/' || byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
    }) {
        out.push_str(path);
    } else {
        let decoded = percent_decode_str(path).decode_utf8_lossy();
        for (index, segment) in decoded.split('/').enumerate() {
            if index > 0 {
                out.push('/');
            }
            out.extend(utf8_percent_encode(segment, ENCODE));
        }
    }
    if !out[start..].ends_with('/') {
        out.push('/');
    }
}

/// The canonical URI of a path.
#[cfg(test)]
fn canonical_uri(path: &str) -> String {
    let mut uri = String::with_capacity(path.len() + 1);
    push_canonical_uri(&mut uri, path);
    uri
}

/// Signs a request in place, adding the headers signing needs, and returns the details.
pub fn sign(access_key: &str, secret_key: &str, request: &mut SignableRequest<'_>) -> Signature {
    let signature = signature_of(access_key, secret_key, request);
    request.headers.push((
        Cow::Borrowed("Authorization"),
        Cow::Owned(signature.authorization.clone()),
    ));
    signature
}

/// Signs a request in place, as [`sign`] does, without keeping the details: what the
/// client does for every attempt.
pub(crate) fn authorize(access_key: &str, secret_key: &str, request: &mut SignableRequest<'_>) {
    let signature = signature_of(access_key, secret_key, request);
    request.headers.push((
        Cow::Borrowed("Authorization"),
        Cow::Owned(signature.authorization),
    ));
}

/// Adds `X-Sdk-Content-Sha256` when needed and `Host`, and computes the signature.
fn signature_of(
    access_key: &str,
    secret_key: &str,
    request: &mut SignableRequest<'_>,
) -> Signature {
    // The SDK looks only at a header spelled exactly `Content-Type`, and compares its value
    // case-sensitively.
    let unsigned = request
        .headers
        .iter()
        .find(|(name, _)| name.as_ref() == "Content-Type")
        .is_some_and(|(_, value)| {
            !value.starts_with("application/json") && !value.starts_with("application/bson")
        });
    if unsigned {
        request.headers.push((
            Cow::Borrowed("X-Sdk-Content-Sha256"),
            Cow::Borrowed(UNSIGNED_PAYLOAD),
        ));
    }
    request
        .headers
        .push((Cow::Borrowed("Host"), Cow::Borrowed(request.host)));
    let payload_hash = match request.body {
        Payload::Bytes(body) => payload_hash(unsigned, body),
        Payload::Streamed { empty: true } => sha256_hex(b""),
        // A streamed body is never JSON, so its payload is always unsigned.
        Payload::Streamed { empty: false } => UNSIGNED_PAYLOAD.to_owned(),
    };
    compute(
        access_key,
        secret_key,
        request.method,
        request.path,
        request.query,
        &request.headers,
        &payload_hash,
    )
}

/// Computes the signature over a final header list (with `Host` and `X-Sdk-Date`): every
/// header whose name has no `_` is signed. The mock server verifies with this too.
pub(crate) fn compute<N: AsRef<str>, V: AsRef<str>>(
    access_key: &str,
    secret_key: &str,
    method: &str,
    path: &str,
    query: &str,
    headers: &[(N, V)],
    payload_hash: &str,
) -> Signature {
    let date = header(headers, "X-Sdk-Date").unwrap_or_default();
    // Signed: every header whose name has no `_`, by lower-case name, values trimmed.
    let mut signed: Vec<(&str, &str)> = headers
        .iter()
        .map(|(name, value)| (name.as_ref(), value.as_ref().trim()))
        .filter(|(name, _)| !name.contains('_') && !name.eq_ignore_ascii_case("authorization"))
        .collect();
    signed.sort_by(|left, right| {
        left.0
            .bytes()
            .map(|byte| byte.to_ascii_lowercase())
            .cmp(right.0.bytes().map(|byte| byte.to_ascii_lowercase()))
    });
    let mut signed_headers = String::with_capacity(signed.len() * 16);
    for (index, (name, _)) in signed.iter().enumerate() {
        if index > 0 {
            signed_headers.push(';');
        }
        push_lower(&mut signed_headers, name);
    }
    let mut canonical_request = String::with_capacity(
        256 + path.len()
            + query.len()
            + signed
                .iter()
                .map(|(name, value)| name.len() + value.len() + 2)
                .sum::<usize>(),
    );
    canonical_request.push_str(method);
    canonical_request.make_ascii_uppercase();
    canonical_request.push('\n');
    push_canonical_uri(&mut canonical_request, path);
    canonical_request.push('\n');
    canonical_request.push_str(query);
    canonical_request.push('\n');
    for (name, value) in &signed {
        push_lower(&mut canonical_request, name);
        canonical_request.push(':');
        canonical_request.push_str(value);
        canonical_request.push('\n');
    }
    canonical_request.push('\n');
    canonical_request.push_str(&signed_headers);
    canonical_request.push('\n');
    canonical_request.push_str(payload_hash);
    let mut string_to_sign = String::with_capacity(ALGORITHM.len() + date.len() + 66);
    string_to_sign.push_str(ALGORITHM);
    string_to_sign.push('\n');
    string_to_sign.push_str(date);
    string_to_sign.push('\n');
    push_hex(
        &mut string_to_sign,
        &Sha256::digest(canonical_request.as_bytes()),
    );
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret_key.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(string_to_sign.as_bytes());
    let mut authorization =
        String::with_capacity(ALGORITHM.len() + access_key.len() + signed_headers.len() + 100);
    authorization.push_str(ALGORITHM);
    authorization.push_str(" Access=");
    authorization.push_str(access_key);
    authorization.push_str(", SignedHeaders=");
    authorization.push_str(&signed_headers);
    authorization.push_str(", Signature=");
    push_hex(&mut authorization, &mac.finalize().into_bytes());
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
    // Written by hand: this runs for every attempt, and a format description costs more.
    let mut out = String::with_capacity(16);
    let mut two = |value: u8| {
        out.push(char::from(b'0' + value / 10));
        out.push(char::from(b'0' + value % 10));
    };
    let year = utc.year().clamp(0, 9999);
    // `year` is within 0..=9999, so both halves fit in a `u8` below 100.
    two(u8::try_from(year / 100).unwrap_or(0));
    two(u8::try_from(year % 100).unwrap_or(0));
    two(u8::from(utc.month()));
    two(utc.day());
    out.push('T');
    let mut two = |value: u8| {
        out.push(char::from(b'0' + value / 10));
        out.push(char::from(b'0' + value % 10));
    };
    two(utc.hour());
    two(utc.minute());
    two(utc.second());
    out.push('Z');
    out
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
