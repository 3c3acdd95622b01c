//! Step 6: from the DH outputs and the Kyber shared secret to the session keys.

use hkdf::Hkdf;
use hmac::{Hmac, Mac};
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

/// One step of a symmetric chain (libsignal's `ChainKey`, ratchet/keys.rs:142-168):
/// the message key seed is HMAC-SHA256(CK, 0x01), the next chain key
/// HMAC-SHA256(CK, 0x02).
pub fn chain_step(chain_key: &[u8]) -> (MessageKeySeed, [u8; 32]) {
    let hmac = |byte: u8| -> [u8; 32] {
        let mut mac = Hmac::<Sha256>::new_from_slice(chain_key).expect("HMAC takes any key length");
        mac.update(&[byte]);
        mac.finalize().into_bytes().into()
    };
    (MessageKeySeed(hmac(0x01)), hmac(0x02))
}

/// What one chain step gives for one message, before the message keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageKeySeed(pub [u8; 32]);

/// The keys of one message (libsignal's `MessageKeys`, ratchet/keys.rs:89-112).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageKeys {
    /// AES-256-CBC key.
    pub cipher_key: [u8; 32],
    /// HMAC-SHA256 key of the 8-byte MAC.
    pub mac_key: [u8; 32],
    pub iv: [u8; 16],
}

/// HKDF-SHA256(salt = the SPQR key, or none, IKM = seed, info =
/// "WhisperMessageKeys") → 80 bytes = cipher key ‖ MAC key ‖ IV. Alice's
/// messages before Bob's first reply have no SPQR key.
pub fn message_keys(seed: &MessageKeySeed, pq_salt: Option<&[u8]>) -> MessageKeys {
    let mut okm = [0u8; 80];
    Hkdf::<Sha256>::new(pq_salt, &seed.0)
        .expand(b"WhisperMessageKeys", &mut okm)
        .expect("80 bytes is a valid HKDF-SHA256 output length");
    MessageKeys {
        cipher_key: okm[..32].try_into().expect("32 bytes"),
        mac_key: okm[32..64].try_into().expect("32 bytes"),
        iv: okm[64..].try_into().expect("16 bytes"),
    }
}

/// A SignalMessage's MAC (protocol.rs:178-196): the first 8 bytes of
/// HMAC-SHA256(MAC key, IK_sender ‖ IK_receiver ‖ the message without its MAC).
pub fn message_mac(
    mac_key: &[u8],
    sender_identity: &[u8],
    receiver_identity: &[u8],
    message: &[u8],
) -> [u8; 8] {
    let mut mac = Hmac::<Sha256>::new_from_slice(mac_key).expect("HMAC takes any key length");
    mac.update(sender_identity);
    mac.update(receiver_identity);
    mac.update(message);
    mac.finalize().into_bytes()[..8]
        .try_into()
        .expect("8 bytes")
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
