//! The engine: one PQXDH run with the real libsignal, stage by stage.
//!
//! It takes a seed and options and returns a [`Transcript`]. It never prints
//! and never touches the terminal; every view renders what it returns.
//!
//! The run happens twice from the same random state: once step by step with
//! libsignal's primitives (so every intermediate value can be shown), and once
//! through libsignal's session API (so we can check that the step-by-step
//! values are exactly what libsignal itself computes).

mod bundle;
pub mod kdf;
pub mod keys;
mod libsignal_run;
pub mod protobuf;
mod scan;
mod session_state;
mod sessions;
mod steps;
mod verify;
pub mod wire;

pub use bundle::{BundleError, ServerBundle, fetch_and_verify};
pub use libsignal_run::{address, bob_store, demo_now};
pub use scan::{KYBER_SK_SECRET_PARTS, WINDOW as SCAN_WINDOW, scan as scan_wire};
pub use sessions::{HandshakeSessions, handshake_sessions};

use libsignal_protocol::{
    KeyPair, PreKeySignalMessage, PrivateKey, PublicKey, SignalProtocolError,
};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use thiserror::Error;

use crate::transcript::{Check, CheckAgainst, Step, Transcript, Value, ValueKind, WireObject};
use keys::{AliceKeys, BobKeys};
use steps::StepText;

/// What Alice says in her first message.
pub const FIRST_MESSAGE_TEXT: &str = "Hello Bob! This is Alice, over PQXDH.";

/// The only KEM this crate's libsignal uses for prekeys by default.
pub const KEM: &str = "kyber1024";

/// Each party draws from its own ChaCha20 stream of the seed, so that turning
/// the one-time prekey on or off (Bob's last draw) leaves every other key of
/// the same seed unchanged: the difference a learner sees is OPK_B and DH4.
/// Public so that the book's examples can reproduce a run's bytes.
pub const BOB_STREAM: u64 = 1;
pub const ALICE_STREAM: u64 = 2;
/// EK_A, the Kyber encapsulation, and everything libsignal draws after them.
pub const HANDSHAKE_STREAM: u64 = 3;

/// The RNG a run uses for one stream of a seed: `ChaCha20Rng::seed_from_u64(seed)`
/// moved to `stream`.
pub fn rng_stream(seed: u64, stream: u64) -> ChaCha20Rng {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// How to run the handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// Seeds `ChaCha20Rng`, which makes every random choice of the run.
    pub seed: u64,
    /// Whether Bob publishes a one-time prekey OPK_B (adds DH4).
    pub one_time_prekey: bool,
}

