//! Exercise 08_kyber_encapsulation: Part II, chapter 8, "Kyber
//! encapsulation" (the book's page part2/08-kyber-encapsulation; example
//! 08_kyber_encapsulation).
//!
//! Alice encapsulates to Bob's Kyber prekey: a fresh shared secret SS and a
//! ciphertext CT that only Bob can open. Then, as Bob, open it. Replace each
//! todo!(), then check your work:
//!
//!     cargo run --release -- exercises check 08_kyber_encapsulation
//!
//! Hint: `kem::PublicKey::encapsulate(&mut rng)` returns (SS, CT);
//! `kem::SecretKey::decapsulate(&ct)` returns SS.

use pqxdh_lab::exercises::kit;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let room = kit::start("08_kyber_encapsulation");
    let pqspk_b = room.bob_public().pqspk_b;
    // The handshake's stream right after EK_A: encapsulation draws from it.
    let mut rng = room.rng_after_ek_a();

    let (ss, ct): (Box<[u8]>, Box<[u8]>) = todo!("encapsulate to PQSPK_B");
    kit::show("CT", &ct);
    kit::show("SS", &ss);

    // Bob's keys, private halves included: bob.kyber_prekey is PQSPK_B's pair.
    let bob = room.bob();
    let ss_bob: Box<[u8]> = todo!("Bob opens CT with his Kyber secret key");
    kit::show("SS_decapsulated", &ss_bob);
    Ok(())
}
