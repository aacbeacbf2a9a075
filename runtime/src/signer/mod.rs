//! Request signing, exactly as the official Huawei Cloud SDKs sign: SDK-HMAC-SHA256 (the
//! default), SDK-HMAC-SM3, V11-HMAC-SHA256 (a key derived per day, region and service),
//! and, with the `ecc-signing` feature, SDK-ECDSA-P256-SHA256 and SDK-SM2-SM3.
//!
//! Every algorithm shares the canonical request; they differ in the digest (SHA-256 or
//! SM3), the string to sign (V11 adds its scope) and the signature (an HMAC, or an
//! elliptic-curve signature with a key derived from the AK/SK). The steps and their quirks
//! are checked against vectors produced by the official Python SDK
//! (`tests/signing/vectors.json`, `tests/signing/algorithm_vectors.json`).
//!
//! Imports run one way: this module (the entry points, and the HMAC and V11 signatures)
//! over `canonical` (the canonical request, the string to sign, `Authorization`) and `ecc`
//! (the elliptic-curve keys and signatures), both over `scheme` (the algorithms and
//! digests).

mod canonical;
mod ecc;
mod scheme;

use std::borrow::Cow;

use sha2::Sha256;

use crate::Error;
#[cfg(feature = "mock")]
use ecc::unhex;
use scheme::hex;

pub use canonical::Payload;
pub(crate) use canonical::{
    authorization, payload_hash, prepare, unsigned_content_type, Prepared, ENCODE,
};
#[cfg(feature = "ecc-signing")]
pub use ecc::derived_private_key_hex;
#[cfg(all(feature = "ecc-signing", feature = "mock"))]
pub use ecc::verify_ecc_signature;
pub(crate) use scheme::Digest;
pub use scheme::{Scheme, SigningAlgorithm};

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

/// What signing produced, kept for tests and debugging (nothing secret in it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// The canonical request that was hashed.
    pub canonical_request: String,
    /// The string the signature was computed over.
    pub string_to_sign: String,
    /// `;`-joined lower-case names of the signed headers.
    pub signed_headers: String,
    /// The `Authorization` header value.
    pub authorization: String,
}

/// Signs a request with SDK-HMAC-SHA256 in place, adding the headers signing needs, and
/// returns the details.
pub fn sign(access_key: &str, secret_key: &str, request: &mut SignableRequest<'_>) -> Signature {
    match sign_with(&Scheme::default(), access_key, secret_key, request) {
        Ok(signature) => signature,
        Err(_) => unreachable!("HMAC signing cannot fail"),
    }
}

/// Signs a request with `scheme` in place, adding the headers signing needs, and returns
/// the details. Fails only for an elliptic-curve algorithm this build lacks (feature
/// `ecc-signing`) or whose key cannot be derived from these credentials.
pub fn sign_with(
    scheme: &Scheme,
    access_key: &str,
    secret_key: &str,
    request: &mut SignableRequest<'_>,
) -> Result<Signature, Error> {
    // The SDK looks only at a header spelled exactly `Content-Type`, and compares its value
    // case-sensitively.
    let unsigned = unsigned_content_type(
        request
            .headers
            .iter()
            .find(|(name, _)| name.as_ref() == "Content-Type")
            .map(|(_, value)| value.as_ref()),
    );
    let digest = scheme.digest();
    if unsigned {
        request.headers.push((
            Cow::Borrowed(digest.content_header()),
            Cow::Borrowed(canonical::UNSIGNED_PAYLOAD),
        ));
    }
    request
        .headers
        .push((Cow::Borrowed("Host"), Cow::Borrowed(request.host)));
    let signature = compute(
        scheme,
        access_key,
        secret_key,
        request.method,
        request.path,
        request.query,
        &request.headers,
        &payload_hash(digest, unsigned, request.body),
    )?;
    request.headers.push((
        Cow::Borrowed("Authorization"),
        Cow::Owned(signature.authorization.clone()),
    ));
    Ok(signature)
}

