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
//!
//! Several users of one computer can share a relay folder through a group:
//! every folder and file the relay creates copies the group permissions of
//! the relay folder itself (see [`Perms`]).

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use rand::Rng;

use super::atomic::{self, Access, AtomicFile, Durability, Sweep};
use super::envelope::{Envelope, Kind};
use super::names::is_relay_id;
use super::regular_file::{self, Refusal};
use super::relay::{
    BlobUpload, MAX_BUNDLE_BYTES, MAX_MESSAGE_BYTES, MAX_PREKEY_BYTES, Relay, RelayError,
    RelayResult,
};
use super::summary::{
    BLOB_HEAD_BYTES, BlobSummary, MessageSummary, RefusedObject, RelaySummary, UserSummary,
};
use crate::engine::ServerBundle;

/// The folders of a relay, under its root.
pub const SUBFOLDERS: [&str; 4] = ["bundles", "prekeys", "inbox", "blobs"];

pub struct DirRelay {
    root: PathBuf,
    perms: Perms,
}

/// Unix permission bits the relay gives what it creates, taken from the
/// relay folder: a folder made group-writable and set-group-id (`chmod
/// 2770`) gets sub-folders like it and files its group can read, whatever
/// the umask of the user who happens to write first. Sticky and set-user-id
/// bits are not copied: the recipient must be able to delete the messages
/// and blobs that others wrote.
#[derive(Debug, Clone, Copy)]
struct Perms {
    #[cfg_attr(not(unix), allow(dead_code))]
    dir: u32,
    #[cfg_attr(not(unix), allow(dead_code))]
    file: u32,
}

impl Perms {
    #[cfg(unix)]
    fn of(root: &Path) -> io::Result<Self> {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(root)?.permissions().mode() & 0o7777;
        Ok(Self {
            dir: mode & 0o2777,
            file: 0o644 & (mode | 0o600),
        })
    }

    #[cfg(not(unix))]
    fn of(_root: &Path) -> io::Result<Self> {
        Ok(Self { dir: 0, file: 0 })
    }

    /// Gives a folder the relay's folder permissions. Only the folder's
    /// owner may change them; for anyone else this is a no-op.
    fn apply_to_dir(self, dir: &Path) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = fs::set_permissions(dir, fs::Permissions::from_mode(self.dir));
        }
        #[cfg(not(unix))]
        let _ = dir;
    }

    fn apply_to_file(self, file: &fs::File) -> io::Result<()> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(fs::Permissions::from_mode(self.file))
        }
        #[cfg(not(unix))]
        {
            let _ = file;
            Ok(())
        }
    }
}

/// An error reading the relay.
fn read_err(path: &Path) -> impl FnOnce(io::Error) -> RelayError + '_ {
    move |source| RelayError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// An error writing to the relay: "permission denied" gets advice.
fn write_err(path: &Path) -> impl FnOnce(io::Error) -> RelayError + '_ {
    move |source| match source.kind() {
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
            RelayError::NotWritable {
                path: path.to_path_buf(),
                source,
            }
        }
        _ => RelayError::Io {
            path: path.to_path_buf(),
            source,
        },
    }
}

/// A relay file that could not be read safely.
fn refused<'a>(what: &'static str, path: &'a Path) -> impl FnOnce(Refusal) -> RelayError + 'a {
    move |refusal| match refusal {
        Refusal::Io(source) => read_err(path)(source),
        other => RelayError::Refused {
            what,
            path: path.to_path_buf(),
            reason: other.to_string(),
        },
    }
}

/// Names and ids become file names here: only those the naming rule allows.
fn check_id(id: &str) -> RelayResult<()> {
    if is_relay_id(id) {
        Ok(())
    } else {
        Err(RelayError::BadId(id.to_string()))
    }
}

/// The identity key in a bundle's bytes, if they are a bundle at all.
fn identity_of(bundle: &[u8]) -> Option<Vec<u8>> {
    ServerBundle::decode(bundle).ok().map(|b| b.identity_key)
}

impl DirRelay {
    /// Opens (creating if needed) a relay folder.
    pub fn open(root: impl Into<PathBuf>) -> RelayResult<Self> {
        let root = root.into();
        atomic::create_dir(&root, Access::Shared).map_err(write_err(&root))?;
        let perms = Perms::of(&root).map_err(read_err(&root))?;
        let relay = Self { root, perms };
        for sub in SUBFOLDERS {
            relay.make_dir(&relay.root.join(sub))?;
        }
        // What interrupted uploads left (their writers are gone).
        atomic::sweep(&relay.root.join("blobs"), Sweep::Shared);
        atomic::sweep(&relay.root.join("bundles"), Sweep::Shared);
        Ok(relay)
    }

