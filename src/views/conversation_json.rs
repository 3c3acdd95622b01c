//! The JSON form of a conversation: `seed`, `pattern`, `IK_A`, `IK_B`,
//! `messages` (in order, numbered from 1), `checks` and `ledger` (empty when
//! no attacker was asked for). Bytes are lowercase hex. As for the
//! transcript, the structs below are the schema, its one source.

use serde::Serialize;

use crate::conversation::{Check, Conversation, LedgerEntry, MessageRecord, Party, Pattern};

#[derive(Serialize)]
struct Document<'a> {
    seed: u64,
    pattern: Pattern,
    #[serde(rename = "IK_A")]
    ik_a: String,
    #[serde(rename = "IK_B")]
    ik_b: String,
    messages: Vec<MessageJson<'a>>,
    checks: &'a [Check],
    ledger: &'a [LedgerEntry],
}

#[derive(Serialize)]
struct MessageJson<'a> {
    index: usize,
    from: Party,
    #[serde(rename = "type")]
    kind: &'static str,
    counter: u32,
    previous_counter: u32,
    ratchet_key: String,
    dh_ratchet_step: bool,
    /// After the step, when there was one.
    root_key: Option<String>,
    chain_key: String,
    message_key_seed: String,
    cipher_key: String,
    mac_key: String,
    iv: String,
    /// Null when the message keys are unsalted.
    pq_key: Option<String>,
    signal_message: String,
    plaintext: &'a str,
}

fn message(m: &MessageRecord) -> MessageJson<'_> {
    MessageJson {
        index: m.index,
        from: m.from,
        kind: m.kind.name(),
        counter: m.counter,
        previous_counter: m.previous_counter,
        ratchet_key: hex::encode(&m.ratchet_key),
        dh_ratchet_step: m.dh_ratchet_step,
        root_key: m.root_key.map(hex::encode),
        chain_key: hex::encode(m.chain_key),
        message_key_seed: hex::encode(m.message_key_seed),
        cipher_key: hex::encode(m.cipher_key),
        mac_key: hex::encode(m.mac_key),
        iv: hex::encode(m.iv),
        pq_key: m.pq_key.map(hex::encode),
        signal_message: hex::encode(&m.signal_message),
        plaintext: &m.plaintext,
    }
}

/// Pretty-printed, with a final newline: byte-identical for the same run.
pub fn render(c: &Conversation) -> String {
    let document = Document {
        seed: c.seed,
        pattern: c.pattern,
        ik_a: hex::encode(&c.ik_a),
        ik_b: hex::encode(&c.ik_b),
        messages: c.messages.iter().map(message).collect(),
        checks: &c.checks,
        ledger: &c.ledger,
    };
    let mut s = serde_json::to_string_pretty(&document).expect("a conversation is valid JSON");
    s.push('\n');
    s
}
