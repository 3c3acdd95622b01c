//! Chapter III.2: encrypting a file with STREAM.
//!
//! A file is cut into 64 KiB segments, each sealed with AES-256-GCM under a
//! nonce that holds its index and a last-segment flag. Then we attack it.
//!
//! Run it: `cargo run --example 15_stream_encryption -- --seed 7`

use clap::Parser;
use pqxdh_lab::share::stream::{
    self, HEADER_SIZE, SEGMENT_SIZE, StreamError, TAG_SIZE, open_stream, seal_stream,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;

#[derive(Parser)]
struct Args {
    /// The same seed gives the same bytes on every machine (the book uses 7).
    #[arg(long, env = "PQXDH_LAB_SEED", default_value_t = 7)]
    seed: u64,
}

fn open(key: &[u8; 32], blob: &[u8]) -> Result<Vec<u8>, StreamError> {
    let mut plaintext = Vec::new();
    open_stream(key, blob, &mut plaintext, &mut |_| {})?;
    Ok(plaintext)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    // Say which seed this is, on stderr: standard output stays what the book shows.
    eprintln!(
        "seed {} (--seed N or PQXDH_LAB_SEED; the book uses 7)",
        args.seed
    );
    println!("seed {}", args.seed);
    let mut rng = ChaCha20Rng::seed_from_u64(args.seed);

    // ANCHOR: seal
    // A fresh random key for this one file, and a file of 3.5 segments.
    let key: [u8; 32] = rng.random();
    let mut file = vec![0u8; 3 * SEGMENT_SIZE + SEGMENT_SIZE / 2];
    rng.fill(&mut file[..]);

    let mut blob = Vec::new();
    let summary = seal_stream(&key, file.as_slice(), &mut blob, &mut |_| {})?;
    // ANCHOR_END: seal

    println!("file key   {}", hex::encode(key));
    println!("file       {} bytes", file.len());
    println!(
        "blob       {} bytes = header {HEADER_SIZE} + file + {} tags × {TAG_SIZE}",
        summary.blob_len,
        (summary.blob_len as usize - HEADER_SIZE - file.len()) / TAG_SIZE
    );
    println!("header     {}", hex::encode(&blob[..HEADER_SIZE]));
    println!("blob SHA-256 {}", hex::encode(summary.blob_sha256));

    // ANCHOR: nonces
    let segment = SEGMENT_SIZE + TAG_SIZE;
    let segments: Vec<&[u8]> = blob[HEADER_SIZE..].chunks(segment).collect();
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        let nonce = stream::nonce(i as u32, last);
        let tag = &seg[seg.len() - TAG_SIZE..];
        println!(
            "segment {i}: {:5} bytes  nonce {}  tag {}",
            seg.len(),
            hex::encode(nonce),
            hex::encode(tag)
        );
    }
    // ANCHOR_END: nonces
    assert_eq!(open(&key, &blob)?, file);
    println!("opened intact: {} bytes, identical to the file", file.len());

    // ANCHOR: attacks
    let header = &blob[..HEADER_SIZE];
    let rebuild = |order: &[usize]| -> Vec<u8> {
        let mut b = header.to_vec();
        for &i in order {
            b.extend_from_slice(segments[i]);
        }
        b
    };
    let mut flipped = blob.clone();
    flipped[HEADER_SIZE + 1000] ^= 0x01;
    let attacks: Vec<(&str, Vec<u8>)> = vec![
        ("swap segments 1 and 2", rebuild(&[0, 2, 1, 3])),
        ("drop segment 1", rebuild(&[0, 2, 3])),
        ("duplicate segment 1", rebuild(&[0, 1, 1, 2, 3])),
        ("cut off the last segment", rebuild(&[0, 1, 2])),
        ("flip one bit in segment 0", flipped),
        ("the wrong key", blob.clone()),
    ];
    for (what, bad) in &attacks {
        let k = if *what == "the wrong key" {
            [0u8; 32]
        } else {
            key
        };
        match open(&k, bad) {
            Ok(_) => println!("{what:27} → ACCEPTED (this must never happen)"),
            Err(e) => println!("{what:27} → refused: {e}"),
        }
    }
    // ANCHOR_END: attacks
    Ok(())
}
