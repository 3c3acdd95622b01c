//! The truth check: the values computed step by step must be exactly what
//! libsignal's own sessions hold. A mismatch is reported, never hidden.

use libsignal_protocol::{PrivateKey, PublicKey, SessionRecord};

use super::kdf::{self, MessageKeys, SessionKeys};
use super::libsignal_run::LibsignalRun;
use super::session_state;
use crate::transcript::{Check, CheckAgainst, Value};

/// What the staged run computed, as the checks need it.
#[derive(Clone)]
pub struct Staged {
    pub ek_a: Vec<u8>,
    pub ct: Vec<u8>,
    pub spk_b: PublicKey,
    pub spk_b_private: PrivateKey,
    pub keys: SessionKeys,
    /// Alice's first ratchet private key, drawn like libsignal draws it.
    pub ratchet_private: PrivateKey,
    pub plaintext: Vec<u8>,
}

impl Staged {
    /// Alice's first ratchet step from the staged root_key and ratchet key.
    pub fn first_ratchet(&self) -> Option<FirstRatchet> {
        FirstRatchet::derive(&self.keys.root_key, self.ratchet_private, &self.spk_b).ok()
    }
}

/// What libsignal's own run produced, for the checks to compare with.
pub struct Produced<'a> {
    pub run: &'a LibsignalRun,
    /// The inner SignalMessage of the first message, as serialized.
    pub signal_message: &'a [u8],
    /// Alice's first ratchet public key, from that message.
    pub alice_ratchet_key: &'a PublicKey,
    pub ik_a: &'a [u8],
    pub ik_b: &'a [u8],
}

/// Every comparison of the staged values with libsignal's sessions and
/// messages.
pub fn truth_checks(staged: &Staged, produced: &Produced) -> Vec<Check> {
    let mut checks = alice_session_checks(staged, &produced.run.alice_session);
    checks.push(first_message_check(
        staged,
        produced.signal_message,
        produced.ik_a,
        produced.ik_b,
    ));
    checks.extend(bob_session_checks(
        staged,
        &produced.run.bob_session,
        produced.alice_ratchet_key,
        &produced.run.bob_plaintext,
        produced.run.one_time_prekey_deleted,
    ));
    checks
}

/// Alice's first DH ratchet step, staged: the ratchet key libsignal draws
/// right after the encapsulation, the root key and sending chain it makes from
/// root_key with SPK_B, and the first message's keys from that chain.
#[derive(Clone)]
pub struct FirstRatchet {
    pub private_key: PrivateKey,
    pub root_key: [u8; 32],
    pub sending_chain: [u8; 32],
    pub message_keys: MessageKeys,
}

