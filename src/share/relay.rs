//! The untrusted server, as an interface. It stores bundles, blobs and
//! messages and hands them out; it never gets a private key, a file key or a
//! plaintext. The cryptography only talks to this trait, so a networked relay
//! can replace the folder one without touching it.

use std::io::{self, Read, Write};
use std::path::PathBuf;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum RelayError {
    #[error(
        "no one called '{0}' has published keys on this relay (run `pqxdh-lab share init {0}`)"
    )]
    UnknownName(String),
    #[error("the relay has no blob '{0}' (it was deleted, or never uploaded)")]
    NoBlob(String),
    #[error("'{0}' is not a valid relay object id")]
    BadId(String),
    #[error("could not read or write {path} on the relay: {source}")]
    Io { path: PathBuf, source: io::Error },
}

pub type RelayResult<T> = Result<T, RelayError>;

/// A blob on its way up. Nothing is visible to others until `finish`.
pub trait BlobUpload: Write + Send {
    fn finish(self: Box<Self>) -> RelayResult<()>;
}

pub trait Relay {
    /// Stores `name`'s bundle (signed prekeys, no one-time prekey) and adds
    /// `one_time_prekeys` (id, OPK public key) to those it hands out.
    fn publish(
        &self,
        name: &str,
        bundle: &[u8],
        one_time_prekeys: &[(u32, Vec<u8>)],
    ) -> RelayResult<()>;

    /// The bundle for a first contact, with one one-time prekey if any is
    /// left. The relay deletes the prekey it hands out, so no two senders get
    /// the same one.
    fn fetch_bundle(&self, name: &str) -> RelayResult<Vec<u8>>;

    /// One-time prekeys still waiting for `name`.
    fn prekeys_left(&self, name: &str) -> RelayResult<usize>;

    fn upload_blob(&self, blob_id: &str) -> RelayResult<Box<dyn BlobUpload + '_>>;
    fn open_blob(&self, blob_id: &str) -> RelayResult<Box<dyn Read + Send>>;
    fn delete_blob(&self, blob_id: &str) -> RelayResult<()>;

    /// Queues an envelope for `to`; returns the message id.
    fn post(&self, to: &str, envelope: &[u8]) -> RelayResult<String>;
    /// Message ids waiting for `name`, oldest first.
    fn inbox(&self, name: &str) -> RelayResult<Vec<String>>;
    fn read(&self, name: &str, message_id: &str) -> RelayResult<Vec<u8>>;
    fn delete(&self, name: &str, message_id: &str) -> RelayResult<()>;
}
