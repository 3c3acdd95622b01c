//! The layer under `send` and `receive`: one person's libsignal sessions,
//! used through the relay.
//!
//! An [`Account`] is what a command holds while it runs: the person's home
//! (keys and sessions, loaded once), the relay, a clock and a random number
//! generator. On it, a message is posted on a session ([`Account::post`]);
//! the messages waiting in the inbox are read ([`Account::read_envelope`]),
//! decrypted ([`Account::open_message`]) and, once what they carry is safe,
//! accepted ([`Account::accept`]).
//!
//! Opening is a transaction: libsignal's stores change on a copy, and the
//! copy replaces the person's state only when the message is accepted. A
//! message that is never accepted changes nothing and stays on the relay.
//! Accepting also records the message in the home (`received.rs`), so that
//! seeing it again is recognised as "already received", not as an attack.
//!
//! The account holds the home's lock (`lock.rs`) for as long as it lives.

use std::path::Path;
use std::time::{Duration, SystemTime};

use futures::executor::block_on;
use libsignal_protocol::{
    CiphertextMessage, PreKeySignalMessage, SessionStore, SessionUsabilityRequirements,
    SignalMessage, SignalProtocolError, message_decrypt, message_encrypt, process_prekey_bundle,
};
use rand::{CryptoRng, Rng};

use super::envelope::{Envelope, Kind, MessageType};
use super::error::ShareError;
use super::home::{Home, HomeError};
use super::interrupt;
use super::names::Name;
use super::pointer::{Body, Content};
use super::received::{self, Entry};
use super::relay::Relay;
use super::store::Stores;
use crate::engine::{address, fetch_and_verify};

/// Where libsignal's notion of "now" comes from. libsignal records when a
/// first contact began (`set_unacknowledged_pre_key_message`, libsignal
/// `src/session.rs:237`) and stops sending its PQXDH data 30 days after it
/// if no answer came (`src/session_cipher.rs:74`). Real use passes
/// `SystemTime::now`; a seeded run passes a fixed instant such as
/// `engine::demo_now`, so that every laptop computes the same bytes.
pub type Clock = fn() -> SystemTime;

/// One person's side of the relay for the length of a command.
pub struct Account<'a> {
    home: Home,
    relay: &'a dyn Relay,
    clock: Clock,
    rng: &'a mut dyn CryptoRng,
}

/// What [`Account::start_session`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FirstContact {
    /// Whether the relay's bundle carried a one-time prekey OPK_B (so DH4 was used).
    pub used_one_time_prekey: bool,
}

/// A message on the relay: its id there, and the envelope posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posted {
    pub message_id: String,
    pub envelope: Envelope,
}

/// A message decrypted on a copy of the person's state. Nothing of it is
/// kept until it is given to [`Account::accept`]; dropped, it leaves the
/// state as it was.
pub struct Opened {
    /// The sender, as the envelope and the encrypted content both say.
    pub from: Name,
    pub content: Content,
    /// libsignal's stores as this message leaves them (the session moved on,
    /// a one-time prekey used up, a first message's EK_A remembered).
    state: Stores,
    /// The message's key in the home's record of received messages.
    digest: String,
}

impl<'a> Account<'a> {
    /// Loads NAME's home from `homes` for a command that uses `relay`.
    pub fn load(
        homes: &Path,
        name: &str,
        relay: &'a dyn Relay,
        clock: Clock,
        rng: &'a mut dyn CryptoRng,
    ) -> Result<Self, ShareError> {
        let home = Home::load(homes, &Name::new(name)?)?;
        Ok(Self::with_home(home, relay, clock, rng))
    }

    /// Like [`Account::load`], but if another command holds the home, waits
    /// for it (calling `on_wait` before each pause) instead of failing with
    /// [`HomeError::Busy`]. Ctrl-C ends the wait (`interrupt.rs`).
    pub fn load_waiting(
        homes: &Path,
        name: &str,
        relay: &'a dyn Relay,
        clock: Clock,
        rng: &'a mut dyn CryptoRng,
        on_wait: &mut dyn FnMut(),
    ) -> Result<Self, ShareError> {
        let name = Name::new(name)?;
        let home = loop {
            match Home::load(homes, &name) {
                Err(HomeError::Busy { .. }) => {
                    if interrupt::requested() {
                        return Err(ShareError::Interrupted);
                    }
                    on_wait();
                    // A little randomness, so that waiting commands do not retry in step.
                    let pause = rand::rng().random_range(10..40);
                    std::thread::sleep(Duration::from_millis(pause));
                }
                other => break other?,
            }
        };
        Ok(Self::with_home(home, relay, clock, rng))
    }

    /// The account of a loaded home. The relay may act for its owner from
    /// now on (a network relay signs with the identity key; `Relay::sign_as`).
    fn with_home(
        home: Home,
        relay: &'a dyn Relay,
        clock: Clock,
        rng: &'a mut dyn CryptoRng,
    ) -> Self {
        relay.sign_as(home.name.as_str(), &home.stores.identities.key_pair);
        Self {
            home,
            relay,
            clock,
            rng,
        }
    }

