//! Chapter III.3: the relay and what it sees.
//!
//! Alice sends Bob a file through a relay folder. We list every object the
//! relay holds, take each apart with only public knowledge (what any server
//! operator could do), and search all of it for the secrets of the run.
//!
//! Run it: `cargo run --example 16_relay -- --seed 7`

use std::fs;
use std::path::{Path, PathBuf};

use clap::Parser;
use pqxdh_lab::engine::demo_now;
use pqxdh_lab::share::{self, DirRelay, Relay, inspect};
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
    share::send(
        &homes,
        &relay,
        "alice",
        "bob",
        &dir.join("secret.txt"),
        demo_now(),
        &mut rng,
        &mut |_, _| {},
    )?;
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
    Ok(())
}