#[derive(Debug, Error)]
pub enum EngineError {
    #[error("libsignal refused a step: {0}")]
    Libsignal(#[from] SignalProtocolError),
    #[error("the prekey bundle could not be read back: {0}")]
    Bundle(#[from] BundleError),
    #[error("the first message could not be dissected: {0}")]
    Dissection(#[from] protobuf::ProtobufError),
}

/// Collects steps and values in the order they happen.
#[derive(Default)]
struct Recorder {
    steps: Vec<Step>,
    values: Vec<Value>,
    bob_values: Vec<Value>,
}

/// A value to record: name, kind, whether it crosses the server, bytes.
type NewValue<'a> = (&'a str, ValueKind, bool, &'a [u8]);
/// The value travels through the server (in the bundle or the first message).
const CROSSES: bool = true;
/// The value never leaves the party that made it.
const STAYS: bool = false;

impl Recorder {
    /// Records a step with the values it made (Alice's, or Bob's keys).
    fn step(&mut self, text: &StepText, new: &[NewValue]) {
        self.record(text, false, new);
    }

    /// Records a step of Bob's in which he recomputes the shared values himself:
    /// they go into `bob_values`, beside Alice's copies with the same names.
    fn bob_step(&mut self, text: &StepText, new: &[NewValue]) {
        self.record(text, true, new);
    }

    fn record(&mut self, text: &StepText, bob_copy: bool, new: &[NewValue]) {
        let list = if bob_copy {
            &mut self.bob_values
        } else {
            &mut self.values
        };
        for (name, kind, crosses_server, bytes) in new {
            list.push(Value {
                name: name.to_string(),
                kind: *kind,
                owner: text.actor,
                crosses_server: *crosses_server,
                step: text.id,
                bytes: bytes.to_vec(),
            });
        }
        self.steps.push(Step {
            id: text.id,
            actor: text.actor,
            title: text.title.to_string(),
            explanation: text.explanation.to_string(),
            formula: text.formula.to_string(),
            spec_ref: text.spec_ref.to_string(),
            values: new.iter().map(|(name, ..)| name.to_string()).collect(),
        });
    }
}

use ValueKind::*;

/// Runs PQXDH for one seed and returns the full transcript, truth check and
/// wire scan included. Check [`Transcript::truth_check_passed`] before trusting it.
pub fn run(options: RunOptions) -> Result<Transcript, EngineError> {
    let mut rec = Recorder::default();

    // 1. Bob's keys, then Alice's identity.
    let bob = BobKeys::generate(
        &mut rng_stream(options.seed, BOB_STREAM),
        options.one_time_prekey,
    )?;
    let alice = AliceKeys::generate(&mut rng_stream(options.seed, ALICE_STREAM));
    let ik_b = bob.identity.identity_key().serialize();
    let spk_b = bob.signed_prekey.public_key.serialize();
    let pqspk_b = bob.kyber_prekey.public_key.serialize();
    let ik_a = alice.identity.identity_key().serialize();

    rec.step(
        &steps::BOB_IDENTITY,
        &[
            ("IK_B", PublicKey, CROSSES, &ik_b),
            (
                "IK_B.priv",
                PrivateKey,
                STAYS,
                &bob.identity.private_key().serialize(),
            ),
        ],
    );
    rec.step(
        &steps::BOB_SIGNED_PREKEY,
        &[
            ("SPK_B", PublicKey, CROSSES, &spk_b),
            (
                "SPK_B.priv",
                PrivateKey,
                STAYS,
                &bob.signed_prekey.private_key.serialize(),
            ),
            (
                "SPK_B.sig",
                Signature,
                CROSSES,
                &bob.signed_prekey_signature,
            ),
        ],
    );
    rec.step(
        &steps::BOB_KYBER_PREKEY,
        &[
            ("PQSPK_B", PublicKey, CROSSES, &pqspk_b),
            (
                "PQSPK_B.priv",
                PrivateKey,
                STAYS,
                &bob.kyber_prekey.secret_key.serialize(),
            ),
            (
                "PQSPK_B.sig",
                Signature,
                CROSSES,
                &bob.kyber_prekey_signature,
            ),
        ],
    );
    if let Some((_, opk)) = &bob.one_time_prekey {
        rec.step(
            &steps::BOB_ONE_TIME_PREKEY,
            &[
                ("OPK_B", PublicKey, CROSSES, &opk.public_key.serialize()),
                (
                    "OPK_B.priv",
                    PrivateKey,
                    STAYS,
                    &opk.private_key.serialize(),
                ),
            ],
        );
    }
    rec.step(
        &steps::ALICE_IDENTITY,
        &[
            ("IK_A", PublicKey, CROSSES, &ik_a),
            (
                "IK_A.priv",
                PrivateKey,
                STAYS,
                &alice.identity.private_key().serialize(),
            ),
        ],
    );

    // 2. The bundle, as the server stores it.
    let bundle_bytes = ServerBundle::from_bob(&bob).encode();
    rec.step(
        &steps::BUNDLE_PUBLISHED,
        &[("bundle", Message, CROSSES, &bundle_bytes)],
    );

    // 3. Alice reads the bundle back from the server's bytes and verifies it.
    let fetched_bundle = bundle::fetch_and_verify(&bundle_bytes)?;
    let their_identity = fetched_bundle.identity_key()?.public_key();
    let their_identity_key_bytes = their_identity.serialize();
    let their_spk = fetched_bundle.signed_pre_key_public()?;
    let their_pqspk = fetched_bundle.kyber_pre_key_public()?.clone();
    let their_opk = fetched_bundle.pre_key_public()?;
    rec.step(&steps::ALICE_VERIFIES, &[]);

    // 4. EK_A and the DHs. libsignal's process_prekey_bundle draws EK_A and then
    //    the encapsulation from its RNG in this same order; it gets a copy of
    //    the RNG as it is now, so it makes the same random choices.
    let mut rng = rng_stream(options.seed, HANDSHAKE_STREAM);
    let mut libsignal_rng = rng.clone();
    let ek_a = KeyPair::generate(&mut rng);
    let ek_a_pub = ek_a.public_key.serialize();
    rec.step(
        &steps::ALICE_EPHEMERAL,
        &[
            ("EK_A", PublicKey, CROSSES, &ek_a_pub),
            (
                "EK_A.priv",
                PrivateKey,
                STAYS,
                &ek_a.private_key.serialize(),
            ),
        ],
    );
    let ik_a_priv = alice.identity.private_key();
    let dh1 = dh(ik_a_priv, &their_spk)?;
    let dh2 = dh(&ek_a.private_key, their_identity)?;
    let dh3 = dh(&ek_a.private_key, &their_spk)?;
    rec.step(&steps::DH1, &[("DH1", SharedSecret, STAYS, &dh1)]);
    rec.step(&steps::DH2, &[("DH2", SharedSecret, STAYS, &dh2)]);
    rec.step(&steps::DH3, &[("DH3", SharedSecret, STAYS, &dh3)]);
    let dh4 = match their_opk {
        Some(opk) => {
            let dh4 = dh(&ek_a.private_key, &opk)?;
            rec.step(&steps::DH4, &[("DH4", SharedSecret, STAYS, &dh4)]);
            Some(dh4)
        }
        None => None,
    };

    // 5. Kyber encapsulation.
    let (ss, ct) = their_pqspk.encapsulate(&mut rng)?;
    rec.step(
        &steps::KYBER_ENCAPSULATE,
        &[
            ("CT", Ciphertext, CROSSES, &ct),
            ("SS", SharedSecret, STAYS, &ss),
        ],
    );

    // 6. The KDF, and AD.
    let mut dhs: Vec<&[u8]> = vec![&dh1, &dh2, &dh3];
    dhs.extend(dh4.as_deref());
    let secret_input = kdf::secret_input(&dhs, &ss);
    let keys = kdf::derive(&secret_input);
    rec.step(
        &steps::KDF,
        &[
            ("secret_input", KdfInput, STAYS, &secret_input),
            ("root_key", DerivedKey, STAYS, &keys.root_key),
            ("chain_key", DerivedKey, STAYS, &keys.chain_key),
            ("pqr_key", DerivedKey, STAYS, &keys.pqr_key),
        ],
    );
    let ad = [&ik_a[..], &their_identity_key_bytes[..]].concat();
    rec.step(
        &steps::ASSOCIATED_DATA,
        &[("AD", AssociatedData, CROSSES, &ad)],
    );

    // 7. libsignal runs the same handshake and produces the first message.
    let run = libsignal_run::run(
        &alice,
        &bob,
        &fetched_bundle,
        FIRST_MESSAGE_TEXT.as_bytes(),
        &mut libsignal_rng,
    )?;
    rec.step(
        &steps::FIRST_MESSAGE,
        &[("prekey_message", Message, CROSSES, &run.prekey_message)],
    );
    rec.step(&steps::SERVER_FORWARDS, &[]);

    // 8. Bob, from the message's bytes and his own private keys.
    let received = PreKeySignalMessage::try_from(run.prekey_message.as_slice())?;
    let their_ik = received.identity_key().public_key();
    let their_ek = received.base_key();
    let spk_priv = &bob.signed_prekey.private_key;
    let bob_dh1 = dh(spk_priv, their_ik)?;
    let bob_dh2 = dh(bob.identity.private_key(), their_ek)?;
    let bob_dh3 = dh(spk_priv, their_ek)?;
    let bob_dh4 = match &bob.one_time_prekey {
        Some((_, opk)) => Some(dh(&opk.private_key, their_ek)?),
        None => None,
    };
    let mut bob_dh_values: Vec<NewValue> = vec![
        ("DH1", SharedSecret, STAYS, &bob_dh1),
        ("DH2", SharedSecret, STAYS, &bob_dh2),
        ("DH3", SharedSecret, STAYS, &bob_dh3),
    ];
    if let Some(dh4) = &bob_dh4 {
        bob_dh_values.push(("DH4", SharedSecret, STAYS, dh4));
    }
    rec.bob_step(&steps::BOB_DH, &bob_dh_values);
    let received_ct = received
        .kyber_ciphertext()
        .ok_or(SignalProtocolError::InvalidMessage(
            libsignal_protocol::CiphertextMessageType::PreKey,
            "missing pq ciphertext",
        ))?;
    let bob_ss = bob.kyber_prekey.secret_key.decapsulate(received_ct)?;
    rec.bob_step(
        &steps::BOB_DECAPSULATE,
        &[("SS", SharedSecret, STAYS, &bob_ss)],
    );
    let mut bob_dhs: Vec<&[u8]> = vec![&bob_dh1, &bob_dh2, &bob_dh3];
    bob_dhs.extend(bob_dh4.as_deref());
    let bob_secret_input = kdf::secret_input(&bob_dhs, &bob_ss);
    let bob_keys = kdf::derive(&bob_secret_input);
    rec.bob_step(
        &steps::BOB_KDF,
        &[
            ("secret_input", KdfInput, STAYS, &bob_secret_input),
            ("root_key", DerivedKey, STAYS, &bob_keys.root_key),
            ("chain_key", DerivedKey, STAYS, &bob_keys.chain_key),
            ("pqr_key", DerivedKey, STAYS, &bob_keys.pqr_key),
        ],
    );
    rec.bob_step(&steps::BOB_DECRYPTS, &[]);

    // The truth check: libsignal's sessions against the staged values…
    let staged = verify::Staged {
        ek_a: &ek_a_pub,
        ct: &ct,
        spk_b: &their_spk,
        spk_b_private: spk_priv,
        keys: &keys,
        plaintext: FIRST_MESSAGE_TEXT.as_bytes(),
    };
    let mut checks = verify::alice_session_checks(&staged, &run.alice_session);
    checks.extend(verify::bob_session_checks(
        &staged,
        &run.bob_session,
        received.message().sender_ratchet_key(),
        &run.bob_plaintext,
        run.one_time_prekey_deleted,
    ));
    // …and Bob's own values against Alice's.
    checks.extend(rec.bob_values.iter().map(|bob_value| {
        let alice_value = rec.values.iter().find(|v| v.name == bob_value.name);
        Check {
            name: format!("Bob's {} equals Alice's", bob_value.name),
            against: CheckAgainst::Alice,
            value: Some(bob_value.name.clone()),
            staged: format!("Bob's {}", bob_value.name),
            reference: format!("Alice's {}", bob_value.name),
            passed: alice_value.is_some_and(|a| a.bytes == bob_value.bytes),
        }
    }));
    rec.bob_step(&steps::SAME_SECRET, &[]);

    // What the server holds, byte by byte, and the scan for secrets in it.
    let lookup = |name: &str| {
        rec.values
            .iter()
            .find(|v| v.name == name)
            .map(|v| v.bytes.clone())
    };
    let wire = vec![
        WireObject {
            name: "bundle".to_string(),
            fields: wire::dissect_bundle(&bundle_bytes, &lookup)?,
            bytes: bundle_bytes.clone(),
        },
        WireObject {
            name: "prekey_message".to_string(),
            fields: wire::dissect_prekey_message(&run.prekey_message, &lookup)?,
            bytes: run.prekey_message.clone(),
        },
    ];
    let wire_scan = scan::scan(rec.values.iter().chain(rec.bob_values.iter()), &wire);

    Ok(Transcript {
        seed: options.seed,
        one_time_prekey: options.one_time_prekey,
        steps: rec.steps,
        values: rec.values,
        bob_values: rec.bob_values,
        wire,
        plaintext: FIRST_MESSAGE_TEXT.to_string(),
        bob_plaintext: String::from_utf8_lossy(&run.bob_plaintext).into_owned(),
        checks,
        wire_scan,
    })
}

/// The spec's DH(PK1, PK2): X25519 of one party's private key and the other's public key.
pub fn dh(private: &PrivateKey, public: &PublicKey) -> Result<Box<[u8]>, SignalProtocolError> {
    Ok(private.calculate_agreement(public)?)
}
