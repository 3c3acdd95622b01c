//! Every message's keys, recomputed step by step outside libsignal's session
//! API: a second Double Ratchet for each side, fed only with the handshake's
//! keys, the messages as they cross the server, and the random ratchet keys
//! libsignal drew (which no formula can predict). Its results are then checked
//! against what libsignal's sessions report (`checks.rs`).
//!
//! libsignal's order of work (libsignal src/session_cipher.rs:696-730): a receiver who
//! sees a new ratchet key steps twice at once — a receiving chain from
//! DH(its current key, the new key), then a fresh key pair of its own and a
//! sending chain from DH(fresh key, the new key). Each step is HKDF(salt =
//! root key, IKM = DH, info = "WhisperRatchet") → new root key ‖ chain key.

use libsignal_protocol::{PrivateKey, PublicKey};
use thiserror::Error;

use super::message::ParsedMessage;
use super::model::{ChainState, Moment, RatchetState, Receipt};
use super::options::Party;
use super::schedule::{Event, Schedule};
use super::session_fields::ChainFields;
use super::sessions::Evidence;
use super::spqr_chain::{self, Unrecomputable};
use super::spqr_message;
use crate::engine::kdf::{self, MessageKeys};

/// libsignal src/consts.rs:10.
const MAX_RECEIVER_CHAINS: usize = 5;

#[derive(Debug, Error)]
pub enum RecomputeError {
    #[error("{0} is not a key libsignal can read")]
    Key(&'static str),
}

/// The handshake's outputs the ratchet starts from (from the transcript).
pub struct Start<'a> {
    pub root_key: &'a [u8],
    pub chain_key: &'a [u8],
    /// SPK_B (05 ‖ 32 B) and its private key: Bob's first ratchet key pair.
    pub spk_b: &'a [u8],
    pub spk_b_private: &'a [u8],
}

/// The sender's side of one message, recomputed.
#[derive(Debug, Clone)]
pub struct SenderSide {
    pub chain_key: [u8; 32],
    pub message_key_seed: [u8; 32],
    pub keys: MessageKeys,
    pub pq_key: Result<Option<[u8; 32]>, Unrecomputable>,
    pub dh_ratchet_step: bool,
    pub root_key: Option<[u8; 32]>,
    pub counter: u32,
    pub previous_counter: u32,
}

struct Chain {
    ratchet_key: Vec<u8>,
    key: [u8; 32],
    index: u32,
}

fn chain_state(chain: &Chain) -> ChainState {
    ChainState {
        ratchet_key: chain.ratchet_key.clone(),
        chain_key: chain.key,
        next: chain.index,
    }
}

struct Sending {
    chain: Chain,
    private: PrivateKey,
    /// The root key the step that made this chain produced.
    root_key: [u8; 32],
}

/// One side's ratchet, as the recomputation keeps it.
struct Side {
    root_key: [u8; 32],
    sending: Sending,
    receiving: Vec<Chain>,
    /// Seeds of messages that were skipped: (ratchet key, counter, seed).
    stored: Vec<(Vec<u8>, u32, [u8; 32])>,
    previous_counter: u32,
}

fn key32(bytes: &[u8], what: &'static str) -> Result<[u8; 32], RecomputeError> {
    bytes.try_into().map_err(|_| RecomputeError::Key(what))
}

fn dh(private: &PrivateKey, public: &[u8]) -> Result<Box<[u8]>, RecomputeError> {
    let public =
        PublicKey::deserialize(public).map_err(|_| RecomputeError::Key("a ratchet public key"))?;
    private
        .calculate_agreement(&public)
        .map_err(|_| RecomputeError::Key("a ratchet key pair"))
}

fn private_key(chain: &ChainFields) -> Result<PrivateKey, RecomputeError> {
    PrivateKey::deserialize(&chain.ratchet_private)
        .map_err(|_| RecomputeError::Key("a ratchet private key"))
}

