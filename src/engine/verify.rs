//! The truth check: the values computed step by step must be exactly what
//! libsignal's own sessions hold. A mismatch is reported, never hidden.

use hmac::{Hmac, Mac};
use libsignal_protocol::{PrivateKey, PublicKey, SessionRecord};
use sha2::Sha256;

use super::kdf::{self, SessionKeys};
use super::session_state;
use crate::transcript::{Check, CheckAgainst, Value};

/// What the staged run computed, as the check needs it.
pub struct Staged<'a> {
    pub ek_a: &'a [u8],
    pub ct: &'a [u8],
    pub spk_b: &'a PublicKey,
    pub spk_b_private: &'a PrivateKey,
    pub keys: &'a SessionKeys,
    pub plaintext: &'a [u8],
}

fn check(name: &str, staged: &str, reference: &str, passed: bool) -> Check {
    Check {
        name: name.to_string(),
        against: CheckAgainst::Libsignal,
        value: None,
        staged: staged.to_string(),
        reference: reference.to_string(),
        passed,
    }
}

/// SPQR's initial state for a direction, seeded with the staged pqr_key exactly
/// as libsignal's `ratchet.rs` seeds it.
pub(crate) fn spqr_initial_state(
    pqr_key: &[u8; 32],
    direction: spqr::Direction,
) -> Option<Vec<u8>> {
    #[allow(clippy::needless_update)]
    let chain_params = spqr::ChainParams {
        max_jump: 25_000,
        max_ooo_keys: 2_000,
        ..Default::default()
    };
    spqr::initial_state(spqr::Params {
        auth_key: pqr_key,
        version: spqr::Version::V1,
        direction,
        min_version: spqr::Version::V0,
        chain_params,
    })
    .ok()
}

/// The next chain key of a symmetric chain: HMAC-SHA256(CK, 0x02).
fn next_chain_key(chain_key: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(chain_key).expect("HMAC takes any key length");
    mac.update(&[0x02]);
    mac.finalize().into_bytes().to_vec()
}

pub fn alice_session_checks(staged: &Staged, session: &SessionRecord) -> Vec<Check> {
    let mut checks = Vec::new();

    checks.push(check(
        "EK_A is libsignal's base key",
        "EK_A (staged)",
        "Alice's SessionRecord::alice_base_key()",
        session.alice_base_key().is_ok_and(|k| k == staged.ek_a),
    ));

    checks.push(check(
        "CT is libsignal's Kyber ciphertext",
        "CT (staged encapsulation)",
        "Alice's SessionRecord::get_kyber_ciphertext()",
        session
            .get_kyber_ciphertext()
            .ok()
            .flatten()
            .is_some_and(|ct| ct.as_slice() == staged.ct),
    ));

    // Alice's receiving chain for Bob's first ratchet key (his SPK_B) starts at chain_key.
    checks.push(check(
        "chain_key is libsignal's chain key",
        "chain_key (HKDF bytes 32..64)",
        "Alice's SessionRecord::get_receiver_chain_key_bytes(SPK_B)",
        session
            .get_receiver_chain_key_bytes(staged.spk_b)
            .ok()
            .flatten()
            .is_some_and(|ck| *ck == staged.keys.chain_key),
    ));

    // Alice has already made her first ratchet step from root_key; redo it.
    let fields = session.serialize().map(|b| session_state::read(&b));
    let root_step = fields.as_ref().ok().and_then(|f| {
        let ratchet = PrivateKey::deserialize(&f.sender_ratchet_private).ok()?;
        let dh = ratchet.calculate_agreement(staged.spk_b).ok()?;
        let (root, chain) = kdf::ratchet_root_step(&staged.keys.root_key, &dh);
        Some(f.root_key == root && f.sender_chain_key == chain)
    });
    checks.push(check(
        "root_key leads to libsignal's root and sending chain",
        "HKDF(root_key, DH(ratchet key, SPK_B), \"WhisperRatchet\")",
        "Alice's stored root_key and sender chain key",
        root_step == Some(true),
    ));

    let pq_state = spqr_initial_state(&staged.keys.pqr_key, spqr::Direction::A2B);
    checks.push(check(
        "pqr_key seeds libsignal's post-quantum ratchet",
        "spqr::initial_state(pqr_key, A2B)",
        "Alice's stored pq_ratchet_state",
        fields
            .as_ref()
            .is_ok_and(|f| pq_state.as_ref() == Some(&f.pq_ratchet_state)),
    ));
    checks
}

pub fn bob_session_checks(
    staged: &Staged,
    session: &SessionRecord,
    alice_ratchet_key: &PublicKey,
    bob_plaintext: &[u8],
    one_time_prekey_deleted: Option<bool>,
) -> Vec<Check> {
    let mut checks = Vec::new();
    checks.push(check(
        "Bob's session has EK_A as base key",
        "EK_A (staged)",
        "Bob's SessionRecord::alice_base_key()",
        session.alice_base_key().is_ok_and(|k| k == staged.ek_a),
    ));

    // Receiving Alice's message, Bob ratcheted: from root_key and DH(SPK_B, her
    // ratchet key) to a receiving chain, then one step along it for the message.
    let expected = staged
        .spk_b_private
        .calculate_agreement(alice_ratchet_key)
        .ok()
        .map(|dh| {
            let (_, chain) = kdf::ratchet_root_step(&staged.keys.root_key, &dh);
            next_chain_key(&chain)
        });
    checks.push(check(
        "root_key leads to Bob's receiving chain",
        "HMAC(HKDF(root_key, DH(SPK_B, ratchet key), \"WhisperRatchet\").chain, 0x02)",
        "Bob's SessionRecord::get_receiver_chain_key_bytes(Alice's ratchet key)",
        expected.is_some()
            && session
                .get_receiver_chain_key_bytes(alice_ratchet_key)
                .ok()
                .flatten()
                .map(|ck| ck.to_vec())
                == expected,
    ));

    checks.push(check(
        "the first message decrypts",
        "Alice's plaintext",
        "libsignal message_decrypt on Bob's side",
        bob_plaintext == staged.plaintext,
    ));

    if let Some(deleted) = one_time_prekey_deleted {
        checks.push(check(
            "OPK_B is deleted after use",
            "the spec: delete a used one-time prekey (§3.4)",
            "Bob's PreKeyStore::get_pre_key after message_decrypt",
            deleted,
        ));
    }
    checks
}

/// Bob's own copies of the shared values (from his private keys and the
/// message) against Alice's: the same names must hold the same bytes.
pub fn bob_equals_alice(bob_values: &[Value], alice_values: &[Value]) -> Vec<Check> {
    bob_values
        .iter()
        .map(|bob_value| {
            let alice_value = alice_values.iter().find(|v| v.name == bob_value.name);
            Check {
                name: format!("Bob's {} equals Alice's", bob_value.name),
                against: CheckAgainst::Alice,
                value: Some(bob_value.name.clone()),
                staged: format!("Bob's {}", bob_value.name),
                reference: format!("Alice's {}", bob_value.name),
                passed: alice_value.is_some_and(|a| a.bytes == bob_value.bytes),
            }
        })
        .collect()
}
