//! The conversation after the handshake: every pattern's checks pass, message
//! 1 is the handshake's, the checks can fail, and the ledger's forward
//! secrecy and healing follow from the run (no test says when healing comes:
//! each asserts a relation the run must satisfy).

use pqxdh_lab::conversation::{
    self, Compromise, Conversation, ConversationError, ConversationOptions, Event, Party, Pattern,
    checks,
};
use pqxdh_lab::engine::{self, RunOptions};

fn run(pattern: Pattern, messages: usize, compromise: Option<Compromise>) -> Conversation {
    conversation::run(ConversationOptions {
        seed: 7,
        messages,
        pattern,
        compromise,
        ..ConversationOptions::default()
    })
    .unwrap_or_else(|e| panic!("{pattern} × {messages}, {compromise:?}: {e}"))
}

fn failed(c: &Conversation) -> Vec<String> {
    c.checks
        .iter()
        .filter(|ch| !ch.passed)
        .map(|ch| format!("{}: {}", ch.name, ch.detail))
        .collect()
}

#[test]
fn every_pattern_passes_every_check_at_several_lengths() {
    for pattern in Pattern::ALL {
        for messages in [pattern.min_messages(), 5, 13, 40] {
            let c = run(pattern, messages, None);
            assert_eq!(c.messages.len(), messages);
            assert!(
                c.checks_passed(),
                "{pattern} × {messages}: {:#?}",
                failed(&c)
            );
            for (i, m) in c.messages.iter().enumerate() {
                assert_eq!(m.index, i + 1);
                assert_eq!(m.libsignal.decrypted, m.plaintext);
            }
        }
    }
}

#[test]
fn message_1_is_the_transcripts_prekey_message() {
    for (seed, one_time_prekey) in [(7, false), (7, true), (2024, false)] {
        let t = engine::run(RunOptions {
            seed,
            one_time_prekey,
        })
        .unwrap();
        let c = conversation::run(ConversationOptions {
            seed,
            one_time_prekey,
            messages: 4,
            ..ConversationOptions::default()
        })
        .unwrap();
        let prekey_message = &t.wire_object("prekey_message").unwrap().bytes;
        assert_eq!(&c.messages[0].wire, prekey_message);
        assert_eq!(
            c.messages[0].kind,
            conversation::MessageKind::PreKeySignalMessage
        );
        assert!(c.checks_passed(), "{:#?}", failed(&c));
    }
}

#[test]
fn the_same_seed_gives_the_same_bytes() {
    let render = |seed| {
        pqxdh_lab::views::conversation_json::render(
            &conversation::run(ConversationOptions {
                seed,
                messages: 9,
                pattern: Pattern::Bursts,
                ..ConversationOptions::default()
            })
            .unwrap(),
        )
    };
    assert_eq!(render(3), render(3));
    assert_ne!(render(3), render(4));
}

#[test]
fn a_flipped_byte_in_a_recomputed_chain_key_fails_the_checks() {
    let c = run(Pattern::PingPong, 8, None);
    assert!(checks::verify(&c).iter().all(|ch| ch.passed));

    let mut tampered = c.clone();
    tampered.messages[4].chain_key[17] ^= 0x01;
    let results = checks::verify(&tampered);
    for name in [
        "chain keys equal libsignal's",
        "both sides derive the same message key seed",
        "every MAC verifies",
        "every ciphertext decrypts to what was sent",
    ] {
        let check = results.iter().find(|ch| ch.name == name).unwrap();
        assert!(!check.passed, "{name} passed with a wrong chain key");
        assert!(check.detail.contains("message 5"), "{}", check.detail);
    }
    // Only message 5 is wrong: the other checks still pass.
    let libsignal = results
        .iter()
        .find(|ch| ch.name == "libsignal decrypts every message to what was sent")
        .unwrap();
    assert!(libsignal.passed);
}

#[test]
fn the_text_view_shows_a_failed_check_loudly() {
    let mut c = run(Pattern::PingPong, 4, None);
    c.messages[1].chain_key[0] ^= 0x80;
    c.checks = checks::verify(&c);
    let text = pqxdh_lab::views::conversation_plain::render(&c);
    assert!(text.contains("CHECKS FAILED"), "{text}");
    assert!(text.contains("FAIL every MAC verifies"));
}

