//! Writes that are all-or-nothing: a reader (or a crash) sees the old file or
//! the complete new one, never half of it. Private files are owner-only from
//! the moment they exist, not chmod-ed afterwards.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rand::Rng;

/// How far a commit goes before the rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// On disk before it gets its name: for private state and received files,
    /// whose loss could not be repaired.
    Synced,
    /// Atomically visible, left to the operating system to write out.
    Visible,
}

/// A file being written under a temporary name beside its destination.
/// Dropping it without [`AtomicFile::commit`] deletes it, so an error never
/// leaves a partial file behind.
pub struct AtomicFile {
    file: Option<File>,
    temp: PathBuf,
}

impl AtomicFile {
    /// Creates `.NAME.RANDOM.partial` in `dir`. The random part keeps two
    /// writers of the same folder from colliding.
    pub fn create_in(dir: &Path, private: bool) -> io::Result<Self> {
        let mut rng = rand::rng();
        for _ in 0..16 {
            let temp = dir.join(format!(".pqxdh-lab-{:016x}.partial", rng.random::<u64>()));
            let mut options = OpenOptions::new();
            options.write(true).create_new(true);
            set_mode(&mut options, private);
            match options.open(&temp) {
                Ok(file) => {
                    return Ok(Self {
                        file: Some(file),
                        temp,
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::other(
            "could not find a free temporary file name",
        ))
    }

    pub fn file(&mut self) -> &mut File {
        self.file.as_mut().expect("the file is open until commit")
    }

    /// Flushes to disk and renames onto `dest` (replacing it if it exists).
    pub fn commit(self, dest: &Path) -> io::Result<()> {
        self.commit_with(dest, Durability::Synced)
    }

    /// Renames onto `dest`; with [`Durability::Visible`] the data is not forced
    /// to disk first. Other readers still see all or nothing; only a power
    /// cut right after may lose the new file.
    pub fn commit_with(mut self, dest: &Path, durability: Durability) -> io::Result<()> {
        let file = self.file.take().expect("commit runs once");
        if durability == Durability::Synced {
            file.sync_all()?;
        }
        drop(file);
        fs::rename(&self.temp, dest)?;
        // Renamed: nothing left for Drop to clean up.
        self.temp = PathBuf::new();
        Ok(())
    }

    /// Like [`AtomicFile::commit`], but never replaces an existing file: a
    /// received file must not overwrite something the user already has. On
    /// failure the temporary file is handed back, so another name can be tried.
    pub fn commit_new(mut self, dest: &Path) -> Result<(), (Self, io::Error)> {
        if let Some(file) = self.file.as_ref()
            && let Err(e) = file.sync_all()
        {
            return Err((self, e));
        }
        // A hard link fails if `dest` exists, which a rename would not.
        let result = match fs::hard_link(&self.temp, dest) {
            Ok(()) => fs::remove_file(&self.temp),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
            // Some filesystems (FAT, some network shares) have no hard links.
            Err(_) if dest.exists() => Err(io::ErrorKind::AlreadyExists.into()),
            Err(_) => fs::rename(&self.temp, dest),
        };
        match result {
            Ok(()) => {
                self.file.take();
                self.temp = PathBuf::new();
                Ok(())
            }
            Err(e) => Err((self, e)),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        self.file.take();
        if !self.temp.as_os_str().is_empty() {
            let _ = fs::remove_file(&self.temp);
        }
    }
}

/// Writes `bytes` to `path` atomically.
pub fn write(path: &Path, bytes: &[u8], private: bool) -> io::Result<()> {
    let dir = parent(path);
    let mut file = AtomicFile::create_in(dir, private)?;
    file.file().write_all(bytes)?;
    file.commit(path)
}

/// Creates a folder (and its parents); owner-only when `private`.
pub fn create_dir(path: &Path, private: bool) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path)?;
    #[cfg(unix)]
    if private {
        // `mode` applies only to folders it creates; an existing one is tightened too.
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

#[cfg(unix)]
fn set_mode(options: &mut OpenOptions, private: bool) {
    use std::os::unix::fs::OpenOptionsExt;
    options.mode(if private { 0o600 } else { 0o644 });
}

#[cfg(not(unix))]
fn set_mode(_options: &mut OpenOptions, _private: bool) {}

/// Bytes written between two early flushes.
const EARLY_FLUSH_EVERY: u64 = 32 << 20;

/// Runs `write` with a writer into `file` that, every 32 MiB, asks a helper
/// thread to push what was written so far to disk. The disk then works while
/// the processor decrypts, and the final sync before the rename has little
/// left to do: durability without paying for it all at the end.
pub fn with_early_flush<T>(
    file: &mut File,
    write: impl FnOnce(&mut dyn Write) -> T,
) -> io::Result<T> {
    let flusher_file = file.try_clone()?;
    let (wake, woken) = std::sync::mpsc::sync_channel::<()>(1);
    Ok(std::thread::scope(|scope| {
        scope.spawn(move || {
            for () in woken {
                // An error here resurfaces in the final sync, which is checked.
                let _ = flusher_file.sync_data();
            }
        });
        let mut writer = EarlyFlush {
            file,
            wake,
            since: 0,
        };
        write(&mut writer)
        // `writer` (and with it `wake`) is dropped here, so the helper ends.
    }))
}

struct EarlyFlush<'a> {
    file: &'a mut File,
    wake: std::sync::mpsc::SyncSender<()>,
    since: u64,
}

impl Write for EarlyFlush<'_> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let n = self.file.write(data)?;
        self.since += n as u64;
        if self.since >= EARLY_FLUSH_EVERY {
            self.since = 0;
            // Never wait: if a flush is still running, the next one will catch up.
            let _ = self.wake.try_send(());
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}
