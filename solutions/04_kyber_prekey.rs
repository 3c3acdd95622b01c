//! Solution of exercise 04_kyber_prekey: Part II, chapter 4, "The Kyber prekey".

use libsignal_protocol::kem;
use pqxdh_lab::exercises::kit;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let room = kit::start("04_kyber_prekey");
    // Bob's identity key pair, and his stream where PQSPK_B is drawn.
    let (ik_b, mut rng) = room.bob_before_kyber_prekey();

    let pqspk_b = kem::KeyPair::generate(kem::KeyType::Kyber1024, &mut rng);
    // EncodeKEM(PQSPK_B): 0x08, then the 1568-byte Kyber1024 public key.
    let public = pqspk_b.public_key.serialize();
    let signature = ik_b.private_key().calculate_signature(&public, &mut rng)?;

    kit::show("PQSPK_B", &public);
    kit::show("PQSPK_B.sig", &signature);
    Ok(())
}
