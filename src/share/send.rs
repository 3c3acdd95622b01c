//! Alice sends a file: PQXDH on first contact, the file encrypted with its own
//! key to the relay, and the key in a libsignal message to Bob.

use std::fs::File;
use std::path::Path;

use rand::Rng;

use super::envelope::MessageType;
use super::error::ShareError;
use super::names::Name;
use super::pointer::{AttachmentPointer, Body};
use super::session::Account;
use super::stream::{self, KEY_SIZE, SEGMENT_SIZE};

/// What one send did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendSummary {
    /// True when this send ran PQXDH from the relay's bundle.
    pub first_contact: bool,
    /// PreKey on first contact (and until Bob answers), Whisper afterwards.
    pub message_type: MessageType,
    /// Whether the bundle carried a one-time prekey (so DH4 was used).
    pub used_one_time_prekey: bool,
    pub blob_id: String,
    pub plaintext_len: u64,
    pub blob_len: u64,
    pub blob_sha256: [u8; 32],
    pub message_len: usize,
    pub message_id: String,
}

/// Sends `file` from the account's owner to `to` through the account's
/// relay. `progress` hears the plaintext bytes encrypted so far.
pub fn send(
    account: &mut Account,
    to: &str,
    file: &Path,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<SendSummary, ShareError> {
    let to = Name::new(to)?;
    if &to == account.name() {
        return Err(ShareError::SelfSend(to.to_string()));
    }
    let input_err = |source| ShareError::Input {
        path: file.to_path_buf(),
        source,
    };
    let input = File::open(file).map_err(input_err)?;
    let metadata = input.metadata().map_err(input_err)?;
    if metadata.is_dir() {
        return Err(input_err(std::io::Error::other(
            "it is a folder, not a file",
        )));
    }
    let total = metadata.len();
    let file_name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".to_string());

    // Bob's receipts tell libsignal he has the session, so this message can
    // be a plain SignalMessage.
    account.process_receipts(Some(&to))?;

    let mut first_contact = false;
    let mut used_one_time_prekey = false;
    if !account.has_session(&to)? {
        let started = account.start_session(&to)?;
        first_contact = true;
        used_one_time_prekey = started.used_one_time_prekey;
    }

    // A fresh key for this file alone, and a random name for the blob.
    let mut key = [0u8; KEY_SIZE];
    account.rng().fill_bytes(&mut key);
    let blob_id = hex::encode(account.rng().random::<[u8; 16]>());
    let relay = account.relay();
    let mut upload = relay.upload_blob(&blob_id)?;
    let summary = stream::seal_stream(&key, input, &mut upload, &mut |done| progress(done, total))
        .map_err(|e| match e {
            stream::StreamError::Io(source) => ShareError::Input {
                path: file.to_path_buf(),
                source,
            },
            e => e.into(),
        })?;
    upload.finish()?;

    let pointer = AttachmentPointer {
        blob_id: blob_id.clone(),
        key,
        size: summary.plaintext_len,
        digest: summary.blob_sha256,
        file_name,
        chunk_size: SEGMENT_SIZE as u32,
    };
    let posted = match account.post(&to, Body::File(pointer)) {
        Ok(posted) => posted,
        Err(e) => {
            // No message points at the blob: take it back off the relay.
            let _ = relay.delete_blob(&blob_id);
            return Err(e);
        }
    };
    Ok(SendSummary {
        first_contact,
        message_type: posted.envelope.message_type,
        used_one_time_prekey,
        blob_id,
        plaintext_len: summary.plaintext_len,
        blob_len: summary.blob_len,
        blob_sha256: summary.blob_sha256,
        message_len: posted.envelope.message.len(),
        message_id: posted.message_id,
    })
}
