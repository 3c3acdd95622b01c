//! `pqxdh-lab relay serve`: the relay over the network, for a classroom.
//! It stores what the folder relay stores, in a folder of the same layout
//! (through `share::DirRelay`), and speaks the HTTP API of
//! `share::http_api`, which `share::HttpRelay` speaks on the other side.
//! Its page, `GET /`, shows the room what the server holds and learns.
//!
//! ```text
//! server     accept, admit, hand each connection to a fixed pool of threads
//! shared     what the worker threads share: the folder, nonces, activity
//! admission  connections and requests per address
//! http       one bounded HTTP/1.1 request and its answer per connection
//! api        the API: checks, then the folder relay underneath
//! nonces     single-use nonces for signed requests (no replays)
//! activity   what a running server notices: addresses, events, transfers
//! view, page the live page and its data
//! limits     every limit, with its reason
//! ```

pub mod activity;
pub mod admission;
pub mod api;
pub mod http;
pub mod limits;
pub mod nonces;
pub mod page;
pub mod server;
pub mod shared;
pub mod view;

pub use server::{Config, ServeError, Server, student_urls};
