//! Solution of exercise 09_kdf: Part II, chapter 9, "The KDF and the derived
//! secret".

use hkdf::Hkdf;
use pqxdh_lab::exercises::kit;
use sha2::Sha256;

/// libsignal's HKDF info: the spec's info ‖ curve ‖ hash ‖ pqkem.
const INFO: &[u8] = b"WhisperText_X25519_SHA-256_CRYSTALS-KYBER-1024";

fn main() {
    let room = kit::start("09_kdf");
    // What chapters 7 and 8 computed.
    let [dh1, dh2, dh3, ss] = room.values(["DH1", "DH2", "DH3", "SS"]);

    // F = 32 bytes of 0xFF first, then the DH outputs in order, SS last.
    let mut secret_input = vec![0xFF; 32];
    for part in [&dh1, &dh2, &dh3, &ss] {
        secret_input.extend_from_slice(part);
    }
    kit::show("secret_input", &secret_input);

    // HKDF-SHA256, no salt, 96 bytes, cut in three.
    let mut okm = [0u8; 96];
    Hkdf::<Sha256>::new(None, &secret_input)
        .expand(INFO, &mut okm)
        .expect("96 bytes is a valid HKDF-SHA256 output length");
    kit::show("root_key", &okm[..32]);
    kit::show("chain_key", &okm[32..64]);
    kit::show("pqr_key", &okm[64..]);
}
