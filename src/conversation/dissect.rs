//! Every byte of a conversation message, explained, in the same form as the
//! handshake's first message (`engine::wire`): leaves that cover the message
//! exactly. Alice's PreKeySignalMessages are dissected by `engine::wire`
//! itself; SignalMessages from either side here, in the sender's words.

use crate::engine::wire::{self, Lookup, MAC_LEN};
use crate::protobuf::{self, Payload, ProtobufError, RawField};
use crate::transcript::Field;

use super::message::MessageKind;
use super::options::Party;
use super::spqr_message;

fn leaf(offset: usize, len: usize, label: &str, note: String) -> Field {
    Field {
        offset,
        len,
        label: label.to_string(),
        note,
        value: None,
        children: Vec::new(),
    }
}

fn version_leaf(offset: usize, version: u8) -> Field {
    leaf(
        offset,
        1,
        "version",
        format!(
            "0x{version:02x}: message version {} (high nibble), current version {} (low nibble)",
            version >> 4,
            version & 0x0f
        ),
    )
}

/// (field name, what its value means) for a SignalMessage field.
fn meaning(number: u32, payload: &Payload, from: Party) -> (&'static str, String) {
    let who = from.name();
    match (number, payload) {
        (1, Payload::Bytes(b)) => (
            "ratchet_key",
            format!("{} bytes: {who}'s current ratchet public key", b.len()),
        ),
        (2, Payload::Varint(v)) => (
            "counter",
            format!("{v}: this message's number in {who}'s current sending chain"),
        ),
        (3, Payload::Varint(v)) => (
            "previous_counter",
            format!("{v}: the counter of {who}'s last message on the previous sending chain"),
        ),
        (4, Payload::Bytes(b)) => (
            "ciphertext",
            format!(
                "{} bytes: the text, AES-256-CBC with this message's cipher key and IV",
                b.len()
            ),
        ),
        (5, Payload::Bytes(b)) => (
            "pq_ratchet",
            format!(
                "{} bytes: SPQR's message, carrying {}",
                b.len(),
                spqr_message::decode(b).map_or("nothing SPQR reads", |m| m.payload.words())
            ),
        ),
        _ => ("unknown field", "not part of a SignalMessage".to_string()),
    }
}

fn field(raw: &RawField, base: usize, from: Party) -> Field {
    let (name, note) = meaning(raw.number, &raw.payload, from);
    let mut children = vec![leaf(
        base + raw.tag_offset,
        raw.tag_len,
        "tag",
        format!(
            "field {} ({name}), wire type {}",
            raw.number,
            if raw.len_len == 0 {
                "0 (varint)"
            } else {
                "2 (bytes)"
            }
        ),
    )];
    if raw.len_len > 0 {
        children.push(leaf(
            base + raw.len_offset,
            raw.len_len,
            "length",
            format!("{} bytes follow", raw.payload_len),
        ));
    }
    children.push(leaf(
        base + raw.payload_offset,
        raw.payload_len,
        "value",
        note,
    ));
    Field {
        offset: base + raw.tag_offset,
        len: raw.tag_len + raw.len_len + raw.payload_len,
        label: name.to_string(),
        note: format!("field {}", raw.number),
        value: None,
        children,
    }
}

/// A SignalMessage from `from`: version byte, protobuf fields, MAC.
pub fn signal_message(bytes: &[u8], from: Party) -> Result<Vec<Field>, ProtobufError> {
    if bytes.len() < 1 + MAC_LEN {
        return Ok(vec![leaf(
            0,
            bytes.len(),
            "truncated",
            format!("{} bytes: too short for a SignalMessage", bytes.len()),
        )]);
    }
    let body_end = bytes.len() - MAC_LEN;
    let mut fields = vec![version_leaf(0, bytes[0])];
    for raw in protobuf::fields(&bytes[1..body_end]) {
        let raw = raw?;
        fields.push(field(&raw, 1, from));
    }
    let (ik_s, ik_r) = match from {
        Party::Alice => ("IK_A", "IK_B"),
        Party::Bob => ("IK_B", "IK_A"),
    };
    fields.push(leaf(
        body_end,
        MAC_LEN,
        "mac",
        format!("HMAC-SHA256(mac_key, {ik_s} ‖ {ik_r} ‖ version ‖ protobuf), first 8 bytes"),
    ));
    Ok(fields)
}

/// A message as it crosses the server. `known` names the handshake's values
/// (EK_A, IK_A, CT) inside a PreKeySignalMessage.
pub fn message(
    bytes: &[u8],
    kind: MessageKind,
    from: Party,
    known: Lookup,
) -> Result<Vec<Field>, ProtobufError> {
    match kind {
        MessageKind::PreKeySignalMessage => wire::dissect_prekey_message(bytes, known),
        MessageKind::SignalMessage => signal_message(bytes, from),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_leaves_cover_every_byte_once() {
        use crate::protobuf::FieldSpec;
        let body = protobuf::Writer::new()
            .bytes(&FieldSpec::bytes(1, "ratchet_key"), &[5u8; 33])
            .uint(&FieldSpec::uint(2, "counter"), 3)
            .uint(&FieldSpec::uint(3, "previous_counter"), 1)
            .bytes(&FieldSpec::bytes(4, "ciphertext"), &[0u8; 16])
            .bytes(&FieldSpec::bytes(5, "pq_ratchet"), &[1, 1, 2, 0])
            .finish();
        let mut bytes = vec![0x44];
        bytes.extend(body);
        bytes.extend([0xAA; MAC_LEN]);
        let fields = signal_message(&bytes, Party::Bob).unwrap();
        let mut next = 0;
        for f in &fields {
            for l in f.leaves() {
                assert_eq!(l.offset, next, "{}", l.label);
                next += l.len;
            }
        }
        assert_eq!(next, bytes.len());
        assert!(fields[1].children[2].note.contains("Bob's current ratchet"));
        assert!(fields.last().unwrap().note.contains("IK_B ‖ IK_A"));
    }
}
