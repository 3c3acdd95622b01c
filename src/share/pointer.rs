//! What travels *inside* the Signal message: the attachment pointer.
//!
//! Signal never puts a file into a message. It encrypts the file with a fresh
//! key, uploads the encrypted blob, and sends the key and the blob's digest in
//! an `AttachmentPointer` inside the end-to-end encrypted message. Its field
//! table below uses Signal's own numbers and names (`SignalService.proto`).
//!
//! The sender's and recipient's names ride inside too, so that the relay
//! cannot relabel who a message is from or for without Bob noticing.

use super::stream::KEY_SIZE;
use crate::protobuf::{FieldSpec, Message, ProtobufError, Writer};

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
    const KEY: FieldSpec = FieldSpec::bytes(3, "key").about("the file's own AES-256 key");
    const SIZE: FieldSpec = FieldSpec::uint(4, "size").about("the plaintext length");
    const DIGEST: FieldSpec =
        FieldSpec::bytes(6, "digest").about("SHA-256 of the blob exactly as uploaded");
    const FILE_NAME: FieldSpec = FieldSpec::text(7, "fileName").about("the file's name");
    const BLOB_ID: FieldSpec =
        FieldSpec::text(15, "cdnKey").about("where the relay keeps the blob (its blob id)");
    const CHUNK_SIZE: FieldSpec = FieldSpec::uint(17, "chunkSize").about("STREAM segment size");

    /// The pointer's fields, in the order they are written.
    pub const FIELDS: &'static [FieldSpec] = &[
        Self::KEY,
        Self::SIZE,
        Self::DIGEST,
        Self::FILE_NAME,
        Self::BLOB_ID,
        Self::CHUNK_SIZE,
    ];

    pub fn encode(&self) -> Vec<u8> {
        Writer::new()
            .bytes(&Self::KEY, &self.key)
            .uint(&Self::SIZE, self.size)
            .bytes(&Self::DIGEST, &self.digest)
            .text(&Self::FILE_NAME, &self.file_name)
            .text(&Self::BLOB_ID, &self.blob_id)
            .uint(&Self::CHUNK_SIZE, self.chunk_size.into())
            .finish()
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, ProtobufError> {
        let m = Message::read(bytes, Self::FIELDS)?;
        Ok(Self {
            key: m.array(&Self::KEY)?,
            size: m.uint(&Self::SIZE)?,
            digest: m.array(&Self::DIGEST)?,
            file_name: m.text(&Self::FILE_NAME)?,
            blob_id: m.text(&Self::BLOB_ID)?,
            chunk_size: m.uint32(&Self::CHUNK_SIZE)?,
        })
    }
}

impl Content {
    const FROM: FieldSpec = FieldSpec::text(1, "sender").about("the sender's name");
    const TO: FieldSpec = FieldSpec::text(2, "recipient").about("the recipient's name");
    const ATTACHMENT: FieldSpec = FieldSpec::bytes(3, "attachment").about("an AttachmentPointer");
    const RECEIPT: FieldSpec =
        FieldSpec::text(4, "receipt").about("the blob id of a file received");

    /// The content's fields, in the order they are written. A message holds
    /// an attachment or a receipt, never both.
    pub const FIELDS: &'static [FieldSpec] =
        &[Self::FROM, Self::TO, Self::ATTACHMENT, Self::RECEIPT];

    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.text(&Self::FROM, &self.from).text(&Self::TO, &self.to);
        match &self.body {
            Body::File(pointer) => w.bytes(&Self::ATTACHMENT, &pointer.encode()),
            Body::Receipt { blob_id } => w.text(&Self::RECEIPT, blob_id),
        };
        w.finish()
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, ProtobufError> {
        let m = Message::read(bytes, Self::FIELDS)?;
        let body = match (
            m.opt_bytes(&Self::ATTACHMENT)?,
            m.opt_bytes(&Self::RECEIPT)?,
        ) {
            (Some(pointer), None) => Body::File(AttachmentPointer::decode(pointer)?),
            (None, Some(_)) => Body::Receipt {
                blob_id: m.text(&Self::RECEIPT)?,
            },
            _ => return Err(ProtobufError::Invalid("message body")),
        };
        Ok(Self {
            from: m.text(&Self::FROM)?,
            to: m.text(&Self::TO)?,
            body,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protobuf::assert_well_formed;
    use crate::share::envelope::Envelope;

    #[test]
    fn each_table_uses_each_field_number_once() {
        for table in [AttachmentPointer::FIELDS, Content::FIELDS, Envelope::FIELDS] {
            assert_well_formed(table);
        }
    }

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
