//! The same handshake as libsignal itself runs it, through its public API:
//! `process_prekey_bundle`, `message_encrypt`, `message_decrypt`. The truth
//! check then compares libsignal's sessions with the staged values.

use std::time::{Duration, SystemTime};

use futures::executor::block_on;
use libsignal_protocol::{
    CiphertextMessage, DeviceId, InMemSignalProtocolStore, KyberPreKeyStore, PreKeySignalMessage,
    PreKeyStore, ProtocolAddress, SessionRecord, SessionStore, SignalProtocolError,
    SignedPreKeyStore, message_decrypt, message_encrypt, process_prekey_bundle,
};
use rand::{CryptoRng, Rng};

use super::bundle::DEVICE_ID;
use super::keys::{AliceKeys, BobKeys, DEMO_EPOCH_MILLIS};

/// The fixed "now" of every run, so a seed fixes every byte.
pub fn demo_now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_millis(DEMO_EPOCH_MILLIS)
}

pub fn address(name: &str) -> ProtocolAddress {
    let device = DeviceId::new(DEVICE_ID).expect("device 1 is valid");
    ProtocolAddress::new(name.to_string(), device)
}

/// Bob's libsignal store, holding his identity and the prekeys he published.
pub fn bob_store(bob: &BobKeys) -> Result<InMemSignalProtocolStore, SignalProtocolError> {
    let mut store = InMemSignalProtocolStore::new(bob.identity, bob.registration_id)?;
    block_on(async {
        store
            .save_signed_pre_key(bob.signed_prekey_id, &bob.signed_prekey_record())
            .await?;
        store
            .save_kyber_pre_key(bob.kyber_prekey_id, &bob.kyber_prekey_record())
            .await?;
        if let Some(record) = bob.one_time_prekey_record() {
            let (id, _) = bob.one_time_prekey.as_ref().expect("record implies key");
            store.save_pre_key(*id, &record).await?;
        }
        Ok::<_, SignalProtocolError>(())
    })?;
    Ok(store)
}

/// What libsignal's side of the run produced.
pub struct LibsignalRun {
    /// Alice's session right after `process_prekey_bundle` (before any message).
    pub alice_session: SessionRecord,
    /// The first message, serialized exactly as it goes to the server.
    pub prekey_message: Vec<u8>,
    /// Bob's session after decrypting it.
    pub bob_session: SessionRecord,
    pub bob_plaintext: Vec<u8>,
    /// With a one-time prekey: whether Bob's store no longer has it after the decrypt.
    pub one_time_prekey_deleted: Option<bool>,
    /// Both stores as the handshake left them, so that a conversation can go on
    /// with the very sessions that produced the first message.
    pub alice_store: InMemSignalProtocolStore,
    pub bob_store: InMemSignalProtocolStore,
}

/// Runs Alice's side (bundle → session → first message) and Bob's side
/// (message → session → plaintext) with libsignal's own functions.
///
/// `rng` must be in the state the staged run was in just before it generated
/// EK_A: libsignal then draws the same EK_A and the same encapsulation.
pub fn run<R: Rng + CryptoRng>(
    alice: &AliceKeys,
    bob: &BobKeys,
    bundle: &libsignal_protocol::PreKeyBundle,
    plaintext: &[u8],
    rng: &mut R,
) -> Result<LibsignalRun, SignalProtocolError> {
    let alice_address = address("alice");
    let bob_address = address("bob");
    let mut alice_store = InMemSignalProtocolStore::new(alice.identity, alice.registration_id)?;
    let mut bob_store = bob_store(bob)?;

    // `move`: the stores end up in the result.
    block_on(async move {
        process_prekey_bundle(
            &bob_address,
            &mut alice_store.session_store,
            &mut alice_store.identity_store,
            bundle,
            demo_now(),
            rng,
        )
        .await?;
        let alice_session = alice_store
            .load_session(&bob_address)
            .await?
            .ok_or_else(|| SignalProtocolError::SessionNotFound(bob_address.clone()))?;

        let message = message_encrypt(
            plaintext,
            &bob_address,
            &mut alice_store.session_store,
            &mut alice_store.identity_store,
            demo_now(),
            rng,
        )
        .await?;
        let prekey_message = message.serialize().to_vec();

        // Bob parses the bytes as they arrive from the server.
        let received = CiphertextMessage::PreKeySignalMessage(PreKeySignalMessage::try_from(
            prekey_message.as_slice(),
        )?);
        let bob_plaintext = message_decrypt(
            &received,
            &alice_address,
            &mut bob_store.session_store,
            &mut bob_store.identity_store,
            &mut bob_store.pre_key_store,
            &bob_store.signed_pre_key_store,
            &mut bob_store.kyber_pre_key_store,
            rng,
        )
        .await?;
        let bob_session = bob_store
            .load_session(&alice_address)
            .await?
            .ok_or_else(|| SignalProtocolError::SessionNotFound(alice_address.clone()))?;
        let one_time_prekey_deleted = match &bob.one_time_prekey {
            Some((id, _)) => Some(bob_store.get_pre_key(*id).await.is_err()),
            None => None,
        };

        Ok(LibsignalRun {
            alice_session,
            prekey_message,
            bob_session,
            bob_plaintext,
            one_time_prekey_deleted,
            alice_store,
            bob_store,
        })
    })
}
