//! An independent SDK-HMAC-SHA256 verifier, written from HUAWEI_SDK_FACTS.md, and a header
//! lookup on received requests: the tests check signatures with it instead of trusting the
//! client's own signer.

use hmac::{Hmac, Mac};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};
use wiremock::Request;

const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

pub(crate) fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request
        .headers
        .get(name)
        .and_then(|value| value.to_str().ok())
}

/// Checks a received request's signature; returns the reason when it does not verify.
pub(crate) fn verify(request: &Request, secret_key: &str) -> Result<(), String> {
    let authorization = header(request, "authorization").ok_or("no authorization")?;
    let fields = authorization
        .strip_prefix("SDK-HMAC-SHA256 ")
        .ok_or("wrong algorithm")?;
    let field = |key: &str| {
        fields
            .split(", ")
            .find_map(|part| {
                part.strip_prefix(key)
                    .and_then(|rest| rest.strip_prefix('='))
            })
            .map(str::to_owned)
    };
    let signed_headers = field("SignedHeaders").ok_or("no SignedHeaders")?;
    let signature = field("Signature").ok_or("no Signature")?;
    let date = header(request, "x-sdk-date").ok_or("no x-sdk-date")?;

    let decoded = percent_decode_str(request.url.path())
        .decode_utf8_lossy()
        .into_owned();
    let mut uri: Vec<String> = decoded
        .split('/')
        .map(|segment| utf8_percent_encode(segment, UNRESERVED).to_string())
        .collect();
    if uri.last().is_some_and(|last| !last.is_empty()) {
        uri.push(String::new());
    }
    let mut canonical = format!(
        "{}\n{}\n{}\n",
        request.method.as_str(),
        uri.join("/"),
        request.url.query().unwrap_or("")
    );
    for name in signed_headers.split(';') {
        let value = header(request, name).ok_or_else(|| format!("signed header {name} missing"))?;
        canonical.push_str(&format!("{name}:{}\n", value.trim()));
    }
    let unsigned = header(request, "x-sdk-content-sha256") == Some("UNSIGNED-PAYLOAD")
        && !request.body.is_empty();
    let payload = if unsigned {
        "UNSIGNED-PAYLOAD".to_owned()
    } else {
        hex::encode(Sha256::digest(&request.body))
    };
    canonical.push_str(&format!("\n{signed_headers}\n{payload}"));
    let to_sign = format!(
        "SDK-HMAC-SHA256\n{date}\n{}",
        hex::encode(Sha256::digest(canonical.as_bytes()))
    );
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret_key.as_bytes()).map_err(|error| error.to_string())?;
    mac.update(to_sign.as_bytes());
    let expected = hex::encode(mac.finalize().into_bytes());
    if expected == signature {
        Ok(())
    } else {
        Err(format!("signature mismatch over:\n{canonical}"))
    }
}
