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

fn sha256_hex(data: &[u8]) -> String {
    format!("{:x}", Sha256::digest(data))
}

fn header<'h, N: AsRef<str>, V: AsRef<str>>(headers: &'h [(N, V)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(key, _)| key.as_ref().eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_ref())
}

/// Appends the canonical URI of a path: the path percent-decoded, split on `/`, each
/// segment re-encoded, and a trailing `/` added.
fn push_canonical_uri(out: &mut String, path: &str) {
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    for (index, segment) in decoded.split('/').enumerate() {
        if index > 0 {
            out.push('/');
        }
        out.extend(utf8_percent_encode(segment, ENCODE));
    }
    if !out.ends_with('/') {
        out.push('/');
    }
}

/// The canonical URI of a path (see [`push_canonical_uri`]).
#[cfg(test)]
fn canonical_uri(path: &str) -> String {
    let mut uri = String::new();
    push_canonical_uri(&mut uri, path);
    uri
}

/// Signs a request in place, adding the headers signing needs, and returns the details.
pub fn sign(access_key: &str, secret_key: &str, request: &mut SignableRequest<'_>) -> Signature {
    // The SDK looks only at a header spelled exactly `Content-Type`, and compares its value
    // case-sensitively.
    let unsigned = unsigned_content_type(
        request
            .headers
            .iter()
            .find(|(name, _)| name.as_ref() == "Content-Type")
            .map(|(_, value)| value.as_ref()),
    );
    if unsigned {
        request.headers.push((
            Cow::Borrowed("X-Sdk-Content-Sha256"),
            Cow::Borrowed(UNSIGNED_PAYLOAD),
        ));
    }
    request
        .headers
        .push((Cow::Borrowed("Host"), Cow::Borrowed(request.host)));
    let signature = compute(
        access_key,
        secret_key,
        request.method,
        request.path,
        request.query,
        &request.headers,
        &payload_hash(unsigned, request.body),
    );
    request.headers.push((
        Cow::Borrowed("Authorization"),
        Cow::Owned(signature.authorization.clone()),
    ));
    signature
}

/// Whether a request whose header spelled exactly `Content-Type` has this value is sent
/// with an unsigned payload (and `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`): anything but
/// JSON and BSON, compared case-sensitively as the official SDK compares.
pub(crate) fn unsigned_content_type(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|value| {
        !value.starts_with("application/json") && !value.starts_with("application/bson")
    })
}

/// The payload hash signed for a body sent with (`unsigned`) or without
/// `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`.
pub(crate) fn payload_hash(unsigned: bool, body: Payload<'_>) -> String {
    match body {
        Payload::Bytes(bytes) if !unsigned || bytes.is_empty() => sha256_hex(bytes),
        Payload::Bytes(_) => UNSIGNED_PAYLOAD.to_owned(),
        // The official SDK hashes an empty streamed body as the empty string; any other
        // is never JSON, so its payload is always unsigned.
        Payload::Streamed { empty: true } => sha256_hex(b""),
        Payload::Streamed { empty: false } => UNSIGNED_PAYLOAD.to_owned(),
    }
}

/// Computes the signature over a final header list (with `Host` and `X-Sdk-Date`): every
/// header whose name has no `_` is signed. The one signing computation: [`sign`] (and so
/// the official vectors), the client and the mock server all go through it.
pub(crate) fn compute<N: AsRef<str>, V: AsRef<str>>(
    access_key: &str,
    secret_key: &str,
    method: &str,
    path: &str,
    query: &str,
    headers: &[(N, V)],
    payload_hash: &str,
) -> Signature {
    // The signed headers, sorted by lower-case name, values trimmed.
    let mut signed: Vec<(String, &str)> = headers
        .iter()
        .map(|(name, value)| (name.as_ref().to_ascii_lowercase(), value.as_ref().trim()))
        .filter(|(name, _)| !name.contains('_') && name != "authorization")
        .collect();
    signed.sort_by(|left, right| left.0.cmp(&right.0));
    let mut signed_headers = String::with_capacity(signed.len() * 16);
    for (index, (name, _)) in signed.iter().enumerate() {
        if index > 0 {
            signed_headers.push(';');
        }
        signed_headers.push_str(name);
    }
    let mut canonical_request = String::with_capacity(512 + path.len() + query.len());
    canonical_request.push_str(&method.to_ascii_uppercase());
    canonical_request.push('\n');
    push_canonical_uri(&mut canonical_request, path);
    canonical_request.push('\n');
    canonical_request.push_str(query);
    canonical_request.push('\n');
    for (name, value) in &signed {
        canonical_request.push_str(name);
        canonical_request.push(':');
        canonical_request.push_str(value);
        canonical_request.push('\n');
    }
    canonical_request.push('\n');
    canonical_request.push_str(&signed_headers);
    canonical_request.push('\n');
    canonical_request.push_str(payload_hash);
    let date = header(headers, "X-Sdk-Date").unwrap_or_default();
    let string_to_sign = format!(
        "{ALGORITHM}\n{date}\n{}",
        sha256_hex(canonical_request.as_bytes())
    );
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret_key.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(string_to_sign.as_bytes());
    let authorization = format!(
        "{ALGORITHM} Access={access_key}, SignedHeaders={signed_headers}, Signature={:x}",
        mac.finalize().into_bytes()
    );
    Signature {
        canonical_request,
        string_to_sign,
        signed_headers,
        authorization,
    }
}

/// The format of `X-Sdk-Date`: `YYYYMMDDTHHMMSSZ`, in UTC.
pub(crate) const SDK_DATE_FORMAT: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");

/// The `X-Sdk-Date` value for a moment: `YYYYMMDDTHHMMSSZ` in UTC.
pub fn sdk_date(moment: time::OffsetDateTime) -> String {
    moment
        .to_offset(time::UtcOffset::UTC)
        .format(SDK_DATE_FORMAT)
        // Formatting a date and time into a `String` fails only for a component the value
        // lacks, and an `OffsetDateTime` has them all.
        .unwrap_or_default()
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
        let moment = time::macros::datetime!(0999-12-31 23:59:09 UTC);
        assert_eq!(sdk_date(moment), "09991231T235909Z");
    }
}
