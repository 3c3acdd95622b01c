//! Solution of exercise 14_message_key: Part III, chapter 1, "Sessions after
//! the handshake".

use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use pqxdh_lab::exercises::kit;
use sha2::Sha256;

fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

fn main() {
    let room = kit::start("14_message_key");
    // CK: Alice's sending chain key after PQXDH, from libsignal's session.
    let chain_key = room.alice_sending_chain_key();

    // One step of the symmetric chain: a seed for this message's keys…
    let seed = hmac_sha256(&chain_key, &[0x01]);
    // …expanded to a cipher key, a MAC key and an IV. libsignal salts this
    // with SPQR's key (src/session_cipher.rs:37-44); Alice's first messages
    // have none yet, so there is no salt.
    let mut keys = [0u8; 80];
    Hkdf::<Sha256>::new(None, &seed)
        .expand(b"WhisperMessageKeys", &mut keys)
        .expect("80 bytes is a valid HKDF-SHA256 output length");
    kit::show("cipher_key", &keys[..32]);
    kit::show("mac_key", &keys[32..64]);
    kit::show("iv", &keys[64..]);

    // The chain moves on; the old CK is dropped.
    kit::show("next_chain_key", hmac_sha256(&chain_key, &[0x02]));
}
