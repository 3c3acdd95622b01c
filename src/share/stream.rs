//! File encryption with AES-256-GCM in the STREAM construction (Hoang,
//! Reyhanitabar, Rogaway and Vizár, "Online Authenticated-Encryption and its
//! Nonce-Reuse Misuse-Resistance", CRYPTO 2015), the shape `age` also uses.
//!
//! The file is cut into segments of [`SEGMENT_SIZE`] bytes, and each is
//! sealed on its own, so memory stays bounded whatever the file size. What
//! stops an attacker from reordering, dropping, duplicating or cutting off
//! segments is the nonce: it holds the segment's index and a flag that is 1
//! only on the last segment. Move a segment and it is opened with the wrong
//! index; cut the stream short and the new last segment was sealed with
//! flag 0. Either way the tag does not verify.
//!
//! Blob layout (what the relay stores):
//!
//! ```text
//! header   "PQXSTRM1" (8 bytes) ‖ segment size, u32 big-endian (4 bytes)
//! segment  AES-256-GCM(key, nonce_i, AAD = header, plaintext_i) ‖ tag (16 bytes)
//! nonce_i  0x00 × 7 ‖ i as u32 big-endian ‖ last flag (0x00 or 0x01)
//! ```
//!
//! The key is fresh for every file, so the constant nonce prefix never repeats
//! under the same key.

use std::io::{self, Read, Write};
use std::sync::mpsc;

use aes_gcm::aead::{AeadInPlace, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce, Tag};
use sha2::{Digest, Sha256};
use thiserror::Error;

/// Plaintext bytes per segment: age's size, large enough that the 16-byte tag
/// costs 0.02 %, small enough that a reader never holds much.
pub const SEGMENT_SIZE: usize = 64 * 1024;
pub const TAG_SIZE: usize = 16;
pub const KEY_SIZE: usize = 32;
pub const MAGIC: &[u8; 8] = b"PQXSTRM1";
pub const HEADER_SIZE: usize = 12;

/// Segments handed between the crypto thread and the I/O thread per batch.
const BATCH_SEGMENTS: usize = 16;

#[derive(Debug, Error)]
pub enum StreamError {
    #[error("reading or writing failed: {0}")]
    Io(#[from] io::Error),
    #[error("this is not a pqxdh-lab encrypted blob (its header is wrong)")]
    BadHeader,
    #[error("the blob ends before its header is complete: it was truncated")]
    TruncatedHeader,
    #[error(
        "segment {index} failed authentication: the blob was modified, truncated, \
         or its segments were reordered, dropped or duplicated"
    )]
    Segment { index: u32 },
    #[error("the file is too large for one stream (more than 2^32 segments)")]
    TooLong,
}

/// The header every segment's tag also covers (as associated data), so that
/// changing the declared segment size breaks every tag.
pub fn header(segment_size: u32) -> [u8; HEADER_SIZE] {
    let mut h = [0u8; HEADER_SIZE];
    h[..8].copy_from_slice(MAGIC);
    h[8..].copy_from_slice(&segment_size.to_be_bytes());
    h
}

/// nonce_i = 0x00 × 7 ‖ i (u32 big-endian) ‖ last flag.
pub fn nonce(index: u32, last: bool) -> [u8; 12] {
    let mut n = [0u8; 12];
    n[7..11].copy_from_slice(&index.to_be_bytes());
    n[11] = u8::from(last);
    n
}

/// Seals segments in order. The caller says which one is last.
pub struct Sealer {
    cipher: Aes256Gcm,
    header: [u8; HEADER_SIZE],
    index: u32,
    done: bool,
}

impl Sealer {
    pub fn new(key: &[u8; KEY_SIZE]) -> Self {
        Self {
            cipher: Aes256Gcm::new(key.into()),
            header: header(SEGMENT_SIZE as u32),
            index: 0,
            done: false,
        }
    }

    pub fn header(&self) -> [u8; HEADER_SIZE] {
        self.header
    }

    /// Encrypts `segment` in place and appends its tag.
    pub fn seal(&mut self, segment: &mut Vec<u8>, last: bool) -> Result<(), StreamError> {
        assert!(!self.done, "nothing may follow the last segment");
        let nonce = nonce(self.index, last);
        let tag = self
            .cipher
            .encrypt_in_place_detached(Nonce::from_slice(&nonce), &self.header, segment)
            .map_err(|_| StreamError::TooLong)?;
        segment.extend_from_slice(&tag);
        self.done = last;
        self.index = self.index.checked_add(1).ok_or(StreamError::TooLong)?;
        Ok(())
    }
}

