//! A person's home folder: their private keys and sessions, which never leave
//! it. One JSON file (`HOME/NAME/state.json`, owner-only) holds everything
//! libsignal's stores need, each record in libsignal's own serialization (hex).
//! It is rewritten atomically after each change, so a crash leaves the old
//! state or the new one, never a mix. A loaded home holds the home's lock
//! (`lock.rs`) until it is dropped: one command at a time per home.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use libsignal_protocol::{IdentityKey, IdentityKeyPair};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::atomic::{self, Access, AtomicFile, Sweep};
use super::escape::escaped_path;
use super::lock::{HomeLock, LockFailure};
use super::names::Name;
use super::received::Received;
use super::store::{Identities, KyberPreKeys, PreKeys, Sessions, SignedPreKeys, Stores};

const STATE_FILE: &str = "state.json";
const FORMAT: u32 = 1;

#[derive(Debug, Error)]
pub enum HomeError {
    #[error(
        "{name} has no home folder at {} (run `pqxdh-lab share init {name}` first, \
         with the same --home)",
        escaped_path(.path)
    )]
    Missing { name: String, path: PathBuf },
    #[error(
        "{name}'s state file {} is corrupt ({reason}); it holds private keys, so it is \
         never repaired automatically: restore it from a backup",
        escaped_path(.path)
    )]
    Corrupt {
        name: String,
        path: PathBuf,
        reason: String,
    },
    #[error(
        "{name} already has a home folder at {}; `init` never replaces keys (to put them on \
         the relay again, run `pqxdh-lab share publish {name}`)",
        escaped_path(.path)
    )]
    Exists { name: String, path: PathBuf },
    #[error(
        "{name}'s home is in use by another pqxdh-lab command; it is used by one command at \
         a time, so that two never encrypt with the same message key"
    )]
    Busy { name: String },
    #[error(
        "could not lock {}: {source} (a home folder must be on a file system with file locks)",
        escaped_path(.path)
    )]
    Lock { path: PathBuf, source: io::Error },
    #[error("could not use {}: {source}", escaped_path(.path))]
    Io { path: PathBuf, source: io::Error },
    #[error(
        "{name}'s state changed while this command ran (another pqxdh-lab using the same \
         home?); nothing was saved, please run the command again"
    )]
    Changed { name: String },
}

/// The state file, as it is on disk.
#[derive(Serialize, Deserialize)]
struct StateFile {
    format: u32,
    name: String,
    /// Counts saves. A command saves only over the state it loaded, so two
    /// commands running at once for the same name cannot both use (and
    /// overwrite) the same ratchet state, which would reuse a message key.
    #[serde(default)]
    generation: u64,
    registration_id: u32,
    /// IK: libsignal's `IdentityKeyPair::serialize`.
    identity_key_pair: String,
    signed_pre_keys: BTreeMap<u32, String>,
    kyber_pre_keys: BTreeMap<u32, String>,
    one_time_pre_keys: BTreeMap<u32, String>,
    kyber_base_keys_seen: Vec<(u32, u32, String)>,
    sessions: BTreeMap<String, String>,
    known_identities: BTreeMap<String, String>,
    /// The messages accepted (`received.rs`).
    #[serde(default)]
    received: Received,
}

/// One person's home: where their state lives, and the state itself.
pub struct Home {
    pub name: Name,
    pub dir: PathBuf,
    pub stores: Stores,
    pub received: Received,
    generation: u64,
    _lock: HomeLock,
}

fn hex_map<K: Ord + Clone>(map: &BTreeMap<K, Vec<u8>>) -> BTreeMap<K, String> {
    map.iter()
        .map(|(k, v)| (k.clone(), hex::encode(v)))
        .collect()
}

fn unhex_map<K: Ord + Clone>(map: &BTreeMap<K, String>) -> Result<BTreeMap<K, Vec<u8>>, String> {
    map.iter()
        .map(|(k, v)| Ok((k.clone(), hex::decode(v).map_err(|e| e.to_string())?)))
        .collect()
}

impl Home {
    /// NAME's home folder: `base/NAME`.
    pub fn dir_for(base: &Path, name: &Name) -> PathBuf {
        base.join(name.as_str())
    }

    /// Whether NAME already has a state file under `base`.
    pub fn exists(base: &Path, name: &Name) -> bool {
        Self::dir_for(base, name).join(STATE_FILE).exists()
    }

    /// Creates NAME's home folder if needed and locks it, for a new home.
    pub fn lock_new(base: &Path, name: &Name) -> Result<HomeLock, HomeError> {
        let dir = Self::dir_for(base, name);
        atomic::create_dir(&dir, Access::Private).map_err(|source| HomeError::Io {
            path: dir.clone(),
            source,
        })?;
        lock(&dir, name)
    }

