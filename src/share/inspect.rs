//! What the server sees: a relay object taken apart with only public
//! knowledge. No key is used here, because the relay has none.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use libsignal_protocol::{PreKeySignalMessage, SignalMessage};

use super::envelope::{Envelope, Kind, MessageType};
use super::error::ShareError;
use super::relay::RelayError;
use super::stream::{HEADER_SIZE, MAGIC, SEGMENT_SIZE, TAG_SIZE};
use crate::engine::ServerBundle;
use crate::protobuf::ProtobufError;

/// One line of the report: a label and what the server can read there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspection {
    pub kind: &'static str,
    pub size: u64,
    pub lines: Vec<Line>,
    /// What the server cannot learn from this object.
    pub hidden: Vec<&'static str>,
}

fn line(label: &str, value: impl Into<String>) -> Line {
    Line {
        label: label.to_string(),
        value: value.into(),
    }
}

/// A key or signature as the inspector lists it: its first and last bytes,
/// and its length when shortened.
fn short_hex(bytes: &[u8]) -> String {
    let text = crate::views::hexfmt::short_hex(bytes, 21);
    if text.len() == bytes.len() * 2 {
        text
    } else {
        format!("{text} ({} bytes)", bytes.len())
    }
}

/// Inspects a relay object by its content: a bundle, a one-time prekey, a
/// message envelope or an encrypted blob.
pub fn inspect(path: &Path) -> Result<Inspection, ShareError> {
    let io_err = |source: io::Error| {
        ShareError::Relay(RelayError::Io {
            path: path.to_path_buf(),
            source,
        })
    };
    let mut file = File::open(path).map_err(io_err)?;
    let size = file.metadata().map_err(io_err)?.len();
    let mut head = Vec::new();
    (&mut file)
        .take(HEADER_SIZE as u64)
        .read_to_end(&mut head)
        .map_err(io_err)?;
    if head.starts_with(MAGIC) {
        return blob(head, file, size).map_err(io_err);
    }
    let mut bytes = head;
    file.read_to_end(&mut bytes).map_err(io_err)?;
    if path.extension().is_some_and(|e| e == "opk") || bytes.len() == 33 {
        return Ok(Inspection {
            kind: "one-time prekey OPK (public)",
            size,
            lines: vec![line("OPK", short_hex(&bytes))],
            hidden: vec!["its private half, which stays in the owner's home folder"],
        });
    }
    if let Ok(envelope) = Envelope::decode(&bytes) {
        return Ok(message(&envelope, size));
    }
    if let Ok(bundle) = ServerBundle::decode(&bytes) {
        return Ok(Inspection {
            kind: "prekey bundle (public keys and signatures)",
            size,
            lines: vec![
                line("registration id", bundle.registration_id.to_string()),
                line("IK (identity key)", short_hex(&bundle.identity_key)),
                line("SPK id", bundle.signed_pre_key_id.to_string()),
                line("SPK (signed prekey)", short_hex(&bundle.signed_pre_key)),
                line("SPK signature", short_hex(&bundle.signed_pre_key_signature)),
                line("PQSPK id", bundle.kyber_pre_key_id.to_string()),
                line("PQSPK (Kyber1024)", short_hex(&bundle.kyber_pre_key)),
                line(
                    "PQSPK signature",
                    short_hex(&bundle.kyber_pre_key_signature),
                ),
            ],
            hidden: vec!["every private key: they never leave the owner's home folder"],
        });
    }
    Err(ShareError::Malformed {
        what: "relay object",
        source: ProtobufError::Invalid("content (not a bundle, prekey, envelope or blob)"),
    })
}

