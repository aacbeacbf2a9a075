//! The elliptic-curve schemes, SDK-ECDSA-P256-SHA256 and SDK-SM2-SM3: the private key the
//! official SDK derives from the AK/SK, and signing and verifying with it. Without the
//! `ecc-signing` feature they are refused with an error that names the feature.

use super::scheme::{Digest, SigningAlgorithm};
use crate::Error;

pub(super) use curves::sign;
#[cfg(feature = "mock")]
pub(super) use curves::verify;
#[cfg(not(feature = "ecc-signing"))]
use disabled as curves;
#[cfg(feature = "ecc-signing")]
use enabled as curves;

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
mod enabled {
    use p256::ecdsa::signature::Signer;
    #[cfg(feature = "mock")]
    use p256::ecdsa::signature::Verifier;
    use p256::elliptic_curve::ff::PrimeField;

    use super::{derive_private_key, Digest, SigningAlgorithm};
    use crate::signer::scheme::hex;
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
    pub(in crate::signer) fn sign(
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
    pub(in crate::signer) fn verify(
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
        Ok(hex(&bytes))
    }
}

/// Without the `ecc-signing` feature: the elliptic-curve algorithms are refused.
#[cfg(not(feature = "ecc-signing"))]
mod disabled {
    use super::SigningAlgorithm;
    use crate::Error;

    fn missing(algorithm: SigningAlgorithm) -> Error {
        Error::Config(format!(
            "{} needs the `ecc-signing` feature of huaweicloud-sdk-core",
            algorithm.name()
        ))
    }

    pub(in crate::signer) fn sign(
        algorithm: SigningAlgorithm,
        _access_key: &str,
        _secret_key: &str,
        _data: &[u8],
    ) -> Result<Vec<u8>, Error> {
        Err(missing(algorithm))
    }

    #[cfg(feature = "mock")]
    pub(in crate::signer) fn verify(
        algorithm: SigningAlgorithm,
        _access_key: &str,
        _secret_key: &str,
        _data: &[u8],
        _der: &[u8],
    ) -> Result<bool, Error> {
        Err(missing(algorithm))
    }
}

/// The bytes of a hex text; `None` when it is not hex.
#[cfg(feature = "mock")]
pub(super) fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|index| u8::from_str_radix(text.get(index..index + 2)?, 16).ok())
        .collect()
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
    curves::private_key_hex(algorithm, access_key, secret_key)
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
    verify(
        algorithm,
        access_key,
        secret_key,
        string_to_sign.as_bytes(),
        &der,
    )
}
