//! Step 6: from the DH outputs and the Kyber shared secret to the session keys.

use hkdf::Hkdf;
use sha2::Sha256;

pub use crate::transcript::KDF_INFO;

/// The spec's F: 32 bytes of 0xFF, so that the KDF input never starts with a
/// valid X25519 scalar or point encoding.
pub const F: [u8; 32] = [0xFF; 32];

/// secret_input = F ‖ DH1 ‖ DH2 ‖ DH3 [‖ DH4] ‖ SS — SS always last.
pub fn secret_input(dhs: &[&[u8]], ss: &[u8]) -> Vec<u8> {
    let mut input = Vec::with_capacity(32 * (2 + dhs.len()));
    input.extend_from_slice(&F);
    for dh in dhs {
        input.extend_from_slice(dh);
    }
    input.extend_from_slice(ss);
    input
}

/// The three keys libsignal takes from one HKDF expansion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionKeys {
    /// Bytes 0..32: the spec's SK (HKDF's output is a prefix of any longer output).
    pub root_key: [u8; 32],
    /// Bytes 32..64: the first chain key of the Double Ratchet.
    pub chain_key: [u8; 32],
    /// Bytes 64..96: seeds the sparse post-quantum ratchet (SPQR).
    pub pqr_key: [u8; 32],
}

/// HKDF-SHA256(salt = none, IKM = secret_input, info = KDF_INFO) → 96 bytes.
pub fn derive(secret_input: &[u8]) -> SessionKeys {
    let mut okm = [0u8; 96];
    Hkdf::<Sha256>::new(None, secret_input)
        .expand(KDF_INFO.as_bytes(), &mut okm)
        .expect("96 bytes is a valid HKDF-SHA256 output length");
    let part = |i: usize| -> [u8; 32] { okm[32 * i..32 * (i + 1)].try_into().expect("32 bytes") };
    SessionKeys {
        root_key: part(0),
        chain_key: part(1),
        pqr_key: part(2),
    }
}

/// The Double Ratchet's root step (libsignal's `RootKey::create_chain`):
/// HKDF(salt = root_key, IKM = dh, info = "WhisperRatchet") → (new root key, chain key).
/// Used only to check libsignal's stored state after Alice's first ratchet step.
pub fn ratchet_root_step(root_key: &[u8], dh: &[u8]) -> ([u8; 32], [u8; 32]) {
    let mut okm = [0u8; 64];
    Hkdf::<Sha256>::new(Some(root_key), dh)
        .expand(b"WhisperRatchet", &mut okm)
        .expect("64 bytes is a valid HKDF-SHA256 output length");
    (
        okm[..32].try_into().expect("32 bytes"),
        okm[32..].try_into().expect("32 bytes"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_label_is_46_ascii_bytes() {
        assert_eq!(KDF_INFO.len(), 46);
        assert_eq!(
            hex::encode(KDF_INFO),
            "57686973706572546578745f5832353531395f5348412d3235365f4352595354414c532d4b594245522d31303234"
        );
    }

    #[test]
    fn root_key_is_the_specs_32_byte_sk() {
        // HKDF-Expand's prefix property: asking for 32 bytes gives the first 32 of 96.
        let input = secret_input(&[&[1u8; 32], &[2u8; 32], &[3u8; 32]], &[4u8; 32]);
        let mut sk = [0u8; 32];
        Hkdf::<Sha256>::new(Some(&[0u8; 32]), &input)
            .expand(KDF_INFO.as_bytes(), &mut sk)
            .unwrap();
        assert_eq!(derive(&input).root_key, sk);
    }

    #[test]
    fn secret_input_is_f_then_dhs_then_ss() {
        let input = secret_input(&[&[1u8; 32], &[2u8; 32]], &[9u8; 32]);
        assert_eq!(input.len(), 128);
        assert_eq!(&input[..32], &[0xFF; 32]);
        assert_eq!(&input[96..], &[9u8; 32]);
    }
}
