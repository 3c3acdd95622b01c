//! Alice's first message, sealed and opened by hand exactly as libsignal
//! does it after PQXDH, for the cases libsignal's session API cannot play:
//! a forger who does not hold IK_A.priv, keys derived with a mistake, an
//! attacker reading a recording, and a classical X3DH message.
//!
//! libsignal's steps (0.85.3):
//! - Alice's first ratchet step from the root key and SPK_B
//!   (`ratchet.rs:94-98`, `ratchet/keys.rs:192-216`);
//! - the message key seed HMAC-SHA256(chain key, 0x01) (`ratchet/keys.rs:142-176`);
//! - HKDF-SHA256(salt = SPQR's key or none, seed, "WhisperMessageKeys")
//!   → cipher key 32 ‖ MAC key 32 ‖ IV 16 (`ratchet/keys.rs:89-112`);
//!   these three are the engine's Double Ratchet formulas (`engine/kdf.rs`);
//! - AES-256-CBC, then `SignalMessage::new`, which MACs both identity keys and
//!   the message (`protocol.rs:77-122`), inside `PreKeySignalMessage::new`
//!   (`protocol.rs:284-323`), as `message_encrypt` does (`session_cipher.rs:92-118`).
//!
//! A test seals a message with the normal run's keys and checks that Bob's
//! libsignal accepts it: the by-hand steps are libsignal's.

use libsignal_protocol::kem::SerializedCiphertext;
use libsignal_protocol::{
    IdentityKey, KeyPair, KyberPayload, KyberPreKeyId, PreKeyId, PreKeySignalMessage, PublicKey,
    SignalMessage, SignalProtocolError, SignedPreKeyId,
};
use rand::{CryptoRng, Rng};

use crate::engine::kdf;
pub use crate::engine::kdf::MessageKeys;
use crate::engine::verify::spqr_initial_state;

/// PQXDH messages are version 4; X3DH's were version 3 (`protocol.rs:18-21`).
pub const PQXDH_VERSION: u8 = 4;
pub const X3DH_VERSION: u8 = 3;

/// The keys of Alice's first message: her first ratchet step from `root_key`
/// with DH(her ratchet key, SPK_B), one step along the new chain, and the
/// message-key HKDF. `ratchet_dh` is that DH, which either side can compute:
/// Alice with her ratchet private key, Bob with SPK_B.priv.
pub fn first_message_keys(
    root_key: &[u8; 32],
    ratchet_dh: &[u8],
    spqr_key: Option<&[u8]>,
) -> MessageKeys {
    let (_, chain_key) = kdf::ratchet_root_step(root_key, ratchet_dh);
    kdf::message_keys(&kdf::message_key_seed(&chain_key), spqr_key)
}

/// Everything a first message is made of, apart from the keys' derivation.
pub struct Sealing<'a> {
    pub version: u8,
    /// IK_A as the message claims it: the real one, also for a forger.
    pub sender_identity: &'a IdentityKey,
    pub receiver_identity: &'a IdentityKey,
    pub registration_id: u32,
    pub pre_key_id: Option<PreKeyId>,
    pub signed_pre_key_id: SignedPreKeyId,
    pub spk_b: &'a PublicKey,
    /// The Kyber prekey id and CT; None for X3DH.
    pub kyber: Option<(KyberPreKeyId, &'a [u8])>,
    /// EK_A: libsignal's base key.
    pub base_key: &'a PublicKey,
    pub root_key: &'a [u8; 32],
    /// The KDF's third key, which seeds SPQR; None for X3DH (no SPQR).
    pub pqr_key: Option<&'a [u8; 32]>,
    /// Alice's first ratchet key pair (libsignal draws it right after the
    /// encapsulation, `ratchet.rs:94`).
    pub ratchet: &'a KeyPair,
    pub plaintext: &'a [u8],
}

/// What sealing made, for the lab to show.
pub struct Sealed {
    pub message: PreKeySignalMessage,
    pub keys: MessageKeys,
}

/// Seals a first message as libsignal's Alice would, with the keys given.
pub fn seal<R: Rng + CryptoRng>(s: &Sealing, rng: &mut R) -> Result<Sealed, SignalProtocolError> {
    // SPQR's first message, drawn when encrypting (session_cipher.rs:37).
    let (pq_message, spqr_key) = match s.pqr_key {
        Some(pqr_key) => {
            let state = spqr_initial_state(pqr_key, spqr::Direction::A2B).ok_or_else(|| {
                SignalProtocolError::InvalidArgument("SPQR refused the initial state".into())
            })?;
            let sent = spqr::send(&state, rng).map_err(|e| {
                SignalProtocolError::InvalidArgument(format!("SPQR send failed: {e}"))
            })?;
            (sent.msg, sent.key)
        }
        None => (Vec::new(), None),
    };
    let ratchet = s.ratchet;
    let dh = ratchet.private_key.calculate_agreement(s.spk_b)?;
    let keys = first_message_keys(s.root_key, &dh, spqr_key.as_deref());
    let body = kdf::encrypt(&keys.cipher_key, &keys.iv, s.plaintext);
    let inner = SignalMessage::new(
        s.version,
        &keys.mac_key,
        ratchet.public_key,
        0,
        0,
        &body,
        s.sender_identity,
        s.receiver_identity,
        &pq_message,
    )?;
    let kyber = s.kyber.map(|(id, ct)| {
        let ct: SerializedCiphertext = ct.into();
        KyberPayload::new(id, ct)
    });
    let message = PreKeySignalMessage::new(
        s.version,
        s.registration_id,
        s.pre_key_id,
        s.signed_pre_key_id,
        kyber,
        *s.base_key,
        *s.sender_identity,
        inner,
    )?;
    Ok(Sealed { message, keys })
}

