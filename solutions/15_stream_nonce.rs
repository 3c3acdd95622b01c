//! Solution of exercise 15_stream_nonce: Part III, chapter 2, "Encrypting a
//! file with STREAM".

use pqxdh_lab::exercises::kit;

/// nonce_i = 0x00 × 7 ‖ i (u32 big-endian) ‖ last-segment flag.
fn nonce(index: u32, last: bool) -> [u8; 12] {
    let mut nonce = [0u8; 12];
    nonce[7..11].copy_from_slice(&index.to_be_bytes());
    nonce[11] = u8::from(last);
    nonce
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
