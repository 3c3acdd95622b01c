//! What the relay sees of a message: who it is from and for, what kind it is,
//! and libsignal's ciphertext. (Signal's "sealed sender" also hides the
//! sender from the server; this lab keeps it visible so `share inspect` can
//! show what a plain relay learns.)

use crate::protobuf::{FieldSpec, Message, ProtobufError, Writer};

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

impl MessageType {
    /// The name of the libsignal type the message is (`CiphertextMessage`'s variants).
    pub fn libsignal_name(self) -> &'static str {
        match self {
            Self::Whisper => "SignalMessage",
            Self::PreKey => "PreKeySignalMessage",
        }
    }
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
    const FROM: FieldSpec = FieldSpec::text(1, "sender").about("the sender's name");
    const TO: FieldSpec = FieldSpec::text(2, "recipient").about("the recipient's name");
    const KIND: FieldSpec =
        FieldSpec::uint(3, "kind").about("1 a file message, 2 a delivery receipt");
    const MESSAGE_TYPE: FieldSpec = FieldSpec::uint(4, "message type")
        .about("libsignal's message type: 2 SignalMessage, 3 PreKeySignalMessage");
    const MESSAGE: FieldSpec =
        FieldSpec::bytes(5, "message").about("the serialized libsignal message");

    /// The envelope's fields, in the order they are written.
    pub const FIELDS: &'static [FieldSpec] = &[
        Self::FROM,
        Self::TO,
        Self::KIND,
        Self::MESSAGE_TYPE,
        Self::MESSAGE,
    ];

    pub fn encode(&self) -> Vec<u8> {
        Writer::new()
            .text(&Self::FROM, &self.from)
            .text(&Self::TO, &self.to)
            .uint(&Self::KIND, self.kind as u64)
            .uint(&Self::MESSAGE_TYPE, self.message_type as u64)
            .bytes(&Self::MESSAGE, &self.message)
            .finish()
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, ProtobufError> {
        let m = Message::read(bytes, Self::FIELDS)?;
        let kind = match m.uint(&Self::KIND)? {
            1 => Kind::File,
            2 => Kind::Receipt,
            _ => return Err(ProtobufError::Invalid(Self::KIND.name)),
        };
        let message_type = match m.uint(&Self::MESSAGE_TYPE)? {
            2 => MessageType::Whisper,
            3 => MessageType::PreKey,
            _ => return Err(ProtobufError::Invalid(Self::MESSAGE_TYPE.name)),
        };
        Ok(Self {
            from: m.text(&Self::FROM)?,
            to: m.text(&Self::TO)?,
            kind,
            message_type,
            message: m.bytes(&Self::MESSAGE)?.to_vec(),
        })
    }
}
