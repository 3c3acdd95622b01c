//! Solution of exercise 10_first_message_field: Part II, chapter 10, "The
//! first message, byte by byte".

use pqxdh_lab::exercises::kit;

/// Reads a varint at `pos` and moves `pos` past it.
fn read_varint(bytes: &[u8], pos: &mut usize) -> u64 {
    let mut value = 0;
    let mut shift = 0;
    loop {
        let byte = bytes[*pos];
        *pos += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return value;
        }
        shift += 7;
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let room = kit::start("10_first_message_field");
    let message = room.first_message();

    let mut base_key = None;
    let mut registration_id = None;
    let mut pos = 1; // after the version byte, 0x44
    while pos < message.len() {
        let key = read_varint(&message, &mut pos);
        let (field, wire_type) = (key >> 3, key & 7);
        match wire_type {
            0 => {
                let value = read_varint(&message, &mut pos);
                if field == 5 {
                    registration_id = Some(value);
                }
            }
            2 => {
                let len = read_varint(&message, &mut pos) as usize;
                let payload = &message[pos..pos + len];
                pos += len;
                if field == 2 {
                    base_key = Some(payload.to_vec());
                }
            }
            other => return Err(format!("wire type {other} does not occur here").into()),
        }
    }

    kit::show("base_key", base_key.ok_or("no field 2 in the message")?);
    kit::show_text(
        "registration_id",
        registration_id.ok_or("no field 5 in the message")?,
    );
    Ok(())
}
