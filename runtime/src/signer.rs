//! Request signing, exactly as the official Huawei Cloud SDKs sign: SDK-HMAC-SHA256 (the
//! default), SDK-HMAC-SM3, V11-HMAC-SHA256 (a key derived per day, region and service),
//! and, with the `ecc-signing` feature, SDK-ECDSA-P256-SHA256 and SDK-SM2-SM3.
//!
//! Every algorithm shares the canonical request; they differ in the digest (SHA-256 or
//! SM3), the string to sign (V11 adds its scope) and the signature (an HMAC, or an
//! elliptic-curve signature with a key derived from the AK/SK). The steps and their quirks
//! are checked against vectors produced by the official Python SDK
//! (`tests/signing/vectors.json`, `tests/signing/algorithm_vectors.json`).

use std::borrow::Cow;

use hmac::{Hmac, Mac};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest as _, Sha256};
use sm3::Sm3;

use crate::Error;

/// Characters percent-encoded in path segments and query names and values: everything but
/// `A-Z a-z 0-9 - . _ ~`, with upper-case hex.
pub(crate) const ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// The signing algorithms of the official SDK's `SigningAlgorithm` (`HttpConfig.
/// signing_algorithm`), chosen with `ClientBuilder::signing_algorithm`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SigningAlgorithm {
    /// `SDK-HMAC-SHA256`, the default: HMAC-SHA256 keyed with the SK.
    #[default]
    HmacSha256,
    /// `SDK-HMAC-SM3`: the same steps with the SM3 digest (`X-Sdk-Content-Sm3` for an
    /// unsigned payload).
    HmacSm3,
    /// `SDK-ECDSA-P256-SHA256`: an ECDSA P-256 signature over the SHA-256 string to sign,
    /// with a private key derived from the AK/SK. Needs the `ecc-signing` feature.
    EcdsaP256Sha256,
    /// `SDK-SM2-SM3`: an SM2 signature (distinguishing id `1234567812345678`) over the SM3
    /// string to sign, with a private key derived from the AK/SK. Needs the `ecc-signing`
    /// feature.
    Sm2Sm3,
}

impl SigningAlgorithm {
    /// The name that starts the string to sign and the `Authorization` header.
    pub fn name(self) -> &'static str {
        match self {
            SigningAlgorithm::HmacSha256 => "SDK-HMAC-SHA256",
            SigningAlgorithm::HmacSm3 => "SDK-HMAC-SM3",
            SigningAlgorithm::EcdsaP256Sha256 => "SDK-ECDSA-P256-SHA256",
            SigningAlgorithm::Sm2Sm3 => "SDK-SM2-SM3",
        }
    }

    /// Whether this build can sign with it: the elliptic-curve algorithms need the
    /// `ecc-signing` feature.
    pub fn is_available(self) -> bool {
        match self {
            SigningAlgorithm::HmacSha256 | SigningAlgorithm::HmacSm3 => true,
            SigningAlgorithm::EcdsaP256Sha256 | SigningAlgorithm::Sm2Sm3 => {
                cfg!(feature = "ecc-signing")
            }
        }
    }
}

/// How a request is signed: with one of the [`SigningAlgorithm`]s, or `V11-HMAC-SHA256`
/// with a key derived for a day, a region and a service (the official SDK's
/// `DerivationAKSKSigner`, used when its credentials' derived predicate says so).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scheme {
    /// One of the official SDK's signing algorithms.
    Algorithm(SigningAlgorithm),
    /// `V11-HMAC-SHA256`: HMAC-SHA256 keyed with the hex of HKDF-SHA256 (salt: the AK,
    /// key: the SK, info: `<YYYYMMDD>/<region>/<service>`, 32 bytes), as the SDK's
    /// `hkdf.get_der_key_sha256`.
    Derived {
        /// The region id (`cn-north-4`).
        region: String,
        /// The service name the gateway knows the API by.
        service: String,
    },
}

impl Default for Scheme {
    fn default() -> Self {
        Scheme::Algorithm(SigningAlgorithm::HmacSha256)
    }
}

/// The digests the algorithms hash with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Digest {
    Sha256,
    Sm3,
}

impl Digest {
    /// Lower-case hex of the digest of `data`.
    pub(crate) fn hex(self, data: &[u8]) -> String {
        match self {
            Digest::Sha256 => format!("{:x}", Sha256::digest(data)),
            Digest::Sm3 => format!("{:x}", Sm3::digest(data)),
        }
    }

