//! Exercise 15_stream_nonce: Part III, chapter 2, "Encrypting a file with
//! STREAM" (the book's page part3/02-stream; example 15_stream_encryption).
//!
//! A file is sealed in segments, each with AES-256-GCM under its own nonce.
//! The nonce holds the segment's index and a flag for the last segment,
//! which is what stops reordering and truncation. Build it. Replace the
//! todo!(), then check your work:
//!
//!     cargo run --release -- exercises check 15_stream_nonce
//!
//! Hint: nonce_i = seven 0x00 bytes ‖ i as a u32, big-endian ‖ one byte,
//! 0x01 on the last segment and 0x00 on every other: 12 bytes in all.

use pqxdh_lab::exercises::kit;

/// The nonce of segment `index`.
fn nonce(index: u32, last: bool) -> [u8; 12] {
    todo!("seven zero bytes, the index, the last-segment flag")
}

fn main() {
    let _room = kit::start("15_stream_nonce");
    // A file of four segments: 0, 1 and 2, then the last one, 3.
    let segments = 4;
    for i in 0..segments {
        kit::show(&format!("nonce_{i}"), nonce(i, i + 1 == segments));
    }
    // A segment far into a long file: the index's byte order shows.
    kit::show("nonce_66051", nonce(66_051, false));
}
