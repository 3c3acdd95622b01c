//! Step 6: from the DH outputs and the Kyber shared secret to the session keys;
//! then the Double Ratchet's steps that turn those keys into message keys.

use aes::Aes256;
use cbc::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit, block_padding::Pkcs7};
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

// The Double Ratchet's per-message formulas, as libsignal 0.85 computes
// them: the first message's keys here, every later message's in the
// conversation (`crate::conversation`).

/// The MAC at the end of a SignalMessage is HMAC-SHA256 cut to 8 bytes
/// (libsignal src/protocol.rs:74).
pub const MAC_LEN: usize = 8;

fn hmac(key: &[u8], data: &[&[u8]]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    for part in data {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// The next chain key: HMAC-SHA256(CK, 0x02) (libsignal src/ratchet/keys.rs:142-176).
pub fn next_chain_key(chain_key: &[u8]) -> [u8; 32] {
    hmac(chain_key, &[&[0x02]])
}

/// The message key seed: HMAC-SHA256(CK, 0x01) (libsignal src/ratchet/keys.rs:142-176).
pub fn message_key_seed(chain_key: &[u8]) -> [u8; 32] {
    hmac(chain_key, &[&[0x01]])
}

/// The three keys of one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageKeys {
    pub cipher_key: [u8; 32],
    pub mac_key: [u8; 32],
    pub iv: [u8; 16],
}

/// HKDF-SHA256(salt = the SPQR key or none, IKM = seed, info =
/// "WhisperMessageKeys") → cipher key 32 ‖ MAC key 32 ‖ IV 16
/// (libsignal src/ratchet/keys.rs:90-112; the salt: libsignal src/session_cipher.rs:37-44).
pub fn message_keys(seed: &[u8], pq_key: Option<&[u8]>) -> MessageKeys {
    let mut okm = [0u8; 80];
    Hkdf::<Sha256>::new(pq_key, seed)
        .expand(b"WhisperMessageKeys", &mut okm)
        .expect("80 bytes is a valid HKDF-SHA256 output length");
    MessageKeys {
        cipher_key: okm[..32].try_into().expect("32 bytes"),
        mac_key: okm[32..64].try_into().expect("32 bytes"),
        iv: okm[64..].try_into().expect("16 bytes"),
    }
}

/// HMAC-SHA256(MAC key, IK_sender ‖ IK_receiver ‖ message without its MAC),
/// first 8 bytes (libsignal src/protocol.rs:178-196).
pub fn mac(mac_key: &[u8], ik_sender: &[u8], ik_receiver: &[u8], message: &[u8]) -> [u8; MAC_LEN] {
    hmac(mac_key, &[ik_sender, ik_receiver, message])[..MAC_LEN]
        .try_into()
        .expect("8 bytes")
}

/// AES-256-CBC with PKCS#7 padding, as libsignal encrypts a message body
/// (libsignal src/session_cipher.rs:61-66). The attack labs seal messages with it.
pub fn encrypt(cipher_key: &[u8; 32], iv: &[u8; 16], plaintext: &[u8]) -> Vec<u8> {
    cbc::Encryptor::<Aes256>::new(cipher_key.into(), iv.into())
        .encrypt_padded_vec_mut::<Pkcs7>(plaintext)
}

/// AES-256-CBC with PKCS#7 padding; `None` when the padding is wrong, which is
/// what a wrong key or IV almost always gives.
pub fn decrypt(cipher_key: &[u8; 32], iv: &[u8; 16], ciphertext: &[u8]) -> Option<Vec<u8>> {
    cbc::Decryptor::<Aes256>::new(cipher_key.into(), iv.into())
        .decrypt_padded_vec_mut::<Pkcs7>(ciphertext)
        .ok()
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

    /// libsignal's own test vector for the symmetric chain
    /// (libsignal src/ratchet/keys.rs:230, test_chain_key_derivation).
    #[test]
    fn libsignals_chain_key_vector() {
        let seed = hex::decode("8ab72d6f4cc5ac0d387eaf463378ddb28edd07385b1cb01250c715982e7ad48f")
            .unwrap();
        let keys = message_keys(&message_key_seed(&seed), None);
        assert_eq!(
            hex::encode(keys.cipher_key),
            "bf51e9d75e0e31031051f82a2491ffc084fa298b7793bd9db620056febf45217"
        );
        assert_eq!(
            hex::encode(keys.mac_key),
            "c6c77d6a73a354337a56435e34607dfe48e3ace14e77314dc6abc172e7a7030b"
        );
        assert_eq!(
            hex::encode(next_chain_key(&seed)),
            "28e8f8fee54b801eef7c5cfb2f17f32c7b334485bbb70fac6ec10342a246d15d"
        );
    }

    #[test]
    fn a_salt_changes_every_key() {
        let seed = [7u8; 32];
        let plain = message_keys(&seed, None);
        let salted = message_keys(&seed, Some(&[1u8; 32]));
        assert_ne!(plain.cipher_key, salted.cipher_key);
        assert_ne!(plain.mac_key, salted.mac_key);
        assert_ne!(plain.iv, salted.iv);
    }

    #[test]
    fn a_wrong_key_does_not_decrypt() {
        use cbc::cipher::BlockEncryptMut;
        let (key, iv) = ([3u8; 32], [4u8; 16]);
        let ct = cbc::Encryptor::<Aes256>::new(&key.into(), &iv.into())
            .encrypt_padded_vec_mut::<Pkcs7>(b"hello");
        assert_eq!(decrypt(&key, &iv, &ct).as_deref(), Some(&b"hello"[..]));
        let mut wrong = key;
        wrong[0] ^= 1;
        assert_ne!(decrypt(&wrong, &iv, &ct).as_deref(), Some(&b"hello"[..]));
    }
}