    /// Locks NAME's home and loads its state from `base/NAME/state.json`.
    pub fn load(base: &Path, name: &Name) -> Result<Self, HomeError> {
        let dir = Self::dir_for(base, name);
        let missing = || HomeError::Missing {
            name: name.to_string(),
            path: dir.clone(),
        };
        if !dir.is_dir() {
            return Err(missing());
        }
        let lock = lock(&dir, name)?;
        // A state file being written when its command was killed.
        atomic::sweep(&dir, Sweep::Local);
        let path = dir.join(STATE_FILE);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(missing()),
            Err(source) => return Err(HomeError::Io { path, source }),
        };
        let corrupt = |reason: String| HomeError::Corrupt {
            name: name.to_string(),
            path: path.clone(),
            reason,
        };
        let file: StateFile = serde_json::from_str(&text).map_err(|e| corrupt(e.to_string()))?;
        let stores = Self::decode(&file, name).map_err(corrupt)?;
        Ok(Self {
            name: name.clone(),
            dir,
            stores,
            received: file.received,
            generation: file.generation,
            _lock: lock,
        })
    }

    /// Saves a new home for NAME holding `stores`, under the lock from
    /// [`Home::lock_new`]. It never replaces an existing state: keys lost
    /// that way could not be recovered.
    pub fn create(
        base: &Path,
        name: &Name,
        stores: Stores,
        lock: HomeLock,
    ) -> Result<Self, HomeError> {
        let dir = Self::dir_for(base, name);
        if Self::exists(base, name) {
            return Err(HomeError::Exists {
                name: name.to_string(),
                path: dir,
            });
        }
        let mut home = Self {
            name: name.clone(),
            dir,
            stores,
            received: Received::default(),
            generation: 0,
            _lock: lock,
        };
        // A state file appearing meanwhile has a generation above 0, so this
        // save refuses to overwrite it.
        home.save()?;
        Ok(home)
    }

    fn decode(file: &StateFile, name: &Name) -> Result<Stores, String> {
        if file.format != FORMAT {
            return Err(format!("unknown format {}", file.format));
        }
        if file.name != name.as_str() {
            return Err(format!("it belongs to '{}'", file.name));
        }
        let key_pair_bytes = hex::decode(&file.identity_key_pair).map_err(|e| e.to_string())?;
        let key_pair = IdentityKeyPair::try_from(key_pair_bytes.as_slice())
            .map_err(|e| format!("identity key: {e}"))?;
        let mut known = BTreeMap::new();
        for (peer, key) in &file.known_identities {
            let bytes = hex::decode(key).map_err(|e| e.to_string())?;
            let key = IdentityKey::try_from(bytes.as_slice())
                .map_err(|e| format!("identity of {peer}: {e}"))?;
            known.insert(peer.clone(), key);
        }
        let mut base_keys_seen = Vec::new();
        for (kyber, signed, key) in &file.kyber_base_keys_seen {
            base_keys_seen.push((
                *kyber,
                *signed,
                hex::decode(key).map_err(|e| e.to_string())?,
            ));
        }
        Ok(Stores {
            identities: Identities {
                key_pair,
                registration_id: file.registration_id,
                known,
            },
            sessions: Sessions(unhex_map(&file.sessions)?),
            pre_keys: PreKeys(unhex_map(&file.one_time_pre_keys)?),
            signed_pre_keys: SignedPreKeys(unhex_map(&file.signed_pre_keys)?),
            kyber_pre_keys: KyberPreKeys {
                records: unhex_map(&file.kyber_pre_keys)?,
                base_keys_seen,
            },
        })
    }

    /// The generation of the state file on disk now (None: no file yet).
    fn generation_on_disk(&self) -> Option<u64> {
        let text = fs::read_to_string(self.dir.join(STATE_FILE)).ok()?;
        let file: StateFile = serde_json::from_str(&text).ok()?;
        Some(file.generation)
    }

    /// Fails unless a state file can be written into the home folder now: a
    /// command checks this before it does anything it could not record.
    pub fn check_writable(&self) -> Result<(), HomeError> {
        AtomicFile::create_in(&self.dir, Access::Private)
            .map(drop)
            .map_err(|source| HomeError::Io {
                path: self.dir.clone(),
                source,
            })
    }

    /// Writes the state atomically, owner-only. The lock keeps other
    /// commands out; the generation check is a second line for file systems
    /// whose locks do nothing: it refuses to save over a state that someone
    /// else saved since this one was loaded.
    pub fn save(&mut self) -> Result<(), HomeError> {
        if self
            .generation_on_disk()
            .is_some_and(|on_disk| on_disk != self.generation)
        {
            return Err(HomeError::Changed {
                name: self.name.to_string(),
            });
        }
        let s = &self.stores;
        let file = StateFile {
            format: FORMAT,
            name: self.name.to_string(),
            generation: self.generation + 1,
            registration_id: s.identities.registration_id,
            identity_key_pair: hex::encode(s.identities.key_pair.serialize()),
            signed_pre_keys: hex_map(&s.signed_pre_keys.0),
            kyber_pre_keys: hex_map(&s.kyber_pre_keys.records),
            one_time_pre_keys: hex_map(&s.pre_keys.0),
            kyber_base_keys_seen: s
                .kyber_pre_keys
                .base_keys_seen
                .iter()
                .map(|(k, sp, key)| (*k, *sp, hex::encode(key)))
                .collect(),
            sessions: hex_map(&s.sessions.0),
            known_identities: s
                .identities
                .known
                .iter()
                .map(|(k, v)| (k.clone(), hex::encode(v.serialize())))
                .collect(),
            received: self.received.clone(),
        };
        let text = serde_json::to_string_pretty(&file).expect("the state serializes");
        let io = |source| HomeError::Io {
            path: self.dir.clone(),
            source,
        };
        atomic::create_dir(&self.dir, Access::Private).map_err(io)?;
        atomic::write(&self.dir.join(STATE_FILE), text.as_bytes(), Access::Private).map_err(io)?;
        self.generation += 1;
        Ok(())
    }
}

/// Locks NAME's home folder `dir` for this command.
fn lock(dir: &Path, name: &Name) -> Result<HomeLock, HomeError> {
    HomeLock::acquire(dir).map_err(|failure| match failure {
        LockFailure::Busy => HomeError::Busy {
            name: name.to_string(),
        },
        LockFailure::Open { path, source } => HomeError::Io { path, source },
        LockFailure::Lock { path, source } => HomeError::Lock { path, source },
    })
}
