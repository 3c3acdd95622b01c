//! Bob receives: each waiting message is decrypted by libsignal, the blob it
//! points to is fetched, checked and decrypted into a temporary file, and only
//! a file whose every segment and digest verified gets its real name.
//!
//! Each message is a transaction (see `session.rs`): what decrypting it did
//! to Bob's state is kept only once the file is safely written. A message
//! that fails changes nothing and stays on the relay; if the state cannot be
//! saved after the file got its name, the file is taken back, so that the
//! report ("refused, stays on the relay") is what happened. What fails after
//! the state was saved (tidying the relay, the receipt) cannot undo the
//! receipt of the file; it is reported with the file.

use std::fs;
use std::path::{Path, PathBuf};

use thiserror::Error;

use super::atomic::{self, Access, AtomicFile, Sweep};
use super::envelope::MessageType;
use super::error::ShareError;
use super::escape::is_unsafe;
use super::interrupt;
use super::pointer::{AttachmentPointer, Body};
use super::received::Entry;
use super::relay::Relay;
use super::session::Account;
use super::stream::{self, StreamError};

/// One file that arrived intact.
#[derive(Debug)]
pub struct Received {
    pub from: String,
    pub path: PathBuf,
    pub size: u64,
    /// Whether it came in a PreKeySignalMessage (the sender's first contact).
    pub message_type: MessageType,
    /// What went wrong after the file was received and recorded.
    pub afterwards: Vec<Afterwards>,
}

/// A step after the file was safely received that did not happen.
#[derive(Debug, Error)]
pub enum Afterwards {
    #[error(
        "the encrypted file could not be removed from the relay ({0}); the message stays \
         too, and the next receive removes both"
    )]
    BlobNotRemoved(ShareError),
    #[error(
        "the message could not be removed from the relay ({0}); the next receive recognises \
         it as received and removes it"
    )]
    MessageNotRemoved(ShareError),
    #[error("the delivery receipt could not be posted ({0}); the sender is not told")]
    ReceiptNotPosted(ShareError),
}

/// A message this home had received already (a crash or a relay that would
/// not delete left it behind): nothing new, so it is removed.
#[derive(Debug)]
pub struct AlreadyReceived {
    pub message_id: String,
    /// Who sent it, from the home's record (not from the relay).
    pub from: String,
    /// Why it could not be removed, if it could not.
    pub not_removed: Option<ShareError>,
}

#[derive(Debug, Default)]
pub struct ReceiveReport {
    pub files: Vec<Received>,
    /// Delivery receipts processed (they carry no file).
    pub receipts: usize,
    pub already_received: Vec<AlreadyReceived>,
    /// Messages refused, by relay message id. They stay on the relay.
    pub failures: Vec<(String, ShareError)>,
}

/// Decrypts everything waiting for the account's owner into `out_dir`.
/// Errors that concern one message are collected in the report; the rest
/// stop the run. `progress` hears (file name, bytes done, bytes total).
pub fn receive(
    account: &mut Account,
    out_dir: &Path,
    progress: &mut dyn FnMut(&str, u64, u64),
) -> Result<ReceiveReport, ShareError> {
    // Refuse an unusable output folder or home before touching any message.
    let output_err = |source| ShareError::Output {
        path: out_dir.to_path_buf(),
        source,
    };
    atomic::create_dir(out_dir, Access::Shared).map_err(output_err)?;
    drop(AtomicFile::create_in(out_dir, Access::Private).map_err(output_err)?);
    account.check_home_writable()?;
    // Decrypted files that a killed receive left half-written.
    atomic::sweep(out_dir, Sweep::Local);

    let mut report = ReceiveReport::default();
    for id in account.inbox()? {
        if interrupt::requested() {
            return Err(ShareError::Interrupted);
        }
        match receive_one(account, &id, out_dir, progress) {
            Ok(Outcome::File(file)) => report.files.push(file),
            Ok(Outcome::Receipt) => report.receipts += 1,
            Ok(Outcome::AlreadyReceived(done)) => report.already_received.push(done),
            Err(ShareError::Interrupted) => return Err(ShareError::Interrupted),
            Err(e) => report.failures.push((id, e)),
        }
    }
    Ok(report)
}

enum Outcome {
    File(Received),
    Receipt,
    AlreadyReceived(AlreadyReceived),
}

fn receive_one(
    account: &mut Account,
    id: &str,
    out_dir: &Path,
    progress: &mut dyn FnMut(&str, u64, u64),
) -> Result<Outcome, ShareError> {
    let envelope = account.read_envelope(id)?;
    if let Some(entry) = account.already_received(&envelope) {
        return Ok(Outcome::AlreadyReceived(remove_received(
            account, id, entry,
        )));
    }
    let opened = account.open_message(&envelope)?;
    let pointer = match &opened.content.body {
        Body::Receipt { .. } => {
            account.accept(id, opened)?;
            return Ok(Outcome::Receipt);
        }
        Body::File(pointer) => pointer.clone(),
    };
    let relay = account.relay();
    let path = fetch_file(relay, &pointer, out_dir, progress)?;

    // The file is in place: now the session may move on. If that cannot be
    // saved, the file is taken back, so that nothing happened: the message
    // stays and the next receive gets the file again (not a second copy).
    let from = opened.from.clone();
    if let Err(e) = account.keep(opened) {
        let _ = fs::remove_file(&path);
        return Err(e);
    }
    let mut received = Received {
        from: from.to_string(),
        path,
        size: pointer.size,
        message_type: envelope.message_type,
        afterwards: Vec::new(),
    };
    // The blob first: while the message stays, the next receive can still
    // find the blob through the home's record and remove it.
    match relay.delete_blob(&pointer.blob_id) {
        Ok(()) => {
            if let Err(e) = account.remove(id) {
                received.afterwards.push(Afterwards::MessageNotRemoved(e));
            }
        }
        Err(e) => received
            .afterwards
            .push(Afterwards::BlobNotRemoved(e.into())),
    }
    // "I have your file", which also acknowledges the session to the sender.
    if let Err(e) = account.post(
        &from,
        Body::Receipt {
            blob_id: pointer.blob_id.clone(),
        },
    ) {
        received.afterwards.push(Afterwards::ReceiptNotPosted(e));
    }
    Ok(Outcome::File(received))
}

