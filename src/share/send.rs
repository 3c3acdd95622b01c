//! Alice sends a file: PQXDH on first contact, the file encrypted with its own
//! key to the relay, and the key in a libsignal message to Bob.

use std::fs::File;
use std::path::Path;
use std::time::SystemTime;

use futures::executor::block_on;
use libsignal_protocol::{CiphertextMessage, SessionStore, message_encrypt, process_prekey_bundle};
use rand::{CryptoRng, Rng};

use super::envelope::{Envelope, Kind, MessageType};
use super::home::Home;
use super::pointer::{AttachmentPointer, Body, Content};
use super::receive::process_receipts;
use super::relay::Relay;
use super::stream::{self, KEY_SIZE, SEGMENT_SIZE};
use super::{ShareError, check_name};
use crate::engine::{address, fetch_and_verify};

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

/// Sends `file` from `from` to `to` through `relay`. `progress` hears the
/// plaintext bytes encrypted so far.
#[allow(clippy::too_many_arguments)]
pub fn send<R: Rng + CryptoRng>(
    home_base: &Path,
    relay: &dyn Relay,
    from: &str,
    to: &str,
    file: &Path,
    now: SystemTime,
    rng: &mut R,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<SendSummary, ShareError> {
    check_name(from)?;
    check_name(to)?;
    if from == to {
        return Err(ShareError::SelfSend(from.to_string()));
    }
    let mut home = Home::load(home_base, from)?;
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
    process_receipts(&mut home, relay, Some(to), rng)?;

    let bob = address(to);
    let mut first_contact = false;
    let mut used_one_time_prekey = false;
    if block_on(home.stores.sessions.load_session(&bob))?.is_none() {
        // First contact: PQXDH from the bundle, after checking its signatures.
        let bytes = relay.fetch_bundle(to)?;
        let bundle = fetch_and_verify(&bytes).map_err(|source| ShareError::Bundle {
            name: to.to_string(),
            source,
        })?;
        used_one_time_prekey = bundle.pre_key_id()?.is_some();
        block_on(process_prekey_bundle(
            &bob,
            &mut home.stores.sessions,
            &mut home.stores.identities,
            &bundle,
            now,
            rng,
        ))
        .map_err(|e| match e {
            libsignal_protocol::SignalProtocolError::UntrustedIdentity(_) => {
                ShareError::IdentityChanged {
                    name: to.to_string(),
                }
            }
            e => e.into(),
        })?;
        first_contact = true;
    }

    // A fresh key for this file alone, and a random name for the blob.
    let mut key = [0u8; KEY_SIZE];
    rng.fill_bytes(&mut key);
    let blob_id = hex::encode(rng.random::<[u8; 16]>());
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

    let content = Content {
        from: from.to_string(),
        to: to.to_string(),
        body: Body::File(AttachmentPointer {
            blob_id: blob_id.clone(),
            key,
            size: summary.plaintext_len,
            digest: summary.blob_sha256,
            file_name,
            chunk_size: SEGMENT_SIZE as u32,
        }),
    };
    let posted = post_content(&mut home, relay, &content, Kind::File, now, rng);
    let (envelope, message_id) = match posted {
        Ok(posted) => posted,
        Err(e) => {
            // No message points at the blob: take it back off the relay.
            let _ = relay.delete_blob(&blob_id);
            return Err(e);
        }
    };
    Ok(SendSummary {
        first_contact,
        message_type: envelope.message_type,
        used_one_time_prekey,
        blob_id,
        plaintext_len: summary.plaintext_len,
        blob_len: summary.blob_len,
        blob_sha256: summary.blob_sha256,
        message_len: envelope.message.len(),
        message_id,
    })
}

/// Encrypts `content` (a file pointer or a receipt) on the session, saves the
/// advanced session, and posts the message to the relay.
pub(crate) fn post_content<R: Rng + CryptoRng>(
    home: &mut Home,
    relay: &dyn Relay,
    content: &Content,
    kind: Kind,
    now: SystemTime,
    rng: &mut R,
) -> Result<(Envelope, String), ShareError> {
    let to = &content.to;
    let message = block_on(message_encrypt(
        &content.encode(),
        &address(to),
        &mut home.stores.sessions,
        &mut home.stores.identities,
        now,
        rng,
    ))?;
    let envelope = Envelope {
        from: content.from.clone(),
        to: to.clone(),
        kind,
        message_type: match message {
            CiphertextMessage::PreKeySignalMessage(_) => MessageType::PreKey,
            _ => MessageType::Whisper,
        },
        message: message.serialize().to_vec(),
    };
    // The advanced session is saved before the message leaves: if posting
    // fails, Bob merely never sees one message number, which libsignal
    // tolerates; the reverse order could reuse a message key. The save also
    // refuses if another command changed the state meanwhile.
    home.save()?;
    let message_id = relay.post(to, &envelope.encode())?;
    Ok((envelope, message_id))
}
