//! Lab: harvest now, decrypt later.
//!
//! An attacker records the bundle and Alice's first message today. Years
//! later it gets every X25519 private key of the run (a stand-in for Shor's
//! algorithm on a quantum computer): IK_A, IK_B, SPK_B, EK_A, OPK_B and Alice's
//! first ratchet key. It recomputes DH1–DH4 exactly, but SS is Kyber's: out
//! of its reach, so its root key is wrong and the first message stays closed
//! (spec §4.7). The same recording of a classical X3DH run, with the same
//! keys and no Kyber, opens.
//!
//! Defence: the Kyber secret SS in the KDF. The X3DH run is the same attack
//! with it switched off, computed by the same code.

use libsignal_protocol::{
    IdentityKey, KeyPair, PreKeySignalMessage, PrivateKey, PublicKey, SignalProtocolError,
};

use super::message::{self, MessageKeys, Sealing, X3DH_VERSION};
use super::start::{LabText, Outcome, Start};
use super::stores::{Device, DeviceKeys};
use super::{LAB_STREAM, LabError, compare, x3dh};
use crate::engine::kdf::{self, F};
use crate::engine::record::{derived_key, message as message_value, private_key, shared_secret};
use crate::engine::{
    FIRST_MESSAGE_TEXT, HANDSHAKE_STREAM, RunOptions, ServerBundle, address, fetch_and_verify,
    libsignal_run, rng_stream, session_state,
};
use crate::transcript::{Actor, Lab, LabDetails, LabStep, Transcript, Verdict};

