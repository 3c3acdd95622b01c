//! One command at a time per home.
//!
//! A command loads a person's state, uses it (a send advances the sending
//! chain, a receive the receiving one) and saves it. Two commands doing that
//! at once on the same home would both start from the same chain key: both
//! would encrypt with the same message keys, and one's save would silently
//! undo the other's. So every command that uses a home holds an exclusive
//! lock on `HOME/NAME/lock` from loading to its end.
//!
//! The lock is the operating system's (`flock` on Linux and macOS,
//! `LockFileEx` on Windows, through `std::fs::File::try_lock`): it is
//! released when the command ends, even when it crashes or is killed, so a
//! lock is never left behind.

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

const LOCK_FILE: &str = "lock";

/// Held while a command uses a home; dropping it releases the home.
#[derive(Debug)]
pub struct HomeLock {
    _file: File,
}

/// Why a home could not be locked (`home.rs` words it for the user).
#[derive(Debug)]
pub enum LockFailure {
    /// Another command holds the lock now.
    Busy,
    /// The lock file could not be opened.
    Open { path: PathBuf, source: io::Error },
    /// The file system refused to lock it.
    Lock { path: PathBuf, source: io::Error },
}

impl HomeLock {
    /// Locks the home folder `dir`, which must exist. Fails with
    /// [`LockFailure::Busy`] at once if another command holds it.
    pub fn acquire(dir: &Path) -> Result<Self, LockFailure> {
        let path = dir.join(LOCK_FILE);
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(&path).map_err(|source| LockFailure::Open {
            path: path.clone(),
            source,
        })?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: file }),
            Err(TryLockError::WouldBlock) => Err(LockFailure::Busy),
            Err(TryLockError::Error(source)) => Err(LockFailure::Lock { path, source }),
        }
    }
}
