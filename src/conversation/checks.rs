//! The checks: the recomputed keys against what libsignal's sessions report,
//! and against the messages themselves. Each check covers every message and
//! names the first one that disagrees; a failure is shown loudly.
//!
//! The checks re-derive each message's keys from its recorded chain key (and
//! SPQR key), so a wrong chain key anywhere fails them.

use super::assemble::SpqrStartSeen;
use super::model::{Check, Conversation, MessageRecord};
use super::spqr_chain::ChainStart;
use crate::engine::kdf;

fn hex8(bytes: &[u8]) -> String {
    crate::views::hexfmt::short_hex(bytes, 17)
}

/// Folds per-message results into one check.
fn over_messages<'a>(
    name: &str,
    what: &str,
    messages: impl IntoIterator<Item = &'a MessageRecord>,
    test: impl Fn(&MessageRecord) -> Option<Result<(), String>>,
) -> Check {
    let mut compared = 0usize;
    let mut failures = Vec::new();
    for m in messages {
        match test(m) {
            None => {}
            Some(Ok(())) => compared += 1,
            Some(Err(why)) => {
                compared += 1;
                failures.push(format!("message {} ({}): {why}", m.index, m.from.name()));
            }
        }
    }
    let detail = match failures.as_slice() {
        [] => format!("{compared} of {compared}: {what}"),
        [first, rest @ ..] => format!(
            "{} of {compared} FAILED ({what}); first: {first}{}",
            failures.len(),
            if rest.is_empty() {
                String::new()
            } else {
                format!(" (and {} more)", rest.len())
            }
        ),
    };
    Check {
        name: name.to_string(),
        passed: failures.is_empty() && compared > 0,
        detail,
    }
}

fn same(ours: &[u8], theirs: &[u8]) -> Result<(), String> {
    if ours == theirs {
        Ok(())
    } else {
        Err(format!(
            "recomputed {} ≠ libsignal's {}",
            hex8(ours),
            hex8(theirs)
        ))
    }
}

/// The keys of a message, re-derived from its chain key and SPQR key.
fn rederived(m: &MessageRecord) -> kdf::MessageKeys {
    let seed = kdf::message_key_seed(&m.chain_key);
    kdf::message_keys(&seed, m.pq_key.as_ref().map(|k| &k[..]))
}

