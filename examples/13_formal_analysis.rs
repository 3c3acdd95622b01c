//! Chapter II.13: what formal analysis found, and what stops it in libsignal.
//!
//! Run it: `cargo run --example 13_formal_analysis -- --seed 7`

use clap::Parser;
use libsignal_protocol::PublicKey;
use libsignal_protocol::kem::{self, KeyType};
use pqxdh_lab::engine::keys::BobKeys;
use pqxdh_lab::engine::{BOB_STREAM, ServerBundle, fetch_and_verify, rng_stream};

#[derive(Parser)]
struct Args {
    /// The same seed gives the same bytes on every machine (the book uses 7).
    #[arg(long, env = "PQXDH_LAB_SEED", default_value_t = 7)]
    seed: u64,
}

/// Streams of the seed that the run never uses.
const ATTACKER_STREAM: u64 = 13;
const ENCAPSULATION_STREAM: u64 = 14;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    // Say which seed this is, on stderr: standard output stays what the book shows.
    eprintln!(
        "seed {} (--seed N or PQXDH_LAB_SEED; the book uses 7)",
        args.seed
    );
    let bob = BobKeys::generate(&mut rng_stream(args.seed, BOB_STREAM), false)?;
    let honest = ServerBundle::from_bob(&bob);
    let spk_b = honest.signed_pre_key.clone();
    let pqspk_b = honest.kyber_pre_key.clone();

    // ANCHOR: encodings
    // Key confusion: the two encodings never overlap. A curve key read as a
    // KEM key fails on its type byte, and the other way round.
    let curve_as_kem = kem::PublicKey::deserialize(&spk_b);
    let kem_as_curve = PublicKey::deserialize(&pqspk_b);
    // ANCHOR_END: encodings
    println!("SPK_B   begins 0x{:02x}, {} bytes", spk_b[0], spk_b.len());
    println!(
        "PQSPK_B begins 0x{:02x}, {} bytes",
        pqspk_b[0],
        pqspk_b.len()
    );
    if let Err(e) = &curve_as_kem {
        println!("SPK_B read as a Kyber key: {e}");
    }
    if let Err(e) = &kem_as_curve {
        println!("PQSPK_B read as a curve key: {e}");
    }

    // ANCHOR: attack
    // The attack the analysis found: a server replays SPK_B and its (valid!)
    // signature in the Kyber slot, hoping Alice "encapsulates" to a curve key.
    // (Part IV's lab forged-kyber-prekey puts a real Kyber key of its own there.)
    let mut confused = honest.clone();
    confused.kyber_pre_key = spk_b.clone();
    confused.kyber_pre_key_signature = honest.signed_pre_key_signature.clone();
    let signature_valid = bob
        .identity
        .public_key()
        .verify_signature(&confused.kyber_pre_key, &confused.kyber_pre_key_signature);
    let outcome = fetch_and_verify(&confused.encode());
    // ANCHOR_END: attack
    println!("the replayed signature is valid over those bytes: {signature_valid}");
    match outcome {
        Ok(_) => println!("Alice accepts the confused bundle (this must not happen)"),
        Err(e) => println!("Alice refuses the confused bundle: {e}"),
    }

    // ANCHOR: binding
    // Re-encapsulation: with a generic KEM an attacker who learns SS could
    // wrap the same SS for another public key. Kyber hashes the public key into
    // SS. What this shows is only the honest case: the same randomness,
    // encapsulated to two keys, gives two secrets. That no malicious ciphertext
    // can do better is Kyber's binding property, proved, not demonstrated here.
    let attacker_key = kem::KeyPair::generate(
        KeyType::Kyber1024,
        &mut rng_stream(args.seed, ATTACKER_STREAM),
    );
    let bob_key = kem::PublicKey::deserialize(&pqspk_b)?;
    let mut randomness = rng_stream(args.seed, ENCAPSULATION_STREAM);
    let mut same_randomness = randomness.clone();
    let (ss_bob, _) = bob_key.encapsulate(&mut randomness)?;
    let (ss_attacker, _) = attacker_key.public_key.encapsulate(&mut same_randomness)?;
    // ANCHOR_END: binding
    println!(
        "same randomness, encapsulated to PQSPK_B:          SS = {}",
        hex::encode(&ss_bob)
    );
    println!(
        "same randomness, encapsulated to another Kyber key: SS = {}",
        hex::encode(&ss_attacker)
    );
    println!("equal: {}", ss_bob == ss_attacker);
    Ok(())
}
