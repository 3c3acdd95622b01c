//! Exercise 28_dh_ratchet: Part V, chapter 2, "The Diffie-Hellman ratchet"
//! (the book's page part5/02-dh-ratchet; example 28_dh_ratchet).
//!
//! After PQXDH the root key moves on with every DH ratchet step. Take the
//! conversation's first two. Alice's, as she sets up her session: her first
//! ratchet key pair A1 with Bob's SPK_B; message 1 is sent on the chain it
//! makes. Bob's, as message 1 arrives: a fresh key pair B1 of his with A1;
//! his reply, message 2, is sent on that chain. Replace each todo!(), then
//! check your work:
//!
//!     cargo run --release -- exercises check 28_dh_ratchet
//!
//! Hint (libsignal's src/ratchet/keys.rs:192-216): one step is
//! HKDF-SHA256(salt = the current root key, IKM = DH(our private key, their
//! public key), info = "WhisperRatchet") to 64 bytes = new root key ‖ new
//! chain key. The first step starts from the handshake's root_key, the
//! second from the first step's new root key.

use hkdf::Hkdf;
use pqxdh_lab::exercises::kit;
use sha2::Sha256;

/// One DH ratchet step: (new root key, new chain key).
fn ratchet_step(root_key: &[u8], dh: &[u8]) -> ([u8; 32], [u8; 32]) {
    todo!("HKDF(salt = root_key, IKM = dh, \"WhisperRatchet\"), 64 bytes, cut in two")
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let room = kit::start("28_dh_ratchet");
    let [root_key] = room.values(["root_key"]); // PQXDH's, as in exercise 09_kdf
    let spk_b = room.bob_public().spk_b;
    let keys = room.first_ratchet_keys(); // A1 and B1, from libsignal's sessions

    // Step 1, Alice, before she sends message 1.
    let dh: Box<[u8]> = todo!("DH(A1, SPK_B), with A1's private key");
    let (root_1, chain_a1) = ratchet_step(&root_key, &dh);
    kit::show("root_key.1", root_1);
    kit::show("chain_key.A1", chain_a1);

    // Step 2, Bob, as message 1 (which carries A1's public key) arrives.
    let dh: Box<[u8]> = todo!("DH(B1, A1), with B1's private key");
    let (root_2, chain_b1): ([u8; 32], [u8; 32]) = todo!("the second step, from root_1");
    kit::show("root_key.2", root_2);
    kit::show("chain_key.B1", chain_b1);
    Ok(())
}
