//! Chapter V.6: what libsignal 0.85 does, next to the specifications.
//!
//! Run it: `cargo run --example 32_libsignal_vs_specs -- --seed 7`
//! The conversations are those of
//! `pqxdh-lab conversation --seed 7 --messages 200 --pattern P`.

use clap::Parser;
use hmac::{Hmac, Mac};
use pqxdh_lab::conversation::{self, Conversation, ConversationOptions, MessageKind, Pattern};
use pqxdh_lab::engine::kdf;
use sha2::Sha256;

#[derive(Parser)]
struct Args {
    /// The same seed gives the same bytes on every machine (the book uses 7).
    #[arg(long, env = "PQXDH_LAB_SEED", default_value_t = 7)]
    seed: u64,
    /// How long each conversation runs.
    #[arg(long, default_value_t = 200)]
    messages: usize,
}

/// "1–3": the first and last of a list of message numbers.
fn span(numbers: &[usize]) -> String {
    match (numbers.first(), numbers.last()) {
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) => format!("{a}–{b}"),
        _ => "none".to_string(),
    }
}

/// What one traffic pattern gives, counted from the run.
fn row(c: &Conversation) -> Vec<String> {
    // ANCHOR: counts
    let numbers = |keep: &dyn Fn(&conversation::MessageRecord) -> bool| -> Vec<usize> {
        c.messages
            .iter()
            .filter(|m| keep(m))
            .map(|m| m.index)
            .collect()
    };
    let prekey = numbers(&|m| m.kind == MessageKind::PreKeySignalMessage);
    let unsalted = numbers(&|m| m.pq_key.is_none());
    let steps = numbers(&|m| m.dh_ratchet_step);
    // The epoch a salted message's SPQR key comes from (spqr src/lib.rs:283).
    let epoch = |m: &conversation::MessageRecord| {
        m.pq_key
            .and(m.spqr.message)
            .map_or(0, |s| s.epoch.saturating_sub(1))
    };
    let fresh = c.messages.iter().find(|m| epoch(m) >= 1).map(|m| m.index);
    let newest = c.messages.iter().map(epoch).max().unwrap_or(0);
    // ANCHOR_END: counts
    vec![
        c.pattern.name().to_string(),
        format!("{} ({})", prekey.len(), span(&prekey)),
        format!("{} ({})", unsalted.len(), span(&unsalted)),
        steps.len().to_string(),
        fresh.map_or("never".to_string(), |i| i.to_string()),
        newest.to_string(),
    ]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    // Say which seed this is, on stderr: standard output stays what the book shows.
    eprintln!(
        "seed {} (--seed N or PQXDH_LAB_SEED; the book uses 7)",
        args.seed
    );
    let run = |pattern| {
        conversation::run(ConversationOptions {
            seed: args.seed,
            messages: args.messages,
            pattern,
            ..ConversationOptions::default()
        })
    };
    let runs = Pattern::ALL
        .into_iter()
        .map(run)
        .collect::<Result<Vec<_>, _>>()?;

    println!(
        "Seed {}, {} messages per pattern (checks against libsignal: {}).",
        args.seed,
        args.messages,
        if runs.iter().all(Conversation::checks_passed) {
            "all passed"
        } else {
            "FAILED"
        }
    );
    println!();
    let header = [
        "pattern",
        "PreKeySignalMessages",
        "unsalted",
        "new chains",
        "first key from epoch >= 1",
        "newest key epoch",
    ];
    let rows: Vec<Vec<String>> = std::iter::once(header.map(String::from).to_vec())
        .chain(runs.iter().map(row))
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    for r in &rows {
        let cells: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        println!("  {}", cells.join("  ").trim_end());
    }

    let ping_pong = &runs[0];
    let bursts = &runs[2];
    let late = &runs[3];

    // ANCHOR: eager
    // Bob's first sending chain exists before he sends: he made it while
    // receiving message 1 (libsignal src/session_cipher.rs:709-727).
    let made_on_receipt = ping_pong.messages[0].receipt.sending_chain_key;
    let used_by_message_2 = ping_pong.messages[1].chain_key;
    // ANCHOR_END: eager
    println!();
    println!(
        "Bob's sending chain made when message 1 arrived = the chain of his message 2: {}",
        made_on_receipt == Some(used_by_message_2)
    );

    // ANCHOR: previous_counter
    // The first message of Alice's second chain in bursts: what its header
    // says about the previous chain, and how many messages that chain carried.
    let second_chain = bursts
        .messages
        .iter()
        .filter(|m| m.dh_ratchet_step && m.from == bursts.messages[0].from)
        .nth(1)
        .ok_or("bursts has no second chain of Alice's")?;
    let previous_chain = &bursts.messages[0].ratchet_key;
    let carried = bursts
        .messages
        .iter()
        .filter(|m| &m.ratchet_key == previous_chain)
        .count();
    // ANCHOR_END: previous_counter
    println!(
        "bursts, message {}: previous_counter {} on the wire; the previous chain carried {carried} messages",
        second_chain.index, second_chain.previous_counter
    );

    // ANCHOR: tag
    // The tag: the first 8 of HMAC-SHA256's 32 bytes.
    let m = &ping_pong.messages[1];
    let (ik_sender, ik_receiver) = ping_pong.identities(m.from);
    let (covered, tag) = m
        .signal_message
        .split_at(m.signal_message.len() - kdf::MAC_LEN);
    let mut hmac = Hmac::<Sha256>::new_from_slice(&m.mac_key)?;
    for part in [ik_sender, ik_receiver, covered] {
        hmac.update(part);
    }
    let full: [u8; 32] = hmac.finalize().into_bytes().into();
    // ANCHOR_END: tag
    println!("message 2: HMAC-SHA256 = {}", hex::encode(full));
    println!(
        "           tag on the wire = {} ({} bytes; equal to the first {}: {})",
        hex::encode(tag),
        tag.len(),
        kdf::MAC_LEN,
        full[..kdf::MAC_LEN] == *tag
    );

    if let Some(h) = late.schedule.held_back {
        let held = &late.messages[h.message - 1];
        println!(
            "late: message {} arrived after message {}; Bob decrypted it with a stored seed: {}",
            h.message, h.delivered_after, held.receipt.used_stored_seed
        );
    }
    Ok(())
}
