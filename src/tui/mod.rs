//! The terminal UI: Alice | Server | Bob, step by step through one run.
//!
//! `app.rs` is the model, `action.rs` what a key asks for, `keymap.rs` the one
//! key table, `ui/` draws (one file per area), `theme.rs` the colours, and
//! `terminal.rs` is the only code that touches the terminal. Files depend one
//! way: ui → app → keymap → action.

pub mod action;
pub mod app;
pub mod chapters;
pub mod holdings;
pub mod keymap;
pub mod stages;
mod terminal;
pub mod theme;
pub mod ui;

use crate::engine::{EngineError, RunOptions};

#[derive(Debug, thiserror::Error)]
pub enum TuiError {
    #[error("{0}")]
    Engine(#[from] EngineError),
    #[error("the terminal failed: {0}")]
    Terminal(#[from] std::io::Error),
}

/// Runs the UI on the current terminal until the user quits, and returns the
/// options of the run on screen at the end (the seed may have changed).
pub fn run(options: RunOptions) -> Result<RunOptions, TuiError> {
    let mut app = app::App::new(options)?;
    terminal::run(&mut app, &theme::Theme::from_env())?;
    Ok(app.options())
}
