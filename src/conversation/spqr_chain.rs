//! SPQR's key chain, recomputed. Every message key libsignal salts with comes
//! from a chain per epoch and direction (spqr src/chain.rs):
//!
//! - epoch 0 starts from PQXDH's `pqr_key`: HKDF-SHA256(salt = 0×32, IKM =
//!   pqr_key, info = "Signal PQ Ratchet V1 Chain  Start") → 96 bytes = next
//!   root ‖ Alice→Bob chain ‖ Bob→Alice chain (spqr src/chain.rs:305-325);
//! - each message: HKDF-SHA256(salt = 0×32, IKM = the chain's `next`, info =
//!   BE32(ctr + 1) ‖ "Signal PQ Ratchet V1 Chain Next") → 64 bytes = the new
//!   `next` ‖ the message's key (spqr src/chain.rs:218-235);
//! - a later epoch starts from the secret the ML-KEM Braid agreed on ("Chain
//!   Add Epoch", spqr src/chain.rs:327-343). That secret is not exposed, so later
//!   epochs are recomputed from the chain state spqr stores.

use hkdf::Hkdf;
use prost::Message;
use sha2::Sha256;
use spqr::proto::pq_ratchet::{PqRatchetState, Version};

use super::spqr_message::SpqrMessage;

/// Decodes a serialized SPQR state; `None` when empty (no SPQR) or unreadable.
pub fn decode_state(state: &[u8]) -> Option<PqRatchetState> {
    if state.is_empty() {
        return None;
    }
    PqRatchetState::decode(state).ok()
}

fn hkdf_zero_salt(ikm: &[u8], info: &[u8], okm: &mut [u8]) {
    Hkdf::<Sha256>::new(Some(&[0u8; 32]), ikm)
        .expand(info, okm)
        .expect("at most 96 bytes is a valid HKDF-SHA256 output length");
}

/// Epoch 0 of the chain, as both sides derive it from `pqr_key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainStart {
    pub next_root: [u8; 32],
    pub alice_to_bob: [u8; 32],
    pub bob_to_alice: [u8; 32],
}

pub fn chain_start(pqr_key: &[u8]) -> ChainStart {
    let mut okm = [0u8; 96];
    hkdf_zero_salt(pqr_key, b"Signal PQ Ratchet V1 Chain  Start", &mut okm);
    let part = |i: usize| -> [u8; 32] { okm[32 * i..32 * (i + 1)].try_into().expect("32 bytes") };
    ChainStart {
        next_root: part(0),
        alice_to_bob: part(1),
        bob_to_alice: part(2),
    }
}

/// One step of a chain: (the new `next`, the key for message number `ctr + 1`).
pub fn chain_step(next: &[u8], ctr: u32) -> ([u8; 32], [u8; 32]) {
    let mut okm = [0u8; 64];
    let info = [
        &(ctr + 1).to_be_bytes()[..],
        b"Signal PQ Ratchet V1 Chain Next",
    ]
    .concat();
    hkdf_zero_salt(next, &info, &mut okm);
    (
        okm[..32].try_into().expect("32 bytes"),
        okm[32..].try_into().expect("32 bytes"),
    )
}

/// Why a sender's SPQR key could not be recomputed from its state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unrecomputable {
    #[error("the SPQR state or message does not decode")]
    Unreadable,
    #[error("the sender's SPQR chain has no epoch {0}")]
    NoLink(u64),
    #[error("the SPQR message has index {found}, the chain's next is {expected}")]
    Index { expected: u32, found: u32 },
}

/// The SPQR key of the message `msg` that a sender made from the state
/// `before` (its state just before sending), without calling spqr.
///
/// As spqr's `send` does (spqr src/lib.rs:249-309): no key while the chain is not
/// set up yet — Alice has none until she receives Bob's first message, since
/// libsignal 0.85 allows falling back to no SPQR (min_version V0,
/// libsignal src/ratchet.rs:100-111) — and otherwise the next key of the send
/// direction of epoch `msg.epoch - 1`.
pub fn send_key(
    before: &[u8],
    msg: Option<&SpqrMessage>,
) -> Result<Option<[u8; 32]>, Unrecomputable> {
    let Some(state) = decode_state(before) else {
        // An empty state is SPQR switched off: no salt.
        return if before.is_empty() {
            Ok(None)
        } else {
            Err(Unrecomputable::Unreadable)
        };
    };
    let msg = msg.ok_or(Unrecomputable::Unreadable)?;
    let chain = match state.chain {
        Some(chain) => chain,
        None => {
            let start_now = state
                .version_negotiation
                .as_ref()
                .is_some_and(|vn| vn.min_version > Version::V0 as i32);
            if !start_now {
                return Ok(None);
            }
            // Not reached with libsignal 0.85 (min_version is V0); spqr would
            // start the chain from the negotiation's key here.
            return Err(Unrecomputable::NoLink(0));
        }
    };
    let key_epoch = msg.epoch.checked_sub(1).ok_or(Unrecomputable::Unreadable)?;
    let back = chain
        .current_epoch
        .checked_sub(key_epoch)
        .ok_or(Unrecomputable::NoLink(key_epoch))?;
    let link = usize::try_from(back)
        .ok()
        .and_then(|back| chain.links.len().checked_sub(1 + back))
        .and_then(|i| chain.links.get(i))
        .and_then(|link| link.send.as_ref())
        .ok_or(Unrecomputable::NoLink(key_epoch))?;
    if msg.index != link.ctr + 1 {
        return Err(Unrecomputable::Index {
            expected: link.ctr + 1,
            found: msg.index,
        });
    }
    Ok(Some(chain_step(&link.next, link.ctr).1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_start_label_has_two_spaces() {
        // A one-space label gives another chain: the label is part of the formula.
        let mut one_space = [0u8; 96];
        hkdf_zero_salt(
            &[1u8; 32],
            b"Signal PQ Ratchet V1 Chain Start",
            &mut one_space,
        );
        assert_ne!(chain_start(&[1u8; 32]).alice_to_bob[..], one_space[32..64]);
    }

    #[test]
    fn spqrs_own_chain_gives_the_same_keys() {
        // spqr's public Chain type, started from the same key, against the formulas.
        let pqr_key = [9u8; 32];
        let params = spqr::ChainParams::default().into_pb();
        let mut alice = spqr::chain::Chain::new(&pqr_key, spqr::Direction::A2B, params).unwrap();
        let start = chain_start(&pqr_key);
        let mut next = start.alice_to_bob;
        for ctr in 0..5 {
            let (index, key) = alice.send_key(0).unwrap();
            let (new_next, expected) = chain_step(&next, ctr);
            assert_eq!(index, ctr + 1);
            assert_eq!(key, expected);
            next = new_next;
        }
    }
}
