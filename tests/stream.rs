//! STREAM on its own: every way of rearranging or damaging segments fails,
//! and the format is what `stream.rs` documents (checked with AES-GCM
//! directly, not through the code under test).

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use pqxdh_lab::share::stream::{
    HEADER_SIZE, Opener, SEGMENT_SIZE, Sealer, StreamError, TAG_SIZE, open_stream, seal_stream,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;

const KEY: [u8; 32] = [0x42; 32];

fn random(len: usize, seed: u64) -> Vec<u8> {
    let mut v = vec![0u8; len];
    ChaCha20Rng::seed_from_u64(seed).fill(&mut v[..]);
    v
}

fn seal(plain: &[u8]) -> Vec<u8> {
    let mut blob = Vec::new();
    seal_stream(&KEY, plain, &mut blob, &mut |_| {}).unwrap();
    blob
}

fn open(blob: &[u8]) -> Result<Vec<u8>, StreamError> {
    let mut out = Vec::new();
    open_stream(&KEY, blob, &mut out, &mut |_| {})?;
    Ok(out)
}

fn segments(blob: &[u8]) -> (Vec<u8>, Vec<Vec<u8>>) {
    let header = blob[..HEADER_SIZE].to_vec();
    let segs = blob[HEADER_SIZE..]
        .chunks(SEGMENT_SIZE + TAG_SIZE)
        .map(<[u8]>::to_vec)
        .collect();
    (header, segs)
}

fn join(header: &[u8], segs: &[&Vec<u8>]) -> Vec<u8> {
    let mut v = header.to_vec();
    for s in segs {
        v.extend_from_slice(s);
    }
    v
}

#[test]
fn round_trips_at_every_boundary() {
    for len in [
        0,
        1,
        SEGMENT_SIZE - 1,
        SEGMENT_SIZE,
        SEGMENT_SIZE + 1,
        3 * SEGMENT_SIZE,
        40 * SEGMENT_SIZE + 5,
    ] {
        let plain = random(len, len as u64);
        let blob = seal(&plain);
        let segments = len.div_ceil(SEGMENT_SIZE).max(1);
        assert_eq!(
            blob.len(),
            HEADER_SIZE + len + segments * TAG_SIZE,
            "len {len}"
        );
        assert_eq!(open(&blob).unwrap(), plain, "len {len}");
    }
}

/// The documented layout, decrypted with AES-256-GCM by hand.
#[test]
fn the_format_is_the_documented_one() {
    let plain = random(SEGMENT_SIZE + 10, 1);
    let blob = seal(&plain);
    let header = &blob[..HEADER_SIZE];
    assert_eq!(&header[..8], b"PQXSTRM1");
    assert_eq!(&header[8..], &65536u32.to_be_bytes());
    let cipher = Aes256Gcm::new(&KEY.into());
    let seg = SEGMENT_SIZE + TAG_SIZE;
    let first = &blob[HEADER_SIZE..HEADER_SIZE + seg];
    let second = &blob[HEADER_SIZE + seg..];
    let nonce0 = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    let nonce1 = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1];
    let p0 = cipher
        .decrypt(
            Nonce::from_slice(&nonce0),
            Payload {
                msg: first,
                aad: header,
            },
        )
        .unwrap();
    let p1 = cipher
        .decrypt(
            Nonce::from_slice(&nonce1),
            Payload {
                msg: second,
                aad: header,
            },
        )
        .unwrap();
    assert_eq!([p0, p1].concat(), plain);
}

#[test]
fn reordering_dropping_duplicating_and_truncating_fail() {
    let plain = random(3 * SEGMENT_SIZE + 100, 2);
    let blob = seal(&plain);
    let (h, s) = segments(&blob);
    assert_eq!(s.len(), 4);
    let cases: Vec<(&str, Vec<&Vec<u8>>)> = vec![
        ("swap first two", vec![&s[1], &s[0], &s[2], &s[3]]),
        ("swap last two", vec![&s[0], &s[1], &s[3], &s[2]]),
        ("drop the first", vec![&s[1], &s[2], &s[3]]),
        ("drop a middle one", vec![&s[0], &s[2], &s[3]]),
        (
            "drop the last (clean truncation)",
            vec![&s[0], &s[1], &s[2]],
        ),
        ("only the last", vec![&s[3]]),
        (
            "duplicate a middle one",
            vec![&s[0], &s[1], &s[1], &s[2], &s[3]],
        ),
        (
            "duplicate the last",
            vec![&s[0], &s[1], &s[2], &s[3], &s[3]],
        ),
        ("no segments at all", vec![]),
    ];
    for (name, layout) in cases {
        let result = open(&join(&h, &layout));
        assert!(
            matches!(result, Err(StreamError::Segment { .. })),
            "{name}: {result:?}"
        );
    }
    for cut in [1, TAG_SIZE, SEGMENT_SIZE] {
        let result = open(&blob[..blob.len() - cut]);
        assert!(result.is_err(), "cut {cut}");
    }
    assert!(matches!(
        open(&blob[..HEADER_SIZE - 1]),
        Err(StreamError::TruncatedHeader)
    ));
}