impl Side {
    fn state(&self) -> RatchetState {
        RatchetState {
            root_key: self.root_key,
            sending: chain_state(&self.sending.chain),
            receiving: self.receiving.iter().map(chain_state).collect(),
            stored: self.stored.clone(),
        }
    }

    fn send(&mut self, pq_key: Result<Option<[u8; 32]>, Unrecomputable>) -> SenderSide {
        let chain = &mut self.sending.chain;
        let seed = kdf::message_key_seed(&chain.key);
        let salt = pq_key.as_ref().ok().copied().flatten();
        let side = SenderSide {
            chain_key: chain.key,
            message_key_seed: seed,
            keys: kdf::message_keys(&seed, salt.as_ref().map(|k| &k[..])),
            pq_key,
            dh_ratchet_step: chain.index == 0,
            root_key: (chain.index == 0).then_some(self.sending.root_key),
            counter: chain.index,
            previous_counter: self.previous_counter,
        };
        chain.key = kdf::next_chain_key(&chain.key);
        chain.index += 1;
        side
    }

    /// Receives message `counter` on the chain of `ratchet_key`; `fresh` is the
    /// key pair libsignal drew if this is a new ratchet key.
    fn receive(
        &mut self,
        ratchet_key: &[u8],
        counter: u32,
        fresh: &ChainFields,
    ) -> Result<Receipt, RecomputeError> {
        let mut step = None;
        if !self.receiving.iter().any(|c| c.ratchet_key == ratchet_key) {
            let (root, receiving) =
                kdf::ratchet_root_step(&self.root_key, &dh(&self.sending.private, ratchet_key)?);
            let private = private_key(fresh)?;
            let (root, sending) = kdf::ratchet_root_step(&root, &dh(&private, ratchet_key)?);
            // libsignal: the previous counter is the old sending chain's last index.
            self.previous_counter = self.sending.chain.index.saturating_sub(1);
            self.root_key = root;
            self.sending = Sending {
                chain: Chain {
                    ratchet_key: fresh.ratchet_key.clone(),
                    key: sending,
                    index: 0,
                },
                private,
                root_key: root,
            };
            self.receiving.push(Chain {
                ratchet_key: ratchet_key.to_vec(),
                key: receiving,
                index: 0,
            });
            // libsignal keeps the newest five receiving chains, with the
            // skipped keys stored in them (libsignal src/consts.rs:10,
            // src/state/session.rs:345-355).
            if self.receiving.len() > MAX_RECEIVER_CHAINS {
                let dropped = self.receiving.remove(0);
                self.stored.retain(|(key, ..)| *key != dropped.ratchet_key);
            }
            step = Some((root, sending));
        }
        let chain = self
            .receiving
            .iter_mut()
            .find(|c| c.ratchet_key == ratchet_key)
            .expect("made above if missing");
        let (seed, chain_key_after, used_stored_seed) = if counter < chain.index {
            let at = self
                .stored
                .iter()
                .position(|(k, c, _)| k == ratchet_key && *c == counter);
            // A missing seed gives zeros, which no check will accept.
            let seed = at.map_or([0u8; 32], |at| self.stored.remove(at).2);
            (seed, None, true)
        } else {
            while chain.index < counter {
                self.stored.push((
                    ratchet_key.to_vec(),
                    chain.index,
                    kdf::message_key_seed(&chain.key),
                ));
                chain.key = kdf::next_chain_key(&chain.key);
                chain.index += 1;
            }
            let seed = kdf::message_key_seed(&chain.key);
            chain.key = kdf::next_chain_key(&chain.key);
            chain.index += 1;
            (seed, Some(chain.key), false)
        };
        Ok(Receipt {
            message_key_seed: seed,
            dh_ratchet_step: step.is_some(),
            root_key: step.map(|(root, _)| root),
            sending_chain_key: step.map(|(_, chain)| chain),
            chain_key_after,
            used_stored_seed,
        })
    }
}

