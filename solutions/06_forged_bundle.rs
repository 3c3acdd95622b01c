//! Solution of exercise 06_forged_bundle: Part II, chapter 6, "Alice
//! verifies, and her ephemeral key".

use libsignal_protocol::{IdentityKey, PublicKey, kem};
use pqxdh_lab::engine::ServerBundle;
use pqxdh_lab::exercises::kit;

/// What Alice can tell about one bundle from the server.
fn verdict(
    bytes: &[u8],
    known_ik_b: &IdentityKey,
) -> Result<&'static str, Box<dyn std::error::Error>> {
    let bundle = ServerBundle::decode(bytes)?;
    let ik_b = IdentityKey::decode(&bundle.identity_key)?;
    let spk_b = PublicKey::deserialize(&bundle.signed_pre_key)?;
    let pqspk_b = kem::PublicKey::deserialize(&bundle.kyber_pre_key)?;
    // Both prekeys must carry IK_B's signature over their serialized form.
    if !ik_b
        .public_key()
        .verify_signature(&spk_b.serialize(), &bundle.signed_pre_key_signature)
    {
        return Ok("bad SPK_B signature");
    }
    if !ik_b
        .public_key()
        .verify_signature(&pqspk_b.serialize(), &bundle.kyber_pre_key_signature)
    {
        return Ok("bad PQSPK_B signature");
    }
    // Valid signatures prove only that the bundle's own IK signed them: a
    // server can sign keys of its own under an identity key of its own. Only
    // the IK_B the two people compared (spec §4.1) says whose bundle this is.
    if ik_b != *known_ik_b {
        return Ok("other identity");
    }
    Ok("genuine")
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let room = kit::start("06_forged_bundle");
    let known_ik_b = room.ik_b_from_safety_number();
    for (i, bundle) in room.bundles_from_a_server().iter().enumerate() {
        kit::show_text(&format!("bundle_{}", i + 1), verdict(bundle, &known_ik_b)?);
    }
    Ok(())
}
