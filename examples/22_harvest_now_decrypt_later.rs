//! Chapter IV.5: harvest now, decrypt later.
//!
//! Run it: `cargo run --example 22_harvest_now_decrypt_later -- --seed 7`
//! The same lab as `pqxdh-lab lab harvest-now-decrypt-later --seed 7`; the
//! attack itself is in `src/labs/harvest_now_decrypt_later.rs`, the X3DH
//! derivation in `src/labs/x3dh.rs`.

use clap::Parser;
use pqxdh_lab::engine::RunOptions;
use pqxdh_lab::labs::harvest_now_decrypt_later;
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
    let t = harvest_now_decrypt_later::run(options)?;
    // ANCHOR_END: run
    let hex = |name: &str| {
        t.value(name)
            .map(|v| hex::encode(&v.bytes))
            .unwrap_or_default()
    };
    let dhs = if args.one_time_prekey { 4 } else { 3 };
    for i in 1..=dhs {
        println!("DH{i}, Alice's:      {}", hex(&format!("DH{i}")));
        println!("DH{i}, the attacker: {}", hex(&format!("attacker.DH{i}")));
    }
    println!("root_key, Alice's:      {}", hex("root_key"));
    println!("root_key, the attacker: {}", hex("attacker.root_key"));
    println!("X3DH root key, the attacker: {}", hex("x3dh.root_key"));
    println!();
    print!("{}", lab::results(&t));
    Ok(())
}
