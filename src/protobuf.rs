//! Just enough protobuf for this crate: write its own small messages (the
//! server's prekey bundle, the share envelope and attachment pointer), read
//! them back, and take libsignal's messages apart byte by byte. libsignal
//! encodes its wire messages with prost; this reader keeps every byte's
//! position so the dissection can explain all of them.
//!
//! Each message has one table of [`FieldSpec`]s. The [`Writer`], the
//! [`Message`] reader and the dissection (`engine/wire.rs`) all take field
//! numbers, names and types from it, so they cannot disagree.

use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ProtobufError {
    #[error("truncated varint at byte {0}")]
    TruncatedVarint(usize),
    #[error("field at byte {offset} claims {len} bytes, but only {left} remain")]
    TruncatedField {
        offset: usize,
        len: u64,
        left: usize,
    },
    #[error("unsupported wire type {wire_type} at byte {offset}")]
    UnsupportedWireType { offset: usize, wire_type: u8 },
    #[error("field {number} ({name}) appears twice")]
    Repeated { number: u32, name: &'static str },
    #[error("field {number} ({name}) should be {expected}")]
    WrongWireType {
        number: u32,
        name: &'static str,
        expected: &'static str,
    },
    #[error("the {0} is missing")]
    Missing(&'static str),
    #[error("the {0} is not valid")]
    Invalid(&'static str),
}

/// What a field holds, as its `.proto` file declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// An unsigned integer (`uint32`, `uint64`): wire type 0, a varint.
    Uint,
    /// Raw bytes (`bytes`): wire type 2, a length, then the bytes.
    Bytes,
    /// UTF-8 text (`string`): wire type 2, like bytes.
    Text,
    /// A libsignal SignalMessage, declared as `bytes` (wire type 2) because
    /// it is framed: version byte ‖ protobuf ‖ 8-byte MAC.
    SignalMessage,
}

impl FieldType {
    fn wire_type(self) -> u8 {
        match self {
            Self::Uint => 0,
            Self::Bytes | Self::Text | Self::SignalMessage => 2,
        }
    }

    fn wire_name(self) -> &'static str {
        match self.wire_type() {
            0 => "a varint (wire type 0)",
            _ => "length-delimited (wire type 2)",
        }
    }
}

/// One field of a message: its number, its name and type, and what it means
/// to a reader of the byte-by-byte dissection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    pub number: u32,
    pub name: &'static str,
    pub ty: FieldType,
    /// What the field holds, in words (empty when `value` says it).
    pub about: &'static str,
    /// The named value of the run (IK_B, EK_A, CT, …) the payload is, if it
    /// is one: the dissection checks the bytes against it.
    pub value: Option<&'static str>,
}

impl FieldSpec {
    const fn new(number: u32, name: &'static str, ty: FieldType) -> Self {
        Self {
            number,
            name,
            ty,
            about: "",
            value: None,
        }
    }

    pub const fn uint(number: u32, name: &'static str) -> Self {
        Self::new(number, name, FieldType::Uint)
    }

    pub const fn bytes(number: u32, name: &'static str) -> Self {
        Self::new(number, name, FieldType::Bytes)
    }

    pub const fn text(number: u32, name: &'static str) -> Self {
        Self::new(number, name, FieldType::Text)
    }

    pub const fn signal_message(number: u32, name: &'static str) -> Self {
        Self::new(number, name, FieldType::SignalMessage)
    }

    /// Says what the field holds.
    pub const fn about(self, about: &'static str) -> Self {
        Self { about, ..self }
    }

    /// Says which named value of the run the field carries.
    pub const fn is(self, value: &'static str) -> Self {
        Self {
            value: Some(value),
            ..self
        }
    }
}

/// A field's payload: a number (wire type 0) or bytes (wire type 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payload<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
}

