//! Exercise 04_kyber_prekey: Part II, chapter 4, "The Kyber prekey" (the
//! book's page part2/04-kyber-prekey; example 04_kyber_prekey).
//!
//! Make Bob's post-quantum prekey PQSPK_B, a Kyber1024 key pair, and sign
//! its public key with IK_B. Replace each todo!(), then check your work:
//!
//!     cargo run --release -- exercises check 04_kyber_prekey
//!
//! Hint: `kem::KeyPair::generate(kem::KeyType::Kyber1024, &mut rng)`; the
//! signature covers EncodeKEM(PQSPK_B), the serialized key with its type
//! byte, exactly as for SPK_B.

use libsignal_protocol::kem;
use pqxdh_lab::exercises::kit;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let room = kit::start("04_kyber_prekey");
    // Bob's identity key pair, and his stream where PQSPK_B is drawn.
    let (ik_b, mut rng) = room.bob_before_kyber_prekey();

    let pqspk_b: kem::KeyPair = todo!("a Kyber1024 key pair from rng");
    let public: Vec<u8> = todo!("PQSPK_B serialized (how long is it?)");
    kit::show("PQSPK_B", &public);

    let signature: Vec<u8> = todo!("Sig(IK_B, EncodeKEM(PQSPK_B)), drawing from rng");
    kit::show("PQSPK_B.sig", &signature);
    Ok(())
}
