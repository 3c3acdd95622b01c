//! Exercise 02_identity_key: Part II, chapter 2, "Identity keys"
//! (the book's page part2/02-identity-keys; example 02_identity_keys).
//!
//! Make Alice's long-term identity key pair IK_A, exactly as pqxdh-lab does,
//! and print both halves. Replace each todo!(), then check your work:
//!
//!     cargo run --release -- exercises check 02_identity_key
//!
//! The checker compares what you print with the room's run for the room's
//! seed (7, the book's, unless PQXDH_LAB_SEED says otherwise).
//!
//! Hint: libsignal's `IdentityKeyPair::generate` takes the random number
//! generator; `.identity_key().serialize()` and `.private_key().serialize()`
//! give the bytes.

use libsignal_protocol::IdentityKeyPair;
use pqxdh_lab::exercises::kit;

fn main() {
    let room = kit::start("02_identity_key");
    // Alice's stream of the room's seed, where her identity key is drawn.
    let mut rng = room.alice_identity_rng();

    let ik_a: IdentityKeyPair = todo!("make Alice's identity key pair from rng");
    // libsignal's encoding of a curve public key (how many bytes? why?).
    let public: Vec<u8> = todo!("IK_A's public key, serialized");
    let private: Vec<u8> = todo!("IK_A's private key, serialized");

    kit::show("IK_A", &public);
    kit::show("IK_A.priv", &private);
}
