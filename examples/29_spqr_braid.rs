//! Chapter V.3: SPQR and the ML-KEM Braid.
//!
//! Run it: `cargo run --example 29_spqr_braid -- --seed 7`
//! The messages are those of
//! `pqxdh-lab conversation --seed 7 --messages 200`.

use clap::Parser;
use hkdf::Hkdf;
use pqxdh_lab::conversation::{
    self, ConversationOptions, MessageRecord, Party, Pattern, SpqrPayload,
};
use pqxdh_lab::engine::{self, RunOptions};
use sha2::Sha256;

#[derive(Parser)]
struct Args {
    /// The same seed gives the same bytes on every machine (the book uses 7).
    #[arg(long, env = "PQXDH_LAB_SEED", default_value_t = 7)]
    seed: u64,
    /// How many messages of strict alternation to follow.
    #[arg(long, default_value_t = 200)]
    messages: usize,
}

// ANCHOR: chain_start
/// SPQR's epoch-0 chain, seeded from PQXDH's pqr_key (spqr src/chain.rs:305-325):
/// HKDF(salt = 32 zero bytes, IKM = pqr_key, "Signal PQ Ratchet V1 Chain  Start")
/// → next root ‖ Alice→Bob ‖ Bob→Alice. The label has two spaces before "Start".
fn chain_start(pqr_key: &[u8]) -> ([u8; 32], [u8; 32], [u8; 32]) {
    let mut okm = [0u8; 96];
    Hkdf::<Sha256>::new(Some(&[0u8; 32]), pqr_key)
        .expand(b"Signal PQ Ratchet V1 Chain  Start", &mut okm)
        .expect("96 bytes is a valid HKDF-SHA256 length");
    let part = |i: usize| okm[32 * i..32 * (i + 1)].try_into().expect("32 bytes");
    (part(0), part(1), part(2))
}

/// One step of a direction's chain (spqr src/chain.rs:218-235): HKDF(salt =
/// 32 zero bytes, IKM = the direction's secret, BE32(counter) ‖ "Signal PQ
/// Ratchet V1 Chain Next") → the next secret ‖ this message's SPQR key.
fn chain_next(secret: &[u8; 32], counter: u32) -> ([u8; 32], [u8; 32]) {
    let mut info = counter.to_be_bytes().to_vec();
    info.extend_from_slice(b"Signal PQ Ratchet V1 Chain Next");
    let mut okm = [0u8; 64];
    Hkdf::<Sha256>::new(Some(&[0u8; 32]), secret)
        .expand(&info, &mut okm)
        .expect("64 bytes is a valid HKDF-SHA256 length");
    (
        okm[..32].try_into().expect("32 bytes"),
        okm[32..].try_into().expect("32 bytes"),
    )
}
// ANCHOR_END: chain_start

/// The epoch whose secret keys a message: the SPQR message's epoch minus
/// one (spqr src/lib.rs:283, :409); `None` for an unsalted message.
fn key_epoch(m: &MessageRecord) -> Option<u64> {
    m.pq_key?;
    m.spqr.message.map(|s| s.epoch - 1)
}

