//! What reaches the server: every byte explained, no secret among them, and
//! a tampered bundle refused.

use pqxdh_lab::engine::{
    self, BundleError, KYBER_SK_SECRET_PARTS, RunOptions, Secret, ServerBundle, fetch_and_verify,
    scan_wire,
};
use pqxdh_lab::transcript::{Field, Transcript, WireObject};

fn run(seed: u64, one_time_prekey: bool) -> Transcript {
    engine::run(RunOptions {
        seed,
        one_time_prekey,
    })
    .unwrap()
}

fn leaves(fields: &[Field]) -> Vec<&Field> {
    fields.iter().flat_map(|f| f.leaves()).collect()
}

/// Leaves must tile the object: start at 0, no gap, no overlap, end at its length.
fn assert_every_byte_explained(object: &WireObject) {
    let mut next = 0;
    for leaf in leaves(&object.fields) {
        assert_eq!(
            leaf.offset, next,
            "{}: byte {next} is not explained (next field {} at {})",
            object.name, leaf.label, leaf.offset
        );
        assert!(leaf.len > 0, "{}: empty field {}", object.name, leaf.label);
        assert!(
            !leaf.note.is_empty(),
            "{}: field {} has no note",
            object.name,
            leaf.label
        );
        next += leaf.len;
    }
    assert_eq!(
        next,
        object.bytes.len(),
        "{}: trailing bytes unexplained",
        object.name
    );
    // Each parent covers exactly its children.
    fn check_parent(f: &Field) {
        if let (Some(first), Some(last)) = (f.children.first(), f.children.last()) {
            assert_eq!(first.offset, f.offset, "{}", f.label);
            assert_eq!(last.offset + last.len, f.offset + f.len, "{}", f.label);
            f.children.iter().for_each(check_parent);
        }
    }
    object.fields.iter().for_each(check_parent);
}

#[test]
fn every_byte_of_the_bundle_and_first_message_is_explained() {
    for seed in [1, 2, 77, 1000] {
        for otp in [false, true] {
            let t = run(seed, otp);
            for object in &t.wire {
                assert_every_byte_explained(object);
            }
        }
    }
}

#[test]
fn the_dissection_names_the_transcript_values_it_contains() {
    let t = run(4, true);
    let named = |object: &str| -> Vec<String> {
        leaves(&t.wire_object(object).unwrap().fields)
            .iter()
            .filter_map(|f| f.value.clone())
            .collect()
    };
    assert_eq!(named("prekey_message"), ["EK_A", "IK_A", "CT"]);
    assert_eq!(
        named("bundle"),
        [
            "IK_B",
            "SPK_B",
            "SPK_B.sig",
            "PQSPK_B",
            "PQSPK_B.sig",
            "OPK_B"
        ]
    );
    // And the named bytes are those values, at the offsets the dissection gives.
    for object in &t.wire {
        for leaf in leaves(&object.fields) {
            if let Some(name) = &leaf.value {
                assert_eq!(
                    &object.bytes[leaf.offset..leaf.offset + leaf.len],
                    &t.value(name).unwrap().bytes[..]
                );
            }
        }
    }
}

#[test]
fn the_kyber_ciphertext_length_prefix_is_a1_0c() {
    let t = run(1, false);
    let message = &t.wire_object("prekey_message").unwrap().bytes;
    let ct = &t.value("CT").unwrap().bytes;
    let at = message.len() - ct.len();
    assert_eq!(&message[at - 3..at], &[0x42, 0xa1, 0x0c]);
}

#[test]
fn no_secret_is_copied_onto_the_wire() {
    for seed in [1, 2, 3, 500] {
        for otp in [false, true] {
            let t = run(seed, otp);
            let s = &t.wire_scan;
            assert!(s.clean(), "seed {seed}: {:?}", s.findings);
            // Every secret value is looked for; Bob's copies have the same
            // bytes as Alice's and count once.
            for v in t.values.iter().filter(|v| v.kind.is_secret()) {
                assert!(s.scanned.contains(&v.name), "{} not scanned", v.name);
            }
            // So are the first message's keys and its plaintext, which are
            // no transcript values.
            for extra in [
                "Alice's first ratchet private key",
                "the first message's cipher key",
                "the first message's MAC key",
                "the first message's IV",
                "the first message's plaintext",
            ] {
                assert!(s.scanned.iter().any(|n| n == extra), "{extra} not scanned");
            }
            assert_eq!(s.secrets_checked, s.scanned.len());
            let wire_len: usize = t.wire.iter().map(|w| w.bytes.len()).sum();
            assert_eq!(s.bytes_searched, wire_len);
            assert!(s.windows_checked > 1900);
        }
    }
}

