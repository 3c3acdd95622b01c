//! Exercise 18_server_learns: Part IV, chapter 1, "A forged signed prekey"
//! (the book's page part4/01-forged-signed-prekey; example 18_forged_signed_prekey).
//!
//! You are the server. Where Bob's SPK_B was, you handed Alice a key of your
//! own, SPK_M, and here Alice did not check its signature (libsignal does,
//! and refuses: `pqxdh-lab lab forged-signed-prekey`). She has sent her
//! first message. Compute what you now share with her, DH1 and DH3, the two
//! DH values that use the signed prekey; then try for her chain key, with
//! nothing where DH2 and SS go (spec §3.3, §4.5). Replace each todo!(), then
//! check your work:
//!
//!     cargo run --release -- exercises check 18_server_learns
//!
//! Hint: you hold SPK_M.priv, and Alice's IK_A and EK_A are public. Alice's
//! DH(IK_A.priv, SPK_M) equals your DH(SPK_M.priv, IK_A):
//! `private_key.calculate_agreement(&public_key)`.

use hkdf::Hkdf;
use pqxdh_lab::exercises::kit;
use sha2::Sha256;

/// libsignal's PQXDH HKDF info, as in exercise 09_kdf.
const INFO: &[u8] = b"WhisperText_X25519_SHA-256_CRYSTALS-KYBER-1024";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let room = kit::start("18_server_learns");
    let kit::ForgedSignedPrekey {
        spk_m,           // yours: SPK_M and SPK_M.priv
        ik_a,            // Alice's identity key (public)
        ek_a,            // EK_A, from her first message (public)
        alice_chain_key, // in Alice's session: to compare with, never seen by you
    } = room.forged_signed_prekey();

    let dh1: Box<[u8]> = todo!("DH1 = DH(IK_A, SPK_M), from your side");
    kit::show("attacker.DH1", &dh1);
    let dh3: Box<[u8]> = todo!("DH3 = DH(EK_A, SPK_M), from your side");
    kit::show("attacker.DH3", &dh3);

    // DH2 = DH(EK_A, IK_B) needs EK_A.priv or IK_B.priv, and SS needs
    // PQSPK_B.priv: you have none of them, so zeros stand in their place.
    let unknown = [0u8; 32];
    let chain_key: Vec<u8> = todo!("KDF(F ‖ DH1 ‖ unknown ‖ DH3 ‖ unknown): bytes 32..64");
    kit::show("attacker.chain_key", &chain_key);

    let has_alices_key: bool = todo!("is it the chain key in Alice's session?");
    kit::show_text("attacker.has_alices_key", has_alices_key);
    Ok(())
}