/// One field as it sits in the buffer, with the byte ranges of its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawField<'a> {
    pub number: u32,
    /// Offset of the tag (key) varint.
    pub tag_offset: usize,
    pub tag_len: usize,
    /// Offset and length of the length prefix (wire type 2 only; 0 otherwise).
    pub len_offset: usize,
    pub len_len: usize,
    /// Offset and length of the payload bytes (the varint itself for wire type 0).
    pub payload_offset: usize,
    pub payload_len: usize,
    pub payload: Payload<'a>,
}

/// Reads one varint at `pos`; returns (value, bytes used).
fn read_varint(buf: &[u8], pos: usize) -> Result<(u64, usize), ProtobufError> {
    let mut value = 0u64;
    for i in 0..10 {
        let byte = *buf
            .get(pos + i)
            .ok_or(ProtobufError::TruncatedVarint(pos))?;
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Ok((value, i + 1));
        }
    }
    Err(ProtobufError::TruncatedVarint(pos))
}

/// Reads the field that starts at `tag_offset`.
fn read_field(buf: &[u8], tag_offset: usize) -> Result<RawField<'_>, ProtobufError> {
    let (key, tag_len) = read_varint(buf, tag_offset)?;
    let pos = tag_offset + tag_len;
    let wire_type = (key & 7) as u8;
    let number = (key >> 3) as u32;
    match wire_type {
        0 => {
            let (value, n) = read_varint(buf, pos)?;
            Ok(RawField {
                number,
                tag_offset,
                tag_len,
                len_offset: pos,
                len_len: 0,
                payload_offset: pos,
                payload_len: n,
                payload: Payload::Varint(value),
            })
        }
        2 => {
            let (len, len_len) = read_varint(buf, pos)?;
            let start = pos + len_len;
            let left = buf.len() - start;
            if len > left as u64 {
                return Err(ProtobufError::TruncatedField {
                    offset: tag_offset,
                    len,
                    left,
                });
            }
            let len = len as usize;
            Ok(RawField {
                number,
                tag_offset,
                tag_len,
                len_offset: pos,
                len_len,
                payload_offset: start,
                payload_len: len,
                payload: Payload::Bytes(&buf[start..start + len]),
            })
        }
        _ => Err(ProtobufError::UnsupportedWireType {
            offset: tag_offset,
            wire_type,
        }),
    }
}

/// The fields of a buffer, one at a time, in the order they appear. After
/// an error it yields nothing more.
pub struct Fields<'a> {
    buf: &'a [u8],
    pos: usize,
}

/// Reads `buf` field by field; nothing is read ahead.
pub fn fields(buf: &[u8]) -> Fields<'_> {
    Fields { buf, pos: 0 }
}

impl<'a> Iterator for Fields<'a> {
    type Item = Result<RawField<'a>, ProtobufError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.buf.len() {
            return None;
        }
        match read_field(self.buf, self.pos) {
            Ok(field) => {
                self.pos = field.payload_offset + field.payload_len;
                Some(Ok(field))
            }
            Err(e) => {
                self.pos = self.buf.len();
                Some(Err(e))
            }
        }
    }
}

/// A message read against its table: each field the table knows at most once
/// and with the type the table gives it. Fields the table does not know are
/// skipped, as protobuf readers do. Reading stops at the first field that
/// breaks a rule, so a hostile input is never read further than that.
pub struct Message<'a> {
    table: &'static [FieldSpec],
    /// One slot per table entry: only the table's size is ever held.
    payloads: Vec<Option<Payload<'a>>>,
}

impl<'a> Message<'a> {
    pub fn read(buf: &'a [u8], table: &'static [FieldSpec]) -> Result<Self, ProtobufError> {
        let mut payloads = vec![None; table.len()];
        for field in fields(buf) {
            let field = field?;
            let Some(i) = table.iter().position(|spec| spec.number == field.number) else {
                continue;
            };
            let spec = &table[i];
            if payloads[i].is_some() {
                return Err(ProtobufError::Repeated {
                    number: spec.number,
                    name: spec.name,
                });
            }
            let wire_type = match field.payload {
                Payload::Varint(_) => 0,
                Payload::Bytes(_) => 2,
            };
            if wire_type != spec.ty.wire_type() {
                return Err(ProtobufError::WrongWireType {
                    number: spec.number,
                    name: spec.name,
                    expected: spec.ty.wire_name(),
                });
            }
            payloads[i] = Some(field.payload);
        }
        Ok(Self { table, payloads })
    }

