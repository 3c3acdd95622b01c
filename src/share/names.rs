//! People's names. A name becomes a folder in the homes folder, file and
//! folder names on the relay, and a libsignal address, so it is checked once,
//! where it enters, and carried as a [`Name`] from there on.

use std::fmt;

use thiserror::Error;

/// Longest name accepted: names are typed and read by people.
pub const NAME_MAX_LEN: usize = 32;

#[derive(Debug, Error)]
#[error(
    "'{0}' is not a usable name: use 1 to {max} lowercase letters, digits, '-' or '_' \
     (such as alice)",
    max = NAME_MAX_LEN
)]
pub struct BadName(pub String);

/// A checked name: 1 to [`NAME_MAX_LEN`] lowercase ASCII letters, digits, '-'
/// or '_', not starting with '-'. That is a file name on every system, never
/// a path (no '/', '\\' or '..'), and never read as a command-line option.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name(String);

impl Name {
    pub fn new(name: &str) -> Result<Self, BadName> {
        let ok = (1..=NAME_MAX_LEN).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
            && !name.starts_with('-');
        if ok {
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
}
