//! Chapter II.2: identity keys IK_A and IK_B.
//!
//! Run it: `cargo run --example 02_identity_keys -- --seed 7`
//! IK_A and IK_B are the same bytes as in `pqxdh-lab transcript --seed 7`.

use clap::Parser;
use libsignal_protocol::{Fingerprint, IdentityKey, IdentityKeyPair};
use pqxdh_lab::engine::keys::{BobIds, random_registration_id};
use pqxdh_lab::engine::{ALICE_STREAM, BOB_STREAM, rng_stream};

#[derive(Parser)]
struct Args {
    /// The same seed gives the same bytes on every machine (the book uses 7).
    #[arg(long, env = "PQXDH_LAB_SEED", default_value_t = 7)]
    seed: u64,
}

/// libsignal's curve public key encoding: type byte 0x05, then 32 bytes.
fn curve(bytes: &[u8]) -> String {
    format!("{:02x} {}", bytes[0], hex::encode(&bytes[1..]))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    // Say which seed this is, on stderr: standard output stays what the book shows.
    eprintln!(
        "seed {} (--seed N or PQXDH_LAB_SEED; the book uses 7)",
        args.seed
    );

    // ANCHOR: generate
    // Bob's stream begins with his registration id and prekey ids (chapter 5);
    // drawing them first keeps IK_B equal to the one pqxdh-lab shows.
    let mut bob_rng = rng_stream(args.seed, BOB_STREAM);
    let _bob_ids = BobIds::generate(&mut bob_rng);
    let ik_b = IdentityKeyPair::generate(&mut bob_rng);

    let mut alice_rng = rng_stream(args.seed, ALICE_STREAM);
    let _alice_registration_id = random_registration_id(&mut alice_rng);
    let ik_a = IdentityKeyPair::generate(&mut alice_rng);
    // ANCHOR_END: generate

    // ANCHOR: encode
    // The public half is published; libsignal's encoding is EncodeEC = 0x05 ‖ u.
    let ik_b_public: Box<[u8]> = ik_b.identity_key().serialize();
    let ik_b_private: Vec<u8> = ik_b.private_key().serialize();
    // ANCHOR_END: encode
    println!(
        "IK_B      ({} bytes): {}",
        ik_b_public.len(),
        curve(&ik_b_public)
    );
    println!(
        "IK_B.priv ({} bytes): {}",
        ik_b_private.len(),
        hex::encode(&ik_b_private)
    );
    let ik_a_public = ik_a.identity_key().serialize();
    println!(
        "IK_A      ({} bytes): {}",
        ik_a_public.len(),
        curve(&ik_a_public)
    );
    println!(
        "IK_A.priv ({} bytes): {}",
        ik_a.private_key().serialize().len(),
        hex::encode(ik_a.private_key().serialize())
    );

    // ANCHOR: derive
    // The public key is computed from the private key, never the other way round.
    let recomputed = ik_b.private_key().public_key()?;
    assert_eq!(&recomputed, ik_b.public_key());
    // Anyone can decode the published bytes back into a key.
    let decoded = IdentityKey::decode(&ik_b_public)?;
    assert_eq!(&decoded, ik_b.identity_key());
    // ANCHOR_END: derive
    println!("IK_B recomputed from IK_B.priv: equal; decoded from its 33 bytes: equal");

    // ANCHOR: safety_number
    // Safety numbers: what Alice and Bob compare to know that these identity
    // keys really are each other's. 5200 iterations, as Signal's clients use.
    // (Signal's clients use an account identifier as the stable id; names do here.)
    let safety_number =
        |local: &IdentityKeyPair, local_id: &[u8], remote: &IdentityKeyPair, remote_id: &[u8]| {
            Fingerprint::new(
                2,
                5200,
                local_id,
                local.identity_key(),
                remote_id,
                remote.identity_key(),
            )
            .and_then(|f| f.display_string())
            .map_err(|e| format!("fingerprint: {e:?}"))
        };
    let digits = safety_number(&ik_a, b"alice", &ik_b, b"bob")?;
    assert_eq!(
        digits,
        safety_number(&ik_b, b"bob", &ik_a, b"alice")?,
        "both phones show the same number"
    );
    // ANCHOR_END: safety_number
    let groups: Vec<&str> = (0..12).map(|i| &digits[5 * i..5 * i + 5]).collect();
    println!("safety number (same on both phones):");
    println!("  {}", groups[..6].join(" "));
    println!("  {}", groups[6..].join(" "));
    Ok(())
}
