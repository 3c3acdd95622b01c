//! Chapter IV.9: someone holding SPK_B.priv forges a first message "from Alice".
//!
//! Run it: `cargo run --example 26_key_compromise_impersonation -- --seed 7`
//! The same lab as `pqxdh-lab lab key-compromise-impersonation --seed 7`; the
//! forgery itself is in `src/labs/key_compromise_impersonation.rs`.

use clap::Parser;
use pqxdh_lab::engine::RunOptions;
use pqxdh_lab::labs::key_compromise_impersonation::{self, Rotation};
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
    let t = key_compromise_impersonation::run(options)?;
    // ANCHOR_END: run
    let hex = |name: &str| {
        t.value(name)
            .map(|v| hex::encode(&v.bytes))
            .unwrap_or_default()
    };
    println!("IK_A, Alice's (public):        {}", hex("IK_A"));
    println!("EK_M, the forger's base key:   {}", hex("EK_M"));
    println!("DH1 from SPK_B's end:          {}", hex("attacker.DH1"));
    println!();
    print!("{}", lab::results(&t));

    // ANCHOR: rotated
    // Bob has replaced SPK_B and deleted the old one since the theft.
    let rotated = key_compromise_impersonation::run_with(options, Rotation::Rotated)?;
    // ANCHOR_END: rotated
    if let Some(r) = &rotated.lab {
        println!();
        println!("After Bob rotated SPK_B: verdict {}", r.verdict.as_str());
        println!("  {}", r.summary);
    }
    Ok(())
}