impl FirstRatchet {
    pub fn derive(
        root_key: &[u8; 32],
        private_key: PrivateKey,
        spk_b: &PublicKey,
    ) -> Result<Self, libsignal_protocol::SignalProtocolError> {
        let dh = private_key.calculate_agreement(spk_b)?;
        let (root_key, sending_chain) = kdf::ratchet_root_step(root_key, &dh);
        let seed = kdf::message_key_seed(&sending_chain);
        // Before Bob's first reply Alice's messages carry no SPQR key.
        let message_keys = kdf::message_keys(&seed, None);
        Ok(Self {
            private_key,
            root_key,
            sending_chain,
            message_keys,
        })
    }
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

fn alice_session_checks(staged: &Staged, session: &SessionRecord) -> Vec<Check> {
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
            .get_receiver_chain_key_bytes(&staged.spk_b)
            .ok()
            .flatten()
            .is_some_and(|ck| *ck == staged.keys.chain_key),
    ));

    // Alice has already made her first ratchet step from root_key.
    let fields = session.serialize().map(|b| session_state::read(&b));
    let first = staged.first_ratchet();
    checks.push(check(
        "root_key leads to libsignal's root and sending chain",
        "HKDF(root_key, DH(ratchet key, SPK_B), \"WhisperRatchet\")",
        "Alice's stored ratchet key, root key and sender chain key",
        fields.as_ref().is_ok_and(|f| {
            first.as_ref().is_some_and(|first| {
                f.sender_ratchet_private == first.private_key.serialize()
                    && f.root_key == first.root_key
                    && f.sender_chain_key == first.sending_chain
            })
        }),
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

/// The MAC on libsignal's first message, against the MAC key staged from
/// root_key (not from chain_key: the first message's keys come from Alice's
/// first ratchet step).
fn first_message_check(staged: &Staged, signal_message: &[u8], ik_a: &[u8], ik_b: &[u8]) -> Check {
    let (body, mac) = signal_message.split_at(signal_message.len().saturating_sub(kdf::MAC_LEN));
    let expected = staged
        .first_ratchet()
        .map(|first| kdf::mac(&first.message_keys.mac_key, ik_a, ik_b, body));
    check(
        "the first message's MAC comes from root_key",
        "HMAC-SHA256(MAC key of the sending chain's first message, IK_A ‖ IK_B ‖ message)[..8]",
        "the MAC on libsignal's first message",
        expected.is_some_and(|expected| mac == expected),
    )
}

fn bob_session_checks(
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
            kdf::next_chain_key(&chain).to_vec()
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

#[cfg(test)]
mod tests {
    //! Negative controls: a check that compared a value with itself would
    //! always pass. Changing one staged value must fail exactly the checks
    //! that depend on it, and no other.

    use super::*;
    use crate::engine::RunOptions;
    use crate::engine::run::{Evidence, run_with_evidence};

    fn evidence(one_time_prekey: bool) -> Evidence {
        run_with_evidence(RunOptions {
            seed: 11,
            one_time_prekey,
        })
        .expect("the run completes")
        .1
    }

    /// The names of the checks that fail for these staged values.
    fn failing(e: &Evidence, staged: &Staged) -> Vec<String> {
        let produced = Produced {
            run: &e.libsignal,
            signal_message: e.received.message().serialized(),
            alice_ratchet_key: e.received.message().sender_ratchet_key(),
            ik_a: &e.ik_a,
            ik_b: &e.ik_b,
        };
        truth_checks(staged, &produced)
            .into_iter()
            .filter(|c| !c.passed)
            .map(|c| c.name)
            .collect()
    }

    fn flip(bytes: &mut [u8]) {
        bytes[bytes.len() / 2] ^= 0x01;
    }

    #[test]
    fn the_honest_run_passes_every_check() {
        for one_time_prekey in [false, true] {
            let e = evidence(one_time_prekey);
            assert_eq!(failing(&e, &e.staged), Vec::<String>::new());
        }
    }

    #[test]
    fn one_changed_value_fails_exactly_its_checks() {
        let e = evidence(true);
        type Change = fn(&mut Staged);
        let cases: [(&str, Change, &[&str]); 6] = [
            (
                "EK_A",
                |s| flip(&mut s.ek_a),
                &[
                    "EK_A is libsignal's base key",
                    "Bob's session has EK_A as base key",
                ],
            ),
            (
                "CT",
                |s| flip(&mut s.ct),
                &["CT is libsignal's Kyber ciphertext"],
            ),
            (
                "chain_key",
                |s| flip(&mut s.keys.chain_key),
                &["chain_key is libsignal's chain key"],
            ),
            (
                "pqr_key",
                |s| flip(&mut s.keys.pqr_key),
                &["pqr_key seeds libsignal's post-quantum ratchet"],
            ),
            (
                // Both first ratchet steps start from root_key.
                "root_key",
                |s| flip(&mut s.keys.root_key),
                &[
                    "root_key leads to libsignal's root and sending chain",
                    "the first message's MAC comes from root_key",
                    "root_key leads to Bob's receiving chain",
                ],
            ),
            (
                "Alice's first ratchet key",
                |s| {
                    let mut bytes = s.ratchet_private.serialize();
                    flip(&mut bytes);
                    s.ratchet_private = PrivateKey::deserialize(&bytes).unwrap();
                },
                &[
                    "root_key leads to libsignal's root and sending chain",
                    "the first message's MAC comes from root_key",
                ],
            ),
        ];
        for (what, change, expected) in cases {
            let mut staged = e.staged.clone();
            change(&mut staged);
            assert_eq!(failing(&e, &staged), expected, "{what} changed");
        }
        let mut staged = e.staged.clone();
        staged.plaintext.push(b'!');
        assert_eq!(failing(&e, &staged), ["the first message decrypts"]);
    }

    #[test]
    fn a_kept_one_time_prekey_fails_its_check() {
        let mut e = evidence(true);
        e.libsignal.one_time_prekey_deleted = Some(false);
        assert_eq!(failing(&e, &e.staged), ["OPK_B is deleted after use"]);
    }

    #[test]
    fn a_different_copy_of_bob_fails_only_its_comparison() {
        let t = crate::engine::run(RunOptions {
            seed: 11,
            one_time_prekey: false,
        })
        .unwrap();
        let mut bob = t.bob_values.clone();
        let ss = bob.iter_mut().find(|v| v.name == "SS").unwrap();
        flip(&mut ss.bytes);
        let failed: Vec<String> = bob_equals_alice(&bob, &t.values)
            .into_iter()
            .filter(|c| !c.passed)
            .map(|c| c.name)
            .collect();
        assert_eq!(failed, ["Bob's SS equals Alice's"]);
    }
}
