//! The home's own record of the messages it accepted.
//!
//! A message can reach `receive` twice without anyone attacking: a crash
//! after the state was saved but before the message was deleted from the
//! relay, or a relay folder that does not let the recipient delete. libsignal
//! then refuses it (its message key is used up), but its refusal cannot tell
//! that case from an attack: `DuplicatedMessage` is raised from the message
//! counter alone, before the MAC is checked (libsignal
//! `src/session_cipher.rs:747`, the MAC at `:657`), so anyone who can write
//! to an inbox can forge one. This record can: it holds the SHA-256 of every
//! libsignal message the home accepted. A message whose bytes are in it is
//! one this home has already received, exactly; it is done, and is removed.
//! The blob to delete with it comes from the record (from the pointer the
//! home authenticated back then), never from the message seen again.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// How many messages the record remembers (the oldest are forgotten; a copy
/// of one of those is refused by libsignal, as before).
pub const KEPT: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// SHA-256 of the serialized libsignal message, as hex.
    pub digest: String,
    /// The sender, as the authenticated content named them.
    pub from: String,
    /// The blob the message pointed to (none for a receipt).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blob_id: Option<String>,
}

/// Newest last.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Received(VecDeque<Entry>);

/// The record's key for a libsignal message.
pub fn digest(message: &[u8]) -> String {
    hex::encode(Sha256::digest(message))
}

impl Received {
    /// The entry for this exact libsignal message, if it was accepted before.
    pub fn find(&self, message: &[u8]) -> Option<&Entry> {
        let digest = digest(message);
        self.0.iter().find(|e| e.digest == digest)
    }

    pub fn add(&mut self, entry: Entry) {
        self.0.push_back(entry);
        while self.0.len() > KEPT {
            self.0.pop_front();
        }
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
