//! Exercise 09_kdf: Part II, chapter 9, "The KDF and the derived secret"
//! (the book's page part2/09-kdf; example 09_kdf).
//!
//! From Alice's DH values and SS, build the KDF input and run libsignal's
//! KDF: HKDF-SHA256 with no salt and libsignal's info string, 96 bytes,
//! which libsignal cuts into root key, chain key and SPQR key. Replace each
//! todo!(), then check your work:
//!
//!     cargo run --release -- exercises check 09_kdf
//!
//! Hint: secret_input = F ‖ DH1 ‖ DH2 ‖ DH3 ‖ SS, where F is 32 bytes of
//! 0xFF (spec §2.2). `Hkdf::<Sha256>::new(salt, ikm)` then
//! `.expand(info, &mut okm)` fills okm.

use hkdf::Hkdf;
use pqxdh_lab::exercises::kit;
use sha2::Sha256;

/// libsignal's HKDF info: the spec's info ‖ curve ‖ hash ‖ pqkem.
const INFO: &[u8] = b"WhisperText_X25519_SHA-256_CRYSTALS-KYBER-1024";

fn main() {
    let room = kit::start("09_kdf");
    // What chapters 7 and 8 computed.
    let [dh1, dh2, dh3, ss] = room.values(["DH1", "DH2", "DH3", "SS"]);

    let secret_input: Vec<u8> = todo!("F ‖ DH1 ‖ DH2 ‖ DH3 ‖ SS");
    kit::show("secret_input", &secret_input);

    let okm: [u8; 96] = todo!("HKDF-SHA256(salt none, secret_input, INFO), 96 bytes");
    kit::show("root_key", todo!("the root key's bytes") as &[u8]);
    kit::show("chain_key", todo!("the chain key's bytes") as &[u8]);
    kit::show("pqr_key", todo!("the SPQR key's bytes") as &[u8]);
}
