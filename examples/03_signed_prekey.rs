//! Chapter II.3: the signed prekey SPK_B and its XEdDSA signature.
//!
//! Run it: `cargo run --example 03_signed_prekey -- --seed 7`
//! SPK_B and SPK_B.sig are the same bytes as in `pqxdh-lab transcript --seed 7`.

use clap::Parser;
use libsignal_protocol::{
    GenericSignedPreKey, IdentityKeyPair, KeyPair, SignedPreKeyRecord, Timestamp,
};
use pqxdh_lab::engine::keys::{BobIds, DEMO_EPOCH_MILLIS};
use pqxdh_lab::engine::{BOB_STREAM, rng_stream};

#[derive(Parser)]
struct Args {
    /// The same seed gives the same bytes on every machine (the book uses 7).
    #[arg(long, env = "PQXDH_LAB_SEED", default_value_t = 7)]
    seed: u64,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    // Say which seed this is, on stderr: standard output stays what the book shows.
    eprintln!(
        "seed {} (--seed N or PQXDH_LAB_SEED; the book uses 7)",
        args.seed
    );
    // As in chapter 2: Bob's ids, then IK_B, from Bob's stream.
    let mut rng = rng_stream(args.seed, BOB_STREAM);
    let ids = BobIds::generate(&mut rng);
    let ik_b = IdentityKeyPair::generate(&mut rng);

    // ANCHOR: sign
    let spk_b = KeyPair::generate(&mut rng);
    // Bob signs the *encoded* key, type byte included: EncodeEC(SPK_B).
    let encoded = spk_b.public_key.serialize();
    let spk_b_sig = ik_b.private_key().calculate_signature(&encoded, &mut rng)?;
    // ANCHOR_END: sign
    println!(
        "SPK_B     ({} bytes): {:02x} {}",
        encoded.len(),
        encoded[0],
        hex::encode(&encoded[1..])
    );
    println!(
        "SPK_B.sig ({} bytes): {}",
        spk_b_sig.len(),
        hex::encode(&spk_b_sig[..32])
    );
    println!("                      {}", hex::encode(&spk_b_sig[32..]));

    // ANCHOR: verify
    // Anyone holding IK_B's public key can check the signature.
    let ik_b_public = ik_b.public_key();
    let genuine = ik_b_public.verify_signature(&encoded, &spk_b_sig);
    // The signature covers the 33 encoded bytes: over the bare 32 it fails.
    let bare = ik_b_public.verify_signature(&encoded[1..], &spk_b_sig);
    // A server that changes one bit of the key is caught. (Part IV's lab
    // forged-signed-prekey swaps in a whole key of the server's own.)
    let mut swapped = encoded.to_vec();
    swapped[32] ^= 0x01;
    let tampered = ik_b_public.verify_signature(&swapped, &spk_b_sig);
    // ANCHOR_END: verify
    println!("verify(IK_B, EncodeEC(SPK_B), SPK_B.sig):        {genuine}");
    println!("verify(IK_B, the bare 32-byte key, SPK_B.sig):   {bare}");
    println!("verify(IK_B, SPK_B with one bit flipped, sig):   {tampered}");

    // ANCHOR: randomized
    // XEdDSA signatures are randomized: signing again gives other bytes,
    // and both verify.
    let again = ik_b.private_key().calculate_signature(&encoded, &mut rng)?;
    // ANCHOR_END: randomized
    println!(
        "a second signature begins {} and verifies: {}",
        hex::encode(&again[..8]),
        ik_b_public.verify_signature(&encoded, &again)
    );
    println!(
        "sign bit of the Edwards key, kept in the top bit of byte 63: {}",
        spk_b_sig[63] >> 7
    );

    // ANCHOR: record
    // What Bob's device stores: id, creation time, key pair and signature.
    let record = SignedPreKeyRecord::new(
        ids.signed_prekey_id,
        Timestamp::from_epoch_millis(DEMO_EPOCH_MILLIS),
        &spk_b,
        &spk_b_sig,
    );
    // ANCHOR_END: record
    println!(
        "SignedPreKeyRecord: id {}, {} bytes serialized (it holds SPK_B.priv: it never leaves Bob)",
        u32::from(record.id()?),
        record.serialize()?.len()
    );
    Ok(())
}