#[test]
fn the_json_has_the_documented_keys() {
    let c = run(
        Pattern::PingPong,
        4,
        Some(Compromise {
            at: 2,
            who: Party::Bob,
        }),
    );
    let json: serde_json::Value =
        serde_json::from_str(&pqxdh_lab::views::conversation_json::render(&c)).unwrap();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "seed", "pattern", "IK_A", "IK_B", "messages", "checks", "ledger"
        ]
    );
    let m: Vec<&str> = json["messages"][0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        m,
        [
            "index",
            "from",
            "type",
            "counter",
            "previous_counter",
            "ratchet_key",
            "dh_ratchet_step",
            "root_key",
            "chain_key",
            "message_key_seed",
            "cipher_key",
            "mac_key",
            "iv",
            "pq_key",
            "signal_message",
            "plaintext"
        ]
    );
    assert_eq!(json["messages"][0]["from"], "alice");
    assert_eq!(json["messages"][0]["pq_key"], serde_json::Value::Null);
    assert_eq!(
        json["messages"][0]["ratchet_key"].as_str().unwrap().len(),
        66
    );
    assert!(
        json["messages"][0]["ratchet_key"]
            .as_str()
            .unwrap()
            .starts_with("05")
    );
    assert_eq!(json["ledger"].as_array().unwrap().len(), 4);
    for key in ["index", "attacker_reads", "reason"] {
        assert!(
            json["ledger"][0].get(key).is_some(),
            "ledger entry lacks {key}"
        );
    }
    for key in ["name", "passed", "detail"] {
        assert!(json["checks"][0].get(key).is_some(), "check lacks {key}");
    }
}

#[test]
fn every_byte_of_every_message_is_explained_once() {
    for pattern in [Pattern::AliceOnly, Pattern::Late] {
        let c = run(pattern, 9, None);
        for m in &c.messages {
            let mut next = 0;
            for leaf in m.fields.iter().flat_map(|f| f.leaves()) {
                assert_eq!(
                    leaf.offset, next,
                    "{pattern} message {}: {}",
                    m.index, leaf.label
                );
                next += leaf.len;
            }
            assert_eq!(next, m.wire.len(), "{pattern} message {}", m.index);
        }
    }
}

#[test]
fn spqr_works_through_its_epochs_in_the_messages() {
    use pqxdh_lab::conversation::SpqrPayload;
    let c = run(Pattern::PingPong, 200, None);
    let payloads: Vec<SpqrPayload> = c
        .messages
        .iter()
        .filter_map(|m| m.spqr.message.map(|s| s.payload))
        .collect();
    for payload in [
        SpqrPayload::Header,
        SpqrPayload::EncapsulationKey,
        SpqrPayload::Ct1,
        SpqrPayload::Ct2,
    ] {
        assert!(
            payloads.contains(&payload),
            "no {payload:?} chunk in 200 messages"
        );
    }
    // Keys come from newer epochs as the Braid completes them.
    let newest = c
        .messages
        .iter()
        .filter_map(|m| m.spqr.message.map(|s| s.epoch - 1))
        .max()
        .unwrap();
    assert!(newest >= 2, "only epoch {newest} in 200 messages");
    let first = &c.messages[0].spqr;
    assert!(
        first.negotiation.contains("still negotiating"),
        "{}",
        first.negotiation
    );
    assert!(c.messages[1].spqr.negotiation.contains("negotiated: V1"));
}

#[test]
fn alices_first_flight_is_unsalted_and_bobs_reply_salts_everything_after() {
    let c = run(Pattern::Bursts, 12, None);
    let first_bob = c
        .messages
        .iter()
        .position(|m| m.from == Party::Bob)
        .unwrap();
    // Computed from the run: no SPQR key until Bob has replied, then always one.
    assert!(c.messages[..first_bob].iter().all(|m| m.pq_key.is_none()));
    assert!(c.messages[first_bob..].iter().all(|m| m.pq_key.is_some()));
    let one_way = run(Pattern::AliceOnly, 13, None);
    assert!(one_way.messages.iter().all(|m| m.pq_key.is_none()));
}

#[test]
fn bad_options_are_refused_with_a_clear_error() {
    let base = ConversationOptions::default();
    let err = |o| conversation::run(o).unwrap_err();
    assert!(matches!(
        err(ConversationOptions {
            messages: 0,
            ..base
        }),
        ConversationError::TooFewMessages { .. }
    ));
    assert!(matches!(
        err(ConversationOptions {
            messages: 4,
            pattern: Pattern::Late,
            ..base
        }),
        ConversationError::TooFewMessages { min: 5, .. }
    ));
    assert!(matches!(
        err(ConversationOptions {
            messages: 12,
            compromise: Some(Compromise {
                at: 13,
                who: Party::Alice
            }),
            ..base
        }),
        ConversationError::CompromiseOutOfRange { at: 13, .. }
    ));
    assert!(matches!(
        err(ConversationOptions {
            quantum: true,
            ..base
        }),
        ConversationError::QuantumWithoutCompromise
    ));
    let message = err(ConversationOptions {
        messages: 12,
        compromise: Some(Compromise {
            at: 0,
            who: Party::Bob,
        }),
        ..base
    })
    .to_string();
    assert!(message.contains("messages 1 to 12"), "{message}");
}

