//! Lab: the server delivers Alice's first message again.
//!
//! Three times, to a Bob who remembers less each time:
//! 1. to the same Bob: his session finds the message's counter already used
//!    and refuses it as `DuplicatedMessage` (`session_cipher.rs:742-749`);
//! 2. after Bob lost his session (a reset): the Kyber prekey store remembers
//!    which base keys it saw with the last-resort key and refuses ("reused base
//!    key", `storage/inmem.rs:247-265`, contract in `storage/traits.rs:129-139`);
//!    with a one-time prekey, the deleted key refuses it first (`InvalidPreKeyId`,
//!    `session.rs:138-140`);
//! 3. to a Bob whose Kyber store has no such memory either: accepted as a new
//!    session when there was no one-time prekey (spec §4.2), refused with one.
//!
//! Defence: the Kyber prekey store's memory of base keys.
//! [`BaseKeyMemory::None`] switches it off for Bob's own store.

use libsignal_protocol::SignalProtocolError;
use rand_chacha::ChaCha20Rng;

use super::start::{LabText, Outcome, Start};
pub use super::stores::BaseKeyMemory;
use super::stores::{Device, DeviceKeys, OneTimeDeletion};
use super::{LAB_STREAM, LabError};
use crate::engine::{FIRST_MESSAGE_TEXT, RunOptions, address, rng_stream};
use crate::transcript::{Actor, Delivery, Lab, LabDetails, LabStep, Transcript, Verdict};

pub fn run(options: RunOptions) -> Result<Transcript, LabError> {
    run_with(options, BaseKeyMemory::Kept)
}

pub fn run_with(options: RunOptions, memory: BaseKeyMemory) -> Result<Transcript, LabError> {
    let start = Start::new(options)?;
    let mut lab = start.record_all();
    let mut rng = rng_stream(options.seed, LAB_STREAM);
    let alice = address("alice");
    let message = start.bytes("prekey_message")?;

    // ANCHOR: again
    // Bob's phone, with libsignal's stores, receives the message as in the
    // normal run, then the same bytes again.
    let mut bob = Device::with(DeviceKeys::of(&start.bob), memory, OneTimeDeletion::Deletes)?;
    let first = bob.receive(&alice, message, &mut rng)?;
    let again = deliver(&mut bob, &alice, message, &mut rng, "again");
    // ANCHOR_END: again
    lab.check(
        "the first delivery is read, as in the normal run",
        first == FIRST_MESSAGE_TEXT.as_bytes(),
        String::from_utf8_lossy(&first).into_owned(),
    );
    lab.step(&AGAIN, &[]);
    lab.result(LabStep::DeliveredAgain, !again.accepted, describe(&again));

    // ANCHOR: reset
    // Bob loses his sessions (a reinstall, a reset); his prekey stores stay.
    bob.forget_sessions();
    let after_reset = deliver(&mut bob, &alice, message, &mut rng, "after_reset");
    // ANCHOR_END: reset
    lab.step(&AFTER_RESET, &[]);
    lab.result(
        LabStep::DeliveredAfterReset,
        !after_reset.accepted,
        describe(&after_reset),
    );

    // ANCHOR: forgetful
    // A Bob whose Kyber prekey store has no memory of base keys either: the
    // message was already read once by this device, then its session lost.
    let mut forgetful = Device::with(
        DeviceKeys::of(&start.bob),
        BaseKeyMemory::None,
        OneTimeDeletion::Deletes,
    )?;
    forgetful.receive(&alice, message, &mut rng)?;
    forgetful.forget_sessions();
    let without_memory = deliver(&mut forgetful, &alice, message, &mut rng, "without_memory");
    // ANCHOR_END: forgetful
    lab.step(&WITHOUT_MEMORY, &[]);
    lab.result(
        LabStep::DeliveredWithoutMemory,
        !without_memory.accepted,
        describe(&without_memory),
    );

    let refused = !again.accepted && !after_reset.accepted;
    let verdict = if refused {
        Verdict::Refused
    } else {
        Verdict::AttackerSucceeds
    };
    let summary = if refused {
        format!(
            "Refused twice: {} (\"{}\"), then, after the reset, {} (\"{}\"). Without the Kyber \
             store's memory as well, {}.",
            mechanism(again.refused_by),
            again.error.as_deref().unwrap_or_default(),
            mechanism(after_reset.refused_by),
            after_reset.error.as_deref().unwrap_or_default(),
            if without_memory.accepted {
                "it is accepted as a new session".to_string()
            } else {
                format!(
                    "it is still refused, {}",
                    mechanism(without_memory.refused_by)
                )
            }
        )
    } else {
        "Bob's phone accepted the replayed first message as a new session.".to_string()
    };
    Ok(lab.finish(Outcome {
        lab: Lab::Replay,
        attacker: Actor::Server,
        attacker_label: "the server",
        verdict,
        summary,
        details: LabDetails::Replay {
            deliveries: vec![again, after_reset, without_memory],
        },
    }))
}