/// Computes the signature over a final header list (with `Host` and `X-Sdk-Date`): every
/// header whose name has no `_` is signed. The one signing computation: [`sign`] (and so
/// the official vectors), the client and the mock server all go through it.
#[allow(clippy::too_many_arguments)]
pub(crate) fn compute<N: AsRef<str>, V: AsRef<str>>(
    scheme: &Scheme,
    access_key: &str,
    secret_key: &str,
    method: &str,
    path: &str,
    query: &str,
    headers: &[(N, V)],
    payload_hash: &str,
) -> Result<Signature, Error> {
    let prepared = prepare(scheme, method, path, query, headers, payload_hash);
    let signature = signature_hex(scheme, access_key, secret_key, &prepared)?;
    let authorization = authorization(scheme, access_key, &prepared, &signature);
    let Prepared {
        canonical_request,
        string_to_sign,
        signed_headers,
        scope: _,
    } = prepared;
    Ok(Signature {
        canonical_request,
        string_to_sign,
        signed_headers,
        authorization,
    })
}

/// The hex signature of a prepared request.
fn signature_hex(
    scheme: &Scheme,
    access_key: &str,
    secret_key: &str,
    prepared: &Prepared,
) -> Result<String, Error> {
    let data = prepared.string_to_sign.as_bytes();
    let bytes = match scheme {
        Scheme::Algorithm(SigningAlgorithm::HmacSha256) => {
            Digest::Sha256.hmac(secret_key.as_bytes(), data).to_vec()
        }
        Scheme::Algorithm(SigningAlgorithm::HmacSm3) => {
            Digest::Sm3.hmac(secret_key.as_bytes(), data).to_vec()
        }
        Scheme::Derived { .. } => {
            let key = derived_key(access_key, secret_key, prepared.scope.as_deref())?;
            Digest::Sha256.hmac(key.as_bytes(), data).to_vec()
        }
        Scheme::Algorithm(algorithm) => ecc::sign(*algorithm, access_key, secret_key, data)?,
    };
    Ok(hex(&bytes))
}

/// Whether `signature` (hex) is the signature of a prepared request made with these keys:
/// recomputed and compared for the HMAC schemes, verified with the public key derived
/// from the keys for the elliptic-curve ones.
#[cfg(feature = "mock")]
pub(crate) fn verify(
    scheme: &Scheme,
    access_key: &str,
    secret_key: &str,
    prepared: &Prepared,
    signature: &str,
) -> Result<bool, Error> {
    match scheme {
        Scheme::Algorithm(
            algorithm @ (SigningAlgorithm::EcdsaP256Sha256 | SigningAlgorithm::Sm2Sm3),
        ) => {
            let Some(der) = unhex(signature) else {
                return Ok(false);
            };
            ecc::verify(
                *algorithm,
                access_key,
                secret_key,
                prepared.string_to_sign.as_bytes(),
                &der,
            )
        }
        _ => Ok(signature_hex(scheme, access_key, secret_key, prepared)? == signature),
    }
}

/// V11's signing key: the lower-case hex of HKDF-SHA256 with the AK as salt, the SK as
/// input key and the scope as info, 32 bytes (the SDK's `hkdf.get_der_key_sha256`).
fn derived_key(access_key: &str, secret_key: &str, scope: Option<&str>) -> Result<String, Error> {
    let info = scope.unwrap_or_default();
    let hkdf = hkdf::Hkdf::<Sha256>::new(Some(access_key.as_bytes()), secret_key.as_bytes());
    let mut key = [0u8; 32];
    hkdf.expand(info.as_bytes(), &mut key)
        .map_err(|_| Error::Config("V11-HMAC-SHA256: the key derivation failed".into()))?;
    Ok(hex(&key))
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
    fn sdk_date_is_compact_utc() {
        let moment = time::macros::datetime!(2024-01-01 08:00:00 +8);
        assert_eq!(sdk_date(moment), "20240101T000000Z");
        let moment = time::macros::datetime!(0999-12-31 23:59:09 UTC);
        assert_eq!(sdk_date(moment), "09991231T235909Z");
    }
}
