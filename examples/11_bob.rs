//! Chapter II.11: Bob's side.
//!
//! Run it: `cargo run --example 11_bob -- --seed 7`
//! Bob's DH values, SS and root_key are the bytes of `pqxdh-lab transcript --seed 7`.
//! Add `--one-time-prekey` to watch Bob delete OPK_B after use.

use clap::Parser;
use futures::executor::block_on;
use libsignal_protocol::{
    CiphertextMessage, InMemSignalProtocolStore, PreKeySignalMessage, PreKeyStore, message_decrypt,
    message_encrypt, process_prekey_bundle,
};
use pqxdh_lab::engine::keys::{AliceKeys, BobKeys};
use pqxdh_lab::engine::{
    ALICE_STREAM, BOB_STREAM, FIRST_MESSAGE_TEXT, HANDSHAKE_STREAM, ServerBundle, address,
    bob_store, demo_now, fetch_and_verify, kdf, rng_stream,
};

#[derive(Parser)]
struct Args {
    /// The same seed gives the same bytes on every machine (the book uses 7).
    #[arg(long, env = "PQXDH_LAB_SEED", default_value_t = 7)]
    seed: u64,
    /// Bob also publishes a one-time prekey OPK_B (adds DH4).
    #[arg(long)]
    one_time_prekey: bool,
}

/// A stream of the seed of its own for what libsignal draws while Bob
/// receives (a random stream must never be reused for two purposes).
const BOB_RECEIVE_STREAM: u64 = 4;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    // Say which seed this is, on stderr: standard output stays what the book shows.
    eprintln!(
        "seed {} (--seed N or PQXDH_LAB_SEED; the book uses 7)",
        args.seed
    );
    let bob = BobKeys::generate(&mut rng_stream(args.seed, BOB_STREAM), args.one_time_prekey)?;
    let alice = AliceKeys::generate(&mut rng_stream(args.seed, ALICE_STREAM));

    // Alice's side, as in chapter 10: the bytes that reach the server.
    let mut rng = rng_stream(args.seed, HANDSHAKE_STREAM);
    let bundle = fetch_and_verify(&ServerBundle::from_bob(&bob).encode())?;
    let mut alice_store = InMemSignalProtocolStore::new(alice.identity, alice.registration_id)?;
    let wire = block_on(async {
        let bob_address = address("bob");
        let (sessions, identities) = (
            &mut alice_store.session_store,
            &mut alice_store.identity_store,
        );
        process_prekey_bundle(
            &bob_address,
            sessions,
            identities,
            &bundle,
            demo_now(),
            &mut rng,
        )
        .await?;
        let message = message_encrypt(
            FIRST_MESSAGE_TEXT.as_bytes(),
            &bob_address,
            sessions,
            identities,
            demo_now(),
            &mut rng,
        )
        .await?;
        Ok::<_, libsignal_protocol::SignalProtocolError>(message.serialize().to_vec())
    })?;

    // ANCHOR: by_hand
    // Bob, by hand: public values from the message, private keys from his device.
    let received = PreKeySignalMessage::try_from(wire.as_slice())?;
    let ik_a = received.identity_key().public_key();
    let ek_a = received.base_key();
    let spk_b_priv = &bob.signed_prekey.private_key;
    let mut dhs = vec![
        spk_b_priv.calculate_agreement(ik_a)?,                 // DH1
        bob.identity.private_key().calculate_agreement(ek_a)?, // DH2
        spk_b_priv.calculate_agreement(ek_a)?,                 // DH3
    ];
    if let Some((_, opk_b)) = &bob.one_time_prekey {
        dhs.push(opk_b.private_key.calculate_agreement(ek_a)?); // DH4
    }
    let ct = received
        .kyber_ciphertext()
        .ok_or("the message has no Kyber ciphertext")?;
    let ss = bob.kyber_prekey.secret_key.decapsulate(ct)?;
    let dh_refs: Vec<&[u8]> = dhs.iter().map(|dh| &dh[..]).collect();
    let keys = kdf::derive(&kdf::secret_input(&dh_refs, &ss));
    // ANCHOR_END: by_hand
    for (i, dh) in dhs.iter().enumerate() {
        println!("Bob's DH{} = {}", i + 1, hex::encode(dh));
    }
    println!("Bob's SS  = {}", hex::encode(&ss));
    println!("Bob's root_key = {}", hex::encode(keys.root_key));

    // ANCHOR: libsignal
    // Bob, with libsignal: one call checks, derives, decrypts and cleans up.
    let mut store = bob_store(&bob)?;
    let from_alice = address("alice");
    let incoming = CiphertextMessage::PreKeySignalMessage(received.clone());
    let mut bob_rng = rng_stream(args.seed, BOB_RECEIVE_STREAM);
    let mut decrypt = |store: &mut InMemSignalProtocolStore| {
        block_on(message_decrypt(
            &incoming,
            &from_alice,
            &mut store.session_store,
            &mut store.identity_store,
            &mut store.pre_key_store,
            &store.signed_pre_key_store,
            &mut store.kyber_pre_key_store,
            &mut bob_rng,
        ))
    };
    let plaintext = decrypt(&mut store)?;
    // ANCHOR_END: libsignal
    println!(
        "libsignal decrypts: {:?}",
        String::from_utf8_lossy(&plaintext)
    );

    // ANCHOR: after
    // A one-time prekey is gone once used: nobody can use it again.
    if let Some((id, _)) = &bob.one_time_prekey {
        let still_there = block_on(store.get_pre_key(*id)).is_ok();
        println!(
            "OPK_B {} still in Bob's store: {still_there}",
            u32::from(*id)
        );
    }
    // The same message delivered again is refused. (Part IV's lab replay
    // delivers it again after Bob lost his session, too.)
    let replay = decrypt(&mut store);
    // ANCHOR_END: after
    match replay {
        Ok(_) => println!("the same message again: decrypted (this must not happen)"),
        Err(e) => println!("the same message again: {e}"),
    }
    Ok(())
}
