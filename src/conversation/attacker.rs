//! What an attacker holding a stolen session can derive, and the attempt to
//! read one message with it. Nothing here knows the real keys: a message
//! counts as read only when a derived MAC key verifies the message's tag and
//! the derived cipher key and IV decrypt it.

use libsignal_protocol::{PrivateKey, PublicKey};

use super::message::ParsedMessage;
use super::session_fields::SessionFields;
use crate::engine::kdf;

/// How many of its newest root keys the attacker tries in a DH ratchet step.
pub const ROOT_BUDGET: usize = 2;
/// How many of the newest X25519 keys it broke (quantum) it tries per new ratchet key.
pub const BROKEN_KEY_BUDGET: usize = 4;
/// How far it follows a chain forward for one message (libsignal's own limit,
/// libsignal src/consts.rs:8 MAX_FORWARD_JUMPS).
pub const JUMP_BUDGET: u32 = 25_000;

/// Where a message key seed the attacker used came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedOrigin {
    StolenSendingChain,
    StolenReceivingChain,
    /// A seed the victim had stored for a message that had not arrived.
    StolenStoredSeed,
    /// A seed the attacker derived itself while following a chain.
    Kept,
    /// A chain the attacker made by redoing a DH ratchet step.
    DhStep {
        broken_key: bool,
    },
}

impl SeedOrigin {
    pub fn words(self) -> &'static str {
        match self {
            SeedOrigin::StolenSendingChain => "the stolen sending chain gives its key",
            SeedOrigin::StolenReceivingChain => "the stolen receiving chain gives its key",
            SeedOrigin::StolenStoredSeed => {
                "its key was waiting in the stolen state, stored because the message had not \
                 arrived yet (the cost of a late message)"
            }
            SeedOrigin::Kept => "a key the attacker derived and kept while following the chain",
            SeedOrigin::DhStep { broken_key: false } => {
                "the attacker redid the DH ratchet step with the stolen ratchet private key"
            }
            SeedOrigin::DhStep { broken_key: true } => {
                "the attacker redid the DH ratchet step with an X25519 private key it broke"
            }
        }
    }
}

struct Chain {
    ratchet_key: Vec<u8>,
    key: [u8; 32],
    index: u32,
    origin: SeedOrigin,
}

/// Everything the attacker holds.
pub struct Knowledge {
    /// Root keys it knows, oldest first.
    roots: Vec<[u8; 32]>,
    chains: Vec<Chain>,
    /// (ratchet key, counter, seed, where it came from).
    seeds: Vec<(Vec<u8>, u32, [u8; 32], SeedOrigin)>,
    stolen_private: Option<PrivateKey>,
    /// Private keys of X25519 keys it broke, in the order it saw them.
    broken: Vec<(Vec<u8>, PrivateKey)>,
}

/// What one attempt gave.
#[derive(Debug, Clone, Default)]
pub struct Attempt {
    pub reads: bool,
    pub seed_origin: Option<SeedOrigin>,
    /// True when the successful salt came from the SPQR copy (false: unsalted).
    pub salted: bool,
    /// Every seed and salt tried, for explaining a failure afterwards.
    pub seeds_tried: Vec<[u8; 32]>,
    pub salts_tried: Vec<Option<[u8; 32]>>,
}

/// What the attacker learns if a candidate turns out right.
enum Learn {
    Nothing,
    Advance {
        chain: usize,
        key: [u8; 32],
        index: u32,
        skipped: Vec<(u32, [u8; 32])>,
    },
    NewChain {
        root: [u8; 32],
        key: [u8; 32],
        index: u32,
        skipped: Vec<(u32, [u8; 32])>,
        origin: SeedOrigin,
    },
}

struct Candidate {
    seed: [u8; 32],
    origin: SeedOrigin,
    learn: Learn,
}

/// A chain followed forward to one message.
struct Walk {
    /// The message's seed.
    seed: [u8; 32],
    /// The chain key after it.
    key: [u8; 32],
    /// The seeds passed on the way: (counter, seed).
    skipped: Vec<(u32, [u8; 32])>,
}

/// Walks a chain from (key, index) to `counter`.
fn walk(mut key: [u8; 32], mut index: u32, counter: u32) -> Option<Walk> {
    if counter < index || counter - index > JUMP_BUDGET {
        return None;
    }
    let mut skipped = Vec::new();
    while index < counter {
        skipped.push((index, kdf::message_key_seed(&key)));
        key = kdf::next_chain_key(&key);
        index += 1;
    }
    Some(Walk {
        seed: kdf::message_key_seed(&key),
        key: kdf::next_chain_key(&key),
        skipped,
    })
}

