//! pqxdh-lab: the Illustrated PQXDH, computed by the real libsignal.
//!
//! The layers, from the bottom:
//! - [`engine`] performs one PQXDH handshake between Alice and Bob with
//!   libsignal and checks itself against libsignal's own sessions;
//! - [`transcript`] is what a run produced, as plain data: typed steps, named
//!   values, what crossed the server, the checks;
//! - [`views`] render a transcript as text or JSON, and [`tui`] as the
//!   terminal UI; none of them computes;
//! - [`share`] sends files end to end through an untrusted relay, and
//!   [`demo`] draws what that relay holds;
//! - [`room`] is the workshop's seed, and [`exercises`] the hands-on
//!   exercises' kit and checker.
//!
//! The command line itself (argument types and handlers) belongs to the binary.

pub mod demo;
pub mod engine;
pub mod exercises;
pub mod room;
pub mod share;
pub mod transcript;
pub mod tui;
pub mod views;
