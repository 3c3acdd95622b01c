//! Chapter III.4: the image demo.
//!
//! Alice sends Bob a picture through a relay folder. Three pictures come out:
//! the original, the relay's blob drawn as pixels, and what Bob decrypted.
//!
//! Run it: `cargo run --example 17_image_demo -- --seed 7 --out pictures`

use std::path::PathBuf;

use clap::Parser;
use pqxdh_lab::demo::image;

#[derive(Parser)]
struct Args {
    /// The same seed gives the same bytes on every machine (the book uses 7).
    #[arg(long, env = "PQXDH_LAB_SEED", default_value_t = 7)]
    seed: u64,
    /// Where to write the three pictures (default: a temporary folder,
    /// removed at the end).
    #[arg(long)]
    out: Option<PathBuf>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    // Say which seed this is, on stderr: standard output stays what the book shows.
    eprintln!(
        "seed {} (--seed N or PQXDH_LAB_SEED; the book uses 7)",
        args.seed
    );
    let scratch = tempfile::tempdir()?;
    let out = args.out.unwrap_or_else(|| scratch.path().to_path_buf());

    // ANCHOR: run
    // The sample padlock picture; pass Some(path) to send your own PNG.
    let demo = image::run(None, &out, args.seed)?;
    print!("{}", image::describe(&demo, args.seed));
    // ANCHOR_END: run

    // ANCHOR: noise
    // How far from uniform are the bytes? Pearson's chi-square over the 256
    // byte values: about 255 for random bytes, huge for a picture.
    let chi_square = |bytes: &[u8]| {
        let mut counts = [0f64; 256];
        bytes.iter().for_each(|&b| counts[b as usize] += 1.0);
        let expected = bytes.len() as f64 / 256.0;
        counts
            .iter()
            .map(|c| (c - expected).powi(2) / expected)
            .sum::<f64>()
    };
    let original = ::image::open(&demo.original)?.to_rgb8().into_raw();
    let server = ::image::open(&demo.server_view)?.to_rgb8().into_raw();
    println!("\nchi-square of the pixel bytes (255 means \"looks random\"):");
    println!("  original.png     {:>12.0}", chi_square(&original));
    println!("  server-view.png  {:>12.0}", chi_square(&server));
    // ANCHOR_END: noise
    Ok(())
}
