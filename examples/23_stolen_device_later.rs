//! Chapter IV.6: Bob's phone is stolen after the session.
//!
//! Run it: `cargo run --example 23_stolen_device_later -- --seed 7`
//! The same lab as `pqxdh-lab lab stolen-device-later --seed 7`, with and
//! without `--one-time-prekey`; the attack itself is in
//! `src/labs/stolen_device_later.rs`.

use clap::Parser;
use pqxdh_lab::engine::RunOptions;
use pqxdh_lab::labs::stolen_device_later::{self, OneTimeDeletion};
use pqxdh_lab::views::lab;

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
    for one_time_prekey in [false, true] {
        let options = RunOptions {
            seed: args.seed,
            one_time_prekey,
        };
        // ANCHOR: run
        let t = stolen_device_later::run(options)?;
        // ANCHOR_END: run
        let hex = |name: &str| {
            t.value(name)
                .map(|v| hex::encode(&v.bytes))
                .unwrap_or_default()
        };
        println!(
            "=== {} one-time prekey ===",
            if one_time_prekey {
                "With a"
            } else {
                "Without a"
            }
        );
        println!("root_key, Alice's: {}", hex("root_key"));
        println!("root_key, thief's: {}", hex("thief.root_key"));
        print!("{}", lab::results(&t));
        println!();
    }

    // ANCHOR: off
    // The defence switched off: a phone that keeps used one-time prekeys.
    let kept = stolen_device_later::run_with(
        RunOptions {
            seed: args.seed,
            one_time_prekey: true,
        },
        OneTimeDeletion::Keeps,
    )?;
    // ANCHOR_END: off
    if let Some(r) = &kept.lab {
        println!(
            "With the used one-time prekey kept: verdict {}",
            r.verdict.as_str()
        );
    }
    Ok(())
}
