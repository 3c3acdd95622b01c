//! Chapter II.6: Alice fetches the bundle, verifies it, and makes EK_A.
//!
//! Run it: `cargo run --example 06_alice_verifies -- --seed 7`
//! EK_A is the same bytes as in `pqxdh-lab transcript --seed 7`.

use clap::Parser;
use futures::executor::block_on;
use libsignal_protocol::{InMemSignalProtocolStore, KeyPair, process_prekey_bundle};
use pqxdh_lab::engine::keys::{AliceKeys, BobKeys};
use pqxdh_lab::engine::{
    ALICE_STREAM, BOB_STREAM, HANDSHAKE_STREAM, ServerBundle, address, demo_now, fetch_and_verify,
    rng_stream,
};

#[derive(Parser)]
struct Args {
    /// The same seed gives the same bytes on every machine (the book uses 7).
    #[arg(long, env = "PQXDH_LAB_SEED", default_value_t = 7)]
    seed: u64,
}

/// A stream of the seed that the run itself never uses: the forger's keys.
const FORGER_STREAM: u64 = 66;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    // Say which seed this is, on stderr: standard output stays what the book shows.
    eprintln!(
        "seed {} (--seed N or PQXDH_LAB_SEED; the book uses 7)",
        args.seed
    );
    let bob = BobKeys::generate(&mut rng_stream(args.seed, BOB_STREAM), false)?;
    let alice = AliceKeys::generate(&mut rng_stream(args.seed, ALICE_STREAM));
    let from_server: Vec<u8> = ServerBundle::from_bob(&bob).encode();

    // ANCHOR: verify
    // pqxdh-lab's helper decodes the server's bytes and checks both signatures.
    let bundle = fetch_and_verify(&from_server)?;
    // The same checks, with libsignal's calls: IK_B signed EncodeEC(SPK_B)
    // and EncodeKEM(PQSPK_B).
    let ik_b = bundle.identity_key()?.public_key();
    let spk_ok = ik_b.verify_signature(
        &bundle.signed_pre_key_public()?.serialize(),
        bundle.signed_pre_key_signature()?,
    );
    let pqspk_ok = ik_b.verify_signature(
        &bundle.kyber_pre_key_public()?.serialize(),
        bundle.kyber_pre_key_signature()?,
    );
    // ANCHOR_END: verify
    println!("SPK_B.sig verifies with IK_B:   {spk_ok}");
    println!("PQSPK_B.sig verifies with IK_B: {pqspk_ok}");

    // ANCHOR: forged
    // A server that swaps in a signed prekey of its own (so that it could
    // compute DH1 and DH3) cannot sign it with IK_B's private key.
    let mut forged = ServerBundle::decode(&from_server)?;
    let server_key = KeyPair::generate(&mut rng_stream(args.seed, FORGER_STREAM));
    forged.signed_pre_key = server_key.public_key.serialize().into_vec();
    let ours = fetch_and_verify(&forged.encode());
    // libsignal's own session setup refuses the same bundle. (Part IV's lab
    // forged-signed-prekey goes on to what the server would have learned.)
    let mut alice_store = InMemSignalProtocolStore::new(alice.identity, alice.registration_id)?;
    let libsignals = block_on(process_prekey_bundle(
        &address("bob"),
        &mut alice_store.session_store,
        &mut alice_store.identity_store,
        &forged.to_libsignal()?,
        demo_now(),
        &mut rng_stream(args.seed, HANDSHAKE_STREAM),
    ));
    // ANCHOR_END: forged
    match ours {
        Ok(_) => println!("forged bundle: accepted (this must not happen)"),
        Err(e) => println!("forged bundle, pqxdh-lab: {e}"),
    }
    match libsignals {
        Ok(()) => println!("forged bundle, libsignal: accepted (this must not happen)"),
        Err(e) => println!("forged bundle, libsignal: {e}"),
    }

    // ANCHOR: ephemeral
    // Only now does Alice make her ephemeral key, for this handshake only.
    let mut rng = rng_stream(args.seed, HANDSHAKE_STREAM);
    let ek_a = KeyPair::generate(&mut rng);
    // ANCHOR_END: ephemeral
    let ek = ek_a.public_key.serialize();
    println!(
        "EK_A      ({} bytes): {:02x} {}",
        ek.len(),
        ek[0],
        hex::encode(&ek[1..])
    );
    println!(
        "EK_A.priv ({} bytes): {}",
        32,
        hex::encode(ek_a.private_key.serialize())
    );
    Ok(())
}