    fn payload(&self, field: &FieldSpec) -> Option<Payload<'a>> {
        let i = self.table.iter().position(|spec| spec == field)?;
        self.payloads[i]
    }

    pub fn opt_uint(&self, field: &FieldSpec) -> Result<Option<u64>, ProtobufError> {
        match self.payload(field) {
            None => Ok(None),
            Some(Payload::Varint(v)) => Ok(Some(v)),
            Some(Payload::Bytes(_)) => Err(ProtobufError::Invalid(field.name)),
        }
    }

    pub fn uint(&self, field: &FieldSpec) -> Result<u64, ProtobufError> {
        self.opt_uint(field)?
            .ok_or(ProtobufError::Missing(field.name))
    }

    /// A `uint32` field: present, and no larger than 32 bits.
    pub fn uint32(&self, field: &FieldSpec) -> Result<u32, ProtobufError> {
        u32::try_from(self.uint(field)?).map_err(|_| ProtobufError::Invalid(field.name))
    }

    pub fn opt_bytes(&self, field: &FieldSpec) -> Result<Option<&'a [u8]>, ProtobufError> {
        match self.payload(field) {
            None => Ok(None),
            Some(Payload::Bytes(b)) => Ok(Some(b)),
            Some(Payload::Varint(_)) => Err(ProtobufError::Invalid(field.name)),
        }
    }

    pub fn bytes(&self, field: &FieldSpec) -> Result<&'a [u8], ProtobufError> {
        self.opt_bytes(field)?
            .ok_or(ProtobufError::Missing(field.name))
    }

    /// A bytes field of exactly `N` bytes.
    pub fn array<const N: usize>(&self, field: &FieldSpec) -> Result<[u8; N], ProtobufError> {
        self.bytes(field)?
            .try_into()
            .map_err(|_| ProtobufError::Invalid(field.name))
    }

    /// A `string` field: present, and valid UTF-8.
    pub fn text(&self, field: &FieldSpec) -> Result<String, ProtobufError> {
        String::from_utf8(self.bytes(field)?.to_vec())
            .map_err(|_| ProtobufError::Invalid(field.name))
    }
}

/// Builds a protobuf message field by field (fields are written in call order).
#[derive(Debug, Default)]
pub struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    pub fn new() -> Self {
        Self::default()
    }

    fn varint(&mut self, mut value: u64) {
        while value >= 0x80 {
            self.buf.push((value as u8 & 0x7f) | 0x80);
            value >>= 7;
        }
        self.buf.push(value as u8);
    }

    fn key(&mut self, field: &FieldSpec) {
        self.varint((u64::from(field.number) << 3) | u64::from(field.ty.wire_type()));
    }

    pub fn uint(&mut self, field: &FieldSpec, value: u64) -> &mut Self {
        debug_assert_eq!(field.ty, FieldType::Uint, "{} is not a number", field.name);
        self.key(field);
        self.varint(value);
        self
    }

    pub fn bytes(&mut self, field: &FieldSpec, value: &[u8]) -> &mut Self {
        debug_assert_eq!(field.ty.wire_type(), 2, "{} is a number", field.name);
        self.key(field);
        self.varint(value.len() as u64);
        self.buf.extend_from_slice(value);
        self
    }

    pub fn text(&mut self, field: &FieldSpec, value: &str) -> &mut Self {
        debug_assert_eq!(field.ty, FieldType::Text, "{} is not text", field.name);
        self.bytes(field, value.as_bytes())
    }

    pub fn finish(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.buf)
    }
}