fn deliver(
    bob: &mut Device,
    from: &libsignal_protocol::ProtocolAddress,
    message: &[u8],
    rng: &mut ChaCha20Rng,
    situation: &'static str,
) -> Delivery {
    let result = bob.receive(from, message, rng);
    Delivery {
        situation,
        accepted: result.is_ok(),
        refused_by: result.as_ref().err().map(refused_by),
        error: result.err().map(|e| e.to_string()),
    }
}

/// Which of libsignal's mechanisms an error comes from.
fn refused_by(error: &SignalProtocolError) -> &'static str {
    match error {
        SignalProtocolError::DuplicatedMessage(..) => "session",
        SignalProtocolError::InvalidMessage(_, "reused base key") => "base_key_memory",
        SignalProtocolError::InvalidPreKeyId => "one_time_prekey_gone",
        _ => "other",
    }
}

/// The mechanism, in words.
fn mechanism(refused_by: Option<&str>) -> &'static str {
    match refused_by {
        Some("session") => "by the session",
        Some("base_key_memory") => "by the Kyber prekey store's memory of base keys",
        Some("one_time_prekey_gone") => "because the one-time prekey it names is gone",
        _ => "by another check",
    }
}

fn describe(delivery: &Delivery) -> String {
    match &delivery.error {
        Some(e) => format!("Bob's libsignal refuses it: \"{e}\""),
        None => {
            "Bob's libsignal ACCEPTS it and reads the message again, as a new session".to_string()
        }
    }
}

const AGAIN: LabText = LabText {
    id: LabStep::DeliveredAgain,
    actor: Actor::Bob,
    title: "Bob receives the same message again",
    explanation: "Bob's libsignal finds its session for this base key and tries to decrypt \
        there: the message's counter is already used, so it is refused as a duplicate before \
        its MAC is even checked.",
    formula: "counter 0 already used in the receiving chain → DuplicatedMessage",
    spec_ref: "PQXDH §4.2; libsignal session.rs:94-100, session_cipher.rs:742-749",
};

const AFTER_RESET: LabText = LabText {
    id: LabStep::DeliveredAfterReset,
    actor: Actor::Bob,
    title: "Bob receives it again after losing his session",
    explanation: "With no session to find, libsignal runs PQXDH again. After a successful \
        first message it marks the Kyber prekey used together with the signed prekey id and \
        the base key; libsignal's store refuses a base key it has seen with the last-resort \
        key. A one-time prekey, when there was one, is already gone and refuses it first.",
    formula: "(PQSPK_B id, SPK_B id, EK_A) seen before → \"reused base key\"; \
        OPK_B id unknown → InvalidPreKeyId",
    spec_ref: "PQXDH §4.2; libsignal session_cipher.rs:257-270, storage/inmem.rs:247-265",
};

const WITHOUT_MEMORY: LabText = LabText {
    id: LabStep::DeliveredWithoutMemory,
    actor: Actor::Bob,
    title: "Bob receives it again with a Kyber store that forgets base keys",
    explanation: "libsignal's store interface asks for this memory but cannot enforce it. A \
        store without it, after a lost session: without a one-time prekey nothing else in the \
        message is new to check, which is the replay the spec warns about.",
    formula: "no session, no memory, no one-time prekey → accepted as a new session",
    spec_ref: "PQXDH §4.2, §4.3; libsignal storage/traits.rs:129-139",
};