#[test]
fn the_wire_scan_finds_a_planted_secret() {
    let t = run(6, true);
    for planted in [
        "SS",
        "DH2",
        "root_key",
        "IK_B.priv",
        "EK_A.priv",
        "PQSPK_B.priv",
    ] {
        let secret = &t.value(planted).unwrap().bytes;
        let mut wire = t.wire.clone();
        // Only 20 bytes of the secret leak, in the middle of the message.
        let part = &secret[6..26];
        wire[1].bytes.splice(100..100, part.iter().copied());
        let scan = scan_wire(
            Secret::from_values(t.values.iter().chain(&t.bob_values)),
            &wire,
        );
        assert!(
            scan.findings.iter().any(|f| f.starts_with(planted)),
            "{planted} not found: {:?}",
            scan.findings
        );
    }
}

#[test]
fn the_kyber_secret_key_embeds_the_public_key_which_the_scan_skips() {
    let t = run(8, false);
    let sk = &t.value("PQSPK_B.priv").unwrap().bytes;
    let pk = &t.value("PQSPK_B").unwrap().bytes;
    // s (1536) ‖ pk (1568) ‖ H(pk) (32) ‖ z (32), after the 0x08 type byte.
    assert_eq!(
        &sk[KYBER_SK_SECRET_PARTS[0].end..KYBER_SK_SECRET_PARTS[0].end + 1568],
        &pk[1..]
    );
    assert_eq!(KYBER_SK_SECRET_PARTS[1].end, sk.len());
}

#[test]
fn a_tampered_bundle_is_refused() {
    let t = run(12, true);
    let bytes = &t.wire_object("bundle").unwrap().bytes;
    assert!(fetch_and_verify(bytes).is_ok());

    // Flip one bit in each signed key and in each signature.
    for name in ["SPK_B", "SPK_B.sig", "PQSPK_B", "PQSPK_B.sig"] {
        let leaf = leaves(&t.wire_object("bundle").unwrap().fields)
            .into_iter()
            .find(|f| f.value.as_deref() == Some(name))
            .unwrap()
            .clone();
        let mut tampered = bytes.clone();
        tampered[leaf.offset + leaf.len - 1] ^= 0x01;
        let Err(err) = fetch_and_verify(&tampered) else {
            panic!("{name}: a tampered bundle was accepted");
        };
        assert!(
            matches!(err, BundleError::BadSignature(_)),
            "{name}: unexpected {err}"
        );
    }

    // A server that swaps in a curve key where the Kyber key belongs is caught
    // by the type byte before any signature is checked.
    let mut swapped = ServerBundle::decode(bytes).unwrap();
    swapped.kyber_pre_key = swapped.signed_pre_key.clone();
    swapped.kyber_pre_key_signature = swapped.signed_pre_key_signature.clone();
    let Err(err) = fetch_and_verify(&swapped.encode()) else {
        panic!("a curve key in the Kyber slot was accepted");
    };
    assert!(
        matches!(
            err,
            BundleError::BadKey {
                field: "kyber_pre_key",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn a_truncated_bundle_is_an_error_not_a_panic() {
    let t = run(13, false);
    let bytes = &t.wire_object("bundle").unwrap().bytes;
    for cut in [0, 1, 5, 40, 200, bytes.len() - 1] {
        assert!(fetch_and_verify(&bytes[..cut]).is_err(), "cut at {cut}");
    }
}

#[test]
fn the_bundle_round_trips() {
    let t = run(14, true);
    let bytes = &t.wire_object("bundle").unwrap().bytes;
    assert_eq!(&ServerBundle::decode(bytes).unwrap().encode(), bytes);
}