pub fn run(options: RunOptions) -> Result<Transcript, LabError> {
    let start = Start::new(options)?;
    let mut lab = start.record_all();
    let bob = &start.bob;
    let ik_a = start.alice.identity.identity_key();
    let ik_b = bob.identity.identity_key();

    // Alice's first ratchet key is not in the transcript: libsignal's Alice,
    // run again from the same seed, holds it in her session.
    let bundle_bytes = start.bytes("bundle")?;
    let replayed = libsignal_run::run(
        &start.alice,
        bob,
        &fetch_and_verify(bundle_bytes)?,
        FIRST_MESSAGE_TEXT.as_bytes(),
        &mut rng_stream(options.seed, HANDSHAKE_STREAM),
    )?;
    let recorded_message = start.bytes("prekey_message")?;
    lab.check(
        "libsignal's Alice, run again, sends the normal run's message",
        replayed.prekey_message == recorded_message,
        compare(&replayed.prekey_message, recorded_message),
    );
    let ratchet_a = PrivateKey::deserialize(
        &session_state::read(&replayed.alice_session.serialize()?).sender_ratchet_private,
    )
    .map_err(SignalProtocolError::from)?;

    // ANCHOR: record
    // What the attacker recorded: the server's bytes.
    let recorded = PreKeySignalMessage::try_from(recorded_message)?;
    let recorded_bundle = ServerBundle::decode(bundle_bytes)?;
    // ANCHOR_END: record
    lab.step(&RECORDS, &[]);
    lab.result(
        LabStep::AttackerRecords,
        false,
        format!(
            "Recorded: the bundle ({} bytes) and the first message ({} bytes).",
            bundle_bytes.len(),
            recorded_message.len()
        ),
    );

    // ANCHOR: shor
    // Shor's stand-in: the private key of every X25519 public key recorded.
    let ek_a_priv =
        PrivateKey::deserialize(start.bytes("EK_A.priv")?).map_err(SignalProtocolError::from)?;
    let mut stolen = vec![
        ("IK_A.priv", *start.alice.identity.private_key()),
        ("IK_B.priv", *bob.identity.private_key()),
        ("SPK_B.priv", bob.signed_prekey.private_key),
        ("EK_A.priv", ek_a_priv),
    ];
    if let Some((_, opk)) = &bob.one_time_prekey {
        stolen.push(("OPK_B.priv", opk.private_key));
    }
    stolen.push(("ratchet_A.priv", ratchet_a));
    // ANCHOR_END: shor
    let public = |bytes: &[u8]| PublicKey::deserialize(bytes).map_err(SignalProtocolError::from);
    let mut recorded_keys = vec![
        *recorded.identity_key().public_key(),
        public(&recorded_bundle.identity_key)?,
        public(&recorded_bundle.signed_pre_key)?,
        *recorded.base_key(),
    ];
    if let Some((_, opk)) = &recorded_bundle.pre_key {
        recorded_keys.push(public(opk)?);
    }
    recorded_keys.push(*recorded.message().sender_ratchet_key());
    let all_match = stolen
        .iter()
        .zip(&recorded_keys)
        .all(|((_, private), public)| private.public_key().is_ok_and(|p| p == *public));
    lab.check(
        "each private key belongs to a public key in the recording",
        all_match,
        "PrivateKey::public_key() = the recorded key, for each",
    );
    let stolen_bytes: Vec<(String, Vec<u8>)> = stolen
        .iter()
        .map(|(name, k)| (format!("attacker.{name}"), k.serialize()))
        .collect();
    let made: Vec<_> = stolen_bytes
        .iter()
        .map(|(name, bytes)| private_key(name, bytes))
        .collect();
    lab.step(&BREAKS_X25519, &made);
    lab.result(
        LabStep::AttackerBreaksX25519,
        false,
        format!(
            "{} X25519 private keys, each the private half of a public key in the recording: {}",
            stolen.len(),
            if all_match { "yes" } else { "NO" }
        ),
    );

    // ANCHOR: dh
    // From the recording and the broken keys: DH1–DH4, exactly.
    let key = |name: &str| {
        stolen
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, k)| *k)
            .ok_or(LabError::Diverged("a stolen key"))
    };
    let (ik_a_pub, ik_b_pub, spk_b_pub, ek_a_pub) = (
        recorded_keys[0],
        recorded_keys[1],
        recorded_keys[2],
        recorded_keys[3],
    );
    let mut dhs = vec![
        crate::engine::dh(&key("IK_A.priv")?, &spk_b_pub)?,
        crate::engine::dh(&key("EK_A.priv")?, &ik_b_pub)?,
        crate::engine::dh(&key("EK_A.priv")?, &spk_b_pub)?,
    ];
    if recorded_keys.len() == 6 {
        dhs.push(crate::engine::dh(&key("EK_A.priv")?, &recorded_keys[4])?);
    }
    // ANCHOR_END: dh
    let _ = ik_a_pub;
    let names = ["DH1", "DH2", "DH3", "DH4"];
    let mut all_equal = true;
    let mut made = Vec::new();
    let attacker_names: Vec<String> = names.iter().map(|n| format!("attacker.{n}")).collect();
    let mut compared = Vec::new();
    for ((name, attacker_name), value) in names.iter().zip(&attacker_names).zip(&dhs) {
        let real = start.bytes(name)?;
        let same = real == &value[..];
        all_equal &= same;
        compared.push(format!(
            "{attacker_name} vs {name}: {}",
            compare(value, real)
        ));
        lab.check(
            format!("the attacker's {name} is the real one"),
            same,
            compare(value, real),
        );
        made.push(shared_secret(attacker_name, value));
    }
    lab.step(&COMPUTES_DH, &made);
    lab.result(LabStep::AttackerComputesDh, !all_equal, compared.join("; "));

    // ANCHOR: no_ss
    // SS needs PQSPK_B.priv, a Kyber key: out of reach. The attacker derives
    // with SS left out.
    let dh_parts: Vec<&[u8]> = dhs.iter().map(|d| &d[..]).collect();
    let mut without_ss = F.to_vec();
    for dh in &dh_parts {
        without_ss.extend_from_slice(dh);
    }
    let attacker_keys = kdf::derive(&without_ss);
    // ANCHOR_END: no_ss
    let root_key = start.bytes("root_key")?;
    lab.step(
        &LACKS_SS,
        &[derived_key("attacker.root_key", &attacker_keys.root_key)],
    );
    lab.result(
        LabStep::AttackerLacksSs,
        attacker_keys.root_key[..] != root_key[..],
        format!(
            "attacker.root_key vs root_key: {}",
            compare(&attacker_keys.root_key, root_key)
        ),
    );

    let ratchet_dh = crate::engine::dh(&key("ratchet_A.priv")?, &spk_b_pub)?;
    let pqxdh_read = read(
        &recorded,
        &attacker_keys.root_key,
        &attacker_keys.pqr_key,
        &ratchet_dh,
        ik_a,
        ik_b,
    );
    // The same steps with the real root key: the attacker's code is right,
    // only the key is missing.
    let real_root: [u8; 32] = root_key
        .try_into()
        .map_err(|_| LabError::Diverged("root_key"))?;
    let real_pqr: [u8; 32] = start
        .bytes("pqr_key")?
        .try_into()
        .map_err(|_| LabError::Diverged("pqr_key"))?;
    let with_ss = read(&recorded, &real_root, &real_pqr, &ratchet_dh, ik_a, ik_b);
    lab.check(
        "with SS the same steps read the message",
        with_ss.as_deref().ok() == Some(FIRST_MESSAGE_TEXT.as_bytes()),
        "first-message keys from root_key, libsignal's MAC check and AES-256-CBC",
    );
    let pqxdh_attacker_decrypts = pqxdh_read.is_ok();
    lab.step(&FAILS_TO_READ, &[]);
    lab.result(
        LabStep::AttackerFailsToRead,
        !pqxdh_attacker_decrypts,
        match &pqxdh_read {
            Err(e) => format!("The first message does not open: {e}"),
            Ok(text) => format!("The attacker reads: \"{}\"", String::from_utf8_lossy(text)),
        },
    );

    // ANCHOR: x3dh
    // The same run without Kyber: classical X3DH, as libsignal did it before
    // PQXDH, with the same keys (pqxdh-lab computes it: libsignal 0.85 no
    // longer does).
    let alice_dhs: Vec<Vec<u8>> = names[..dhs.len()]
        .iter()
        .map(|n| start.bytes(n).map(<[u8]>::to_vec))
        .collect::<Result<_, _>>()?;
    let alice_parts: Vec<&[u8]> = alice_dhs.iter().map(|d| &d[..]).collect();
    let alice_x3dh = x3dh::derive(&alice_parts);
    let ratchet_priv = key("ratchet_A.priv")?;
    let ratchet_pair = KeyPair::new(
        ratchet_priv
            .public_key()
            .map_err(SignalProtocolError::from)?,
        ratchet_priv,
    );
    let x3dh_sealed = message::seal(
        &Sealing {
            version: X3DH_VERSION,
            sender_identity: ik_a,
            receiver_identity: ik_b,
            registration_id: recorded.registration_id(),
            pre_key_id: recorded.pre_key_id(),
            signed_pre_key_id: recorded.signed_pre_key_id(),
            spk_b: &spk_b_pub,
            kyber: None,
            base_key: &ek_a_pub,
            root_key: &alice_x3dh.root_key,
            pqr_key: None,
            ratchet: &ratchet_pair,
            plaintext: FIRST_MESSAGE_TEXT.as_bytes(),
        },
        &mut rng_stream(options.seed, LAB_STREAM),
    )?;
    // ANCHOR_END: x3dh
    let x3dh_bytes = x3dh_sealed.message.serialized().to_vec();
    let libsignal_today = Device::new(DeviceKeys::of(bob))?
        .receive(
            &address("alice"),
            &x3dh_bytes,
            &mut rng_stream(options.seed, LAB_STREAM),
        )
        .err()
        .map(|e| e.to_string());
    lab.step(
        &X3DH_RUN,
        &[message_value("x3dh.prekey_message", &x3dh_bytes)],
    );
    lab.result(
        LabStep::X3dhRun,
        false,
        format!(
            "A version-3 first message of {} bytes, without CT. libsignal 0.85 itself {}",
            x3dh_bytes.len(),
            match &libsignal_today {
                Some(e) => format!("refuses it: \"{e}\""),
                None => "accepts it".to_string(),
            }
        ),
    );

    // ANCHOR: x3dh_read
    // The attacker's X3DH keys from the same DH values, and the message.
    let attacker_x3dh = x3dh::derive(&dh_parts);
    let recorded_x3dh = PreKeySignalMessage::try_from(&x3dh_bytes[..])?;
    let x3dh_read = read_x3dh(&recorded_x3dh, &attacker_x3dh, &ratchet_dh, ik_a, ik_b);
    // ANCHOR_END: x3dh_read
    lab.check(
        "the attacker's X3DH root key is the one Alice's X3DH message was sealed with",
        attacker_x3dh == alice_x3dh,
        compare(&attacker_x3dh.root_key, &alice_x3dh.root_key),
    );
    let x3dh_attacker_decrypts = x3dh_read.is_ok();
    lab.step(
        &READS_X3DH,
        &[
            derived_key("x3dh.root_key", &attacker_x3dh.root_key),
            derived_key("x3dh.chain_key", &attacker_x3dh.chain_key),
        ],
    );
    lab.result(
        LabStep::AttackerReadsX3dh,
        !x3dh_attacker_decrypts,
        match &x3dh_read {
            Ok(text) => format!(
                "The X3DH recording opens: \"{}\"",
                String::from_utf8_lossy(text)
            ),
            Err(e) => format!("The X3DH recording does not open either: {e}"),
        },
    );

    let verdict = if pqxdh_attacker_decrypts {
        Verdict::AttackerSucceeds
    } else {
        Verdict::AttackerFails
    };
    let summary = format!(
        "With every X25519 private key the attacker recomputes DH1–DH{} {}, but not SS: its \
         root key is wrong and the PQXDH message {}. The same recording of an X3DH run {}.",
        dhs.len(),
        if all_equal {
            "exactly"
        } else {
            "(NOT exactly)"
        },
        if pqxdh_attacker_decrypts {
            "OPENS"
        } else {
            "stays closed"
        },
        if x3dh_attacker_decrypts {
            "gives it the root key, the message keys and the plaintext"
        } else {
            "stays closed too"
        }
    );
    Ok(lab.finish(Outcome {
        lab: Lab::HarvestNowDecryptLater,
        attacker: Actor::Attacker,
        attacker_label: "a recorder who later has a quantum computer",
        verdict,
        summary,
        details: LabDetails::HarvestNowDecryptLater {
            pqxdh_attacker_decrypts,
            x3dh_attacker_decrypts,
        },
    }))
}

