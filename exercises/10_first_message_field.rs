//! Exercise 10_first_message_field: Part II, chapter 10, "The first message,
//! byte by byte" (the book's page part2/10-first-message; example
//! 10_first_message).
//!
//! Alice's first message is one version byte, 0x44, then a protobuf
//! message. Read two of its fields by hand, without libsignal's parser:
//! base_key (field 2, EK_A) and registration_id (field 5). Replace each
//! todo!(), then check your work:
//!
//!     cargo run --release -- exercises check 10_first_message_field
//!
//! Hint: each field starts with a varint key: field number = key >> 3, wire
//! type = key & 7. Wire type 0: one varint follows. Wire type 2: a varint
//! length, then that many bytes. A varint holds 7 bits per byte, lowest
//! first; a byte with its top bit (0x80) clear is the last.

use pqxdh_lab::exercises::kit;

/// Reads a varint at `pos` and moves `pos` past it.
fn read_varint(bytes: &[u8], pos: &mut usize) -> u64 {
    todo!("read a varint")
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let room = kit::start("10_first_message_field");
    let message = room.first_message();

    let mut base_key: Option<Vec<u8>> = None;
    let mut registration_id: Option<u64> = None;
    let mut pos = 1; // after the version byte, 0x44
    while pos < message.len() {
        todo!("read one field; keep fields 2 and 5")
    }

    kit::show("base_key", base_key.ok_or("no field 2 in the message")?);
    kit::show_text(
        "registration_id",
        registration_id.ok_or("no field 5 in the message")?,
    );
    Ok(())
}
