//! Byte-by-byte dissection of what crosses the server: the prekey bundle and
//! Alice's first message (a libsignal `PreKeySignalMessage`).
//!
//! Every byte ends up in exactly one leaf field; a test checks that nothing is
//! left unexplained.

use super::bundle::ServerBundle;
use crate::protobuf::{self, FieldSpec, FieldType, Payload, ProtobufError, RawField};
use crate::transcript::Field;

/// libsignal's `CIPHERTEXT_MESSAGE_CURRENT_VERSION` (4), in both nibbles.
pub const VERSION_BYTE: u8 = 0x44;
/// The inner SignalMessage ends with the first 8 bytes of an HMAC-SHA256.
pub use super::kdf::MAC_LEN;

/// PreKeySignalMessage (libsignal `src/proto/wire.proto`), field numbers as
/// prost writes them.
const PREKEY_MESSAGE: &[FieldSpec] = &[
    FieldSpec::uint(1, "pre_key_id").about("the id of the one-time prekey OPK_B Alice used"),
    FieldSpec::bytes(2, "base_key").is("EK_A"),
    FieldSpec::bytes(3, "identity_key").is("IK_A"),
    FieldSpec::signal_message(4, "message")
        .about("the inner SignalMessage: version ‖ protobuf ‖ MAC"),
    FieldSpec::uint(5, "registration_id").about("Alice's registration id (a random 14-bit number)"),
    FieldSpec::uint(6, "signed_pre_key_id").about("the id of the signed prekey SPK_B Alice used"),
    FieldSpec::uint(7, "kyber_pre_key_id").about("the id of the Kyber prekey PQSPK_B Alice used"),
    FieldSpec::bytes(8, "kyber_ciphertext").is("CT"),
];

/// The inner SignalMessage's protobuf part (libsignal `src/proto/wire.proto`).
const SIGNAL_MESSAGE: &[FieldSpec] = &[
    FieldSpec::bytes(1, "ratchet_key").about("Alice's first Double Ratchet public key (05 ‖ 32 B)"),
    FieldSpec::uint(2, "counter").about("message number in this sending chain"),
    FieldSpec::uint(3, "previous_counter").about("length of Alice's previous sending chain"),
    FieldSpec::bytes(4, "ciphertext")
        .about("the text, AES-256-CBC encrypted with a key only Alice and Bob can derive"),
    FieldSpec::bytes(5, "pq_ratchet").about("SPQR's post-quantum ratchet message"),
];

/// Looks up a transcript value's bytes by name.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<Vec<u8>>;

/// Dissects a PreKeySignalMessage: version byte, then protobuf fields.
pub fn dissect_prekey_message(bytes: &[u8], known: Lookup) -> Result<Vec<Field>, ProtobufError> {
    let Some((&version, rest)) = bytes.split_first() else {
        return Ok(Vec::new());
    };
    let mut fields = vec![version_field(0, version)];
    fields.extend(dissect_protobuf(rest, 1, PREKEY_MESSAGE, known)?);
    Ok(fields)
}

/// Dissects the server's bundle (a plain protobuf message).
pub fn dissect_bundle(bytes: &[u8], known: Lookup) -> Result<Vec<Field>, ProtobufError> {
    dissect_protobuf(bytes, 0, ServerBundle::FIELDS, known)
}

fn version_field(offset: usize, version: u8) -> Field {
    leaf(
        offset,
        1,
        "version",
        format!(
            "0x{version:02x}: message version {} (high nibble), current version {} (low nibble)",
            version >> 4,
            version & 0x0f
        ),
        None,
    )
}

fn leaf(offset: usize, len: usize, label: &str, note: String, value: Option<String>) -> Field {
    Field {
        offset,
        len,
        label: label.to_string(),
        note,
        value,
        children: Vec::new(),
    }
}

fn dissect_protobuf(
    buf: &[u8],
    base: usize,
    table: &[FieldSpec],
    known: Lookup,
) -> Result<Vec<Field>, ProtobufError> {
    protobuf::fields(buf)
        .map(|raw| dissect_field(&raw?, base, table, known))
        .collect()
}

fn dissect_field(
    raw: &RawField,
    base: usize,
    table: &[FieldSpec],
    known: Lookup,
) -> Result<Field, ProtobufError> {
    let entry = table.iter().find(|spec| spec.number == raw.number);
    let name = entry.map_or("unknown field", |spec| spec.name);
    let about = entry.map_or("not part of this message's schema", |spec| spec.about);
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
        None,
    )];
    if raw.len_len > 0 {
        children.push(leaf(
            base + raw.len_offset,
            raw.len_len,
            "length",
            format!("{} bytes follow", raw.payload_len),
            None,
        ));
    }
    let payload_offset = base + raw.payload_offset;
    let payload = match (raw.payload, entry.map(|spec| (spec.value, spec.ty))) {
        (Payload::Varint(v), _) => leaf(
            payload_offset,
            raw.payload_len,
            "value",
            with_meaning(format!("{v}"), about),
            None,
        ),
        (Payload::Bytes(b), Some((_, FieldType::SignalMessage))) => Field {
            offset: payload_offset,
            len: b.len(),
            label: "value".to_string(),
            note: about.to_string(),
            value: None,
            children: dissect_signal_message(b, payload_offset, known)?,
        },
        (Payload::Bytes(b), Some((Some(value_name), _))) => {
            let matches = known(value_name).is_some_and(|v| v == b);
            let note = if matches {
                format!("= {value_name} ({} bytes)", b.len())
            } else {
                format!("{} bytes, NOT equal to {value_name}", b.len())
            };
            leaf(
                payload_offset,
                b.len(),
                "value",
                note,
                matches.then(|| value_name.to_string()),
            )
        }
        (Payload::Bytes(b), _) => leaf(
            payload_offset,
            b.len(),
            "value",
            with_meaning(format!("{} bytes", b.len()), about),
            None,
        ),
    };
    children.push(payload);
    let total = raw.tag_len + raw.len_len + raw.payload_len;
    Ok(Field {
        offset: base + raw.tag_offset,
        len: total,
        label: name.to_string(),
        note: format!("field {}", raw.number),
        value: None,
        children,
    })
}

fn with_meaning(text: String, meaning: &str) -> String {
    if meaning.is_empty() {
        text
    } else {
        format!("{text}: {meaning}")
    }
}

fn dissect_signal_message(
    bytes: &[u8],
    base: usize,
    known: Lookup,
) -> Result<Vec<Field>, ProtobufError> {
    if bytes.len() < 1 + MAC_LEN {
        return Ok(vec![leaf(
            base,
            bytes.len(),
            "truncated",
            format!("{} bytes: too short for a SignalMessage", bytes.len()),
            None,
        )]);
    }
    let body_end = bytes.len() - MAC_LEN;
    let mut fields = vec![version_field(base, bytes[0])];
    fields.extend(dissect_protobuf(
        &bytes[1..body_end],
        base + 1,
        SIGNAL_MESSAGE,
        known,
    )?);
    fields.push(leaf(
        base + body_end,
        MAC_LEN,
        "mac",
        "HMAC-SHA256(mac_key, IK_A ‖ IK_B ‖ version ‖ protobuf), first 8 bytes".to_string(),
        None,
    ));
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_table_uses_each_field_number_once() {
        for table in [PREKEY_MESSAGE, SIGNAL_MESSAGE, ServerBundle::FIELDS] {
            protobuf::assert_well_formed(table);
        }
    }
}
