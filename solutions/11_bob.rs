//! Solution of exercise 11_bob: Part II, chapter 11, "Bob's side".

use libsignal_protocol::PreKeySignalMessage;
use pqxdh_lab::exercises::kit;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let room = kit::start("11_bob");
    let bob = room.bob(); // all of Bob's keys, private halves included
    let message = PreKeySignalMessage::try_from(room.first_message().as_slice())?;

    // Alice's public keys, as her message carries them.
    let ik_a = message.identity_key().public_key();
    let ek_a = message.base_key();
    let spk_b = &bob.signed_prekey.private_key;

    // The same pairs as Alice's, from the other ends.
    let dh1 = spk_b.calculate_agreement(ik_a)?; // DH(SPK_B, IK_A)
    kit::show("DH1", &dh1);
    let dh2 = bob.identity.private_key().calculate_agreement(ek_a)?; // DH(IK_B, EK_A)
    kit::show("DH2", &dh2);
    let dh3 = spk_b.calculate_agreement(ek_a)?; // DH(SPK_B, EK_A)
    kit::show("DH3", &dh3);

    let ct = message
        .kyber_ciphertext()
        .ok_or("the message carries no Kyber ciphertext")?;
    let ss = bob.kyber_prekey.secret_key.decapsulate(ct)?;
    kit::show("SS", &ss);
    Ok(())
}