/// Opens segments in order; the caller says which one it believes is last.
pub struct Opener {
    cipher: Aes256Gcm,
    header: [u8; HEADER_SIZE],
    index: u32,
}

impl Opener {
    /// `header` is the blob's first [`HEADER_SIZE`] bytes, checked here.
    pub fn new(key: &[u8; KEY_SIZE], header: &[u8]) -> Result<Self, StreamError> {
        let expected = self::header(SEGMENT_SIZE as u32);
        if header.len() < HEADER_SIZE {
            return Err(StreamError::TruncatedHeader);
        }
        if header != expected {
            return Err(StreamError::BadHeader);
        }
        Ok(Self {
            cipher: Aes256Gcm::new(key.into()),
            header: expected,
            index: 0,
        })
    }

    /// Verifies and decrypts `segment` (ciphertext ‖ tag) in place, leaving
    /// the plaintext. On failure the buffer's content must not be used.
    pub fn open(&mut self, segment: &mut Vec<u8>, last: bool) -> Result<(), StreamError> {
        let index = self.index;
        let bad = StreamError::Segment { index };
        if segment.len() < TAG_SIZE {
            return Err(bad);
        }
        let tag_at = segment.len() - TAG_SIZE;
        let tag = Tag::clone_from_slice(&segment[tag_at..]);
        segment.truncate(tag_at);
        self.cipher
            .decrypt_in_place_detached(
                Nonce::from_slice(&nonce(index, last)),
                &self.header,
                segment,
                &tag,
            )
            .map_err(|_| bad)?;
        self.index = index.checked_add(1).ok_or(StreamError::TooLong)?;
        Ok(())
    }
}

/// Reads until `buf` holds `want` bytes or the input ends.
fn fill(input: &mut impl Read, buf: &mut Vec<u8>, want: usize) -> io::Result<()> {
    buf.clear();
    let mut taken = input.take(want as u64);
    taken.read_to_end(buf)?;
    Ok(())
}

/// What a sealed or opened stream amounted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamSummary {
    pub plaintext_len: u64,
    pub blob_len: u64,
    /// SHA-256 of the whole blob (header and every segment with its tag).
    pub blob_sha256: [u8; 32],
}

/// Encrypts `input` into `output` as one blob. A second thread hashes and
/// writes while this one encrypts, so the two cores of a laptop share the work.
/// `progress` is told the plaintext bytes done so far.
pub fn seal_stream(
    key: &[u8; KEY_SIZE],
    mut input: impl Read,
    output: impl Write + Send,
    progress: &mut dyn FnMut(u64),
) -> Result<StreamSummary, StreamError> {
    let mut sealer = Sealer::new(key);
    let header = sealer.header();
    let (to_writer, batches) = mpsc::sync_channel::<Vec<Vec<u8>>>(2);
    let (to_sealer, returned) = mpsc::channel::<Vec<Vec<u8>>>();
    std::thread::scope(|scope| {
        let writer = scope.spawn(move || write_batches(header, batches, to_sealer, output));
        let mut plaintext_len = 0u64;
        let mut next = Vec::with_capacity(SEGMENT_SIZE + TAG_SIZE);
        let result = (|| {
            fill(&mut input, &mut next, SEGMENT_SIZE)?;
            loop {
                let mut batch = returned.try_recv().unwrap_or_default();
                batch.resize_with(BATCH_SEGMENTS, || {
                    Vec::with_capacity(SEGMENT_SIZE + TAG_SIZE)
                });
                let mut used = 0;
                let mut finished = false;
                for slot in batch.iter_mut() {
                    // One segment of look-ahead tells whether this one is the last.
                    std::mem::swap(slot, &mut next);
                    fill(&mut input, &mut next, SEGMENT_SIZE)?;
                    let last = next.is_empty();
                    plaintext_len += slot.len() as u64;
                    sealer.seal(slot, last)?;
                    used += 1;
                    if last {
                        finished = true;
                        break;
                    }
                }
                batch.truncate(used);
                if to_writer.send(batch).is_err() {
                    break; // the writer failed; its error is reported below
                }
                progress(plaintext_len);
                if finished {
                    break;
                }
            }
            Ok::<_, StreamError>(plaintext_len)
        })();
        drop(to_writer);
        let written = writer.join().expect("the writer thread does not panic");
        let plaintext_len = result?;
        let (blob_len, blob_sha256) = written?;
        Ok(StreamSummary {
            plaintext_len,
            blob_len,
            blob_sha256,
        })
    })
}

