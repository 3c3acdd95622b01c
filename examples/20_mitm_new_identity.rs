//! Chapter IV.3: the server hands out an identity of its own as Bob's.
//!
//! Run it: `cargo run --example 20_mitm_new_identity -- --seed 7`
//! The same lab as `pqxdh-lab lab mitm-new-identity --seed 7`; the attack
//! itself is in `src/labs/mitm_new_identity.rs`.

use clap::Parser;
use pqxdh_lab::engine::RunOptions;
use pqxdh_lab::labs::mitm_new_identity::{self, Comparison, grouped};
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
    let t = mitm_new_identity::run(options)?;
    // ANCHOR_END: run
    let hex = |name: &str| {
        t.value(name)
            .map(|v| hex::encode(&v.bytes))
            .unwrap_or_default()
    };
    println!("IK_B, Bob's:        {}", hex("IK_B"));
    println!("IK_M, the server's: {}", hex("IK_M"));
    println!();
    print!("{}", lab::results(&t));

    if let Some(LabDetails::MitmNewIdentity {
        safety_number_alice,
        safety_number_bob,
        safety_number_ids: ids,
        ..
    }) = t.lab.as_ref().map(|l| &l.details)
    {
        println!();
        println!("Alice's phone: {}", grouped(safety_number_alice));
        println!("Bob's phone:   {}", grouped(safety_number_bob));
        println!(
            "(fingerprint version {}, {} iterations, ids {} and {})",
            ids.version, ids.iterations, ids.alice, ids.bob
        );
    }

    // ANCHOR: off
    // The defence switched off: nobody compares the numbers.
    let unseen = mitm_new_identity::run_with(options, Comparison::Skipped)?;
    // ANCHOR_END: off
    if let Some(r) = &unseen.lab {
        println!();
        println!("Without comparing: verdict {}", r.verdict.as_str());
    }
    Ok(())
}
