//! Just enough protobuf to write the bundle and to take libsignal's messages
//! apart byte by byte. libsignal encodes its wire messages with prost; this
//! reader keeps every byte's position so the dissection can explain all of them.

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
pub fn read_varint(buf: &[u8], pos: usize) -> Result<(u64, usize), ProtobufError> {
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

/// Splits a protobuf message into its fields, in the order they appear.
pub fn parse(buf: &[u8]) -> Result<Vec<RawField<'_>>, ProtobufError> {
    let mut fields = Vec::new();
    let mut pos = 0;
    while pos < buf.len() {
        let tag_offset = pos;
        let (key, tag_len) = read_varint(buf, pos)?;
        pos += tag_len;
        let wire_type = (key & 7) as u8;
        let number = (key >> 3) as u32;
        let field = match wire_type {
            0 => {
                let (value, n) = read_varint(buf, pos)?;
                let f = RawField {
                    number,
                    tag_offset,
                    tag_len,
                    len_offset: pos,
                    len_len: 0,
                    payload_offset: pos,
                    payload_len: n,
                    payload: Payload::Varint(value),
                };
                pos += n;
                f
            }
            2 => {
                let len_offset = pos;
                let (len, len_len) = read_varint(buf, pos)?;
                pos += len_len;
                let left = buf.len() - pos;
                if len > left as u64 {
                    return Err(ProtobufError::TruncatedField {
                        offset: tag_offset,
                        len,
                        left,
                    });
                }
                let len = len as usize;
                let f = RawField {
                    number,
                    tag_offset,
                    tag_len,
                    len_offset,
                    len_len,
                    payload_offset: pos,
                    payload_len: len,
                    payload: Payload::Bytes(&buf[pos..pos + len]),
                };
                pos += len;
                f
            }
            _ => {
                return Err(ProtobufError::UnsupportedWireType {
                    offset: tag_offset,
                    wire_type,
                });
            }
        };
        fields.push(field);
    }
    Ok(fields)
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

    pub fn uint(&mut self, number: u32, value: u64) -> &mut Self {
        self.varint(u64::from(number) << 3);
        self.varint(value);
        self
    }

    pub fn bytes(&mut self, number: u32, value: &[u8]) -> &mut Self {
        self.varint((u64::from(number) << 3) | 2);
        self.varint(value.len() as u64);
        self.buf.extend_from_slice(value);
        self
    }

    pub fn finish(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            let buf = Writer::new().uint(1, value).finish();
            let fields = parse(&buf).unwrap();
            assert_eq!(fields.len(), 1);
            assert_eq!(fields[0].payload, Payload::Varint(value));
        }
    }

    #[test]
    fn a_kyber_sized_length_prefix_is_a1_0c() {
        // 1569 = 0b1100_0100001 → 0xa1 0x0c, as seen in every PreKeySignalMessage.
        let buf = Writer::new().bytes(8, &[0u8; 1569]).finish();
        assert_eq!(&buf[..3], &[0x42, 0xa1, 0x0c]);
    }

    #[test]
    fn a_truncated_field_is_an_error_not_a_panic() {
        let mut buf = Writer::new().bytes(2, &[5u8; 33]).finish();
        buf.truncate(20);
        assert!(matches!(
            parse(&buf),
            Err(ProtobufError::TruncatedField { .. })
        ));
        assert_eq!(parse(&[0x08]), Err(ProtobufError::TruncatedVarint(1)));
    }
}
