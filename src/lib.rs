//! pqxdh-lab: the Illustrated PQXDH, computed by the real libsignal.
//!
//! The layers, from the bottom:
//! - [`engine`] performs one PQXDH handshake between Alice and Bob with
//!   libsignal and checks itself against libsignal's own sessions;
//! - [`transcript`] is what a run produced, as plain data: typed steps, named
//!   values, what crossed the server, the checks;
//! - [`views`] render a transcript as text or JSON, and [`tui`] as the
//!   terminal UI; none of them computes;
//! - [`conversation`] goes on after the handshake, message by message through
//!   libsignal's sessions, every key recomputed and checked;
//! - [`share`] sends files end to end through an untrusted relay, and
//!   [`demo`] draws what that relay holds; [`relay`] is that relay as a
//!   server on the network, with a live page of what it sees;
//! - [`protobuf`] writes and reads the few protobuf messages all of them use;
//! - [`labs`] break the handshake on purpose, one attack at a time;
//! - [`room`] is the workshop's seed, and [`exercises`] the hands-on
//!   exercises' kit and checker.
//!
//! The command line itself (argument types and handlers) belongs to the binary.

pub mod conversation;
pub mod demo;
pub mod engine;
pub mod exercises;
pub mod labs;
pub mod protobuf;
pub mod relay;
pub mod room;
pub mod share;
pub mod transcript;
pub mod tui;
pub mod views;
