//! The attack labs: each outcome is asserted from the run, and for each lab
//! the defence it is about is switched off (or, for key-compromise
//! impersonation, the one mitigation switched on) to see the outcome change:
//! the verdicts are computed, not hard-wired.

use libsignal_protocol::SignalProtocolError;
use pqxdh_lab::engine::RunOptions;
use pqxdh_lab::labs::{
    self, Lab, forged_kyber_prekey, forged_signed_prekey, harvest_now_decrypt_later, kdf_mistakes,
    key_compromise_impersonation, mitm_new_identity, replay, stolen_device_later,
    tampered_ciphertext,
};
use pqxdh_lab::transcript::{LabDetails, LabRecord, LabStep, StepId, Transcript, Verdict};

const SEED: u64 = 7;

fn options(one_time_prekey: bool) -> RunOptions {
    RunOptions {
        seed: SEED,
        one_time_prekey,
    }
}

fn record(t: &Transcript) -> &LabRecord {
    t.lab
        .as_ref()
        .expect("a lab's transcript has its lab record")
}

fn bytes<'a>(t: &'a Transcript, name: &str) -> &'a [u8] {
    &t.value(name)
        .unwrap_or_else(|| panic!("the lab has no value {name}"))
        .bytes
}

fn result_of(t: &Transcript, step: LabStep) -> String {
    record(t)
        .results_of(step)
        .map(|r| r.text.clone())
        .collect::<Vec<_>>()
        .join(" ")
}

/// libsignal's own words for an error, so no message is typed by hand.
fn says(e: SignalProtocolError) -> String {
    e.to_string()
}

#[test]
fn every_lab_computes_the_verdict_its_chapter_states_and_its_checks_pass() {
    for one_time_prekey in [false, true] {
        for lab in Lab::ALL {
            let t = labs::run(lab, options(one_time_prekey)).unwrap();
            let r = record(&t);
            let expected = match lab {
                Lab::ForgedSignedPrekey
                | Lab::ForgedKyberPrekey
                | Lab::TamperedCiphertext
                | Lab::Replay
                | Lab::KdfMistakes => Verdict::Refused,
                Lab::MitmNewIdentity => Verdict::Detected,
                Lab::HarvestNowDecryptLater => Verdict::AttackerFails,
                Lab::StolenDeviceLater if one_time_prekey => Verdict::AttackerFails,
                Lab::StolenDeviceLater => Verdict::AttackerSucceeds,
                Lab::KeyCompromiseImpersonation => Verdict::AttackerSucceeds,
            };
            assert_eq!(r.lab, lab);
            assert_eq!(
                r.verdict, expected,
                "{lab} (one-time prekey {one_time_prekey})"
            );
            for c in &r.checks {
                assert!(c.passed, "{lab}: check failed: {} ({})", c.name, c.detail);
            }
            assert!(
                t.truth_check_passed(),
                "{lab}: the normal run's truth check"
            );
            assert!(!r.summary.is_empty());
        }
    }
}

#[test]
fn each_lab_step_belongs_to_its_lab_has_a_result_and_every_step_is_reached() {
    let mut reached = std::collections::HashSet::new();
    for one_time_prekey in [false, true] {
        for lab in Lab::ALL {
            let t = labs::run(lab, options(one_time_prekey)).unwrap();
            let r = record(&t);
            let mut seen_lab_step = false;
            for step in &t.steps {
                match step.id {
                    StepId::Lab(id) => {
                        seen_lab_step = true;
                        assert_eq!(id.lab(), lab, "{id:?}");
                        assert!(r.results_of(id).next().is_some(), "{id:?} has no result");
                        reached.insert(id);
                    }
                    StepId::Handshake(_) => {
                        // The normal run's steps come first, all of them.
                        assert!(!seen_lab_step, "{lab}: a normal step after a lab step");
                    }
                }
            }
            // Every value a step names is in the transcript, made by that step
            // (Bob's own copies of shared values are kept apart, as in the normal run).
            for step in &t.steps {
                let bobs = step.actor == pqxdh_lab::transcript::Actor::Bob;
                for name in &step.values {
                    let v = (if bobs { t.bob_value(name) } else { None })
                        .or_else(|| t.value(name))
                        .unwrap_or_else(|| panic!("{lab}: {name} is not recorded"));
                    assert_eq!(v.step, step.id, "{lab}: {name}");
                }
            }
        }
    }
    for step in LabStep::ALL {
        assert!(reached.contains(&step), "no lab reaches {step:?}");
    }
}

