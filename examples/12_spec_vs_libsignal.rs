//! Chapter II.12: how libsignal differs from the spec text.
//!
//! Run it: `cargo run --example 12_spec_vs_libsignal -- --seed 7`
//! Values come from one pqxdh-lab run, the bytes of `pqxdh-lab transcript --seed 7`.

use clap::Parser;
use hkdf::Hkdf;
use libsignal_protocol::PreKeySignalMessage;
use pqxdh_lab::engine::kdf::KDF_INFO;
use pqxdh_lab::engine::{RunOptions, run};
use sha2::Sha256;

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
    // ANCHOR: run
    let t = run(RunOptions {
        seed: args.seed,
        one_time_prekey: false,
    })?;
    let bytes = |name: &str| {
        t.value(name)
            .map(|v| v.bytes.clone())
            .ok_or(format!("no {name}"))
    };
    // ANCHOR_END: run
    let secret_input = bytes("secret_input")?;
    let root_key = bytes("root_key")?;

    // ANCHOR: sk
    // The spec: SK = 32 bytes of HKDF(salt = 32 zero bytes, F ‖ KM, info).
    let mut sk = [0u8; 32];
    Hkdf::<Sha256>::new(Some(&[0u8; 32]), &secret_input)
        .expand(KDF_INFO.as_bytes(), &mut sk)
        .map_err(|e| e.to_string())?;
    // libsignal asks the same HKDF for 96 bytes; HKDF's output for a longer
    // length starts with the shorter one, so its first 32 bytes are SK.
    // ANCHOR_END: sk
    println!("spec SK (32 bytes)        = {}", hex::encode(sk));
    println!("libsignal root_key (0..32) = {}", hex::encode(&root_key));
    println!("equal: {}", sk[..] == root_key[..]);

    // ANCHOR: info
    // The spec's example label and libsignal's: both follow info_curve_hash_pqkem.
    let spec_example = "MyProtocol_CURVE25519_SHA-512_CRYSTALS-KYBER-1024";
    // ANCHOR_END: info
    println!(
        "spec's example info: {spec_example:?} ({} bytes)",
        spec_example.len()
    );
    println!(
        "libsignal's info:    {KDF_INFO:?} ({} bytes)",
        KDF_INFO.len()
    );
    println!("  as hex: {}", hex::encode(KDF_INFO));

    // ANCHOR: ad
    // AD = EncodeEC(IK_A) ‖ EncodeEC(IK_B); libsignal puts these 66 bytes at
    // the front of every message's MAC input. PQSPK_B is not added.
    let ad = bytes("AD")?;
    let pqspk_b = bytes("PQSPK_B")?;
    // ANCHOR_END: ad
    println!(
        "AD ({} bytes) = IK_A ‖ IK_B: {}",
        ad.len(),
        ad[..33] == bytes("IK_A")?[..] && ad[33..] == bytes("IK_B")?[..]
    );
    println!(
        "PQSPK_B in AD: {} (Kyber binds its public key into SS, spec §4.12)",
        ad.windows(16).any(|w| pqspk_b.windows(16).any(|p| p == w))
    );

    // ANCHOR: spqr
    // The first message already carries SPQR's post-quantum ratchet data,
    // seeded from the KDF's third 32 bytes (pqr_key).
    let message = PreKeySignalMessage::try_from(bytes("prekey_message")?.as_slice())?;
    let pq_ratchet = message.message().pq_ratchet();
    // ANCHOR_END: spqr
    println!(
        "message version byte 0x{:02x}; inner SignalMessage {} bytes; pq_ratchet field {} bytes, first byte 0x{:02x}",
        bytes("prekey_message")?[0],
        message.message().serialized().len(),
        pq_ratchet.len(),
        pq_ratchet.first().copied().unwrap_or_default()
    );
    println!("pqr_key = {}", hex::encode(bytes("pqr_key")?));
    Ok(())
}
