//! The wire scan: a check that no secret of the run is copied verbatim into
//! the bytes the server holds.
//!
//! Every secret value (private keys, DH outputs, SS, secret_input, derived
//! keys, Alice's and Bob's copies) is cut into overlapping 16-byte windows, and
//! each window is looked for in every byte the server stores or forwards.
//!
//! What a clean scan shows, and no more: no 16 consecutive bytes of a scanned
//! secret appear in the server's bytes. That catches serialization bugs (a
//! private key written into the bundle, a shared secret into a message field).
//! It is not a proof of confidentiality: values that depend on the secrets
//! (CT, the encrypted text, its MAC) do reach the server, and that they reveal
//! nothing is a computational argument about X25519, Kyber, HKDF and AES,
//! which no byte search can make.

use std::collections::HashMap;

use crate::transcript::{Value, WireObject, WireScan};

/// A secret this short could match by chance; every secret here is 32 bytes or more.
pub const WINDOW: usize = 16;

/// Kyber1024 secret key layout (after libsignal's 0x08 type byte):
/// s (1536 B) ‖ public key (1568 B) ‖ H(public key) (32 B) ‖ z (32 B).
/// The embedded public key and its hash are public, so only s and z are scanned.
pub const KYBER_SK_SECRET_PARTS: [std::ops::Range<usize>; 2] = [1..1537, 3137..3169];

/// The parts of a value that must stay secret.
fn secret_regions(value: &Value) -> Vec<&[u8]> {
    if value.name == "PQSPK_B.priv" && value.bytes.len() == 3169 {
        KYBER_SK_SECRET_PARTS
            .iter()
            .map(|r| &value.bytes[r.clone()])
            .collect()
    } else {
        vec![&value.bytes[..]]
    }
}

pub fn scan<'a>(secrets: impl Iterator<Item = &'a Value>, wire: &[WireObject]) -> WireScan {
    // Index every 16-byte window of the wire bytes: window → (object, offset).
    let mut index: HashMap<&[u8], (&str, usize)> = HashMap::new();
    let mut bytes_searched = 0;
    for object in wire {
        bytes_searched += object.bytes.len();
        for (offset, window) in object.bytes.windows(WINDOW).enumerate() {
            index.entry(window).or_insert((&object.name, offset));
        }
    }

    let mut secrets_checked = 0;
    let mut windows_checked = 0;
    let mut findings = Vec::new();
    for secret in secrets.filter(|v| v.kind.is_secret()) {
        secrets_checked += 1;
        for region in secret_regions(secret) {
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
        secrets_checked,
        windows_checked,
        findings,
    }
}
