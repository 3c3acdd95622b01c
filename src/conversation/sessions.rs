//! The conversation through libsignal's own sessions: every message is
//! encrypted with `message_encrypt` and decrypted with `message_decrypt`, in
//! the order the schedule says. Around each call the run notes what
//! libsignal's sessions report, so the recomputation can be checked against it.

use futures::executor::block_on;
use libsignal_protocol::{
    CiphertextMessage, InMemSignalProtocolStore, PreKeySignalMessage, ProtocolAddress, PublicKey,
    SessionRecord, SessionStore, SignalMessage, SignalProtocolError, message_decrypt,
    message_encrypt,
};
use rand_chacha::ChaCha20Rng;

use crate::engine::{FIRST_MESSAGE_TEXT, HandshakeSessions, address, demo_now};

use super::ConversationError;
use super::message::MessageKind;
use super::options::{Compromise, Party};
use super::schedule::{Event, Schedule};
use super::session_fields::{self, SessionFields};

/// What the sender's libsignal did for one message.
#[derive(Debug, Clone)]
pub struct Sent {
    pub kind: MessageKind,
    /// The serialized message, as the server gets it.
    pub wire: Vec<u8>,
    pub plaintext: String,
    /// The sender's session just before `message_encrypt`.
    pub sender_before: SessionFields,
    /// `SessionRecord::get_sender_chain_key_bytes()` just before `message_encrypt`.
    pub sender_chain_key: Vec<u8>,
    /// The sender's SPQR state just after.
    pub sender_pq_after: Vec<u8>,
}

/// What the receiver's libsignal did with it.
#[derive(Debug, Clone)]
pub struct Delivered {
    /// What `message_decrypt` returned.
    pub decrypted: Vec<u8>,
    /// The receiver's session just before and just after `message_decrypt`
    /// (before the first message Bob has no session: empty fields).
    pub before: SessionFields,
    pub after: SessionFields,
    /// `get_receiver_chain_key_bytes(ratchet key)` just after.
    pub receiver_chain_key: Option<Vec<u8>>,
    /// `get_sender_chain_key_bytes()` just after.
    pub sender_chain_key: Vec<u8>,
}

/// Everything libsignal reported, by message (`sent[i - 1]` is message i).
#[derive(Debug, Clone)]
pub struct Evidence {
    pub sent: Vec<Sent>,
    pub delivered: Vec<Delivered>,
    /// The compromised party's whole session, serialized, at the moment of theft.
    pub stolen: Option<Vec<u8>>,
}

/// The plaintext of message `index` (message 1 is the handshake's).
pub fn plaintext(index: usize, from: Party) -> String {
    const LINES: [&str; 8] = [
        "Got it, thanks.",
        "Are we still on for Friday?",
        "Yes: seven o'clock, usual place.",
        "Bring the notes from Tuesday.",
        "Will do. Any news from the lab?",
        "The results came in this morning.",
        "Tell me everything later.",
        "See you soon.",
    ];
    if index == 1 {
        return FIRST_MESSAGE_TEXT.to_string();
    }
    format!(
        "{} ({}, message {index})",
        LINES[index % LINES.len()],
        from.name()
    )
}

struct Sides {
    alice: InMemSignalProtocolStore,
    bob: InMemSignalProtocolStore,
    rng: ChaCha20Rng,
}

impl Sides {
    fn store(&mut self, party: Party) -> &mut InMemSignalProtocolStore {
        match party {
            Party::Alice => &mut self.alice,
            Party::Bob => &mut self.bob,
        }
    }
}

/// The address under which `party` keeps its session with the other.
fn peer_address(party: Party) -> ProtocolAddress {
    address(&party.peer().to_string())
}

fn load(
    store: &mut InMemSignalProtocolStore,
    party: Party,
) -> Result<SessionRecord, SignalProtocolError> {
    let peer = peer_address(party);
    block_on(store.load_session(&peer))?.ok_or(SignalProtocolError::SessionNotFound(peer))
}

fn fields(record: &SessionRecord) -> Result<SessionFields, SignalProtocolError> {
    Ok(session_fields::read(&record.serialize()?))
}

fn pq_state(record: &SessionRecord) -> Vec<u8> {
    record.current_pq_state().cloned().unwrap_or_default()
}

fn send(sides: &mut Sides, index: usize, from: Party) -> Result<Sent, SignalProtocolError> {
    let text = plaintext(index, from);
    let Sides { alice, bob, rng } = sides;
    let store = match from {
        Party::Alice => alice,
        Party::Bob => bob,
    };
    let before = load(store, from)?;
    let sender_chain_key = before.get_sender_chain_key_bytes()?;
    let sender_before = fields(&before)?;
    let message = block_on(message_encrypt(
        text.as_bytes(),
        &peer_address(from),
        &mut store.session_store,
        &mut store.identity_store,
        demo_now(),
        rng,
    ))?;
    let kind = match &message {
        CiphertextMessage::PreKeySignalMessage(_) => MessageKind::PreKeySignalMessage,
        _ => MessageKind::SignalMessage,
    };
    Ok(Sent {
        kind,
        wire: message.serialize().to_vec(),
        plaintext: text,
        sender_before,
        sender_chain_key,
        sender_pq_after: pq_state(&load(store, from)?),
    })
}

