//! Exercise 02_safety_number: Part II, chapter 2, "Identity keys"
//! (the book's page part2/02-identity-keys; example 02_identity_keys).
//!
//! Compute the safety number Alice and Bob compare, by hand, with SHA-512,
//! the way libsignal's src/fingerprint.rs:161-192 and :42-64 do; the checker
//! compares it with libsignal's own. Replace each todo!(), then check your work:
//!
//!     cargo run --release -- exercises check 02_safety_number
//!
//! For one person, with their serialized identity key K (33 bytes) and id:
//!   hash = SHA-512(0x00 0x00 ‖ K ‖ id ‖ K), then 5199 more times
//!   hash = SHA-512(hash ‖ K). Cut the first 30 bytes into six chunks of 5;
//!   each chunk, read as a big-endian number, mod 100000, gives 5 digits.
//!
//! Hint: `Sha512::new().chain_update(a).chain_update(b).finalize()` hashes
//! a ‖ b; `format!("{:05}", n)` pads a number to 5 digits.

use pqxdh_lab::exercises::kit;
use sha2::{Digest, Sha512};

/// Signal's clients hash 5200 times, so that guessing a matching key is slow.
const ITERATIONS: u32 = 5200;

/// One person's 30 digits.
fn digits(identity_key: &[u8], stable_id: &[u8]) -> String {
    todo!("5200 rounds of SHA-512, then six 5-digit numbers")
}

fn main() {
    let room = kit::start("02_safety_number");
    let ik_a = room.alice().identity.identity_key().serialize();
    let ik_b = room.bob().identity.identity_key().serialize();

    // The ids: Signal uses an account identifier; here, the names.
    let alice = digits(&ik_a, b"alice");
    kit::show_text("IK_A.digits", &alice);
    let bob = digits(&ik_b, b"bob");
    kit::show_text("IK_B.digits", &bob);

    let safety_number: String =
        todo!("both halves, ordered so that both phones show the same 60 digits");
    kit::show_text("safety_number", &safety_number);
}
