//! Chapter V.4: forward secrecy and healing, with the ledger.
//!
//! Run it: `cargo run --example 30_forward_secrecy -- --seed 7`
//! Each ledger is the one of
//! `pqxdh-lab conversation --seed 7 --pattern P --compromise-at K --who W`.

use clap::Parser;
use pqxdh_lab::conversation::{
    self, Compromise, Conversation, ConversationOptions, Party, Pattern,
};
use pqxdh_lab::views::text::wrap;

#[derive(Parser)]
struct Args {
    /// The same seed gives the same bytes on every machine (the book uses 7).
    #[arg(long, env = "PQXDH_LAB_SEED", default_value_t = 7)]
    seed: u64,
}

/// "1, 3, 5–12": the message numbers, consecutive ones as a range.
fn ranges(numbers: &[usize]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < numbers.len() {
        let mut j = i;
        while j + 1 < numbers.len() && numbers[j + 1] == numbers[j] + 1 {
            j += 1;
        }
        parts.push(if i == j {
            numbers[i].to_string()
        } else {
            format!("{}–{}", numbers[i], numbers[j])
        });
        i = j + 1;
    }
    parts.join(", ")
}

/// The ledger as a strip (R = the attacker reads it), then each distinct
/// reason once, with the messages it applies to.
fn show(c: &Conversation) {
    let Some(Compromise { at, who }) = c.compromise else {
        return;
    };
    println!(
        "{}'s session copied right after message {at} ({}, {} messages):",
        who.name(),
        c.pattern.name(),
        c.messages.len()
    );
    let senders: String = c.messages.iter().map(|m| &m.from.name()[..1]).collect();
    let strip: String = c
        .ledger
        .iter()
        .map(|e| if e.attacker_reads { 'R' } else { '.' })
        .collect();
    println!("  sender  {senders}");
    println!("  read    {strip}");
    let mut reasons: Vec<(&str, Vec<usize>)> = Vec::new();
    for e in &c.ledger {
        match reasons.iter_mut().find(|(r, _)| *r == e.reason) {
            Some((_, messages)) => messages.push(e.index),
            None => reasons.push((&e.reason, vec![e.index])),
        }
    }
    for (reason, messages) in reasons {
        print!(
            "{}",
            wrap(&format!("{}: {reason}", ranges(&messages)), "    ")
        );
    }
}

// ANCHOR: theft
/// The seed's conversation with an attacker who copies `who`'s whole session
/// right after message `at` has been sent and received.
fn stolen(
    seed: u64,
    pattern: Pattern,
    at: usize,
    who: Party,
) -> Result<Conversation, conversation::ConversationError> {
    conversation::run(ConversationOptions {
        seed,
        messages: 12,
        pattern,
        compromise: Some(Compromise { at, who }),
        ..ConversationOptions::default()
    })
}
// ANCHOR_END: theft

// ANCHOR: healing
/// After the theft after message `at`: the messages the attacker reads, and
/// the first one it cannot read (none if it never heals).
fn after_theft(c: &Conversation, at: usize) -> (Vec<usize>, Option<usize>) {
    let after = || c.ledger.iter().filter(move |e| e.index > at);
    let read = after()
        .filter(|e| e.attacker_reads)
        .map(|e| e.index)
        .collect();
    let healed = after().find(|e| !e.attacker_reads).map(|e| e.index);
    (read, healed)
}
// ANCHOR_END: healing

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    // Say which seed this is, on stderr: standard output stays what the book shows.
    eprintln!(
        "seed {} (--seed N or PQXDH_LAB_SEED; the book uses 7)",
        args.seed
    );
    // ANCHOR: ledgers
    let cases = [
        (Pattern::PingPong, 3, Party::Alice),
        (Pattern::PingPong, 3, Party::Bob),
        (Pattern::AliceOnly, 3, Party::Alice),
        (Pattern::Late, 7, Party::Bob),
    ];
    // ANCHOR_END: ledgers
    let mut runs = Vec::new();
    for (pattern, at, who) in cases {
        let c = stolen(args.seed, pattern, at, who)?;
        show(&c);
        println!(
            "  checks against libsignal, and the ledger against the real keys: {}",
            if c.checks_passed() {
                "passed"
            } else {
                "FAILED"
            }
        );
        println!();
        runs.push(c);
    }
    // The same conversation robbed one message later: now Alice has just
    // received and Bob has just sent.
    for who in [Party::Alice, Party::Bob] {
        runs.push(stolen(args.seed, Pattern::PingPong, 4, who)?);
    }

    println!("pattern     victim   K  its last act  read after the theft  first unread");
    for c in &runs {
        let Some(Compromise { at, who }) = c.compromise else {
            continue;
        };
        let (read_after, healed) = after_theft(c, at);
        let healed = match healed {
            Some(i) => format!("{i} (K+{})", i - at),
            None => "none: never heals".to_string(),
        };
        let last_act = if c.schedule.sender(at) == who {
            "sent K"
        } else {
            "received K"
        };
        println!(
            "{:<10}  {:<6}  {at:>2}  {last_act:<12}  {:<20}  {healed}",
            c.pattern.name(),
            who.name(),
            ranges(&read_after),
        );
    }
    if let Some(late) = runs.iter().find(|c| c.pattern == Pattern::Late)
        && let Some(h) = late.schedule.held_back
    {
        println!(
            "late: message {} was held back by the server until after message {}",
            h.message, h.delivered_after
        );
    }
    Ok(())
}
