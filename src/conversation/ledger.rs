//! The compromise ledger: an attacker copies one party's whole session right
//! after message K has been sent and received, keeps every message the server
//! saw, and tries to read each one. It follows the conversation as the victim
//! did: it tries the messages the victim had already handled with the stolen
//! state as it was, then each later message when the victim sends or receives
//! it. Whether it reads a message is decided by the attempt (`attacker.rs`);
//! the real keys are used only afterwards, to say which part was missing.
//!
//! The attacker's work is budgeted (`attacker.rs`: its newest root keys, the
//! newest keys it broke, how far it follows a chain). Two things are not
//! tried and the reasons say so where they matter: breaking ML-KEM-768, which
//! is what SPQR's healing rests on, and attacking the handshake itself for the
//! messages before the theft (the harvest-now-decrypt-later lab does that).

use libsignal_protocol::PrivateKey;

use super::attacker::{Attempt, Knowledge};
use super::message::ParsedMessage;
use super::model::{LedgerEntry, MessageRecord};
use super::options::{Compromise, Party};
use super::schedule::{Event, Schedule};
use super::session_fields;
use super::spqr_copy::SpqrCopy;
use crate::engine::rng_stream;

/// The attacker's own random stream (for its copy of SPQR), apart from the
/// parties' streams 1–3 of the same seed.
pub const ATTACKER_STREAM: u64 = 4;

/// What the ledger needs from the run.
pub struct LedgerInput<'a> {
    pub seed: u64,
    pub compromise: Compromise,
    pub quantum: bool,
    pub schedule: &'a Schedule,
    pub parsed: &'a [ParsedMessage],
    pub messages: &'a [MessageRecord],
    pub ik_a: &'a [u8],
    pub ik_b: &'a [u8],
    /// The victim's session as copied.
    pub stolen: &'a [u8],
    /// Every X25519 key pair of the run (public, private): the quantum
    /// attacker's stand-in for Shor's algorithm.
    pub key_book: &'a [(Vec<u8>, Vec<u8>)],
    /// SPK_B: the first ratchet key the attacker sees (in Bob's bundle).
    pub spk_b: &'a [u8],
}

/// When, relative to the theft, the victim handled a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Timing {
    Before,
    After,
}

struct Attacker<'a> {
    input: &'a LedgerInput<'a>,
    knowledge: Knowledge,
    spqr: SpqrCopy,
}

impl Attacker<'_> {
    /// Quantum: the private key of a public key it saw.
    fn see(&mut self, public: &[u8]) {
        if !self.input.quantum {
            return;
        }
        let private = self
            .input
            .key_book
            .iter()
            .find(|(p, _)| p == public)
            .and_then(|(_, private)| PrivateKey::deserialize(private).ok());
        if let Some(private) = private {
            self.knowledge.break_key(public, private);
        }
    }

    fn attempt(&mut self, index: usize, spqr_key: Option<[u8; 32]>) -> Attempt {
        let m = &self.input.parsed[index - 1];
        let (ik_s, ik_r) = match self.input.schedule.sender(index) {
            Party::Alice => (self.input.ik_a, self.input.ik_b),
            Party::Bob => (self.input.ik_b, self.input.ik_a),
        };
        // The attacker also tries without a salt: Alice's first flight has none.
        let mut salts = vec![None];
        if spqr_key.is_some() {
            salts.insert(0, spqr_key);
        }
        self.knowledge.try_read(m, ik_s, ik_r, &salts)
    }
}

/// What an SPQR verdict rests on and a run cannot try.
const ML_KEM_NOTE: &str = " (this rests on ML-KEM-768 holding against the attacker, quantum or \
                           not: breaking it is not something a run can try)";

