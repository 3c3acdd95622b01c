//! SPQR's state in words: version negotiation, the epoch, and where the ML-KEM
//! Braid stands. Read with the spqr crate's public API (`current_version`) and
//! its published protobuf types; the state names are spqr's own
//! (spqr src/proto/pq_ratchet.proto, spqr src/v1/chunked/states.rs).
//!
//! In each epoch one side makes an ML-KEM-768 key pair and sends the key in
//! 32-byte chunks ("send_ek"); the other encapsulates to it and sends the
//! ciphertext back in chunks ("send_ct"). Fresh randomness enters twice: when
//! the key pair is drawn (spqr src/v1/chunked/states.rs:120-131) and when the
//! encapsulating side draws the epoch's secret, which it holds from then on
//! (:197-208). The other side has the secret once the whole ciphertext is in
//! (:328-337); then the roles swap for the next epoch (:336, :452).

use spqr::proto::pq_ratchet::v1_state::InnerState;
use spqr::proto::pq_ratchet::{Version, pq_ratchet_state::Inner};

use super::spqr_chain::decode_state;
use super::spqr_message::{self, SpqrMessage};

/// What one message shows of SPQR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpqrView {
    /// e.g. "still negotiating (offers V1, accepts V0)".
    pub negotiation: String,
    /// The epoch the Braid is working on (its secret is not agreed yet).
    pub braid_epoch: Option<u64>,
    /// The newest epoch whose secret the sender's key chain already has.
    pub chain_epoch: Option<u64>,
    /// spqr's name for the Braid state, e.g. "HeaderSent".
    pub braid_state: &'static str,
    /// What that state means, in words.
    pub braid_words: &'static str,
    /// The SPQR message this message carries (decoded), if any.
    pub message: Option<SpqrMessage>,
    /// Length of SignalMessage field 5.
    pub message_len: usize,
}

fn negotiation(state: &[u8]) -> String {
    match spqr::current_version(&state.to_vec()) {
        Ok(spqr::CurrentVersion::StillNegotiating {
            version,
            min_version,
        }) => format!(
            "version still negotiating (offers {}, would accept {})",
            version_name(version),
            version_name(min_version)
        ),
        Ok(spqr::CurrentVersion::NegotiationComplete(version)) => {
            format!("version negotiated: {}", version_name(version))
        }
        Err(e) => format!("unreadable state ({e})"),
    }
}

fn version_name(v: Version) -> &'static str {
    match v {
        Version::V0 => "V0, no SPQR",
        Version::V1 => "V1",
    }
}

/// (spqr's state name, what it means, the Braid epoch).
fn braid(state: &InnerState) -> (&'static str, &'static str, Option<u64>) {
    use InnerState::*;
    match state {
        KeysUnsampled(s) => (
            "KeysUnsampled",
            "makes this epoch's ML-KEM key: its next message draws a new key pair",
            s.uc.as_ref().map(|u| u.epoch),
        ),
        KeysSampled(s) => (
            "KeysSampled",
            "sending the new key's header in chunks, waiting for ct1",
            s.uc.as_ref().map(|u| u.epoch),
        ),
        HeaderSent(s) => (
            "HeaderSent",
            "header through; sending the encapsulation key in chunks, collecting ct1",
            s.uc.as_ref().map(|u| u.epoch),
        ),
        Ct1Received(s) => (
            "Ct1Received",
            "ct1 complete; still sending the encapsulation key, acknowledging ct1",
            s.uc.as_ref().map(|u| u.epoch),
        ),
        EkSentCt1Received(s) => (
            "EkSentCt1Received",
            "key sent, ct1 in; collecting ct2 to decapsulate the epoch's secret",
            s.uc.as_ref().map(|u| u.epoch),
        ),
        NoHeaderReceived(s) => (
            "NoHeaderReceived",
            "encapsulates this epoch: collecting the other side's key header",
            s.uc.as_ref().map(|u| u.epoch),
        ),
        HeaderReceived(s) => (
            "HeaderReceived",
            "header complete: its next message encapsulates (draws the epoch's secret, sends ct1)",
            s.uc.as_ref().map(|u| u.epoch),
        ),
        Ct1Sampled(s) => (
            "Ct1Sampled",
            "secret drawn; sending ct1 in chunks, collecting the encapsulation key",
            s.uc.as_ref().map(|u| u.epoch),
        ),
        EkReceivedCt1Sampled(s) => (
            "EkReceivedCt1Sampled",
            "key complete; sending ct1 until it is acknowledged",
            s.uc.as_ref().map(|u| u.epoch),
        ),
        Ct1Acknowledged(s) => (
            "Ct1Acknowledged",
            "ct1 acknowledged; still collecting the encapsulation key",
            s.uc.as_ref().map(|u| u.epoch),
        ),
        Ct2Sampled(s) => (
            "Ct2Sampled",
            "sending ct2 in chunks; the other side gets the secret when it is through",
            s.uc.as_ref().map(|u| u.epoch),
        ),
    }
}

/// Describes a party's SPQR state (as it is after this message) and the SPQR
/// message the message carries.
pub fn describe(state: &[u8], pq_message: &[u8]) -> SpqrView {
    let decoded = decode_state(state);
    let inner = decoded.as_ref().and_then(|s| match &s.inner {
        Some(Inner::V1(v1)) => v1.inner_state.as_ref(),
        None => None,
    });
    let (braid_state, braid_words, braid_epoch) = match inner {
        Some(inner) => braid(inner),
        None => ("none", "SPQR is not in use in this session", None),
    };
    SpqrView {
        negotiation: if state.is_empty() {
            "off (V0)".to_string()
        } else {
            negotiation(state)
        },
        braid_epoch,
        chain_epoch: decoded
            .as_ref()
            .and_then(|s| s.chain.as_ref())
            .map(|c| c.current_epoch),
        braid_state,
        braid_words,
        message: spqr_message::decode(pq_message),
        message_len: pq_message.len(),
    }
}
