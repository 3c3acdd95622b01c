//! Solution of exercise 08_kyber_encapsulation: Part II, chapter 8, "Kyber
//! encapsulation".

use pqxdh_lab::exercises::kit;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let room = kit::start("08_kyber_encapsulation");
    let pqspk_b = room.bob_public().pqspk_b;
    // The handshake's stream right after EK_A: encapsulation draws from it.
    let mut rng = room.rng_after_ek_a();

    // Alice: a fresh shared secret, and the ciphertext only Bob can open.
    let (ss, ct) = pqspk_b.encapsulate(&mut rng)?;
    kit::show("CT", &ct);
    kit::show("SS", &ss);

    // Bob: his Kyber secret key opens CT to the same secret.
    let bob = room.bob();
    let ss_bob = bob.kyber_prekey.secret_key.decapsulate(&ct)?;
    kit::show("SS_decapsulated", &ss_bob);
    Ok(())
}
