//! Lab: Bob's phone is stolen after the session.
//!
//! The thief gets whatever Bob's libsignal still holds: IK_B.priv, SPK_B.priv
//! and the last-resort PQSPK_B.priv stay on the device (libsignal marks a
//! last-resort Kyber key used but keeps it, `session_cipher.rs:257-266`); a
//! used one-time prekey is deleted (`:268-270`). With the server's recording
//! of the first message, the thief recomputes the session when no one-time
//! prekey was used; with one, DH4 is missing and it fails (spec §4.6).
//!
//! The thief works with fresh stores loaded with the stolen keys: Bob's own
//! stores would refuse the message as already seen, which is another lesson
//! (the replay lab's).
//!
//! Defence: Bob's store deleting a used one-time prekey.
//! [`OneTimeDeletion::Keeps`] switches it off.

use libsignal_protocol::{PreKeySignalMessage, SignalProtocolError};

use super::start::{LabText, Outcome, Start};
pub use super::stores::OneTimeDeletion;
use super::stores::{BaseKeyMemory, Device, DeviceKeys};
use super::{LAB_STREAM, LabError, compare};
use crate::engine::kdf;
use crate::engine::record::{derived_key, private_key, shared_secret};
use crate::engine::{FIRST_MESSAGE_TEXT, RunOptions, address, dh, rng_stream};
use crate::transcript::{Actor, Lab, LabDetails, LabStep, Transcript, Verdict};

pub fn run(options: RunOptions) -> Result<Transcript, LabError> {
    run_with(options, OneTimeDeletion::Deletes)
}

pub fn run_with(options: RunOptions, deletion: OneTimeDeletion) -> Result<Transcript, LabError> {
    let start = Start::new(options)?;
    let mut lab = start.record_all();
    let mut rng = rng_stream(options.seed, LAB_STREAM);
    let bob = &start.bob;
    let alice_address = address("alice");
    let recorded = start.bytes("prekey_message")?;

    // ANCHOR: session
    // Bob's phone receives the first message with libsignal, as in the
    // normal run; then it is stolen.
    let mut phone = Device::with(DeviceKeys::of(bob), BaseKeyMemory::Kept, deletion)?;
    let read = phone.receive(&alice_address, recorded, &mut rng)?;
    if deletion == OneTimeDeletion::Keeps {
        // The normal run records Bob deleting OPK_B; this phone keeps it.
        lab.rec
            .deletions
            .retain(|d| !(d.holder == Actor::Bob && d.value.starts_with("OPK_B")));
    }
    let one_time_id = bob.one_time_prekey.as_ref().map(|(id, _)| *id);
    let left = phone.keys(bob.signed_prekey_id, bob.kyber_prekey_id, one_time_id)?;
    // ANCHOR_END: session
    lab.check(
        "Bob's phone read the first message",
        read == FIRST_MESSAGE_TEXT.as_bytes(),
        String::from_utf8_lossy(&read).into_owned(),
    );
    let one_time_prekey_deleted = one_time_id.map(|_| left.one_time_prekey.is_none());
    lab.step(&STORE_AFTER, &[]);
    lab.result(
        LabStep::BobStoreAfterSession,
        one_time_prekey_deleted.unwrap_or(false),
        format!(
            "Bob's libsignal stores still hold IK_B.priv, SPK_B.priv and PQSPK_B.priv; {}",
            match one_time_prekey_deleted {
                None => "no one-time prekey was used".to_string(),
                Some(true) => "OPK_B.priv is gone: deleted after use".to_string(),
                Some(false) => "OPK_B.priv is still there: the store keeps used one-time \
                    prekeys (the defence is switched off)"
                    .to_string(),
            }
        ),
    );

    // ANCHOR: steal
    let identity_priv = left.identity.private_key().serialize();
    let spk_priv = left.signed_prekey.1.private_key()?;
    let pqspk_priv = left.kyber_prekey.1.secret_key()?;
    let opk_priv = match &left.one_time_prekey {
        Some((_, record)) => Some(record.private_key()?),
        None => None,
    };
    // ANCHOR_END: steal
    let spk_bytes = spk_priv.serialize();
    let pqspk_bytes = pqspk_priv.serialize();
    let opk_bytes = opk_priv.map(|k| k.serialize());
    let mut made = vec![
        private_key("thief.IK_B.priv", &identity_priv),
        private_key("thief.SPK_B.priv", &spk_bytes),
        private_key("thief.PQSPK_B.priv", &pqspk_bytes),
    ];
    if let Some(opk) = &opk_bytes {
        made.push(private_key("thief.OPK_B.priv", opk));
    }
    lab.step(&STEALS, &made);
    lab.result(
        LabStep::ThiefStealsKeys,
        false,
        format!(
            "The thief has {} private keys, and the server's recording of the first message.",
            made.len()
        ),
    );

    // ANCHOR: derive
    // By hand: every DH the stolen keys allow, and SS from PQSPK_B.priv.
    let message = PreKeySignalMessage::try_from(recorded)?;
    let ik_a = message.identity_key().public_key();
    let ek_a = message.base_key();
    let mut dhs = vec![
        dh(&spk_priv, ik_a)?,
        dh(left.identity.private_key(), ek_a)?,
        dh(&spk_priv, ek_a)?,
    ];
    if let Some(opk) = &opk_priv {
        dhs.push(dh(opk, ek_a)?);
    }
    let ct = message
        .kyber_ciphertext()
        .ok_or(SignalProtocolError::InvalidKyberPreKeyId)?;
    let ss = pqspk_priv.decapsulate(ct)?;
    let parts: Vec<&[u8]> = dhs.iter().map(|d| &d[..]).collect();
    let thief_keys = kdf::derive(&kdf::secret_input(&parts, &ss));
    // ANCHOR_END: derive
    let root_key = start.bytes("root_key")?;
    let names = ["thief.DH1", "thief.DH2", "thief.DH3", "thief.DH4"];
    let mut made: Vec<_> = names
        .iter()
        .zip(&dhs)
        .map(|(name, value)| shared_secret(name, value))
        .collect();
    made.push(shared_secret("thief.SS", &ss));
    made.push(derived_key("thief.root_key", &thief_keys.root_key));
    lab.step(&DERIVES, &made);
    let dh4_missing = options.one_time_prekey && opk_priv.is_none();
    lab.result(
        LabStep::ThiefDerives,
        thief_keys.root_key[..] != root_key[..],
        format!(
            "{}thief.root_key vs root_key: {}",
            if dh4_missing {
                "DH4 needs OPK_B.priv, which is gone. "
            } else {
                ""
            },
            compare(&thief_keys.root_key, root_key)
        ),
    );

    // ANCHOR: decrypt
    // With libsignal: fresh stores holding the stolen keys, the recording.
    let mut thief = Device::new(left)?;
    let attempt = thief.receive(&alice_address, recorded, &mut rng);
    // ANCHOR_END: decrypt
    let thief_decrypts = attempt.is_ok();
    let thief_error = attempt.as_ref().err().map(|e| e.to_string());
    lab.step(&DECRYPTS, &[]);
    lab.result(
        LabStep::ThiefDecrypts,
        !thief_decrypts,
        match &attempt {
            Ok(text) => format!(
                "libsignal, with the stolen keys, decrypts the recording: \"{}\"",
                String::from_utf8_lossy(text)
            ),
            Err(e) => format!("libsignal, with the stolen keys, refuses: \"{e}\""),
        },
    );

    let verdict = if thief_decrypts {
        Verdict::AttackerSucceeds
    } else {
        Verdict::AttackerFails
    };
    let summary = match (thief_decrypts, one_time_prekey_deleted) {
        (true, None) => "Without a one-time prekey the keys left on Bob's phone are enough: \
            the thief recomputes the session and reads the recorded first message."
            .to_string(),
        (true, Some(false)) => "The used one-time prekey was kept, so the thief has DH4 too \
            and reads the recorded first message."
            .to_string(),
        (true, Some(true)) => "The thief reads the recorded first message.".to_string(),
        (false, _) => format!(
            "The one-time prekey was deleted after use: without DH4 the thief's keys are \
             wrong, and libsignal refuses (\"{}\").",
            thief_error.as_deref().unwrap_or_default()
        ),
    };
    Ok(lab.finish(Outcome {
        lab: Lab::StolenDeviceLater,
        attacker: Actor::Attacker,
        attacker_label: "a thief holding Bob's phone",
        verdict,
        summary,
        details: LabDetails::StolenDeviceLater {
            one_time_prekey_deleted,
            thief_decrypts,
            thief_error,
        },
    }))
}

