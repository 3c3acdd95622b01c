//! Solution of exercise 10_associated_data: Part II, chapter 10, "The first
//! message, byte by byte".

use libsignal_protocol::PreKeySignalMessage;
use pqxdh_lab::exercises::kit;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let room = kit::start("10_associated_data");
    let alice = room.alice();
    let bob = room.bob();

    // Alice: her own identity key first, then Bob's.
    let ik_a = alice.identity.identity_key().serialize();
    let ik_b = bob.identity.identity_key().serialize();
    let ad = [ik_a, ik_b].concat();
    kit::show("AD", &ad);

    // Bob: the sender's identity key, as the message carries it, then his own.
    let message = PreKeySignalMessage::try_from(room.first_message().as_slice())?;
    let sender = message.identity_key().serialize();
    let own = bob.identity.identity_key().serialize();
    let ad_bob = [sender, own].concat();
    kit::show("AD.bob", &ad_bob);
    Ok(())
}
