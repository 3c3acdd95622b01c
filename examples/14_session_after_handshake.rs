//! Chapter III.1: sessions after the handshake.
//!
//! PQXDH runs once, on first contact. Every later message rides the session
//! it created, and a file's key travels inside such a message, the way Signal
//! sends an attachment pointer.
//!
//! Run it: `cargo run --example 14_session_after_handshake -- --seed 7`

use clap::Parser;
use pqxdh_lab::engine::demo_now;
use pqxdh_lab::protobuf::{self, FieldType, Payload};
use pqxdh_lab::share::pointer::AttachmentPointer;
use pqxdh_lab::share::{self, Account, DirRelay};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;

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
    println!("seed {}", args.seed);
    let scratch = tempfile::tempdir()?;
    let dir = scratch.path();

    // ANCHOR: setup
    // A relay folder, two home folders, and one seeded RNG for every choice.
    let mut rng = ChaCha20Rng::seed_from_u64(args.seed);
    let relay = DirRelay::open(dir.join("relay"))?;
    let homes = dir.join("homes");
    share::init(&homes, &relay, "alice", 5, &mut rng)?;
    share::init(&homes, &relay, "bob", 5, &mut rng)?;
    std::fs::write(dir.join("notes.txt"), "Meet at the usual place at noon.\n")?;
    // ANCHOR_END: setup

    // ANCHOR: three_sends
    // Each command loads the person's home as an Account, on the same relay.
    let send = |rng: &mut ChaCha20Rng| {
        let mut alice = Account::load(&homes, "alice", &relay, demo_now, rng)?;
        share::send(&mut alice, "bob", &dir.join("notes.txt"), &mut |_, _| {})
    };
    let receive = |rng: &mut ChaCha20Rng| {
        let mut bob = Account::load(&homes, "bob", &relay, demo_now, rng)?;
        share::receive(&mut bob, &dir.join("received"), &mut |_, _, _| {})
    };
    // 1. First contact: PQXDH from Bob's bundle, then the message.
    let first = send(&mut rng)?;
    // 2. Bob has not answered yet: libsignal keeps attaching the PQXDH data.
    let second = send(&mut rng)?;
    // 3. Bob receives both and answers each with a delivery receipt…
    let got = receive(&mut rng)?;
    // …so Alice's next message is a plain SignalMessage on the same session.
    let third = send(&mut rng)?;
    // ANCHOR_END: three_sends

    for (n, s) in [(1, &first), (2, &second), (3, &third)] {
        println!(
            "send {n}: first contact {:5}  {:19} {:5} bytes  (file 33 bytes, blob {} bytes)",
            s.first_contact,
            s.message_type.libsignal_name(),
            s.message_len,
            s.blob_len
        );
    }
    println!(
        "Bob received {} files and answered each with a receipt; refused: {}",
        got.files.len(),
        got.failures.len()
    );
    println!(
        "PQXDH overhead in a first message: {} bytes (IK_A, EK_A, CT, prekey ids)",
        first.message_len - third.message_len
    );

    // ANCHOR: pointer
    // What the encrypted message carries: an attachment pointer with Signal's
    // field numbers. (A stand-in key here; a real one is fresh per file.)
    let pointer = AttachmentPointer {
        blob_id: third.blob_id.clone(),
        key: rng.random(),
        size: third.plaintext_len,
        digest: third.blob_sha256,
        file_name: "notes.txt".into(),
        chunk_size: share::stream::SEGMENT_SIZE as u32,
    };
    let bytes = pointer.encode();
    // ANCHOR_END: pointer
    println!("\nAttachmentPointer, {} bytes:", bytes.len());
    // Each field, named and typed by the pointer's own field table.
    for field in protobuf::fields(&bytes) {
        let field = field?;
        let spec = AttachmentPointer::FIELDS
            .iter()
            .find(|spec| spec.number == field.number);
        let value = match (field.payload, spec.map(|spec| spec.ty)) {
            (Payload::Varint(v), _) => v.to_string(),
            (Payload::Bytes(b), Some(FieldType::Text)) => {
                format!("\"{}\"", String::from_utf8_lossy(b))
            }
            (Payload::Bytes(b), _) => hex::encode(b),
        };
        let name = spec.map_or("?", |spec| spec.name);
        println!("  field {:2} {:17} {value}", field.number, name);
    }
    Ok(())
}