/// Reads a recorded PQXDH first message with a root key and pqr_key: the
/// first-message keys, libsignal's MAC check and AES-256-CBC.
fn read(
    recorded: &PreKeySignalMessage,
    root_key: &[u8; 32],
    pqr_key: &[u8; 32],
    ratchet_dh: &[u8],
    ik_a: &IdentityKey,
    ik_b: &IdentityKey,
) -> Result<Vec<u8>, message::OpenError> {
    let spqr_key = message::spqr_key_for_reader(pqr_key, recorded.message());
    let keys = message::first_message_keys(root_key, ratchet_dh, spqr_key.as_deref());
    message::open(recorded.message(), &keys, ik_a, ik_b)
}

/// The same for an X3DH message: no SPQR, the X3DH root key.
fn read_x3dh(
    recorded: &PreKeySignalMessage,
    keys: &x3dh::X3dhKeys,
    ratchet_dh: &[u8],
    ik_a: &IdentityKey,
    ik_b: &IdentityKey,
) -> Result<Vec<u8>, message::OpenError> {
    let keys: MessageKeys = message::first_message_keys(&keys.root_key, ratchet_dh, None);
    message::open(recorded.message(), &keys, ik_a, ik_b)
}

const RECORDS: LabText = LabText {
    id: LabStep::AttackerRecords,
    actor: Actor::Attacker,
    title: "An attacker records the bundle and the first message",
    explanation: "Everything that crossed the server is public and can be stored: the \
        bundle and Alice's first message, with IK_A, EK_A, CT and the encrypted text. Today \
        the attacker can do nothing with them.",
    formula: "recording = bundle ‖ prekey_message",
    spec_ref: "PQXDH §4.7",
};

