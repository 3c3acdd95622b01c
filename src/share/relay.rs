//! The untrusted server, as an interface. It stores bundles, blobs and
//! messages and hands them out; it never gets a private key, a file key or a
//! plaintext. The cryptography only talks to this trait, so the network
//! relay (`http_relay.rs`, talking to `pqxdh-lab relay serve`) replaces the
//! folder one (`dir_relay.rs`) without touching it.
//!
//! Everything a relay hands back was written by someone else, so a client
//! treats it as hostile: each kind of object has a size limit no honest one
//! reaches (below), and anything larger is refused unread.

use std::io::{self, Read, Write};
use std::path::PathBuf;

use libsignal_protocol::IdentityKeyPair;
use thiserror::Error;

use super::escape::{escaped, escaped_path};
use super::summary::RelaySummary;

/// A bundle is IK (33 bytes), SPK (33) and PQSPK (1569) with two 64-byte
/// signatures and ids: about 1.8 KB (1788 bytes in the book's example 16),
/// a little more with the one-time prekey of a fetch.
pub const MAX_BUNDLE_BYTES: u64 = 16 * 1024;
/// A one-time prekey is one curve public key: 33 bytes.
pub const MAX_PREKEY_BYTES: u64 = 1024;
/// An envelope holds two names and a libsignal message: a first message
/// (PreKeySignalMessage, with the 1569-byte Kyber ciphertext CT) carrying an
/// attachment pointer is about 1.9 KB (1917 bytes in example 16); the
/// longest file name adds a few hundred bytes.
pub const MAX_MESSAGE_BYTES: u64 = 64 * 1024;

#[derive(Debug, Error)]
pub enum RelayError {
    #[error(
        "no one called '{name}' has published keys on this relay (run `pqxdh-lab share init \
         {name}`)",
        name = escaped(.0)
    )]
    UnknownName(String),
    #[error(
        "the relay already holds keys for '{name}' with another identity key: someone else \
         uses this name, or these are keys made before a reinstall. Pick another name; or, if \
         the name is yours, take it over with --take-over (everyone who wrote to {name} before \
         will then be refused until they compare safety numbers and run `share trust`)"
    )]
    NameTaken { name: String },
    #[error("the relay has no blob '{}' (it was deleted, or never uploaded)", escaped(.0))]
    NoBlob(String),
    #[error("'{}' is not a valid relay object id", escaped(.0))]
    BadId(String),
    #[error("the relay's {what} {} was refused: {reason}", escaped_path(.path))]
    Refused {
        what: &'static str,
        path: PathBuf,
        reason: String,
    },
    #[error(
        "the relay folder does not let you write {} ({source}). A relay shared by several users \
         of this computer must be group-writable: chgrp GROUP RELAY && chmod -R g+rwX RELAY && \
         find RELAY -type d -exec chmod g+s {{}} + (see README, \"A relay shared between users\")",
        escaped_path(.path)
    )]
    NotWritable { path: PathBuf, source: io::Error },
    #[error("could not read or write {} on the relay: {source}", escaped_path(.path))]
    Io { path: PathBuf, source: io::Error },
    #[error(
        "could not reach the relay at {url}: {reason}. Is `pqxdh-lab relay serve` running \
         there, and is the address right (the relay prints it when it starts)?"
    )]
    Unreachable { url: String, reason: String },
    #[error(
        "the connection to the relay at {url} broke off in the middle of the {what} ({reason}); \
         nothing half-received was kept, so run the command again"
    )]
    Dropped {
        url: String,
        what: &'static str,
        reason: String,
    },
    #[error("the relay at {url} refused: {} (HTTP {status})", escaped(.message))]
    Server {
        url: String,
        status: u16,
        message: String,
    },
    #[error("'{}' is not a relay: give a folder, or http://HOST:PORT for `pqxdh-lab relay serve` ({reason})", escaped(.given))]
    BadAddress { given: String, reason: String },
}

pub type RelayResult<T> = Result<T, RelayError>;

/// A blob on its way up. Nothing is visible to others until `finish`;
/// dropped unfinished, it leaves nothing.
pub trait BlobUpload: Write + Send {
    fn finish(self: Box<Self>) -> RelayResult<()>;
}

pub trait Relay {
    /// Lets this relay act for NAME where only NAME may: replacing NAME's
    /// bundle, reading NAME's inbox, deleting NAME's messages. The network
    /// relay signs those requests with NAME's identity key (`http_api.rs`);
    /// the key stays in this process, and only signatures leave it. The
    /// folder relay has no one to prove anything to (whoever can write the
    /// folder can do everything), so by default this does nothing.
    fn sign_as(&self, _name: &str, _identity: &IdentityKeyPair) {}

    /// Stores `name`'s bundle (signed prekeys, no one-time prekey) and
    /// replaces the one-time prekeys it hands out with `one_time_prekeys`
    /// (id, OPK public key). Returns the ids of the one-time prekeys it
    /// withdrew unused: no sender can have received those.
    ///
    /// A name belongs to the identity key of its first bundle: a bundle with
    /// another identity key is refused ([`RelayError::NameTaken`]) unless
    /// `take_over` says the publisher means to replace it. Two publishers
    /// racing for a new name cannot both win.
    fn publish(
        &self,
        name: &str,
        bundle: &[u8],
        one_time_prekeys: &[(u32, Vec<u8>)],
        take_over: bool,
    ) -> RelayResult<Vec<u32>>;

    /// The bundle for a first contact, with one one-time prekey if any is
    /// left. The relay deletes the prekey it hands out, so no two senders get
    /// the same one.
    fn fetch_bundle(&self, name: &str) -> RelayResult<Vec<u8>>;

    /// The bundle as stored, without claiming a one-time prekey; `None` if
    /// `name` has published nothing.
    fn peek_bundle(&self, name: &str) -> RelayResult<Option<Vec<u8>>>;

    /// One-time prekeys still waiting for `name`.
    fn prekeys_left(&self, name: &str) -> RelayResult<usize>;

    fn upload_blob(&self, blob_id: &str) -> RelayResult<Box<dyn BlobUpload + '_>>;
    fn open_blob(&self, blob_id: &str) -> RelayResult<Box<dyn Read + Send>>;
    /// Deletes a blob; one already gone is not an error.
    fn delete_blob(&self, blob_id: &str) -> RelayResult<()>;

    /// Queues an envelope for `to`; returns the message id.
    fn post(&self, to: &str, envelope: &[u8]) -> RelayResult<String>;
    /// Message ids waiting for `name`, oldest first.
    fn inbox(&self, name: &str) -> RelayResult<Vec<String>>;
    /// One waiting envelope, at most [`MAX_MESSAGE_BYTES`].
    fn read(&self, name: &str, message_id: &str) -> RelayResult<Vec<u8>>;
    /// Deletes a waiting message; one already gone is not an error.
    fn delete(&self, name: &str, message_id: &str) -> RelayResult<()>;

    /// Everything the relay holds, per user, as its operator sees it.
    fn summary(&self) -> RelayResult<RelaySummary>;
}
