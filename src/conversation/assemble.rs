//! Puts each message's record together: what crossed the server, the keys the
//! recomputation made, and what libsignal's sessions reported around it.

use super::braid;
use super::dissect;
use super::message::ParsedMessage;
use super::model::{LibsignalSaw, MessageRecord, Receipt};
use super::recompute::SenderSide;
use super::schedule::Schedule;
use super::sessions::Evidence;
use super::spqr_chain;
use super::{ConversationError, session_fields::SessionFields};
use crate::engine::wire::Lookup;

/// SPQR's epoch-0 chain as Bob holds it after message 1: next root, his
/// sending direction, his receiving direction.
pub struct SpqrStartSeen {
    pub next_root: Vec<u8>,
    pub bob_to_alice: Vec<u8>,
    pub alice_to_bob: Vec<u8>,
}

/// Reads Bob's SPQR chain right after the first message.
pub fn spqr_start_seen(bob_after_first: &SessionFields) -> Option<SpqrStartSeen> {
    let chain = spqr_chain::decode_state(&bob_after_first.pq_ratchet_state)?.chain?;
    let link = chain.links.first()?;
    Some(SpqrStartSeen {
        next_root: chain.next_root.clone(),
        bob_to_alice: link.send.as_ref()?.next.clone(),
        alice_to_bob: link.recv.as_ref()?.next.clone(),
    })
}

/// Every X25519 ratchet key pair of the run (public, private), SPK_B first:
/// what a quantum attacker's stand-in for Shor's algorithm looks up.
pub fn key_book(
    evidence: &Evidence,
    spk_b: &[u8],
    spk_b_private: &[u8],
) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut book = vec![(spk_b.to_vec(), spk_b_private.to_vec())];
    let chains = evidence
        .sent
        .iter()
        .map(|s| &s.sender_before.sender_chain)
        .chain(evidence.delivered.iter().map(|d| &d.after.sender_chain));
    for chain in chains {
        if !book.iter().any(|(public, _)| *public == chain.ratchet_key) {
            book.push((chain.ratchet_key.clone(), chain.ratchet_private.clone()));
        }
    }
    book
}

/// One record per message, in order.
pub fn records(
    schedule: &Schedule,
    parsed: &[ParsedMessage],
    recomputed: Vec<(SenderSide, Receipt)>,
    evidence: &Evidence,
    known: Lookup,
) -> Result<Vec<MessageRecord>, ConversationError> {
    let mut records = Vec::with_capacity(parsed.len());
    let sides = evidence.sent.iter().zip(&evidence.delivered);
    for (i, ((m, (sender, receipt)), (sent, delivered))) in
        parsed.iter().zip(recomputed).zip(sides).enumerate()
    {
        let index = i + 1;
        let from = schedule.sender(index);
        let fields = dissect::message(&sent.wire, m.kind, from, known).map_err(|e| {
            ConversationError::Message {
                index,
                source: e.into(),
            }
        })?;
        // A late message's key waited in the receiver's session as a seed.
        let stored_seed = delivered
            .before
            .receiver_chain(&m.ratchet_key)
            .and_then(|c| c.stored_seeds.iter().find(|(n, _)| *n == m.counter))
            .map(|(_, seed)| seed.clone());
        records.push(MessageRecord {
            index,
            from,
            kind: m.kind,
            counter: m.counter,
            previous_counter: m.previous_counter,
            ratchet_key: m.ratchet_key.clone(),
            dh_ratchet_step: sender.dh_ratchet_step,
            root_key: sender.root_key,
            chain_key: sender.chain_key,
            message_key_seed: sender.message_key_seed,
            cipher_key: sender.keys.cipher_key,
            mac_key: sender.keys.mac_key,
            iv: sender.keys.iv,
            pq_key: sender.pq_key.clone().ok().flatten(),
            pq_key_problem: sender.pq_key.err().map(|e| e.to_string()),
            expected_counter: sender.counter,
            expected_previous_counter: sender.previous_counter,
            spqr: braid::describe(&sent.sender_pq_after, &m.pq_ratchet),
            wire: sent.wire.clone(),
            fields,
            signal_message: m.signal_message.clone(),
            ciphertext: m.ciphertext.clone(),
            plaintext: sent.plaintext.clone(),
            held_back_until: schedule
                .held_back
                .filter(|h| h.message == index)
                .map(|h| h.delivered_after),
            receipt,
            libsignal: LibsignalSaw {
                sender_chain_key: sent.sender_chain_key.clone(),
                sender_root_key: sent.sender_before.root_key.clone(),
                receiver_chain_key: delivered.receiver_chain_key.clone(),
                receiver_stored_seed: stored_seed,
                receiver_root_key: delivered.after.root_key.clone(),
                receiver_sending_chain_key: delivered.sender_chain_key.clone(),
                decrypted: String::from_utf8_lossy(&delivered.decrypted).into_owned(),
            },
        });
    }
    Ok(records)
}