const STORE_AFTER: LabText = LabText {
    id: LabStep::BobStoreAfterSession,
    actor: Actor::Bob,
    title: "What Bob's phone still holds after the session",
    explanation: "libsignal keeps the identity key, the signed prekey (until Bob replaces \
        it) and the last-resort Kyber prekey, which serves every first contact; it deletes a \
        one-time prekey once a message used it. Read back here from Bob's libsignal stores.",
    formula: "left = {IK_B.priv, SPK_B.priv, PQSPK_B.priv} [∪ OPK_B.priv if not deleted]",
    spec_ref: "PQXDH §3.4, §4.6; libsignal session_cipher.rs:257-270",
};

const STEALS: LabText = LabText {
    id: LabStep::ThiefStealsKeys,
    actor: Actor::Attacker,
    title: "The phone is stolen",
    explanation: "The thief copies every private key left on the phone. The first message \
        itself is long gone from the phone, but the server, or anyone who recorded the \
        traffic, still has it.",
    formula: "thief = left ∪ recording",
    spec_ref: "PQXDH §4.6",
};

const DERIVES: LabText = LabText {
    id: LabStep::ThiefDerives,
    actor: Actor::Attacker,
    title: "The thief recomputes the keys by hand",
    explanation: "Bob's side of the handshake with Bob's own keys: DH1–DH3 from SPK_B.priv \
        and IK_B.priv, SS by decapsulating CT with PQSPK_B.priv. DH4 needs OPK_B.priv.",
    formula: "DH1 = DH(SPK_B, IK_A), DH2 = DH(IK_B, EK_A), DH3 = DH(SPK_B, EK_A) [, DH4 = DH(OPK_B, EK_A)]; \
        SS = PQKEM-DEC(PQSPK_B, CT)",
    spec_ref: "PQXDH §3.4, §4.6",
};

const DECRYPTS: LabText = LabText {
    id: LabStep::ThiefDecrypts,
    actor: Actor::Attacker,
    title: "The thief gives the recording to libsignal",
    explanation: "Fresh libsignal stores loaded with the stolen keys, and the recorded first \
        message: libsignal does exactly what Bob's phone did when the message arrived.",
    formula: "message_decrypt(recording) with the stolen keys",
    spec_ref: "PQXDH §4.6",
};