fn deliver(sides: &mut Sides, sent: &Sent, to: Party) -> Result<Delivered, SignalProtocolError> {
    // The receiver parses the bytes as they arrive from the server.
    let (message, ratchet_key): (CiphertextMessage, PublicKey) = match sent.kind {
        MessageKind::PreKeySignalMessage => {
            let m = PreKeySignalMessage::try_from(sent.wire.as_slice())?;
            let key = *m.message().sender_ratchet_key();
            (CiphertextMessage::PreKeySignalMessage(m), key)
        }
        MessageKind::SignalMessage => {
            let m = SignalMessage::try_from(sent.wire.as_slice())?;
            let key = *m.sender_ratchet_key();
            (CiphertextMessage::SignalMessage(m), key)
        }
    };
    let Sides { alice, bob, rng } = sides;
    let store = match to {
        Party::Alice => alice,
        Party::Bob => bob,
    };
    let before = fields(&load(store, to)?)?;
    let decrypted = block_on(message_decrypt(
        &message,
        &peer_address(to),
        &mut store.session_store,
        &mut store.identity_store,
        &mut store.pre_key_store,
        &store.signed_pre_key_store,
        &mut store.kyber_pre_key_store,
        rng,
    ))?;
    let after = load(store, to)?;
    Ok(Delivered {
        decrypted,
        before,
        receiver_chain_key: after
            .get_receiver_chain_key_bytes(&ratchet_key)?
            .map(|k| k.to_vec()),
        sender_chain_key: after.get_sender_chain_key_bytes()?,
        after: fields(&after)?,
    })
}

/// Message 1 happened inside the handshake; its evidence comes from there.
fn first_message(h: &mut HandshakeSessions) -> Result<(Sent, Delivered), SignalProtocolError> {
    let alice_before = &h.alice_session_before_first_message;
    let bob_after = load(&mut h.bob_store, Party::Bob)?;
    let ratchet_key = PreKeySignalMessage::try_from(h.prekey_message.as_slice())?
        .message()
        .sender_ratchet_key()
        .to_owned();
    let sent = Sent {
        kind: MessageKind::PreKeySignalMessage,
        wire: h.prekey_message.clone(),
        plaintext: FIRST_MESSAGE_TEXT.to_string(),
        sender_before: fields(alice_before)?,
        sender_chain_key: alice_before.get_sender_chain_key_bytes()?,
        sender_pq_after: pq_state(&load(&mut h.alice_store, Party::Alice)?),
    };
    let delivered = Delivered {
        decrypted: h.bob_plaintext.clone(),
        before: SessionFields::default(),
        receiver_chain_key: bob_after
            .get_receiver_chain_key_bytes(&ratchet_key)?
            .map(|k| k.to_vec()),
        sender_chain_key: bob_after.get_sender_chain_key_bytes()?,
        after: fields(&bob_after)?,
    };
    Ok((sent, delivered))
}

fn failed(
    who: Party,
    doing: &'static str,
    index: usize,
) -> impl FnOnce(SignalProtocolError) -> ConversationError {
    move |source| ConversationError::Libsignal {
        who: who.name(),
        doing,
        index,
        source,
    }
}

/// Runs the schedule from the handshake's sessions on. With a compromise, the
/// victim's session is copied right after message `at` has been delivered.
pub fn run(
    mut handshake: HandshakeSessions,
    schedule: &Schedule,
    theft: Option<Compromise>,
) -> Result<Evidence, ConversationError> {
    let n = schedule.senders.len();
    let (first_sent, first_delivered) =
        first_message(&mut handshake).map_err(failed(Party::Alice, "send", 1))?;
    let mut sent: Vec<Option<Sent>> = vec![None; n];
    let mut delivered: Vec<Option<Delivered>> = vec![None; n];
    sent[0] = Some(first_sent);
    delivered[0] = Some(first_delivered);
    let mut sides = Sides {
        alice: handshake.alice_store,
        bob: handshake.bob_store,
        rng: handshake.rng,
    };
    let mut stolen = None;
    let mut steal = |sides: &mut Sides, index: usize| -> Result<(), ConversationError> {
        if let Some(t) = theft.filter(|t| t.at == index) {
            let record = load(sides.store(t.who), t.who)
                .and_then(|r| r.serialize())
                .map_err(failed(t.who, "copy the session after", index))?;
            stolen = Some(record);
        }
        Ok(())
    };
    steal(&mut sides, 1)?;

    for event in &schedule.events {
        match *event {
            // Message 1 was sent and delivered during the handshake.
            Event::Send(1) | Event::Deliver(1) => {}
            Event::Send(i) => {
                let from = schedule.sender(i);
                sent[i - 1] = Some(send(&mut sides, i, from).map_err(failed(from, "send", i))?);
            }
            Event::Deliver(i) => {
                let to = schedule.sender(i).peer();
                let message = sent[i - 1].as_ref().expect("sent before delivered");
                delivered[i - 1] =
                    Some(deliver(&mut sides, message, to).map_err(failed(to, "decrypt", i))?);
                steal(&mut sides, i)?;
            }
        }
    }
    Ok(Evidence {
        sent: sent
            .into_iter()
            .map(|s| s.expect("every message is sent"))
            .collect(),
        delivered: delivered
            .into_iter()
            .map(|d| d.expect("every message is delivered"))
            .collect(),
        stolen,
    })
}
