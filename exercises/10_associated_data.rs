//! Exercise 10_associated_data: Part II, chapter 10, "The first message,
//! byte by byte" (the book's page part2/10-first-message; example
//! 10_first_message).
//!
//! AD, the associated data, binds the message to both identities: libsignal
//! puts it at the front of every MAC input. Build it as Alice, and as Bob
//! from the message he received. Replace each todo!(), then check:
//!
//!     cargo run --release -- exercises check 10_associated_data
//!
//! Hint: AD = EncodeEC(IK_A) ‖ EncodeEC(IK_B) (spec §3.3), the serialized
//! identity keys; whose comes first on Bob's side?

use libsignal_protocol::PreKeySignalMessage;
use pqxdh_lab::exercises::kit;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let room = kit::start("10_associated_data");
    let alice = room.alice();
    let bob = room.bob();

    let ad: Vec<u8> = todo!("Alice's AD, from her identity key and Bob's");
    kit::show("AD", &ad);

    // Bob has his own keys, and the message as it arrived.
    let message = PreKeySignalMessage::try_from(room.first_message().as_slice())?;
    let ad_bob: Vec<u8> = todo!("Bob's AD, from message.identity_key() and his own");
    kit::show("AD.bob", &ad_bob);
    Ok(())
}
