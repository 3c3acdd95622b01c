//! Chapter II.7: the Diffie-Hellman computations DH1–DH4.
//!
//! Run it: `cargo run --example 07_dh -- --seed 7`
//! DH1–DH3 are the bytes of `pqxdh-lab transcript --seed 7`; DH4 those of
//! `pqxdh-lab transcript --seed 7 --one-time-prekey`.

use clap::Parser;
use libsignal_protocol::KeyPair;
use pqxdh_lab::engine::keys::{AliceKeys, BobKeys};
use pqxdh_lab::engine::{
    ALICE_STREAM, BOB_STREAM, HANDSHAKE_STREAM, ServerBundle, fetch_and_verify, rng_stream,
};

#[derive(Parser)]
struct Args {
    /// The same seed gives the same bytes on every machine (the book uses 7).
    #[arg(long, env = "PQXDH_LAB_SEED", default_value_t = 7)]
    seed: u64,
}

/// A stream of the seed that the run itself never uses: the server's own key.
const SERVER_STREAM: u64 = 66;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    // Say which seed this is, on stderr: standard output stays what the book shows.
    eprintln!(
        "seed {} (--seed N or PQXDH_LAB_SEED; the book uses 7)",
        args.seed
    );
    // Bob publishes a one-time prekey too, so that DH4 can be shown.
    let bob = BobKeys::generate(&mut rng_stream(args.seed, BOB_STREAM), true)?;
    let alice = AliceKeys::generate(&mut rng_stream(args.seed, ALICE_STREAM));
    let bundle = fetch_and_verify(&ServerBundle::from_bob(&bob).encode())?;
    let ek_a = KeyPair::generate(&mut rng_stream(args.seed, HANDSHAKE_STREAM));

    // ANCHOR: alice
    // Alice: her private keys with Bob's public keys from the bundle.
    let ik_b = bundle.identity_key()?.public_key();
    let spk_b = bundle.signed_pre_key_public()?;
    let ik_a_priv = alice.identity.private_key();
    let dh1 = ik_a_priv.calculate_agreement(&spk_b)?; // DH(IK_A, SPK_B)
    let dh2 = ek_a.private_key.calculate_agreement(ik_b)?; // DH(EK_A, IK_B)
    let dh3 = ek_a.private_key.calculate_agreement(&spk_b)?; // DH(EK_A, SPK_B)
    let dh4 = match bundle.pre_key_public()? {
        Some(opk_b) => Some(ek_a.private_key.calculate_agreement(&opk_b)?), // DH(EK_A, OPK_B)
        None => None,
    };
    // ANCHOR_END: alice
    println!("Alice computes:");
    println!("  DH1 = DH(IK_A, SPK_B) = {}", hex::encode(&dh1));
    println!("  DH2 = DH(EK_A, IK_B)  = {}", hex::encode(&dh2));
    println!("  DH3 = DH(EK_A, SPK_B) = {}", hex::encode(&dh3));
    if let Some(dh4) = &dh4 {
        println!("  DH4 = DH(EK_A, OPK_B) = {}", hex::encode(dh4));
    }

    // ANCHOR: bob
    // Bob: his private keys with Alice's public keys from her first message.
    let ik_a = alice.identity.public_key();
    let spk_b_priv = &bob.signed_prekey.private_key;
    let bob_dh1 = spk_b_priv.calculate_agreement(ik_a)?;
    let bob_dh2 = bob
        .identity
        .private_key()
        .calculate_agreement(&ek_a.public_key)?;
    let bob_dh3 = spk_b_priv.calculate_agreement(&ek_a.public_key)?;
    // ANCHOR_END: bob
    println!("Bob computes the same values from the other ends:");
    println!("  DH1 equal: {}", bob_dh1 == dh1);
    println!("  DH2 equal: {}", bob_dh2 == dh2);
    println!("  DH3 equal: {}", bob_dh3 == dh3);
    if let (Some(dh4), Some((_, opk_b))) = (&dh4, &bob.one_time_prekey) {
        let bob_dh4 = opk_b.private_key.calculate_agreement(&ek_a.public_key)?;
        println!("  DH4 equal: {}", &bob_dh4 == dh4);
    }

    // ANCHOR: eavesdropper
    // The server holds every public key, but a DH of two public keys is not a
    // thing: X25519 needs one private key. Its best try, DH(its key, SPK_B),
    // gives something unrelated.
    let server = KeyPair::generate(&mut rng_stream(args.seed, SERVER_STREAM));
    let guess = server.private_key.calculate_agreement(&spk_b)?;
    // ANCHOR_END: eavesdropper
    println!(
        "the server's DH(own key, SPK_B) equals DH1: {}",
        guess == dh1
    );
    Ok(())
}
