//! Chapter V.1: the symmetric ratchet.
//!
//! Run it: `cargo run --example 27_symmetric_ratchet -- --seed 7`
//! The messages are those of
//! `pqxdh-lab conversation --seed 7 --pattern bursts --messages 6`:
//! three from Alice on one sending chain, then three from Bob on his.

use clap::Parser;
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use pqxdh_lab::conversation::{self, ConversationOptions, MessageRecord, Pattern};
use pqxdh_lab::engine::kdf;
use sha2::Sha256;

#[derive(Parser)]
struct Args {
    /// The same seed gives the same bytes on every machine (the book uses 7).
    #[arg(long, env = "PQXDH_LAB_SEED", default_value_t = 7)]
    seed: u64,
}

// ANCHOR: hmac
/// One HMAC-SHA256 keyed with the chain key, over a single constant byte:
/// 0x01 gives the message key seed, 0x02 the next chain key.
fn hmac_sha256(chain_key: &[u8], constant: u8) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(chain_key).expect("HMAC takes any key length");
    mac.update(&[constant]);
    mac.finalize().into_bytes().into()
}
// ANCHOR_END: hmac

/// The three message keys, as this example derives them.
struct Keys {
    cipher_key: [u8; 32],
    mac_key: [u8; 32],
    iv: [u8; 16],
}

// ANCHOR: message_keys
/// HKDF-SHA256(salt = the SPQR key or none, IKM = seed, info = "WhisperMessageKeys"),
/// 80 bytes cut into cipher key ‖ MAC key ‖ IV.
fn message_keys(seed: &[u8], spqr_key: Option<&[u8]>) -> Keys {
    let mut okm = [0u8; 80];
    Hkdf::<Sha256>::new(spqr_key, seed)
        .expand(b"WhisperMessageKeys", &mut okm)
        .expect("80 bytes is a valid HKDF-SHA256 length");
    Keys {
        cipher_key: okm[..32].try_into().expect("32 bytes"),
        mac_key: okm[32..64].try_into().expect("32 bytes"),
        iv: okm[64..].try_into().expect("16 bytes"),
    }
}
// ANCHOR_END: message_keys

/// Opens one message with keys derived here: is the tag right, and what
/// does the ciphertext decrypt to?
fn open(m: &MessageRecord, keys: &Keys, ik_sender: &[u8], ik_receiver: &[u8]) -> (bool, String) {
    // ANCHOR: open
    // The tag is the last 8 bytes; the MAC covers both identity keys and
    // everything of the SignalMessage before the tag.
    let (covered, tag) = m
        .signal_message
        .split_at(m.signal_message.len() - kdf::MAC_LEN);
    let tag_ok = kdf::mac(&keys.mac_key, ik_sender, ik_receiver, covered) == tag;
    let text = kdf::decrypt(&keys.cipher_key, &keys.iv, &m.ciphertext)
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_else(|| "(does not decrypt)".to_string());
    // ANCHOR_END: open
    (tag_ok, text)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    // Say which seed this is, on stderr: standard output stays what the book shows.
    eprintln!(
        "seed {} (--seed N or PQXDH_LAB_SEED; the book uses 7)",
        args.seed
    );
    // ANCHOR: run
    // Runs after the seed's PQXDH: three messages from Alice, then three
    // from Bob, through libsignal's own sessions.
    let c = conversation::run(ConversationOptions {
        seed: args.seed,
        messages: 6,
        pattern: Pattern::Bursts,
        ..ConversationOptions::default()
    })?;
    // ANCHOR_END: run
    println!(
        "Seed {}: PQXDH, then {} messages in bursts of three (checks against libsignal: {}).",
        args.seed,
        c.messages.len(),
        if c.checks_passed() {
            "passed"
        } else {
            "FAILED"
        }
    );

    for sender in [&c.messages[..3], &c.messages[3..]] {
        let first = &sender[0];
        println!();
        println!(
            "{}'s sending chain (ratchet key {}):",
            first.from.name(),
            hex::encode(&first.ratchet_key)
        );
        // ANCHOR: chain
        // Start from the chain key of the first message; every later chain
        // key, and every seed, is computed here.
        let mut chain_key = first.chain_key;
        let mut steps = Vec::new();
        for _message in sender {
            let seed = hmac_sha256(&chain_key, 0x01);
            let next_chain_key = hmac_sha256(&chain_key, 0x02);
            steps.push((chain_key, seed, next_chain_key));
            // The old chain key is replaced: nothing here leads back to it.
            chain_key = next_chain_key;
        }
        // ANCHOR_END: chain
        for (m, (chain_key, seed, next_chain_key)) in sender.iter().zip(steps) {
            println!();
            println!(
                "Message {} ({}), counter {}: {:?}",
                m.index,
                m.kind.name(),
                m.counter,
                m.plaintext
            );
            println!("  chain key  CK = {}", hex::encode(chain_key));
            println!(
                "    = libsignal's get_sender_chain_key_bytes() before sending: {}",
                m.libsignal.sender_chain_key == chain_key
            );
            println!("  seed = HMAC(CK, 0x01) = {}", hex::encode(seed));
            println!("  next = HMAC(CK, 0x02) = {}", hex::encode(next_chain_key));
            if let Some(after) = &m.libsignal.receiver_chain_key {
                println!(
                    "    = the receiver's get_receiver_chain_key_bytes() after receiving: {}",
                    after[..] == next_chain_key
                );
            }

            let spqr_key = m.pq_key.as_ref().map(|k| k.as_slice());
            let keys = message_keys(&seed, spqr_key);
            match m.pq_key {
                Some(salt) => println!("  salt (SPQR key) = {}", hex::encode(salt)),
                None => println!("  salt: none (no SPQR key for this message)"),
            }
            println!("  cipher key = {}", hex::encode(keys.cipher_key));
            println!("  MAC key    = {}", hex::encode(keys.mac_key));
            println!("  IV         = {}", hex::encode(keys.iv));
            let (ik_sender, ik_receiver) = c.identities(m.from);
            let (tag_ok, text) = open(m, &keys, ik_sender, ik_receiver);
            println!(
                "  tag {} verifies with this MAC key: {tag_ok}",
                hex::encode(&m.signal_message[m.signal_message.len() - kdf::MAC_LEN..])
            );
            println!("  AES-256-CBC with this cipher key and IV gives {text:?}");
        }
    }

    // ANCHOR: unsalted
    // Bob's first message without its SPQR salt: the same seed, other keys.
    let bob_first = &c.messages[3];
    let unsalted = message_keys(&hmac_sha256(&bob_first.chain_key, 0x01), None);
    // ANCHOR_END: unsalted
    let (ik_sender, ik_receiver) = c.identities(bob_first.from);
    let (tag_ok, _) = open(bob_first, &unsalted, ik_sender, ik_receiver);
    println!();
    println!(
        "Message {} with its keys derived without the SPQR salt: tag verifies: {tag_ok}",
        bob_first.index
    );
    Ok(())
}
