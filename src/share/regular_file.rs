//! Opening a file that someone else controls (the relay's, or one a user
//! points `inspect` at) without letting it hang or flood the reader.
//!
//! - It must be a regular file: a FIFO would block the reader forever, a
//!   device such as `/dev/zero` never ends. On Unix the file is opened with
//!   `O_NONBLOCK`, so even opening a FIFO returns at once, and with
//!   `O_NOFOLLOW`, so a symbolic link planted in the relay folder is refused
//!   rather than followed to a file elsewhere. What was opened is then checked
//!   (`fstat`), not what the name pointed at a moment before.
//! - It is read up to a limit: each kind of relay object has a size no honest
//!   one reaches (`relay.rs`), and a larger file is refused from its size
//!   alone, before a byte of it is read.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum Refusal {
    #[error(transparent)]
    Io(#[from] io::Error),
    #[error("it is {0}, not a regular file")]
    NotAFile(&'static str),
    #[error("it has {size} bytes, more than the {max} any genuine one has")]
    TooLarge { size: u64, max: u64 },
}

/// Opens `path` for reading if it is a regular file, never blocking and
/// never following a symbolic link.
pub fn open(path: &Path) -> Result<File, Refusal> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW);
    }
    let file = match options.open(path) {
        Ok(file) => file,
        // O_NOFOLLOW makes opening a symbolic link fail with ELOOP.
        #[cfg(unix)]
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(Refusal::NotAFile("a symbolic link"));
        }
        Err(e) => return Err(e.into()),
    };
    let kind = file.metadata()?.file_type();
    if kind.is_file() {
        return Ok(file);
    }
    Err(Refusal::NotAFile(describe(&kind)))
}

/// Reads all of a regular file of at most `max` bytes.
pub fn read(path: &Path, max: u64) -> Result<Vec<u8>, Refusal> {
    let file = open(path)?;
    let size = file.metadata()?.len();
    if size > max {
        return Err(Refusal::TooLarge { size, max });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // The file may grow after the check: read one byte past the limit at most.
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(Refusal::TooLarge {
            size: bytes.len() as u64,
            max,
        });
    }
    Ok(bytes)
}

fn describe(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() {
        "a folder"
    } else if kind.is_symlink() {
        "a symbolic link"
    } else {
        "something other"
    }
}
