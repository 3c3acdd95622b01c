//! The data behind the live page: the relay's summary (the same code as
//! `share inspect RELAY`, `share::summary`) with what only a running server
//! notices (addresses, transfers, the latest events), and the three lists
//! the page ends with: what the server learns, cannot see, and can still do.
//!
//! Nothing in it comes from a key: it is what the server's operator has.
//! Blob ids are shortened (they are capabilities), message ids left out.

use serde::Serialize;

use crate::share::summary::{
    BlobSummary, CAN_STILL_DO, CANNOT_SEE, MessageSummary, RefusedObject, RelaySummary,
};

use super::activity::{Activity, Event, Seen, Transfer, now};

/// How many events the page lists.
const EVENTS_SHOWN: usize = 12;

#[derive(Debug, Serialize)]
pub struct View {
    /// The address students use.
    pub relay: String,
    pub started: u64,
    pub now: u64,
    pub users: Vec<UserView>,
    pub blobs: Vec<BlobSummary>,
    pub refused: Vec<RefusedObject>,
    pub transfers: Vec<Transfer>,
    pub events: Vec<Event>,
    pub learns: Vec<String>,
    pub cannot: Vec<&'static str>,
    pub can_do: Vec<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct UserView {
    pub name: String,
    /// IK, abbreviated: the first and last bytes as hex.
    pub identity_key: Option<String>,
    pub prekeys_left: usize,
    pub waiting: Vec<MessageView>,
    pub addresses: Vec<Seen>,
}

#[derive(Debug, Serialize)]
pub struct MessageView {
    pub from: String,
    pub to: String,
    pub kind: String,
    pub message_type: String,
    pub size: u64,
    pub time: Option<u64>,
}

impl From<MessageSummary> for MessageView {
    fn from(m: MessageSummary) -> Self {
        Self {
            from: m.from,
            to: m.to,
            kind: m.kind,
            message_type: m.message_type,
            size: m.size,
            time: m.time,
        }
    }
}

/// `05a1b2c3d4…e5f6` from a key's hex.
fn abbreviated(hex: &str) -> String {
    if hex.len() <= 16 {
        return hex.to_string();
    }
    format!("{}…{}", &hex[..10], &hex[hex.len() - 4..])
}

impl View {
    pub fn new(summary: RelaySummary, activity: &Activity, relay: &str, started: u64) -> Self {
        let mut addresses = activity.addresses();
        let mut learns = summary.learns();
        for (name, seen) in &addresses {
            let list: Vec<&str> = seen.iter().map(|s| s.address.as_str()).collect();
            learns.push(format!("{name} connects from {}", list.join(", ")));
        }
        learns.push("when each person is online, from the times of their requests".into());
        let summary = summary.redacted();
        let users = summary
            .users
            .into_iter()
            .map(|u| UserView {
                addresses: addresses.remove(&u.name).unwrap_or_default(),
                identity_key: u.identity_key.as_deref().map(abbreviated),
                prekeys_left: u.prekeys_left,
                waiting: u.waiting.into_iter().map(MessageView::from).collect(),
                name: u.name,
            })
            .collect();
        Self {
            relay: relay.to_string(),
            started,
            now: now(),
            users,
            blobs: summary.blobs,
            refused: summary.refused,
            transfers: activity.transfers(),
            events: activity.latest(EVENTS_SHOWN),
            learns,
            cannot: CANNOT_SEE.to_vec(),
            can_do: CAN_STILL_DO.to_vec(),
        }
    }
}
