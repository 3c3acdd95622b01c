//! Bob receives: each waiting message is decrypted by libsignal, the blob it
//! points to is fetched, checked and decrypted into a temporary file, and only
//! a file whose every segment and digest verified gets its real name.
//!
//! Each message is a transaction: libsignal's stores are changed on a copy,
//! and the copy replaces Bob's state only once the file is safely written. A
//! message that fails changes nothing and stays on the relay.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use futures::executor::block_on;
use libsignal_protocol::{
    CiphertextMessage, PreKeySignalMessage, SignalMessage, SignalProtocolError, message_decrypt,
};
use rand::{CryptoRng, Rng};

use super::atomic::{self, AtomicFile};
use super::envelope::{Envelope, Kind, MessageType};
use super::home::Home;
use super::pointer::{AttachmentPointer, Body, Content};
use super::relay::Relay;
use super::store::Stores;
use super::stream;
use super::{ShareError, check_name, constant_time_eq};
use crate::engine::address;

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

/// Decrypts an envelope's libsignal message with `stores` and checks that the
/// names inside match the envelope.
fn open_envelope<R: Rng + CryptoRng>(
    stores: &mut Stores,
    me: &str,
    envelope: &Envelope,
    rng: &mut R,
) -> Result<Content, ShareError> {
    if envelope.to != me {
        return Err(ShareError::NotForMe {
            to: envelope.to.clone(),
            me: me.to_string(),
        });
    }
    check_name(&envelope.from)?;
    let sender = address(&envelope.from);
    let malformed = |e: SignalProtocolError| ShareError::Decrypt {
        from: envelope.from.clone(),
        source: e,
    };
    let message = match envelope.message_type {
        MessageType::PreKey => CiphertextMessage::PreKeySignalMessage(
            PreKeySignalMessage::try_from(envelope.message.as_slice()).map_err(malformed)?,
        ),
        MessageType::Whisper => CiphertextMessage::SignalMessage(
            SignalMessage::try_from(envelope.message.as_slice()).map_err(malformed)?,
        ),
    };
    let plaintext = block_on(message_decrypt(
        &message,
        &sender,
        &mut stores.sessions,
        &mut stores.identities,
        &mut stores.pre_keys,
        &stores.signed_pre_keys,
        &mut stores.kyber_pre_keys,
        rng,
    ))
    .map_err(|e| match e {
        // A message number already used, or a first message's EK_A already
        // seen: the same message a second time.
        SignalProtocolError::DuplicatedMessage(..)
        | SignalProtocolError::InvalidMessage(_, "reused base key") => ShareError::Replay {
            from: envelope.from.clone(),
        },
        SignalProtocolError::UntrustedIdentity(_) => ShareError::IdentityChanged {
            name: envelope.from.clone(),
        },
        e => ShareError::Decrypt {
            from: envelope.from.clone(),
            source: e,
        },
    })?;
    let content = Content::decode(&plaintext).map_err(|source| ShareError::Malformed {
        what: "decrypted message",
        source,
    })?;
    if content.from != envelope.from || content.to != envelope.to {
        return Err(ShareError::Relabelled {
            envelope: format!("{} → {}", envelope.from, envelope.to),
            inside: format!("{} → {}", content.from, content.to),
        });
    }
    Ok(content)
}

fn read_envelope(relay: &dyn Relay, me: &str, id: &str) -> Result<Envelope, ShareError> {
    let bytes = relay.read(me, id)?;
    Envelope::decode(&bytes).map_err(|source| ShareError::Malformed {
        what: "envelope",
        source,
    })
}

/// Processes delivery receipts waiting for `home` (only those from `from`,
/// if given). Receipts that fail are left for `receive` to report.
pub fn process_receipts<R: Rng + CryptoRng>(
    home: &mut Home,
    relay: &dyn Relay,
    from: Option<&str>,
    rng: &mut R,
) -> Result<usize, ShareError> {
    let mut done = 0;
    for id in relay.inbox(&home.name)? {
        let Ok(envelope) = read_envelope(relay, &home.name, &id) else {
            continue;
        };
        if envelope.kind != Kind::Receipt || from.is_some_and(|f| f != envelope.from) {
            continue;
        }
        let mut stores = home.stores.clone();
        if let Ok(Content {
            body: Body::Receipt { .. },
            ..
        }) = open_envelope(&mut stores, &home.name, &envelope, rng)
        {
            home.stores = stores;
            home.save()?;
            relay.delete(&home.name, &id)?;
            done += 1;
        }
    }
    Ok(done)
}

/// Decrypts everything waiting for `me` into `out_dir`. Errors that concern
/// one message are collected in the report; the rest stop the run.
/// `progress` hears (file name, bytes done, bytes total).
pub fn receive<R: Rng + CryptoRng>(
    home_base: &Path,
    relay: &dyn Relay,
    me: &str,
    out_dir: &Path,
    now: SystemTime,
    rng: &mut R,
    progress: &mut dyn FnMut(&str, u64, u64),
) -> Result<ReceiveReport, ShareError> {
    let mut home = Home::load(home_base, me)?;
    // Refuse an unusable output folder before touching any message.
    let output_err = |source| ShareError::Output {
        path: out_dir.to_path_buf(),
        source,
    };
    atomic::create_dir(out_dir, false).map_err(output_err)?;
    drop(AtomicFile::create_in(out_dir, true).map_err(output_err)?);

    let mut report = ReceiveReport::default();
    for id in relay.inbox(me)? {
        match receive_one(&mut home, relay, &id, out_dir, now, rng, progress) {
            Ok(Some(file)) => report.files.push(file),
            Ok(None) => report.receipts += 1,
            Err(e) => report.failures.push((id, e)),
        }
    }
    Ok(report)
}

fn receive_one<R: Rng + CryptoRng>(
    home: &mut Home,
    relay: &dyn Relay,
    id: &str,
    out_dir: &Path,
    now: SystemTime,
    rng: &mut R,
    progress: &mut dyn FnMut(&str, u64, u64),
) -> Result<Option<Received>, ShareError> {
    let envelope = read_envelope(relay, &home.name, id)?;
    let mut stores = home.stores.clone();
    let content = open_envelope(&mut stores, &home.name, &envelope, rng)?;
    let pointer = match content.body {
        Body::Receipt { .. } => {
            home.stores = stores;
            home.save()?;
            relay.delete(&home.name, id)?;
            return Ok(None);
        }
        Body::File(pointer) => pointer,
    };
    let path = fetch_file(relay, &pointer, out_dir, progress)?;

    // The file is in place: now the session may move on.
    home.stores = stores;
    home.save()?;
    relay.delete(&home.name, id)?;
    relay.delete_blob(&pointer.blob_id)?;
    send_receipt(home, relay, &envelope.from, &pointer.blob_id, now, rng)?;
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
    let mut temp = AtomicFile::create_in(out_dir, true).map_err(output_err)?;
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

fn send_receipt<R: Rng + CryptoRng>(
    home: &mut Home,
    relay: &dyn Relay,
    to: &str,
    blob_id: &str,
    now: SystemTime,
    rng: &mut R,
) -> Result<(), ShareError> {
    let content = Content {
        from: home.name.clone(),
        to: to.to_string(),
        body: Body::Receipt {
            blob_id: blob_id.to_string(),
        },
    };
    super::send::post_content(home, relay, &content, Kind::Receipt, now, rng)?;
    Ok(())
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

/// Removes nothing but says whether `dir` holds only what it should: used by
/// tests and the demo to prove no partial file was left behind.
pub fn partial_files(dir: &Path) -> Vec<PathBuf> {
    fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "partial"))
        .collect()
}
