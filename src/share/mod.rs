//! End-to-end encrypted file sharing through an untrusted relay, the way
//! Signal sends attachments: the file is encrypted with its own fresh key
//! (STREAM, `stream.rs`), the blob goes to the relay, and the key and the
//! blob's digest travel in a real libsignal message on the PQXDH session
//! (`pointer.rs`). The relay (`relay.rs`) only ever holds public keys,
//! ciphertext and who-talks-to-whom.
//!
//! The files build on each other, bottom to top:
//!
//! ```text
//! send, receive      workflows: a file out, the waiting files in
//! session            Account: a command's hold on one home; post, open and
//!                    accept messages on libsignal sessions, receipts
//! init               a new person's keys, saved at home and published
//! home, store        one person's private state and libsignal's stores
//! relay, dir_relay   the untrusted server (a trait) and the folder one
//! envelope, pointer  what the relay sees of a message, and what it carries
//! stream, atomic     file encryption; all-or-nothing writes
//! names, error       checked names; every error a command can report
//! inspect            a relay object as its operator sees it
//! ```

pub mod atomic;
pub mod dir_relay;
pub mod envelope;
pub mod error;
pub mod home;
pub mod init;
pub mod inspect;
pub mod names;
pub mod pointer;
pub mod receive;
pub mod relay;
pub mod send;
pub mod session;
pub mod store;
pub mod stream;

pub use dir_relay::DirRelay;
pub use error::ShareError;
pub use home::{Home, HomeError};
pub use init::{InitSummary, init};
pub use names::{BadName, Name};
pub use receive::{ReceiveReport, Received, receive};
pub use relay::{Relay, RelayError};
pub use send::{SendSummary, send};
pub use session::{Account, Clock, FirstContact, Opened, Posted};
pub use stream::StreamError;
