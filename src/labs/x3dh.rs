//! The classical X3DH key derivation, as libsignal did it before PQXDH
//! (session version 3): the same HKDF, with no Kyber secret and the label
//! "WhisperText", giving 64 bytes = root key ‖ chain key.
//!
//! libsignal 0.85 refuses X3DH messages ("X3DH no longer supported",
//! `session.rs:104-112`) and no longer has this code, so pqxdh-lab computes it
//! here. The test vector below is libsignal's own, from the days it spoke X3DH.

use hkdf::Hkdf;
use sha2::Sha256;

use crate::engine::kdf::F;

/// X3DH's HKDF info: the application label alone.
pub const X3DH_INFO: &str = "WhisperText";

/// The two keys X3DH derived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct X3dhKeys {
    pub root_key: [u8; 32],
    pub chain_key: [u8; 32],
}

/// HKDF-SHA256(salt = none, IKM = 0xFF×32 ‖ DH1 ‖ DH2 ‖ DH3 [‖ DH4],
/// info = "WhisperText") → 64 bytes = root key ‖ chain key.
pub fn derive(dhs: &[&[u8]]) -> X3dhKeys {
    let mut ikm = F.to_vec();
    for dh in dhs {
        ikm.extend_from_slice(dh);
    }
    let mut okm = [0u8; 64];
    Hkdf::<Sha256>::new(None, &ikm)
        .expand(X3DH_INFO.as_bytes(), &mut okm)
        .expect("64 bytes is a valid HKDF-SHA256 output length");
    X3dhKeys {
        root_key: okm[..32].try_into().expect("32 bytes"),
        chain_key: okm[32..].try_into().expect("32 bytes"),
    }
}

#[cfg(test)]
mod tests {
    use libsignal_protocol::{PrivateKey, PublicKey};

    use super::*;

    fn private(hex: &str) -> PrivateKey {
        PrivateKey::deserialize(&hex::decode(hex).unwrap()).unwrap()
    }

    fn public(hex: &str) -> PublicKey {
        PublicKey::deserialize(&hex::decode(hex).unwrap()).unwrap()
    }

    /// libsignal's X3DH vector, `test_ratcheting_session_as_bob` in
    /// signalapp/libsignal `rust/protocol/tests/ratchet.rs` (the version-3
    /// session test, before PQXDH; commit 03a739a9): Bob's keys, Alice's public
    /// keys, and the sending chain key Bob's X3DH session starts with, which is
    /// the chain key of the derivation (no one-time prekey, so DH1–DH3).
    #[test]
    fn libsignal_x3dh_test_vector() {
        let bob_identity_private =
            private("4875cc69ddf8ea0719ec947d61081135868d5fd801f02c0225e516df2156605e");
        let bob_signed_prekey_private =
            private("583900131fb727998b7803fe6ac22cc591f342e4e42a8c8d5d78194209b8d253");
        let alice_identity_public =
            public("05b4a8455660ada65b401007f615e654041746432e3339c6875149bceefcb42b4a");
        let alice_base_public =
            public("05472d1fb1a9862c3af6beaca8920277e2b26f4a79213ec7c906aeb35e03cf8950");

        // Bob's side: DH1 = DH(SPK_B, IK_A), DH2 = DH(IK_B, EK_A), DH3 = DH(SPK_B, EK_A).
        let dh1 = bob_signed_prekey_private
            .calculate_agreement(&alice_identity_public)
            .unwrap();
        let dh2 = bob_identity_private
            .calculate_agreement(&alice_base_public)
            .unwrap();
        let dh3 = bob_signed_prekey_private
            .calculate_agreement(&alice_base_public)
            .unwrap();
        let keys = derive(&[&dh1, &dh2, &dh3]);
        assert_eq!(
            hex::encode(keys.chain_key),
            "9797caca53c989bbe229a40ca7727010eb2604fc14945d77958a0aeda088b44d"
        );
    }

    #[test]
    fn the_label_is_part_of_the_key() {
        let dhs: [&[u8]; 3] = [&[1; 32], &[2; 32], &[3; 32]];
        let x3dh = derive(&dhs);
        // The same input key material with PQXDH's label gives other keys.
        let pqxdh_label =
            crate::engine::kdf::derive(&crate::engine::kdf::secret_input(&dhs[..2], &[3; 32]));
        assert_ne!(x3dh.root_key, pqxdh_label.root_key);
    }
}
