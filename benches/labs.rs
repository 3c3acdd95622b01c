//! How long each attack lab takes, in a release build: switching labs in the
//! UI must feel instant.
//!
//!   cargo bench --bench labs
//!
//! Each lab is run whole (the normal run it starts from, truth check
//! included, then the attack and every libsignal call it makes), with and
//! without a one-time prekey. Prints the median and the slowest of the
//! samples. Target: every median under 50 ms.

use std::hint::black_box;
use std::time::{Duration, Instant};

use pqxdh_lab::engine::RunOptions;
use pqxdh_lab::labs::{self, Lab};

const SAMPLES: u64 = 30;
const TARGET: Duration = Duration::from_millis(50);

fn main() {
    let mut over = Vec::new();
    for lab in Lab::ALL {
        for one_time_prekey in [false, true] {
            let options = |seed| RunOptions {
                seed,
                one_time_prekey,
            };
            // Warm up caches and lazy statics.
            for seed in 0..3 {
                black_box(labs::run(lab, options(seed)).expect("the lab runs"));
            }
            let mut times: Vec<Duration> = (0..SAMPLES)
                .map(|seed| {
                    let start = Instant::now();
                    black_box(labs::run(lab, options(seed)).expect("the lab runs"));
                    start.elapsed()
                })
                .collect();
            times.sort();
            let median = times[times.len() / 2];
            let slowest = times[times.len() - 1];
            let ok = median < TARGET;
            if !ok {
                over.push(format!("{lab} (one-time prekey {one_time_prekey})"));
            }
            println!(
                "{:<29} one-time prekey {:<3}: median {:>6.2} ms, slowest {:>6.2} ms ({SAMPLES} \
                 seeds) {}",
                lab.name(),
                if one_time_prekey { "on" } else { "off" },
                median.as_secs_f64() * 1e3,
                slowest.as_secs_f64() * 1e3,
                if ok { "ok" } else { "OVER TARGET" }
            );
        }
    }
    if over.is_empty() {
        println!("every lab under {} ms", TARGET.as_millis());
    } else {
        println!("over {} ms: {}", TARGET.as_millis(), over.join(", "));
    }
}