    /// The header that marks an unsigned payload: `X-Sdk-Content-Sha256` or
    /// `X-Sdk-Content-Sm3`.
    pub(crate) fn content_header(self) -> &'static str {
        match self {
            Digest::Sha256 => "X-Sdk-Content-Sha256",
            Digest::Sm3 => "X-Sdk-Content-Sm3",
        }
    }

    /// HMAC of `data` keyed with `key`.
    fn hmac(self, key: &[u8], data: &[u8]) -> [u8; 32] {
        // HMAC takes keys of any length, so `new_from_slice` cannot fail.
        match self {
            Digest::Sha256 => match <Hmac<Sha256> as Mac>::new_from_slice(key) {
                Ok(mut mac) => {
                    mac.update(data);
                    mac.finalize().into_bytes().into()
                }
                Err(_) => unreachable!("HMAC takes keys of any length"),
            },
            Digest::Sm3 => match <Hmac<Sm3> as Mac>::new_from_slice(key) {
                Ok(mut mac) => {
                    mac.update(data);
                    mac.finalize().into_bytes().into()
                }
                Err(_) => unreachable!("HMAC takes keys of any length"),
            },
        }
    }
}

impl Scheme {
    /// The name that starts the string to sign and the `Authorization` header.
    pub fn name(&self) -> &'static str {
        match self {
            Scheme::Algorithm(algorithm) => algorithm.name(),
            Scheme::Derived { .. } => "V11-HMAC-SHA256",
        }
    }

    /// The digest of the canonical request and the payload.
    pub(crate) fn digest(&self) -> Digest {
        match self {
            Scheme::Algorithm(SigningAlgorithm::HmacSm3 | SigningAlgorithm::Sm2Sm3) => Digest::Sm3,
            _ => Digest::Sha256,
        }
    }
}

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
    /// The string the signature was computed over.
    pub string_to_sign: String,
    /// `;`-joined lower-case names of the signed headers.
    pub signed_headers: String,
    /// The `Authorization` header value.
    pub authorization: String,
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
            Cow::Borrowed(UNSIGNED_PAYLOAD),
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

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

#[cfg(feature = "mock")]
fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|index| u8::from_str_radix(text.get(index..index + 2)?, 16).ok())
        .collect()
}

/// The counter-mode derivation of an elliptic-curve private key from the AK/SK, as the
/// SDK's `P256SHA256Signer._derive_key`: for counter 0 to 254, the candidate is
/// `HMAC(SK, 00000001 || algorithm || 00 || AK || counter || 00000100)` read big-endian;
/// the first at most n-2 gives the key candidate+1. `accept` returns the key for a
/// candidate, or `None` when it is out of range.
#[cfg_attr(not(feature = "ecc-signing"), allow(dead_code))]
fn derive_private_key<K>(
    digest: Digest,
    algorithm: &str,
    access_key: &str,
    secret_key: &str,
    accept: impl Fn([u8; 32]) -> Option<K>,
) -> Result<K, Error> {
    let mut data = Vec::with_capacity(algorithm.len() + access_key.len() + 10);
    for counter in 0..0xffu8 {
        data.clear();
        data.extend_from_slice(&[0, 0, 0, 1]);
        data.extend_from_slice(algorithm.as_bytes());
        data.push(0);
        data.extend_from_slice(access_key.as_bytes());
        data.push(counter);
        data.extend_from_slice(&[0, 0, 1, 0]);
        if let Some(key) = accept(digest.hmac(secret_key.as_bytes(), &data)) {
            return Ok(key);
        }
    }
    Err(Error::Config(format!(
        "{algorithm}: no signing key can be derived from these credentials"
    )))
}

/// The elliptic-curve algorithms, with the `ecc-signing` feature.
#[cfg(feature = "ecc-signing")]
mod ecc {
    use p256::ecdsa::signature::Signer;
    #[cfg(feature = "mock")]
    use p256::ecdsa::signature::Verifier;
    use p256::elliptic_curve::ff::PrimeField;

    use super::{derive_private_key, Digest, SigningAlgorithm};
    use crate::Error;

    /// The distinguishing identifier the official SDK hashes into SM2's `Z`.
    const SM2_ID: &str = "1234567812345678";

    /// The key for a candidate: candidate+1 when the candidate is at most n-2.
    macro_rules! accept {
        ($scalar:ty, $non_zero:ty) => {
            |candidate: [u8; 32]| {
                let scalar = Option::<$scalar>::from(<$scalar>::from_repr(candidate.into()))?;
                if scalar == -<$scalar>::ONE {
                    return None;
                }
                Option::<$non_zero>::from(<$non_zero>::new(scalar + <$scalar>::ONE))
            }
        };
    }

    fn p256_key(access_key: &str, secret_key: &str) -> Result<p256::ecdsa::SigningKey, Error> {
        let scalar = derive_private_key(
            Digest::Sha256,
            SigningAlgorithm::EcdsaP256Sha256.name(),
            access_key,
            secret_key,
            accept!(p256::Scalar, p256::NonZeroScalar),
        )?;
        Ok(p256::ecdsa::SigningKey::from(scalar))
    }

    fn sm2_key(access_key: &str, secret_key: &str) -> Result<sm2::dsa::SigningKey, Error> {
        let scalar = derive_private_key(
            Digest::Sm3,
            SigningAlgorithm::Sm2Sm3.name(),
            access_key,
            secret_key,
            accept!(sm2::Scalar, sm2::NonZeroScalar),
        )?;
        sm2::dsa::SigningKey::from_nonzero_scalar(SM2_ID, scalar)
            .map_err(|_| Error::Config("SDK-SM2-SM3: the derived key is not usable".into()))
    }

