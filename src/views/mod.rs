//! Renderings of a transcript that are not the terminal UI: the linear text
//! (`plain.rs`), the JSON document (`json.rs`, the one source of its schema),
//! and what both views and the UI share: the words of a step's outcome
//! (`outcome.rs`) and the hex abbreviation (`hexfmt.rs`). Views only read a
//! transcript; none of them computes cryptography.

pub mod hexfmt;
pub mod json;
pub mod outcome;
pub mod plain;
