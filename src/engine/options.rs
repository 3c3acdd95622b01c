//! How a run is chosen: a seed, and whether Bob publishes a one-time prekey.
//!
//! Everything that picks a seed or tells a learner how to see a run again
//! (the command line, the UI's `r` key, the text view's header) goes through
//! here, so that every replay hint names every option that shaped the run.

use rand::Rng;

use crate::transcript::Transcript;

/// How to run the handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// Seeds `ChaCha20Rng`, which makes every random choice of the run.
    pub seed: u64,
    /// Whether Bob publishes a one-time prekey OPK_B (adds DH4).
    pub one_time_prekey: bool,
}

impl RunOptions {
    /// The command-line flags that make this run again, byte for byte:
    /// `--seed 7`, or `--seed 7 --one-time-prekey`.
    pub fn replay_flags(&self) -> String {
        let mut flags = format!("--seed {}", self.seed);
        if self.one_time_prekey {
            flags.push_str(" --one-time-prekey");
        }
        flags
    }
}

/// The options a transcript was made with (it records both).
impl From<&Transcript> for RunOptions {
    fn from(t: &Transcript) -> Self {
        Self {
            seed: t.seed,
            one_time_prekey: t.one_time_prekey,
        }
    }
}

/// A seed for a run nobody chose one for. Below a million, so that it is
/// short enough to read out to a room; drawn from the thread's generator,
/// which the operating system seeds.
pub fn random_seed() -> u64 {
    rand::rng().random_range(0..1_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replay_flags_name_every_option() {
        let without = RunOptions {
            seed: 7,
            one_time_prekey: false,
        };
        assert_eq!(without.replay_flags(), "--seed 7");
        let with = RunOptions {
            one_time_prekey: true,
            ..without
        };
        assert_eq!(with.replay_flags(), "--seed 7 --one-time-prekey");
    }

    #[test]
    fn random_seeds_are_short() {
        for _ in 0..100 {
            assert!(random_seed() < 1_000_000);
        }
    }
}
