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
//! safety, trust      safety numbers; accepting a changed identity key
//! session            Account: a command's hold on one home; post, open and
//!                    accept messages on libsignal sessions, receipts
//! init, publish      a new person's keys, saved at home and published;
//!                    published again, with fresh one-time prekeys
//! home, store        one person's private state and libsignal's stores
//! lock, received     one command per home; the messages a home accepted
//! relay, dir_relay   the untrusted server (a trait) and the folder one
//! http_relay         the network one (`pqxdh-lab relay serve`), over the
//!   http_api         API both sides build from: paths, bodies, signatures
//! envelope, pointer  what the relay sees of a message, and what it carries
//! stream, atomic     file encryption; all-or-nothing writes, swept leftovers
//! interrupt          Ctrl-C: stop between segments, leave no partial file
//! regular_file       reading what others wrote: no FIFO, no flood
//! names, escape      checked names; other people's text made safe to print
//! error              every error a command can report
//! inspect, summary   a relay object, and a whole relay, as its operator sees it
//! ```

pub mod atomic;
pub mod dir_relay;
pub mod envelope;
pub mod error;
pub mod escape;
pub mod home;
pub mod http_api;
pub mod http_relay;
pub mod init;
pub mod inspect;
pub mod interrupt;
pub mod lock;
pub mod names;
pub mod pointer;
pub mod publish;
pub mod receive;
pub mod received;
pub mod regular_file;
pub mod relay;
pub mod safety;
pub mod send;
pub mod session;
pub mod store;
pub mod stream;
pub mod summary;
pub mod trust;

pub use dir_relay::DirRelay;
pub use error::ShareError;
pub use home::{Home, HomeError};
pub use http_relay::HttpRelay;
pub use init::{InitSummary, init, init_taking_over};
pub use names::{BadName, Name};
pub use publish::{PublishSummary, publish};
pub use receive::{ReceiveReport, Received, receive};
pub use relay::{Relay, RelayError};
pub use safety::{SafetyNumber, safety_number};
pub use send::{SendSummary, send};
pub use session::{Account, Clock, FirstContact, Opened, Posted};
pub use stream::StreamError;
pub use summary::RelaySummary;
