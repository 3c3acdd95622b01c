//! Text that someone else chose, made safe to print.
//!
//! A relay writes the envelope's `from` and `to` and the names of its files;
//! a sender chooses a file's name. Printed raw, an escape sequence in them
//! drives the terminal (clear the screen, then print a fake "Received …"
//! line), and a Unicode bidirectional override reorders what follows it:
//! `invoice` U+202E `fdp.exe` displays as "invoiceexe.pdf" (the "Trojan
//! Source" trick, CVE-2021-42574). Every such character is shown as a
//! visible `\u{…}` escape instead.

use std::borrow::Cow;
use std::path::Path;

/// Characters that reorder or hide text without being visible themselves:
/// the bidirectional formatting characters of Unicode's UAX #9 (explicit
/// embeddings, overrides, isolates and marks), the line and paragraph
/// separators, and the zero-width characters.
const INVISIBLE: &[(char, char)] = &[
    ('\u{00ad}', '\u{00ad}'), // soft hyphen
    ('\u{061c}', '\u{061c}'), // Arabic letter mark
    ('\u{180e}', '\u{180e}'), // Mongolian vowel separator
    ('\u{200b}', '\u{200f}'), // zero-width space, non-joiner, joiner; LRM, RLM
    ('\u{2028}', '\u{202e}'), // line and paragraph separators; LRE, RLE, PDF, LRO, RLO
    ('\u{2060}', '\u{2069}'), // word joiner, invisible operators; LRI, RLI, FSI, PDI
    ('\u{feff}', '\u{feff}'), // zero-width no-break space (byte order mark)
];

/// Whether `c` must not reach a terminal as it is: a control character
/// (C0, DEL, C1: escape sequences, carriage returns, newlines) or one of the
/// invisible characters above.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || INVISIBLE.iter().any(|&(lo, hi)| (lo..=hi).contains(&c))
}

/// `text` with every unsafe character written as `\u{…}`. Plain text comes
/// back unchanged (and is not copied).
pub fn escaped(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A path as [`escaped`] text (file names come from other people too).
pub fn escaped_path(path: &Path) -> String {
    escaped(&path.display().to_string()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_untouched() {
        for plain in ["alice", "report (1).pdf", "Grüße, 日本語 ✓", ""] {
            assert!(matches!(escaped(plain), Cow::Borrowed(s) if s == plain));
        }
    }

    #[test]
    fn escapes_and_overrides_become_visible() {
        assert_eq!(escaped("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(
            escaped("x\ny\rz\u{7f}\u{9b}"),
            "x\\u{a}y\\u{d}z\\u{7f}\\u{9b}"
        );
        assert_eq!(escaped("invoice\u{202e}fdp.exe"), "invoice\\u{202e}fdp.exe");
        assert_eq!(escaped("a\u{2067}b\u{2069}"), "a\\u{2067}b\\u{2069}");
        assert_eq!(escaped("zero\u{200b}width"), "zero\\u{200b}width");
        // Escaping twice changes nothing more: a backslash is printable.
        let once = escaped("\u{1b}]0;title\u{7}").into_owned();
        assert_eq!(escaped(&once), once);
    }
}
