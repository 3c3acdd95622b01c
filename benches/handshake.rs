//! How much the staged, checked run costs compared with libsignal doing the
//! same handshake bare.
//!
//!   cargo bench --bench handshake
//!
//! staged: `engine::run`: every step with libsignal's primitives, libsignal's
//!         own session run, the truth check, the dissection and the wire scan.
//! bare:   libsignal alone: the same keys and bundle, `process_prekey_bundle`,
//!         `message_encrypt`, `message_decrypt`.
//!
//! The two are measured interleaved in the same process, so machine noise hits
//! both alike. Target: staged / bare ≤ 2.5.

use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime};

use futures::executor::block_on;
use libsignal_protocol::kem::{self, KeyType};
use libsignal_protocol::{
    CiphertextMessage, DeviceId, GenericSignedPreKey, IdentityKeyPair, InMemSignalProtocolStore,
    KeyPair, KyberPreKeyRecord, KyberPreKeyStore, PreKeyBundle, PreKeyRecord, PreKeySignalMessage,
    PreKeyStore, ProtocolAddress, SignedPreKeyRecord, SignedPreKeyStore, Timestamp,
    message_decrypt, message_encrypt, process_prekey_bundle,
};
use pqxdh_lab::engine::{self, RunOptions};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

const SAMPLES: usize = 300;

/// The whole handshake with libsignal's API and nothing else.
fn bare(seed: u64, one_time_prekey: bool) -> Vec<u8> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600);
    let device = DeviceId::new(1).unwrap();
    let (alice_addr, bob_addr) = (
        ProtocolAddress::new("alice".into(), device),
        ProtocolAddress::new("bob".into(), device),
    );

    let bob_identity = IdentityKeyPair::generate(&mut rng);
    let spk = KeyPair::generate(&mut rng);
    let spk_sig = bob_identity
        .private_key()
        .calculate_signature(&spk.public_key.serialize(), &mut rng)
        .unwrap();
    let kyber = kem::KeyPair::generate(KeyType::Kyber1024, &mut rng);
    let kyber_sig = bob_identity
        .private_key()
        .calculate_signature(&kyber.public_key.serialize(), &mut rng)
        .unwrap();
    let opk = one_time_prekey.then(|| KeyPair::generate(&mut rng));
    let alice_identity = IdentityKeyPair::generate(&mut rng);

    let mut bob = InMemSignalProtocolStore::new(bob_identity, 2).unwrap();
    let mut alice = InMemSignalProtocolStore::new(alice_identity, 1).unwrap();
    block_on(async {
        let ts = Timestamp::from_epoch_millis(0);
        bob.save_signed_pre_key(
            1.into(),
            &SignedPreKeyRecord::new(1.into(), ts, &spk, &spk_sig),
        )
        .await
        .unwrap();
        bob.save_kyber_pre_key(
            1.into(),
            &KyberPreKeyRecord::new(1.into(), ts, &kyber, &kyber_sig),
        )
        .await
        .unwrap();
        if let Some(opk) = &opk {
            bob.save_pre_key(1.into(), &PreKeyRecord::new(1.into(), opk))
                .await
                .unwrap();
        }
        let bundle = PreKeyBundle::new(
            2,
            device,
            opk.map(|k| (1.into(), k.public_key)),
            1.into(),
            spk.public_key,
            spk_sig.to_vec(),
            1.into(),
            kyber.public_key.clone(),
            kyber_sig.to_vec(),
            *bob_identity.identity_key(),
        )
        .unwrap();
        process_prekey_bundle(
            &bob_addr,
            &mut alice.session_store,
            &mut alice.identity_store,
            &bundle,
            now,
            &mut rng,
        )
        .await
        .unwrap();
        let message = message_encrypt(
            b"Hello Bob! This is Alice, over PQXDH.",
            &bob_addr,
            &mut alice.session_store,
            &mut alice.identity_store,
            now,
            &mut rng,
        )
        .await
        .unwrap();
        let received = CiphertextMessage::PreKeySignalMessage(
            PreKeySignalMessage::try_from(message.serialize()).unwrap(),
        );
        message_decrypt(
            &received,
            &alice_addr,
            &mut bob.session_store,
            &mut bob.identity_store,
            &mut bob.pre_key_store,
            &bob.signed_pre_key_store,
            &mut bob.kyber_pre_key_store,
            &mut rng,
        )
        .await
        .unwrap()
    })
}

fn staged(seed: u64, one_time_prekey: bool) -> usize {
    let t = engine::run(RunOptions {
        seed,
        one_time_prekey,
    })
    .unwrap();
    assert!(t.truth_check_passed());
    t.steps.len()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    for one_time_prekey in [false, true] {
        // Warm up caches and lazy statics.
        for seed in 0..20 {
            black_box(bare(seed, one_time_prekey));
            black_box(staged(seed, one_time_prekey));
        }
        let (mut bare_times, mut staged_times) = (Vec::new(), Vec::new());
        for seed in 0..SAMPLES as u64 {
            let start = Instant::now();
            black_box(bare(seed, one_time_prekey));
            bare_times.push(start.elapsed());
            let start = Instant::now();
            black_box(staged(seed, one_time_prekey));
            staged_times.push(start.elapsed());
        }
        let (b, s) = (median(bare_times), median(staged_times));
        let ratio = s.as_secs_f64() / b.as_secs_f64();
        println!(
            "one-time prekey {:<3}: bare libsignal handshake {:>8.3} ms, staged run {:>8.3} ms \
             (medians of {SAMPLES}); staged / bare = {ratio:.2} (target ≤ 2.50) {}",
            if one_time_prekey { "on" } else { "off" },
            b.as_secs_f64() * 1e3,
            s.as_secs_f64() * 1e3,
            if ratio <= 2.5 { "ok" } else { "OVER TARGET" }
        );
    }
}
