//! Chapter II.10: the first message, byte by byte.
//!
//! Run it: `cargo run --example 10_first_message -- --seed 7`
//! The message is the same bytes as `prekey_message` in `pqxdh-lab transcript --seed 7`
//! (compare the SHA-256 with `--format json`).

use clap::Parser;
use futures::executor::block_on;
use libsignal_protocol::{
    InMemSignalProtocolStore, KeyPair, PreKeySignalMessage, message_encrypt, process_prekey_bundle,
};
use pqxdh_lab::engine::keys::{AliceKeys, BobKeys};
use pqxdh_lab::engine::wire::dissect_prekey_message;
use pqxdh_lab::engine::{
    ALICE_STREAM, BOB_STREAM, FIRST_MESSAGE_TEXT, HANDSHAKE_STREAM, ServerBundle, address,
    demo_now, fetch_and_verify, rng_stream,
};
use pqxdh_lab::transcript::Field;
use sha2::{Digest, Sha256};

#[derive(Parser)]
struct Args {
    /// The same seed gives the same bytes on every machine (the book uses 7).
    #[arg(long, env = "PQXDH_LAB_SEED", default_value_t = 7)]
    seed: u64,
}

/// One line per field, children indented under their parent.
fn print_fields(fields: &[Field], depth: usize) {
    for f in fields {
        let note = if f.note.is_empty() {
            String::new()
        } else {
            format!(": {}", f.note)
        };
        println!(
            "{:indent$}bytes {}–{} ({} B) {}{}",
            "",
            f.offset,
            f.offset + f.len - 1,
            f.len,
            f.label,
            note,
            indent = 2 + 2 * depth
        );
        print_fields(&f.children, depth + 1);
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    // Say which seed this is, on stderr: standard output stays what the book shows.
    eprintln!(
        "seed {} (--seed N or PQXDH_LAB_SEED; the book uses 7)",
        args.seed
    );
    let bob = BobKeys::generate(&mut rng_stream(args.seed, BOB_STREAM), false)?;
    let alice = AliceKeys::generate(&mut rng_stream(args.seed, ALICE_STREAM));
    let bundle = fetch_and_verify(&ServerBundle::from_bob(&bob).encode())?;

    // ANCHOR: send
    // libsignal does chapters 6–9 inside process_prekey_bundle (it draws EK_A,
    // then encapsulates, from this RNG) and stores the session; message_encrypt
    // then wraps the first message in a PreKeySignalMessage.
    let mut alice_store = InMemSignalProtocolStore::new(alice.identity, alice.registration_id)?;
    let bob_address = address("bob");
    let mut rng = rng_stream(args.seed, HANDSHAKE_STREAM);
    let message = block_on(async {
        process_prekey_bundle(
            &bob_address,
            &mut alice_store.session_store,
            &mut alice_store.identity_store,
            &bundle,
            demo_now(),
            &mut rng,
        )
        .await?;
        message_encrypt(
            FIRST_MESSAGE_TEXT.as_bytes(),
            &bob_address,
            &mut alice_store.session_store,
            &mut alice_store.identity_store,
            demo_now(),
            &mut rng,
        )
        .await
    })?;
    let wire: &[u8] = message.serialize();
    // ANCHOR_END: send
    println!("Alice writes: {FIRST_MESSAGE_TEXT:?}");
    println!(
        "the server receives {} bytes, SHA-256 {}",
        wire.len(),
        hex::encode(Sha256::digest(wire))
    );

    // ANCHOR: parse
    // Anyone, the server included, can parse the public fields.
    let parsed = PreKeySignalMessage::try_from(wire)?;
    let ek_a = KeyPair::generate(&mut rng_stream(args.seed, HANDSHAKE_STREAM));
    // ANCHOR_END: parse
    println!("version: {}", parsed.message_version());
    println!(
        "base_key is EK_A from chapter 6: {}",
        parsed.base_key() == &ek_a.public_key
    );
    println!(
        "identity_key is IK_A: {}",
        parsed.identity_key() == alice.identity.identity_key()
    );
    println!(
        "ids: signed prekey {}, Kyber prekey {}, one-time prekey {:?}",
        u32::from(parsed.signed_pre_key_id()),
        parsed.kyber_pre_key_id().map(u32::from).unwrap_or_default(),
        parsed.pre_key_id().map(u32::from)
    );

    // ANCHOR: dissect
    // Every byte, explained (pqxdh-lab's dissector; a test checks that every
    // byte is in exactly one leaf).
    let ct = parsed.kyber_ciphertext().map(|ct| ct.to_vec());
    let known = |name: &str| match name {
        "EK_A" => Some(ek_a.public_key.serialize().to_vec()),
        "IK_A" => Some(alice.identity.identity_key().serialize().to_vec()),
        "CT" => ct.clone(),
        _ => None,
    };
    let fields = dissect_prekey_message(wire, &known)?;
    // ANCHOR_END: dissect
    println!("byte by byte:");
    print_fields(&fields, 0);
    Ok(())
}