/// Panics unless every field number of `table` is used once: a table
/// checked here can be trusted by the writer, the reader and the dissection.
#[cfg(test)]
pub(crate) fn assert_well_formed(table: &[FieldSpec]) {
    for (i, spec) in table.iter().enumerate() {
        assert!(spec.number >= 1, "{}: field numbers start at 1", spec.name);
        assert!(
            table[..i].iter().all(|other| other.number != spec.number),
            "field {} appears twice in the table",
            spec.number
        );
        assert!(
            spec.value.is_none() || spec.ty.wire_type() == 2,
            "{}: a named value is bytes",
            spec.name
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NUMBER: FieldSpec = FieldSpec::uint(1, "number");
    const BLOB: FieldSpec = FieldSpec::bytes(2, "blob");
    const KYBER_CT: FieldSpec = FieldSpec::bytes(8, "kyber_ciphertext");
    const TABLE: &[FieldSpec] = &[NUMBER, BLOB];

    fn all(buf: &[u8]) -> Result<Vec<RawField<'_>>, ProtobufError> {
        fields(buf).collect()
    }

    #[test]
    fn varints_round_trip_at_their_boundaries() {
        for value in [
            0u64,
            1,
            127,
            128,
            300,
            16_383,
            16_384,
            u32::MAX as u64,
            u64::MAX,
        ] {
            let buf = Writer::new().uint(&NUMBER, value).finish();
            let fields = all(&buf).unwrap();
            assert_eq!(fields.len(), 1);
            assert_eq!(fields[0].payload, Payload::Varint(value));
            assert_eq!(Message::read(&buf, TABLE).unwrap().uint(&NUMBER), Ok(value));
        }
    }

    #[test]
    fn a_kyber_sized_length_prefix_is_a1_0c() {
        // 1569 = 0b1100_0100001 → 0xa1 0x0c, as seen in every PreKeySignalMessage.
        let buf = Writer::new().bytes(&KYBER_CT, &[0u8; 1569]).finish();
        assert_eq!(&buf[..3], &[0x42, 0xa1, 0x0c]);
    }

    #[test]
    fn a_truncated_field_is_an_error_not_a_panic() {
        let mut buf = Writer::new().bytes(&BLOB, &[5u8; 33]).finish();
        buf.truncate(20);
        assert!(matches!(
            all(&buf),
            Err(ProtobufError::TruncatedField { .. })
        ));
        assert_eq!(all(&[0x08]), Err(ProtobufError::TruncatedVarint(1)));
    }

    #[test]
    fn reading_stops_at_the_first_repeated_field() {
        let mut buf = Writer::new().uint(&NUMBER, 1).uint(&NUMBER, 2).finish();
        // Bytes after the repeat are never looked at: a truncated field here
        // would otherwise be the error.
        buf.extend_from_slice(&[0x12, 0x7f]);
        assert_eq!(
            Message::read(&buf, TABLE).err(),
            Some(ProtobufError::Repeated {
                number: 1,
                name: "number"
            })
        );
    }

    #[test]
    fn a_field_of_the_wrong_wire_type_is_refused() {
        // Field 2 is bytes in the table; here it is a varint.
        let buf = Writer::new().uint(&FieldSpec::uint(2, "blob"), 7).finish();
        assert!(matches!(
            Message::read(&buf, TABLE),
            Err(ProtobufError::WrongWireType { number: 2, .. })
        ));
    }

    #[test]
    fn unknown_fields_are_skipped_and_missing_ones_named() {
        let buf = Writer::new()
            .bytes(&FieldSpec::bytes(9, "unknown"), b"x")
            .bytes(&BLOB, b"abc")
            .finish();
        let message = Message::read(&buf, TABLE).unwrap();
        assert_eq!(message.bytes(&BLOB), Ok(&b"abc"[..]));
        assert_eq!(message.uint(&NUMBER), Err(ProtobufError::Missing("number")));
    }
}
