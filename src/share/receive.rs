//! Bob receives: each waiting message is decrypted by libsignal, the blob it
//! points to is fetched, checked and decrypted into a temporary file, and only
//! a file whose every segment and digest verified gets its real name.
//!
//! Each message is a transaction (see `session.rs`): what decrypting it did
//! to Bob's state is kept only once the file is safely written. A message
//! that fails changes nothing and stays on the relay.

use std::path::{Path, PathBuf};

use super::atomic::{self, Access, AtomicFile};
use super::envelope::MessageType;
use super::error::ShareError;
use super::pointer::{AttachmentPointer, Body};
use super::relay::Relay;
use super::session::Account;
use super::stream;

/// One file that arrived intact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub from: String,
    pub path: PathBuf,
    pub size: u64,
    /// Whether it came in a PreKeySignalMessage (the sender's first contact).
    pub message_type: MessageType,
}

#[derive(Debug, Default)]
pub struct ReceiveReport {
    pub files: Vec<Received>,
    /// Delivery receipts processed (they carry no file).
    pub receipts: usize,
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
    // Refuse an unusable output folder before touching any message.
    let output_err = |source| ShareError::Output {
        path: out_dir.to_path_buf(),
        source,
    };
    atomic::create_dir(out_dir, Access::Shared).map_err(output_err)?;
    drop(AtomicFile::create_in(out_dir, Access::Private).map_err(output_err)?);

    let mut report = ReceiveReport::default();
    for id in account.inbox()? {
        match receive_one(account, &id, out_dir, progress) {
            Ok(Some(file)) => report.files.push(file),
            Ok(None) => report.receipts += 1,
            Err(e) => report.failures.push((id, e)),
        }
    }
    Ok(report)
}

fn receive_one(
    account: &mut Account,
    id: &str,
    out_dir: &Path,
    progress: &mut dyn FnMut(&str, u64, u64),
) -> Result<Option<Received>, ShareError> {
    let envelope = account.read_envelope(id)?;
    let opened = account.open_message(&envelope)?;
    let pointer = match &opened.content.body {
        Body::Receipt { .. } => {
            account.accept(id, opened)?;
            return Ok(None);
        }
        Body::File(pointer) => pointer.clone(),
    };
    let relay = account.relay();
    let path = fetch_file(relay, &pointer, out_dir, progress)?;

    // The file is in place: now the session may move on.
    let from = opened.from.clone();
    account.accept(id, opened)?;
    relay.delete_blob(&pointer.blob_id)?;
    // "I have your file", which also acknowledges the session to the sender.
    account.post(
        &from,
        Body::Receipt {
            blob_id: pointer.blob_id.clone(),
        },
    )?;
    Ok(Some(Received {
        from: envelope.from,
        path,
        size: pointer.size,
        message_type: envelope.message_type,
    }))
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
        return Err(stream::StreamError::BadHeader.into());
    }
    let blob = relay.open_blob(&pointer.blob_id)?;
    let output_err = |source| ShareError::Output {
        path: out_dir.to_path_buf(),
        source,
    };
    let mut temp = AtomicFile::create_in(out_dir, Access::Private).map_err(output_err)?;
    let name = safe_file_name(&pointer.file_name);
    let summary = atomic::with_early_flush(temp.file(), |out| {
        stream::open_stream(&pointer.key, blob, out, &mut |done| {
            progress(&name, done, pointer.size)
        })
    })
    .map_err(output_err)??;
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

/// The sender chose the name, so it is treated as hostile: no folders, no
/// hidden files, no control characters.
pub fn safe_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .map(|c| if c.is_control() || c == ':' { '_' } else { c })
        .collect();
    let cleaned = cleaned.trim_start_matches('.').trim();
    if cleaned.is_empty() {
        "received-file".to_string()
    } else {
        cleaned.chars().take(200).collect()
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