/// Why a message did not open by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenError {
    /// libsignal's `SignalMessage::verify_mac` says the MAC is wrong.
    Mac,
    /// The MAC verified, but the body did not decrypt.
    Body,
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            OpenError::Mac => "the MAC does not verify (SignalMessage::verify_mac is false)",
            OpenError::Body => "the MAC verifies but AES-256-CBC decryption fails",
        })
    }
}

/// Opens a first message by hand with the keys given: libsignal's MAC check,
/// then AES-256-CBC.
pub fn open(
    message: &SignalMessage,
    keys: &MessageKeys,
    sender_identity: &IdentityKey,
    receiver_identity: &IdentityKey,
) -> Result<Vec<u8>, OpenError> {
    let mac_ok = message
        .verify_mac(sender_identity, receiver_identity, &keys.mac_key)
        .unwrap_or(false);
    if !mac_ok {
        return Err(OpenError::Mac);
    }
    kdf::decrypt(&keys.cipher_key, &keys.iv, message.body()).ok_or(OpenError::Body)
}

/// The SPQR key a reader of Alice's first message needs, from the pqr_key it
/// believes in (libsignal's `pq_ratchet_recv`, `session_cipher.rs:633-647`).
/// None both when SPQR gives no key for this message and when it refuses.
pub fn spqr_key_for_reader(pqr_key: &[u8; 32], message: &SignalMessage) -> Option<Vec<u8>> {
    let state = spqr_initial_state(pqr_key, spqr::Direction::B2A)?;
    spqr::recv(&state, &message.pq_ratchet().to_vec())
        .ok()
        .and_then(|r| r.key)
}

#[cfg(test)]
mod tests {
    use libsignal_protocol::{KeyPair, PreKeySignalMessage};

    use super::*;
    use crate::engine::keys::{AliceKeys, BobKeys};
    use crate::engine::{ALICE_STREAM, BOB_STREAM, RunOptions, address, rng_stream};
    use crate::labs::stores::{Device, DeviceKeys};

    fn key(t: &crate::transcript::Transcript, name: &str) -> [u8; 32] {
        t.value(name).unwrap().bytes.clone().try_into().unwrap()
    }

    /// Sealed by hand with the normal run's keys, a first message is one that
    /// Bob's libsignal reads; and libsignal's own first message opens by hand.
    #[test]
    fn by_hand_is_libsignals_way() {
        for one_time_prekey in [false, true] {
            let t = crate::engine::run(RunOptions {
                seed: 3,
                one_time_prekey,
            })
            .unwrap();
            let bob = BobKeys::generate(&mut rng_stream(3, BOB_STREAM), one_time_prekey).unwrap();
            let alice = AliceKeys::generate(&mut rng_stream(3, ALICE_STREAM));
            let normal =
                PreKeySignalMessage::try_from(&t.value("prekey_message").unwrap().bytes[..])
                    .unwrap();
            let (root_key, pqr_key) = (key(&t, "root_key"), key(&t, "pqr_key"));
            let mut rng = rng_stream(3, 99);
            let ratchet = KeyPair::generate(&mut rng);
            let sealed = seal(
                &Sealing {
                    version: PQXDH_VERSION,
                    sender_identity: alice.identity.identity_key(),
                    receiver_identity: bob.identity.identity_key(),
                    registration_id: alice.registration_id,
                    pre_key_id: normal.pre_key_id(),
                    signed_pre_key_id: normal.signed_pre_key_id(),
                    spk_b: &bob.signed_prekey.public_key,
                    kyber: Some((bob.kyber_prekey_id, normal.kyber_ciphertext().unwrap())),
                    base_key: normal.base_key(),
                    root_key: &root_key,
                    pqr_key: Some(&pqr_key),
                    ratchet: &ratchet,
                    plaintext: b"sealed by hand",
                },
                &mut rng,
            )
            .unwrap();
            let read = Device::new(DeviceKeys::of(&bob))
                .unwrap()
                .receive(&address("alice"), sealed.message.serialized(), &mut rng)
                .unwrap();
            assert_eq!(read, b"sealed by hand");

            let dh = bob
                .signed_prekey
                .private_key
                .calculate_agreement(normal.message().sender_ratchet_key())
                .unwrap();
            let keys = first_message_keys(
                &root_key,
                &dh,
                spqr_key_for_reader(&pqr_key, normal.message()).as_deref(),
            );
            let opened = open(
                normal.message(),
                &keys,
                alice.identity.identity_key(),
                bob.identity.identity_key(),
            )
            .unwrap();
            assert_eq!(opened, crate::engine::FIRST_MESSAGE_TEXT.as_bytes());
            // One wrong key byte and the MAC check says no.
            let mut wrong = keys;
            wrong.mac_key[0] ^= 1;
            assert_eq!(
                open(
                    normal.message(),
                    &wrong,
                    alice.identity.identity_key(),
                    bob.identity.identity_key()
                ),
                Err(OpenError::Mac)
            );
        }
    }
}
