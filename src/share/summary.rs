//! What a relay holds, per user, as its operator sees it: the data behind
//! `share inspect RELAY` (and any other view of a relay, such as a web page).
//! It is computed from public files only; no key is involved.
//!
//! Everything in it was written by someone else: a view escapes its strings
//! before printing them (`escape.rs`).

use std::fs;
use std::io::Read;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::dir_relay::DirRelay;
use super::envelope::{Envelope, Kind};
use super::names::is_relay_id;
use super::regular_file;
use super::relay::{Relay, RelayError, RelayResult};
use crate::engine::ServerBundle;

/// How many of a blob's first bytes a summary shows.
pub const BLOB_HEAD_BYTES: usize = 16;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelaySummary {
    /// Everyone the relay holds something for, by name.
    pub users: Vec<UserSummary>,
    /// Encrypted files. The relay cannot tell whose they are from the blobs
    /// alone (only from timing).
    pub blobs: Vec<BlobSummary>,
    /// Files that are not what their place says (oversized, not a regular
    /// file, not parsable): refused without being read whole.
    pub refused: Vec<RefusedObject>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub name: String,
    /// IK from the published bundle, as hex; none without a readable bundle.
    pub identity_key: Option<String>,
    pub prekeys_left: usize,
    /// Messages waiting for this user, oldest first.
    pub waiting: Vec<MessageSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageSummary {
    pub id: String,
    /// As the envelope says: the relay reads them, and could have changed them.
    pub from: String,
    pub to: String,
    /// "file" or "receipt".
    pub kind: String,
    /// libsignal's type: "PreKeySignalMessage" (first contact) or "SignalMessage".
    pub message_type: String,
    pub size: u64,
    /// When it arrived on the relay, in seconds since 1970 (the file's time).
    pub time: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobSummary {
    pub id: String,
    pub size: u64,
    /// The first [`BLOB_HEAD_BYTES`] bytes, as hex: a header, then ciphertext.
    pub first_bytes: String,
    pub time: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedObject {
    /// The file's place in the relay folder.
    pub path: String,
    pub reason: String,
}

/// Who wrote to whom, as the waiting envelopes say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    pub from: String,
    pub to: String,
    pub messages: usize,
    pub bytes: u64,
}

impl RelaySummary {
    /// What the waiting messages tell the relay: who writes to whom, how
    /// often and how much (sorted by sender, then recipient).
    pub fn conversations(&self) -> Vec<Conversation> {
        let mut out: Vec<Conversation> = Vec::new();
        for m in self.users.iter().flat_map(|u| &u.waiting) {
            match out.iter_mut().find(|c| c.from == m.from && c.to == m.to) {
                Some(c) => {
                    c.messages += 1;
                    c.bytes += m.size;
                }
                None => out.push(Conversation {
                    from: m.from.clone(),
                    to: m.to.clone(),
                    messages: 1,
                    bytes: m.size,
                }),
            }
        }
        out.sort_by(|a, b| (&a.from, &a.to).cmp(&(&b.from, &b.to)));
        out
    }
}

/// What a relay cannot read, whatever it stores: shown by `share inspect
/// RELAY` and the network relay's page alike.
pub const CANNOT_SEE: &[&str] = &[
    "the files and their names",
    "the file keys (inside the encrypted messages)",
    "which blob a message points to (only timing and addresses link them)",
    "any private key",
];

/// What a relay can do anyway: encryption does not prevent it, and the
/// last one is what safety numbers are for.
pub const CAN_STILL_DO: &[&str] = &[
    "drop, delay or reorder messages and files",
    "withhold one-time prekeys (PQXDH then runs without DH4) or hand one out twice",
    "answer a first contact with a bundle of its own: compare safety numbers to find out",
];

impl RelaySummary {
    /// What the operator learns from what it holds, one sentence each: who
    /// has keys here, who writes to whom, how much, and the sizes.
    pub fn learns(&self) -> Vec<String> {
        let mut lines = Vec::new();
        let conversations = self.conversations();
        if conversations.is_empty() {
            lines.push(
                "who has keys here, and how many first contacts they can still take".to_string(),
            );
        }
        for c in &conversations {
            lines.push(format!(
                "{} writes to {}: {} message(s), {} bytes",
                c.from, c.to, c.messages, c.bytes
            ));
        }
        lines.push("each file's exact size, and when it arrived".to_string());
        lines
    }

    /// The summary as the network relay shows it to anyone: blob ids are
    /// capabilities (whoever knows one can download and delete the blob),
    /// so only their start is shown.
    pub fn redacted(mut self) -> Self {
        for blob in &mut self.blobs {
            blob.id = super::http_api::shown_blob_id(&blob.id);
        }
        self
    }
}

fn seconds(time: std::io::Result<SystemTime>) -> Option<u64> {
    time.ok()?
        .duration_since(UNIX_EPOCH)
        .ok()
        .map(|d| d.as_secs())
}

/// Sub-folders of `dir` whose names follow the naming rule.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().to_str().map(String::from))
        .filter(|n| is_relay_id(n))
        .collect();
    names.sort();
    names
}

/// Summarises a relay folder.
pub fn of_folder(relay: &DirRelay) -> RelayResult<RelaySummary> {
    let root = relay.root();
    let shown = |path: &Path| {
        path.strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string()
    };
    let mut summary = RelaySummary::default();

    let mut names = DirRelay::list(&root.join("bundles"), "bundle")?;
    names.extend(names_in(&root.join("prekeys")));
    names.extend(names_in(&root.join("inbox")));
    names.sort();
    names.dedup();

    for name in names {
        let identity_key = match relay.peek_bundle(&name) {
            Ok(Some(bytes)) => match ServerBundle::decode(&bytes) {
                Ok(bundle) => Some(hex::encode(bundle.identity_key)),
                Err(e) => {
                    summary.refused.push(RefusedObject {
                        path: shown(&relay.bundle_path(&name)),
                        reason: e.to_string(),
                    });
                    None
                }
            },
            Ok(None) => None,
            Err(e) => {
                summary
                    .refused
                    .push(refusal(&shown(&relay.bundle_path(&name)), e));
                None
            }
        };
        let mut waiting = Vec::new();
        for id in relay.inbox(&name)? {
            let path = relay.message_path(&name, &id);
            let envelope = relay.read(&name, &id).and_then(|bytes| {
                Envelope::decode(&bytes).map_err(|e| RelayError::Refused {
                    what: "message",
                    path: path.clone(),
                    reason: e.to_string(),
                })
            });
            match envelope {
                Ok(envelope) => {
                    let meta = fs::metadata(&path).ok();
                    waiting.push(MessageSummary {
                        id,
                        from: envelope.from,
                        to: envelope.to,
                        kind: match envelope.kind {
                            Kind::File => "file",
                            Kind::Receipt => "receipt",
                        }
                        .into(),
                        message_type: envelope.message_type.libsignal_name().into(),
                        size: meta.as_ref().map_or(0, |m| m.len()),
                        time: meta.and_then(|m| seconds(m.modified())),
                    });
                }
                Err(e) => summary.refused.push(refusal(&shown(&path), e)),
            }
        }
        summary.users.push(UserSummary {
            prekeys_left: relay.prekeys_left(&name)?,
            name,
            identity_key,
            waiting,
        });
    }

    for id in DirRelay::list(&root.join("blobs"), "blob")? {
        let path = relay.blob_path(&id);
        match regular_file::open(&path) {
            Ok(file) => {
                let meta = file.metadata().ok();
                let mut head = Vec::with_capacity(BLOB_HEAD_BYTES);
                let _ = (&file).take(BLOB_HEAD_BYTES as u64).read_to_end(&mut head);
                summary.blobs.push(BlobSummary {
                    id,
                    size: meta.as_ref().map_or(0, |m| m.len()),
                    first_bytes: hex::encode(head),
                    time: meta.and_then(|m| seconds(m.modified())),
                });
            }
            Err(e) => summary.refused.push(RefusedObject {
                path: shown(&path),
                reason: e.to_string(),
            }),
        }
    }
    Ok(summary)
}

fn refusal(path: &str, e: RelayError) -> RefusedObject {
    let reason = match e {
        RelayError::Refused { reason, .. } => reason,
        other => other.to_string(),
    };
    RefusedObject {
        path: path.to_string(),
        reason,
    }
}
