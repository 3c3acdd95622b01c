//! What each exercise must print for a seed, computed, never typed in.
//!
//! Most values are the engine's (the transcript `pqxdh-lab transcript --seed N`
//! shows, itself checked against libsignal's own sessions). The rest come from
//! libsignal or the project's library directly: the safety number from
//! libsignal's fingerprint API; the verdicts on the forged bundles from the
//! same verification Alice runs; the nonces from the STREAM code that seals
//! files. The message keys are recomputed here with the formulas of
//! libsignal's `src/ratchet/keys.rs:89-112, 141-176` and accepted only if libsignal agrees: the
//! MAC key must verify the MAC on Alice's real first message, and the next
//! chain key must be the one libsignal's session moved to.
//!
//! The exercises that follow the labs and the conversation take their values
//! from those runs: a lab's attacker values (`pqxdh-lab lab NAME`), the DH
//! ratchet steps of `pqxdh-lab conversation`, and its ledger, which decides
//! by trying to decrypt. Each is used only when that run's own checks
//! against libsignal passed.

use std::collections::BTreeMap;

use futures::executor::block_on;
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use libsignal_protocol::{
    Fingerprint, IdentityKey, InMemSignalProtocolStore, PreKeySignalMessage, SessionStore,
    message_encrypt, process_prekey_bundle,
};
use sha2::{Digest, Sha256, Sha512};
use thiserror::Error;

use super::catalog::EXERCISES;
use super::kit::Room;
use crate::conversation::{
    self, Compromise, ConversationError, ConversationOptions, Party, Pattern,
};
use crate::engine::{
    BundleError, FIRST_MESSAGE_TEXT, HANDSHAKE_STREAM, address, demo_now, fetch_and_verify,
    rng_stream,
};
use crate::labs::{Lab, LabError};
use crate::share::stream;
use crate::transcript::{LabDetails, Transcript};

/// The ids the book's safety number uses (chapter II.2's example): Signal's
/// clients use an account identifier, names do here.
pub const ALICE_ID: &[u8] = b"alice";
pub const BOB_ID: &[u8] = b"bob";
/// Iterations of SHA-512 per side, as Signal's clients use.
pub const FINGERPRINT_ITERATIONS: u32 = 5200;

/// A value an exercise must print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// Printed as hex.
    Bytes(Vec<u8>),
    /// Printed as text: a number, digits, a word.
    Text(String),
}

