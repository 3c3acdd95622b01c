//! Hex for people: one way, used by every view, of shortening a long value
//! to fit the room it has.

/// Hex that fits `width` columns: all of it, or its first and last bytes
/// around an ellipsis.
pub fn short_hex(bytes: &[u8], width: usize) -> String {
    let full = hex::encode(bytes);
    if full.len() <= width {
        return full;
    }
    // Each side shows whole bytes; one column goes to the ellipsis.
    let per_side = (width.saturating_sub(1) / 4).max(1);
    format!(
        "{}…{}",
        hex::encode(&bytes[..per_side]),
        hex::encode(&bytes[bytes.len() - per_side..])
    )
}

#[cfg(test)]
mod tests {
    use super::short_hex;

    #[test]
    fn short_hex_keeps_whole_bytes_on_both_sides() {
        let bytes: Vec<u8> = (0..32).collect();
        assert_eq!(short_hex(&bytes[..2], 10), "0001");
        assert_eq!(short_hex(&bytes, 13), "000102…1d1e1f");
        assert_eq!(short_hex(&bytes, 9), "0001…1e1f");
        assert_eq!(short_hex(&bytes, 1), "00…1f");
    }
}
