//! One PQXDH run, told top to bottom: Bob's keys, the bundle on the server,
//! Alice's side, the first message, Bob's side, and the checks. Each step is
//! recorded with the values it made (`record.rs`); the words of each step
//! live in `steps.rs`.

use libsignal_protocol::{
    KeyPair, PreKeySignalMessage, PrivateKey, PublicKey, SignalProtocolError,
};

use super::bundle::{self, ServerBundle};
use super::keys::{AliceKeys, BobKeys};
use super::record::{
    Recorder, associated_data, ciphertext, derived_key, kdf_input, message, private_key,
    public_key, shared_secret, signature,
};
use super::scan::Secret;
use super::{
    ALICE_STREAM, BOB_STREAM, EngineError, FIRST_MESSAGE_TEXT, HANDSHAKE_STREAM, RunOptions, kdf,
    libsignal_run, rng_stream, scan, steps, verify, wire,
};
use crate::transcript::{Actor, HandshakeStep, KDF_INFO, KEM, Transcript, WireKind, WireObject};

/// What each party drops once the keys are derived (spec §3.3, §3.4); DH4
/// only exists with a one-time prekey.
const HANDSHAKE_SECRETS_OF_ALICE: [&str; 7] = [
    "EK_A.priv",
    "DH1",
    "DH2",
    "DH3",
    "DH4",
    "SS",
    "secret_input",
];
const HANDSHAKE_SECRETS_OF_BOB: [&str; 6] = ["DH1", "DH2", "DH3", "DH4", "SS", "secret_input"];

/// Runs PQXDH for one seed and returns the full transcript, truth check and
/// wire scan included. Check [`Transcript::self_check`] before trusting it.
pub fn run(options: RunOptions) -> Result<Transcript, EngineError> {
    run_with_evidence(options).map(|(transcript, _)| transcript)
}

/// What the truth check compared: the staged values and libsignal's own run.
/// The checks' own tests change one staged value at a time and run them again.
#[cfg_attr(not(test), allow(dead_code))]
pub(super) struct Evidence {
    pub staged: verify::Staged,
    pub libsignal: libsignal_run::LibsignalRun,
    pub received: PreKeySignalMessage,
    pub ik_a: Vec<u8>,
    pub ik_b: Vec<u8>,
}

