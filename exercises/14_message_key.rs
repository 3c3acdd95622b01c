//! Exercise 14_message_key: Part III, chapter 1, "Sessions after the
//! handshake" (the book's page part3/01-sessions; example
//! 14_session_after_handshake).
//!
//! After PQXDH, every message gets keys of its own from a chain key CK. From
//! Alice's sending chain key (read from libsignal's session), derive the
//! keys of her first message, and the next chain key. The checker tests your
//! MAC key against the MAC on Alice's real first message. Replace each
//! todo!(), then check your work:
//!
//!     cargo run --release -- exercises check 14_message_key
//!
//! Hint (libsignal's src/ratchet/keys.rs:89-112, 141-176):
//! seed = HMAC-SHA256(CK, [0x01]);
//! HKDF-SHA256(salt = none, IKM = seed, info = "WhisperMessageKeys") gives
//! 80 bytes = cipher key 32 ‖ MAC key 32 ‖ IV 16; next CK = HMAC-SHA256(CK,
//! [0x02]).

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

    let keys: [u8; 80] = todo!("the seed from CK, then HKDF to 80 bytes");
    kit::show("cipher_key", todo!("the cipher key's bytes") as &[u8]);
    kit::show("mac_key", todo!("the MAC key's bytes") as &[u8]);
    kit::show("iv", todo!("the IV's bytes") as &[u8]);

    let next_chain_key: Vec<u8> = todo!("the next chain key");
    kit::show("next_chain_key", &next_chain_key);
}
