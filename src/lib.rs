//! pqxdh-lab: the Illustrated PQXDH, computed by the real libsignal.
//!
//! [`engine::run`] performs one PQXDH handshake between Alice and Bob and
//! returns a [`transcript::Transcript`]; the views render it.

pub mod engine;
pub mod transcript;
