//! Exercise 03_signed_prekey: Part II, chapter 3, "The signed prekey and its
//! signature" (the book's page part2/03-signed-prekey; example
//! 03_signed_prekey).
//!
//! Bob signs his signed prekey SPK_B with his identity key IK_B, and anyone
//! can verify it. Sign it, verify it, and see what exactly was signed.
//! Replace each todo!(), then check your work:
//!
//!     cargo run --release -- exercises check 03_signed_prekey
//!
//! Hint: the spec signs EncodeEC(SPK_B): in libsignal, the serialized key.
//! `PrivateKey::calculate_signature(message, &mut rng)` signs (XEdDSA draws
//! random bytes, so use this rng), `PublicKey::verify_signature(message,
//! signature)` verifies.

use pqxdh_lab::exercises::kit;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let room = kit::start("03_signed_prekey");
    // Bob's identity key pair, his signed prekey SPK_B, and his stream of the
    // seed at the point where he signs it.
    let (ik_b, spk_b, mut rng) = room.bob_before_spk_signature();

    let signature: Vec<u8> = todo!("Sig(IK_B, EncodeEC(SPK_B))");
    kit::show("SPK_B.sig", &signature);

    let verifies: bool = todo!("does the signature verify with IK_B's public key?");
    kit::show_text("verifies", verifies);

    let without_type_byte: bool =
        todo!("does it verify over SPK_B's 32 bytes without the type byte?");
    kit::show_text("verifies_without_type_byte", without_type_byte);
    Ok(())
}
