//! The relay as a plain folder, the way a sync folder or a shared drive moves
//! files between people (SyftBox works like this). Nothing has to run: the
//! sender writes files, the recipient reads them.
//!
//! ```text
//! RELAY/bundles/NAME.bundle        NAME's signed prekeys (public)
//! RELAY/prekeys/NAME/ID.opk        one-time prekeys, one file each (public)
//! RELAY/inbox/NAME/ID.msg          envelopes waiting for NAME
//! RELAY/blobs/ID.blob              encrypted files
//! ```

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use rand::Rng;

use super::atomic::{self, AtomicFile, Durability};
use super::relay::{BlobUpload, Relay, RelayError, RelayResult};
use crate::engine::ServerBundle;

pub struct DirRelay {
    root: PathBuf,
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> RelayError + '_ {
    move |source| RelayError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Ids become file names, so only plain characters are accepted.
fn check_id(id: &str) -> RelayResult<()> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && !id.starts_with('-');
    if ok {
        Ok(())
    } else {
        Err(RelayError::BadId(id.to_string()))
    }
}

impl DirRelay {
    /// Opens (creating if needed) a relay folder.
    pub fn open(root: impl Into<PathBuf>) -> RelayResult<Self> {
        let root = root.into();
        for sub in ["bundles", "prekeys", "inbox", "blobs"] {
            let dir = root.join(sub);
            atomic::create_dir(&dir, false).map_err(io_err(&dir))?;
        }
        Ok(Self { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn bundle_path(&self, name: &str) -> PathBuf {
        self.root.join("bundles").join(format!("{name}.bundle"))
    }

    fn prekey_dir(&self, name: &str) -> PathBuf {
        self.root.join("prekeys").join(name)
    }

    fn inbox_dir(&self, name: &str) -> PathBuf {
        self.root.join("inbox").join(name)
    }

    pub fn blob_path(&self, blob_id: &str) -> PathBuf {
        self.root.join("blobs").join(format!("{blob_id}.blob"))
    }

    pub fn message_path(&self, name: &str, message_id: &str) -> PathBuf {
        self.inbox_dir(name).join(format!("{message_id}.msg"))
    }

    /// Files in `dir` ending in `.ext`, by name (ids sort oldest first).
    fn list(dir: &Path, ext: &str) -> RelayResult<Vec<String>> {
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io_err(dir)(e)),
        };
        let mut ids = Vec::new();
        for entry in entries {
            let entry = entry.map_err(io_err(dir))?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if let Some(id) = name.strip_suffix(ext).and_then(|s| s.strip_suffix('.'))
                && check_id(id).is_ok()
            {
                ids.push(id.to_string());
            }
        }
        ids.sort();
        Ok(ids)
    }
}

impl Relay for DirRelay {
    fn publish(
        &self,
        name: &str,
        bundle: &[u8],
        one_time_prekeys: &[(u32, Vec<u8>)],
    ) -> RelayResult<()> {
        check_id(name)?;
        let dir = self.prekey_dir(name);
        atomic::create_dir(&dir, false).map_err(io_err(&dir))?;
        for (id, key) in one_time_prekeys {
            let path = dir.join(format!("{id:08}.opk"));
            atomic::write(&path, key, false).map_err(io_err(&path))?;
        }
        // The bundle last: a sender who sees it can also find the prekeys.
        let path = self.bundle_path(name);
        atomic::write(&path, bundle, false).map_err(io_err(&path))
    }

