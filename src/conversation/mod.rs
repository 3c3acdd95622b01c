//! After the handshake: Alice and Bob go on talking through libsignal's own
//! sessions, message by message, following a traffic pattern. Every message's
//! keys are recomputed outside libsignal's session API — the symmetric chains,
//! the DH ratchet, the SPQR salt — and checked against libsignal's sessions,
//! the MAC and the ciphertext. Optionally an attacker copies one side's whole
//! session mid-conversation, and the ledger records, by trying, which messages
//! it can read.
//!
//! [`run`] returns a [`Conversation`]: plain data, rendered by [`text`] and
//! [`json`]. Like the engine, nothing here prints.

mod attacker;
mod braid;
pub mod checks;
mod dissect;
pub mod json;
mod kdf;
mod ledger;
mod message;
mod model;
mod options;
mod recompute;
mod schedule;
mod session_fields;
mod sessions;
mod spqr_chain;
mod spqr_copy;
mod spqr_message;
pub mod text;

pub use braid::SpqrView;
pub use ledger::ATTACKER_STREAM;
pub use message::{MessageError, MessageKind};
pub use model::{Check, Conversation, LedgerEntry, LibsignalSaw, MessageRecord, Receipt};
pub use options::{Compromise, ConversationOptions, MAX_MESSAGES, Party, Pattern};
pub use schedule::{Event, HeldBack, Schedule};
pub use spqr_message::{Payload as SpqrPayload, SpqrMessage};

use libsignal_protocol::SignalProtocolError;
use thiserror::Error;

use crate::engine::{self, EngineError, RunOptions};
use recompute::RecomputeError;

