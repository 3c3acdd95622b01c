//! Exercise 30_ledger: Part V, chapter 4, "Forward secrecy and healing, with
//! the ledger" (the book's page part5/04-forward-secrecy; example
//! 30_forward_secrecy).
//!
//! A thief copies one party's whole session right after message K has been
//! sent and received. Which later messages can it read? Write `reads` so
//! that it predicts this from who sends when. The checker compares your
//! predictions with the ledger of `pqxdh-lab conversation --compromise-at K
//! --who NAME`, which decides by trying to derive the keys and decrypt.
//! Replace the todo!(), then check your work:
//!
//!     cargo run --release -- exercises check 30_ledger
//!
//! Hint: cut the senders into runs (messages in a row from one party). Each
//! run is one sending chain, made when the previous run's first message
//! arrived, from a fresh key pair of the run's sender and the other party's
//! newest key. The thief gets the victim's chains and its current ratchet
//! private key, and so also the one chain after them whose DH uses that key.

use pqxdh_lab::conversation::{Party, Pattern};
use pqxdh_lab::exercises::kit;

/// The messages after `k` that a thief of `victim`'s session, copied right
/// after message `k`, can read. `senders[i]` sent message `i + 1`.
fn reads(senders: &[Party], victim: Party, k: usize) -> Vec<usize> {
    todo!("the messages after k that the thief reads, in order")
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
