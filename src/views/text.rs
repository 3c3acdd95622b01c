//! Text-building blocks the plain views share: wrapping prose to the page,
//! hex in lines, and the one-line heading of a value.

use std::fmt::Write;

use crate::transcript::{Value, ValueKind};

/// How much of a long value to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hex {
    /// Values up to 200 bytes in full; longer ones as their first and last bytes.
    Short,
    /// Every byte.
    Full,
}

const WIDTH: usize = 78;
const HEX_BYTES_PER_LINE: usize = 32;
const SHORT_LIMIT: usize = 200;

/// Wraps `text` to lines of at most `WIDTH` columns, each starting with `indent`.
pub fn wrap(text: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent.len() + line.len() + 1 + word.chars().count() > WIDTH {
            let _ = writeln!(out, "{indent}{line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{indent}{line}");
    }
    out
}

/// Hex in lines of 32 bytes; long values shortened unless `Hex::Full`.
/// libsignal's type byte (0x05 curve, 0x08 Kyber) stands apart on the first line.
pub fn hex_lines(value: &Value, mode: Hex, indent: &str) -> String {
    let bytes = &value.bytes[..];
    let (prefix, body) = match (value.kind, bytes.split_first()) {
        (ValueKind::PublicKey | ValueKind::Ciphertext, Some((&t, rest)))
            if t == 0x05 || t == 0x08 =>
        {
            (format!("{t:02x} "), rest)
        }
        _ => (String::new(), bytes),
    };
    let pad = " ".repeat(prefix.len());
    let mut out = String::new();
    if mode == Hex::Short && body.len() > SHORT_LIMIT {
        let _ = writeln!(
            out,
            "{indent}{prefix}{}",
            hex::encode(&body[..HEX_BYTES_PER_LINE])
        );
        let _ = writeln!(
            out,
            "{indent}{pad}… {} bytes not shown (--full-hex shows all) …",
            body.len() - HEX_BYTES_PER_LINE - 8
        );
        let _ = writeln!(out, "{indent}{pad}{}", hex::encode(&body[body.len() - 8..]));
        return out;
    }
    // AD is two encoded identity keys: one per line reads as IK_A, then IK_B.
    let per_line = if value.kind == ValueKind::AssociatedData {
        33
    } else {
        HEX_BYTES_PER_LINE
    };
    for (i, chunk) in body.chunks(per_line).enumerate() {
        let lead = if i == 0 { &prefix } else { &pad };
        let _ = writeln!(out, "{indent}{lead}{}", hex::encode(chunk));
    }
    out
}

pub(crate) fn value_heading(v: &Value) -> String {
    let whose = if v.crosses_server() {
        "public, crosses the server".to_string()
    } else {
        format!("never leaves {}", v.owner.name())
    };
    format!(
        "{} ({}, {} bytes, {}'s, {whose})",
        v.name,
        v.kind.label(),
        v.bytes.len(),
        v.owner.name()
    )
}
