//! Exercise 22_x3dh: Part IV, chapter 5, "Harvest now, decrypt later"
//! (the book's page part4/05-harvest-now-decrypt-later; example
//! 22_harvest_now_decrypt_later).
//!
//! An attacker recorded the bundle and Alice's first message. Years later a
//! quantum computer gives it every X25519 private key, so it recomputes DH1,
//! DH2 and DH3 exactly; SS, from Kyber, stays out of its reach (spec §4.7).
//! Derive what it can: libsignal's PQXDH root key with SS left out, and the
//! keys the same handshake would have had as classical X3DH, which libsignal
//! spoke before PQXDH. Replace each todo!(), then check your work:
//!
//!     cargo run --release -- exercises check 22_x3dh
//!
//! Hint: both are HKDF-SHA256 with no salt over 0xFF×32 ‖ DH1 ‖ DH2 ‖ DH3.
//! PQXDH's info is "WhisperText_X25519_SHA-256_CRYSTALS-KYBER-1024", 96
//! bytes out, the root key first; X3DH's was "WhisperText", 64 bytes out:
//! root key ‖ chain key.

use hkdf::Hkdf;
use pqxdh_lab::exercises::kit;
use sha2::Sha256;

const PQXDH_INFO: &[u8] = b"WhisperText_X25519_SHA-256_CRYSTALS-KYBER-1024";
const X3DH_INFO: &[u8] = b"WhisperText";

fn main() {
    let room = kit::start("22_x3dh");
    // What the attacker recomputed with the broken X25519 keys: the room's own.
    let [dh1, dh2, dh3] = room.values(["DH1", "DH2", "DH3"]);

    let ikm: Vec<u8> = todo!("0xFF×32 ‖ DH1 ‖ DH2 ‖ DH3: everything but SS");

    let pqxdh: [u8; 96] = todo!("HKDF-SHA256(no salt, ikm, PQXDH_INFO), 96 bytes");
    kit::show("attacker.root_key", &pqxdh[..32]);

    let x3dh: [u8; 64] = todo!("HKDF-SHA256(no salt, ikm, X3DH_INFO), 64 bytes");
    kit::show("x3dh.root_key", &x3dh[..32]);
    kit::show("x3dh.chain_key", &x3dh[32..]);
}
