//! The canonical request and the string to sign, which every scheme shares (the
//! official SDK's `Signer._canonical_request` and `_string_to_sign`), the payload hash
//! they sign, and the `Authorization` value that carries the signature.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::scheme::{Digest, Scheme};

/// Characters percent-encoded in path segments and query names and values: everything but
/// `A-Z a-z 0-9 - . _ ~`, with upper-case hex.
pub(crate) const ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

pub(super) const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

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

/// Whether a request whose header spelled exactly `Content-Type` has this value is sent
/// with an unsigned payload (and `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`): anything but
/// JSON and BSON, compared case-sensitively as the official SDK compares.
pub(crate) fn unsigned_content_type(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|value| {
        !value.starts_with("application/json") && !value.starts_with("application/bson")
    })
}

/// The payload hash signed for a body sent with (`unsigned`) or without
/// `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` (`X-Sdk-Content-Sm3` for the SM3 algorithms).
pub(crate) fn payload_hash(digest: Digest, unsigned: bool, body: Payload<'_>) -> String {
    match body {
        Payload::Bytes(bytes) if !unsigned || bytes.is_empty() => digest.hex(bytes),
        Payload::Bytes(_) => UNSIGNED_PAYLOAD.to_owned(),
        // The official SDK hashes an empty streamed body as the empty string; any other
        // is never JSON, so its payload is always unsigned.
        Payload::Streamed { empty: true } => digest.hex(b""),
        Payload::Streamed { empty: false } => UNSIGNED_PAYLOAD.to_owned(),
    }
}

/// The canonical request, the string to sign and the signed headers of a request, before
/// any key is used; `scope` is V11's `<YYYYMMDD>/<region>/<service>`.
pub(crate) struct Prepared {
    pub(crate) canonical_request: String,
    pub(crate) string_to_sign: String,
    pub(crate) signed_headers: String,
    pub(crate) scope: Option<String>,
}

/// Builds the canonical request and the string to sign over a final header list (with
/// `Host` and `X-Sdk-Date`): every header whose name has no `_` is signed.
pub(crate) fn prepare<N: AsRef<str>, V: AsRef<str>>(
    scheme: &Scheme,
    method: &str,
    path: &str,
    query: &str,
    headers: &[(N, V)],
    payload_hash: &str,
) -> Prepared {
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
    let hash = scheme.digest().hex(canonical_request.as_bytes());
    let name = scheme.name();
    let (string_to_sign, scope) = match scheme {
        Scheme::Algorithm(_) => (format!("{name}\n{date}\n{hash}"), None),
        Scheme::Derived { region, service } => {
            // The day of `X-Sdk-Date` (`YYYYMMDD`), as the SDK formats the parsed date.
            let day = date.get(..8).unwrap_or(date);
            let scope = format!("{day}/{region}/{service}");
            (format!("{name}\n{date}\n{scope}\n{hash}"), Some(scope))
        }
    };
    Prepared {
        canonical_request,
        string_to_sign,
        signed_headers,
        scope,
    }
}

/// The `Authorization` value: `<name> Access=<AK>, SignedHeaders=<list>, Signature=<hex>`,
/// or for V11 `<name> Credential=<AK>/<scope>, ...`.
pub(crate) fn authorization(
    scheme: &Scheme,
    access_key: &str,
    prepared: &Prepared,
    signature: &str,
) -> String {
    let name = scheme.name();
    let signed_headers = &prepared.signed_headers;
    match &prepared.scope {
        Some(scope) => format!(
            "{name} Credential={access_key}/{scope}, SignedHeaders={signed_headers}, Signature={signature}"
        ),
        None => format!(
            "{name} Access={access_key}, SignedHeaders={signed_headers}, Signature={signature}"
        ),
    }
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
}
