//! The plain-text view of a conversation: one block per message, then the
//! checks and the ledger. Readable in a pipe and by a screen reader.

use std::fmt::Write;

use super::conversation_words as words;
use super::text::wrap;
use crate::conversation::{Conversation, LedgerEntry, MessageRecord, Party};
use crate::transcript::Field;

/// Hex values follow a label of this width, so a 33-byte key fits 78 columns.
const LABEL: usize = 10;

fn kv(out: &mut String, label: &str, value: &str) {
    let _ = writeln!(out, "  {label:<LABEL$}{value}");
}

/// Wraps with a hanging indent: the first line at `indent`, the rest two deeper.
fn hanging(text: &str, indent: &str) -> String {
    let deeper = format!("{indent}  ");
    let wrapped = wrap(text, &deeper);
    match wrapped.strip_prefix(&deeper) {
        Some(rest) => format!("{indent}{rest}"),
        None => wrapped,
    }
}

fn leaves(out: &mut String, fields: &[Field]) {
    for field in fields {
        for leaf in field.leaves() {
            let end = leaf.offset + leaf.len.max(1) - 1;
            out.push_str(&hanging(
                &format!(
                    "bytes {}–{} ({} B) {}: {}",
                    leaf.offset, end, leaf.len, leaf.label, leaf.note
                ),
                "    ",
            ));
        }
    }
}

fn header(out: &mut String, c: &Conversation) {
    let _ = writeln!(
        out,
        "The conversation after PQXDH, through libsignal's sessions"
    );
    let _ = writeln!(
        out,
        "Seed: {} (the same seed gives the same bytes). One-time prekey: {}.",
        c.seed,
        if c.one_time_prekey { "yes" } else { "no" }
    );
    out.push_str(&wrap(
        &format!(
            "Pattern: {} ({}), {} messages. Message 1 is the handshake's first message.",
            c.pattern.name(),
            c.pattern.about(),
            c.messages.len()
        ),
        "",
    ));
    if let Some(h) = c.schedule.held_back {
        out.push_str(&wrap(
            &format!(
                "The server holds message {} back and delivers it after message {}.",
                h.message, h.delivered_after
            ),
            "",
        ));
    }
    kv(out, "IK_A", &hex::encode(&c.ik_a));
    kv(out, "IK_B", &hex::encode(&c.ik_b));
    out.push_str(&wrap(
        "Keys are shown on purpose: they are throwaway demo keys, so that you can recompute \
         every step yourself. Never show real ones.",
        "",
    ));
    out.push_str(&wrap(
        "How libsignal 0.85 makes each message's keys: seed = HMAC-SHA256(chain key, 0x01) and \
         the next chain key = HMAC-SHA256(chain key, 0x02) (libsignal src/ratchet/keys.rs:142-176); \
         cipher key ‖ MAC key ‖ IV = HKDF-SHA256(salt = the SPQR key, or none, IKM = seed, \
         info = \"WhisperMessageKeys\") (libsignal src/ratchet/keys.rs:90-112, \
         libsignal src/session_cipher.rs:37-44). A DH ratchet step: new root key ‖ chain key = \
         HKDF-SHA256(salt = root key, IKM = DH, info = \"WhisperRatchet\"). The tag: \
         HMAC-SHA256(MAC key, IK_sender ‖ IK_receiver ‖ message), first 8 bytes \
         (libsignal src/protocol.rs:178-196).",
        "",
    ));
    if let Some(t) = c.compromise {
        out.push_str(&wrap(
            &format!(
                "Attacker: copies {}'s whole session right after message {} has been sent and \
                 received, keeps every message the server saw, and tries to read each one{}.",
                t.who.name(),
                t.at,
                if c.quantum {
                    "; it also breaks every X25519 key it sees (a quantum computer)"
                } else {
                    ""
                }
            ),
            "",
        ));
    }
    let passed = c.checks.iter().filter(|ch| ch.passed).count();
    if c.checks_passed() {
        let _ = writeln!(
            out,
            "Checks against libsignal: PASSED ({passed} of {}).",
            c.checks.len()
        );
    } else {
        let _ = writeln!(
            out,
            "!!! CHECKS FAILED: {} of {} checks disagree with libsignal. Do not trust the \
             keys below. !!!",
            c.checks.len() - passed,
            c.checks.len()
        );
    }
}

fn spqr_lines(out: &mut String, m: &MessageRecord) {
    kv(out, "SPQR key", &words::spqr_key(m));
    out.push_str(&wrap(&words::spqr_state(m), "  "));
}

