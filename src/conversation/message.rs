//! Reading a message as the server sees it: a PreKeySignalMessage (Alice's
//! messages until Bob has replied) or a SignalMessage, down to the fields the
//! keys are checked against. libsignal's `SignalMessage` has no getter for the
//! previous counter, so the protobuf is read directly (libsignal src/proto/wire.proto).

use serde::Serialize;
use thiserror::Error;

use crate::engine::wire::{MAC_LEN, VERSION_BYTE};
use crate::protobuf::{self, Payload, ProtobufError};

/// The two kinds of message a session sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum MessageKind {
    /// Carries the handshake (EK_A, CT, prekey ids) around a SignalMessage. Alice
    /// sends these until a reply from Bob acknowledges the session
    /// (libsignal src/session_cipher.rs:68-131).
    PreKeySignalMessage,
    SignalMessage,
}

impl MessageKind {
    pub fn name(self) -> &'static str {
        match self {
            MessageKind::PreKeySignalMessage => "PreKeySignalMessage",
            MessageKind::SignalMessage => "SignalMessage",
        }
    }
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum MessageError {
    #[error("the message is not protobuf: {0}")]
    Protobuf(#[from] ProtobufError),
    #[error("the message has no {0}")]
    Missing(&'static str),
    #[error("version byte 0x{0:02x} is not libsignal's current 0x44")]
    Version(u8),
}

/// The fields of a SignalMessage that the checks use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedMessage {
    pub kind: MessageKind,
    /// The SignalMessage: version ‖ protobuf ‖ 8-byte MAC (for a
    /// PreKeySignalMessage, the one inside it).
    pub signal_message: Vec<u8>,
    /// The sender's current ratchet public key (05 ‖ 32 B).
    pub ratchet_key: Vec<u8>,
    pub counter: u32,
    pub previous_counter: u32,
    /// AES-256-CBC output.
    pub ciphertext: Vec<u8>,
    /// SPQR's message (field 5; empty when absent).
    pub pq_ratchet: Vec<u8>,
}

impl ParsedMessage {
    /// What the MAC covers: everything before it.
    pub fn mac_input(&self) -> &[u8] {
        &self.signal_message[..self.signal_message.len() - MAC_LEN]
    }

    /// The 8 bytes that end the SignalMessage.
    pub fn mac(&self) -> &[u8] {
        &self.signal_message[self.signal_message.len() - MAC_LEN..]
    }
}

fn bytes(fields: &[protobuf::RawField], number: u32) -> Option<Vec<u8>> {
    fields
        .iter()
        .find(|f| f.number == number)
        .and_then(|f| match f.payload {
            Payload::Bytes(b) => Some(b.to_vec()),
            Payload::Varint(_) => None,
        })
}

fn number(fields: &[protobuf::RawField], number: u32) -> u32 {
    fields
        .iter()
        .find(|f| f.number == number)
        .and_then(|f| match f.payload {
            Payload::Varint(v) => u32::try_from(v).ok(),
            Payload::Bytes(_) => None,
        })
        // proto3 leaves out a zero.
        .unwrap_or(0)
}

fn versioned(bytes: &[u8]) -> Result<&[u8], MessageError> {
    match bytes.split_first() {
        Some((&VERSION_BYTE, rest)) => Ok(rest),
        Some((&other, _)) => Err(MessageError::Version(other)),
        None => Err(MessageError::Missing("version byte")),
    }
}

/// Reads a serialized message of the given kind.
pub fn parse(wire: &[u8], kind: MessageKind) -> Result<ParsedMessage, MessageError> {
    let signal_message = match kind {
        MessageKind::SignalMessage => wire.to_vec(),
        MessageKind::PreKeySignalMessage => {
            // PreKeySignalMessage field 4 is the inner SignalMessage.
            bytes(&all_fields(versioned(wire)?)?, 4)
                .ok_or(MessageError::Missing("inner SignalMessage"))?
        }
    };
    if signal_message.len() < 1 + MAC_LEN {
        return Err(MessageError::Missing("MAC"));
    }
    let body = versioned(&signal_message[..signal_message.len() - MAC_LEN])?;
    let fields = all_fields(body)?;
    Ok(ParsedMessage {
        kind,
        ratchet_key: bytes(&fields, 1).ok_or(MessageError::Missing("ratchet key"))?,
        counter: number(&fields, 2),
        previous_counter: number(&fields, 3),
        ciphertext: bytes(&fields, 4).ok_or(MessageError::Missing("ciphertext"))?,
        pq_ratchet: bytes(&fields, 5).unwrap_or_default(),
        signal_message,
    })
}

/// Every field of a message libsignal itself wrote (repeats kept, in order).
fn all_fields(buf: &[u8]) -> Result<Vec<protobuf::RawField<'_>>, ProtobufError> {
    protobuf::fields(buf).collect()
}
