//! Every run must agree with libsignal's own sessions, for many seeds, with
//! and without a one-time prekey.

use pqxdh_lab::engine::{self, RunOptions};

fn runs() -> impl Iterator<Item = RunOptions> {
    (0..20u64).flat_map(|seed| {
        [false, true].map(|one_time_prekey| RunOptions {
            seed: seed * 7919 + 1,
            one_time_prekey,
        })
    })
}

#[test]
fn libsignal_agrees_with_every_staged_value() {
    for options in runs() {
        let t = engine::run(options).expect("the run completes");
        let failed: Vec<_> = t.checks.iter().filter(|c| !c.passed).collect();
        assert!(failed.is_empty(), "{options:?}: failed checks {failed:#?}");
        assert!(t.truth_check_passed());
        assert_eq!(t.bob_plaintext, t.plaintext, "{options:?}");
    }
}

#[test]
fn the_checks_cover_every_derived_key_and_libsignal_state() {
    let t = engine::run(RunOptions {
        seed: 5,
        one_time_prekey: true,
    })
    .unwrap();
    let names: Vec<&str> = t.checks.iter().map(|c| c.name.as_str()).collect();
    for expected in [
        "EK_A is libsignal's base key",
        "CT is libsignal's Kyber ciphertext",
        "chain_key is libsignal's chain key",
        "root_key leads to libsignal's root and sending chain",
        "pqr_key seeds libsignal's post-quantum ratchet",
        "Bob's session has EK_A as base key",
        "root_key leads to Bob's receiving chain",
        "the first message decrypts",
        "OPK_B is deleted after use",
        "Bob's DH4 equals Alice's",
        "Bob's SS equals Alice's",
        "Bob's pqr_key equals Alice's",
    ] {
        assert!(names.contains(&expected), "missing check {expected:?}");
    }
}

#[test]
fn dh4_is_there_exactly_when_a_one_time_prekey_is() {
    for one_time_prekey in [false, true] {
        let t = engine::run(RunOptions {
            seed: 11,
            one_time_prekey,
        })
        .unwrap();
        assert_eq!(t.value("DH4").is_some(), one_time_prekey);
        assert_eq!(t.bob_value("DH4").is_some(), one_time_prekey);
        assert_eq!(t.value("OPK_B").is_some(), one_time_prekey);
        let expected_len = 32 * if one_time_prekey { 6 } else { 5 };
        assert_eq!(t.value("secret_input").unwrap().bytes.len(), expected_len);
    }
}

#[test]
fn the_one_time_prekey_toggle_changes_only_what_depends_on_it() {
    let without = engine::run(RunOptions {
        seed: 3,
        one_time_prekey: false,
    })
    .unwrap();
    let with = engine::run(RunOptions {
        seed: 3,
        one_time_prekey: true,
    })
    .unwrap();
    for same in [
        "IK_A", "IK_B", "SPK_B", "PQSPK_B", "EK_A", "DH1", "DH2", "DH3", "CT", "SS",
    ] {
        assert_eq!(
            without.value(same).unwrap().bytes,
            with.value(same).unwrap().bytes,
            "{same} should not change"
        );
    }
    for different in ["root_key", "chain_key", "pqr_key", "prekey_message"] {
        assert_ne!(
            without.value(different).unwrap().bytes,
            with.value(different).unwrap().bytes,
            "{different} should change"
        );
    }
}

#[test]
fn seeds_reproduce_and_differ() {
    let a = engine::run(RunOptions {
        seed: 42,
        one_time_prekey: false,
    })
    .unwrap();
    let b = engine::run(RunOptions {
        seed: 42,
        one_time_prekey: false,
    })
    .unwrap();
    let c = engine::run(RunOptions {
        seed: 43,
        one_time_prekey: false,
    })
    .unwrap();
    assert_eq!(a, b);
    assert_ne!(
        a.value("IK_A").unwrap().bytes,
        c.value("IK_A").unwrap().bytes
    );
}

#[test]
fn key_encodings_are_libsignals() {
    let t = engine::run(RunOptions {
        seed: 9,
        one_time_prekey: true,
    })
    .unwrap();
    for curve in ["IK_A", "IK_B", "SPK_B", "OPK_B", "EK_A"] {
        let v = &t.value(curve).unwrap().bytes;
        assert_eq!((v.len(), v[0]), (33, 0x05), "{curve}");
    }
    for private in [
        "IK_A.priv",
        "IK_B.priv",
        "SPK_B.priv",
        "OPK_B.priv",
        "EK_A.priv",
    ] {
        assert_eq!(t.value(private).unwrap().bytes.len(), 32, "{private}");
    }
    let kyber = |n: &str| t.value(n).unwrap().bytes.clone();
    assert_eq!((kyber("PQSPK_B").len(), kyber("PQSPK_B")[0]), (1569, 0x08));
    assert_eq!(
        (kyber("PQSPK_B.priv").len(), kyber("PQSPK_B.priv")[0]),
        (3169, 0x08)
    );
    assert_eq!((kyber("CT").len(), kyber("CT")[0]), (1569, 0x08));
    assert_eq!(kyber("SS").len(), 32);
    assert_eq!(kyber("SPK_B.sig").len(), 64);
    assert_eq!(kyber("PQSPK_B.sig").len(), 64);
    assert_eq!(
        kyber("AD"),
        [kyber("IK_A"), kyber("IK_B")].concat(),
        "AD = EncodeEC(IK_A) ‖ EncodeEC(IK_B)"
    );
    let message = kyber("prekey_message");
    assert_eq!(
        message[0], 0x44,
        "version byte of a PQXDH PreKeySignalMessage"
    );
}
