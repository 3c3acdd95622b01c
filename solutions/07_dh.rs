//! Solution of exercise 07_dh: Part II, chapter 7, "The Diffie-Hellman
//! computations".

use pqxdh_lab::exercises::kit;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let room = kit::start("07_dh");
    let alice = room.alice(); // IK_A: alice.identity
    let ek_a = room.ek_a(); // EK_A, Alice's ephemeral key pair
    let bob = room.bob_public(); // IK_B, SPK_B, PQSPK_B from the verified bundle

    // Each DH: one party's private key with the other's public key.
    let dh1 = alice
        .identity
        .private_key()
        .calculate_agreement(&bob.spk_b)?; // DH(IK_A, SPK_B)
    kit::show("DH1", &dh1);
    let dh2 = ek_a
        .private_key
        .calculate_agreement(bob.ik_b.public_key())?; // DH(EK_A, IK_B)
    kit::show("DH2", &dh2);
    let dh3 = ek_a.private_key.calculate_agreement(&bob.spk_b)?; // DH(EK_A, SPK_B)
    kit::show("DH3", &dh3);
    Ok(())
}
