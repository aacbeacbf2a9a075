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

/// Where a canonical request, or a string to sign, is written: a `String` (kept by
/// [`sign`] for tests, debugging and the mock) or straight into a hash, so signing an
/// attempt builds no copy of either. One writer for both keeps them the same bytes.
trait Sink {
    fn put(&mut self, text: &str);

    /// Writes a header name in lower case.
    fn put_lower(&mut self, name: &str) {
        if name.bytes().any(|byte| byte.is_ascii_uppercase()) {
            self.put(&name.to_ascii_lowercase());
        } else {
            self.put(name);
        }
    }
}

impl Sink for String {
    fn put(&mut self, text: &str) {
        self.push_str(text);
    }
}

impl Sink for Sha256 {
    fn put(&mut self, text: &str) {
        Digest::update(self, text.as_bytes());
    }
}

impl Sink for Hmac<Sha256> {
    fn put(&mut self, text: &str) {
        Mac::update(self, text.as_bytes());
    }
}

/// Lower-case hex of 32 bytes (a SHA-256 digest or an HMAC), on the stack.
pub(crate) struct Hex([u8; 64]);

impl Hex {
    fn of(bytes: &[u8]) -> Hex {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = [b'0'; 64];
        for (pair, byte) in out.chunks_exact_mut(2).zip(bytes) {
            pair[0] = DIGITS[usize::from(byte >> 4)];
            pair[1] = DIGITS[usize::from(byte & 0x0f)];
        }
        Hex(out)
    }

    fn as_str(&self) -> &str {
        // Only ASCII hex digits are ever written.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

fn sha256_hex(data: &[u8]) -> Hex {
    Hex::of(&Sha256::digest(data))
}

fn header<'h, N: AsRef<str>, V: AsRef<str>>(headers: &'h [(N, V)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(key, _)| key.as_ref().eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_ref())
}

/// Writes the canonical URI of `path`: the path percent-decoded, split on `/`, each
/// segment re-encoded, and a trailing `/` added.
fn put_canonical_uri(out: &mut impl Sink, path: &str) {
    // Fast path: a path of unreserved characters and `/` is its own canonical form.
    if path.bytes().all(|byte| {
        byte == b'/' || byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
    }) {
        out.put(path);
        if !path.ends_with('/') {
            out.put("/");
        }
        return;
    }
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    // An encoded segment never ends in `/`, so the URI ends in one only when the last
    // segment is empty.
    let mut ends_with_slash = false;
    for (index, segment) in decoded.split('/').enumerate() {
        if index > 0 {
            out.put("/");
        }
        for piece in utf8_percent_encode(segment, ENCODE) {
            out.put(piece);
        }
        ends_with_slash = index > 0 && segment.is_empty();
    }
    if !ends_with_slash {
        out.put("/");
    }
}

/// The canonical URI of a path.
#[cfg(test)]
fn canonical_uri(path: &str) -> String {
    let mut uri = String::with_capacity(path.len() + 1);
    put_canonical_uri(&mut uri, path);
    uri
}

/// Signs a request in place, adding the headers signing needs, and returns the details.
pub fn sign(access_key: &str, secret_key: &str, request: &mut SignableRequest<'_>) -> Signature {
    let payload_hash = prepare(request);
    let signature = compute(
        access_key,
        secret_key,
        request.method,
        request.path,
        request.query,
        &request.headers,
        payload_hash.as_str(),
    );
    request.headers.push((
        Cow::Borrowed("Authorization"),
        Cow::Owned(signature.authorization.clone()),
    ));
    signature
}

/// Adds `X-Sdk-Content-Sha256` when needed and `Host`; returns the payload hash.
fn prepare(request: &mut SignableRequest<'_>) -> PayloadHash {
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
    PayloadHash::of(unsigned, request.body)
}

/// Whether a request whose header spelled exactly `Content-Type` has this value is sent
/// with an unsigned payload (and `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`): anything but
/// JSON and BSON, compared case-sensitively as the official SDK compares.
pub(crate) fn unsigned_content_type(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|value| {
        !value.starts_with("application/json") && !value.starts_with("application/bson")
    })
}

/// The payload hash signed for a body, without allocating.
pub(crate) enum PayloadHash {
    /// The body's SHA-256.
    Hashed(Hex),
    /// `UNSIGNED-PAYLOAD`.
    Unsigned,
}

