//! Chapter IV.8: the session keys re-derived with one mistake each.
//!
//! Run it: `cargo run --example 25_kdf_mistakes -- --seed 7`
//! The same lab as `pqxdh-lab lab kdf-mistakes --seed 7`; the mistakes and
//! the message builder are in `src/labs/kdf_mistakes.rs` and `src/labs/message.rs`.

use clap::Parser;
use pqxdh_lab::engine::RunOptions;
use pqxdh_lab::labs::kdf_mistakes;
use pqxdh_lab::transcript::LabDetails;
use pqxdh_lab::views::lab;

#[derive(Parser)]
struct Args {
    /// The same seed gives the same bytes on every machine (the book uses 7).
    #[arg(long, env = "PQXDH_LAB_SEED", default_value_t = 7)]
    seed: u64,
    /// Bob also publishes a one-time prekey OPK_B.
    #[arg(long)]
    one_time_prekey: bool,
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
        one_time_prekey: args.one_time_prekey,
    };

    // ANCHOR: run
    let t = kdf_mistakes::run(options)?;
    // ANCHOR_END: run
    if let Some(root) = t.value("root_key") {
        println!("libsignal's root_key {}", hex::encode(&root.bytes));
    }
    if let Some(LabDetails::KdfMistakes { mistakes, .. }) = t.lab.as_ref().map(|l| &l.details) {
        for m in mistakes {
            println!(
                "{:<15} root_key {}  accepted: {}",
                m.mistake,
                hex::encode(&m.root_key),
                m.libsignal_accepts
            );
        }
    }
    println!();
    print!("{}", lab::results(&t));
    Ok(())
}