    /// Opens a relay folder that must exist already, creating and sweeping
    /// nothing: for looking at it.
    pub fn existing(root: impl Into<PathBuf>) -> RelayResult<Self> {
        let root = root.into();
        let is_relay = SUBFOLDERS.iter().any(|sub| root.join(sub).is_dir());
        if !is_relay {
            return Err(RelayError::Refused {
                what: "folder",
                path: root,
                reason: format!(
                    "it is not a relay folder (it has none of {})",
                    SUBFOLDERS.map(|s| format!("{s}/")).join(", ")
                ),
            });
        }
        let perms = Perms::of(&root).map_err(read_err(&root))?;
        Ok(Self { root, perms })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn make_dir(&self, dir: &Path) -> RelayResult<()> {
        atomic::create_dir(dir, Access::Shared).map_err(write_err(dir))?;
        self.perms.apply_to_dir(dir);
        Ok(())
    }

    /// Writes `bytes` to `path` atomically, readable as the relay folder says.
    fn write(&self, path: &Path, bytes: &[u8]) -> RelayResult<()> {
        let mut file = self.temp_file(path)?;
        file.file().write_all(bytes).map_err(write_err(path))?;
        file.commit(path).map_err(write_err(path))
    }

    fn temp_file(&self, dest: &Path) -> RelayResult<AtomicFile> {
        let dir = dest.parent().unwrap_or(&self.root);
        let mut file = AtomicFile::create_in(dir, Access::Shared).map_err(write_err(dir))?;
        self.perms
            .apply_to_file(file.file())
            .map_err(write_err(dir))?;
        Ok(file)
    }

    pub fn bundle_path(&self, name: &str) -> PathBuf {
        self.root.join("bundles").join(format!("{name}.bundle"))
    }

    pub(crate) fn prekey_dir(&self, name: &str) -> PathBuf {
        self.root.join("prekeys").join(name)
    }

    pub(crate) fn inbox_dir(&self, name: &str) -> PathBuf {
        self.root.join("inbox").join(name)
    }

    pub fn blob_path(&self, blob_id: &str) -> PathBuf {
        self.root.join("blobs").join(format!("{blob_id}.blob"))
    }

    pub fn message_path(&self, name: &str, message_id: &str) -> PathBuf {
        self.inbox_dir(name).join(format!("{message_id}.msg"))
    }

    /// Files in `dir` ending in `.ext`, by name (ids sort oldest first).
    pub(crate) fn list(dir: &Path, ext: &str) -> RelayResult<Vec<String>> {
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(read_err(dir)(e)),
        };
        let mut ids = Vec::new();
        for entry in entries {
            let entry = entry.map_err(read_err(dir))?;
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

    /// Takes the one-time prekey file `id` out of `dir` by renaming it: of
    /// two processes claiming the same prekey, exactly one succeeds. `None`
    /// if someone else was first.
    fn claim(&self, dir: &Path, id: &str, why: &str) -> RelayResult<Option<PathBuf>> {
        let path = dir.join(format!("{id}.opk"));
        let claimed = dir.join(format!(".{why}-{id}-{:08x}", rand::rng().random::<u32>()));
        match fs::rename(&path, &claimed) {
            Ok(()) => Ok(Some(claimed)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            // Anything else (a relay folder the user may not write) is
            // reported: quietly going on would mean a PQXDH without DH4.
            Err(e) => Err(write_err(&path)(e)),
        }
    }

    /// Withdraws every one-time prekey still waiting for `name`; returns the
    /// ids of those it took (a sender may claim one meanwhile: that one is
    /// not among them).
    fn withdraw_prekeys(&self, name: &str) -> RelayResult<Vec<u32>> {
        let dir = self.prekey_dir(name);
        let mut withdrawn = Vec::new();
        for id in Self::list(&dir, "opk")? {
            if let Some(claimed) = self.claim(&dir, &id, "withdrawn")? {
                fs::remove_file(&claimed).map_err(write_err(&claimed))?;
                if let Ok(id) = id.parse() {
                    withdrawn.push(id);
                }
            }
        }
        Ok(withdrawn)
    }
}

impl Relay for DirRelay {
    fn publish(
        &self,
        name: &str,
        bundle: &[u8],
        one_time_prekeys: &[(u32, Vec<u8>)],
        take_over: bool,
    ) -> RelayResult<Vec<u32>> {
        check_id(name)?;
        let path = self.bundle_path(name);
        let new_name = match self.peek_bundle(name)? {
            None => true,
            Some(held) => {
                let held = identity_of(&held);
                // Bytes that are no bundle hold no identity: the name is free to fix.
                let someone_else = held.is_some() && held != identity_of(bundle);
                if someone_else && !take_over {
                    return Err(RelayError::NameTaken {
                        name: name.to_string(),
                    });
                }
                false
            }
        };
        if new_name {
            // Claim the name first, with a write that fails if the bundle
            // exists: of two publishers racing for a new name, one wins, and
            // the other one is judged again against the winner's bundle.
            let mut file = self.temp_file(&path)?;
            file.file().write_all(bundle).map_err(write_err(&path))?;
            match file.commit_new(&path) {
                Ok(()) => {}
                Err((_, e)) if e.kind() == io::ErrorKind::AlreadyExists => {
                    return self.publish(name, bundle, one_time_prekeys, take_over);
                }
                Err((_, e)) => return Err(write_err(&path)(e)),
            }
        }
        let dir = self.prekey_dir(name);
        self.make_dir(&dir)?;
        atomic::sweep(&dir, Sweep::Shared);
        let withdrawn = self.withdraw_prekeys(name)?;
        for (id, key) in one_time_prekeys {
            self.write(&dir.join(format!("{id:08}.opk")), key)?;
        }
        if !new_name {
            // Replaced last: a sender who sees the new bundle also finds its prekeys.
            self.write(&path, bundle)?;
        }
        Ok(withdrawn)
    }

    fn fetch_bundle(&self, name: &str) -> RelayResult<Vec<u8>> {
        let bytes = self
            .peek_bundle(name)?
            .ok_or_else(|| RelayError::UnknownName(name.to_string()))?;
        let dir = self.prekey_dir(name);
        for id in Self::list(&dir, "opk")? {
            let Some(claimed) = self.claim(&dir, &id, "claimed")? else {
                continue;
            };
            let key = regular_file::read(&claimed, MAX_PREKEY_BYTES);
            fs::remove_file(&claimed).map_err(write_err(&claimed))?;
            // Something planted under a prekey's name is not a prekey.
            let (Ok(key), Ok(id)) = (key, id.parse::<u32>()) else {
                continue;
            };
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

    fn peek_bundle(&self, name: &str) -> RelayResult<Option<Vec<u8>>> {
        check_id(name)?;
        let path = self.bundle_path(name);
        match regular_file::read(&path, MAX_BUNDLE_BYTES) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(Refusal::Io(e)) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(refusal) => Err(refused("bundle", &path)(refusal)),
        }
    }

    fn prekeys_left(&self, name: &str) -> RelayResult<usize> {
        check_id(name)?;
        Ok(Self::list(&self.prekey_dir(name), "opk")?.len())
    }

    fn upload_blob(&self, blob_id: &str) -> RelayResult<Box<dyn BlobUpload + '_>> {
        check_id(blob_id)?;
        let dest = self.blob_path(blob_id);
        let file = self.temp_file(&dest)?;
        Ok(Box::new(DirUpload {
            file: Some(file),
            dest,
        }))
    }

    fn open_blob(&self, blob_id: &str) -> RelayResult<Box<dyn Read + Send>> {
        check_id(blob_id)?;
        let path = self.blob_path(blob_id);
        match regular_file::open(&path) {
            Ok(file) => Ok(Box::new(file)),
            Err(Refusal::Io(e)) if e.kind() == io::ErrorKind::NotFound => {
                Err(RelayError::NoBlob(blob_id.to_string()))
            }
            Err(refusal) => Err(refused("blob", &path)(refusal)),
        }
    }

    fn delete_blob(&self, blob_id: &str) -> RelayResult<()> {
        check_id(blob_id)?;
        remove(&self.blob_path(blob_id))
    }

    fn post(&self, to: &str, envelope: &[u8]) -> RelayResult<String> {
        check_id(to)?;
        let dir = self.inbox_dir(to);
        if envelope.len() as u64 > MAX_MESSAGE_BYTES {
            return Err(RelayError::Refused {
                what: "message",
                path: dir,
                reason: Refusal::TooLarge {
                    size: envelope.len() as u64,
                    max: MAX_MESSAGE_BYTES,
                }
                .to_string(),
            });
        }
        self.make_dir(&dir)?;
        atomic::sweep(&dir, Sweep::Shared);
        // Time first, so that sorting the names lists messages oldest first.
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let id = format!("{nanos:020}-{:08x}", rand::rng().random::<u32>());
        self.write(&self.message_path(to, &id), envelope)?;
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
        regular_file::read(&path, MAX_MESSAGE_BYTES).map_err(refused("message", &path))
    }

    fn delete(&self, name: &str, message_id: &str) -> RelayResult<()> {
        check_id(name)?;
        check_id(message_id)?;
        remove(&self.message_path(name, message_id))
    }

    fn summary(&self) -> RelayResult<RelaySummary> {
        summarise(self)
    }
}

/// Deletes a relay file; one already gone is not an error.
fn remove(path: &Path) -> RelayResult<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(write_err(path)(e)),
        _ => Ok(()),
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
            .map_err(write_err(&dest))
    }
}

// What the relay holds, per user (the data is defined in `summary.rs`).

fn seconds(time: std::io::Result<SystemTime>) -> Option<u64> {
    time.ok()?
        .duration_since(UNIX_EPOCH)
        .ok()
        .map(|d| d.as_secs())
}

/// Sub-folders of `dir` whose names follow the naming rule.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().to_str().map(String::from))
        .filter(|n| is_relay_id(n))
        .collect();
    names.sort();
    names
}

