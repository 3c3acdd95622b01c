//! Chapter II.9: the KDF and the derived secret.
//!
//! Run it: `cargo run --example 09_kdf -- --seed 7`
//! secret_input, root_key, chain_key and pqr_key are the same bytes as in
//! `pqxdh-lab transcript --seed 7`.

use clap::Parser;
use hkdf::Hkdf;
use libsignal_protocol::KeyPair;
use pqxdh_lab::engine::kdf::{self, KDF_INFO};
use pqxdh_lab::engine::keys::{AliceKeys, BobKeys};
use pqxdh_lab::engine::{
    ALICE_STREAM, BOB_STREAM, HANDSHAKE_STREAM, ServerBundle, fetch_and_verify, rng_stream,
};
use sha2::Sha256;

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
    // Chapters 5–8: the bundle, EK_A, the DHs and the encapsulation.
    let bob = BobKeys::generate(&mut rng_stream(args.seed, BOB_STREAM), false)?;
    let alice = AliceKeys::generate(&mut rng_stream(args.seed, ALICE_STREAM));
    let bundle = fetch_and_verify(&ServerBundle::from_bob(&bob).encode())?;
    let mut rng = rng_stream(args.seed, HANDSHAKE_STREAM);
    let ek_a = KeyPair::generate(&mut rng);
    let spk_b = bundle.signed_pre_key_public()?;
    let dh1 = alice.identity.private_key().calculate_agreement(&spk_b)?;
    let dh2 = ek_a
        .private_key
        .calculate_agreement(bundle.identity_key()?.public_key())?;
    let dh3 = ek_a.private_key.calculate_agreement(&spk_b)?;
    let (ss, _ct) = bundle.kyber_pre_key_public()?.encapsulate(&mut rng)?;

    // ANCHOR: input
    // F = 32 bytes of 0xFF first, then the DH outputs in order, SS last.
    let mut secret_input = vec![0xFFu8; 32];
    for part in [&dh1, &dh2, &dh3, &ss] {
        secret_input.extend_from_slice(part);
    }
    // ANCHOR_END: input
    println!(
        "secret_input ({} bytes) = F ‖ DH1 ‖ DH2 ‖ DH3 ‖ SS:",
        secret_input.len()
    );
    for (name, chunk) in ["F  ", "DH1", "DH2", "DH3", "SS "]
        .iter()
        .zip(secret_input.chunks(32))
    {
        println!("  {name} {}", hex::encode(chunk));
    }

    // ANCHOR: hkdf
    // HKDF-SHA256 with no salt (RFC 5869: 32 zero bytes) and libsignal's label,
    // expanded to 96 bytes and cut in three.
    let mut okm = [0u8; 96];
    Hkdf::<Sha256>::new(None, &secret_input)
        .expand(KDF_INFO.as_bytes(), &mut okm)
        .map_err(|e| e.to_string())?;
    let (root_key, rest) = okm.split_at(32);
    let (chain_key, pqr_key) = rest.split_at(32);
    // ANCHOR_END: hkdf
    println!("info = \"{KDF_INFO}\" ({} bytes)", KDF_INFO.len());
    println!("root_key  = bytes  0..32 = {}", hex::encode(root_key));
    println!("chain_key = bytes 32..64 = {}", hex::encode(chain_key));
    println!("pqr_key   = bytes 64..96 = {}", hex::encode(pqr_key));

    // ANCHOR: library
    // pqxdh-lab's kdf module does the same; the truth check compares both with
    // the keys libsignal stored in its own session.
    let keys = kdf::derive(&kdf::secret_input(&[&dh1, &dh2, &dh3], &ss));
    // ANCHOR_END: library
    println!(
        "pqxdh_lab::engine::kdf::derive gives the same three keys: {}",
        keys.root_key == root_key && keys.chain_key == chain_key && keys.pqr_key == pqr_key
    );

    // ANCHOR: avalanche
    // Change one bit of SS and every output byte changes unpredictably.
    let mut changed = secret_input.clone();
    changed[159] ^= 0x01;
    let other = kdf::derive(&changed);
    // ANCHOR_END: avalanche
    println!(
        "one bit of SS flipped: root_key = {}",
        hex::encode(other.root_key)
    );
    Ok(())
}