impl PayloadHash {
    /// The hash of a body sent with (`unsigned`) or without `X-Sdk-Content-Sha256`.
    pub(crate) fn of(unsigned: bool, body: Payload<'_>) -> PayloadHash {
        match body {
            Payload::Bytes(bytes) if !unsigned || bytes.is_empty() => {
                PayloadHash::Hashed(sha256_hex(bytes))
            }
            Payload::Bytes(_) => PayloadHash::Unsigned,
            // The official SDK hashes an empty streamed body as the empty string; any other
            // is never JSON, so its payload is always unsigned.
            Payload::Streamed { empty: true } => PayloadHash::Hashed(sha256_hex(b"")),
            Payload::Streamed { empty: false } => PayloadHash::Unsigned,
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        match self {
            PayloadHash::Hashed(hex) => hex.as_str(),
            PayloadHash::Unsigned => UNSIGNED_PAYLOAD,
        }
    }
}

/// A secret key made ready for HMAC-SHA256 once, so an attempt starts from a copy of the
/// keyed state instead of hashing the key's padded blocks again.
///
/// It holds a state derived from the secret key, so it has no `Debug`.
#[derive(Clone)]
pub(crate) struct SigningKey(Hmac<Sha256>);

impl SigningKey {
    pub(crate) fn new(secret_key: &str) -> SigningKey {
        SigningKey(hmac(secret_key))
    }
}

/// The `Authorization` value of one attempt: the canonical request is hashed as it is
/// written and the string to sign goes straight into the HMAC, so the only string built is
/// the value itself. `headers` is the final header list, with `Host` and `X-Sdk-Date`; the
/// signed headers are sorted in it.
pub(crate) fn authorization(
    access_key: &str,
    key: &SigningKey,
    method: &str,
    path: &str,
    query: &str,
    headers: HeaderList<'_>,
    payload_hash: &str,
) -> String {
    // Not `header()`: its answer borrows the list, which `signed_headers` then consumes;
    // this keeps the value's own lifetime.
    let date = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("X-Sdk-Date"))
        .map_or("", |(_, value)| *value);
    let signed = signed_headers(headers);
    let mut canonical = Sha256::new();
    put_canonical_request(&mut canonical, method, path, query, &signed, payload_hash);
    let mut mac = key.0.clone();
    put_string_to_sign(&mut mac, date, &canonical.finalize());
    authorization_value(access_key, &signed, &mac.finalize().into_bytes())
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
    let signed = signed_headers(
        headers
            .iter()
            .map(|(name, value)| (name.as_ref(), value.as_ref()))
            .collect(),
    );
    let mut canonical_request = String::with_capacity(
        256 + path.len()
            + query.len()
            + signed
                .iter()
                .map(|(name, value)| name.len() + value.len() + 2)
                .sum::<usize>(),
    );
    put_canonical_request(
        &mut canonical_request,
        method,
        path,
        query,
        &signed,
        payload_hash,
    );
    let date = header(headers, "X-Sdk-Date").unwrap_or_default();
    let mut string_to_sign = String::with_capacity(ALGORITHM.len() + date.len() + 66);
    put_string_to_sign(
        &mut string_to_sign,
        date,
        &Sha256::digest(canonical_request.as_bytes()),
    );
    let mut mac = hmac(secret_key);
    mac.update(string_to_sign.as_bytes());
    let authorization = authorization_value(access_key, &signed, &mac.finalize().into_bytes());
    let mut signed_headers = String::with_capacity(signed.len() * 16);
    put_signed_header_names(&mut signed_headers, &signed);
    Signature {
        canonical_request,
        string_to_sign,
        signed_headers,
        authorization,
    }
}

/// A request's headers as the signer reads them: names and values, on the stack for any
/// usual request.
pub(crate) type HeaderList<'h> = smallvec::SmallVec<[(&'h str, &'h str); 12]>;

