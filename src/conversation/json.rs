//! The JSON form of a conversation: `seed`, `pattern`, `IK_A`, `IK_B`,
//! `messages` (in order, numbered from 1), `checks` and `ledger` (empty when
//! no attacker was asked for). Bytes are lowercase hex.

use serde_json::{Value as Json, json};

use super::model::{Conversation, MessageRecord};

fn message(m: &MessageRecord) -> Json {
    json!({
        "index": m.index,
        "from": m.from,
        "type": m.kind.name(),
        "counter": m.counter,
        "previous_counter": m.previous_counter,
        "ratchet_key": hex::encode(&m.ratchet_key),
        "dh_ratchet_step": m.dh_ratchet_step,
        "root_key": m.root_key.map(hex::encode),
        "chain_key": hex::encode(m.chain_key),
        "message_key_seed": hex::encode(m.message_key_seed),
        "cipher_key": hex::encode(m.cipher_key),
        "mac_key": hex::encode(m.mac_key),
        "iv": hex::encode(m.iv),
        "pq_key": m.pq_key.map(hex::encode),
        "signal_message": hex::encode(&m.signal_message),
        "plaintext": m.plaintext,
    })
}

/// Builds the JSON document for a conversation.
pub fn to_json(c: &Conversation) -> Json {
    json!({
        "seed": c.seed,
        "pattern": c.pattern,
        "IK_A": hex::encode(&c.ik_a),
        "IK_B": hex::encode(&c.ik_b),
        "messages": c.messages.iter().map(message).collect::<Vec<_>>(),
        "checks": c.checks,
        "ledger": c.ledger,
    })
}

/// Pretty-printed, with a final newline: byte-identical for the same run.
pub fn render_json(c: &Conversation) -> String {
    let mut s = serde_json::to_string_pretty(&to_json(c)).expect("a conversation is valid JSON");
    s.push('\n');
    s
}
