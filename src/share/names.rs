//! The one rule for text that becomes part of a path: people's names (a
//! folder in the homes folder, folders and files on the relay, a libsignal
//! address) and the ids a relay gives its objects (file names in the relay
//! folder). Both use the same characters; only the length differs, because
//! people type names and relays make ids.
//!
//! A name is checked once, where it enters, and carried as a [`Name`] from
//! there on.

use std::fmt;

use thiserror::Error;

/// Longest name accepted: names are typed and read by people.
pub const NAME_MAX_LEN: usize = 32;

/// Longest relay object id accepted. The folder relay's message ids have 29
/// characters and its blob ids 32; 64 leaves room for another relay's ids.
pub const ID_MAX_LEN: usize = 64;

/// 1 to `max_len` lowercase ASCII letters, digits, '-' or '_', not starting
/// with '-'. That is a file name on every system, never a path (no '/', '\\'
/// or '..'), and never read as a command-line option.
fn is_plain(text: &str, max_len: usize) -> bool {
    (1..=max_len).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && !text.starts_with('-')
}

/// Whether a relay may use `id` in a file name. Every name passes.
pub fn is_relay_id(id: &str) -> bool {
    is_plain(id, ID_MAX_LEN)
}

#[derive(Debug, Error)]
#[error(
    "'{0}' is not a usable name: use 1 to {max} lowercase letters, digits, '-' or '_' \
     (such as alice)",
    max = NAME_MAX_LEN
)]
pub struct BadName(pub String);

/// A checked name: the plain characters of this file's rule, at most
/// [`NAME_MAX_LEN`] of them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name(String);

impl Name {
    pub fn new(name: &str) -> Result<Self, BadName> {
        if is_plain(name, NAME_MAX_LEN) {
            Ok(Self(name.to_string()))
        } else {
            Err(BadName(name.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_names_pass() {
        for good in ["alice", "bob-2", "a_b", "0", &"x".repeat(NAME_MAX_LEN)] {
            assert!(Name::new(good).is_ok(), "{good}");
        }
        let too_long = "x".repeat(NAME_MAX_LEN + 1);
        for bad in [
            "", "Alice", "../bob", "a/b", "a\\b", "-x", "a b", "é", &too_long,
        ] {
            assert!(Name::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn relay_ids_follow_the_same_rule_with_more_room() {
        let longest_name = "x".repeat(NAME_MAX_LEN);
        let message_id = "00000001700000000000-0a1b2c3d";
        let blob_id = "b294c8bf23f844c6092caed4322916e5";
        let longest_id = "7".repeat(ID_MAX_LEN);
        for good in [longest_name.as_str(), message_id, blob_id, &longest_id] {
            assert!(is_relay_id(good), "{good}");
        }
        let too_long = "7".repeat(ID_MAX_LEN + 1);
        for bad in ["", "../x", "x.msg", "-x", "A", &too_long] {
            assert!(!is_relay_id(bad), "{bad}");
        }
    }
}
