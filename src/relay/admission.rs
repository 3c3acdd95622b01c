//! Who gets served: at most [`CONNECTIONS_PER_ADDRESS`] connections open
//! per address, and requests at most at [`REQUESTS_PER_SECOND`] after a
//! burst of [`REQUEST_BURST`] (a token bucket per address). Refused
//! requests are answered "busy" before anything is read or done, so a
//! client may simply ask again a moment later.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::limits::{
    CONNECTIONS_PER_ADDRESS, REQUEST_BURST, REQUESTS_PER_SECOND, TRACKED_ADDRESSES,
};

#[derive(Default)]
pub struct Admission {
    addresses: Mutex<HashMap<IpAddr, Entry>>,
}

struct Entry {
    tokens: f64,
    refilled: Instant,
    open: usize,
}

/// Why a connection was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    TooManyConnections,
    TooManyRequests,
}

/// An admitted connection; dropping it frees its place.
pub struct Ticket {
    admission: Arc<Admission>,
    ip: IpAddr,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut addresses = self.admission.lock();
        if let Some(entry) = addresses.get_mut(&self.ip) {
            entry.open = entry.open.saturating_sub(1);
        }
    }
}

impl Admission {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, Entry>> {
        self.addresses.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Admits one connection (one request: the relay closes after each).
    pub fn admit(self: &Arc<Self>, ip: IpAddr) -> Result<Ticket, Refused> {
        let now = Instant::now();
        let mut addresses = self.lock();
        if addresses.len() >= TRACKED_ADDRESSES && !addresses.contains_key(&ip) {
            forget_idle(&mut addresses);
        }
        let entry = addresses.entry(ip).or_insert(Entry {
            tokens: REQUEST_BURST,
            refilled: now,
            open: 0,
        });
        let elapsed = now.duration_since(entry.refilled).as_secs_f64();
        entry.tokens = (entry.tokens + elapsed * REQUESTS_PER_SECOND).min(REQUEST_BURST);
        entry.refilled = now;
        if entry.open >= CONNECTIONS_PER_ADDRESS {
            return Err(Refused::TooManyConnections);
        }
        if entry.tokens < 1.0 {
            return Err(Refused::TooManyRequests);
        }
        entry.tokens -= 1.0;
        entry.open += 1;
        Ok(Ticket {
            admission: Arc::clone(self),
            ip,
        })
    }
}

/// Forgets the addresses with nothing open, least recently seen first,
/// until there is room for one more. (Those with connections open are few:
/// at most one per connection the server holds.)
fn forget_idle(addresses: &mut HashMap<IpAddr, Entry>) {
    let mut idle: Vec<(IpAddr, Instant)> = addresses
        .iter()
        .filter(|(_, e)| e.open == 0)
        .map(|(ip, e)| (*ip, e.refilled))
        .collect();
    idle.sort_by_key(|(_, seen)| *seen);
    let excess = (addresses.len() + 1).saturating_sub(TRACKED_ADDRESSES);
    for (ip, _) in idle.into_iter().take(excess) {
        addresses.remove(&ip);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_address_cannot_hold_every_connection() {
        let admission = Arc::new(Admission::default());
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        let tickets: Vec<Ticket> = (0..CONNECTIONS_PER_ADDRESS)
            .map(|_| admission.admit(ip).unwrap())
            .collect();
        assert_eq!(admission.admit(ip).err(), Some(Refused::TooManyConnections));
        // Another address is not affected.
        assert!(admission.admit("127.0.0.2".parse().unwrap()).is_ok());
        drop(tickets);
        assert!(admission.admit(ip).is_ok());
    }

    #[test]
    fn a_burst_is_followed_by_a_steady_rate() {
        let admission = Arc::new(Admission::default());
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        let mut admitted = 0;
        for _ in 0..(REQUEST_BURST as usize + 50) {
            if admission.admit(ip).is_ok() {
                admitted += 1;
            }
        }
        // The burst, and the few tokens that came back while the loop ran.
        assert!(admitted >= REQUEST_BURST as usize, "{admitted}");
        assert!(admitted < REQUEST_BURST as usize + 50, "{admitted}");
    }
}
