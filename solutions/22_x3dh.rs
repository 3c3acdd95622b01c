//! Solution of exercise 22_x3dh: Part IV, chapter 5, "Harvest now, decrypt
//! later".

use hkdf::Hkdf;
use pqxdh_lab::exercises::kit;
use sha2::Sha256;

const PQXDH_INFO: &[u8] = b"WhisperText_X25519_SHA-256_CRYSTALS-KYBER-1024";
const X3DH_INFO: &[u8] = b"WhisperText";

fn main() {
    let room = kit::start("22_x3dh");
    // What the attacker recomputed with the broken X25519 keys: the room's own.
    let [dh1, dh2, dh3] = room.values(["DH1", "DH2", "DH3"]);

    // The KDF input without SS: all a recording and Shor's algorithm give.
    let mut ikm = vec![0xFF; 32];
    for dh in [&dh1, &dh2, &dh3] {
        ikm.extend_from_slice(dh);
    }
    let hkdf = Hkdf::<Sha256>::new(None, &ikm);

    // PQXDH's derivation with SS missing: a root key, but not the session's.
    let mut pqxdh = [0u8; 96];
    hkdf.expand(PQXDH_INFO, &mut pqxdh)
        .expect("96 bytes is a valid HKDF-SHA256 output length");
    kit::show("attacker.root_key", &pqxdh[..32]);

    // X3DH took nothing but the DH values: these are the keys, exactly.
    let mut x3dh = [0u8; 64];
    hkdf.expand(X3DH_INFO, &mut x3dh)
        .expect("64 bytes is a valid HKDF-SHA256 output length");
    kit::show("x3dh.root_key", &x3dh[..32]);
    kit::show("x3dh.chain_key", &x3dh[32..]);
}
