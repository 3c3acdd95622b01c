//! Chapter II.4: the Kyber prekey PQSPK_B.
//!
//! Run it: `cargo run --example 04_kyber_prekey -- --seed 7`
//! PQSPK_B and PQSPK_B.sig are the same bytes as in `pqxdh-lab transcript --seed 7`.

use clap::Parser;
use libsignal_protocol::kem::{KeyPair as KemKeyPair, KeyType};
use libsignal_protocol::{
    GenericSignedPreKey, IdentityKeyPair, KeyPair, KyberPreKeyRecord, Timestamp,
};
use pqxdh_lab::engine::keys::{BobIds, DEMO_EPOCH_MILLIS};
use pqxdh_lab::engine::{BOB_STREAM, rng_stream};

#[derive(Parser)]
struct Args {
    /// The same seed gives the same bytes on every machine (the book uses 7).
    #[arg(long, env = "PQXDH_LAB_SEED", default_value_t = 7)]
    seed: u64,
}

/// First and last bytes of a long value.
fn ends(bytes: &[u8]) -> String {
    format!(
        "{} … {}",
        hex::encode(&bytes[..16]),
        hex::encode(&bytes[bytes.len() - 8..])
    )
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    // Say which seed this is, on stderr: standard output stays what the book shows.
    eprintln!(
        "seed {} (--seed N or PQXDH_LAB_SEED; the book uses 7)",
        args.seed
    );
    // As in chapters 2 and 3: Bob's ids, IK_B, SPK_B and its signature.
    let mut rng = rng_stream(args.seed, BOB_STREAM);
    let ids = BobIds::generate(&mut rng);
    let ik_b = IdentityKeyPair::generate(&mut rng);
    let spk_b = KeyPair::generate(&mut rng);
    let _spk_b_sig = ik_b
        .private_key()
        .calculate_signature(&spk_b.public_key.serialize(), &mut rng)?;

    // ANCHOR: generate
    let pqspk_b = KemKeyPair::generate(KeyType::Kyber1024, &mut rng);
    // EncodeKEM(PQSPK_B) = 0x08 ‖ 1568 bytes; Bob signs it with IK_B like SPK_B.
    let encoded = pqspk_b.public_key.serialize();
    let pqspk_b_sig = ik_b.private_key().calculate_signature(&encoded, &mut rng)?;
    // ANCHOR_END: generate

    let secret = pqspk_b.secret_key.serialize();
    println!(
        "PQSPK_B      type byte 0x{:02x}, {} bytes: {}",
        encoded[0],
        encoded.len(),
        ends(&encoded)
    );
    println!(
        "PQSPK_B.priv type byte 0x{:02x}, {} bytes: {}",
        secret[0],
        secret.len(),
        ends(&secret)
    );
    println!(
        "PQSPK_B.sig  {} bytes: {}",
        pqspk_b_sig.len(),
        hex::encode(&pqspk_b_sig[..32])
    );
    println!("                       {}", hex::encode(&pqspk_b_sig[32..]));
    println!(
        "verify(IK_B, EncodeKEM(PQSPK_B), PQSPK_B.sig): {}",
        ik_b.public_key().verify_signature(&encoded, &pqspk_b_sig)
    );
    let curve_key = spk_b.public_key.serialize();
    println!(
        "size of a public key: curve (SPK_B) {} bytes, Kyber1024 (PQSPK_B) {} bytes ({}x)",
        curve_key.len(),
        encoded.len(),
        encoded.len() / curve_key.len()
    );

    // ANCHOR: record
    // What Bob's device stores. (libsignal's KyberPreKeyRecord::generate would
    // draw from the operating system's RNG; building it from parts keeps the seed.)
    let record = KyberPreKeyRecord::new(
        ids.kyber_prekey_id,
        Timestamp::from_epoch_millis(DEMO_EPOCH_MILLIS),
        &pqspk_b,
        &pqspk_b_sig,
    );
    // ANCHOR_END: record
    println!(
        "KyberPreKeyRecord: id {}, {} bytes serialized",
        u32::from(record.id()?),
        record.serialize()?.len()
    );
    Ok(())
}