// ---- the ledger ----

fn reads(c: &Conversation) -> Vec<bool> {
    c.ledger.iter().map(|e| e.attacker_reads).collect()
}

/// Where in the run's events the victim handled message `i` (sent or received it).
fn victims_event(c: &Conversation, victim: Party, i: usize) -> usize {
    let event = if c.schedule.sender(i) == victim {
        Event::Send(i)
    } else {
        Event::Deliver(i)
    };
    c.schedule.position(event).unwrap()
}

fn theft(c: &Conversation) -> usize {
    c.schedule
        .position(Event::Deliver(c.compromise.unwrap().at))
        .unwrap()
}

/// Forward secrecy: what the victim had handled before the theft is out of
/// reach, except a held-back message still waiting for the victim to receive it.
fn assert_forward_secrecy(c: &Conversation) {
    let victim = c.compromise.unwrap().who;
    let theft = theft(c);
    for e in &c.ledger {
        if victims_event(c, victim, e.index) > theft {
            continue;
        }
        let waiting = c.schedule.held_back.is_some_and(|h| {
            h.message == e.index
                && c.schedule.sender(h.message) != victim
                && c.schedule.position(Event::Deliver(h.message)).unwrap() > theft
        });
        assert_eq!(
            e.attacker_reads, waiting,
            "{} message {} ({:?}): {}",
            c.pattern, e.index, c.compromise, e.reason
        );
    }
}

/// The first message after the theft (in sending order) the attacker cannot read.
fn first_healed(c: &Conversation) -> Option<usize> {
    let at = c.compromise.unwrap().at;
    c.ledger
        .iter()
        .find(|e| {
            e.index > at
                && !e.attacker_reads
                && c.schedule.held_back.is_none_or(|h| h.message != e.index)
        })
        .map(|e| e.index)
}

#[test]
fn earlier_messages_stay_out_of_reach_for_every_pattern_and_victim() {
    for pattern in Pattern::ALL {
        for who in [Party::Alice, Party::Bob] {
            for at in [1, 4, 7, 8, 10] {
                let c = run(pattern, 16, Some(Compromise { at, who }));
                assert!(c.checks_passed(), "{pattern} {who} {at}: {:#?}", failed(&c));
                assert_eq!(c.ledger.len(), 16);
                assert_forward_secrecy(&c);
            }
        }
    }
}

#[test]
fn the_message_after_the_theft_is_always_readable() {
    for pattern in Pattern::ALL {
        for who in [Party::Alice, Party::Bob] {
            for at in [1, 3, 6, 9] {
                let c = run(pattern, 14, Some(Compromise { at, who }));
                let next = &c.ledger[at];
                assert!(next.attacker_reads, "{pattern} {who} {at}: {}", next.reason);
            }
        }
    }
}

#[test]
fn with_replies_it_heals_and_never_without() {
    for pattern in [Pattern::PingPong, Pattern::Bursts, Pattern::Late] {
        for who in [Party::Alice, Party::Bob] {
            for at in [2, 5, 9] {
                let c = run(pattern, at + 14, Some(Compromise { at, who }));
                let before: Vec<&[u8]> = c.messages[..at]
                    .iter()
                    .map(|m| m.ratchet_key.as_slice())
                    .collect();
                // It heals: the last messages are out of reach again…
                assert!(
                    reads(&c)[c.ledger.len() - 4..].iter().all(|r| !r),
                    "{pattern} {who} {at}: still readable at the end"
                );
                // …and only a DH ratchet step heals: every later message it
                // cannot read is on a chain of a ratchet key first used after
                // the theft.
                for e in &c.ledger[at..] {
                    let m = c.message(e.index).unwrap();
                    assert!(
                        e.attacker_reads || !before.contains(&m.ratchet_key.as_slice()),
                        "{pattern} {who} {at}: message {} unread on an old chain: {}",
                        e.index,
                        e.reason
                    );
                }
                if pattern != Pattern::Late {
                    // In order, once healed it stays healed. (With a message held
                    // back, its receiver goes on with an older chain meanwhile.)
                    let healed = first_healed(&c).unwrap();
                    assert!(
                        reads(&c)[healed - 1..].iter().all(|r| !r),
                        "{pattern} {who} {at}: read again after healing at {healed}"
                    );
                    assert!(c.message(healed).unwrap().dh_ratchet_step);
                }
            }
        }
    }
    for who in [Party::Alice, Party::Bob] {
        for at in [1, 5, 20] {
            let c = run(Pattern::AliceOnly, 30, Some(Compromise { at, who }));
            assert!(
                reads(&c)[at..].iter().all(|r| *r),
                "alice-only, {who} robbed after {at}: some later message unread"
            );
        }
    }
}