    pub fn name(&self) -> &Name {
        &self.home.name
    }

    /// The home as loaded (and as saved since).
    pub fn home(&self) -> &Home {
        &self.home
    }

    /// The home, for the commands that change keys (`publish`, `trust`).
    pub(super) fn home_mut(&mut self) -> &mut Home {
        &mut self.home
    }

    pub fn relay(&self) -> &'a dyn Relay {
        self.relay
    }

    /// The command's random number generator, for what the workflows draw
    /// themselves (a file's key, a blob's id).
    pub fn rng(&mut self) -> &mut dyn CryptoRng {
        self.rng
    }

    /// Fails unless the home can be saved now: checked before a command
    /// starts anything it would then be unable to record.
    pub fn check_home_writable(&self) -> Result<(), ShareError> {
        Ok(self.home.check_writable()?)
    }

    /// Whether there is a session with `peer` to send on. (A session whose
    /// state was archived, after `share trust` accepted a new key, is not.)
    pub fn has_session(&self, peer: &Name) -> Result<bool, ShareError> {
        let session = block_on(
            self.home
                .stores
                .sessions
                .load_session(&address(peer.as_str())),
        )?;
        Ok(match session {
            Some(record) => record
                .has_usable_sender_chain((self.clock)(), SessionUsabilityRequirements::empty())?,
            None => false,
        })
    }

    /// First contact: PQXDH with `peer`'s bundle from the relay, after
    /// checking its signatures. The new session is saved with the first
    /// message posted on it.
    pub fn start_session(&mut self, peer: &Name) -> Result<FirstContact, ShareError> {
        let bytes = self.relay.fetch_bundle(peer.as_str())?;
        let bundle = fetch_and_verify(&bytes).map_err(|source| ShareError::Bundle {
            name: peer.to_string(),
            source,
        })?;
        let used_one_time_prekey = bundle.pre_key_id()?.is_some();
        let stores = &mut self.home.stores;
        block_on(process_prekey_bundle(
            &address(peer.as_str()),
            &mut stores.sessions,
            &mut stores.identities,
            &bundle,
            (self.clock)(),
            &mut self.rng,
        ))
        .map_err(|e| match e {
            SignalProtocolError::UntrustedIdentity(_) => ShareError::IdentityChanged {
                name: peer.to_string(),
                me: self.home.name.to_string(),
            },
            e => e.into(),
        })?;
        Ok(FirstContact {
            used_one_time_prekey,
        })
    }

    /// Encrypts `body` for `to` on the session, saves the advanced session,
    /// and posts the message to the relay.
    pub fn post(&mut self, to: &Name, body: Body) -> Result<Posted, ShareError> {
        // The envelope's kind is what the relay sees; it follows the body.
        let kind = match body {
            Body::File(_) => Kind::File,
            Body::Receipt { .. } => Kind::Receipt,
        };
        let content = Content {
            from: self.name().to_string(),
            to: to.to_string(),
            body,
        };
        let stores = &mut self.home.stores;
        let message = block_on(message_encrypt(
            &content.encode(),
            &address(to.as_str()),
            &mut stores.sessions,
            &mut stores.identities,
            (self.clock)(),
            &mut self.rng,
        ))?;
        let envelope = Envelope {
            from: content.from,
            to: content.to,
            kind,
            message_type: match message {
                CiphertextMessage::PreKeySignalMessage(_) => MessageType::PreKey,
                _ => MessageType::Whisper,
            },
            message: message.serialize().to_vec(),
        };
        // The advanced session is saved before the message leaves: if posting
        // fails, the recipient merely never sees one message number, which
        // libsignal tolerates; the reverse order could reuse a message key.
        // The save also refuses if another command changed the state meanwhile.
        self.home.save()?;
        let message_id = self.relay.post(to.as_str(), &envelope.encode())?;
        Ok(Posted {
            message_id,
            envelope,
        })
    }

    /// Ids of the messages waiting for this person, oldest first.
    pub fn inbox(&self) -> Result<Vec<String>, ShareError> {
        Ok(self.relay.inbox(self.name().as_str())?)
    }

    /// Reads one waiting message's envelope (what the relay sees of it).
    pub fn read_envelope(&self, message_id: &str) -> Result<Envelope, ShareError> {
        let bytes = self.relay.read(self.name().as_str(), message_id)?;
        Envelope::decode(&bytes).map_err(|source| ShareError::Malformed {
            what: "envelope",
            source,
        })
    }

    /// The home's record of this envelope's message, if the home accepted
    /// exactly this message before.
    pub fn already_received(&self, envelope: &Envelope) -> Option<Entry> {
        self.home.received.find(&envelope.message).cloned()
    }

    /// Decrypts an envelope's libsignal message on a copy of the state and
    /// checks that the names inside match the envelope.
    pub fn open_message(&mut self, envelope: &Envelope) -> Result<Opened, ShareError> {
        if envelope.to != self.name().as_str() {
            return Err(ShareError::NotForMe {
                to: envelope.to.clone(),
                me: self.name().to_string(),
            });
        }
        let from = Name::new(&envelope.from)?;
        let malformed = |e: SignalProtocolError| ShareError::Decrypt {
            from: envelope.from.clone(),
            source: e,
        };
        let message = match envelope.message_type {
            MessageType::PreKey => CiphertextMessage::PreKeySignalMessage(
                PreKeySignalMessage::try_from(envelope.message.as_slice()).map_err(malformed)?,
            ),
            MessageType::Whisper => CiphertextMessage::SignalMessage(
                SignalMessage::try_from(envelope.message.as_slice()).map_err(malformed)?,
            ),
        };
        let mut state = self.home.stores.clone();
        let plaintext = block_on(message_decrypt(
            &message,
            &address(from.as_str()),
            &mut state.sessions,
            &mut state.identities,
            &mut state.pre_keys,
            &state.signed_pre_keys,
            &mut state.kyber_pre_keys,
            &mut self.rng,
        ))
        .map_err(|e| match e {
            // Raised from the message counter before the MAC is checked: the
            // exact message received before was recognised by the caller
            // (`already_received`), so this one is not it.
            SignalProtocolError::DuplicatedMessage(..) => ShareError::Duplicated {
                from: envelope.from.clone(),
            },
            // A first message's EK_A already seen, raised after the MAC
            // verified (`KyberPreKeys::mark_kyber_pre_key_used`): a genuine
            // first message again, in other bytes.
            SignalProtocolError::InvalidMessage(_, "reused base key") => ShareError::Replay {
                from: envelope.from.clone(),
            },
            SignalProtocolError::UntrustedIdentity(_) => ShareError::IdentityChanged {
                name: envelope.from.clone(),
                me: self.home.name.to_string(),
            },
            e => ShareError::Decrypt {
                from: envelope.from.clone(),
                source: e,
            },
        })?;
        let content = Content::decode(&plaintext).map_err(|source| ShareError::Malformed {
            what: "decrypted message",
            source,
        })?;
        if content.from != envelope.from || content.to != envelope.to {
            return Err(ShareError::Relabelled {
                envelope: format!("{} → {}", envelope.from, envelope.to),
                inside: format!("{} → {}", content.from, content.to),
            });
        }
        Ok(Opened {
            from,
            content,
            state,
            digest: received::digest(&envelope.message),
        })
    }

    /// Keeps what opening the message did to the state, records the message
    /// as received, and saves both. The message stays on the relay until
    /// [`Account::remove`].
    pub fn keep(&mut self, opened: Opened) -> Result<(), ShareError> {
        let blob_id = match &opened.content.body {
            Body::File(pointer) => Some(pointer.blob_id.clone()),
            Body::Receipt { .. } => None,
        };
        let before = (self.home.stores.clone(), self.home.received.clone());
        self.home.stores = opened.state;
        self.home.received.add(Entry {
            digest: opened.digest,
            from: opened.from.to_string(),
            blob_id,
        });
        if let Err(e) = self.home.save() {
            // Not saved: the account goes on with the state on disk.
            (self.home.stores, self.home.received) = before;
            return Err(e.into());
        }
        Ok(())
    }

    /// Removes a message from this person's inbox on the relay.
    pub fn remove(&self, message_id: &str) -> Result<(), ShareError> {
        Ok(self.relay.delete(self.name().as_str(), message_id)?)
    }

    /// [`Account::keep`], then [`Account::remove`].
    pub fn accept(&mut self, message_id: &str, opened: Opened) -> Result<(), ShareError> {
        self.keep(opened)?;
        self.remove(message_id)
    }

    /// Processes the delivery receipts waiting (only those from `from`, if
    /// given) and returns how many. A receipt also tells libsignal that the
    /// peer has the session, so the next message can be a plain
    /// SignalMessage. Receipts that fail are left for `receive` to report.
    pub fn process_receipts(&mut self, from: Option<&Name>) -> Result<usize, ShareError> {
        let mut done = 0;
        for id in self.inbox()? {
            let Ok(envelope) = self.read_envelope(&id) else {
                continue;
            };
            if envelope.kind != Kind::Receipt || from.is_some_and(|f| f.as_str() != envelope.from) {
                continue;
            }
            // A receipt processed before whose deletion did not happen.
            if self.already_received(&envelope).is_some() {
                let _ = self.remove(&id);
                continue;
            }
            let Ok(opened) = self.open_message(&envelope) else {
                continue;
            };
            if matches!(opened.content.body, Body::Receipt { .. }) {
                self.accept(&id, opened)?;
                done += 1;
            }
        }
        Ok(done)
    }
}
