//! Solution of exercise 02_identity_key: Part II, chapter 2, "Identity keys".

use libsignal_protocol::IdentityKeyPair;
use pqxdh_lab::exercises::kit;

fn main() {
    let room = kit::start("02_identity_key");
    // Alice's stream of the room's seed, where her identity key is drawn.
    let mut rng = room.alice_identity_rng();

    let ik_a = IdentityKeyPair::generate(&mut rng);
    // libsignal's encoding of a curve public key: 0x05, then 32 bytes.
    let public = ik_a.identity_key().serialize();
    let private = ik_a.private_key().serialize();

    kit::show("IK_A", &public);
    kit::show("IK_A.priv", &private);
}
