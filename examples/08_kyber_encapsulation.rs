//! Chapter II.8: Kyber encapsulation, (CT, SS) = PQKEM-ENC(PQSPK_B).
//!
//! Run it: `cargo run --example 08_kyber_encapsulation -- --seed 7`
//! CT and SS are the same bytes as in `pqxdh-lab transcript --seed 7`.

use clap::Parser;
use libsignal_protocol::KeyPair;
use pqxdh_lab::engine::keys::BobKeys;
use pqxdh_lab::engine::{BOB_STREAM, HANDSHAKE_STREAM, ServerBundle, fetch_and_verify, rng_stream};

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
    let bob = BobKeys::generate(&mut rng_stream(args.seed, BOB_STREAM), false)?;
    let bundle = fetch_and_verify(&ServerBundle::from_bob(&bob).encode())?;
    // EK_A comes first from the handshake stream (chapter 6), then the encapsulation.
    let mut rng = rng_stream(args.seed, HANDSHAKE_STREAM);
    let _ek_a = KeyPair::generate(&mut rng);

    // ANCHOR: encapsulate
    // Alice: a fresh 32-byte secret SS, and CT, which only PQSPK_B's owner can open.
    let pqspk_b = bundle.kyber_pre_key_public()?;
    let (ss, ct) = pqspk_b.encapsulate(&mut rng)?;
    // ANCHOR_END: encapsulate
    println!(
        "CT ({} bytes, type byte 0x{:02x}): {} … {}",
        ct.len(),
        ct[0],
        hex::encode(&ct[1..17]),
        hex::encode(&ct[ct.len() - 8..])
    );
    println!("SS ({} bytes): {}", ss.len(), hex::encode(&ss));

    // ANCHOR: decapsulate
    // Bob: his Kyber secret key opens CT and gives the same SS.
    let bob_ss = bob.kyber_prekey.secret_key.decapsulate(&ct)?;
    // ANCHOR_END: decapsulate
    println!("Bob decapsulates: {}", hex::encode(&bob_ss));
    println!("same SS on both sides: {}", bob_ss == ss);

    // ANCHOR: again
    // Encapsulating again to the same key gives a different CT and SS:
    // SS is fresh randomness, not something derived from Bob's key alone.
    let (ss2, ct2) = pqspk_b.encapsulate(&mut rng)?;
    // ANCHOR_END: again
    println!(
        "a second encapsulation: CT differs: {}, SS differs: {}",
        ct2 != ct,
        ss2 != ss
    );

    // ANCHOR: tampered
    // A CT changed in transit does not raise an error: Kyber's "implicit
    // rejection" returns an unrelated secret, and the failure shows up later,
    // when the first message's MAC does not verify (Part IV's lab
    // tampered-ciphertext follows it to Bob's refusal).
    let mut tampered = ct.to_vec();
    tampered[100] ^= 0x01;
    let wrong = bob
        .kyber_prekey
        .secret_key
        .decapsulate(&tampered.into_boxed_slice())?;
    // ANCHOR_END: tampered
    println!("one bit of CT flipped: Bob gets {}", hex::encode(&wrong));
    println!("equal to SS: {}", wrong == ss);
    Ok(())
}