const BREAKS_X25519: LabText = LabText {
    id: LabStep::AttackerBreaksX25519,
    actor: Actor::Attacker,
    title: "Years later: every X25519 private key",
    explanation: "A quantum computer running Shor's algorithm would find the private key of \
        any X25519 public key. Here the keys are simply taken from the run, as a stand-in: \
        IK_A, IK_B, SPK_B, EK_A, OPK_B if there is one, and Alice's first ratchet key.",
    formula: "x ← Shor(X = x·G) for every recorded X25519 key (stand-in: the run's own keys)",
    spec_ref: "PQXDH §4.7, §4.8",
};

const COMPUTES_DH: LabText = LabText {
    id: LabStep::AttackerComputesDh,
    actor: Actor::Attacker,
    title: "The attacker recomputes the DH values",
    explanation: "With Alice's private keys and Bob's public ones from the recording, the \
        attacker gets every DH value of the handshake, exactly.",
    formula: "DH1 = DH(IK_A, SPK_B), DH2 = DH(EK_A, IK_B), DH3 = DH(EK_A, SPK_B) [, DH4 = DH(EK_A, OPK_B)]",
    spec_ref: "PQXDH §3.3",
};

const LACKS_SS: LabText = LabText {
    id: LabStep::AttackerLacksSs,
    actor: Actor::Attacker,
    title: "SS is out of reach",
    explanation: "SS came from Kyber: opening CT needs PQSPK_B.priv, and no known quantum \
        algorithm finds it from the public key. The attacker derives with SS left out, and \
        its root key is not Alice's.",
    formula: "attacker.root_key = HKDF(0xFF×32 ‖ DH1 ‖ DH2 ‖ DH3 [‖ DH4]) (no SS)",
    spec_ref: "PQXDH §2.2, §4.7",
};

