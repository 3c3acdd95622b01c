//! The workshop's hands-on exercises: small programs in `exercises/` with
//! `todo!()`s to fill, and a checker that runs them and compares what they
//! print with the room's run, byte by byte.
//!
//! - `catalog.rs`: the exercises in the book's order, their chapters, the
//!   values each prints, and a hint for every value;
//! - `kit.rs`: what an exercise program starts from (the room's keys, its
//!   bytes up to the exercise's step) and how it prints a result;
//! - `expected.rs`: what each exercise must print for a seed, computed by the
//!   engine, libsignal and the project's own STREAM code;
//! - `check.rs`: the verdict on one run, and its words;
//! - `runner.rs`: finding, building and running the programs with cargo,
//!   and remembering which ones passed.
//!
//! `pqxdh-lab exercises` (in the binary's `cli/exercises.rs`) puts these
//! together.

pub mod catalog;
pub mod check;
pub mod expected;
pub mod kit;
pub mod runner;

pub use catalog::{EXERCISES, Exercise};
pub use check::{RunOutput, Verdict};
pub use expected::{Expectations, Expected};
pub use runner::{Package, Progress, Status, Workspace};
