//! The sentences that explain a conversation's message, written once: the
//! text view and the terminal UI both show them.

use crate::conversation::MessageRecord;

/// The SPQR key that salts this message's keys, or why there is none.
pub fn spqr_key(m: &MessageRecord) -> String {
    match m.pq_key {
        Some(key) => hex::encode(key),
        None if m.spqr.chain_epoch.is_none() => {
            "none: unsalted (the sender's SPQR chain is not set up yet)".to_string()
        }
        None => "none: unsalted".to_string(),
    }
}

/// SPQR's state after the sender sent this message, and what the message carries.
pub fn spqr_state(m: &MessageRecord) -> String {
    let s = &m.spqr;
    let carries = match (s.message, s.message_len) {
        (_, 0) => "no SPQR message".to_string(),
        (Some(msg), len) => match msg.chunk {
            Some((number, size)) => format!(
                "{len}-byte SPQR message (epoch {}, index {}) with {}: chunk {number}, {size} B",
                msg.epoch,
                msg.index,
                msg.payload.words()
            ),
            None => format!(
                "{len}-byte SPQR message (epoch {}, index {}), {}",
                msg.epoch,
                msg.index,
                msg.payload.words()
            ),
        },
        (None, len) => format!("{len}-byte SPQR field that does not decode"),
    };
    let epoch = s
        .braid_epoch
        .map_or(String::new(), |e| format!("Braid epoch {e}, "));
    let chain = s
        .chain_epoch
        .map_or("its SPQR key chain is not set up yet".to_string(), |e| {
            format!("its SPQR key chain reaches epoch {e}")
        });
    format!(
        "SPQR, {}'s state after sending: {}; {epoch}{} ({}); {chain}. The message carries a \
         {carries}.",
        m.from.name(),
        s.negotiation,
        s.braid_state,
        s.braid_words,
    )
}

/// For the first message of a sending chain: the DH ratchet step that made it.
pub fn dh_step(m: &MessageRecord) -> Option<String> {
    if !m.dh_ratchet_step {
        return None;
    }
    let made = if m.index == 1 {
        "in Alice's session set-up, from the handshake's root key and DH(her ratchet key, SPK_B)"
            .to_string()
    } else {
        format!(
            "when {} received {}'s newest ratchet key",
            m.from.name(),
            m.from.peer().name()
        )
    };
    Some(format!(
        "The first message of a new sending chain: a DH ratchet step, {made}."
    ))
}

/// For a message the server held back: when it arrived, and what waited.
pub fn held_back(m: &MessageRecord) -> Option<String> {
    m.held_back_until.map(|after| {
        format!(
            "Held back by the server and delivered after message {after}: until then {}'s \
             session keeps this message's key.",
            m.from.peer().name()
        )
    })
}

/// What the receiver did on receipt, beyond decrypting.
pub fn receipt(m: &MessageRecord) -> Vec<String> {
    let to = m.from.peer().name();
    let mut sentences = Vec::new();
    if m.receipt.dh_ratchet_step {
        sentences.push(format!(
            "{to} saw a new ratchet key: a receiving chain from it, then a fresh ratchet key of \
             {to}'s own and a new sending chain (root key {}).",
            m.receipt.root_key.map_or(String::new(), hex::encode)
        ));
    }
    if m.receipt.used_stored_seed {
        sentences.push(format!(
            "{to} decrypted it with the seed it had stored for it, then deleted that."
        ));
    }
    sentences
}
