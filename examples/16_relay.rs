//! Chapter III.3: the relay and what it sees.
//!
//! Alice sends Bob a file through a relay folder. We list every object the
//! relay holds, take each apart with only public knowledge (what any server
//! operator could do), and search all of it for the secrets of the run.
//! Then the relay turns hostile: it hands Carol its own keys for Bob at her
//! first contact, and the safety numbers show it.
//!
//! Run it: `cargo run --example 16_relay -- --seed 7`

use std::fs;
use std::path::{Path, PathBuf};

use clap::Parser;
use pqxdh_lab::engine::demo_now;
use pqxdh_lab::share::{self, Account, DirRelay, Name, Relay, inspect};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

#[derive(Parser)]
struct Args {
    /// The same seed gives the same bytes on every machine (the book uses 7).
    #[arg(long, env = "PQXDH_LAB_SEED", default_value_t = 7)]
    seed: u64,
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
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
    let mut rng = ChaCha20Rng::seed_from_u64(args.seed);

    // ANCHOR: send
    let relay = DirRelay::open(dir.join("relay"))?;
    let homes = dir.join("homes");
    share::init(&homes, &relay, "alice", 2, &mut rng)?;
    share::init(&homes, &relay, "bob", 2, &mut rng)?;
    let secret = "The launch code is 0000. Tell no one.\n";
    fs::write(dir.join("secret.txt"), secret)?;
    let mut alice = Account::load(&homes, "alice", &relay, demo_now, &mut rng)?;
    share::send(&mut alice, "bob", &dir.join("secret.txt"), &mut |_, _| {})?;
    // ANCHOR_END: send

    // ANCHOR: inspect
    // Everything the relay holds, as its operator would see it.
    let message_ids = relay.inbox("bob")?;
    for path in files(relay.root()) {
        let shown = path
            .strip_prefix(relay.root())?
            .to_string_lossy()
            .into_owned();
        // Message file names hold the arrival time; show a fixed placeholder.
        let shown = message_ids
            .iter()
            .fold(shown, |s, id| s.replace(id.as_str(), "<message id>"));
        let seen = inspect::inspect(&path)?;
        println!("\n{shown}: {} ({} bytes)", seen.kind, seen.size);
        for line in &seen.lines {
            println!("  {:22} {}", line.label, line.value);
        }
        for hidden in &seen.hidden {
            println!("  hidden: {hidden}");
        }
    }
    // ANCHOR_END: inspect

    // ANCHOR: scan
    // Search every relay byte for the plaintext and for each private value
    // in the two home folders (any 16-byte window of it).
    let relay_bytes: Vec<u8> = files(relay.root())
        .iter()
        .flat_map(|p| fs::read(p).unwrap_or_default())
        .collect();
    let mut secrets: Vec<(String, Vec<u8>)> = vec![("the file".into(), secret.as_bytes().into())];
    for name in ["alice", "bob"] {
        let state: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(homes.join(name).join("state.json"))?)?;
        let ikp = hex::decode(state["identity_key_pair"].as_str().unwrap_or_default())?;
        // IdentityKeyPair: public key and private key; the last 32 bytes are private.
        secrets.push((
            format!("{name}'s IK private key"),
            ikp[ikp.len() - 32..].to_vec(),
        ));
    }
    let found: Vec<&String> = secrets
        .iter()
        .filter(|(_, s)| {
            s.windows(16)
                .any(|w| relay_bytes.windows(16).any(|r| r == w))
        })
        .map(|(name, _)| name)
        .collect();
    println!(
        "\nsearched {} relay bytes for {} secrets: {}",
        relay_bytes.len(),
        secrets.len(),
        if found.is_empty() {
            "none found".to_string()
        } else {
            format!("FOUND {found:?}")
        }
    );
    // ANCHOR_END: scan

    println!("\nA relay that substitutes keys at first contact");
    // Alice's send is over: her home is free for the next command.
    drop(alice);
    // Bob collects Alice's file: now each holds the other's identity key.
    let mut bob = Account::load(&homes, "bob", &relay, demo_now, &mut rng)?;
    share::receive(&mut bob, &dir.join("bob-got"), &mut |_, _, _| {})?;
    drop(bob);
    let (alice, bob) = (Name::new("alice")?, Name::new("bob")?);
    let number = |me: &Name, peer: &Name, rng: &mut ChaCha20Rng| {
        let account = Account::load(&homes, me.as_str(), &relay, demo_now, rng)?;
        share::safety_number(&account, peer)
    };
    let a = number(&alice, &bob, &mut rng)?;
    let b = number(&bob, &alice, &mut rng)?;
    println!("  alice's number for bob  {a}");
    println!("  bob's number for alice  {b}");
    println!(
        "  {}",
        if a == b {
            "the same: nothing in between"
        } else {
            "DIFFERENT"
        }
    );

    // ANCHOR: substitute
    // The relay makes keys of its own for "bob" and "carol" (correctly
    // signed, in a home of its own) and swaps its bundle for Bob's while
    // Carol makes her first contact; then it puts Bob's back.
    share::init(&homes, &relay, "carol", 2, &mut rng)?;
    let own = dir.join("relay-operator");
    let fake = DirRelay::open(own.join("relay"))?;
    share::init(&own.join("homes"), &fake, "bob", 0, &mut rng)?;
    share::init(&own.join("homes"), &fake, "carol", 0, &mut rng)?;
    let real_bob = relay.root().join("bundles/bob.bundle");
    let genuine = fs::read(&real_bob)?;
    fs::copy(fake.root().join("bundles/bob.bundle"), &real_bob)?;
    let mut carol = Account::load(&homes, "carol", &relay, demo_now, &mut rng)?;
    let taken = share::send(&mut carol, "bob", &dir.join("secret.txt"), &mut |_, _| {})?;
    drop(carol);
    fs::write(&real_bob, &genuine)?;
    // Carol's message is encrypted to the relay's "bob": it takes it (its
    // keys open it), and passes the file on to Bob as its own "carol", whose
    // first message carries the relay's identity key.
    relay.delete("bob", &taken.message_id)?;
    let mut fake_carol = Account::load(&own.join("homes"), "carol", &relay, demo_now, &mut rng)?;
    share::send(
        &mut fake_carol,
        "bob",
        &dir.join("secret.txt"),
        &mut |_, _| {},
    )?;
    drop(fake_carol);
    let mut bob_acc = Account::load(&homes, "bob", &relay, demo_now, &mut rng)?;
    share::receive(&mut bob_acc, &dir.join("bob-got"), &mut |_, _, _| {})?;
    drop(bob_acc);
    // ANCHOR_END: substitute

    // ANCHOR: compare
    // Each side computes the number from the key its own sessions use.
    let carol_name = Name::new("carol")?;
    let c = number(&carol_name, &bob, &mut rng)?;
    let b = number(&bob, &carol_name, &mut rng)?;
    println!("  carol's number for bob  {c}");
    println!("  bob's number for carol  {b}");
    println!(
        "  {}",
        if c == b {
            "the same"
        } else {
            "DIFFERENT: each was given keys that are not the other's"
        }
    );
    // ANCHOR_END: compare
    Ok(())
}
