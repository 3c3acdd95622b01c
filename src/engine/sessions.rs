//! The handshake's libsignal sessions, handed on: what happens after PQXDH
//! continues from the very stores and random stream that produced the
//! transcript's first message, so the same seed gives the same bytes.

use libsignal_protocol::{InMemSignalProtocolStore, SessionRecord};
use rand_chacha::ChaCha20Rng;

use super::keys::{AliceKeys, BobKeys};
use super::{
    ALICE_STREAM, BOB_STREAM, EngineError, FIRST_MESSAGE_TEXT, HANDSHAKE_STREAM, RunOptions,
    ServerBundle, bundle, libsignal_run, rng_stream,
};

/// Alice's and Bob's libsignal state right after the first message.
pub struct HandshakeSessions {
    pub alice_store: InMemSignalProtocolStore,
    pub bob_store: InMemSignalProtocolStore,
    /// Alice's session before she encrypted the first message (her first
    /// ratchet key and sending chain are already in it).
    pub alice_session_before_first_message: SessionRecord,
    /// The first message, exactly as the transcript's `prekey_message`.
    pub prekey_message: Vec<u8>,
    /// What Bob's libsignal decrypted from it.
    pub bob_plaintext: Vec<u8>,
    /// The handshake stream where libsignal left it: every later random
    /// choice (new ratchet keys, SPQR's ML-KEM keys) comes from here.
    pub rng: ChaCha20Rng,
}

/// Runs the seed's handshake through libsignal's session API, as [`super::run`]
/// does (same keys, same bundle, same stream), and keeps the sessions.
pub fn handshake_sessions(options: RunOptions) -> Result<HandshakeSessions, EngineError> {
    let bob = BobKeys::generate(
        &mut rng_stream(options.seed, BOB_STREAM),
        options.one_time_prekey,
    )?;
    let alice = AliceKeys::generate(&mut rng_stream(options.seed, ALICE_STREAM));
    let fetched_bundle = bundle::fetch_and_verify(&ServerBundle::from_bob(&bob).encode())?;
    let mut rng = rng_stream(options.seed, HANDSHAKE_STREAM);
    let run = libsignal_run::run(
        &alice,
        &bob,
        &fetched_bundle,
        FIRST_MESSAGE_TEXT.as_bytes(),
        &mut rng,
    )?;
    Ok(HandshakeSessions {
        alice_store: run.alice_store,
        bob_store: run.bob_store,
        alice_session_before_first_message: run.alice_session,
        prekey_message: run.prekey_message,
        bob_plaintext: run.bob_plaintext,
        rng,
    })
}
