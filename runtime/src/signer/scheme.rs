//! The signing schemes and the digests they hash with: [`SigningAlgorithm`] (the official
//! SDK's choice of algorithm), [`Scheme`] (an algorithm, or V11's derived key) and
//! `Digest` (SHA-256 or SM3, and HMAC over either). Nothing here sees a request.

use hmac::{Hmac, Mac};
use sha2::{Digest as _, Sha256};
use sm3::Sm3;

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
    pub(super) fn hmac(self, key: &[u8], data: &[u8]) -> [u8; 32] {
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

/// Lower-case hex of `bytes`.
pub(super) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
    out
}
