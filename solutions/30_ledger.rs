//! Solution of exercise 30_ledger: Part V, chapter 4, "Forward secrecy and
//! healing, with the ledger".

use pqxdh_lab::conversation::{Party, Pattern};
use pqxdh_lab::exercises::kit;

/// The messages after `k` that a thief of `victim`'s session, copied right
/// after message `k`, can read. `senders[i]` sent message `i + 1`.
fn reads(senders: &[Party], victim: Party, k: usize) -> Vec<usize> {
    // Number the runs: a new sending chain starts wherever the sender changes.
    let mut run_of = Vec::with_capacity(senders.len());
    let mut run = 0;
    for (i, sender) in senders.iter().enumerate() {
        if i > 0 && senders[i - 1] != *sender {
            run += 1;
        }
        run_of.push(run);
    }
    let run_k = run_of[k - 1];
    // The run whose chain the victim's current ratchet key made: its own run
    // if it sent message K; if it received K, it drew a fresh key as K's run
    // began (libsignal src/session_cipher.rs:709-727), for its next run.
    let current = if senders[k - 1] == victim {
        run_k
    } else {
        run_k + 1
    };
    // The stolen chains (that run and any before it still in use), and the
    // next one, whose DH takes the victim's current private key. The run
    // after that comes from two key pairs the thief never had.
    (k + 1..=senders.len())
        .filter(|&m| run_of[m - 1] <= current + 1)
        .collect()
}

fn main() {
    let room = kit::start("30_ledger");
    // Strict alternation: Alice, Bob, Alice, …
    let ping_pong = room.senders(Pattern::PingPong, 12);
    kit::show_messages("ping_pong.bob.6", &reads(&ping_pong, Party::Bob, 6));
    kit::show_messages("ping_pong.alice.6", &reads(&ping_pong, Party::Alice, 6));
    // Runs of three: Alice 1–3, Bob 4–6, Alice 7–9, …
    let bursts = room.senders(Pattern::Bursts, 18);
    kit::show_messages("bursts.bob.5", &reads(&bursts, Party::Bob, 5));
    kit::show_messages("bursts.alice.8", &reads(&bursts, Party::Alice, 8));
    // Bob never replies.
    let alice_only = room.senders(Pattern::AliceOnly, 10);
    kit::show_messages("alice_only.alice.4", &reads(&alice_only, Party::Alice, 4));
}
