//! What the server notices besides what it stores: who connects from where,
//! what each request did, and the transfers under way. Kept in memory only
//! (a restarted relay starts with none of it) and bounded: the last
//! [`ACTIVITY_EVENTS`] events, [`ADDRESSES_PER_NAME`] addresses for each of
//! at most [`TRACKED_NAMES`] names.
//!
//! This is exactly the metadata end-to-end encryption does not hide; the
//! live page shows it so that the room sees it too.

use std::collections::{BTreeMap, VecDeque};
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

use super::limits::{ACTIVITY_EVENTS, ADDRESSES_PER_NAME, TRACKED_NAMES};

/// Seconds since 1970.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// One thing that happened, in words.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub time: u64,
    pub address: String,
    pub text: String,
}

/// An address a name was used from.
#[derive(Debug, Clone, Serialize)]
pub struct Seen {
    pub address: String,
    pub last: u64,
    /// How the server knows: "signed" (a request signed with the name's
    /// identity key) or "envelope" (the sender a message names: a claim).
    pub how: &'static str,
}

/// A blob moving right now.
#[derive(Debug, Clone, Serialize)]
pub struct Transfer {
    /// "upload" or "download".
    pub direction: &'static str,
    /// The blob's id, shortened (`http_api::shown_blob_id`).
    pub blob: String,
    pub address: String,
    pub bytes: u64,
    /// Known for downloads (the file's size); an upload's end is not.
    pub total: Option<u64>,
    pub started: u64,
}

#[derive(Default)]
pub struct Activity {
    events: Mutex<VecDeque<Event>>,
    seen: Mutex<BTreeMap<String, Vec<Seen>>>,
    transfers: Mutex<BTreeMap<u64, (Transfer, Arc<AtomicU64>)>>,
    next_transfer: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Activity {
    /// Records an event, and prints it for the operator's terminal.
    pub fn record(&self, address: &str, text: String) {
        let event = Event {
            time: now(),
            address: address.to_string(),
            text,
        };
        // The operator's terminal; a closed or full stdout must not stop the relay.
        let _ = writeln!(std::io::stdout().lock(), "{address:>15}  {}", event.text);
        let mut events = lock(&self.events);
        if events.len() >= ACTIVITY_EVENTS {
            events.pop_front();
        }
        events.push_back(event);
    }

    /// Notes that `name` was used from `address`.
    pub fn seen(&self, name: &str, address: &str, how: &'static str) {
        let mut seen = lock(&self.seen);
        if seen.len() >= TRACKED_NAMES && !seen.contains_key(name) {
            return;
        }
        let list = seen.entry(name.to_string()).or_default();
        match list.iter_mut().find(|s| s.address == address) {
            Some(s) => {
                s.last = now();
                // A signature is the stronger evidence: once seen, it stays.
                if how == "signed" {
                    s.how = how;
                }
            }
            None => {
                if list.len() >= ADDRESSES_PER_NAME {
                    list.sort_by_key(|s| std::cmp::Reverse(s.last));
                    list.pop();
                }
                list.push(Seen {
                    address: address.to_string(),
                    last: now(),
                    how,
                });
            }
        }
    }

    /// A transfer starts; it is listed until the guard is dropped. Its
    /// counter is the guard's [`TransferGuard::bytes`].
    pub fn transfer(
        self: &Arc<Self>,
        direction: &'static str,
        blob: String,
        address: &str,
        total: Option<u64>,
    ) -> TransferGuard {
        let id = self.next_transfer.fetch_add(1, Ordering::Relaxed);
        let bytes = Arc::new(AtomicU64::new(0));
        let transfer = Transfer {
            direction,
            blob,
            address: address.to_string(),
            bytes: 0,
            total,
            started: now(),
        };
        lock(&self.transfers).insert(id, (transfer, Arc::clone(&bytes)));
        TransferGuard {
            activity: Arc::clone(self),
            id,
            bytes,
        }
    }

    /// The latest events first, at most `n`.
    pub fn latest(&self, n: usize) -> Vec<Event> {
        lock(&self.events).iter().rev().take(n).cloned().collect()
    }

    pub fn addresses(&self) -> BTreeMap<String, Vec<Seen>> {
        lock(&self.seen).clone()
    }

    pub fn transfers(&self) -> Vec<Transfer> {
        lock(&self.transfers)
            .values()
            .map(|(t, bytes)| Transfer {
                bytes: bytes.load(Ordering::Relaxed),
                ..t.clone()
            })
            .collect()
    }
}

/// A transfer under way; dropping it takes it off the list.
pub struct TransferGuard {
    activity: Arc<Activity>,
    id: u64,
    bytes: Arc<AtomicU64>,
}

impl TransferGuard {
    /// The transfer's byte counter, for the code that moves the bytes.
    pub fn bytes(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.bytes)
    }
}

impl Drop for TransferGuard {
    fn drop(&mut self) {
        lock(&self.activity.transfers).remove(&self.id);
    }
}