/// Both sides right after the handshake, before message 1 is sent.
fn start(start: &Start, evidence: &Evidence) -> Result<(Side, Side), RecomputeError> {
    let root_key = key32(start.root_key, "root_key")?;
    let chain_key = key32(start.chain_key, "chain_key")?;
    // Alice's session set-up already made her first sending chain
    // (libsignal src/ratchet.rs:94-98): DH(her first ratchet key, SPK_B).
    let alice_first = &evidence.sent[0].sender_before.sender_chain;
    let alice_private = private_key(alice_first)?;
    let (alice_root, alice_chain) =
        kdf::ratchet_root_step(&root_key, &dh(&alice_private, start.spk_b)?);
    let alice = Side {
        root_key: alice_root,
        sending: Sending {
            chain: Chain {
                ratchet_key: alice_first.ratchet_key.clone(),
                key: alice_chain,
                index: 0,
            },
            private: alice_private,
            root_key: alice_root,
        },
        // Bob's first "ratchet key" is SPK_B, its chain the handshake's chain_key.
        receiving: vec![Chain {
            ratchet_key: start.spk_b.to_vec(),
            key: chain_key,
            index: 0,
        }],
        stored: Vec::new(),
        previous_counter: 0,
    };
    // Bob starts sending on SPK_B with chain_key (libsignal src/ratchet.rs:210-218);
    // his first receipt replaces that chain before he ever uses it.
    let bob = Side {
        root_key,
        sending: Sending {
            chain: Chain {
                ratchet_key: start.spk_b.to_vec(),
                key: chain_key,
                index: 0,
            },
            private: PrivateKey::deserialize(start.spk_b_private)
                .map_err(|_| RecomputeError::Key("SPK_B's private key"))?,
            root_key,
        },
        receiving: Vec::new(),
        stored: Vec::new(),
        previous_counter: 0,
    };
    Ok((alice, bob))
}

/// Every message recomputed, and both ratchets after each event.
pub struct Recomputed {
    pub messages: Vec<(SenderSide, Receipt)>,
    pub moments: Vec<Moment>,
}

/// Recomputes every message, in the order things happened.
pub fn recompute(
    begin: &Start,
    schedule: &Schedule,
    evidence: &Evidence,
    parsed: &[ParsedMessage],
) -> Result<Recomputed, RecomputeError> {
    let (mut alice, mut bob) = start(begin, evidence)?;
    let mut moments = Vec::with_capacity(schedule.events.len());
    let n = parsed.len();
    let mut senders: Vec<Option<SenderSide>> = vec![None; n];
    let mut receipts: Vec<Option<Receipt>> = vec![None; n];
    for event in &schedule.events {
        match *event {
            Event::Send(i) => {
                let side = match schedule.sender(i) {
                    Party::Alice => &mut alice,
                    Party::Bob => &mut bob,
                };
                // The SPQR key, from the sender's SPQR chain as it stood.
                let pq_key = spqr_chain::send_key(
                    &evidence.sent[i - 1].sender_before.pq_ratchet_state,
                    spqr_message::decode(&parsed[i - 1].pq_ratchet).as_ref(),
                );
                senders[i - 1] = Some(side.send(pq_key));
            }
            Event::Deliver(i) => {
                let side = match schedule.sender(i).peer() {
                    Party::Alice => &mut alice,
                    Party::Bob => &mut bob,
                };
                let m = &parsed[i - 1];
                receipts[i - 1] = Some(side.receive(
                    &m.ratchet_key,
                    m.counter,
                    &evidence.delivered[i - 1].after.sender_chain,
                )?);
            }
        }
        moments.push(Moment {
            event: *event,
            alice: alice.state(),
            bob: bob.state(),
        });
    }
    let messages = senders
        .into_iter()
        .zip(receipts)
        .map(|(s, r)| {
            (
                s.expect("every message sent"),
                r.expect("every message delivered"),
            )
        })
        .collect();
    Ok(Recomputed { messages, moments })
}