impl Knowledge {
    /// What a copy of a whole session gives.
    pub fn stolen(fields: &SessionFields) -> Self {
        let mut k = Knowledge {
            roots: fields.root_key.clone().try_into().into_iter().collect(),
            chains: Vec::new(),
            seeds: Vec::new(),
            stolen_private: PrivateKey::deserialize(&fields.sender_chain.ratchet_private).ok(),
            broken: Vec::new(),
        };
        let sending = std::iter::once((&fields.sender_chain, SeedOrigin::StolenSendingChain));
        let receiving = fields
            .receiver_chains
            .iter()
            .map(|c| (c, SeedOrigin::StolenReceivingChain));
        for (chain, origin) in sending.chain(receiving) {
            let Ok(key) = chain.chain_key.clone().try_into() else {
                continue;
            };
            k.chains.push(Chain {
                ratchet_key: chain.ratchet_key.clone(),
                key,
                index: chain.index,
                origin,
            });
            for (counter, seed) in &chain.stored_seeds {
                if let Ok(seed) = seed.clone().try_into() {
                    k.seeds.push((
                        chain.ratchet_key.clone(),
                        *counter,
                        seed,
                        SeedOrigin::StolenStoredSeed,
                    ));
                }
            }
        }
        k
    }

    /// A quantum attacker breaks an X25519 public key it saw.
    pub fn break_key(&mut self, public: &[u8], private: PrivateKey) {
        if !self.broken.iter().any(|(p, _)| p == public) {
            self.broken.push((public.to_vec(), private));
        }
    }

    fn candidates(&self, ratchet_key: &[u8], counter: u32) -> Vec<Candidate> {
        let mut out: Vec<Candidate> = self
            .seeds
            .iter()
            .filter(|(k, c, ..)| k == ratchet_key && *c == counter)
            .map(|(_, _, seed, origin)| Candidate {
                seed: *seed,
                origin: *origin,
                learn: Learn::Nothing,
            })
            .collect();
        let mut known = false;
        for (i, chain) in self.chains.iter().enumerate() {
            if chain.ratchet_key != ratchet_key {
                continue;
            }
            known = true;
            if let Some(w) = walk(chain.key, chain.index, counter) {
                out.push(Candidate {
                    seed: w.seed,
                    origin: chain.origin,
                    learn: Learn::Advance {
                        chain: i,
                        key: w.key,
                        index: counter + 1,
                        skipped: w.skipped,
                    },
                });
            }
        }
        if known {
            return out;
        }
        // A ratchet key it has no chain for: redo the DH ratchet step with
        // every private key it holds and its newest root keys.
        let Ok(public) = PublicKey::deserialize(ratchet_key) else {
            return out;
        };
        let stolen = self.stolen_private.iter().map(|k| (k, false));
        let broken = self
            .broken
            .iter()
            .rev()
            .take(BROKEN_KEY_BUDGET)
            .map(|(_, k)| (k, true));
        for (private, broken_key) in stolen.chain(broken) {
            let Ok(dh) = private.calculate_agreement(&public) else {
                continue;
            };
            for root in self.roots.iter().rev().take(ROOT_BUDGET) {
                let (new_root, chain_key) = kdf::ratchet_root_step(root, &dh);
                if let Some(w) = walk(chain_key, 0, counter) {
                    let origin = SeedOrigin::DhStep { broken_key };
                    out.push(Candidate {
                        seed: w.seed,
                        origin,
                        learn: Learn::NewChain {
                            root: new_root,
                            key: w.key,
                            index: counter + 1,
                            skipped: w.skipped,
                            origin,
                        },
                    });
                }
            }
        }
        out
    }

    fn learn(&mut self, ratchet_key: &[u8], learn: Learn) {
        let keep = |seeds: &mut Vec<_>, skipped: Vec<(u32, [u8; 32])>| {
            for (counter, seed) in skipped {
                seeds.push((ratchet_key.to_vec(), counter, seed, SeedOrigin::Kept));
            }
        };
        match learn {
            Learn::Nothing => {}
            Learn::Advance {
                chain,
                key,
                index,
                skipped,
            } => {
                let chain = &mut self.chains[chain];
                chain.key = key;
                chain.index = index;
                keep(&mut self.seeds, skipped);
            }
            Learn::NewChain {
                root,
                key,
                index,
                skipped,
                origin,
            } => {
                self.roots.push(root);
                self.chains.push(Chain {
                    ratchet_key: ratchet_key.to_vec(),
                    key,
                    index,
                    origin,
                });
                keep(&mut self.seeds, skipped);
            }
        }
    }

    /// Tries to read `m` (sent by the owner of `ik_sender`) with every seed it
    /// can derive and every salt in `salts`; learns from a success.
    pub fn try_read(
        &mut self,
        m: &ParsedMessage,
        ik_sender: &[u8],
        ik_receiver: &[u8],
        salts: &[Option<[u8; 32]>],
    ) -> Attempt {
        let mut attempt = Attempt {
            salts_tried: salts.to_vec(),
            ..Attempt::default()
        };
        let candidates = self.candidates(&m.ratchet_key, m.counter);
        attempt.seeds_tried = candidates.iter().map(|c| c.seed).collect();
        for candidate in candidates {
            for salt in salts {
                let keys = kdf::message_keys(&candidate.seed, salt.as_ref().map(|s| &s[..]));
                if kdf::mac(&keys.mac_key, ik_sender, ik_receiver, m.mac_input()) != m.mac() {
                    continue;
                }
                if kdf::decrypt(&keys.cipher_key, &keys.iv, &m.ciphertext).is_none() {
                    continue;
                }
                attempt.reads = true;
                attempt.seed_origin = Some(candidate.origin);
                attempt.salted = salt.is_some();
                self.learn(&m.ratchet_key, candidate.learn);
                return attempt;
            }
        }
        attempt
    }
}
