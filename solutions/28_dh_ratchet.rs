//! Solution of exercise 28_dh_ratchet: Part V, chapter 2, "The
//! Diffie-Hellman ratchet".

use hkdf::Hkdf;
use pqxdh_lab::exercises::kit;
use sha2::Sha256;

/// One DH ratchet step: (new root key, new chain key).
fn ratchet_step(root_key: &[u8], dh: &[u8]) -> ([u8; 32], [u8; 32]) {
    // The root key is the salt, the fresh DH output the input key material:
    // the new root depends on every DH so far.
    let mut okm = [0u8; 64];
    Hkdf::<Sha256>::new(Some(root_key), dh)
        .expand(b"WhisperRatchet", &mut okm)
        .expect("64 bytes is a valid HKDF-SHA256 output length");
    let (root, chain) = okm.split_at(32);
    (
        root.try_into().expect("32 bytes"),
        chain.try_into().expect("32 bytes"),
    )
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let room = kit::start("28_dh_ratchet");
    let [root_key] = room.values(["root_key"]); // PQXDH's, as in exercise 09_kdf
    let spk_b = room.bob_public().spk_b;
    let keys = room.first_ratchet_keys(); // A1 and B1, from libsignal's sessions

    // Step 1, Alice, before she sends message 1.
    let dh = keys.a1.private_key.calculate_agreement(&spk_b)?;
    let (root_1, chain_a1) = ratchet_step(&root_key, &dh);
    kit::show("root_key.1", root_1);
    kit::show("chain_key.A1", chain_a1);

    // Step 2, Bob, as message 1 (which carries A1's public key) arrives.
    // (He first computes step 1 from his side, DH(SPK_B, A1), to read it.)
    let dh = keys
        .b1
        .private_key
        .calculate_agreement(&keys.a1.public_key)?;
    let (root_2, chain_b1) = ratchet_step(&root_1, &dh);
    kit::show("root_key.2", root_2);
    kit::show("chain_key.B1", chain_b1);
    Ok(())
}