const FAILS_TO_READ: LabText = LabText {
    id: LabStep::AttackerFailsToRead,
    actor: Actor::Attacker,
    title: "The attacker tries to open the first message",
    explanation: "From its root key and the ratchet DH it computes the first message's keys \
        as Bob would, checks the MAC with libsignal's SignalMessage::verify_mac and decrypts \
        with AES-256-CBC, as libsignal does.",
    formula: "keys = HKDF(HMAC(HKDF(attacker.root_key, DH(ratchet_A, SPK_B)).chain, 0x01))",
    spec_ref: "PQXDH §3.3, §4.7; libsignal protocol.rs:153-176",
};

const X3DH_RUN: LabText = LabText {
    id: LabStep::X3dhRun,
    actor: Actor::Alice,
    title: "The same run as classical X3DH",
    explanation: "Before PQXDH, libsignal derived the keys from the DH values alone: \
        HKDF-SHA256 with no salt over 0xFF×32 ‖ DH1 ‖ DH2 ‖ DH3 [‖ DH4], info \"WhisperText\", \
        64 bytes = root key ‖ chain key. The same keys, sealed the same way, without CT. \
        libsignal 0.85 no longer speaks X3DH, so pqxdh-lab computes it (a unit test pins it \
        to libsignal's old test vector).",
    formula: "x3dh.root_key ‖ x3dh.chain_key = HKDF(0xFF×32 ‖ DH1 ‖ DH2 ‖ DH3 [‖ DH4], \"WhisperText\", 64)",
    spec_ref: "PQXDH §4.7; libsignal session.rs:104-112 (X3DH refused), libsignal's X3DH test vector",
};

const READS_X3DH: LabText = LabText {
    id: LabStep::AttackerReadsX3dh,
    actor: Actor::Attacker,
    title: "The X3DH recording opens",
    explanation: "With DH1–DH4 the attacker has everything X3DH's KDF takes: the root key, \
        the first message's keys, and the text.",
    formula: "x3dh.root_key = HKDF(0xFF×32 ‖ DH1 ‖ DH2 ‖ DH3 [‖ DH4], \"WhisperText\")",
    spec_ref: "PQXDH §4.7",
};
