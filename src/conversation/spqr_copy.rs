//! The attacker's copy of the victim's SPQR state, run forward with the spqr
//! crate's public API: `spqr::send` for the victim's own messages (with the
//! attacker's randomness: the victim's fresh randomness is not in the copy)
//! and `spqr::recv` for the messages the victim receives. When `recv` refuses
//! (the copy's Braid has drifted from the real one), the attacker still asks
//! the copy's key chain (`spqr::chain::Chain`, public) for the message's key.

use prost::Message;
use rand_chacha::ChaCha20Rng;
use spqr::chain::Chain;

use super::spqr_chain::decode_state;
use super::spqr_message;

pub struct SpqrCopy {
    state: Vec<u8>,
    rng: ChaCha20Rng,
}

fn key32(key: Option<Vec<u8>>) -> Option<[u8; 32]> {
    key.and_then(|k| k.try_into().ok())
}

impl SpqrCopy {
    pub fn new(stolen_state: Vec<u8>, rng: ChaCha20Rng) -> Self {
        Self {
            state: stolen_state,
            rng,
        }
    }

    /// The key the copy gives for the victim's next own message.
    pub fn send(&mut self) -> Option<[u8; 32]> {
        let sent = spqr::send(&self.state, &mut self.rng).ok()?;
        self.state = sent.state;
        key32(sent.key)
    }

    /// The key the copy gives for a message the victim receives.
    pub fn recv(&mut self, pq_message: &[u8]) -> Option<[u8; 32]> {
        match spqr::recv(&self.state, &pq_message.to_vec()) {
            Ok(received) => {
                self.state = received.state;
                key32(received.key)
            }
            Err(_) => self.chain_only(pq_message, true),
        }
    }

    /// As `recv`, without changing the copy: for messages the victim had
    /// received before the theft.
    pub fn peek_recv(&self, pq_message: &[u8]) -> Option<[u8; 32]> {
        match spqr::recv(&self.state, &pq_message.to_vec()) {
            Ok(received) => key32(received.key),
            Err(_) => {
                let mut scratch = Self {
                    state: self.state.clone(),
                    rng: self.rng.clone(),
                };
                scratch.chain_only(pq_message, false)
            }
        }
    }

    /// The message's key from the copy's chain alone (spqr src/lib.rs:409-418).
    fn chain_only(&mut self, pq_message: &[u8], keep: bool) -> Option<[u8; 32]> {
        let header = spqr_message::decode(pq_message)?;
        let mut state = decode_state(&self.state)?;
        let key_epoch = header.epoch.checked_sub(1)?;
        if key_epoch == 0 && header.index == 0 {
            return None;
        }
        let mut chain = Chain::from_pb(state.chain.take()?).ok()?;
        let key = chain.recv_key(key_epoch, header.index).ok()?;
        if keep {
            state.chain = Some(chain.into_pb());
            self.state = state.encode_to_vec();
        }
        key.try_into().ok()
    }
}
