//! Chapter V.2: the Diffie-Hellman ratchet.
//!
//! Run it: `cargo run --example 28_dh_ratchet -- --seed 7`
//! The first two ratchet steps are recomputed from the private keys in
//! libsignal's own sessions, right after the handshake; the timelines are
//! those of `pqxdh-lab conversation --seed 7 --pattern ping-pong|bursts`.

use clap::Parser;
use futures::executor::block_on;
use libsignal_protocol::{PrivateKey, PublicKey, SessionRecord, SessionStore};
use pqxdh_lab::conversation::{self, Conversation, ConversationOptions, Pattern};
use pqxdh_lab::engine::{self, RunOptions, address, kdf};
use pqxdh_lab::protobuf::{FieldSpec, Message};

#[derive(Parser)]
struct Args {
    /// The same seed gives the same bytes on every machine (the book uses 7).
    #[arg(long, env = "PQXDH_LAB_SEED", default_value_t = 7)]
    seed: u64,
}

// ANCHOR: storage
// libsignal keeps its session as a protobuf (libsignal src/proto/storage.proto);
// these are the fields this example reads. The root key and the private
// ratchet key have no getter in libsignal's API.
static RECORD: [FieldSpec; 1] = [FieldSpec::bytes(1, "current_session")];
static SESSION: [FieldSpec; 2] = [
    FieldSpec::bytes(4, "root_key"),
    FieldSpec::bytes(6, "sender_chain"),
];
static CHAIN: [FieldSpec; 3] = [
    FieldSpec::bytes(1, "sender_ratchet_key"),
    FieldSpec::bytes(2, "sender_ratchet_key_private"),
    FieldSpec::bytes(3, "chain_key"),
];
static CHAIN_KEY: [FieldSpec; 1] = [FieldSpec::bytes(2, "key")];
// ANCHOR_END: storage

/// What a session holds for its sending side.
struct Sending {
    root_key: Vec<u8>,
    ratchet_public: PublicKey,
    ratchet_private: PrivateKey,
    chain_key: Vec<u8>,
}

fn sending(record: &SessionRecord) -> Result<Sending, Box<dyn std::error::Error>> {
    let serialized = record.serialize()?;
    let session = Message::read(&serialized, &RECORD)?.bytes(&RECORD[0])?;
    let session = Message::read(session, &SESSION)?;
    let chain = Message::read(session.bytes(&SESSION[1])?, &CHAIN)?;
    let chain_key = Message::read(chain.bytes(&CHAIN[2])?, &CHAIN_KEY)?;
    Ok(Sending {
        root_key: session.bytes(&SESSION[0])?.to_vec(),
        ratchet_public: PublicKey::deserialize(chain.bytes(&CHAIN[0])?)?,
        ratchet_private: PrivateKey::deserialize(chain.bytes(&CHAIN[1])?)?,
        chain_key: chain_key.bytes(&CHAIN_KEY[0])?.to_vec(),
    })
}

fn short(bytes: &[u8]) -> String {
    hex::encode(&bytes[..4])
}