#[test]
fn flipping_any_bit_fails() {
    // Small enough to try every single bit.
    let plain = random(100, 3);
    let blob = seal(&plain);
    for bit in 0..blob.len() * 8 {
        let mut bad = blob.clone();
        bad[bit / 8] ^= 1 << (bit % 8);
        assert!(open(&bad).is_err(), "bit {bit} flipped, still accepted");
    }
    // And a sample of bits across a multi-segment blob.
    let blob = seal(&random(2 * SEGMENT_SIZE + 7, 4));
    let mut rng = ChaCha20Rng::seed_from_u64(9);
    for _ in 0..64 {
        let bit = rng.random_range(0..blob.len() * 8);
        let mut bad = blob.clone();
        bad[bit / 8] ^= 1 << (bit % 8);
        assert!(open(&bad).is_err(), "bit {bit} flipped, still accepted");
    }
}

#[test]
fn the_last_flag_cannot_be_misused() {
    let a = random(SEGMENT_SIZE, 5);
    let b = random(50, 6);
    // A sender that marks the first segment as last and then goes on: the
    // reader opens it as "not last" and refuses.
    let mut sealer = Sealer::new(&KEY);
    let mut s0 = a.clone();
    sealer.seal(&mut s0, true).unwrap();
    let mut sealer = Sealer::new(&KEY);
    let mut s0_not_last = a.clone();
    sealer.seal(&mut s0_not_last, false).unwrap();
    let mut s1 = b.clone();
    sealer.seal(&mut s1, true).unwrap();
    let header = sealer.header();
    assert!(open(&join(&header, &[&s0, &s1])).is_err());
    // A segment sealed as last opens only as last…
    let mut opener = Opener::new(&KEY, &header).unwrap();
    assert!(opener.open(&mut s0.clone(), false).is_err());
    let mut opener = Opener::new(&KEY, &header).unwrap();
    let mut buf = s0.clone();
    opener.open(&mut buf, true).unwrap();
    assert_eq!(buf, a);
    // …and one sealed as not-last never does.
    let mut opener = Opener::new(&KEY, &header).unwrap();
    assert!(opener.open(&mut s0_not_last.clone(), true).is_err());
    // The well-formed pair opens.
    assert_eq!(
        open(&join(&header, &[&s0_not_last, &s1])).unwrap(),
        [a, b].concat()
    );
}

#[test]
fn a_wrong_key_or_header_fails() {
    let blob = seal(b"hello");
    let mut out = Vec::new();
    let wrong = open_stream(&[0x43; 32], blob.as_slice(), &mut out, &mut |_| {});
    assert!(matches!(wrong, Err(StreamError::Segment { index: 0 })));
    let mut bad = blob.clone();
    bad[9] ^= 0x02; // the declared segment size
    assert!(matches!(open(&bad), Err(StreamError::BadHeader)));
}

#[test]
fn a_failing_stream_writes_nothing_unauthenticated() {
    // Corrupt segment 2 of 3: only segments 0 and 1, both verified, may have
    // been written when the error comes.
    let plain = random(2 * SEGMENT_SIZE + 10, 7);
    let mut blob = seal(&plain);
    let at = HEADER_SIZE + 2 * (SEGMENT_SIZE + TAG_SIZE) + 3;
    blob[at] ^= 1;
    let mut out = Vec::new();
    let result = open_stream(&KEY, blob.as_slice(), &mut out, &mut |_| {});
    assert!(matches!(result, Err(StreamError::Segment { index: 2 })));
    assert!(out.len() <= 2 * SEGMENT_SIZE);
    assert_eq!(out, plain[..out.len()]);
}
