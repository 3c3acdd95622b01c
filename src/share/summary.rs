//! What a relay holds, per user, as its operator sees it: the data behind
//! `share inspect RELAY` and the relay server's page. It is computed from
//! public files only, no key involved, by the folder relay
//! (`dir_relay.rs`, which every relay stores its objects through).
//!
//! Everything in it was written by someone else: a view escapes its strings
//! before printing them (`escape.rs`).

use serde::{Deserialize, Serialize};

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
