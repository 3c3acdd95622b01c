//! The nonces of signed requests (`share::http_api`): issued on request,
//! good for one request within [`NONCE_LIFETIME`], then gone. A request
//! captured on the network and sent again names a nonce already spent, so
//! it is refused even though its signature is genuine.
//!
//! The table is bounded ([`MAX_NONCES`]): when it is full, the oldest nonce
//! is dropped. A client whose nonce was dropped, or that talks to a server
//! restarted in between (nonces live in memory only), is told "stale" and
//! asks for a new one.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Instant;

use crate::share::http_api::new_nonce;

use super::limits::{MAX_NONCES, NONCE_LIFETIME};

#[derive(Default)]
pub struct Nonces {
    table: Mutex<Table>,
}

#[derive(Default)]
struct Table {
    issued: HashMap<String, Instant>,
    /// Issue order, to drop the oldest first.
    order: VecDeque<String>,
}

impl Nonces {
    /// A fresh nonce, remembered until it is spent or expires.
    pub fn issue(&self) -> String {
        let nonce = new_nonce(&mut rand::rng());
        let mut table = self.table.lock().unwrap_or_else(|e| e.into_inner());
        while table.issued.len() >= MAX_NONCES {
            let Some(oldest) = table.order.pop_front() else {
                break;
            };
            table.issued.remove(&oldest);
        }
        table.issued.insert(nonce.clone(), Instant::now());
        table.order.push_back(nonce.clone());
        nonce
    }

    /// Whether `nonce` was issued, is unexpired and unused; it is used up
    /// either way.
    pub fn spend(&self, nonce: &str) -> bool {
        let mut table = self.table.lock().unwrap_or_else(|e| e.into_inner());
        let fresh = table
            .issued
            .remove(nonce)
            .is_some_and(|issued| issued.elapsed() <= NONCE_LIFETIME);
        if fresh && let Some(i) = table.order.iter().position(|n| n == nonce) {
            table.order.remove(i);
        }
        fresh
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nonce_is_good_once() {
        let nonces = Nonces::default();
        let n = nonces.issue();
        assert!(nonces.spend(&n));
        assert!(!nonces.spend(&n), "a replay");
        assert!(!nonces.spend("00"), "never issued");
    }

    #[test]
    fn the_table_stays_bounded() {
        let nonces = Nonces::default();
        let first = nonces.issue();
        for _ in 0..MAX_NONCES {
            nonces.issue();
        }
        assert!(nonces.table.lock().unwrap().issued.len() <= MAX_NONCES);
        assert!(!nonces.spend(&first), "the oldest was dropped");
    }
}