#[derive(Debug, Error)]
pub enum ConversationError {
    #[error("the {pattern} pattern needs at least {min} messages, not {messages}")]
    TooFewMessages {
        pattern: Pattern,
        min: usize,
        messages: usize,
    },
    #[error("{messages} messages is more than one run makes (at most {MAX_MESSAGES})")]
    TooManyMessages { messages: usize },
    #[error(
        "the theft is set after message {at}, but the conversation has messages 1 to {messages}"
    )]
    CompromiseOutOfRange { at: usize, messages: usize },
    #[error(
        "a quantum attacker needs a stolen session to start from: say after which message, \
         and whose session, it is copied"
    )]
    QuantumWithoutCompromise,
    #[error("the handshake could not run: {0}")]
    Engine(#[from] EngineError),
    #[error("{who}'s libsignal could not {doing} message {index}: {source}")]
    Libsignal {
        who: &'static str,
        doing: &'static str,
        index: usize,
        source: SignalProtocolError,
    },
    #[error("message {index} could not be read back: {source}")]
    Message { index: usize, source: MessageError },
    #[error("the recomputation could not start: {0}")]
    Recompute(#[from] RecomputeError),
    #[error("the handshake's transcript has no {0}")]
    MissingValue(&'static str),
}

fn validate(o: &ConversationOptions) -> Result<(), ConversationError> {
    let min = o.pattern.min_messages();
    if o.messages < min {
        return Err(ConversationError::TooFewMessages {
            pattern: o.pattern,
            min,
            messages: o.messages,
        });
    }
    if o.messages > MAX_MESSAGES {
        return Err(ConversationError::TooManyMessages {
            messages: o.messages,
        });
    }
    match o.compromise {
        Some(c) if c.at == 0 || c.at > o.messages => Err(ConversationError::CompromiseOutOfRange {
            at: c.at,
            messages: o.messages,
        }),
        None if o.quantum => Err(ConversationError::QuantumWithoutCompromise),
        _ => Ok(()),
    }
}

/// Runs the seed's handshake, then the conversation, the checks and (with a
/// compromise) the ledger. Check [`Conversation::checks_passed`] before
/// trusting it.
pub fn run(options: ConversationOptions) -> Result<Conversation, ConversationError> {
    validate(&options)?;
    let handshake_options = RunOptions {
        seed: options.seed,
        one_time_prekey: options.one_time_prekey,
    };
    // The staged handshake gives the keys the recomputation starts from; its
    // libsignal sessions carry on with the conversation.
    let transcript = engine::run(handshake_options)?;
    let sessions = engine::handshake_sessions(handshake_options)?;
    let schedule = schedule::schedule(options.pattern, options.messages);
    let evidence = sessions::run(sessions, &schedule, options.compromise)?;

    let value = |name: &'static str| {
        transcript
            .value(name)
            .map(|v| v.bytes.as_slice())
            .ok_or(ConversationError::MissingValue(name))
    };
    let parsed = evidence
        .sent
        .iter()
        .enumerate()
        .map(|(i, s)| {
            message::parse(&s.wire, s.kind).map_err(|source| ConversationError::Message {
                index: i + 1,
                source,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let start = recompute::Start {
        root_key: value("root_key")?,
        chain_key: value("chain_key")?,
        spk_b: value("SPK_B")?,
        spk_b_private: value("SPK_B.priv")?,
    };
    let recomputed = recompute::recompute(&start, &schedule, &evidence, &parsed)?;
    let lookup = |name: &str| transcript.value(name).map(|v| v.bytes.clone());

    let mut messages = Vec::with_capacity(parsed.len());
    for (i, ((m, (sender, receipt)), (sent, delivered))) in parsed
        .iter()
        .zip(recomputed)
        .zip(evidence.sent.iter().zip(&evidence.delivered))
        .enumerate()
    {
        let index = i + 1;
        let from = schedule.sender(index);
        let fields = dissect::message(&sent.wire, m.kind, from, &lookup).map_err(|e| {
            ConversationError::Message {
                index,
                source: e.into(),
            }
        })?;
        let stored_seed = delivered
            .before
            .receiver_chain(&m.ratchet_key)
            .and_then(|c| c.stored_seeds.iter().find(|(n, _)| *n == m.counter))
            .map(|(_, seed)| seed.clone());
        messages.push(MessageRecord {
            index,
            from,
            kind: m.kind,
            counter: m.counter,
            previous_counter: m.previous_counter,
            ratchet_key: m.ratchet_key.clone(),
            dh_ratchet_step: sender.dh_ratchet_step,
            root_key: sender.root_key,
            chain_key: sender.chain_key,
            message_key_seed: sender.message_key_seed,
            cipher_key: sender.keys.cipher_key,
            mac_key: sender.keys.mac_key,
            iv: sender.keys.iv,
            pq_key: sender.pq_key.clone().ok().flatten(),
            pq_key_problem: sender.pq_key.err().map(|e| format!("{e:?}")),
            expected_counter: sender.counter,
            expected_previous_counter: sender.previous_counter,
            spqr: braid::describe(&sent.sender_pq_after, &m.pq_ratchet),
            wire: sent.wire.clone(),
            fields,
            signal_message: m.signal_message.clone(),
            ciphertext: m.ciphertext.clone(),
            plaintext: sent.plaintext.clone(),
            held_back_until: schedule
                .held_back
                .filter(|h| h.message == index)
                .map(|h| h.delivered_after),
            receipt,
            libsignal: LibsignalSaw {
                sender_chain_key: sent.sender_chain_key.clone(),
                sender_root_key: sent.sender_before.root_key.clone(),
                receiver_chain_key: delivered.receiver_chain_key.clone(),
                receiver_stored_seed: stored_seed,
                receiver_root_key: delivered.after.root_key.clone(),
                receiver_sending_chain_key: delivered.sender_chain_key.clone(),
                decrypted: String::from_utf8_lossy(&delivered.decrypted).into_owned(),
            },
        });
    }

    let mut conversation = Conversation {
        seed: options.seed,
        one_time_prekey: options.one_time_prekey,
        pattern: options.pattern,
        compromise: options.compromise,
        quantum: options.quantum,
        ik_a: value("IK_A")?.to_vec(),
        ik_b: value("IK_B")?.to_vec(),
        transcript_prekey_message: value("prekey_message")?.to_vec(),
        handshake_truth_check_passed: transcript.truth_check_passed(),
        schedule,
        messages,
        checks: Vec::new(),
        ledger: Vec::new(),
    };

    let bob_chain_start = spqr_chain::decode_state(&evidence.delivered[0].after.pq_ratchet_state)
        .and_then(|s| s.chain)
        .and_then(|chain| {
            let link = chain.links.first()?;
            Some((
                chain.next_root.clone(),
                link.send.as_ref()?.next.clone(),
                link.recv.as_ref()?.next.clone(),
            ))
        });
    let mut all_checks = checks::handshake(
        &conversation,
        &spqr_chain::chain_start(value("pqr_key")?),
        bob_chain_start,
    );
    all_checks.extend(checks::verify(&conversation));

    if let (Some(compromise), Some(stolen)) = (options.compromise, &evidence.stolen) {
        let mut key_book: Vec<(Vec<u8>, Vec<u8>)> =
            vec![(value("SPK_B")?.to_vec(), value("SPK_B.priv")?.to_vec())];
        let chains = evidence
            .sent
            .iter()
            .map(|s| &s.sender_before.sender_chain)
            .chain(evidence.delivered.iter().map(|d| &d.after.sender_chain));
        for chain in chains {
            if !key_book.iter().any(|(p, _)| *p == chain.ratchet_key) {
                key_book.push((chain.ratchet_key.clone(), chain.ratchet_private.clone()));
            }
        }
        let result = ledger::ledger(&ledger::LedgerInput {
            seed: options.seed,
            compromise,
            quantum: options.quantum,
            schedule: &conversation.schedule,
            parsed: &parsed,
            messages: &conversation.messages,
            ik_a: &conversation.ik_a,
            ik_b: &conversation.ik_b,
            stolen,
            key_book: &key_book,
            spk_b: value("SPK_B")?,
        });
        all_checks.push(Check {
            name: "the ledger agrees with the real keys".to_string(),
            passed: result.faults.is_empty(),
            detail: if result.faults.is_empty() {
                format!(
                    "{} of {}: no message stayed unread while the real message key seed and \
                     SPQR key were both among those the attacker tried",
                    result.entries.len(),
                    result.entries.len()
                )
            } else {
                format!("FAILED for messages {:?}", result.faults)
            },
        });
        conversation.ledger = result.entries;
    }
    conversation.checks = all_checks;
    Ok(conversation)
}
