//! Exercise 07_dh: Part II, chapter 7, "The Diffie-Hellman computations"
//! (the book's page part2/07-dh; example 07_dh).
//!
//! Alice has Bob's verified bundle and her ephemeral key EK_A. Compute her
//! three Diffie-Hellman values with libsignal (spec §3.3):
//!   DH1 = DH(IK_A, SPK_B), DH2 = DH(EK_A, IK_B), DH3 = DH(EK_A, SPK_B).
//! Replace each todo!(), then check your work:
//!
//!     cargo run --release -- exercises check 07_dh
//!
//! Hint: X25519 takes one private key and one public key:
//! `private_key.calculate_agreement(&public_key)` returns the 32 shared bytes.

use pqxdh_lab::exercises::kit;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let room = kit::start("07_dh");
    let alice = room.alice(); // IK_A: alice.identity
    let ek_a = room.ek_a(); // EK_A, Alice's ephemeral key pair
    let bob = room.bob_public(); // IK_B, SPK_B, PQSPK_B from the verified bundle

    let dh1: Box<[u8]> = todo!("DH1 = DH(IK_A, SPK_B)");
    kit::show("DH1", &dh1);
    let dh2: Box<[u8]> = todo!("DH2 = DH(EK_A, IK_B)");
    kit::show("DH2", &dh2);
    let dh3: Box<[u8]> = todo!("DH3 = DH(EK_A, SPK_B)");
    kit::show("DH3", &dh3);
    Ok(())
}
