//! Everything that can stop a `share` command, each worded for the person
//! running it.

use std::io;
use std::path::PathBuf;

use libsignal_protocol::SignalProtocolError;
use thiserror::Error;

use super::home::HomeError;
use super::names::BadName;
use super::relay::RelayError;
use super::stream::StreamError;
use crate::engine::BundleError;
use crate::protobuf::ProtobufError;

#[derive(Debug, Error)]
pub enum ShareError {
    #[error(transparent)]
    Name(#[from] BadName),
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
        source: ProtobufError,
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
