//! After the handshake: Alice and Bob go on talking through libsignal's own
//! sessions, message by message, following a traffic pattern. Every message's
//! keys are recomputed outside libsignal's session API — the symmetric chains,
//! the DH ratchet, the SPQR salt — and checked against libsignal's sessions,
//! the MAC and the ciphertext. Optionally an attacker copies one side's whole
//! session mid-conversation, and the ledger records, by trying, which messages
//! it can read.
//!
//! [`run`] returns a [`Conversation`]: plain data, rendered by the views
//! (`crate::views::conversation_plain`, `conversation_json`, and the terminal
//! UI). Like the engine, nothing here prints.

mod assemble;
mod attacker;
mod braid;
pub mod checks;
mod dissect;

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

pub use braid::SpqrView;
pub use ledger::ATTACKER_STREAM;
pub use message::{MessageError, MessageKind};
pub use model::{
    ChainState, Check, Conversation, LedgerEntry, LibsignalSaw, MessageRecord, Moment,
    RatchetState, Receipt,
};
pub use options::{Compromise, ConversationOptions, MAX_MESSAGES, Party, Pattern};
pub use schedule::{Event, HeldBack, Schedule};
pub use spqr_message::{Payload as SpqrPayload, SpqrMessage};

use libsignal_protocol::SignalProtocolError;
use thiserror::Error;

use crate::engine::{self, EngineError, RunOptions};
use recompute::RecomputeError;

#[derive(Debug, Error)]
pub enum ConversationError {
    #[error(
        "the {pattern} pattern needs at least {min} {}, not {messages}",
        if *min == 1 { "message" } else { "messages" }
    )]
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
    let known = |name: &str| transcript.value(name).map(|v| v.bytes.clone());
    let moments = recomputed.moments;
    let messages = assemble::records(&schedule, &parsed, recomputed.messages, &evidence, &known)?;

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
        moments,
        checks: Vec::new(),
        ledger: Vec::new(),
    };

    let mut all_checks = checks::handshake(
        &conversation,
        &spqr_chain::chain_start(value("pqr_key")?),
        assemble::spqr_start_seen(&evidence.delivered[0].after).as_ref(),
    );
    all_checks.extend(checks::verify(&conversation));

    if let (Some(compromise), Some(stolen)) = (options.compromise, &evidence.stolen) {
        let key_book = assemble::key_book(&evidence, value("SPK_B")?, value("SPK_B.priv")?);
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
