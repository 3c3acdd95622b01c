//! End-to-end encrypted file sharing through an untrusted relay, the way
//! Signal sends attachments: the file is encrypted with its own fresh key
//! (STREAM, `stream.rs`), the blob goes to the relay, and the key and the
//! blob's digest travel in a real libsignal message on the PQXDH session
//! (`pointer.rs`). The relay (`relay.rs`) only ever holds public keys,
//! ciphertext and who-talks-to-whom.

pub mod atomic;
pub mod dir_relay;
pub mod envelope;
pub mod home;
pub mod inspect;
pub mod pointer;
mod proto;
pub mod receive;
pub mod relay;
pub mod send;
pub mod store;
pub mod stream;

pub use dir_relay::DirRelay;
pub use home::{Home, HomeError, InitSummary, init};
pub use receive::{ReceiveReport, Received, receive};
pub use relay::{Relay, RelayError};
pub use send::{SendSummary, send};
pub use stream::StreamError;

use std::io;
use std::path::PathBuf;

use libsignal_protocol::SignalProtocolError;
use thiserror::Error;

use crate::engine::BundleError;
pub use proto::ProtoError;

#[derive(Debug, Error)]
pub enum ShareError {
    #[error(
        "'{0}' is not a usable name: use 1 to 32 lowercase letters, digits, '-' or '_' \
         (such as alice)"
    )]
    Name(String),
    #[error(transparent)]
    Home(#[from] HomeError),
    #[error(transparent)]
    Relay(#[from] RelayError),
    #[error("the relay's prekey bundle for {name} was refused: {source}")]
    Bundle { name: String, source: BundleError },
    #[error("libsignal refused: {0}")]
    Libsignal(#[from] SignalProtocolError),
    #[error("could not read {path}: {source}")]
    Input { path: PathBuf, source: io::Error },
    #[error("cannot write into the output folder {path}: {source}")]
    Output { path: PathBuf, source: io::Error },
    #[error("the encrypted file is damaged: {0}")]
    Stream(#[from] StreamError),
    #[error("the {what} is malformed: {source}")]
    Malformed {
        what: &'static str,
        source: ProtoError,
    },
    #[error("this message is addressed to '{to}', not to '{me}'; it was left on the relay")]
    NotForMe { to: String, me: String },
    #[error(
        "the relay relabelled this message: its envelope says {envelope}, the encrypted \
         message inside says {inside}"
    )]
    Relabelled { envelope: String, inside: String },
    #[error("this message from {from} was already received once: a replay, refused")]
    Replay { from: String },
    #[error(
        "{name}'s identity key is not the one seen before; refusing (that is what a relay \
         substituting keys would look like)"
    )]
    IdentityChanged { name: String },
    #[error("the message from {from} could not be decrypted: {source}")]
    Decrypt {
        from: String,
        source: SignalProtocolError,
    },
    #[error("the blob's SHA-256 is not the digest the sender signed into the message")]
    Digest,
    #[error("the decrypted file has {got} bytes, but the sender said {expected}")]
    Size { got: u64, expected: u64 },
    #[error("{0} cannot send a file to themselves")]
    SelfSend(String),
}

/// Names become folder and file names, and libsignal addresses.
pub fn check_name(name: &str) -> Result<(), ShareError> {
    let ok = (1..=32).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && !name.starts_with('-');
    if ok {
        Ok(())
    } else {
        Err(ShareError::Name(name.to_string()))
    }
}

/// Compares digests without stopping at the first difference, so the time
/// taken says nothing about where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