fn write_batches(
    header: [u8; HEADER_SIZE],
    batches: mpsc::Receiver<Vec<Vec<u8>>>,
    give_back: mpsc::Sender<Vec<Vec<u8>>>,
    mut output: impl Write,
) -> Result<(u64, [u8; 32]), StreamError> {
    let mut hash = Sha256::new();
    hash.update(header);
    output.write_all(&header)?;
    let mut len = HEADER_SIZE as u64;
    for batch in batches {
        for segment in &batch {
            hash.update(segment);
            output.write_all(segment)?;
            len += segment.len() as u64;
        }
        let _ = give_back.send(batch);
    }
    output.flush()?;
    Ok((len, hash.finalize().into()))
}

/// Decrypts a blob from `input` into `output`. A second thread reads and
/// hashes while this one decrypts. Every byte written to `output` has been
/// authenticated, but only a complete `Ok` means the *whole* file was: the
/// caller writes to a temporary file and keeps it only then.
pub fn open_stream(
    key: &[u8; KEY_SIZE],
    input: impl Read + Send,
    mut output: impl Write,
    progress: &mut dyn FnMut(u64),
) -> Result<StreamSummary, StreamError> {
    let (to_opener, batches) = mpsc::sync_channel::<Result<ReadBatch, StreamError>>(2);
    let (to_reader, returned) = mpsc::channel::<Vec<Vec<u8>>>();
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || read_batches(input, to_opener, returned));
        let result = (|| {
            let first = batches.recv().map_err(|_| StreamError::TruncatedHeader)??;
            let ReadBatch::Header(header) = first else {
                return Err(StreamError::TruncatedHeader);
            };
            let mut opener = Opener::new(key, &header)?;
            let mut plaintext_len = 0u64;
            for batch in batches {
                let ReadBatch::Segments { mut segments, last } = batch? else {
                    return Err(StreamError::BadHeader);
                };
                let count = segments.len();
                for (i, segment) in segments.iter_mut().enumerate() {
                    opener.open(segment, last && i + 1 == count)?;
                    output.write_all(segment)?;
                    plaintext_len += segment.len() as u64;
                }
                progress(plaintext_len);
                if last {
                    output.flush()?;
                    return Ok(plaintext_len);
                }
                let _ = to_reader.send(segments);
            }
            // The reader stopped without a last segment: it hit an error it
            // already reported, or the channel closed early.
            Err(StreamError::Segment {
                index: opener.index,
            })
        })();
        let summary = reader.join().expect("the reader thread does not panic");
        let plaintext_len = result?;
        let (blob_len, blob_sha256) = summary?;
        Ok(StreamSummary {
            plaintext_len,
            blob_len,
            blob_sha256,
        })
    })
}

enum ReadBatch {
    Header(Vec<u8>),
    Segments { segments: Vec<Vec<u8>>, last: bool },
}

fn read_batches(
    mut input: impl Read,
    to_opener: mpsc::SyncSender<Result<ReadBatch, StreamError>>,
    returned: mpsc::Receiver<Vec<Vec<u8>>>,
) -> Result<(u64, [u8; 32]), StreamError> {
    let mut hash = Sha256::new();
    let mut header = Vec::with_capacity(HEADER_SIZE);
    let read = (|| -> io::Result<u64> {
        fill(&mut input, &mut header, HEADER_SIZE)?;
        hash.update(&header);
        let mut len = header.len() as u64;
        if to_opener.send(Ok(ReadBatch::Header(header))).is_err() {
            return Ok(len);
        }
        let chunk = SEGMENT_SIZE + TAG_SIZE;
        let mut next = Vec::with_capacity(chunk);
        fill(&mut input, &mut next, chunk)?;
        loop {
            let mut batch = returned.try_recv().unwrap_or_default();
            batch.resize_with(BATCH_SEGMENTS, || Vec::with_capacity(chunk));
            let mut used = 0;
            let mut last = false;
            for slot in batch.iter_mut() {
                std::mem::swap(slot, &mut next);
                fill(&mut input, &mut next, chunk)?;
                hash.update(&slot[..]);
                len += slot.len() as u64;
                used += 1;
                // The segment followed by the end of the blob is opened as the
                // last one; if it was not sealed as last, its tag fails.
                if next.is_empty() {
                    last = true;
                    break;
                }
            }
            batch.truncate(used);
            if to_opener
                .send(Ok(ReadBatch::Segments {
                    segments: batch,
                    last,
                }))
                .is_err()
                || last
            {
                return Ok(len);
            }
        }
    })();
    match read {
        Ok(len) => Ok((len, hash.finalize().into())),
        Err(e) => {
            let _ = to_opener.send(Err(StreamError::Io(io::Error::other(e.to_string()))));
            Err(e.into())
        }
    }
}