fn message(out: &mut String, c: &Conversation, m: &MessageRecord, ledger: Option<&LedgerEntry>) {
    let to = m.from.peer();
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Message {} of {}. {} → {}",
        m.index,
        c.messages.len(),
        m.from.name(),
        to.name()
    );
    let _ = writeln!(
        out,
        "  {}, {} bytes; counter {}, previous counter {}",
        m.kind.name(),
        m.wire.len(),
        m.counter,
        m.previous_counter
    );
    out.push_str(&wrap(&format!("\"{}\"", m.plaintext), "  "));
    if let Some(sentence) = words::held_back(m) {
        out.push_str(&wrap(&sentence, "  "));
    }
    kv(out, "ratchet", &hex::encode(&m.ratchet_key));
    if let Some(sentence) = words::dh_step(m) {
        out.push_str(&wrap(&sentence, "  "));
        if let Some(root) = m.root_key {
            kv(out, "root key", &hex::encode(root));
        }
    }
    kv(out, "chain key", &hex::encode(m.chain_key));
    kv(out, "seed", &hex::encode(m.message_key_seed));
    kv(out, "cipher", &hex::encode(m.cipher_key));
    kv(out, "MAC key", &hex::encode(m.mac_key));
    kv(out, "IV", &hex::encode(m.iv));
    spqr_lines(out, m);
    for sentence in words::receipt(m) {
        out.push_str(&wrap(&sentence, "  "));
    }
    let _ = writeln!(out, "  What each byte of the message is:");
    leaves(out, &m.fields);
    if let Some(entry) = ledger {
        out.push_str(&hanging(&format!("Attacker: {}", entry.reason), "  "));
    }
}

fn checks(out: &mut String, c: &Conversation) {
    let _ = writeln!(out);
    let passed = c.checks.iter().filter(|ch| ch.passed).count();
    let _ = writeln!(
        out,
        "Checks: every message's keys recomputed without libsignal's session API: {} ({passed} \
         of {} passed)",
        if c.checks_passed() {
            "PASSED"
        } else {
            "FAILED"
        },
        c.checks.len()
    );
    for check in &c.checks {
        let _ = writeln!(
            out,
            "  {} {}",
            if check.passed { "ok  " } else { "FAIL" },
            check.name
        );
        out.push_str(&wrap(&check.detail, "       "));
    }
}

/// "3, 5–9, 12": runs of consecutive numbers as ranges.
fn ranges(numbers: &[usize]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut run: Option<(usize, usize)> = None;
    let flush = |run: (usize, usize), out: &mut Vec<String>| {
        out.push(if run.0 == run.1 {
            run.0.to_string()
        } else {
            format!("{}–{}", run.0, run.1)
        })
    };
    for &n in numbers {
        run = match run {
            Some((first, last)) if n == last + 1 => Some((first, n)),
            Some(done) => {
                flush(done, &mut out);
                Some((n, n))
            }
            None => Some((n, n)),
        };
    }
    if let Some(done) = run {
        flush(done, &mut out);
    }
    out
}

fn ledger(out: &mut String, c: &Conversation) {
    let Some(t) = c.compromise else { return };
    let _ = writeln!(out);
    let read_indices: Vec<usize> = c
        .ledger
        .iter()
        .filter(|e| e.attacker_reads)
        .map(|e| e.index)
        .collect();
    let read = ranges(&read_indices);
    let _ = writeln!(
        out,
        "Ledger: {}'s session stolen after message {}{}: the attacker reads {} of {} messages.",
        t.who.name(),
        t.at,
        if c.quantum { ", quantum attacker" } else { "" },
        read_indices.len(),
        c.ledger.len()
    );
    if !read.is_empty() {
        out.push_str(&wrap(&format!("Read: {}.", read.join(", ")), "  "));
    }
    for e in &c.ledger {
        let who = c.message(e.index).map_or(Party::Alice, |m| m.from);
        out.push_str(&hanging(
            &format!("{}. {}'s: {}", e.index, who.name(), e.reason),
            "  ",
        ));
    }
}

/// Renders the whole conversation as text.
pub fn render(c: &Conversation) -> String {
    let mut out = String::new();
    header(&mut out, c);
    for m in &c.messages {
        message(&mut out, c, m, c.ledger.get(m.index - 1));
    }
    checks(&mut out, c);
    ledger(&mut out, c);
    out
}

#[cfg(test)]
mod tests {
    use super::ranges;

    #[test]
    fn consecutive_numbers_become_ranges() {
        assert_eq!(ranges(&[3, 5, 6, 7, 9, 10]), ["3", "5–7", "9–10"]);
        assert!(ranges(&[]).is_empty());
    }
}
