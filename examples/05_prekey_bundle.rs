//! Chapter II.5: the prekey bundle and the server.
//!
//! Run it: `cargo run --example 05_prekey_bundle -- --seed 7`
//! The bundle is the same 1789… bytes as `bundle` in `pqxdh-lab transcript --seed 7`.

use clap::Parser;
use libsignal_protocol::{DeviceId, PreKeyBundle};
use pqxdh_lab::engine::keys::BobKeys;
use pqxdh_lab::engine::wire::dissect_bundle;
use pqxdh_lab::engine::{BOB_STREAM, ServerBundle, rng_stream};
use sha2::{Digest, Sha256};

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
    // Chapters 2–4 in one call: ids, IK_B, SPK_B, PQSPK_B and their signatures.
    let bob = BobKeys::generate(&mut rng_stream(args.seed, BOB_STREAM), false)?;

    // ANCHOR: upload
    // What Bob uploads: public keys, ids and signatures. No private key.
    let upload = ServerBundle::from_bob(&bob);
    let stored: Vec<u8> = upload.encode();
    // ANCHOR_END: upload
    println!(
        "the server stores {} bytes for Bob, SHA-256 {}",
        stored.len(),
        hex::encode(Sha256::digest(&stored))
    );
    println!("field by field:");
    let known = |name: &str| match name {
        "IK_B" => Some(upload.identity_key.clone()),
        "SPK_B" => Some(upload.signed_pre_key.clone()),
        "SPK_B.sig" => Some(upload.signed_pre_key_signature.clone()),
        "PQSPK_B" => Some(upload.kyber_pre_key.clone()),
        "PQSPK_B.sig" => Some(upload.kyber_pre_key_signature.clone()),
        _ => None,
    };
    for field in dissect_bundle(&stored, &known)? {
        let value = field
            .children
            .last()
            .map_or(String::new(), |v| v.note.clone());
        println!(
            "  bytes {:>4}–{:<4} {:>4} B  {:<26} {value}",
            field.offset,
            field.offset + field.len - 1,
            field.len,
            field.label,
        );
    }

    // ANCHOR: no_secrets
    // Not one private key occurs anywhere in what the server holds.
    let private_keys = [
        ("IK_B.priv", bob.identity.private_key().serialize()),
        ("SPK_B.priv", bob.signed_prekey.private_key.serialize()),
    ];
    for (name, secret) in &private_keys {
        let found = stored.windows(secret.len()).any(|w| w == &secret[..]);
        println!("{name} in the stored bytes: {found}");
    }
    // ANCHOR_END: no_secrets

    // ANCHOR: libsignal
    // libsignal's own type for the same content, as Alice's client builds it
    // from the server's answer (chapter 6 reads it back from the bytes).
    let bundle = PreKeyBundle::new(
        bob.registration_id,
        DeviceId::new(1)?,
        None, // no one-time prekey in this run
        bob.signed_prekey_id,
        bob.signed_prekey.public_key,
        bob.signed_prekey_signature.clone(),
        bob.kyber_prekey_id,
        bob.kyber_prekey.public_key.clone(),
        bob.kyber_prekey_signature.clone(),
        *bob.identity.identity_key(),
    )?;
    // ANCHOR_END: libsignal
    println!(
        "libsignal PreKeyBundle: registration id {}, signed prekey id {}, Kyber prekey id {}",
        bundle.registration_id()?,
        u32::from(bundle.signed_pre_key_id()?),
        u32::from(bundle.kyber_pre_key_id()?)
    );

    // ANCHOR: one_time
    // With a one-time prekey: Bob's other keys stay the same (OPK_B is his last
    // draw), and the bundle grows by OPK_B and its id.
    let bob_with_opk = BobKeys::generate(&mut rng_stream(args.seed, BOB_STREAM), true)?;
    let stored_with_opk = ServerBundle::from_bob(&bob_with_opk).encode();
    // ANCHOR_END: one_time
    println!(
        "with a one-time prekey: {} bytes (+{}), same IK_B: {}",
        stored_with_opk.len(),
        stored_with_opk.len() - stored.len(),
        bob_with_opk.identity.identity_key() == bob.identity.identity_key()
    );
    Ok(())
}
