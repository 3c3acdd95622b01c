//! The Double Ratchet state libsignal keeps but does not expose: the root
//! key, the sending chain's private ratchet key, the receiving chains and the
//! message keys stored for messages that have not arrived yet. Read from
//! `SessionRecord::serialize()` with the field numbers of libsignal's
//! `storage.proto` (libsignal src/proto/storage.proto):
//!
//! RecordStructure { 1 current_session: SessionStructure }
//! SessionStructure { 4 root_key, 5 previous_counter, 6 sender_chain: Chain,
//!                    7 receiver_chains: repeated Chain, 15 pq_ratchet_state }
//! Chain { 1 sender_ratchet_key, 2 sender_ratchet_key_private,
//!         3 chain_key: ChainKey { 1 index, 2 key }, 4 message_keys: repeated MessageKey }
//! MessageKey { 1 index, 5 seed }

use crate::protobuf::{self, Payload, RawField};

/// One chain of a session: whose ratchet key it follows and where it stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChainFields {
    /// The ratchet public key (05 ‖ 32 B) this chain belongs to.
    pub ratchet_key: Vec<u8>,
    /// Only on the sending chain: our own private ratchet key.
    pub ratchet_private: Vec<u8>,
    /// The chain key for message number `index`.
    pub chain_key: Vec<u8>,
    pub index: u32,
    /// Message key seeds kept for messages that have not arrived: (counter, seed).
    pub stored_seeds: Vec<(u32, Vec<u8>)>,
}

/// The parts of a session the conversation reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionFields {
    pub root_key: Vec<u8>,
    pub previous_counter: u32,
    pub sender_chain: ChainFields,
    /// Newest first, as libsignal orders them (libsignal src/proto/storage.proto:55-56).
    pub receiver_chains: Vec<ChainFields>,
    pub pq_ratchet_state: Vec<u8>,
}

impl SessionFields {
    pub fn receiver_chain(&self, ratchet_key: &[u8]) -> Option<&ChainFields> {
        self.receiver_chains
            .iter()
            .find(|c| c.ratchet_key == ratchet_key)
    }
}

fn fields(buf: &[u8]) -> Vec<RawField<'_>> {
    protobuf::fields(buf)
        .collect::<Result<_, _>>()
        .unwrap_or_default()
}

fn bytes_of<'a>(fields: &[RawField<'a>], number: u32) -> impl Iterator<Item = &'a [u8]> {
    fields
        .iter()
        .filter(move |f| f.number == number)
        .filter_map(|f| match f.payload {
            Payload::Bytes(b) => Some(b),
            Payload::Varint(_) => None,
        })
}

fn first_bytes<'a>(fields: &[RawField<'a>], number: u32) -> &'a [u8] {
    bytes_of(fields, number).next().unwrap_or_default()
}

fn number_of(fields: &[RawField], number: u32) -> u32 {
    fields
        .iter()
        .find(|f| f.number == number)
        .and_then(|f| match f.payload {
            Payload::Varint(v) => u32::try_from(v).ok(),
            Payload::Bytes(_) => None,
        })
        .unwrap_or(0)
}

fn chain(buf: &[u8]) -> ChainFields {
    let chain = fields(buf);
    let chain_key = fields(first_bytes(&chain, 3));
    ChainFields {
        ratchet_key: first_bytes(&chain, 1).to_vec(),
        ratchet_private: first_bytes(&chain, 2).to_vec(),
        chain_key: first_bytes(&chain_key, 2).to_vec(),
        index: number_of(&chain_key, 1),
        stored_seeds: bytes_of(&chain, 4)
            .map(|message_key| {
                let key = fields(message_key);
                (number_of(&key, 1), first_bytes(&key, 5).to_vec())
            })
            .collect(),
    }
}

/// Takes a `SessionRecord::serialize()` output apart. Missing fields come back
/// empty, and then fail the comparison that needs them.
pub fn read(record: &[u8]) -> SessionFields {
    let record = fields(record);
    let session = fields(first_bytes(&record, 1));
    SessionFields {
        root_key: first_bytes(&session, 4).to_vec(),
        previous_counter: number_of(&session, 5),
        sender_chain: chain(first_bytes(&session, 6)),
        receiver_chains: bytes_of(&session, 7).map(chain).collect(),
        pq_ratchet_state: first_bytes(&session, 15).to_vec(),
    }
}
