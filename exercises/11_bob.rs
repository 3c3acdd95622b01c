//! Exercise 11_bob: Part II, chapter 11, "Bob's side" (the book's page
//! part2/11-bob; example 11_bob).
//!
//! Bob comes online to Alice's first message. From it and his private keys
//! alone, compute the same DH1, DH2, DH3 and SS that Alice computed.
//! Replace each todo!(), then check your work:
//!
//!     cargo run --release -- exercises check 11_bob
//!
//! Hint: Alice's public keys are in the message: message.identity_key() is
//! IK_A, message.base_key() is EK_A, message.kyber_ciphertext() is CT. Each
//! DH is the same pair of keys as Alice's, from the other ends.

use libsignal_protocol::PreKeySignalMessage;
use pqxdh_lab::exercises::kit;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let room = kit::start("11_bob");
    let bob = room.bob(); // all of Bob's keys, private halves included
    let message = PreKeySignalMessage::try_from(room.first_message().as_slice())?;

    let dh1: Box<[u8]> = todo!("DH1, from Bob's side");
    kit::show("DH1", &dh1);
    let dh2: Box<[u8]> = todo!("DH2, from Bob's side");
    kit::show("DH2", &dh2);
    let dh3: Box<[u8]> = todo!("DH3, from Bob's side");
    kit::show("DH3", &dh3);

    let ss: Box<[u8]> = todo!("SS: decapsulate the message's CT");
    kit::show("SS", &ss);
    Ok(())
}
