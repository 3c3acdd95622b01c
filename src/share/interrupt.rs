//! Ctrl-C and SIGTERM while a file is being written.
//!
//! The binary points the operating system's signals at [`flag`]; the loops
//! that move a whole file ask [`requested`] between segments and stop with an
//! "interrupted" error. Stopping that way unwinds normally, so every
//! temporary file being written is dropped, and dropping one deletes it
//! (`atomic.rs`): an interrupted transfer leaves nothing behind. Nothing is
//! stopped halfway through saving a state file or posting a message: those
//! steps never check the flag.
//!
//! A process killed outright (SIGKILL, a power cut) runs no code at all; its
//! temporary files are swept by the next command that writes in the same
//! folder ([`crate::share::atomic::sweep`]).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock};

static REQUESTED: LazyLock<Arc<AtomicBool>> = LazyLock::new(|| Arc::new(AtomicBool::new(false)));

/// The flag a signal handler sets (`signal_hook::flag::register` takes it).
pub fn flag() -> Arc<AtomicBool> {
    Arc::clone(&REQUESTED)
}

/// Whether the user asked the command to stop.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::Relaxed)
}
