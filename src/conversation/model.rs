//! The conversation as plain data: what each message is, the keys recomputed
//! for it, what libsignal's sessions reported, the checks and the ledger.
//! The views only read this.

use serde::Serialize;

use super::braid::SpqrView;
use super::message::MessageKind;
use super::options::{Compromise, Party, Pattern};
use super::schedule::{Event, Schedule};
use crate::transcript::Field;

/// What libsignal's sessions reported around one message (the reference the
/// recomputation is checked against).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibsignalSaw {
    /// The sender's `get_sender_chain_key_bytes()` just before encrypting.
    pub sender_chain_key: Vec<u8>,
    /// The sender's root key just before encrypting (read from the session).
    pub sender_root_key: Vec<u8>,
    /// The receiver's `get_receiver_chain_key_bytes(ratchet key)` just after decrypting.
    pub receiver_chain_key: Option<Vec<u8>>,
    /// The seed the receiver had stored for this message before it arrived, if any.
    pub receiver_stored_seed: Option<Vec<u8>>,
    /// The receiver's root key and `get_sender_chain_key_bytes()` just after.
    pub receiver_root_key: Vec<u8>,
    pub receiver_sending_chain_key: Vec<u8>,
    /// What `message_decrypt` returned.
    pub decrypted: String,
}

/// What the receiver's side of the recomputation did with the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The seed the receiver derived (must equal the sender's).
    pub message_key_seed: [u8; 32],
    /// The receiver saw a new ratchet key and stepped: receiving chain, then a
    /// new sending chain with a fresh key of its own (libsignal src/session_cipher.rs:696-730).
    pub dh_ratchet_step: bool,
    /// After a step: the receiver's new root key and new sending chain key.
    pub root_key: Option<[u8; 32]>,
    pub sending_chain_key: Option<[u8; 32]>,
    /// The receiving chain's key after this message, unless the message's key
    /// was a stored one (a late message: the chain had already moved on).
    pub chain_key_after: Option<[u8; 32]>,
    pub used_stored_seed: bool,
}

/// One message of the conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRecord {
    /// From 1; message 1 is the handshake's first message.
    pub index: usize,
    pub from: Party,
    pub kind: MessageKind,
    /// As on the wire.
    pub counter: u32,
    pub previous_counter: u32,
    /// The sender's ratchet public key, 05 ‖ 32 B, as on the wire.
    pub ratchet_key: Vec<u8>,
    /// The first message of a new sending chain: the sender made it with a DH
    /// ratchet step (for message 1, in Alice's session set-up).
    pub dh_ratchet_step: bool,
    /// With a step: the root key it made (the recomputation's).
    pub root_key: Option<[u8; 32]>,
    /// The chain key this message's key came from (the recomputation's).
    pub chain_key: [u8; 32],
    pub message_key_seed: [u8; 32],
    pub cipher_key: [u8; 32],
    pub mac_key: [u8; 32],
    pub iv: [u8; 16],
    /// The SPQR key salting the message keys; `None` when unsalted.
    pub pq_key: Option<[u8; 32]>,
    /// Why the SPQR key could not be recomputed, when it could not.
    pub pq_key_problem: Option<String>,
    /// The recomputation's expectation of the wire's counters.
    pub expected_counter: u32,
    pub expected_previous_counter: u32,
    /// The sender's SPQR state after sending, and SPQR's part of the message.
    pub spqr: SpqrView,
    /// The message as the server sees it.
    pub wire: Vec<u8>,
    /// Every byte of `wire`, explained.
    pub fields: Vec<Field>,
    /// The SignalMessage (for a PreKeySignalMessage, the one inside).
    pub signal_message: Vec<u8>,
    /// Its AES-256-CBC ciphertext (field 4).
    pub ciphertext: Vec<u8>,
    /// What the sender wrote.
    pub plaintext: String,
    /// When the server held it back: the message after which it arrived.
    pub held_back_until: Option<usize>,
    pub receipt: Receipt,
    pub libsignal: LibsignalSaw,
}

/// One comparison, computed: a name, whether it passed, and what was compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: String,
    pub passed: bool,
    pub detail: String,
}

/// Can the attacker read message `index`? Decided by trying.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerEntry {
    pub index: usize,
    pub attacker_reads: bool,
    pub reason: String,
}

/// A whole conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    pub seed: u64,
    pub one_time_prekey: bool,
    pub pattern: Pattern,
    pub compromise: Option<Compromise>,
    pub quantum: bool,
    /// Alice's and Bob's identity keys (05 ‖ 32 B).
    pub ik_a: Vec<u8>,
    pub ik_b: Vec<u8>,
    /// The handshake's first message as the transcript has it.
    pub transcript_prekey_message: Vec<u8>,
    pub handshake_truth_check_passed: bool,
    pub schedule: Schedule,
    pub messages: Vec<MessageRecord>,
    /// Both ratchets after each event of the schedule, in order.
    pub moments: Vec<Moment>,
    pub checks: Vec<Check>,
    /// Empty when no attacker was asked for.
    pub ledger: Vec<LedgerEntry>,
}

impl Conversation {
    /// True when every check passed (and there were checks).
    pub fn checks_passed(&self) -> bool {
        !self.checks.is_empty() && self.checks.iter().all(|c| c.passed)
    }

    pub fn message(&self, index: usize) -> Option<&MessageRecord> {
        index.checked_sub(1).and_then(|i| self.messages.get(i))
    }

    /// The identity keys of a message's sender and receiver, in MAC order.
    pub fn identities(&self, from: Party) -> (&[u8], &[u8]) {
        match from {
            Party::Alice => (&self.ik_a, &self.ik_b),
            Party::Bob => (&self.ik_b, &self.ik_a),
        }
    }
}

/// One party's ratchet at a moment of the conversation, for the views: what
/// it holds, with no private key (the views show ratchet public keys only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatchetState {
    pub root_key: [u8; 32],
    pub sending: ChainState,
    /// The chains it receives on, oldest first.
    pub receiving: Vec<ChainState>,
    /// Seeds of skipped messages, kept until they arrive: (ratchet key,
    /// counter, seed). A forward-secrecy cost: they wait on the device.
    pub stored: Vec<(Vec<u8>, u32, [u8; 32])>,
}

/// A symmetric chain: the ratchet key it belongs to, its current chain key,
/// and the number of the next message on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainState {
    pub ratchet_key: Vec<u8>,
    pub chain_key: [u8; 32],
    pub next: u32,
}

/// Both ratchets right after one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moment {
    pub event: Event,
    pub alice: RatchetState,
    pub bob: RatchetState,
}
