//! Solution of exercise 18_server_learns: Part IV, chapter 1, "A forged
//! signed prekey".

use hkdf::Hkdf;
use pqxdh_lab::exercises::kit;
use sha2::Sha256;

/// libsignal's PQXDH HKDF info, as in exercise 09_kdf.
const INFO: &[u8] = b"WhisperText_X25519_SHA-256_CRYSTALS-KYBER-1024";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let room = kit::start("18_server_learns");
    let kit::ForgedSignedPrekey {
        spk_m,           // yours: SPK_M and SPK_M.priv
        ik_a,            // Alice's identity key (public)
        ek_a,            // EK_A, from her first message (public)
        alice_chain_key, // in Alice's session: to compare with, never seen by you
    } = room.forged_signed_prekey();

    // The server's private key stands where SPK_B.priv would: both DH values
    // that use the signed prekey are its to compute.
    let dh1 = spk_m.private_key.calculate_agreement(&ik_a)?; // DH(SPK_M, IK_A)
    kit::show("attacker.DH1", &dh1);
    let dh3 = spk_m.private_key.calculate_agreement(&ek_a)?; // DH(SPK_M, EK_A)
    kit::show("attacker.DH3", &dh3);

    // DH2 = DH(EK_A, IK_B) needs EK_A.priv or IK_B.priv, and SS needs
    // PQSPK_B.priv: you have none of them, so zeros stand in their place.
    let unknown = [0u8; 32];
    let mut secret_input = vec![0xFF; 32];
    for part in [&dh1[..], &unknown, &dh3, &unknown] {
        secret_input.extend_from_slice(part);
    }
    let mut okm = [0u8; 96];
    Hkdf::<Sha256>::new(None, &secret_input)
        .expand(INFO, &mut okm)
        .expect("96 bytes is a valid HKDF-SHA256 output length");
    let chain_key = okm[32..64].to_vec();
    kit::show("attacker.chain_key", &chain_key);

    // One wrong input is enough: HKDF's output tells nothing of how close it was.
    let has_alices_key = chain_key == alice_chain_key;
    kit::show_text("attacker.has_alices_key", has_alices_key);
    Ok(())
}
