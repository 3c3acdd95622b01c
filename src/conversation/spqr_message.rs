//! SPQR's message, riding in SignalMessage field 5 under the MAC. Its layout
//! (spqr src/v1/chunked/states/serialize.rs:186-221): version (1 byte, 1 = V1) ‖
//! epoch (varint) ‖ index (varint) ‖ type (1 byte) ‖ for some types a chunk:
//! chunk index (varint) ‖ 32 bytes of erasure-coded data.

/// What a message's chunk carries in the ML-KEM Braid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payload {
    /// No Braid data in this message.
    None,
    /// A piece of the header of a new ML-KEM-768 encapsulation key.
    Header,
    /// A piece of the encapsulation key itself.
    EncapsulationKey,
    /// A piece of the encapsulation key, also acknowledging ct1.
    EncapsulationKeyAndAck,
    /// Only the acknowledgement that ct1 arrived.
    Ct1Ack,
    /// A piece of the first part of the ML-KEM ciphertext.
    Ct1,
    /// A piece of the second part of the ciphertext, with its MAC.
    Ct2,
}

impl Payload {
    fn from_type(t: u8) -> Option<Self> {
        Some(match t {
            0 => Payload::None,
            1 => Payload::Header,
            2 => Payload::EncapsulationKey,
            3 => Payload::EncapsulationKeyAndAck,
            4 => Payload::Ct1Ack,
            5 => Payload::Ct1,
            6 => Payload::Ct2,
            _ => return None,
        })
    }

    fn has_chunk(self) -> bool {
        !matches!(self, Payload::None | Payload::Ct1Ack)
    }

    pub fn words(self) -> &'static str {
        match self {
            Payload::None => "no Braid data",
            Payload::Header => "a chunk of a new ML-KEM-768 key's header",
            Payload::EncapsulationKey => "a chunk of the ML-KEM-768 encapsulation key",
            Payload::EncapsulationKeyAndAck => {
                "a chunk of the encapsulation key, acknowledging ct1"
            }
            Payload::Ct1Ack => "the acknowledgement that ct1 arrived",
            Payload::Ct1 => "a chunk of ct1, the ciphertext's first part",
            Payload::Ct2 => "a chunk of ct2, the ciphertext's second part (with its MAC)",
        }
    }
}

/// One SPQR message, decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpqrMessage {
    /// The epoch the Braid is working on; message keys come from epoch - 1
    /// (spqr src/lib.rs:409).
    pub epoch: u64,
    /// The message's number in the sender's SPQR chain for that epoch.
    pub index: u32,
    pub payload: Payload,
    /// (chunk number, data length) when the message carries a chunk.
    pub chunk: Option<(u16, usize)>,
}

fn varint(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..70).step_by(7) {
        let byte = *bytes.get(*at)?;
        *at += 1;
        value |= u64::from(byte & 0x7f).checked_shl(shift)?;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

/// The 32 bytes of one erasure-coded chunk (spqr src/v1/chunked/states/serialize.rs:171-184).
pub const CHUNK_DATA_LEN: usize = 32;

/// Decodes an SPQR message; `None` for an empty field (no SPQR) or bytes that
/// are not a V1 message.
pub fn decode(bytes: &[u8]) -> Option<SpqrMessage> {
    if bytes.first() != Some(&1) {
        return None;
    }
    let mut at = 1;
    let epoch = varint(bytes, &mut at)?;
    let index = u32::try_from(varint(bytes, &mut at)?).ok()?;
    let payload = Payload::from_type(*bytes.get(at)?)?;
    at += 1;
    let chunk = if payload.has_chunk() {
        let number = u16::try_from(varint(bytes, &mut at)?).ok()?;
        if bytes.len() < at + CHUNK_DATA_LEN {
            return None;
        }
        Some((number, CHUNK_DATA_LEN))
    } else {
        None
    };
    Some(SpqrMessage {
        epoch,
        index,
        payload,
        chunk,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_chunk_and_a_bare_message() {
        let mut with_chunk = vec![1, 1, 2, 1, 0];
        with_chunk.extend([7u8; 32]);
        let m = decode(&with_chunk).unwrap();
        assert_eq!((m.epoch, m.index, m.payload), (1, 2, Payload::Header));
        assert_eq!(m.chunk, Some((0, 32)));

        let bare = decode(&[1, 1, 0x96, 0x01, 0]).unwrap();
        assert_eq!(
            (bare.index, bare.payload, bare.chunk),
            (150, Payload::None, None)
        );
        assert_eq!(decode(&[]), None);
        // A chunk cut short is not a message.
        assert_eq!(decode(&with_chunk[..20]), None);
    }
}
