//! Renderings that are not the terminal UI: a handshake's transcript as linear
//! text (`plain.rs`, and `lab.rs` for an attack lab) and as JSON (`json.rs`,
//! the one source of its schema, labs included), a conversation the same two
//! ways (`conversation_plain.rs`, `conversation_json.rs`),
//! and what both views and the UI share: the words of a step's outcome
//! (`outcome.rs`), the hex abbreviation (`hexfmt.rs`) and the text blocks
//! of the plain views (`text.rs`). Views only read a
//! transcript; none of them computes cryptography.

pub mod conversation_json;
pub mod conversation_plain;
pub mod conversation_words;
pub mod hexfmt;
pub mod json;
pub mod lab;
pub mod outcome;
pub mod plain;
pub mod text;
