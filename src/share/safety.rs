//! Safety numbers: what two people compare to find out whether the relay
//! gave them each other's real identity keys.
//!
//! The relay can answer a first contact with a bundle of its own: its own
//! identity key and prekeys it signed with it. The signatures verify (they
//! are checked against the identity key in the same bundle), so PQXDH runs
//! with the relay instead of the person. What the relay cannot do is make
//! two different identity keys give the same safety number.
//!
//! The number is libsignal's fingerprint (`Fingerprint::new`, libsignal
//! `src/fingerprint.rs:194`): for each side, 5200 rounds of SHA-512 over the
//! identity key and a stable identifier (`:161-192`), here the person's name
//! on the relay; 30 digits per side, the smaller half first (`:32-41`), so
//! both people see the same 60 digits. Signal uses version 2 and 5200
//! iterations; the version only enters the QR form.
//!
//! It is computed from the identity key stored in the home, the one the
//! sessions use, never from the relay's current bundle: a relay that
//! substitutes its bundle at first contact and puts the real one back
//! afterwards cannot make the numbers match.

use std::fmt;

use libsignal_protocol::{Fingerprint, IdentityKey};

use super::error::ShareError;
use super::names::Name;
use super::session::Account;

/// Signal's fingerprint version (it only changes the QR form).
pub const VERSION: u32 = 2;
/// Rounds of SHA-512 per side, as in Signal's clients.
pub const ITERATIONS: u32 = 5200;

/// 60 digits, the same on both sides when nothing is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafetyNumber(String);

impl SafetyNumber {
    /// The number `me` (with `my_key`) and `peer` (with `peer_key`) compare.
    pub fn compute(
        me: &Name,
        my_key: &IdentityKey,
        peer: &Name,
        peer_key: &IdentityKey,
    ) -> Result<Self, ShareError> {
        let fingerprint = Fingerprint::new(
            VERSION,
            ITERATIONS,
            me.as_str().as_bytes(),
            my_key,
            peer.as_str().as_bytes(),
            peer_key,
        )
        .map_err(|e| ShareError::Fingerprint(e.to_string()))?;
        let digits = fingerprint
            .display_string()
            .map_err(|e| ShareError::Fingerprint(e.to_string()))?;
        Ok(Self(digits))
    }

    /// A number as a person types it: 60 digits, spaces and line breaks
    /// allowed anywhere.
    pub fn parse(text: &str) -> Option<Self> {
        let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        (digits.len() == 60 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(Self(digits))
    }

    pub fn digits(&self) -> &str {
        &self.0
    }

    /// Twelve groups of five digits, in `rows` rows (Signal shows 3 × 4).
    pub fn rows(&self) -> Vec<String> {
        let groups: Vec<&str> = (0..12).map(|i| &self.0[i * 5..i * 5 + 5]).collect();
        groups.chunks(4).map(|row| row.join(" ")).collect()
    }
}

impl fmt::Display for SafetyNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rows().join(" "))
    }
}

/// The account owner's identity key.
pub fn own_key(account: &Account) -> IdentityKey {
    *account.home().stores.identities.key_pair.identity_key()
}

/// The identity key the account's sessions use for `peer`, if any.
pub fn known_key(account: &Account, peer: &Name) -> Option<IdentityKey> {
    account
        .home()
        .stores
        .identities
        .known
        .get(peer.as_str())
        .copied()
}

/// The safety number of the account's owner and `peer`, from the keys
/// stored in the home.
pub fn safety_number(account: &Account, peer: &Name) -> Result<SafetyNumber, ShareError> {
    let peer_key = known_key(account, peer).ok_or_else(|| ShareError::NoIdentity {
        me: account.name().to_string(),
        peer: peer.to_string(),
    })?;
    SafetyNumber::compute(account.name(), &own_key(account), peer, &peer_key)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// libsignal's own test vector (`src/fingerprint.rs`, `fingerprint_test_v1`
    /// keys and ids, 5200 iterations): the same digits through this module.
    #[test]
    fn libsignals_vector() {
        let alice = IdentityKey::decode(
            &hex::decode("0506863bc66d02b40d27b8d49ca7c09e9239236f9d7d25d6fcca5ce13c7064d868")
                .unwrap(),
        )
        .unwrap();
        let bob = IdentityKey::decode(
            &hex::decode("05f781b6fb32fed9ba1cf2de978d4d5da28dc34046ae814402b5c0dbd96fda907b")
                .unwrap(),
        )
        .unwrap();
        let number = Fingerprint::new(
            VERSION,
            ITERATIONS,
            b"+14152222222",
            &alice,
            b"+14153333333",
            &bob,
        )
        .unwrap()
        .display_string()
        .unwrap();
        assert_eq!(
            number,
            "300354477692869396892869876765458257569162576843440918079131"
        );
        let parsed = SafetyNumber::parse(
            "30035 44776 92869 39689\n28698 76765 45825 75691 62576 84344 09180 79131",
        )
        .unwrap();
        assert_eq!(parsed.digits(), number);
        assert_eq!(parsed.rows()[0], "30035 44776 92869 39689");
        assert!(SafetyNumber::parse("123").is_none());
    }
}