fn blob(head: Vec<u8>, _file: File, size: u64) -> io::Result<Inspection> {
    // The server can count segments from the size alone.
    let body = size.saturating_sub(HEADER_SIZE as u64);
    let full = (SEGMENT_SIZE + TAG_SIZE) as u64;
    let segments = if body == 0 { 0 } else { body.div_ceil(full) };
    let plaintext = body.saturating_sub(segments * TAG_SIZE as u64);
    let segment_size = head
        .get(8..12)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]).to_string())
        .unwrap_or_else(|| "truncated".into());
    Ok(Inspection {
        kind: "encrypted file blob (STREAM, AES-256-GCM)",
        size,
        lines: vec![
            line(
                "header",
                format!("\"PQXSTRM1\", segment size {segment_size}"),
            ),
            line(
                "segments",
                format!("{segments}, each ciphertext ‖ 16-byte tag"),
            ),
            line(
                "file size",
                format!("{plaintext} bytes (exact: segments are not padded)"),
            ),
        ],
        hidden: vec![
            "the file's content and name",
            "the file key (it travels inside the Signal message)",
        ],
    })
}

fn message(envelope: &Envelope, size: u64) -> Inspection {
    let mut lines = vec![
        line("from", envelope.from.clone()),
        line("to", envelope.to.clone()),
        line(
            "kind",
            match envelope.kind {
                Kind::File => "file message",
                Kind::Receipt => "delivery receipt",
            },
        ),
    ];
    match envelope.message_type {
        MessageType::PreKey => {
            lines.push(line(
                "libsignal message",
                "PreKeySignalMessage (first contact, PQXDH)",
            ));
            match PreKeySignalMessage::try_from(envelope.message.as_slice()) {
                Ok(m) => {
                    lines.push(line("version", m.message_version().to_string()));
                    lines.push(line("registration id", m.registration_id().to_string()));
                    lines.push(line(
                        "OPK_B id",
                        m.pre_key_id()
                            .map(|id| u32::from(id).to_string())
                            .unwrap_or_else(|| "none (no DH4)".into()),
                    ));
                    lines.push(line(
                        "SPK_B id",
                        u32::from(m.signed_pre_key_id()).to_string(),
                    ));
                    lines.push(line(
                        "PQSPK_B id",
                        m.kyber_pre_key_id()
                            .map(|id| u32::from(id).to_string())
                            .unwrap_or_default(),
                    ));
                    lines.push(line("IK_A", short_hex(&m.identity_key().serialize())));
                    lines.push(line(
                        "EK_A (base key)",
                        short_hex(&m.base_key().serialize()),
                    ));
                    lines.push(line(
                        "CT (Kyber ciphertext)",
                        short_hex(m.kyber_ciphertext().map(|c| &c[..]).unwrap_or_default()),
                    ));
                    signal_message_lines(m.message(), &mut lines);
                }
                Err(e) => lines.push(line("unreadable", e.to_string())),
            }
        }
        MessageType::Whisper => {
            lines.push(line(
                "libsignal message",
                "SignalMessage (established session)",
            ));
            match SignalMessage::try_from(envelope.message.as_slice()) {
                Ok(m) => signal_message_lines(&m, &mut lines),
                Err(e) => lines.push(line("unreadable", e.to_string())),
            }
        }
    }
    Inspection {
        kind: "message envelope (A = sender, B = recipient)",
        size,
        lines,
        hidden: vec![
            "which blob the message points to, the file's name and its key",
            "the message keys (they come from the session's ratchet)",
        ],
    }
}

fn signal_message_lines(m: &SignalMessage, lines: &mut Vec<Line>) {
    lines.push(line(
        "ratchet key",
        short_hex(&m.sender_ratchet_key().serialize()),
    ));
    lines.push(line("message counter", m.counter().to_string()));
    lines.push(line(
        "ciphertext",
        format!("{} bytes (AES-256-CBC, opaque)", m.body().len()),
    ));
    lines.push(line(
        "pq_ratchet",
        format!(
            "{} bytes (SPQR, the post-quantum ratchet)",
            m.pq_ratchet().len()
        ),
    ));
    lines.push(line("MAC", "8 bytes (HMAC-SHA256, truncated)"));
}
