//! Chapter IV.2: the server swaps PQSPK_B for a Kyber key of its own.
//!
//! Run it: `cargo run --example 19_forged_kyber_prekey -- --seed 7`
//! The same lab as `pqxdh-lab lab forged-kyber-prekey --seed 7`; the attack
//! itself is in `src/labs/forged_kyber_prekey.rs`.

use clap::Parser;
use pqxdh_lab::engine::RunOptions;
use pqxdh_lab::labs::forged_kyber_prekey::{self, AliceChecks};
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

/// A Kyber key is 1569 bytes: its type byte and first 16 bytes.
fn start(bytes: &[u8]) -> String {
    format!("{} …", hex::encode(&bytes[..17.min(bytes.len())]))
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
    let t = forged_kyber_prekey::run(options)?;
    // ANCHOR_END: run
    let bytes = |name: &str| t.value(name).map(|v| v.bytes.clone()).unwrap_or_default();
    println!("PQSPK_B, Bob's:        {}", start(&bytes("PQSPK_B")));
    println!("PQSPK_M, the server's: {}", start(&bytes("PQSPK_M")));
    println!();
    print!("{}", lab::results(&t));

    // ANCHOR: off
    let unchecked = forged_kyber_prekey::run_with(options, AliceChecks::No)?;
    // ANCHOR_END: off
    let hex = |name: &str| {
        unchecked
            .value(name)
            .map(|v| hex::encode(&v.bytes))
            .unwrap_or_default()
    };
    println!();
    println!("Without the check:");
    println!("  Alice's SS        {}", hex("SS"));
    println!("  the server's SS   {}", hex("attacker.SS"));
    println!("  Alice's chain key {}", hex("chain_key"));
    println!("  the server's      {}", hex("attacker.chain_key"));
    if let Some(r) = &unchecked.lab {
        println!("  verdict: {}", r.verdict.as_str());
    }
    Ok(())
}