/// One line per message: who, the ratchet key, the counters, and the root
/// key whenever the message opens a new sending chain.
fn timeline(c: &Conversation) {
    println!(
        "{} ({}), {} messages:",
        c.pattern.name(),
        c.pattern.about(),
        c.messages.len()
    );
    println!("   #  from   ratchet key  counter  previous  new chain: root key after the step");
    for m in &c.messages {
        let step = match (m.dh_ratchet_step, m.root_key) {
            (true, Some(root)) => format!("yes: {}…", short(&root)),
            (true, None) => "yes".to_string(),
            (false, _) => "-".to_string(),
        };
        println!(
            "  {:>2}  {:<5}  05{}…   {:>7}  {:>8}  {step}",
            m.index,
            m.from.name(),
            short(&m.ratchet_key[1..]),
            m.counter,
            m.previous_counter
        );
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    // Say which seed this is, on stderr: standard output stays what the book shows.
    eprintln!(
        "seed {} (--seed N or PQXDH_LAB_SEED; the book uses 7)",
        args.seed
    );
    let options = RunOptions {
        seed: args.seed,
        one_time_prekey: false,
    };
    let transcript = engine::run(options)?;
    let value = |name: &str| {
        transcript
            .value(name)
            .map(|v| v.bytes.clone())
            .ok_or(format!("the transcript has no {name}"))
    };
    let c = conversation::run(ConversationOptions {
        seed: args.seed,
        messages: 8,
        pattern: Pattern::PingPong,
        ..ConversationOptions::default()
    })?;
    let (m1, m2) = (&c.messages[0], &c.messages[1]);

    // ANCHOR: sessions
    // The same handshake through libsignal's session API: Alice's session
    // before her first message, Bob's right after he decrypted it.
    let sessions = engine::handshake_sessions(options)?;
    let alice = sending(&sessions.alice_session_before_first_message)?;
    let bob_record = block_on(sessions.bob_store.load_session(&address("alice")))?
        .ok_or("Bob has no session with Alice")?;
    let bob = sending(&bob_record)?;
    // ANCHOR_END: sessions

    let spk_b = PublicKey::deserialize(&value("SPK_B")?)?;
    let spk_b_private = PrivateKey::deserialize(&value("SPK_B.priv")?)?;
    let handshake_root_key = value("root_key")?;

    // ANCHOR: step1
    // Step 1, Alice: her first ratchet key pair with Bob's signed prekey,
    // mixed into the handshake's root key (libsignal src/ratchet.rs:94-98).
    let dh_alice = alice.ratchet_private.calculate_agreement(&spk_b)?;
    // Bob, receiving message 1, computes the same DH from the other two halves.
    let dh_bob = spk_b_private.calculate_agreement(&alice.ratchet_public)?;
    let (root_1, chain_a1) = kdf::ratchet_root_step(&handshake_root_key, &dh_alice);
    // ANCHOR_END: step1
    println!("Step 1, in Alice's session set-up: her ratchet key A1 and Bob's SPK_B");
    println!(
        "  A1 (public)           {}",
        hex::encode(alice.ratchet_public.serialize())
    );
    println!(
        "  = ratchet key of message 1 on the wire: {}",
        alice.ratchet_public.serialize()[..] == m1.ratchet_key[..]
    );
    println!("  DH(A1, SPK_B), Alice:  {}", hex::encode(&dh_alice));
    println!("  DH(SPK_B, A1), Bob:    {}", hex::encode(&dh_bob));
    println!("  equal: {}", dh_alice == dh_bob);
    println!("  HKDF(salt = root key from PQXDH, IKM = DH, \"WhisperRatchet\"):");
    println!("    new root key        {}", hex::encode(root_1));
    println!("    chain key A1        {}", hex::encode(chain_a1));
    println!(
        "    = the chain key of message 1: {}; = Alice's stored sending chain key: {}",
        chain_a1 == m1.chain_key,
        alice.chain_key[..] == chain_a1
    );

    // ANCHOR: step2
    // Step 2, Bob, still receiving message 1: a fresh ratchet key pair B1 of
    // his own, and a sending chain from DH(B1, A1) (libsignal
    // src/session_cipher.rs:709-727). He has not sent anything yet.
    let dh_b1 = bob
        .ratchet_private
        .calculate_agreement(&alice.ratchet_public)?;
    let (root_2, chain_b1) = kdf::ratchet_root_step(&root_1, &dh_b1);
    // Alice, receiving message 2, computes it with her own private key.
    let dh_a1 = alice
        .ratchet_private
        .calculate_agreement(&bob.ratchet_public)?;
    // ANCHOR_END: step2
    println!();
    println!("Step 2, in Bob's session as he receives message 1: his new ratchet key B1");
    println!(
        "  B1 (public)           {}",
        hex::encode(bob.ratchet_public.serialize())
    );
    println!(
        "  = ratchet key of message 2, which Bob sends later: {}",
        bob.ratchet_public.serialize()[..] == m2.ratchet_key[..]
    );
    println!("  DH(B1, A1), Bob:       {}", hex::encode(&dh_b1));
    println!("  DH(A1, B1), Alice:     {}", hex::encode(&dh_a1));
    println!("  equal: {}", dh_b1 == dh_a1);
    println!("  HKDF(salt = root key of step 1, IKM = DH, \"WhisperRatchet\"):");
    println!("    new root key        {}", hex::encode(root_2));
    println!("    chain key B1        {}", hex::encode(chain_b1));
    println!(
        "    = Bob's stored root key: {}; = his stored sending chain key: {}",
        bob.root_key[..] == root_2,
        bob.chain_key[..] == chain_b1
    );
    println!(
        "    = root key and chain key of message 2: {}",
        m2.root_key == Some(root_2) && m2.chain_key == chain_b1
    );

    println!();
    timeline(&c);
    println!();
    let bursts = conversation::run(ConversationOptions {
        seed: args.seed,
        messages: 9,
        pattern: Pattern::Bursts,
        ..ConversationOptions::default()
    })?;
    timeline(&bursts);
    println!();
    for conversation in [&c, &bursts] {
        println!(
            "checks of the {} conversation against libsignal: {}",
            conversation.pattern.name(),
            if conversation.checks_passed() {
                "passed"
            } else {
                "FAILED"
            }
        );
    }
    Ok(())
}
