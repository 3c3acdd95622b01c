//! What travels *inside* the Signal message: the attachment pointer.
//!
//! Signal never puts a file into a message. It encrypts the file with a fresh
//! key, uploads the encrypted blob, and sends the key and the blob's digest in
//! an `AttachmentPointer` inside the end-to-end encrypted message. The field
//! numbers below are Signal's own (`SignalService.proto`): key = 3, size = 4,
//! digest = 6, fileName = 7, cdnKey = 15, chunkSize = 17.
//!
//! The sender's and recipient's names ride inside too, so that the relay
//! cannot relabel who a message is from or for without Bob noticing.

use crate::engine::protobuf::Writer;

use super::proto::{Fields, ProtoError};
use super::stream::KEY_SIZE;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentPointer {
    /// Where the relay keeps the blob (Signal's `cdnKey`).
    pub blob_id: String,
    /// The file's own AES-256 key: the only way to read the blob.
    pub key: [u8; KEY_SIZE],
    /// The plaintext length, checked after decryption.
    pub size: u64,
    /// SHA-256 of the blob exactly as uploaded.
    pub digest: [u8; 32],
    pub file_name: String,
    /// STREAM segment size.
    pub chunk_size: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    File(AttachmentPointer),
    /// "I have your file": Signal's delivery receipt. Getting an answer is
    /// also what tells Alice's libsignal that Bob has the session, so her next
    /// message can be a plain SignalMessage instead of a PreKeySignalMessage.
    Receipt {
        blob_id: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    pub from: String,
    pub to: String,
    pub body: Body,
}

impl AttachmentPointer {
    pub fn encode(&self) -> Vec<u8> {
        Writer::new()
            .bytes(3, &self.key)
            .uint(4, self.size)
            .bytes(6, &self.digest)
            .bytes(7, self.file_name.as_bytes())
            .bytes(15, self.blob_id.as_bytes())
            .uint(17, self.chunk_size.into())
            .finish()
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, ProtoError> {
        let f = Fields::parse(bytes)?;
        Ok(Self {
            key: f.array(3, "file key")?,
            size: f.uint(4, "size")?,
            digest: f.array(6, "digest")?,
            file_name: f.string(7, "file name")?,
            blob_id: f.string(15, "blob id")?,
            chunk_size: u32::try_from(f.uint(17, "chunk size")?)
                .map_err(|_| ProtoError::Invalid("chunk size"))?,
        })
    }
}

impl Content {
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.bytes(1, self.from.as_bytes())
            .bytes(2, self.to.as_bytes());
        match &self.body {
            Body::File(pointer) => w.bytes(3, &pointer.encode()),
            Body::Receipt { blob_id } => w.bytes(4, blob_id.as_bytes()),
        };
        w.finish()
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, ProtoError> {
        let f = Fields::parse(bytes)?;
        let body = match (f.opt_bytes(3, "attachment")?, f.opt_bytes(4, "receipt")?) {
            (Some(pointer), None) => Body::File(AttachmentPointer::decode(pointer)?),
            (None, Some(_)) => Body::Receipt {
                blob_id: f.string(4, "receipt")?,
            },
            _ => return Err(ProtoError::Invalid("message body")),
        };
        Ok(Self {
            from: f.string(1, "sender")?,
            to: f.string(2, "recipient")?,
            body,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_round_trips_with_signals_field_numbers() {
        let pointer = AttachmentPointer {
            blob_id: "b1".into(),
            key: [7; 32],
            size: 5,
            digest: [9; 32],
            file_name: "a.txt".into(),
            chunk_size: 65536,
        };
        let bytes = pointer.encode();
        // Field 3 (key) is first: tag 3 << 3 | 2 = 0x1a, length 32.
        assert_eq!(&bytes[..2], &[0x1a, 32]);
        assert_eq!(AttachmentPointer::decode(&bytes).unwrap(), pointer);
        let content = Content {
            from: "alice".into(),
            to: "bob".into(),
            body: Body::File(pointer),
        };
        assert_eq!(Content::decode(&content.encode()).unwrap(), content);
    }
}