pub(super) fn run_with_evidence(
    options: RunOptions,
) -> Result<(Transcript, Evidence), EngineError> {
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
            public_key("IK_B", &ik_b),
            private_key("IK_B.priv", &bob.identity.private_key().serialize()),
        ],
    );
    rec.step(
        &steps::BOB_SIGNED_PREKEY,
        &[
            public_key("SPK_B", &spk_b),
            private_key("SPK_B.priv", &bob.signed_prekey.private_key.serialize()),
            signature("SPK_B.sig", &bob.signed_prekey_signature),
        ],
    );
    rec.step(
        &steps::BOB_KYBER_PREKEY,
        &[
            public_key("PQSPK_B", &pqspk_b),
            private_key("PQSPK_B.priv", &bob.kyber_prekey.secret_key.serialize()),
            signature("PQSPK_B.sig", &bob.kyber_prekey_signature),
        ],
    );
    if let Some((_, opk)) = &bob.one_time_prekey {
        rec.step(
            &steps::BOB_ONE_TIME_PREKEY,
            &[
                public_key("OPK_B", &opk.public_key.serialize()),
                private_key("OPK_B.priv", &opk.private_key.serialize()),
            ],
        );
    }
    rec.step(
        &steps::ALICE_IDENTITY,
        &[
            public_key("IK_A", &ik_a),
            private_key("IK_A.priv", &alice.identity.private_key().serialize()),
        ],
    );

    // 2. The bundle, as the server stores it.
    let bundle_bytes = ServerBundle::from_bob(&bob).encode();
    rec.step(
        &steps::BUNDLE_PUBLISHED,
        &[message("bundle", &bundle_bytes)],
    );

    // 3. Alice reads the bundle back from the server's bytes and verifies it.
    let fetched_bundle = bundle::fetch_and_verify(&bundle_bytes)?;
    let their_identity = fetched_bundle.identity_key()?.public_key();
    let their_identity_key_bytes = their_identity.serialize();
    let their_spk = fetched_bundle.signed_pre_key_public()?;
    let their_pqspk = fetched_bundle.kyber_pre_key_public()?.clone();
    let their_opk = fetched_bundle.pre_key_public()?;
    rec.step(&steps::ALICE_VERIFIES, &[]);
    rec.deletes(
        Actor::Server,
        &["OPK_B"],
        steps::WHY_SERVER_DROPS_ONE_TIME_PREKEY,
    );

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
            public_key("EK_A", &ek_a_pub),
            private_key("EK_A.priv", &ek_a.private_key.serialize()),
        ],
    );
    let ik_a_priv = alice.identity.private_key();
    let dh1 = dh(ik_a_priv, &their_spk)?;
    let dh2 = dh(&ek_a.private_key, their_identity)?;
    let dh3 = dh(&ek_a.private_key, &their_spk)?;
    rec.step(&steps::DH1, &[shared_secret("DH1", &dh1)]);
    rec.step(&steps::DH2, &[shared_secret("DH2", &dh2)]);
    rec.step(&steps::DH3, &[shared_secret("DH3", &dh3)]);
    let dh4 = match their_opk {
        Some(opk) => {
            let dh4 = dh(&ek_a.private_key, &opk)?;
            rec.step(&steps::DH4, &[shared_secret("DH4", &dh4)]);
            Some(dh4)
        }
        None => None,
    };

    // 5. Kyber encapsulation.
    let (ss, ct) = their_pqspk.encapsulate(&mut rng)?;
    rec.step(
        &steps::KYBER_ENCAPSULATE,
        &[ciphertext("CT", &ct), shared_secret("SS", &ss)],
    );

    // 6. The KDF, and AD.
    let mut dhs: Vec<&[u8]> = vec![&dh1, &dh2, &dh3];
    dhs.extend(dh4.as_deref());
    let secret_input = kdf::secret_input(&dhs, &ss);
    let keys = kdf::derive(&secret_input);
    rec.step(
        &steps::KDF,
        &[
            kdf_input("secret_input", &secret_input),
            derived_key("root_key", &keys.root_key),
            derived_key("chain_key", &keys.chain_key),
            derived_key("pqr_key", &keys.pqr_key),
        ],
    );
    rec.deletes(
        Actor::Alice,
        &HANDSHAKE_SECRETS_OF_ALICE,
        steps::WHY_ALICE_DROPS_HANDSHAKE_SECRETS,
    );
    let ad = [&ik_a[..], &their_identity_key_bytes[..]].concat();
    rec.step(&steps::ASSOCIATED_DATA, &[associated_data("AD", &ad)]);

    // 7. Alice's first DH ratchet step: the first message's keys come from
    //    root_key and a fresh ratchet key (libsignal's next draw after the
    //    encapsulation), not from chain_key.
    let ratchet = KeyPair::generate(&mut rng);
    let first_ratchet =
        verify::FirstRatchet::derive(&keys.root_key, ratchet.private_key, &their_spk)?;

    //    libsignal runs the same handshake and produces the first message.
    let run = libsignal_run::run(
        &alice,
        &bob,
        &fetched_bundle,
        FIRST_MESSAGE_TEXT.as_bytes(),
        &mut libsignal_rng,
    )?;
    rec.step(
        &steps::FIRST_MESSAGE,
        &[message("prekey_message", &run.prekey_message)],
    );
    rec.deletes(
        Actor::Alice,
        &["root_key"],
        steps::WHY_ALICE_REPLACES_ROOT_KEY,
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
    let mut bob_dh_values = vec![
        shared_secret("DH1", &bob_dh1),
        shared_secret("DH2", &bob_dh2),
        shared_secret("DH3", &bob_dh3),
    ];
    if let Some(dh4) = &bob_dh4 {
        bob_dh_values.push(shared_secret("DH4", dh4));
    }
    rec.bob_copy(&steps::BOB_DH, &bob_dh_values);
    let received_ct = received
        .kyber_ciphertext()
        .ok_or(SignalProtocolError::InvalidMessage(
            libsignal_protocol::CiphertextMessageType::PreKey,
            "missing pq ciphertext",
        ))?;
    let bob_ss = bob.kyber_prekey.secret_key.decapsulate(received_ct)?;
    rec.bob_copy(&steps::BOB_DECAPSULATE, &[shared_secret("SS", &bob_ss)]);
    let mut bob_dhs: Vec<&[u8]> = vec![&bob_dh1, &bob_dh2, &bob_dh3];
    bob_dhs.extend(bob_dh4.as_deref());
    let bob_secret_input = kdf::secret_input(&bob_dhs, &bob_ss);
    let bob_keys = kdf::derive(&bob_secret_input);
    rec.bob_copy(
        &steps::BOB_KDF,
        &[
            kdf_input("secret_input", &bob_secret_input),
            derived_key("root_key", &bob_keys.root_key),
            derived_key("chain_key", &bob_keys.chain_key),
            derived_key("pqr_key", &bob_keys.pqr_key),
        ],
    );
    rec.deletes(
        Actor::Bob,
        &HANDSHAKE_SECRETS_OF_BOB,
        steps::WHY_BOB_DROPS_HANDSHAKE_SECRETS,
    );
    rec.bob_copy(&steps::BOB_DECRYPTS, &[]);
    rec.deletes(
        Actor::Bob,
        &["OPK_B", "OPK_B.priv"],
        steps::WHY_BOB_DELETES_ONE_TIME_PREKEY,
    );
    rec.deletes(Actor::Bob, &["CT"], steps::WHY_BOB_DROPS_CT);
    rec.deletes(Actor::Bob, &["root_key"], steps::WHY_BOB_REPLACES_ROOT_KEY);
    rec.deletes(
        Actor::Bob,
        &["chain_key"],
        steps::WHY_BOB_REPLACES_CHAIN_KEY,
    );

    // The truth check: libsignal's sessions against the staged values, and
    // Bob's own values against Alice's.
    let staged = verify::Staged {
        ek_a: ek_a_pub.to_vec(),
        ct: ct.to_vec(),
        spk_b: their_spk,
        spk_b_private: *spk_priv,
        keys: keys.clone(),
        ratchet_private: ratchet.private_key,
        plaintext: FIRST_MESSAGE_TEXT.as_bytes().to_vec(),
    };
    let produced = verify::Produced {
        run: &run,
        signal_message: received.message().serialized(),
        alice_ratchet_key: received.message().sender_ratchet_key(),
        ik_a: &ik_a,
        ik_b: &their_identity_key_bytes,
    };
    let mut checks = verify::truth_checks(&staged, &produced);
    checks.extend(verify::bob_equals_alice(&rec.bob_values, &rec.values));
    rec.bob_copy(&steps::SAME_SECRET, &[]);

    // What the server holds, byte by byte, and the scan for secrets in it.
    let lookup = |name: &str| rec.bytes_of(name);
    let wire = vec![
        WireObject {
            name: "bundle".to_string(),
            kind: WireKind::Bundle,
            sender: Actor::Bob,
            recipient: Actor::Alice,
            delivered_at: HandshakeStep::AliceVerifies.into(),
            fields: wire::dissect_bundle(&bundle_bytes, &lookup)?,
            bytes: bundle_bytes.clone(),
        },
        WireObject {
            name: "prekey_message".to_string(),
            kind: WireKind::PrekeyMessage,
            sender: Actor::Alice,
            recipient: Actor::Bob,
            delivered_at: HandshakeStep::ServerForwards.into(),
            fields: wire::dissect_prekey_message(&run.prekey_message, &lookup)?,
            bytes: run.prekey_message.clone(),
        },
    ];
    let first_keys = &first_ratchet.message_keys;
    let ratchet_private = first_ratchet.private_key.serialize();
    let mut secrets = Secret::from_values(rec.values.iter().chain(rec.bob_values.iter()));
    secrets.extend(
        [
            ("Alice's first ratchet private key", &ratchet_private[..]),
            (
                "the root key after Alice's ratchet step",
                &first_ratchet.root_key,
            ),
            ("Alice's sending chain key", &first_ratchet.sending_chain),
            ("the first message's cipher key", &first_keys.cipher_key),
            ("the first message's MAC key", &first_keys.mac_key),
            ("the first message's IV", &first_keys.iv),
            (
                "the first message's plaintext",
                FIRST_MESSAGE_TEXT.as_bytes(),
            ),
        ]
        .map(|(name, bytes)| Secret {
            name,
            owner: Actor::Alice,
            bytes,
        }),
    );
    let wire_scan = scan::scan(secrets, &wire);

    let transcript = Transcript {
        seed: options.seed,
        one_time_prekey: options.one_time_prekey,
        kem: KEM,
        kdf_info: KDF_INFO,
        steps: rec.steps,
        values: rec.values,
        bob_values: rec.bob_values,
        wire,
        plaintext: FIRST_MESSAGE_TEXT.to_string(),
        bob_plaintext: String::from_utf8_lossy(&run.bob_plaintext).into_owned(),
        deletions: rec.deletions,
        checks,
        wire_scan,
        lab: None,
    };
    let evidence = Evidence {
        staged,
        libsignal: run,
        received,
        ik_a: ik_a.to_vec(),
        ik_b: their_identity_key_bytes.to_vec(),
    };
    Ok((transcript, evidence))
}

/// The spec's DH(PK1, PK2): X25519 of one party's private key and the other's public key.
pub fn dh(private: &PrivateKey, public: &PublicKey) -> Result<Box<[u8]>, SignalProtocolError> {
    Ok(private.calculate_agreement(public)?)
}
