//! Exercise 05_bundle_field: Part II, chapter 5, "The prekey bundle and the
//! server" (the book's page part2/05-prekey-bundle; example 05_prekey_bundle).
//!
//! The server stores Bob's bundle as a protobuf message. Write two of its
//! fields by hand, byte for byte: registration_id (field 1, a number) and
//! identity_key (field 3, bytes). Replace each todo!(), then check:
//!
//!     cargo run --release -- exercises check 05_bundle_field
//!
//! Hint: a field starts with its key, (field number << 3) | wire type, as a
//! varint. Wire type 0: the value is a varint. Wire type 2: a varint length,
//! then the bytes. A varint holds 7 bits per byte, lowest bits first; every
//! byte but the last has its top bit (0x80) set.

use pqxdh_lab::exercises::kit;

/// Protobuf wire types: a varint, or a length followed by that many bytes.
const VARINT: u8 = 0;
const LENGTH_DELIMITED: u8 = 2;

/// A field's key: its number and wire type in one varint (one byte here).
fn key(field: u8, wire_type: u8) -> u8 {
    todo!("the key byte of a field")
}

/// A number as a protobuf varint.
fn varint(n: u64) -> Vec<u8> {
    todo!("7 bits at a time, lowest first")
}

fn main() {
    let room = kit::start("05_bundle_field");
    let bob = room.bob();

    let field_1: Vec<u8> = todo!("field 1: bob.registration_id, wire type 0");
    kit::show("field_1", &field_1);

    let ik_b = bob.identity.identity_key().serialize();
    let field_3: Vec<u8> = todo!("field 3: IK_B's 33 bytes, wire type 2");
    kit::show("field_3", &field_3);

    // The server's bytes begin with field 1.
    println!(
        "the bundle on the server starts with field_1: {}",
        room.bundle().starts_with(&field_1)
    );
}
