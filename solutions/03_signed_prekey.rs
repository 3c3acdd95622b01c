//! Solution of exercise 03_signed_prekey: Part II, chapter 3, "The signed
//! prekey and its signature".

use pqxdh_lab::exercises::kit;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let room = kit::start("03_signed_prekey");
    // Bob's identity key pair, his signed prekey SPK_B, and his stream of the
    // seed at the point where he signs it.
    let (ik_b, spk_b, mut rng) = room.bob_before_spk_signature();

    // Sig(IK_B, EncodeEC(SPK_B)): the serialized key, type byte included.
    let message = spk_b.public_key.serialize();
    let signature = ik_b.private_key().calculate_signature(&message, &mut rng)?;
    kit::show("SPK_B.sig", &signature);

    let verifies = ik_b.public_key().verify_signature(&message, &signature);
    kit::show_text("verifies", verifies);

    // The bare 32 bytes were not signed: the signature covers the encoding.
    let without_type_byte = ik_b
        .public_key()
        .verify_signature(spk_b.public_key.public_key_bytes(), &signature);
    kit::show_text("verifies_without_type_byte", without_type_byte);
    Ok(())
}