    /// The DER signature of `data`.
    pub(super) fn sign(
        algorithm: SigningAlgorithm,
        access_key: &str,
        secret_key: &str,
        data: &[u8],
    ) -> Result<Vec<u8>, Error> {
        let failed = |_| Error::Config(format!("{}: signing failed", algorithm.name()));
        match algorithm {
            SigningAlgorithm::EcdsaP256Sha256 => {
                let signature: p256::ecdsa::Signature = p256_key(access_key, secret_key)?
                    .try_sign(data)
                    .map_err(failed)?;
                Ok(signature.to_der().as_bytes().to_vec())
            }
            SigningAlgorithm::Sm2Sm3 => {
                let signature = sm2_key(access_key, secret_key)?
                    .try_sign(data)
                    .map_err(failed)?;
                let signature = ecdsa::Signature::<sm2::Sm2>::from_slice(&signature.to_bytes())
                    .map_err(failed)?;
                Ok(signature.to_der().as_bytes().to_vec())
            }
            _ => Err(Error::Config(format!(
                "{} is not an elliptic-curve algorithm",
                algorithm.name()
            ))),
        }
    }

    /// Whether `der` is a valid signature of `data` under the public key derived from the
    /// keys.
    #[cfg(feature = "mock")]
    pub(super) fn verify(
        algorithm: SigningAlgorithm,
        access_key: &str,
        secret_key: &str,
        data: &[u8],
        der: &[u8],
    ) -> Result<bool, Error> {
        Ok(match algorithm {
            SigningAlgorithm::EcdsaP256Sha256 => {
                let key = p256_key(access_key, secret_key)?;
                p256::ecdsa::Signature::from_der(der)
                    .is_ok_and(|signature| key.verifying_key().verify(data, &signature).is_ok())
            }
            SigningAlgorithm::Sm2Sm3 => {
                let key = sm2_key(access_key, secret_key)?;
                ecdsa::Signature::<sm2::Sm2>::from_der(der)
                    .ok()
                    .and_then(|signature| {
                        sm2::dsa::Signature::from_slice(&signature.to_bytes()).ok()
                    })
                    .is_some_and(|signature| key.verifying_key().verify(data, &signature).is_ok())
            }
            _ => false,
        })
    }

    /// The private key derived for an algorithm, as big-endian hex (for the vector tests).
    pub(super) fn private_key_hex(
        algorithm: SigningAlgorithm,
        access_key: &str,
        secret_key: &str,
    ) -> Result<String, Error> {
        let bytes = match algorithm {
            SigningAlgorithm::EcdsaP256Sha256 => p256_key(access_key, secret_key)?.to_bytes(),
            _ => sm2_key(access_key, secret_key)?.to_bytes(),
        };
        Ok(super::hex(&bytes))
    }
}

/// Without the `ecc-signing` feature: the elliptic-curve algorithms are refused.
#[cfg(not(feature = "ecc-signing"))]
mod ecc {
    use super::SigningAlgorithm;
    use crate::Error;

    fn missing(algorithm: SigningAlgorithm) -> Error {
        Error::Config(format!(
            "{} needs the `ecc-signing` feature of huaweicloud-sdk-core",
            algorithm.name()
        ))
    }

    pub(super) fn sign(
        algorithm: SigningAlgorithm,
        _access_key: &str,
        _secret_key: &str,
        _data: &[u8],
    ) -> Result<Vec<u8>, Error> {
        Err(missing(algorithm))
    }

    #[cfg(feature = "mock")]
    pub(super) fn verify(
        algorithm: SigningAlgorithm,
        _access_key: &str,
        _secret_key: &str,
        _data: &[u8],
        _der: &[u8],
    ) -> Result<bool, Error> {
        Err(missing(algorithm))
    }
}

/// The private key derived from an AK/SK for an elliptic-curve algorithm, as big-endian
/// hex: what the official SDK's `get_signing_key` derives. Secret: for tests only.
#[cfg(feature = "ecc-signing")]
#[doc(hidden)]
pub fn derived_private_key_hex(
    algorithm: SigningAlgorithm,
    access_key: &str,
    secret_key: &str,
) -> Result<String, Error> {
    ecc::private_key_hex(algorithm, access_key, secret_key)
}

/// Verifies a signature (hex) made by the official SDK for an elliptic-curve algorithm
/// over `string_to_sign`, with the public key derived from the AK/SK: for tests.
#[cfg(all(feature = "ecc-signing", feature = "mock"))]
#[doc(hidden)]
pub fn verify_ecc_signature(
    algorithm: SigningAlgorithm,
    access_key: &str,
    secret_key: &str,
    string_to_sign: &str,
    signature: &str,
) -> Result<bool, Error> {
    let Some(der) = unhex(signature) else {
        return Ok(false);
    };
    ecc::verify(
        algorithm,
        access_key,
        secret_key,
        string_to_sign.as_bytes(),
        &der,
    )
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
