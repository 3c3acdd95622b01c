//! pqxdh-lab: the Illustrated PQXDH, computed by the real libsignal.
//!
//! [`engine::run`] performs one PQXDH handshake between Alice and Bob and
//! returns a [`transcript::Transcript`]; the views render it.

pub mod cli;
pub mod cli_share;
pub mod conversation;
pub mod demo;
pub mod engine;
pub mod hexfmt;
pub mod json;
pub mod outcome;
pub mod plain;
pub mod share;
pub mod transcript;
pub mod tui;
