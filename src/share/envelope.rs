//! What the relay sees of a message: who it is from and for, what kind it is,
//! and libsignal's ciphertext. (Signal's "sealed sender" also hides the
//! sender from the server; this lab keeps it visible so `share inspect` can
//! show what a plain relay learns.)

use crate::engine::protobuf::Writer;

use super::proto::{Fields, ProtoError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File = 1,
    Receipt = 2,
}

/// libsignal's message types (`CiphertextMessageType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageType {
    /// A SignalMessage on an established session.
    Whisper = 2,
    /// A PreKeySignalMessage: the PQXDH first-contact data plus a SignalMessage.
    PreKey = 3,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub from: String,
    pub to: String,
    pub kind: Kind,
    pub message_type: MessageType,
    /// The serialized libsignal message, opaque to the relay.
    pub message: Vec<u8>,
}

impl Envelope {
    pub fn encode(&self) -> Vec<u8> {
        Writer::new()
            .bytes(1, self.from.as_bytes())
            .bytes(2, self.to.as_bytes())
            .uint(3, self.kind as u64)
            .uint(4, self.message_type as u64)
            .bytes(5, &self.message)
            .finish()
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, ProtoError> {
        let f = Fields::parse(bytes)?;
        let kind = match f.uint(3, "kind")? {
            1 => Kind::File,
            2 => Kind::Receipt,
            _ => return Err(ProtoError::Invalid("kind")),
        };
        let message_type = match f.uint(4, "message type")? {
            2 => MessageType::Whisper,
            3 => MessageType::PreKey,
            _ => return Err(ProtoError::Invalid("message type")),
        };
        Ok(Self {
            from: f.string(1, "sender")?,
            to: f.string(2, "recipient")?,
            kind,
            message_type,
            message: f.bytes(5, "message")?.to_vec(),
        })
    }
}
