//! Chapter IV.1: the server swaps SPK_B for a key of its own.
//!
//! Run it: `cargo run --example 18_forged_signed_prekey -- --seed 7`
//! The same lab as `pqxdh-lab lab forged-signed-prekey --seed 7`; the attack
//! itself is in `src/labs/forged_signed_prekey.rs`.

use clap::Parser;
use pqxdh_lab::engine::RunOptions;
use pqxdh_lab::labs::forged_signed_prekey::{self, AliceChecks};
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
    // The lab: the normal run up to the bundle, the swap, and libsignal.
    let t = forged_signed_prekey::run(options)?;
    // ANCHOR_END: run
    let hex = |name: &str| {
        t.value(name)
            .map(|v| hex::encode(&v.bytes))
            .unwrap_or_default()
    };
    println!("SPK_B, Bob's:        {}", hex("SPK_B"));
    println!("SPK_M, the server's: {}", hex("SPK_M"));
    println!();
    print!("{}", lab::results(&t));

    // ANCHOR: off
    // The defence switched off: Alice's session is set up without a check.
    let unchecked = forged_signed_prekey::run_with(options, AliceChecks::No)?;
    // ANCHOR_END: off
    let hex = |name: &str| {
        unchecked
            .value(name)
            .map(|v| hex::encode(&v.bytes))
            .unwrap_or_default()
    };
    println!();
    println!("Without the check:");
    println!("  Alice's DH1       {}", hex("DH1"));
    println!("  the server's DH1  {}", hex("attacker.DH1"));
    println!("  Alice's DH3       {}", hex("DH3"));
    println!("  the server's DH3  {}", hex("attacker.DH3"));
    println!("  Alice's chain key {}", hex("chain_key"));
    println!("  the server's      {}", hex("attacker.chain_key"));
    if let Some(r) = &unchecked.lab {
        println!("  verdict: {}", r.verdict.as_str());
    }
    Ok(())
}