/// Removes a message the home has received before, and the blob the home
/// recorded for it.
fn remove_received(account: &Account, id: &str, entry: Entry) -> AlreadyReceived {
    let blob_removed = match &entry.blob_id {
        Some(blob_id) => account
            .relay()
            .delete_blob(blob_id)
            .map_err(ShareError::from),
        None => Ok(()),
    };
    let not_removed = blob_removed.and_then(|()| account.remove(id)).err();
    AlreadyReceived {
        message_id: id.to_string(),
        from: entry.from,
        not_removed,
    }
}

/// Fetches and decrypts the blob into a temporary file in `out_dir`, checks
/// size and digest, and only then gives it its name.
fn fetch_file(
    relay: &dyn Relay,
    pointer: &AttachmentPointer,
    out_dir: &Path,
    progress: &mut dyn FnMut(&str, u64, u64),
) -> Result<PathBuf, ShareError> {
    if pointer.chunk_size as usize != stream::SEGMENT_SIZE {
        return Err(StreamError::BadHeader.into());
    }
    let blob = relay.open_blob(&pointer.blob_id)?;
    let output_err = |source| ShareError::Output {
        path: out_dir.to_path_buf(),
        source,
    };
    // Dropped before its commit (an error, Ctrl-C), the temporary file is deleted.
    let mut temp = AtomicFile::create_in(out_dir, Access::Private).map_err(output_err)?;
    let name = safe_file_name(&pointer.file_name);
    let summary = atomic::with_early_flush(temp.file(), |out| {
        stream::open_stream(&pointer.key, blob, out, &mut |done| {
            progress(&name, done, pointer.size)
        })
    })
    .map_err(output_err)?
    .map_err(|e| match e {
        StreamError::Read(source) => ShareError::Download(source),
        StreamError::Write(source) => output_err(source),
        e => e.into(),
    })?;
    if !constant_time_eq(&summary.blob_sha256, &pointer.digest) {
        return Err(ShareError::Digest);
    }
    if summary.plaintext_len != pointer.size {
        return Err(ShareError::Size {
            got: summary.plaintext_len,
            expected: pointer.size,
        });
    }
    // Never overwrite a file the user already has: pick "name (1)" instead.
    for n in 0..1000 {
        let path = out_dir.join(numbered(&name, n));
        match temp.commit_new(&path) {
            Ok(()) => return Ok(path),
            Err((t, e)) if e.kind() == std::io::ErrorKind::AlreadyExists => temp = t,
            Err((_, e)) => return Err(output_err(e)),
        }
    }
    Err(output_err(std::io::Error::other(
        "too many files with this name",
    )))
}

/// Longest name given to a received file, in bytes: file systems allow 255,
/// and " (999)" may be added.
pub const FILE_NAME_MAX_BYTES: usize = 200;

/// The sender chose the name, so it is treated as hostile: no folders, no
/// hidden files, no control or invisible characters (a right-to-left
/// override would make `invoice` U+202E `fdp.exe` look like "invoiceexe.pdf"),
/// and at most [`FILE_NAME_MAX_BYTES`] bytes, its extension kept.
pub fn safe_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .map(|c| if is_unsafe(c) || c == ':' { '_' } else { c })
        .collect();
    let cleaned = cleaned.trim_start_matches('.').trim();
    if cleaned.is_empty() {
        return "received-file".to_string();
    }
    shorten(cleaned, FILE_NAME_MAX_BYTES)
}

/// `name` cut to at most `max` bytes on a character boundary, keeping a
/// short extension.
fn shorten(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_string();
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.len() <= 16 => (stem, Some(ext)),
        _ => (name, None),
    };
    let room = max - ext.map_or(0, |e| e.len() + 1);
    let mut cut = room.min(stem.len());
    while !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    match ext {
        Some(ext) => format!("{}.{ext}", &stem[..cut]),
        None => stem[..cut].to_string(),
    }
}

fn numbered(name: &str, n: u32) -> String {
    if n == 0 {
        return name.to_string();
    }
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem} ({n}).{ext}"),
        _ => format!("{name} ({n})"),
    }
}

/// Compares digests without stopping at the first difference, so the time
/// taken says nothing about where they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_are_cut_by_bytes_on_a_character_boundary() {
        // 100 four-byte characters: 400 bytes, too long for any file system.
        let long = format!("{}.pdf", "😀".repeat(100));
        let short = safe_file_name(&long);
        assert!(short.len() <= FILE_NAME_MAX_BYTES, "{}", short.len());
        assert!(short.ends_with("😀.pdf"), "{short}");
        assert_eq!(safe_file_name(&"é".repeat(150)).len(), 200);
        assert_eq!(safe_file_name("short.txt"), "short.txt");
    }

    #[test]
    fn invisible_characters_become_visible_underscores() {
        assert_eq!(safe_file_name("invoice\u{202e}fdp.exe"), "invoice_fdp.exe");
        assert_eq!(safe_file_name("a\u{200b}b\u{2066}c"), "a_b_c");
    }
}