#[test]
fn who_is_robbed_moves_healing_by_a_message() {
    // libsignal makes the receiver's next sending key when it receives
    // (libsignal src/session_cipher.rs:712-727): stealing the receiver's session right
    // after a message gives that key too, stealing the sender's does not.
    for at in [3, 4, 7, 10] {
        let heal = |who| {
            first_healed(&run(
                Pattern::PingPong,
                at + 10,
                Some(Compromise { at, who }),
            ))
            .unwrap()
        };
        let (sender, receiver) = if at % 2 == 1 {
            (Party::Alice, Party::Bob)
        } else {
            (Party::Bob, Party::Alice)
        };
        assert_eq!(heal(receiver), heal(sender) + 1, "theft after message {at}");
    }
}

#[test]
fn a_quantum_attacker_is_stopped_only_by_spqr() {
    let messages = 360;
    let theft = Compromise {
        at: 4,
        who: Party::Bob,
    };
    let classical = run(Pattern::PingPong, messages, Some(theft));
    let quantum = conversation::run(ConversationOptions {
        seed: 7,
        messages,
        pattern: Pattern::PingPong,
        compromise: Some(theft),
        quantum: true,
        ..ConversationOptions::default()
    })
    .unwrap();
    assert!(quantum.checks_passed(), "{:#?}", failed(&quantum));
    assert_forward_secrecy(&quantum);

    // It reads everything the classical attacker reads, and more.
    let (c, q) = (reads(&classical), reads(&quantum));
    assert!(c.iter().zip(&q).all(|(c, q)| !c || *q));
    let classical_heal = first_healed(&classical).unwrap();
    let quantum_heal = first_healed(&quantum).expect("SPQR heals within the run");
    assert!(quantum_heal > classical_heal);

    // What stops it is an SPQR key from an epoch newer than any it read.
    let epoch = |i: usize| quantum.message(i).unwrap().spqr.message.unwrap().epoch - 1;
    let newest_read = (theft.at + 1..quantum_heal)
        .filter(|i| q[i - 1])
        .map(epoch)
        .max()
        .unwrap();
    assert!(epoch(quantum_heal) > newest_read);
    // "healed by SPQR" is said only when the attacker did derive the message
    // key seed: the Double Ratchet did not stop it (nor did its budget).
    let reason = &quantum.ledger[quantum_heal - 1].reason;
    assert!(reason.starts_with("healed by SPQR:"), "{reason}");
    // And it stays healed.
    assert!(q[quantum_heal - 1..].iter().all(|r| !r));

    // Without replies there is no SPQR epoch and no salt: it never heals.
    let one_way = conversation::run(ConversationOptions {
        seed: 7,
        messages: 200,
        pattern: Pattern::AliceOnly,
        compromise: Some(theft),
        quantum: true,
        ..ConversationOptions::default()
    })
    .unwrap();
    assert!(reads(&one_way)[theft.at..].iter().all(|r| *r));
}

#[test]
fn the_ledger_says_why_in_words() {
    let c = run(
        Pattern::Late,
        16,
        Some(Compromise {
            at: 8,
            who: Party::Bob,
        }),
    );
    let held = c.schedule.held_back.unwrap();
    let late = &c.ledger[held.message - 1];
    assert!(late.attacker_reads, "{}", late.reason);
    assert!(late.reason.contains("stored"), "{}", late.reason);
    assert!(c.ledger[0].reason.contains("forward secrecy"));
    let healed = first_healed(&c).unwrap();
    assert!(c.ledger[healed - 1].reason.starts_with("healed"));
    let text = pqxdh_lab::views::conversation_plain::render(&c);
    assert!(text.contains("Ledger: Bob's session stolen after message 8"));
}