/// Summarises a relay folder: what `Relay::summary` gives for it.
fn summarise(relay: &DirRelay) -> RelayResult<RelaySummary> {
    let root = relay.root();
    let shown = |path: &Path| {
        path.strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string()
    };
    let mut summary = RelaySummary::default();

    let mut names = DirRelay::list(&root.join("bundles"), "bundle")?;
    names.extend(names_in(&root.join("prekeys")));
    names.extend(names_in(&root.join("inbox")));
    names.sort();
    names.dedup();

    for name in names {
        let identity_key = match relay.peek_bundle(&name) {
            Ok(Some(bytes)) => match ServerBundle::decode(&bytes) {
                Ok(bundle) => Some(hex::encode(bundle.identity_key)),
                Err(e) => {
                    summary.refused.push(RefusedObject {
                        path: shown(&relay.bundle_path(&name)),
                        reason: e.to_string(),
                    });
                    None
                }
            },
            Ok(None) => None,
            Err(e) => {
                summary
                    .refused
                    .push(refusal(&shown(&relay.bundle_path(&name)), e));
                None
            }
        };
        let mut waiting = Vec::new();
        for id in relay.inbox(&name)? {
            let path = relay.message_path(&name, &id);
            let envelope = relay.read(&name, &id).and_then(|bytes| {
                Envelope::decode(&bytes).map_err(|e| RelayError::Refused {
                    what: "message",
                    path: path.clone(),
                    reason: e.to_string(),
                })
            });
            match envelope {
                Ok(envelope) => {
                    let meta = fs::metadata(&path).ok();
                    waiting.push(MessageSummary {
                        id,
                        from: envelope.from,
                        to: envelope.to,
                        kind: match envelope.kind {
                            Kind::File => "file",
                            Kind::Receipt => "receipt",
                        }
                        .into(),
                        message_type: envelope.message_type.libsignal_name().into(),
                        size: meta.as_ref().map_or(0, |m| m.len()),
                        time: meta.and_then(|m| seconds(m.modified())),
                    });
                }
                Err(e) => summary.refused.push(refusal(&shown(&path), e)),
            }
        }
        summary.users.push(UserSummary {
            prekeys_left: relay.prekeys_left(&name)?,
            name,
            identity_key,
            waiting,
        });
    }

    for id in DirRelay::list(&root.join("blobs"), "blob")? {
        let path = relay.blob_path(&id);
        match regular_file::open(&path) {
            Ok(file) => {
                let meta = file.metadata().ok();
                let mut head = Vec::with_capacity(BLOB_HEAD_BYTES);
                let _ = (&file).take(BLOB_HEAD_BYTES as u64).read_to_end(&mut head);
                summary.blobs.push(BlobSummary {
                    id,
                    size: meta.as_ref().map_or(0, |m| m.len()),
                    first_bytes: hex::encode(head),
                    time: meta.and_then(|m| seconds(m.modified())),
                });
            }
            Err(e) => summary.refused.push(RefusedObject {
                path: shown(&path),
                reason: e.to_string(),
            }),
        }
    }
    Ok(summary)
}

fn refusal(path: &str, e: RelayError) -> RefusedObject {
    let reason = match e {
        RelayError::Refused { reason, .. } => reason,
        other => other.to_string(),
    };
    RefusedObject {
        path: path.to_string(),
        reason,
    }
}
