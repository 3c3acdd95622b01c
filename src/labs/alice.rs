//! Alice's side of the handshake with whatever keys a bundle gave her,
//! without her signature check: step by step (so the lab can show each DH
//! value), and through libsignal's public `initialize_alice_session_record`,
//! which does not check signatures (`ratchet.rs:223-230`). The two must agree:
//! the lab checks that libsignal's session holds the chain key computed here.

use libsignal_protocol::kem;
use libsignal_protocol::{
    AliceSignalProtocolParameters, IdentityKey, KeyPair, PublicKey, SessionRecord,
    initialize_alice_session_record,
};

use crate::engine::kdf::{self, SessionKeys};
use crate::engine::keys::AliceKeys;
use crate::engine::{HANDSHAKE_STREAM, dh, rng_stream};

use super::LabError;

/// The keys Alice was handed.
pub struct Handed<'a> {
    pub ik_b: &'a IdentityKey,
    pub spk_b: &'a PublicKey,
    pub pqspk_b: &'a kem::PublicKey,
    pub opk_b: Option<&'a PublicKey>,
}

/// What Alice computed, and what libsignal made of it.
pub struct AliceSide {
    pub ek_a: KeyPair,
    /// DH1, DH2, DH3 and, with a one-time prekey, DH4.
    pub dhs: Vec<Box<[u8]>>,
    pub ct: Vec<u8>,
    pub ss: Vec<u8>,
    pub keys: SessionKeys,
    /// libsignal's session from the same keys and the same random draws.
    pub session: SessionRecord,
}

impl AliceSide {
    /// Whether libsignal's session starts its receiving chain (for Bob's
    /// first ratchet key, the signed prekey) at the chain key computed here.
    pub fn libsignal_agrees(&self, spk_b: &PublicKey) -> bool {
        self.session
            .get_receiver_chain_key_bytes(spk_b)
            .ok()
            .flatten()
            .is_some_and(|ck| *ck == self.keys.chain_key)
    }
}

/// Alice's handshake with `handed`, drawing EK_A and the encapsulation from
/// the seed's handshake stream exactly as the normal run does.
pub fn without_check(seed: u64, alice: &AliceKeys, handed: &Handed) -> Result<AliceSide, LabError> {
    let mut rng = rng_stream(seed, HANDSHAKE_STREAM);
    // libsignal gets the RNG as it is now, so it draws the same EK_A and CT.
    let mut libsignal_rng = rng.clone();

    let ek_a = KeyPair::generate(&mut rng);
    let ik_b = handed.ik_b.public_key();
    let mut dhs = vec![
        dh(alice.identity.private_key(), handed.spk_b)?,
        dh(&ek_a.private_key, ik_b)?,
        dh(&ek_a.private_key, handed.spk_b)?,
    ];
    if let Some(opk) = handed.opk_b {
        dhs.push(dh(&ek_a.private_key, opk)?);
    }
    let (ss, ct) = handed.pqspk_b.encapsulate(&mut rng)?;
    let parts: Vec<&[u8]> = dhs.iter().map(|d| &d[..]).collect();
    let keys = kdf::derive(&kdf::secret_input(&parts, &ss));

    let base_key = KeyPair::generate(&mut libsignal_rng);
    let mut parameters = AliceSignalProtocolParameters::new(
        alice.identity,
        base_key,
        *handed.ik_b,
        *handed.spk_b,
        // Bob's first ratchet key is his signed prekey (session.rs:218-225).
        *handed.spk_b,
        handed.pqspk_b.clone(),
    );
    if let Some(opk) = handed.opk_b {
        parameters.set_their_one_time_pre_key(*opk);
    }
    let session = initialize_alice_session_record(&parameters, &mut libsignal_rng)?;

    Ok(AliceSide {
        ek_a,
        dhs,
        ct: ct.to_vec(),
        ss: ss.to_vec(),
        keys,
        session,
    })
}
