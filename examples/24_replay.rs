//! Chapter IV.7: the server delivers Alice's first message again.
//!
//! Run it: `cargo run --example 24_replay -- --seed 7`
//! The same lab as `pqxdh-lab lab replay --seed 7`, with and without
//! `--one-time-prekey`; the lab itself is in `src/labs/replay.rs`.

use clap::Parser;
use pqxdh_lab::engine::RunOptions;
use pqxdh_lab::labs::replay::{self, BaseKeyMemory};
use pqxdh_lab::transcript::LabDetails;
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
        let t = replay::run(options)?;
        // ANCHOR_END: run
        println!(
            "=== {} one-time prekey ===",
            if one_time_prekey {
                "With a"
            } else {
                "Without a"
            }
        );
        if let Some(ek_a) = t.value("EK_A") {
            println!("the replayed base key EK_A: {}", hex::encode(&ek_a.bytes));
        }
        print!("{}", lab::results(&t));
        if let Some(LabDetails::Replay { deliveries }) = t.lab.as_ref().map(|l| &l.details) {
            for d in deliveries {
                println!(
                    "  {:<15} accepted: {:<5} refused by: {}",
                    d.situation,
                    d.accepted,
                    d.refused_by.unwrap_or("-")
                );
            }
        }
        println!();
    }

    // ANCHOR: off
    // The defence switched off: Bob's own Kyber store forgets base keys.
    let forgetful = replay::run_with(
        RunOptions {
            seed: args.seed,
            one_time_prekey: false,
        },
        BaseKeyMemory::None,
    )?;
    // ANCHOR_END: off
    if let Some(r) = &forgetful.lab {
        println!(
            "A Bob whose Kyber store forgets, no one-time prekey: verdict {}",
            r.verdict.as_str()
        );
    }
    Ok(())
}
