//! `share trust`: accepting a changed identity key, after comparing safety
//! numbers.
//!
//! A home remembers each name's identity key the first time and refuses a
//! different one later (`store.rs`): a relay substituting keys looks exactly
//! like that. So does someone who reinstalled and has new keys. Only the two
//! people can tell which, by comparing the new safety number over a channel
//! the relay does not control; then the new key is accepted here, and the
//! session built on the old key is archived (libsignal's
//! `SessionRecord::archive_current_state`), so that the next message starts
//! a new one with PQXDH.
//!
//! The new key can only come from where the relay offers it: the name's
//! current bundle, or a first message (PreKeySignalMessage) from the name
//! waiting in the inbox, which carries the sender's identity key IK_A. Each
//! different key offered is listed with its number; the one accepted is the
//! one whose number the person typed.

use futures::executor::block_on;
use libsignal_protocol::{IdentityKey, PreKeySignalMessage, SessionStore};

use super::envelope::MessageType;
use super::error::ShareError;
use super::names::Name;
use super::safety::{SafetyNumber, known_key, own_key};
use super::session::Account;
use crate::engine::{address, fetch_and_verify};

/// Where a key was offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The name's bundle on the relay.
    Bundle,
    /// A first message in the inbox, by relay message id.
    Message(String),
}

/// A key offered for the name that is not the one the home knows.
#[derive(Debug, Clone)]
pub struct Offered {
    pub identity_key: IdentityKey,
    pub safety_number: SafetyNumber,
    pub seen_in: Vec<Source>,
}

/// What the home knows of a name, and what the relay offers instead.
#[derive(Debug, Clone)]
pub struct Review {
    pub known: Option<(IdentityKey, SafetyNumber)>,
    pub offered: Vec<Offered>,
}

/// Lists the identity keys offered for `peer` that differ from the one the
/// home knows, with their safety numbers. Changes nothing.
pub fn review(account: &Account, peer: &Name) -> Result<Review, ShareError> {
    let me = account.name();
    let mine = own_key(account);
    let number = |key: &IdentityKey| SafetyNumber::compute(me, &mine, peer, key);
    let known = known_key(account, peer);
    let mut offered: Vec<Offered> = Vec::new();
    let mut offer = |key: IdentityKey, source: Source| -> Result<(), ShareError> {
        if Some(key) == known {
            return Ok(());
        }
        match offered.iter_mut().find(|o| o.identity_key == key) {
            Some(o) => o.seen_in.push(source),
            None => offered.push(Offered {
                identity_key: key,
                safety_number: number(&key)?,
                seen_in: vec![source],
            }),
        }
        Ok(())
    };
    // A bundle whose signatures do not verify offers nothing.
    if let Some(bytes) = account.relay().peek_bundle(peer.as_str())? {
        let verified = fetch_and_verify(&bytes).ok();
        if let Some(key) = verified.as_ref().and_then(|b| b.identity_key().ok()) {
            offer(*key, Source::Bundle)?;
        }
    }
    for id in account.inbox()? {
        let Ok(envelope) = account.read_envelope(&id) else {
            continue;
        };
        if envelope.from != peer.as_str() || envelope.message_type != MessageType::PreKey {
            continue;
        }
        if let Ok(message) = PreKeySignalMessage::try_from(envelope.message.as_slice()) {
            offer(*message.identity_key(), Source::Message(id))?;
        }
    }
    let known = match known {
        Some(key) => Some((key, number(&key)?)),
        None => None,
    };
    Ok(Review { known, offered })
}

/// Accepts, for `peer`, the offered key whose safety number is `number`:
/// the home now trusts it, and the session on the old key is archived.
pub fn accept(
    account: &mut Account,
    peer: &Name,
    number: &SafetyNumber,
) -> Result<Offered, ShareError> {
    account.check_home_writable()?;
    let chosen = review(account, peer)?
        .offered
        .into_iter()
        .find(|o| &o.safety_number == number)
        .ok_or_else(|| ShareError::NoSuchNumber {
            me: account.name().to_string(),
            peer: peer.to_string(),
            number: number.to_string(),
        })?;
    let home = account.home_mut();
    let stores = &mut home.stores;
    let address = address(peer.as_str());
    if let Some(mut record) = block_on(stores.sessions.load_session(&address))? {
        record.archive_current_state()?;
        block_on(stores.sessions.store_session(&address, &record))?;
    }
    stores
        .identities
        .known
        .insert(peer.to_string(), chosen.identity_key);
    home.save()?;
    Ok(chosen)
}