#[test]
fn a_labs_deletions_are_the_normal_runs_for_the_steps_it_keeps() {
    for lab in Lab::ALL {
        let t = labs::run(lab, options(true)).unwrap();
        let normal = pqxdh_lab::engine::run(options(true)).unwrap();
        for d in &t.deletions {
            assert!(
                t.step_index(d.step).is_some(),
                "{lab}: {d:?} at a step it lacks"
            );
            assert!(normal.deletions.contains(d), "{lab}: {d:?}");
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_lab_byte_for_byte() {
    for lab in Lab::ALL {
        let a = labs::run(lab, options(true)).unwrap();
        let b = labs::run(lab, options(true)).unwrap();
        assert_eq!(a, b, "{lab}");
    }
}

#[test]
fn a_lab_starts_from_the_normal_runs_bytes() {
    let normal = pqxdh_lab::engine::run(options(false)).unwrap();
    let t = labs::run(Lab::ForgedSignedPrekey, options(false)).unwrap();
    for name in ["IK_B", "SPK_B", "PQSPK_B", "IK_A", "bundle"] {
        assert_eq!(bytes(&t, name), bytes(&normal, name), "{name}");
    }
}

// forged-signed-prekey

#[test]
fn forged_signed_prekey_is_refused_with_libsignals_error() {
    let t = forged_signed_prekey::run(options(false)).unwrap();
    let LabDetails::ForgedPrekey {
        libsignal_error,
        server_learns,
        server_derives_key,
    } = &record(&t).details
    else {
        panic!("not the forged-prekey details")
    };
    assert_eq!(
        libsignal_error.as_deref(),
        Some(says(SignalProtocolError::SignatureValidationFailed).as_str())
    );
    assert_eq!(server_learns, &["DH1", "DH3"]);
    assert!(!server_derives_key);
    assert_ne!(bytes(&t, "SPK_M"), bytes(&t, "SPK_B"));
}

#[test]
fn without_the_signature_check_alice_completes_and_the_server_holds_dh1_and_dh3() {
    for one_time_prekey in [false, true] {
        let t = forged_signed_prekey::run_with(
            options(one_time_prekey),
            forged_signed_prekey::AliceChecks::No,
        )
        .unwrap();
        let r = record(&t);
        // Nothing refused: the lab now ends with what the server could do.
        assert_eq!(r.verdict, Verdict::AttackerFails);
        assert!(matches!(
            r.details,
            LabDetails::ForgedPrekey {
                libsignal_error: None,
                server_derives_key: false,
                ..
            }
        ));
        // Alice's libsignal session really is built on these DH values.
        assert!(r.checks.iter().all(|c| c.passed));
        assert_eq!(bytes(&t, "attacker.DH1"), bytes(&t, "DH1"));
        assert_eq!(bytes(&t, "attacker.DH3"), bytes(&t, "DH3"));
        assert_ne!(bytes(&t, "attacker.chain_key"), bytes(&t, "chain_key"));
        assert!(t.value("attacker.DH2").is_none(), "the server has no DH2");
    }
}

// forged-kyber-prekey

#[test]
fn forged_kyber_prekey_is_refused_and_without_the_check_the_server_has_ss_only() {
    let t = forged_kyber_prekey::run(options(false)).unwrap();
    assert!(
        result_of(&t, LabStep::AliceChecksKyberPrekey)
            .contains(&says(SignalProtocolError::SignatureValidationFailed))
    );

    let off =
        forged_kyber_prekey::run_with(options(true), forged_kyber_prekey::AliceChecks::No).unwrap();
    let r = record(&off);
    assert_eq!(r.verdict, Verdict::AttackerFails);
    assert_eq!(bytes(&off, "attacker.SS"), bytes(&off, "SS"));
    assert_ne!(bytes(&off, "attacker.chain_key"), bytes(&off, "chain_key"));
    assert!(matches!(
        &r.details,
        LabDetails::ForgedPrekey { server_learns, server_derives_key: false, .. }
            if server_learns == &["SS"]
    ));
}

// mitm-new-identity

#[test]
fn the_server_in_the_middle_reads_everything_and_the_safety_numbers_differ() {
    let t = mitm_new_identity::run(options(false)).unwrap();
    let r = record(&t);
    let LabDetails::MitmNewIdentity {
        safety_number_alice,
        safety_number_bob,
        safety_number_ids,
        server_reads_first_message,
        bob_reads_relayed_message,
        ..
    } = &r.details
    else {
        panic!("not the MITM details")
    };
    assert!(*server_reads_first_message && *bob_reads_relayed_message);
    assert_eq!(safety_number_alice.len(), 60);
    assert_eq!(safety_number_bob.len(), 60);
    assert!(safety_number_alice.bytes().all(|b| b.is_ascii_digit()));
    assert_ne!(safety_number_alice, safety_number_bob);
    assert_eq!(safety_number_ids.iterations, 5200);
    assert_eq!(safety_number_ids.version, 2);
    assert_eq!(t.value("IK_M").unwrap().bytes.len(), 33);
    // Each phone keeps the half computed from its own key: Alice's own 30
    // digits are in her number, Bob's own in his, and a genuine pair of
    // numbers (a check in the lab) would be equal.
    let honest = mitm_new_identity::safety_number(
        &[1; 16],
        &libsignal_protocol::IdentityKey::decode(bytes(&t, "IK_A")).unwrap(),
        &[2; 16],
        &libsignal_protocol::IdentityKey::decode(bytes(&t, "IK_B")).unwrap(),
    )
    .unwrap();
    let honest_bob = mitm_new_identity::safety_number(
        &[2; 16],
        &libsignal_protocol::IdentityKey::decode(bytes(&t, "IK_B")).unwrap(),
        &[1; 16],
        &libsignal_protocol::IdentityKey::decode(bytes(&t, "IK_A")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        honest, honest_bob,
        "the same number on both phones without a MITM"
    );
}

#[test]
fn without_comparing_safety_numbers_the_man_in_the_middle_goes_unnoticed() {
    let t = mitm_new_identity::run_with(options(false), mitm_new_identity::Comparison::Skipped)
        .unwrap();
    assert_eq!(record(&t).verdict, Verdict::AttackerSucceeds);
}

#[test]
fn libsignals_fingerprint_test_vector_gives_the_documented_number() {
    // libsignal's own vector (fingerprint.rs tests, version 1, 5200 iterations).
    let alice = libsignal_protocol::IdentityKey::decode(
        &hex::decode("0506863bc66d02b40d27b8d49ca7c09e9239236f9d7d25d6fcca5ce13c7064d868").unwrap(),
    )
    .unwrap();
    let bob = libsignal_protocol::IdentityKey::decode(
        &hex::decode("05f781b6fb32fed9ba1cf2de978d4d5da28dc34046ae814402b5c0dbd96fda907b").unwrap(),
    )
    .unwrap();
    let number = libsignal_protocol::Fingerprint::new(
        1,
        5200,
        b"+14152222222",
        &alice,
        b"+14153333333",
        &bob,
    )
    .unwrap()
    .display_string()
    .unwrap();
    assert_eq!(
        number,
        "300354477692869396892869876765458257569162576843440918079131"
    );
    // The version only goes into the QR form: version 2 shows the same digits.
    let v2 =
        mitm_new_identity::safety_number(b"+14152222222", &alice, b"+14153333333", &bob).unwrap();
    assert_eq!(v2, number);
}

// tampered-ciphertext

#[test]
fn a_flipped_ciphertext_bit_gives_bob_another_ss_and_libsignal_refuses() {
    let t = tampered_ciphertext::run(options(false)).unwrap();
    let r = record(&t);
    let LabDetails::TamperedCiphertext {
        byte,
        ss_differs,
        libsignal_error,
        type_byte_error,
        ..
    } = &r.details
    else {
        panic!("not the tampered-ciphertext details")
    };
    assert!(*byte >= 1, "the type byte is not the one flipped");
    assert!(ss_differs);
    assert_ne!(bytes(&t, "SS_bob"), bytes(&t, "SS"));
    assert_ne!(bytes(&t, "root_key_bob"), bytes(&t, "root_key"));
    assert_eq!(bytes(&t, "CT_tampered").len(), bytes(&t, "CT").len());
    assert_eq!(
        libsignal_error.as_deref(),
        Some(
            says(SignalProtocolError::InvalidMessage(
                libsignal_protocol::CiphertextMessageType::PreKey,
                "decryption failed"
            ))
            .as_str()
        )
    );
    assert_eq!(
        type_byte_error.as_deref(),
        Some(says(SignalProtocolError::BadKEMKeyType(0x09)).as_str())
    );
}

#[test]
fn with_ss_out_of_the_kdf_the_flipped_bit_goes_unnoticed() {
    let t =
        tampered_ciphertext::run_with(options(false), tampered_ciphertext::SsInKdf::No).unwrap();
    let r = record(&t);
    assert_eq!(r.verdict, Verdict::AttackerSucceeds);
    assert!(matches!(
        r.details,
        LabDetails::TamperedCiphertext {
            libsignal_error: None,
            ..
        }
    ));
    // Bob's SS is still different; it just no longer matters.
    assert_ne!(bytes(&t, "SS_bob"), bytes(&t, "SS"));
}

// harvest-now-decrypt-later

#[test]
fn the_harvester_gets_every_dh_value_but_not_the_pqxdh_message_and_all_of_x3dh() {
    for one_time_prekey in [false, true] {
        let t = harvest_now_decrypt_later::run(options(one_time_prekey)).unwrap();
        let dhs = if one_time_prekey { 4 } else { 3 };
        for i in 1..=dhs {
            assert_eq!(
                bytes(&t, &format!("attacker.DH{i}")),
                bytes(&t, &format!("DH{i}")),
                "DH{i}"
            );
        }
        assert_ne!(bytes(&t, "attacker.root_key"), bytes(&t, "root_key"));
        // The same attacker code without Kyber: X3DH's keys, and the text.
        assert!(matches!(
            record(&t).details,
            LabDetails::HarvestNowDecryptLater {
                pqxdh_attacker_decrypts: false,
                x3dh_attacker_decrypts: true,
            }
        ));
        assert!(
            result_of(&t, LabStep::X3dhRun).contains(&says(SignalProtocolError::InvalidMessage(
                libsignal_protocol::CiphertextMessageType::PreKey,
                "X3DH no longer supported"
            ))),
            "libsignal 0.85 itself no longer accepts X3DH"
        );
    }
}

// stolen-device-later

#[test]
fn the_thief_reads_the_recording_unless_a_used_one_time_prekey_was_deleted() {
    let without = stolen_device_later::run(options(false)).unwrap();
    assert!(matches!(
        record(&without).details,
        LabDetails::StolenDeviceLater {
            one_time_prekey_deleted: None,
            thief_decrypts: true,
            ..
        }
    ));
    let with = stolen_device_later::run(options(true)).unwrap();
    let LabDetails::StolenDeviceLater {
        one_time_prekey_deleted,
        thief_decrypts,
        thief_error,
    } = &record(&with).details
    else {
        panic!("not the stolen-device details")
    };
    assert_eq!(*one_time_prekey_deleted, Some(true));
    assert!(!thief_decrypts);
    assert_eq!(
        thief_error.as_deref(),
        Some(says(SignalProtocolError::InvalidPreKeyId).as_str())
    );
    assert!(with.value("thief.OPK_B.priv").is_none());
    assert!(with.value("thief.DH4").is_none());
}

#[test]
fn a_phone_that_keeps_used_one_time_prekeys_gives_the_thief_dh4() {
    let t =
        stolen_device_later::run_with(options(true), stolen_device_later::OneTimeDeletion::Keeps)
            .unwrap();
    assert_eq!(record(&t).verdict, Verdict::AttackerSucceeds);
    assert_eq!(bytes(&t, "thief.DH4"), bytes(&t, "DH4"));
    assert_eq!(bytes(&t, "thief.root_key"), bytes(&t, "root_key"));
    // This phone does not delete OPK_B, and the lab's record says so.
    use pqxdh_lab::transcript::Actor;
    assert!(t.deletion("OPK_B.priv", Actor::Bob).is_none());
    let deleting = stolen_device_later::run(options(true)).unwrap();
    assert!(deleting.deletion("OPK_B.priv", Actor::Bob).is_some());
}

// replay

#[test]
fn a_replay_is_refused_by_the_session_then_by_the_kyber_stores_memory() {
    let t = replay::run(options(false)).unwrap();
    let LabDetails::Replay { deliveries } = &record(&t).details else {
        panic!("not the replay details")
    };
    let refused_by: Vec<Option<&str>> = deliveries.iter().map(|d| d.refused_by).collect();
    assert_eq!(
        refused_by,
        [Some("session"), Some("base_key_memory"), None],
        "{deliveries:?}"
    );
    assert_eq!(
        deliveries[0].error.as_deref(),
        Some(says(SignalProtocolError::DuplicatedMessage(1, 0)).as_str())
    );
    assert!(
        deliveries[2].accepted,
        "a store without the memory accepts it"
    );

    let with = replay::run(options(true)).unwrap();
    let LabDetails::Replay { deliveries } = &record(&with).details else {
        panic!("not the replay details")
    };
    let refused_by: Vec<Option<&str>> = deliveries.iter().map(|d| d.refused_by).collect();
    assert_eq!(
        refused_by,
        [
            Some("session"),
            Some("one_time_prekey_gone"),
            Some("one_time_prekey_gone")
        ]
    );
}

#[test]
fn without_the_kyber_stores_memory_the_replay_is_accepted() {
    let t = replay::run_with(options(false), replay::BaseKeyMemory::None).unwrap();
    assert_eq!(record(&t).verdict, Verdict::AttackerSucceeds);
    // With a one-time prekey, its deletion still refuses it.
    let t = replay::run_with(options(true), replay::BaseKeyMemory::None).unwrap();
    assert_eq!(record(&t).verdict, Verdict::Refused);
}

// kdf-mistakes

#[test]
fn every_kdf_mistake_changes_the_keys_and_is_refused_and_no_mistake_is_accepted() {
    let t = kdf_mistakes::run(options(true)).unwrap();
    let LabDetails::KdfMistakes {
        mistakes,
        control_accepted,
    } = &record(&t).details
    else {
        panic!("not the KDF details")
    };
    let names: Vec<&str> = mistakes.iter().map(|m| m.mistake).collect();
    assert_eq!(
        names,
        ["info_label", "no_prefix", "dh1_dh2_swapped", "ss_left_out"]
    );
    for m in mistakes {
        assert!(m.first_difference.is_some(), "{}", m.mistake);
        assert_ne!(m.root_key, bytes(&t, "root_key"), "{}", m.mistake);
        assert!(!m.libsignal_accepts, "{}", m.mistake);
    }
    // The mistake switched off: the same code gives libsignal's keys, and
    // the same builder's message is accepted.
    assert!(control_accepted);
    let dhs = [
        bytes(&t, "DH1"),
        bytes(&t, "DH2"),
        bytes(&t, "DH3"),
        bytes(&t, "DH4"),
    ];
    let (ikm, info) = kdf_mistakes::input_with(None, &dhs, bytes(&t, "SS"));
    assert_eq!(ikm, bytes(&t, "secret_input"));
    assert_eq!(kdf_mistakes::derive(info, &ikm).0, bytes(&t, "root_key"));
}

// key-compromise-impersonation

#[test]
fn spk_b_priv_impersonates_alice_and_ik_b_priv_alone_does_not() {
    let t = key_compromise_impersonation::run(options(false)).unwrap();
    assert!(matches!(
        record(&t).details,
        LabDetails::KeyCompromiseImpersonation {
            signed_prekey_forgery_accepted: true,
            identity_key_forgery_accepted: false,
            ..
        }
    ));
    assert!(
        result_of(&t, LabStep::BobAcceptsForgery)
            .contains(key_compromise_impersonation::FORGED_TEXT)
    );
    // DH1 from SPK_B's end is Alice's DH1 for the forger's own key: it is
    // the value that is meant to prove IK_A.
    assert_eq!(bytes(&t, "attacker.DH1").len(), 32);
}

#[test]
fn once_bob_has_replaced_spk_b_the_stolen_key_forges_nothing() {
    let t = key_compromise_impersonation::run_with(
        options(false),
        key_compromise_impersonation::Rotation::Rotated,
    )
    .unwrap();
    let r = record(&t);
    assert_eq!(r.verdict, Verdict::Refused);
    assert!(matches!(
        &r.details,
        LabDetails::KeyCompromiseImpersonation {
            signed_prekey_forgery_accepted: false,
            signed_prekey_forgery_error: Some(e),
            ..
        } if *e == says(SignalProtocolError::InvalidSignedPreKeyId)
    ));
}

// The views

#[test]
fn every_lab_renders_as_text_and_as_json_with_its_outcome() {
    use pqxdh_lab::views::{json, plain};
    for lab in Lab::ALL {
        let t = labs::run(lab, options(false)).unwrap();
        let r = record(&t);
        let text = plain::render(&t, plain::Hex::Short);
        assert!(text.starts_with(&format!("Attack lab: {lab}")), "{lab}");
        assert!(text.contains("OUTCOME: "), "{lab}");
        for result in &r.results {
            // Every result reaches the text (wrapped: compare its first word run).
            let first: String = result
                .text
                .split_whitespace()
                .take(4)
                .collect::<Vec<_>>()
                .join(" ");
            assert!(text.contains(&first), "{lab}: {first}");
        }
        let doc: serde_json::Value = serde_json::from_str(&json::render(&t)).unwrap();
        assert_eq!(doc["lab"], lab.name());
        assert_eq!(doc["outcome"]["verdict"], r.verdict.as_str());
        assert!(doc["values"].is_object() && doc["value_info"].is_object());
        assert_eq!(
            doc["checks"].as_array().unwrap().len(),
            r.checks.len(),
            "{lab}"
        );
    }
}

/// The control for the tampered-ciphertext lab, and the answer to its
/// exercise: a field of the first message that neither feeds the keys nor
/// sits under the MAC can be changed, and Bob's libsignal still accepts it.
#[test]
fn a_changed_registration_id_goes_through_because_nothing_binds_it() {
    use libsignal_protocol::{KyberPayload, PreKeySignalMessage};
    use pqxdh_lab::engine::keys::BobKeys;
    use pqxdh_lab::engine::{BOB_STREAM, FIRST_MESSAGE_TEXT, address, rng_stream};
    use pqxdh_lab::labs::stores::{Device, DeviceKeys};

    let t = pqxdh_lab::engine::run(options(false)).unwrap();
    let bob = BobKeys::generate(&mut rng_stream(SEED, BOB_STREAM), false).unwrap();
    let sent = PreKeySignalMessage::try_from(bytes(&t, "prekey_message")).unwrap();
    let changed = PreKeySignalMessage::new(
        sent.message_version(),
        sent.registration_id() ^ 1,
        sent.pre_key_id(),
        sent.signed_pre_key_id(),
        Some(KyberPayload::new(
            sent.kyber_pre_key_id().unwrap(),
            sent.kyber_ciphertext().unwrap().clone(),
        )),
        *sent.base_key(),
        *sent.identity_key(),
        sent.message().clone(),
    )
    .unwrap();
    assert_ne!(changed.serialized(), sent.serialized());
    let read = Device::new(DeviceKeys::of(&bob))
        .unwrap()
        .receive(
            &address("alice"),
            changed.serialized(),
            &mut rng_stream(SEED, 9),
        )
        .unwrap();
    assert_eq!(read, FIRST_MESSAGE_TEXT.as_bytes());
}