/// Says why, comparing what was tried with the real keys.
fn reason(
    attempt: &Attempt,
    m: &MessageRecord,
    timing: Timing,
    victim: Party,
    quantum: bool,
) -> String {
    if attempt.reads {
        let seed = attempt.seed_origin.map_or("", |o| o.words());
        let salt = if attempt.salted {
            "its SPQR key from the attacker's copy of the SPQR state"
        } else {
            "no SPQR key needed (unsalted)"
        };
        return format!("READ: {seed}; {salt}");
    }
    let has_seed = attempt.seeds_tried.contains(&m.message_key_seed);
    let has_salt = attempt.salts_tried.contains(&m.pq_key);
    let spqr_epoch = m.spqr.message.map_or(0, |s| s.epoch.saturating_sub(1));
    let spqr_part = format!(
        "its SPQR key (epoch {spqr_epoch}) is not among the keys the attacker's copy of the \
         SPQR state gives: that epoch's secret came from ML-KEM randomness the copy does not hold{}",
        ML_KEM_NOTE
    );
    match (timing, has_seed, has_salt) {
        (_, true, true) => {
            "not read, although the real keys were among those tried (a fault in the ledger)"
                .to_string()
        }
        (Timing::Before, false, _) => {
            let how = if m.from == victim {
                format!(
                    "{} sent it before the theft and kept no key for it: the stolen sending chain \
                     is past it",
                    victim.name()
                )
            } else {
                format!(
                    "{} received it before the theft, and its session no longer holds the key: \
                     the stolen chains only go forward",
                    victim.name()
                )
            };
            format!("out of reach (forward secrecy): {how}")
        }
        (Timing::Before, true, false) => format!("out of reach: {spqr_part}"),
        (Timing::After, true, false) => format!("healed by SPQR: {spqr_part}"),
        (Timing::After, false, salt) => {
            let also = if salt || m.pq_key.is_none() {
                String::new()
            } else {
                "; its SPQR key is out of reach too".to_string()
            };
            if quantum {
                // Every X25519 key is broken; the attacker adopts a new root key
                // only once a message verifies under it, and since SPQR healed
                // none has (each needs an SPQR key its copy does not give).
                format!(
                    "healed by SPQR earlier: since then no message has verified under the keys \
                     the attacker can derive, each needing an SPQR key its copy of the SPQR state \
                     does not give{also}{}",
                    ML_KEM_NOTE
                )
            } else {
                // Say what was tried, not why it would fail.
                format!(
                    "healed: no key the attacker can derive opens it (it tried its stolen chains \
                     and every DH ratchet step it can redo: the stolen ratchet private key with \
                     this message's ratchet key, over its newest root keys){also}"
                )
            }
        }
    }
}

/// The ledger, and the messages where the attempt and the real keys disagree
/// (the real keys were among those tried, yet the attempt failed): a fault.
pub struct Ledger {
    pub entries: Vec<LedgerEntry>,
    pub faults: Vec<usize>,
}

fn is_fault(attempt: &Attempt, m: &MessageRecord) -> bool {
    !attempt.reads
        && attempt.seeds_tried.contains(&m.message_key_seed)
        && attempt.salts_tried.contains(&m.pq_key)
}

/// The ledger: one entry per message, in order.
pub fn ledger(input: &LedgerInput) -> Ledger {
    let Compromise { at, who: victim } = input.compromise;
    let schedule = input.schedule;
    let stolen = session_fields::read(input.stolen);
    let mut attacker = Attacker {
        input,
        knowledge: Knowledge::stolen(&stolen),
        spqr: SpqrCopy::new(
            stolen.pq_ratchet_state.clone(),
            rng_stream(input.seed, ATTACKER_STREAM),
        ),
    };
    let theft = schedule
        .position(Event::Deliver(at))
        .expect("the compromised message is delivered");
    // The victim's own event for each message: sending it, or receiving it.
    let victims_event = |i: usize| {
        if schedule.sender(i) == victim {
            Event::Send(i)
        } else {
            Event::Deliver(i)
        }
    };
    let mut entries: Vec<Option<LedgerEntry>> = vec![None; input.parsed.len()];
    let mut faults = Vec::new();
    let mut record = |i: usize, attempt: &Attempt, timing: Timing| {
        if is_fault(attempt, &input.messages[i - 1]) {
            faults.push(i);
        }
        entries[i - 1] = Some(LedgerEntry {
            index: i,
            attacker_reads: attempt.reads,
            reason: reason(
                attempt,
                &input.messages[i - 1],
                timing,
                victim,
                input.quantum,
            ),
        });
    };

    // What the server showed before the theft (quantum: keys it can break).
    attacker.see(input.spk_b);
    for event in &schedule.events[..=theft] {
        if let Event::Send(i) = *event {
            attacker.see(&input.parsed[i - 1].ratchet_key);
        }
    }
    // Messages the victim handled before the theft: the stolen state as it is.
    for i in 1..=input.parsed.len() {
        let handled = schedule
            .position(victims_event(i))
            .expect("every event happens");
        if handled > theft {
            continue;
        }
        let key = if schedule.sender(i) == victim {
            None
        } else {
            attacker.spqr.peek_recv(&input.parsed[i - 1].pq_ratchet)
        };
        let attempt = attacker.attempt(i, key);
        record(i, &attempt, Timing::Before);
    }
    // Then the conversation goes on, and the attacker follows the victim.
    for event in &schedule.events[theft + 1..] {
        match *event {
            Event::Send(i) => {
                attacker.see(&input.parsed[i - 1].ratchet_key);
                if schedule.sender(i) == victim {
                    let key = attacker.spqr.send();
                    let attempt = attacker.attempt(i, key);
                    record(i, &attempt, Timing::After);
                }
            }
            Event::Deliver(i) => {
                if schedule.sender(i) != victim {
                    let key = attacker.spqr.recv(&input.parsed[i - 1].pq_ratchet);
                    let attempt = attacker.attempt(i, key);
                    record(i, &attempt, Timing::After);
                }
            }
        }
    }
    Ledger {
        entries: entries
            .into_iter()
            .map(|e| e.expect("every message has an entry"))
            .collect(),
        faults,
    }
}
