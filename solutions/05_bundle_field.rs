//! Solution of exercise 05_bundle_field: Part II, chapter 5, "The prekey
//! bundle and the server".

use pqxdh_lab::exercises::kit;

/// Protobuf wire types: a varint, or a length followed by that many bytes.
const VARINT: u8 = 0;
const LENGTH_DELIMITED: u8 = 2;

/// A field's key: its number and wire type in one varint (one byte here).
fn key(field: u8, wire_type: u8) -> u8 {
    (field << 3) | wire_type
}

/// A varint: 7 bits at a time, lowest first; the top bit says "more follows".
fn varint(mut n: u64) -> Vec<u8> {
    let mut bytes = Vec::new();
    loop {
        let low = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            bytes.push(low);
            return bytes;
        }
        bytes.push(low | 0x80);
    }
}

fn main() {
    let room = kit::start("05_bundle_field");
    let bob = room.bob();

    let mut field_1 = vec![key(1, VARINT)];
    field_1.extend(varint(bob.registration_id.into()));
    kit::show("field_1", &field_1);

    let ik_b = bob.identity.identity_key().serialize();
    let mut field_3 = vec![key(3, LENGTH_DELIMITED)];
    field_3.extend(varint(ik_b.len() as u64));
    field_3.extend_from_slice(&ik_b);
    kit::show("field_3", &field_3);

    // The server's bytes begin with field 1.
    println!(
        "the bundle on the server starts with field_1: {}",
        room.bundle().starts_with(&field_1)
    );
}
