//! Renderings of a transcript that are not the terminal UI: the linear text
//! (`plain.rs`, and `lab.rs` for an attack lab), the JSON document (`json.rs`,
//! the one source of its schema, labs included),
//! and what both views and the UI share: the words of a step's outcome
//! (`outcome.rs`) and the hex abbreviation (`hexfmt.rs`). Views only read a
//! transcript; none of them computes cryptography.

pub mod hexfmt;
pub mod json;
pub mod lab;
pub mod outcome;
pub mod plain;