/// What a message's SPQR part carries, in the ML-KEM Braid spec's names.
fn sends(payload: SpqrPayload) -> &'static str {
    match payload {
        SpqrPayload::None => "-",
        SpqrPayload::Header => "header",
        SpqrPayload::EncapsulationKey => "ek",
        SpqrPayload::EncapsulationKeyAndAck => "ek, ack of ct1",
        SpqrPayload::Ct1Ack => "ack of ct1",
        SpqrPayload::Ct1 => "ct1",
        SpqrPayload::Ct2 => "ct2",
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    // Say which seed this is, on stderr: standard output stays what the book shows.
    eprintln!(
        "seed {} (--seed N or PQXDH_LAB_SEED; the book uses 7)",
        args.seed
    );
    let transcript = engine::run(RunOptions {
        seed: args.seed,
        one_time_prekey: false,
    })?;
    let pqr_key = transcript
        .value("pqr_key")
        .ok_or("the transcript has no pqr_key")?
        .bytes
        .clone();
    // ANCHOR: run
    let c = conversation::run(ConversationOptions {
        seed: args.seed,
        messages: args.messages,
        pattern: Pattern::PingPong,
        ..ConversationOptions::default()
    })?;
    // ANCHOR_END: run
    println!(
        "Seed {}: PQXDH, then {} messages in strict alternation (checks against libsignal: {}).",
        args.seed,
        c.messages.len(),
        if c.checks_passed() {
            "passed"
        } else {
            "FAILED"
        }
    );

    // ANCHOR: first_keys
    // The first SPQR keys, from pqr_key alone: each direction's chain steps
    // once per message, counting from 1.
    let (_next_root, alice_to_bob, bob_to_alice) = chain_start(&pqr_key);
    let (bob_next, bob_key_1) = chain_next(&bob_to_alice, 1);
    let (_, bob_key_2) = chain_next(&bob_next, 2);
    let (_, alice_key_1) = chain_next(&alice_to_bob, 1);
    // ANCHOR_END: first_keys
    println!();
    println!(
        "pqr_key (bytes 64..96 of the PQXDH KDF) = {}",
        hex::encode(&pqr_key)
    );
    println!(
        "epoch-0 chain, Alice→Bob secret = {}",
        hex::encode(alice_to_bob)
    );
    println!(
        "epoch-0 chain, Bob→Alice secret = {}",
        hex::encode(bob_to_alice)
    );
    let shown = [
        (1, None),
        (2, Some(bob_key_1)),
        (3, Some(alice_key_1)),
        (4, Some(bob_key_2)),
    ];
    for (index, computed) in shown {
        let Some(m) = c.message(index) else { continue };
        let salt = m.pq_key.map_or("none".to_string(), hex::encode);
        println!(
            "message {index} ({}): SPQR key {salt}; as computed from pqr_key: {}",
            m.from.name(),
            m.pq_key == computed
        );
    }

    println!();
    println!(
        "The Braid, message by message (a line when a sender's state or what it sends changes):"
    );
    println!(
        "    #  from   Braid epoch, state          sends               its chain has  keys from"
    );
    let mut last: [Option<(&str, &str)>; 2] = [None, None];
    for m in &c.messages {
        let who = usize::from(m.from == Party::Bob);
        let sends = m.spqr.message.map_or("-", |s| sends(s.payload));
        let now = (m.spqr.braid_state, sends);
        if last[who] == Some(now) {
            continue;
        }
        last[who] = Some(now);
        let chunk = m
            .spqr
            .message
            .and_then(|s| s.chunk)
            .map_or(String::new(), |(n, _)| format!(" #{n}"));
        println!(
            "  {:>3}  {:<5}  {:>2}, {:<22}  {:<18}  {:>13}  {}",
            m.index,
            m.from.name(),
            m.spqr
                .braid_epoch
                .map_or("-".to_string(), |e| e.to_string()),
            m.spqr.braid_state,
            format!("{sends}{chunk}"),
            m.spqr
                .chain_epoch
                .map_or("no chain".to_string(), |e| format!("epoch {e}")),
            key_epoch(m).map_or("unsalted".to_string(), |e| format!("epoch {e}"))
        );
    }

    println!();
    // ANCHOR: fresh_epochs
    // The first message of each sender whose key comes from a newer epoch.
    let mut newest = [0u64; 2];
    for m in &c.messages {
        let who = usize::from(m.from == Party::Bob);
        match key_epoch(m) {
            Some(epoch) if epoch > newest[who] => {
                newest[who] = epoch;
                println!(
                    "message {:>3} ({}): its sender's first SPQR key from epoch {epoch}, a secret \
                     agreed with ML-KEM-768 after the handshake",
                    m.index,
                    m.from.name()
                );
            }
            _ => {}
        }
    }
    // ANCHOR_END: fresh_epochs

    println!();
    // ANCHOR: chunks
    // How many messages carried each part of epoch 1, in 32-byte chunks.
    let count = |wanted: &[SpqrPayload]| {
        c.messages
            .iter()
            .filter_map(|m| m.spqr.message)
            .filter(|s| s.epoch == 1 && wanted.contains(&s.payload))
            .count()
    };
    // ANCHOR_END: chunks
    println!(
        "Epoch 1 took {} header chunks, {} ek chunks, {} ct1 chunks and {} ct2 chunks.",
        count(&[SpqrPayload::Header]),
        count(&[
            SpqrPayload::EncapsulationKey,
            SpqrPayload::EncapsulationKeyAndAck
        ]),
        count(&[SpqrPayload::Ct1]),
        count(&[SpqrPayload::Ct2])
    );
    // SPQR's part of each message (SignalMessage field 5), with and without a chunk.
    let lengths = |with_chunk: bool| -> Vec<usize> {
        let mut lengths: Vec<usize> = c
            .messages
            .iter()
            .filter(|m| m.spqr.message.is_some_and(|s| s.chunk.is_some()) == with_chunk)
            .map(|m| m.spqr.message_len)
            .collect();
        lengths.sort_unstable();
        lengths.dedup();
        lengths
    };
    let chunks = c
        .messages
        .iter()
        .filter(|m| m.spqr.message.is_some_and(|s| s.chunk.is_some()))
        .count();
    println!(
        "SPQR's field in a message: {:?} bytes with a chunk ({chunks} of {} messages), {:?} without",
        lengths(true),
        c.messages.len(),
        lengths(false)
    );
    Ok(())
}
