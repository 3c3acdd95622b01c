//! Chapter II.1: using libsignal from Rust.
//!
//! The crate, a tiny executor for its async API, and a seeded RNG that makes
//! every laptop in a workshop show the same bytes.
//!
//! Run it: `cargo run --example 01_setup -- --seed 7`

use clap::Parser;
use futures::executor::block_on;
use libsignal_protocol::{IdentityKeyPair, IdentityKeyStore, InMemSignalProtocolStore};
use pqxdh_lab::engine::{self, ALICE_STREAM, BOB_STREAM, HANDSHAKE_STREAM};
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;

/// Every example takes the same option: the seed that fixes every random choice.
#[derive(Parser)]
struct Args {
    /// The same seed gives the same bytes on every machine (the book uses 7).
    #[arg(long, env = "PQXDH_LAB_SEED", default_value_t = 7)]
    seed: u64,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    // Say which seed this is, on stderr: standard output stays what the book shows.
    eprintln!(
        "seed {} (--seed N or PQXDH_LAB_SEED; the book uses 7)",
        args.seed
    );
    println!("seed {}", args.seed);

    // ANCHOR: rng
    // A cryptographic RNG from a seed: the same seed gives the same bytes,
    // on every machine. Real clients use the operating system's RNG instead.
    let mut first = ChaCha20Rng::seed_from_u64(args.seed);
    let mut second = ChaCha20Rng::seed_from_u64(args.seed);
    let mut a = [0u8; 16];
    let mut b = [0u8; 16];
    first.fill_bytes(&mut a);
    second.fill_bytes(&mut b);
    println!(
        "ChaCha20Rng::seed_from_u64({}): {}",
        args.seed,
        hex::encode(a)
    );
    println!("the same seed again:          {}", hex::encode(b));
    assert_eq!(a, b, "a seeded RNG is deterministic");
    // ANCHOR_END: rng

    // ANCHOR: streams
    // pqxdh-lab gives each party its own stream of the seed, so Bob's keys do
    // not change when Alice draws one more random number.
    for (who, stream) in [
        ("Bob", BOB_STREAM),
        ("Alice", ALICE_STREAM),
        ("handshake", HANDSHAKE_STREAM),
    ] {
        let mut rng = engine::rng_stream(args.seed, stream);
        let mut start = [0u8; 8];
        rng.fill_bytes(&mut start);
        println!("stream {stream} ({who:9}) begins {}", hex::encode(start));
    }
    // ANCHOR_END: streams

    // ANCHOR: block_on
    // libsignal's stores are async traits, because real apps keep keys in a
    // database. `block_on` runs one future to completion on this thread: no
    // async runtime is needed for a handshake.
    let identity = IdentityKeyPair::generate(&mut first);
    let store = InMemSignalProtocolStore::new(identity, 1)?;
    let stored = block_on(store.get_identity_key_pair())?;
    // ANCHOR_END: block_on
    println!(
        "a key pair kept in libsignal's in-memory store: public key {} bytes, \
         read back equal: {}",
        stored.identity_key().serialize().len(),
        stored.identity_key() == identity.identity_key()
    );
    Ok(())
}
