//! The attack labs: each starts from the seed's normal run, changes one thing,
//! and lets libsignal run on. What happens (libsignal refusing, a decryption
//! succeeding or failing, two safety numbers) is computed by the run and
//! recorded in the transcript's [`LabRecord`](crate::transcript::LabRecord);
//! nothing is asserted by hand.
//!
//! - one file per lab, holding the attack and the words of its steps;
//! - `start.rs`: the normal run a lab starts from, and how a lab is recorded;
//! - `message.rs`: a first message sealed and opened by hand, as libsignal
//!   would, for attackers (and mistakes) that libsignal's API cannot play;
//! - `stores.rs`: Bob's stores, and the ones with a defence switched off;
//! - `x3dh.rs`: the classical X3DH key derivation libsignal no longer speaks.
//!
//! Each lab's file also has a way to switch its defence off (or, for the
//! lab that has none, on), so that tests can see the outcome change.

mod alice;
pub mod forged_kyber_prekey;
pub mod forged_signed_prekey;
pub mod harvest_now_decrypt_later;
pub mod kdf_mistakes;
pub mod key_compromise_impersonation;
pub mod message;
pub mod mitm_new_identity;
pub mod replay;
mod start;
pub mod stolen_device_later;
pub mod stores;
pub mod tampered_ciphertext;
pub mod x3dh;

use libsignal_protocol::SignalProtocolError;
use thiserror::Error;

use crate::engine::{BundleError, EngineError, RunOptions};
pub use crate::transcript::Lab;
use crate::transcript::Transcript;

/// The attacker's keys (the server's own identity and prekeys, a forger's
/// ephemeral key): a stream of the seed that the normal run never uses.
pub const ATTACKER_STREAM: u64 = 4;
/// Everything else a lab draws (Bob's new ratchet keys when he receives, the
/// bit that flips): another unused stream, so that the normal run's bytes stay
/// those of `pqxdh-lab transcript` with the same seed.
pub const LAB_STREAM: u64 = 5;

#[derive(Debug, Error)]
pub enum LabError {
    #[error("the normal run the lab starts from failed: {0}")]
    Engine(#[from] EngineError),
    #[error(
        "the normal run the lab starts from did not pass its own check ({0}); \
         the lab would not start from libsignal's bytes"
    )]
    NormalRunUntrusted(String),
    #[error("libsignal failed where the lab does not expect it to: {0}")]
    Libsignal(#[from] SignalProtocolError),
    #[error("a bundle could not be read back: {0}")]
    Bundle(#[from] BundleError),
    #[error("the lab's keys are not the normal run's: {0} differs")]
    Diverged(&'static str),
    #[error("libsignal could not compute a safety number: {0}")]
    Fingerprint(String),
    #[error("{0}")]
    Opened(String),
}

/// Runs one lab as libsignal ships: every defence on.
pub fn run(lab: Lab, options: RunOptions) -> Result<Transcript, LabError> {
    match lab {
        Lab::ForgedSignedPrekey => forged_signed_prekey::run(options),
        Lab::ForgedKyberPrekey => forged_kyber_prekey::run(options),
        Lab::MitmNewIdentity => mitm_new_identity::run(options),
        Lab::TamperedCiphertext => tampered_ciphertext::run(options),
        Lab::HarvestNowDecryptLater => harvest_now_decrypt_later::run(options),
        Lab::StolenDeviceLater => stolen_device_later::run(options),
        Lab::Replay => replay::run(options),
        Lab::KdfMistakes => kdf_mistakes::run(options),
        Lab::KeyCompromiseImpersonation => key_compromise_impersonation::run(options),
    }
}

/// The first byte at which two byte strings differ (or the shorter length
/// when one is a prefix of the other); None when they are equal.
pub fn first_difference(a: &[u8], b: &[u8]) -> Option<usize> {
    if a == b {
        return None;
    }
    Some(
        a.iter()
            .zip(b)
            .position(|(x, y)| x != y)
            .unwrap_or(a.len().min(b.len())),
    )
}

/// "equal" or "different (first at byte N)": how a lab reports a comparison.
pub fn compare(a: &[u8], b: &[u8]) -> String {
    match first_difference(a, b) {
        None => "equal".to_string(),
        Some(i) => format!("different (first at byte {i})"),
    }
}

/// "DH2, DH4 or SS": a list of names in a sentence.
pub fn either(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// "DH1 and DH3": a list of names in a sentence.
pub fn both(names: &[&str]) -> String {
    match names {
        [] => "nothing".to_string(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_difference_finds_the_first_byte() {
        assert_eq!(first_difference(b"abc", b"abc"), None);
        assert_eq!(first_difference(b"abc", b"abd"), Some(2));
        assert_eq!(first_difference(b"xbc", b"abc"), Some(0));
        assert_eq!(first_difference(b"ab", b"abc"), Some(2));
    }

    #[test]
    fn every_lab_has_a_unique_name_that_parses_back() {
        for lab in Lab::ALL {
            assert_eq!(Lab::from_name(lab.name()), Some(lab));
        }
        assert_eq!(Lab::from_name("no-such-lab"), None);
    }
}