#[derive(Debug, Error)]
pub enum ExpectedError {
    #[error("the room's run failed: {0}")]
    Engine(#[from] crate::engine::EngineError),
    #[error("libsignal refused a step: {0}")]
    Libsignal(#[from] libsignal_protocol::SignalProtocolError),
    /// libsignal's fingerprint error has no `std::error::Error`, so its words are kept.
    #[error("libsignal's fingerprint failed: {0}")]
    Fingerprint(String),
    #[error("the run has no value {0}")]
    MissingValue(&'static str),
    /// The checker's own recomputation disagrees with libsignal: a bug here,
    /// never the learner's.
    #[error("the checker's reference for {0} disagrees with libsignal")]
    Reference(&'static str),
    #[error("a bundle failed in an unexpected way: {0}")]
    Bundle(#[from] BundleError),
    #[error("the lab could not run: {0}")]
    Lab(#[from] LabError),
    #[error("the conversation could not run: {0}")]
    Conversation(#[from] ConversationError),
    /// A lab or conversation ran, but its own checks against libsignal
    /// failed: its values are not to be trusted as answers.
    #[error("{0} did not pass its own checks against libsignal")]
    Unchecked(&'static str),
}

/// What every exercise must print for one seed, and the room's named values
/// (to tell a learner "your DH1 is the room's DH3").
#[derive(Debug, Clone)]
pub struct Expectations {
    pub seed: u64,
    by_exercise: BTreeMap<&'static str, Vec<(&'static str, Expected)>>,
    known: Vec<(String, Vec<u8>)>,
}

impl Expectations {
    /// Computes everything for a seed: one engine run, one libsignal first
    /// message, two fingerprints.
    pub fn compute(seed: u64) -> Result<Self, ExpectedError> {
        let room = Room::with_seed(seed);
        let t = room.transcript();
        let v = |name: &'static str| -> Result<Expected, ExpectedError> {
            Ok(Expected::Bytes(bytes(&t, name)?))
        };
        let mut by_exercise = BTreeMap::new();
        by_exercise.insert(
            "02_identity_key",
            vec![("IK_A", v("IK_A")?), ("IK_A.priv", v("IK_A.priv")?)],
        );
        by_exercise.insert("02_safety_number", safety_number(&t)?);
        by_exercise.insert(
            "03_signed_prekey",
            vec![
                ("SPK_B.sig", v("SPK_B.sig")?),
                ("verifies", Expected::Text(signature_verifies(&t, true)?)),
                (
                    "verifies_without_type_byte",
                    Expected::Text(signature_verifies(&t, false)?),
                ),
            ],
        );
        by_exercise.insert(
            "04_kyber_prekey",
            vec![
                ("PQSPK_B", v("PQSPK_B")?),
                ("PQSPK_B.sig", v("PQSPK_B.sig")?),
            ],
        );
        by_exercise.insert("05_bundle_field", bundle_fields(&t)?);
        by_exercise.insert("06_forged_bundle", forged_bundles(&room)?);
        by_exercise.insert(
            "07_dh",
            vec![("DH1", v("DH1")?), ("DH2", v("DH2")?), ("DH3", v("DH3")?)],
        );
        let bob_ss = t.bob_value("SS").ok_or(ExpectedError::MissingValue("SS"))?;
        by_exercise.insert(
            "08_kyber_encapsulation",
            vec![
                ("CT", v("CT")?),
                ("SS", v("SS")?),
                ("SS_decapsulated", Expected::Bytes(bob_ss.bytes.clone())),
            ],
        );
        by_exercise.insert(
            "09_kdf",
            vec![
                ("secret_input", v("secret_input")?),
                ("root_key", v("root_key")?),
                ("chain_key", v("chain_key")?),
                ("pqr_key", v("pqr_key")?),
            ],
        );
        by_exercise.insert(
            "10_associated_data",
            vec![("AD", v("AD")?), ("AD.bob", v("AD")?)],
        );
        by_exercise.insert("10_first_message_field", first_message_fields(&t)?);
        let bob = |name: &'static str| -> Result<Expected, ExpectedError> {
            let value = t.bob_value(name).ok_or(ExpectedError::MissingValue(name))?;
            Ok(Expected::Bytes(value.bytes.clone()))
        };
        by_exercise.insert(
            "11_bob",
            vec![
                ("DH1", bob("DH1")?),
                ("DH2", bob("DH2")?),
                ("DH3", bob("DH3")?),
                ("SS", bob("SS")?),
            ],
        );
        by_exercise.insert("14_message_key", message_keys(&room, &t)?);
        by_exercise.insert("15_stream_nonce", nonces());
        by_exercise.insert("18_server_learns", server_learns(&room)?);
        by_exercise.insert("22_x3dh", harvest(&room)?);
        by_exercise.insert("28_dh_ratchet", ratchet_steps(seed)?);
        by_exercise.insert("30_ledger", ledgers(seed)?);
        debug_assert!(EXERCISES.iter().all(|e| by_exercise.contains_key(e.name)));

        // The run's values first, then every exercise's own answers, so that
        // "your DH2 is the room's DH3" also works for chain_key.A1 and root_key.1.
        let mut known: Vec<(String, Vec<u8>)> = t
            .values
            .iter()
            .map(|value| (value.name.clone(), value.bytes.clone()))
            .collect();
        for values in by_exercise.values() {
            for (name, value) in values {
                if let Expected::Bytes(bytes) = value {
                    known.push((name.to_string(), bytes.clone()));
                }
            }
        }
        Ok(Self {
            seed,
            by_exercise,
            known,
        })
    }

    /// The values one exercise must print, in the order it prints them.
    pub fn for_exercise(&self, name: &str) -> &[(&'static str, Expected)] {
        self.by_exercise.get(name).map_or(&[], Vec::as_slice)
    }

    /// Every named value of the room's run, Alice's copies.
    pub fn known(&self) -> &[(String, Vec<u8>)] {
        &self.known
    }
}

fn bytes(t: &Transcript, name: &'static str) -> Result<Vec<u8>, ExpectedError> {
    t.value(name)
        .map(|v| v.bytes.clone())
        .ok_or(ExpectedError::MissingValue(name))
}

fn identity(t: &Transcript, name: &'static str) -> Result<IdentityKey, ExpectedError> {
    Ok(IdentityKey::decode(&bytes(t, name)?)?)
}

/// Whether IK_B's signature on SPK_B verifies over the serialized key
/// (`with_type_byte`) or over the 32 bytes without the type byte.
fn signature_verifies(t: &Transcript, with_type_byte: bool) -> Result<String, ExpectedError> {
    let ik_b = identity(t, "IK_B")?;
    let spk_b = bytes(t, "SPK_B")?;
    let message = if with_type_byte {
        &spk_b[..]
    } else {
        &spk_b[1..]
    };
    let verifies = ik_b
        .public_key()
        .verify_signature(message, &bytes(t, "SPK_B.sig")?);
    Ok(verifies.to_string())
}

/// One side's 30 digits (libsignal's `src/fingerprint.rs:161-192` and
/// `:42-64`): iterated SHA-512, then six 5-byte big-endian chunks mod 100000.
fn fingerprint_digits(key: &[u8], id: &[u8]) -> String {
    let mut hash = Sha512::new()
        .chain_update([0u8, 0u8])
        .chain_update(key)
        .chain_update(id)
        .chain_update(key)
        .finalize();
    for _ in 1..FINGERPRINT_ITERATIONS {
        hash = Sha512::new()
            .chain_update(hash)
            .chain_update(key)
            .finalize();
    }
    hash[..30]
        .chunks(5)
        .map(|chunk| {
            let n = chunk.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
            format!("{:05}", n % 100_000)
        })
        .collect()
}

fn safety_number(t: &Transcript) -> Result<Vec<(&'static str, Expected)>, ExpectedError> {
    let (ik_a, ik_b) = (identity(t, "IK_A")?, identity(t, "IK_B")?);
    let a = fingerprint_digits(&ik_a.serialize(), ALICE_ID);
    let b = fingerprint_digits(&ik_b.serialize(), BOB_ID);
    let libsignals = Fingerprint::new(2, FINGERPRINT_ITERATIONS, ALICE_ID, &ik_a, BOB_ID, &ik_b)
        .and_then(|f| f.display_string())
        .map_err(|e| ExpectedError::Fingerprint(e.to_string()))?;
    let ours = if a < b {
        format!("{a}{b}")
    } else {
        format!("{b}{a}")
    };
    if ours != libsignals {
        return Err(ExpectedError::Reference("the safety number"));
    }
    Ok(vec![
        ("IK_A.digits", Expected::Text(a)),
        ("IK_B.digits", Expected::Text(b)),
        ("safety_number", Expected::Text(libsignals)),
    ])
}

/// Fields 1 and 3 of the bundle, cut from the bytes the server stores.
fn bundle_fields(t: &Transcript) -> Result<Vec<(&'static str, Expected)>, ExpectedError> {
    let bundle = bytes(t, "bundle")?;
    let fields = crate::protobuf::fields(&bundle)
        .collect::<Result<Vec<_>, _>>()
        .map_err(BundleError::from)?;
    let whole = |number: u32| -> Result<Expected, ExpectedError> {
        let f = fields
            .iter()
            .find(|f| f.number == number)
            .ok_or(ExpectedError::MissingValue("a bundle field"))?;
        let end = f.payload_offset + f.payload_len;
        Ok(Expected::Bytes(bundle[f.tag_offset..end].to_vec()))
    };
    Ok(vec![("field_1", whole(1)?), ("field_3", whole(3)?)])
}

/// What Alice concludes about each bundle a server hands out.
fn forged_bundles(room: &Room) -> Result<Vec<(&'static str, Expected)>, ExpectedError> {
    let known = room.ik_b_from_safety_number();
    let names = ["bundle_1", "bundle_2", "bundle_3", "bundle_4"];
    let mut verdicts = Vec::new();
    for (name, bundle) in names.into_iter().zip(room.bundles_from_a_server()) {
        let verdict = match fetch_and_verify(&bundle) {
            Ok(b) if *b.identity_key()? == known => "genuine",
            Ok(_) => "other identity",
            Err(BundleError::BadSignature("SPK_B")) => "bad SPK_B signature",
            Err(BundleError::BadSignature("PQSPK_B")) => "bad PQSPK_B signature",
            Err(e) => return Err(e.into()),
        };
        verdicts.push((name, Expected::Text(verdict.to_string())));
    }
    Ok(verdicts)
}

/// base_key and registration_id, as libsignal's own parser reads them.
fn first_message_fields(t: &Transcript) -> Result<Vec<(&'static str, Expected)>, ExpectedError> {
    let message = PreKeySignalMessage::try_from(bytes(t, "prekey_message")?.as_slice())?;
    Ok(vec![
        (
            "base_key",
            Expected::Bytes(message.base_key().serialize().to_vec()),
        ),
        (
            "registration_id",
            Expected::Text(message.registration_id().to_string()),
        ),
    ])
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// The keys of Alice's first message from her sending chain key, each
/// accepted only when libsignal agrees (see the module's comment).
fn message_keys(
    room: &Room,
    t: &Transcript,
) -> Result<Vec<(&'static str, Expected)>, ExpectedError> {
    let chain_key = room.alice_sending_chain_key();
    let seed = hmac_sha256(&chain_key, &[0x01]);
    let next_chain_key = hmac_sha256(&chain_key, &[0x02]);
    // libsignal salts this HKDF with SPQR's key for the message
    // (src/session_cipher.rs:37-44); Alice's first flight has none yet, so
    // no salt. The MAC check below is what confirms it for this run.
    let mut okm = [0u8; 80];
    Hkdf::<Sha256>::new(None, &seed)
        .expand(b"WhisperMessageKeys", &mut okm)
        .expect("80 bytes is a valid HKDF-SHA256 output length");
    let (cipher_key, rest) = okm.split_at(32);
    let (mac_key, iv) = rest.split_at(32);

    // libsignal's verdict on the MAC key: the MAC of the real first message.
    let message = PreKeySignalMessage::try_from(bytes(t, "prekey_message")?.as_slice())?;
    let (ik_a, ik_b) = (identity(t, "IK_A")?, identity(t, "IK_B")?);
    if !message.message().verify_mac(&ik_a, &ik_b, mac_key)? {
        return Err(ExpectedError::Reference("mac_key"));
    }
    // And on the next chain key: where libsignal's session is after sending.
    if libsignals_next_chain_key(room)? != next_chain_key {
        return Err(ExpectedError::Reference("next_chain_key"));
    }
    Ok(vec![
        ("cipher_key", Expected::Bytes(cipher_key.to_vec())),
        ("mac_key", Expected::Bytes(mac_key.to_vec())),
        ("iv", Expected::Bytes(iv.to_vec())),
        ("next_chain_key", Expected::Bytes(next_chain_key.to_vec())),
    ])
}

/// Alice's sending chain key after libsignal encrypted her first message.
fn libsignals_next_chain_key(room: &Room) -> Result<Vec<u8>, ExpectedError> {
    let alice = room.alice();
    let bundle = fetch_and_verify(&room.bundle())?;
    let mut store = InMemSignalProtocolStore::new(alice.identity, alice.registration_id)?;
    let bob = address("bob");
    let mut rng = rng_stream(room.seed(), HANDSHAKE_STREAM);
    block_on(async {
        process_prekey_bundle(
            &bob,
            &mut store.session_store,
            &mut store.identity_store,
            &bundle,
            demo_now(),
            &mut rng,
        )
        .await?;
        message_encrypt(
            FIRST_MESSAGE_TEXT.as_bytes(),
            &bob,
            &mut store.session_store,
            &mut store.identity_store,
            demo_now(),
            &mut rng,
        )
        .await?;
        let session = store
            .load_session(&bob)
            .await?
            .ok_or(ExpectedError::Reference("Alice's session"))?;
        Ok(session.get_sender_chain_key_bytes()?)
    })
}

fn lab_bytes(t: &Transcript, name: &'static str) -> Result<Expected, ExpectedError> {
    Ok(Expected::Bytes(bytes(t, name)?))
}

/// A lab's run, refused unless its own checks and its normal run's truth
/// check passed.
fn checked_lab(room: &Room, lab: Lab) -> Result<Transcript, ExpectedError> {
    let t = crate::labs::run(
        lab,
        crate::engine::RunOptions {
            seed: room.seed(),
            one_time_prekey: false,
        },
    )?;
    let passed = t.lab.as_ref().is_some_and(|l| l.checks_passed());
    if !passed {
        return Err(ExpectedError::Unchecked("the lab"));
    }
    Ok(t)
}

/// What the server that forged SPK_B computes, from the lab
/// forged-signed-prekey, and whether its guess is Alice's chain key (the
/// lab compares it with the one in Alice's libsignal session).
fn server_learns(room: &Room) -> Result<Vec<(&'static str, Expected)>, ExpectedError> {
    let t = checked_lab(room, Lab::ForgedSignedPrekey)?;
    let Some(LabDetails::ForgedPrekey {
        server_derives_key, ..
    }) = t.lab.as_ref().map(|l| &l.details)
    else {
        return Err(ExpectedError::MissingValue("the lab's outcome"));
    };
    Ok(vec![
        ("attacker.DH1", lab_bytes(&t, "attacker.DH1")?),
        ("attacker.DH3", lab_bytes(&t, "attacker.DH3")?),
        ("attacker.chain_key", lab_bytes(&t, "attacker.chain_key")?),
        (
            "attacker.has_alices_key",
            Expected::Text(server_derives_key.to_string()),
        ),
    ])
}

/// The harvest lab's keys: PQXDH's KDF without SS, and classical X3DH.
fn harvest(room: &Room) -> Result<Vec<(&'static str, Expected)>, ExpectedError> {
    let t = checked_lab(room, Lab::HarvestNowDecryptLater)?;
    Ok(vec![
        ("attacker.root_key", lab_bytes(&t, "attacker.root_key")?),
        ("x3dh.root_key", lab_bytes(&t, "x3dh.root_key")?),
        ("x3dh.chain_key", lab_bytes(&t, "x3dh.chain_key")?),
    ])
}

/// The root and chain keys of the conversation's first two DH ratchet
/// steps: Alice's at set-up (message 1's chain) and Bob's as message 1
/// arrives (message 2's). The conversation compares both with the root and
/// chain keys libsignal's sessions hold.
fn ratchet_steps(seed: u64) -> Result<Vec<(&'static str, Expected)>, ExpectedError> {
    let c = conversation::run(ConversationOptions {
        seed,
        messages: 2,
        pattern: Pattern::PingPong,
        ..ConversationOptions::default()
    })?;
    if !c.checks_passed() {
        return Err(ExpectedError::Unchecked("the conversation"));
    }
    let step = |index: usize| -> Result<([u8; 32], [u8; 32]), ExpectedError> {
        let m = c
            .message(index)
            .ok_or(ExpectedError::MissingValue("a message"))?;
        let root = m
            .root_key
            .ok_or(ExpectedError::MissingValue("a DH ratchet step"))?;
        Ok((root, m.chain_key))
    };
    let ((root_1, chain_a1), (root_2, chain_b1)) = (step(1)?, step(2)?);
    Ok(vec![
        ("root_key.1", Expected::Bytes(root_1.to_vec())),
        ("chain_key.A1", Expected::Bytes(chain_a1.to_vec())),
        ("root_key.2", Expected::Bytes(root_2.to_vec())),
        ("chain_key.B1", Expected::Bytes(chain_b1.to_vec())),
    ])
}

/// The thefts 30_ledger asks about: (value, pattern, messages, victim, K).
pub const THEFTS: [(&str, Pattern, usize, Party, usize); 5] = [
    ("ping_pong.bob.6", Pattern::PingPong, 12, Party::Bob, 6),
    ("ping_pong.alice.6", Pattern::PingPong, 12, Party::Alice, 6),
    ("bursts.bob.5", Pattern::Bursts, 18, Party::Bob, 5),
    ("bursts.alice.8", Pattern::Bursts, 18, Party::Alice, 8),
    (
        "alice_only.alice.4",
        Pattern::AliceOnly,
        10,
        Party::Alice,
        4,
    ),
];

/// The messages the ledger marks as read, for each theft: decided by trying
/// to derive the keys and decrypt, and checked against the real keys.
fn ledgers(seed: u64) -> Result<Vec<(&'static str, Expected)>, ExpectedError> {
    let mut values = Vec::new();
    for (name, pattern, messages, who, at) in THEFTS {
        let c = conversation::run(ConversationOptions {
            seed,
            messages,
            pattern,
            compromise: Some(Compromise { at, who }),
            ..ConversationOptions::default()
        })?;
        if !c.checks_passed() || c.ledger.len() != messages {
            return Err(ExpectedError::Unchecked("the ledger"));
        }
        let read: Vec<String> = c
            .ledger
            .iter()
            .filter(|e| e.attacker_reads)
            .map(|e| e.index.to_string())
            .collect();
        let text = if read.is_empty() {
            "none".to_string()
        } else {
            read.join(", ")
        };
        values.push((name, Expected::Text(text)));
    }
    Ok(values)
}

/// The nonces of a four-segment file, and of one segment far into a stream.
fn nonces() -> Vec<(&'static str, Expected)> {
    let nonce = |index: u32, last: bool| Expected::Bytes(stream::nonce(index, last).to_vec());
    vec![
        ("nonce_0", nonce(0, false)),
        ("nonce_1", nonce(1, false)),
        ("nonce_2", nonce(2, false)),
        ("nonce_3", nonce(3, true)),
        ("nonce_66051", nonce(66_051, false)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_exercise_has_exactly_its_catalogued_values() {
        let expectations = Expectations::compute(7).unwrap();
        for e in EXERCISES {
            let names: Vec<&str> = expectations
                .for_exercise(e.name)
                .iter()
                .map(|(n, _)| *n)
                .collect();
            let catalogued: Vec<&str> = e.values.iter().map(|v| v.name).collect();
            assert_eq!(names, catalogued, "{}", e.name);
        }
    }

    /// libsignal's own test vector (`fingerprint.rs`), through the same
    /// digit computation the checker uses for its halves.
    #[test]
    fn the_fingerprint_digits_match_libsignals_vector() {
        let alice =
            hex::decode("0506863bc66d02b40d27b8d49ca7c09e9239236f9d7d25d6fcca5ce13c7064d868")
                .unwrap();
        let bob = hex::decode("05f781b6fb32fed9ba1cf2de978d4d5da28dc34046ae814402b5c0dbd96fda907b")
            .unwrap();
        let a = fingerprint_digits(&alice, b"+14152222222");
        let b = fingerprint_digits(&bob, b"+14153333333");
        let (first, second) = if a < b { (a, b) } else { (b, a) };
        assert_eq!(
            format!("{first}{second}"),
            "300354477692869396892869876765458257569162576843440918079131"
        );
    }

    fn texts(expectations: &Expectations, exercise: &str) -> Vec<(&'static str, String)> {
        expectations
            .for_exercise(exercise)
            .iter()
            .filter_map(|(name, v)| match v {
                Expected::Text(t) => Some((*name, t.clone())),
                Expected::Bytes(_) => None,
            })
            .collect()
    }

    /// The ledger's answers show what Part V, chapter 4 explains: a theft
    /// right after the victim sent K costs K+1, right after it received K
    /// costs K+1 and K+2, in runs of three up to two runs, and a one-sided
    /// conversation never heals. So the exercise cannot be passed by
    /// guessing "the next message".
    #[test]
    fn the_ledger_answers_show_how_a_session_heals() {
        let expectations = Expectations::compute(7).unwrap();
        assert_eq!(
            texts(&expectations, "30_ledger"),
            [
                ("ping_pong.bob.6", "7".to_string()),
                ("ping_pong.alice.6", "7, 8".to_string()),
                ("bursts.bob.5", "6, 7, 8, 9".to_string()),
                ("bursts.alice.8", "9, 10, 11, 12".to_string()),
                ("alice_only.alice.4", "5, 6, 7, 8, 9, 10".to_string()),
            ]
        );
        assert_eq!(
            texts(&expectations, "18_server_learns"),
            [("attacker.has_alices_key", "false".to_string())],
            "DH1 and DH3 alone do not give Alice's chain key"
        );
    }

    #[test]
    fn the_forged_bundles_get_four_different_verdicts() {
        let expectations = Expectations::compute(7).unwrap();
        let mut verdicts: Vec<String> = expectations
            .for_exercise("06_forged_bundle")
            .iter()
            .map(|(_, v)| match v {
                Expected::Text(t) => t.clone(),
                Expected::Bytes(_) => panic!("verdicts are words"),
            })
            .collect();
        verdicts.sort();
        assert_eq!(
            verdicts,
            [
                "bad PQSPK_B signature",
                "bad SPK_B signature",
                "genuine",
                "other identity"
            ]
        );
    }
}