/// The per-message checks, recomputed from the conversation's records.
pub fn verify(c: &Conversation) -> Vec<Check> {
    let messages = &c.messages;
    vec![
        over_messages(
            "chain keys equal libsignal's",
            "the sender's chain key is its get_sender_chain_key_bytes() before sending; the next \
             one, HMAC(CK, 0x02), is the receiver's get_receiver_chain_key_bytes() after \
             receiving (or, for a late message, its seed is the one the receiver had stored)",
            messages,
            |m| {
                Some(
                    same(&m.chain_key, &m.libsignal.sender_chain_key).and_then(|()| {
                        if m.receipt.used_stored_seed {
                            let stored = m.libsignal.receiver_stored_seed.as_deref().unwrap_or(&[]);
                            same(&kdf::message_key_seed(&m.chain_key), stored)
                        } else {
                            let theirs = m.libsignal.receiver_chain_key.as_deref().unwrap_or(&[]);
                            same(&kdf::next_chain_key(&m.chain_key), theirs)
                        }
                    }),
                )
            },
        ),
        over_messages(
            "root keys equal libsignal's",
            "after every DH ratchet step, HKDF(root key, DH, \"WhisperRatchet\") gives the root \
             key and sending chain key the session stores",
            messages,
            |m| {
                let sender = m
                    .root_key
                    .map(|root| same(&root, &m.libsignal.sender_root_key));
                let receiver = m.receipt.root_key.map(|root| {
                    same(&root, &m.libsignal.receiver_root_key).and_then(|()| {
                        same(
                            &m.receipt.sending_chain_key.unwrap_or_default(),
                            &m.libsignal.receiver_sending_chain_key,
                        )
                    })
                });
                match (sender, receiver) {
                    (None, None) => None,
                    (a, b) => Some(a.unwrap_or(Ok(())).and(b.unwrap_or(Ok(())))),
                }
            },
        ),
        over_messages(
            "both sides derive the same message key seed",
            "the receiver's recomputed seed is HMAC(sender's chain key, 0x01)",
            messages,
            |m| {
                let sender = kdf::message_key_seed(&m.chain_key);
                Some(if sender == m.receipt.message_key_seed {
                    Ok(())
                } else {
                    Err(format!(
                        "sender {} ≠ receiver {}",
                        hex8(&sender),
                        hex8(&m.receipt.message_key_seed)
                    ))
                })
            },
        ),
        over_messages(
            "every MAC verifies",
            "HMAC-SHA256(MAC key, IK_sender ‖ IK_receiver ‖ message), first 8 bytes, equals the \
             message's tag",
            messages,
            |m| {
                let (ik_s, ik_r) = c.identities(m.from);
                let body = &m.signal_message[..m.signal_message.len() - kdf::MAC_LEN];
                let tag = &m.signal_message[m.signal_message.len() - kdf::MAC_LEN..];
                let ours = kdf::mac(&rederived(m).mac_key, ik_s, ik_r, body);
                Some(if ours == tag {
                    Ok(())
                } else {
                    Err(format!(
                        "computed {} ≠ tag {}",
                        hex::encode(ours),
                        hex::encode(tag)
                    ))
                })
            },
        ),
        over_messages(
            "every ciphertext decrypts to what was sent",
            "AES-256-CBC with the recomputed cipher key and IV gives the sender's plaintext",
            messages,
            |m| {
                let keys = rederived(m);
                Some(
                    match kdf::decrypt(&keys.cipher_key, &keys.iv, &m.ciphertext) {
                        Some(text) if text == m.plaintext.as_bytes() => Ok(()),
                        Some(_) => Err("decrypts to other bytes".to_string()),
                        None => Err("the padding is wrong: not this key".to_string()),
                    },
                )
            },
        ),
        over_messages(
            "libsignal decrypts every message to what was sent",
            "message_decrypt on the receiver's side returns the sender's plaintext",
            messages,
            |m| {
                Some(if m.libsignal.decrypted == m.plaintext {
                    Ok(())
                } else {
                    Err(format!("got {:?}", m.libsignal.decrypted))
                })
            },
        ),
        over_messages(
            "counters on the wire are the recomputation's",
            "counter and previous counter as the recomputed chains number them",
            messages,
            |m| {
                Some(
                    if (m.counter, m.previous_counter)
                        == (m.expected_counter, m.expected_previous_counter)
                    {
                        Ok(())
                    } else {
                        Err(format!(
                            "wire {}/{} ≠ recomputed {}/{}",
                            m.counter,
                            m.previous_counter,
                            m.expected_counter,
                            m.expected_previous_counter
                        ))
                    },
                )
            },
        ),
        over_messages(
            "every SPQR key is the next step of the sender's SPQR chain",
            "HKDF(0×32, next, BE32(ctr + 1) ‖ \"Signal PQ Ratchet V1 Chain Next\"), from the \
             sender's SPQR state before sending (or none, while its chain is not set up)",
            messages,
            |m| Some(m.pq_key_problem.clone().map_or(Ok(()), Err)),
        ),
    ]
}

/// The handshake's truth check, message 1 against the transcript, and SPQR's
/// start from `pqr_key`.
pub fn handshake(
    c: &Conversation,
    pqr_start: &ChainStart,
    bob_after_first: Option<&SpqrStartSeen>,
) -> Vec<Check> {
    let first = c.messages.first().map(|m| m.wire.as_slice()).unwrap_or(&[]);
    let start_ok = bob_after_first.is_some_and(|seen| {
        seen.next_root[..] == pqr_start.next_root
            && seen.bob_to_alice[..] == pqr_start.bob_to_alice
            && seen.alice_to_bob[..] == pqr_start.alice_to_bob
    });
    vec![
        Check {
            name: "the handshake passed its truth check".to_string(),
            passed: c.handshake_truth_check_passed,
            detail: "every staged value of the seed's PQXDH run equals libsignal's sessions"
                .to_string(),
        },
        Check {
            name: "message 1 is the handshake's prekey_message".to_string(),
            passed: !first.is_empty() && first == c.transcript_prekey_message,
            detail: format!(
                "{} bytes, compared byte for byte with the transcript's prekey_message",
                first.len()
            ),
        },
        Check {
            name: "SPQR's epoch-0 chain starts from pqr_key".to_string(),
            passed: start_ok,
            detail: "HKDF(0×32, pqr_key, \"Signal PQ Ratchet V1 Chain  Start\") = next root ‖ \
                     Alice→Bob ‖ Bob→Alice, as Bob's SPQR state holds them after message 1"
                .to_string(),
        },
    ]
}
