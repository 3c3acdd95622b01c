//! The wire scan: no secret of the run is copied verbatim into the bytes the
//! server stores or forwards.
//!
//! Every secret (private keys, DH outputs, SS, secret_input, derived keys,
//! the first message's keys and its plaintext) is cut into overlapping 16-byte
//! windows, and each window is looked for in the bundle and the first message.
//!
//! What this shows, and no more: a check against serialization bugs (a
//! private key written where its public half belongs, a key sent in clear).
//! It is not a proof of secrecy: functions of the secrets — public keys, CT,
//! the ciphertext, the MAC — do cross the server, and that an observer cannot
//! get the secrets back from them is a computational argument (PQXDH §4), not
//! something a byte search can show.

use std::collections::{HashMap, HashSet};

use crate::transcript::{Actor, Value, WireObject, WireScan};

/// A secret this short could match by chance; every secret here is 16 bytes or more.
pub const WINDOW: usize = 16;

/// Kyber1024 secret key layout (after libsignal's 0x08 type byte):
/// s (1536 B) ‖ public key (1568 B) ‖ H(public key) (32 B) ‖ z (32 B).
/// The embedded public key and its hash are public, so only s and z are scanned.
pub const KYBER_SK_SECRET_PARTS: [std::ops::Range<usize>; 2] = [1..1537, 3137..3169];

/// One secret to look for: who holds it and its bytes.
#[derive(Debug, Clone, Copy)]
pub struct Secret<'a> {
    pub name: &'a str,
    pub owner: Actor,
    pub bytes: &'a [u8],
}

impl<'a> Secret<'a> {
    /// The transcript values whose kind is secret (Alice's and Bob's copies).
    pub fn from_values(values: impl IntoIterator<Item = &'a Value>) -> Vec<Secret<'a>> {
        values
            .into_iter()
            .filter(|v| v.kind.is_secret())
            .map(|v| Secret {
                name: &v.name,
                owner: v.owner,
                bytes: &v.bytes,
            })
            .collect()
    }

    /// The parts that must stay secret.
    fn regions(&self) -> Vec<&'a [u8]> {
        if self.name == "PQSPK_B.priv" && self.bytes.len() == 3169 {
            KYBER_SK_SECRET_PARTS
                .iter()
                .map(|r| &self.bytes[r.clone()])
                .collect()
        } else {
            vec![self.bytes]
        }
    }
}

/// Looks for every secret in the wire objects. Copies with the same bytes
/// (Alice's DH1 and Bob's) count once.
pub fn scan<'a>(secrets: impl IntoIterator<Item = Secret<'a>>, wire: &[WireObject]) -> WireScan {
    // Index every 16-byte window of the wire bytes: window → (object, offset).
    let mut index: HashMap<&[u8], (&str, usize)> = HashMap::new();
    let mut bytes_searched = 0;
    for object in wire {
        bytes_searched += object.bytes.len();
        for (offset, window) in object.bytes.windows(WINDOW).enumerate() {
            index.entry(window).or_insert((&object.name, offset));
        }
    }

    let mut seen: HashSet<&[u8]> = HashSet::new();
    let mut scanned = Vec::new();
    let mut windows_checked = 0;
    let mut findings = Vec::new();
    for secret in secrets {
        if !seen.insert(secret.bytes) {
            continue;
        }
        scanned.push(secret.name.to_string());
        for region in secret.regions() {
            for window in region.windows(WINDOW) {
                windows_checked += 1;
                if let Some((object, offset)) = index.get(window) {
                    findings.push(format!(
                        "{} ({}'s) found in {object} at byte {offset}",
                        secret.name,
                        secret.owner.name()
                    ));
                    break;
                }
            }
        }
    }
    WireScan {
        bytes_searched,
        secrets_checked: scanned.len(),
        scanned,
        windows_checked,
        findings,
    }
}
