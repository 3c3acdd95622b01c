//! The room's seed: one number that makes every laptop in a workshop show the
//! same bytes, in the terminal UI, `transcript`, the examples and the
//! exercise checker alike.
//!
//! It is set once, in the environment: `PQXDH_LAB_SEED=42`. Without it the
//! seed is 7, the seed the whole book is printed with. A `--seed` on the
//! command line still wins, and every tool says which seed it used and where
//! that seed came from, so a laptop that shows other bytes is found at once.
//!
//! The examples read the same variable through clap's `env`, so that each
//! example stays a standalone program.

use std::fmt;

use thiserror::Error;

/// The environment variable that sets the room's seed.
pub const SEED_VAR: &str = "PQXDH_LAB_SEED";

/// The seed the book's outputs are printed with, and the default everywhere.
pub const BOOK_SEED: u64 = 7;

/// Where a seed came from, so that a tool can say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedSource {
    /// `--seed N` on the command line.
    CommandLine,
    /// The environment variable [`SEED_VAR`].
    Environment,
    /// Nothing set it: the book's seed.
    Default,
    /// `--seed random`: drawn for this run.
    Random,
}

/// A seed and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoomSeed {
    pub seed: u64,
    pub source: SeedSource,
}

impl fmt::Display for RoomSeed {
    /// "seed 42 (from PQXDH_LAB_SEED)", "seed 7 (the book's seed; …)".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seed = self.seed;
        match self.source {
            SeedSource::CommandLine => write!(f, "seed {seed} (from --seed)"),
            SeedSource::Environment => write!(f, "seed {seed} (from {SEED_VAR})"),
            SeedSource::Default => write!(
                f,
                "seed {seed} (the book's seed; {SEED_VAR} sets the room's seed)"
            ),
            SeedSource::Random => write!(f, "seed {seed} (drawn at random)"),
        }
    }
}

#[derive(Debug, Error, PartialEq, Eq)]
#[error("{SEED_VAR} is {value:?}, but {reason}; set it to a number such as 7, or unset it")]
pub struct SeedVarError {
    pub value: String,
    pub reason: String,
}

/// Reads a seed the way a person writes one: a whole number such as `7`.
pub fn parse_seed(text: &str) -> Result<u64, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("a seed is a whole number from 0 to {}, such as 7", u64::MAX))
}

/// The room's seed: [`SEED_VAR`] when it is set, otherwise [`BOOK_SEED`].
/// A variable that is set but not a number is an error, never ignored: a
/// laptop must not silently show other bytes than the room.
pub fn seed() -> Result<RoomSeed, SeedVarError> {
    seed_from(std::env::var_os(SEED_VAR).as_deref())
}

/// [`seed`] for a given value of the variable (None: not set).
pub fn seed_from(value: Option<&std::ffi::OsStr>) -> Result<RoomSeed, SeedVarError> {
    let Some(value) = value else {
        return Ok(RoomSeed {
            seed: BOOK_SEED,
            source: SeedSource::Default,
        });
    };
    let text = value.to_string_lossy();
    // An empty value is how some shells unset a variable (`set X=` in cmd).
    if text.trim().is_empty() {
        return Ok(RoomSeed {
            seed: BOOK_SEED,
            source: SeedSource::Default,
        });
    }
    match parse_seed(&text) {
        Ok(seed) => Ok(RoomSeed {
            seed,
            source: SeedSource::Environment,
        }),
        Err(reason) => Err(SeedVarError {
            value: text.into_owned(),
            reason,
        }),
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;

    use super::*;

    #[test]
    fn unset_or_empty_is_the_books_seed() {
        for value in [None, Some(OsStr::new("")), Some(OsStr::new("  "))] {
            assert_eq!(
                seed_from(value),
                Ok(RoomSeed {
                    seed: 7,
                    source: SeedSource::Default
                })
            );
        }
    }

    #[test]
    fn a_number_is_the_rooms_seed() {
        let room = seed_from(Some(OsStr::new(" 42\n"))).unwrap();
        assert_eq!(room.seed, 42);
        assert_eq!(room.to_string(), "seed 42 (from PQXDH_LAB_SEED)");
    }

    #[test]
    fn anything_else_is_an_error_that_says_what_to_do() {
        let e = seed_from(Some(OsStr::new("seven"))).unwrap_err();
        assert_eq!(
            e.to_string(),
            "PQXDH_LAB_SEED is \"seven\", but a seed is a whole number from 0 to \
             18446744073709551615, such as 7; set it to a number such as 7, or unset it"
        );
        assert!(seed_from(Some(OsStr::new("-1"))).is_err());
    }

    #[test]
    fn every_source_is_named() {
        let say = |source| RoomSeed { seed: 7, source }.to_string();
        assert_eq!(say(SeedSource::CommandLine), "seed 7 (from --seed)");
        assert!(say(SeedSource::Default).contains("the book's seed"));
        assert!(say(SeedSource::Random).contains("random"));
    }
}