/// The signed headers, sorted by lower-case name: every header whose name has no `_`,
/// values trimmed. Made in place from the list of headers, which is consumed.
fn signed_headers(mut signed: HeaderList<'_>) -> HeaderList<'_> {
    signed.retain(|(name, _)| !name.contains('_') && !name.eq_ignore_ascii_case("authorization"));
    for (_, value) in &mut signed {
        *value = value.trim();
    }
    signed.sort_by(|left, right| {
        left.0
            .bytes()
            .map(|byte| byte.to_ascii_lowercase())
            .cmp(right.0.bytes().map(|byte| byte.to_ascii_lowercase()))
    });
    signed
}

/// `;`-joined lower-case names of the signed headers.
fn put_signed_header_names(out: &mut impl Sink, signed: &[(&str, &str)]) {
    for (index, (name, _)) in signed.iter().enumerate() {
        if index > 0 {
            out.put(";");
        }
        out.put_lower(name);
    }
}

fn put_canonical_request(
    out: &mut impl Sink,
    method: &str,
    path: &str,
    query: &str,
    signed: &[(&str, &str)],
    payload_hash: &str,
) {
    if method.bytes().any(|byte| byte.is_ascii_lowercase()) {
        out.put(&method.to_ascii_uppercase());
    } else {
        out.put(method);
    }
    out.put("\n");
    put_canonical_uri(out, path);
    out.put("\n");
    out.put(query);
    out.put("\n");
    for (name, value) in signed {
        out.put_lower(name);
        out.put(":");
        out.put(value);
        out.put("\n");
    }
    out.put("\n");
    put_signed_header_names(out, signed);
    out.put("\n");
    out.put(payload_hash);
}

fn put_string_to_sign(out: &mut impl Sink, date: &str, canonical_hash: &[u8]) {
    out.put(ALGORITHM);
    out.put("\n");
    out.put(date);
    out.put("\n");
    out.put(Hex::of(canonical_hash).as_str());
}

fn hmac(secret_key: &str) -> Hmac<Sha256> {
    <Hmac<Sha256> as Mac>::new_from_slice(secret_key.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"))
}

fn authorization_value(access_key: &str, signed: &[(&str, &str)], signature: &[u8]) -> String {
    // Exactly its length: a string whose capacity is its length becomes the header's bytes
    // with no further allocation.
    let names =
        signed.iter().map(|(name, _)| name.len()).sum::<usize>() + signed.len().saturating_sub(1);
    let mut value = String::with_capacity(
        ALGORITHM.len()
            + " Access=".len()
            + access_key.len()
            + ", SignedHeaders=".len()
            + names
            + ", Signature=".len()
            + 64,
    );
    value.push_str(ALGORITHM);
    value.push_str(" Access=");
    value.push_str(access_key);
    value.push_str(", SignedHeaders=");
    put_signed_header_names(&mut value, signed);
    value.push_str(", Signature=");
    value.push_str(Hex::of(signature).as_str());
    value
}

/// The payload hash the gateway expects for a received request.
#[cfg(feature = "mock")]
pub(crate) fn payload_hash(unsigned_header: bool, body: &[u8]) -> String {
    PayloadHash::of(unsigned_header, Payload::Bytes(body))
        .as_str()
        .to_owned()
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
    fn hashing_while_writing_signs_as_the_string_form_does() {
        for (path, query, content_type, body) in [
            (
                "/v1/p/ws%2001%2F%C3%A4/x",
                "a=1&b=%20",
                "application/json",
                &b"{}"[..],
            ),
            (
                "/v1/p/items/",
                "",
                "multipart/form-data; boundary=x",
                &b"--x--"[..],
            ),
            ("", "limit=10", "application/octet-stream", &b""[..]),
        ] {
            let mut request = SignableRequest {
                method: "post",
                host: "example.com:8443",
                path,
                query,
                headers: vec![
                    (Cow::Borrowed("Content-Type"), Cow::Borrowed(content_type)),
                    (
                        Cow::Borrowed("X-Sdk-Date"),
                        Cow::Borrowed("20240101T000000Z"),
                    ),
                    (Cow::Borrowed("X-Custom"), Cow::Borrowed(" padded ")),
                    (Cow::Borrowed("x_unsigned"), Cow::Borrowed("skipped")),
                ],
                body: Payload::Bytes(body),
            };
            let expected = sign("AK", "SK", &mut request);
            let unsigned = unsigned_content_type(Some(content_type));
            let headers: HeaderList<'_> = request
                .headers
                .iter()
                .filter(|(name, _)| name != "Authorization")
                .map(|(name, value)| (name.as_ref(), value.as_ref()))
                .collect();
            let authorization = authorization(
                "AK",
                &SigningKey::new("SK"),
                "post",
                path,
                query,
                headers,
                PayloadHash::of(unsigned, Payload::Bytes(body)).as_str(),
            );
            assert_eq!(authorization, expected.authorization, "path {path:?}");
        }
    }

    #[test]
    fn sdk_date_is_compact_utc() {
        let moment = time::macros::datetime!(2024-01-01 08:00:00 +8);
        assert_eq!(sdk_date(moment), "20240101T000000Z");
    }
}