    fn fetch_bundle(&self, name: &str) -> RelayResult<Vec<u8>> {
        check_id(name)?;
        let path = self.bundle_path(name);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(RelayError::UnknownName(name.to_string()));
            }
            Err(e) => return Err(io_err(&path)(e)),
        };
        let dir = self.prekey_dir(name);
        for id in Self::list(&dir, "opk")? {
            let path = dir.join(format!("{id}.opk"));
            // Renaming claims the prekey: of two senders racing for it, one wins.
            let claimed = dir.join(format!(".claimed-{id}-{:08x}", rand::rng().random::<u32>()));
            if fs::rename(&path, &claimed).is_err() {
                continue;
            }
            let key = fs::read(&claimed).map_err(io_err(&claimed))?;
            fs::remove_file(&claimed).map_err(io_err(&claimed))?;
            let Ok(id) = id.parse::<u32>() else { continue };
            // A relay can add a prekey to the bundle: one-time prekeys are not
            // signed (only SPK_B and PQSPK_B are), which is why DH4 is optional.
            return match ServerBundle::decode(&bytes) {
                Ok(mut bundle) => {
                    bundle.pre_key = Some((id, key));
                    Ok(bundle.encode())
                }
                // Not ours to judge: the sender's verification will refuse it.
                Err(_) => Ok(bytes),
            };
        }
        Ok(bytes)
    }

    fn prekeys_left(&self, name: &str) -> RelayResult<usize> {
        check_id(name)?;
        Ok(Self::list(&self.prekey_dir(name), "opk")?.len())
    }

    fn upload_blob(&self, blob_id: &str) -> RelayResult<Box<dyn BlobUpload + '_>> {
        check_id(blob_id)?;
        let dir = self.root.join("blobs");
        let file = AtomicFile::create_in(&dir, false).map_err(io_err(&dir))?;
        Ok(Box::new(DirUpload {
            file: Some(file),
            dest: self.blob_path(blob_id),
        }))
    }

    fn open_blob(&self, blob_id: &str) -> RelayResult<Box<dyn Read + Send>> {
        check_id(blob_id)?;
        let path = self.blob_path(blob_id);
        match fs::File::open(&path) {
            Ok(file) => Ok(Box::new(file)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                Err(RelayError::NoBlob(blob_id.to_string()))
            }
            Err(e) => Err(io_err(&path)(e)),
        }
    }

    fn delete_blob(&self, blob_id: &str) -> RelayResult<()> {
        check_id(blob_id)?;
        let path = self.blob_path(blob_id);
        match fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(io_err(&path)(e)),
            _ => Ok(()),
        }
    }

    fn post(&self, to: &str, envelope: &[u8]) -> RelayResult<String> {
        check_id(to)?;
        let dir = self.inbox_dir(to);
        atomic::create_dir(&dir, false).map_err(io_err(&dir))?;
        // Time first, so that sorting the names lists messages oldest first.
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let id = format!("{nanos:020}-{:08x}", rand::rng().random::<u32>());
        let path = self.message_path(to, &id);
        atomic::write(&path, envelope, false).map_err(io_err(&path))?;
        Ok(id)
    }

    fn inbox(&self, name: &str) -> RelayResult<Vec<String>> {
        check_id(name)?;
        Self::list(&self.inbox_dir(name), "msg")
    }

    fn read(&self, name: &str, message_id: &str) -> RelayResult<Vec<u8>> {
        check_id(name)?;
        check_id(message_id)?;
        let path = self.message_path(name, message_id);
        fs::read(&path).map_err(io_err(&path))
    }

    fn delete(&self, name: &str, message_id: &str) -> RelayResult<()> {
        check_id(name)?;
        check_id(message_id)?;
        let path = self.message_path(name, message_id);
        fs::remove_file(&path).map_err(io_err(&path))
    }
}

struct DirUpload {
    file: Option<AtomicFile>,
    dest: PathBuf,
}

impl DirUpload {
    fn file_mut(&mut self) -> io::Result<&mut fs::File> {
        self.file
            .as_mut()
            .map(|f| f.file())
            .ok_or_else(|| io::Error::other("upload already finished"))
    }
}

// Unbuffered: the stream already writes whole 64 KiB segments.
impl Write for DirUpload {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.file_mut()?.write(data)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file_mut()?.flush()
    }
}

impl BlobUpload for DirUpload {
    fn finish(mut self: Box<Self>) -> RelayResult<()> {
        let dest = self.dest.clone();
        let file = self
            .file
            .take()
            .ok_or_else(|| RelayError::BadId("upload".into()))?;
        // A relay folder is storage like any sync folder: its durability is
        // the relay's business, and the sender still has the file. Forcing a
        // gigabyte to disk here would double the time of a send.
        file.commit_with(&dest, Durability::Visible)
            .map_err(io_err(&dest))
    }
}
