//! Exercise 06_forged_bundle: Part II, chapter 6, "Alice verifies, and her
//! ephemeral key" (the book's page part2/06-alice-verifies; example
//! 06_alice_verifies).
//!
//! A server hands Alice four bundles for Bob. One is his; the server forged
//! the other three. Tell which is which, from the bytes alone and the IK_B
//! Alice checked by safety number. Print one verdict per bundle:
//! "genuine", "bad SPK_B signature", "bad PQSPK_B signature" or
//! "other identity". Then check:
//!
//!     cargo run --release -- exercises check 06_forged_bundle
//!
//! Hint: `ServerBundle::decode` gives the fields as bytes; libsignal's
//! `IdentityKey::decode`, `PublicKey::deserialize` and
//! `kem::PublicKey::deserialize` read the keys; verify each prekey's
//! signature over its serialized form with the bundle's identity key. Can a
//! bundle with valid signatures still be forged?

use libsignal_protocol::{IdentityKey, PublicKey, kem};
use pqxdh_lab::engine::ServerBundle;
use pqxdh_lab::exercises::kit;

/// What Alice can tell about one bundle from the server.
fn verdict(
    bytes: &[u8],
    known_ik_b: &IdentityKey,
) -> Result<&'static str, Box<dyn std::error::Error>> {
    let bundle = ServerBundle::decode(bytes)?;
    todo!("read the keys, verify both signatures, compare the identity key")
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let room = kit::start("06_forged_bundle");
    let known_ik_b = room.ik_b_from_safety_number();
    for (i, bundle) in room.bundles_from_a_server().iter().enumerate() {
        kit::show_text(&format!("bundle_{}", i + 1), verdict(bundle, &known_ik_b)?);
    }
    Ok(())
}
