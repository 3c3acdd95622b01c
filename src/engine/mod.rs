//! The engine: one PQXDH run with the real libsignal, stage by stage.
//!
//! It takes a seed and options and returns a
//! [`Transcript`](crate::transcript::Transcript). It never prints and never
//! touches the terminal; every view renders what it returns.
//!
//! The run happens twice from the same random state: once step by step with
//! libsignal's primitives (so every intermediate value can be shown), and once
//! through libsignal's session API (so we can check that the step-by-step
//! values are exactly what libsignal itself computes).
//!
//! - `run.rs`: the run, top to bottom, as a story; `record.rs` records it and
//!   `steps.rs` holds the words of each step.
//! - `keys.rs`, `bundle.rs`, `kdf.rs`: the keys, the server's bundle, the KDF.
//! - `libsignal_run.rs`: the same handshake through libsignal's session API.
//! - `verify.rs` (with `session_state.rs`): the truth check;
//!   `scan.rs`: the wire scan; `wire.rs` (with `protobuf.rs`): byte dissection.

mod bundle;
pub mod kdf;
pub mod keys;
pub(crate) mod libsignal_run;
mod options;
pub(crate) mod record;
mod run;
mod scan;
pub(crate) mod session_state;
mod sessions;
mod steps;
pub(crate) mod verify;
pub mod wire;

/// Kept here too for the examples, which name the engine's constants.
pub use crate::transcript::KEM;
pub use bundle::{BundleError, ServerBundle, fetch_and_verify};
pub use libsignal_run::{address, bob_store, demo_now};
pub use options::{RunOptions, random_seed};
pub use run::{dh, run};
pub use scan::{KYBER_SK_SECRET_PARTS, Secret, WINDOW as SCAN_WINDOW, scan as scan_wire};
pub use sessions::{HandshakeSessions, handshake_sessions};

use libsignal_protocol::SignalProtocolError;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use thiserror::Error;

/// What Alice says in her first message.
pub const FIRST_MESSAGE_TEXT: &str = "Hello Bob! This is Alice, over PQXDH.";

/// Each party draws from its own ChaCha20 stream of the seed, so that turning
/// the one-time prekey on or off (Bob's last draw) leaves every other key of
/// the same seed unchanged: the difference a learner sees is OPK_B and DH4.
/// Public so that the book's examples can reproduce a run's bytes.
pub const BOB_STREAM: u64 = 1;
pub const ALICE_STREAM: u64 = 2;
/// EK_A, the Kyber encapsulation, and everything libsignal draws after them.
pub const HANDSHAKE_STREAM: u64 = 3;

/// The RNG a run uses for one stream of a seed: `ChaCha20Rng::seed_from_u64(seed)`
/// moved to `stream`.
pub fn rng_stream(seed: u64, stream: u64) -> ChaCha20Rng {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

#[derive(Debug, Error)]
pub enum EngineError {
    #[error("libsignal refused a step: {0}")]
    Libsignal(#[from] SignalProtocolError),
    #[error("the prekey bundle could not be read back: {0}")]
    Bundle(#[from] BundleError),
    #[error("the first message could not be dissected: {0}")]
    Dissection(#[from] crate::protobuf::ProtobufError),
}
