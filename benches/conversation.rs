//! How long a long conversation takes: libsignal's sessions for every
//! message, every key recomputed and checked, the dissection, and (in the
//! second line of each pattern) the compromise ledger with a quantum attacker.
//!
//!   cargo bench --bench conversation
//!
//! Target: 1000 messages with every check under 1 s (release build).

use std::hint::black_box;
use std::time::{Duration, Instant};

use pqxdh_lab::conversation::{self, Compromise, ConversationOptions, Party, Pattern};

const MESSAGES: usize = 1000;
const SAMPLES: usize = 7;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time(options: ConversationOptions) -> Duration {
    let once = || {
        let start = Instant::now();
        let c = conversation::run(options).expect("the conversation runs");
        assert!(c.checks_passed(), "a check failed");
        black_box(c);
        start.elapsed()
    };
    once();
    median((0..SAMPLES).map(|_| once()).collect())
}

fn main() {
    for pattern in Pattern::ALL {
        let plain = ConversationOptions {
            seed: 7,
            messages: MESSAGES,
            pattern,
            ..ConversationOptions::default()
        };
        let attacked = ConversationOptions {
            compromise: Some(Compromise {
                at: 10,
                who: Party::Bob,
            }),
            quantum: true,
            ..plain
        };
        let (t, a) = (time(plain), time(attacked));
        println!(
            "{:<10} {MESSAGES} messages, every check: {:>7.1} ms {}; with the quantum \
             ledger: {:>7.1} ms (medians of {SAMPLES})",
            pattern.name(),
            t.as_secs_f64() * 1e3,
            if t < Duration::from_secs(1) {
                "(target < 1 s: ok)"
            } else {
                "(target < 1 s: OVER)"
            },
            a.as_secs_f64() * 1e3,
        );
    }
}
