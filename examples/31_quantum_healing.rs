//! Chapter V.5: healing against a quantum attacker.
//!
//! Run it: `cargo run --example 31_quantum_healing -- --seed 7`
//! Each ledger is the one of `pqxdh-lab conversation --seed 7 --messages 200
//! --compromise-at K --who W [--quantum]` (alice-only: `--pattern alice-only`).

use clap::Parser;
use pqxdh_lab::conversation::{
    self, Compromise, Conversation, ConversationError, ConversationOptions, Party, Pattern,
};

#[derive(Parser)]
struct Args {
    /// The same seed gives the same bytes on every machine (the book uses 7).
    #[arg(long, env = "PQXDH_LAB_SEED", default_value_t = 7)]
    seed: u64,
    /// How long each conversation runs.
    #[arg(long, default_value_t = 200)]
    messages: usize,
}

/// "3–86, 88": the message numbers, consecutive ones as a range.
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
    if parts.is_empty() {
        "nothing".to_string()
    } else {
        parts.join(", ")
    }
}

// ANCHOR: quantum
/// The attacker copies `who`'s session after message `at`; with `quantum` it
/// also breaks every X25519 key it sees (the run's own private keys stand in
/// for a quantum computer).
fn robbed(
    args: &Args,
    pattern: Pattern,
    at: usize,
    who: Party,
    quantum: bool,
) -> Result<Conversation, ConversationError> {
    conversation::run(ConversationOptions {
        seed: args.seed,
        messages: args.messages,
        pattern,
        compromise: Some(Compromise { at, who }),
        quantum,
        ..ConversationOptions::default()
    })
}
// ANCHOR_END: quantum

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    // Say which seed this is, on stderr: standard output stays what the book shows.
    eprintln!(
        "seed {} (--seed N or PQXDH_LAB_SEED; the book uses 7)",
        args.seed
    );
    println!(
        "Seed {}, {} messages; in each case the victim sent message K, so its SPQR state \
         at the theft is the one shown with K.",
        args.seed, args.messages
    );
    let cases = [
        (Pattern::PingPong, 2, Party::Bob, false),
        (Pattern::PingPong, 2, Party::Bob, true),
        (Pattern::PingPong, 10, Party::Bob, true),
        (Pattern::PingPong, 3, Party::Alice, true),
        (Pattern::AliceOnly, 3, Party::Alice, true),
    ];
    let mut last_reason = None;
    for (pattern, at, who, quantum) in cases {
        let c = robbed(&args, pattern, at, who, quantum)?;
        // ANCHOR: verdict
        let reads: Vec<usize> = c
            .ledger
            .iter()
            .filter(|e| e.index > at && e.attacker_reads)
            .map(|e| e.index)
            .collect();
        let first_unread = c.ledger.iter().find(|e| e.index > at && !e.attacker_reads);
        // ANCHOR_END: verdict
        let at_theft = &c.messages[at - 1].spqr;
        println!();
        println!(
            "{} robbed after message {at} ({}), {} attacker:",
            who.name(),
            c.pattern.name(),
            if quantum { "quantum" } else { "classical" }
        );
        println!(
            "  {}'s SPQR at the theft: Braid epoch {}, {}; {}",
            who.name(),
            at_theft
                .braid_epoch
                .map_or("-".to_string(), |e| e.to_string()),
            at_theft.braid_state,
            at_theft
                .chain_epoch
                .map_or("no key chain yet".to_string(), |e| {
                    format!("its key chain has epoch {e}")
                })
        );
        println!("  reads after the theft: {}", ranges(&reads));
        match first_unread {
            Some(e) => {
                let m = &c.messages[e.index - 1];
                let epoch = match (m.pq_key, m.spqr.message) {
                    (Some(_), Some(s)) => format!("SPQR epoch {}", s.epoch - 1),
                    _ => "no SPQR key".to_string(),
                };
                println!(
                    "  first message it cannot read: {} ({}'s, keyed from {epoch})",
                    e.index,
                    m.from.name()
                );
                let why = e.reason.split(':').next().unwrap_or_default().to_string();
                println!("  the ledger's reason begins: {why}");
                if quantum {
                    last_reason = Some(e.reason.clone());
                }
            }
            None => println!("  first message it cannot read: none, it never heals"),
        }
        let salted = c.messages.iter().filter(|m| m.pq_key.is_some()).count();
        println!(
            "  messages with an SPQR salt: {salted} of {}; checks: {}",
            c.messages.len(),
            if c.checks_passed() {
                "passed"
            } else {
                "FAILED"
            }
        );
    }
    if let Some(reason) = last_reason {
        println!();
        println!("A healed message's full reason, as the ledger gives it:");
        print!("{}", pqxdh_lab::views::text::wrap(&reason, "  "));
    }
    Ok(())
}
