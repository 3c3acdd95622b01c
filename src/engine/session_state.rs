//! Reads the fields of libsignal's serialized `SessionRecord` that its public
//! API does not expose (the root key, Alice's first ratchet key, the SPQR
//! state), so the truth check can compare them too.
//!
//! Field numbers from libsignal's `storage.proto`:
//! RecordStructure { 1 current_session: SessionStructure }
//! SessionStructure { 4 root_key, 6 sender_chain: Chain, 15 pq_ratchet_state }
//! Chain { 1 sender_ratchet_key, 2 sender_ratchet_key_private, 3 chain_key: ChainKey { 2 key } }

use crate::protobuf::{self, Payload};

/// The first field `number` of `buf`, if it holds bytes. Reading stops there.
fn bytes_field(buf: &[u8], number: u32) -> Option<&[u8]> {
    protobuf::fields(buf)
        .map_while(Result::ok)
        .find(|f| f.number == number)
        .and_then(|f| match f.payload {
            Payload::Bytes(b) => Some(b),
            Payload::Varint(_) => None,
        })
}

/// The parts of a session the truth check reads.
#[derive(Debug, Default)]
pub struct SessionFields {
    pub root_key: Vec<u8>,
    pub sender_ratchet_private: Vec<u8>,
    pub sender_chain_key: Vec<u8>,
    pub pq_ratchet_state: Vec<u8>,
}

/// Takes a `SessionRecord::serialize()` output apart; missing fields come back empty
/// (and then fail the comparison that needs them).
pub fn read(record: &[u8]) -> SessionFields {
    let Some(session) = bytes_field(record, 1) else {
        return SessionFields::default();
    };
    let chain = bytes_field(session, 6).unwrap_or_default();
    let chain_key = bytes_field(chain, 3).unwrap_or_default();
    SessionFields {
        root_key: bytes_field(session, 4).unwrap_or_default().to_vec(),
        sender_ratchet_private: bytes_field(chain, 2).unwrap_or_default().to_vec(),
        sender_chain_key: bytes_field(chain_key, 2).unwrap_or_default().to_vec(),
        pq_ratchet_state: bytes_field(session, 15).unwrap_or_default().to_vec(),
    }
}
