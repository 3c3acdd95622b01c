//! Chapter IV.4: one bit of the Kyber ciphertext CT flips in transit.
//!
//! Run it: `cargo run --example 21_tampered_ciphertext -- --seed 7`
//! The same lab as `pqxdh-lab lab tampered-ciphertext --seed 7`; the attack
//! itself is in `src/labs/tampered_ciphertext.rs`.

use clap::Parser;
use pqxdh_lab::engine::RunOptions;
use pqxdh_lab::labs::tampered_ciphertext::{self, SsInKdf};
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
    let t = tampered_ciphertext::run(options)?;
    // ANCHOR_END: run
    let hex = |name: &str| {
        t.value(name)
            .map(|v| hex::encode(&v.bytes))
            .unwrap_or_default()
    };
    println!("Alice's SS          {}", hex("SS"));
    println!("Bob's SS_bob        {}", hex("SS_bob"));
    println!("Alice's root_key    {}", hex("root_key"));
    println!("Bob's root_key_bob  {}", hex("root_key_bob"));
    println!();
    print!("{}", lab::results(&t));

    // ANCHOR: off
    // The defence switched off: keys from the DH values alone, without SS.
    let without_ss = tampered_ciphertext::run_with(options, SsInKdf::No)?;
    // ANCHOR_END: off
    if let Some(r) = &without_ss.lab {
        println!();
        println!(
            "With SS left out of the KDF: verdict {}",
            r.verdict.as_str()
        );
        println!("  {}", r.summary);
    }
    Ok(())
}
