//! Everything that can stop a `share` command, each worded for the person
//! running it. Text that came from the relay or a sender is escaped before it
//! is shown (`escape.rs`).

use std::io;
use std::path::PathBuf;

use libsignal_protocol::SignalProtocolError;
use thiserror::Error;

use super::escape::{escaped, escaped_path};
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
    #[error("could not read {}: {source}", escaped_path(.path))]
    Input { path: PathBuf, source: io::Error },
    #[error("cannot write into the output folder {}: {source}", escaped_path(.path))]
    Output { path: PathBuf, source: io::Error },
    #[error("could not write the encrypted file to the relay: {0}")]
    Upload(io::Error),
    #[error("could not read the encrypted file from the relay: {0}")]
    Download(io::Error),
    #[error("the encrypted file is damaged: {0}")]
    Stream(StreamError),
    #[error("interrupted: the file being written was removed, and nothing else was changed")]
    Interrupted,
    #[error("the {what} is malformed: {source}")]
    Malformed {
        what: &'static str,
        source: ProtobufError,
    },
    #[error(
        "this message is addressed to '{}', not to '{me}'; it was left on the relay",
        escaped(.to)
    )]
    NotForMe { to: String, me: String },
    #[error(
        "the relay relabelled this message: its envelope says {}, the encrypted message \
         inside says {}",
        escaped(.envelope),
        escaped(.inside)
    )]
    Relabelled { envelope: String, inside: String },
    #[error(
        "this message from {} repeats a first message already received, with its unencrypted \
         part changed: a replay, refused",
        escaped(.from)
    )]
    Replay { from: String },
    #[error(
        "this message, said to be from {}, reuses a message number of the session, but this \
         home never received it: it was altered or forged on the way (libsignal checks the \
         number before the MAC); refused",
        escaped(.from)
    )]
    Duplicated { from: String },
    #[error(
        "{name}'s identity key is not the one seen before; refusing (that is what a relay \
         substituting keys would look like). Compare safety numbers with {name} \
         (`pqxdh-lab share safety-number --as {me} {name}`); if {name} really has new keys, \
         accept them with `pqxdh-lab share trust --as {me} {name}`",
        name = escaped(.name)
    )]
    IdentityChanged { name: String, me: String },
    #[error("the message from {} could not be decrypted: {source}", escaped(.from))]
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
    #[error("{count} one-time prekeys is out of range: choose 0 to {max}")]
    PrekeyCount { count: u32, max: u32 },
    #[error(
        "{name}'s keys are saved in {}, but publishing them failed: {source}. Once the relay \
         works, run `pqxdh-lab share publish {name}`",
        escaped_path(.home)
    )]
    NotPublished {
        name: String,
        home: PathBuf,
        source: RelayError,
    },
    #[error(
        "{me} has no identity key for {peer} yet: safety numbers are computed from the key \
         {me}'s sessions use, which {me} learns by sending {peer} a file or receiving one"
    )]
    NoIdentity { me: String, peer: String },
    #[error("the safety number could not be computed: {0}")]
    Fingerprint(String),
    #[error(
        "no key offered for {peer} has the safety number {number}: nothing was changed \
         (run `pqxdh-lab share trust --as {me} {peer}` to see the numbers)"
    )]
    NoSuchNumber {
        me: String,
        peer: String,
        number: String,
    },
}

impl From<StreamError> for ShareError {
    fn from(e: StreamError) -> Self {
        match e {
            StreamError::Interrupted => Self::Interrupted,
            e => Self::Stream(e),
        }
    }
}
