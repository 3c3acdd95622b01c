//! Solution of exercise 02_safety_number: Part II, chapter 2, "Identity keys".

use pqxdh_lab::exercises::kit;
use sha2::{Digest, Sha512};

/// Signal's clients hash 5200 times, so that guessing a matching key is slow.
const ITERATIONS: u32 = 5200;

/// One person's 30 digits, as libsignal computes them
/// (src/fingerprint.rs:161-192, then :42-64).
fn digits(identity_key: &[u8], stable_id: &[u8]) -> String {
    let mut hash = Sha512::new()
        .chain_update([0x00, 0x00])
        .chain_update(identity_key)
        .chain_update(stable_id)
        .chain_update(identity_key)
        .finalize();
    for _ in 1..ITERATIONS {
        hash = Sha512::new()
            .chain_update(hash)
            .chain_update(identity_key)
            .finalize();
    }
    // Six chunks of 5 bytes, each a big-endian number mod 100000.
    hash[..30]
        .chunks(5)
        .map(|chunk| {
            let n = chunk.iter().fold(0u64, |n, &b| (n << 8) | u64::from(b));
            format!("{:05}", n % 100_000)
        })
        .collect()
}

fn main() {
    let room = kit::start("02_safety_number");
    let ik_a = room.alice().identity.identity_key().serialize();
    let ik_b = room.bob().identity.identity_key().serialize();

    let alice = digits(&ik_a, b"alice");
    let bob = digits(&ik_b, b"bob");
    // The smaller half first: both phones show the same 60 digits.
    let safety_number = if alice < bob {
        format!("{alice}{bob}")
    } else {
        format!("{bob}{alice}")
    };

    kit::show_text("IK_A.digits", &alice);
    kit::show_text("IK_B.digits", &bob);
    kit::show_text("safety_number", &safety_number);
}
