//! A person's home folder: their private keys and sessions, which never leave
//! it. One JSON file (`HOME/NAME/state.json`, owner-only) holds everything
//! libsignal's stores need, each record in libsignal's own serialization (hex).
//! It is rewritten atomically after each change, so a crash leaves the old
//! state or the new one, never a mix.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use libsignal_protocol::{
    GenericSignedPreKey, IdentityKey, IdentityKeyPair, KeyPair, PreKeyId, PreKeyRecord,
};
use rand::{CryptoRng, Rng};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::atomic;
use super::relay::Relay;
use super::store::{Identities, KyberPreKeys, PreKeys, Sessions, SignedPreKeys, Stores};
use super::{ShareError, check_name};
use crate::engine::ServerBundle;
use crate::engine::keys::BobKeys;

const STATE_FILE: &str = "state.json";
const FORMAT: u32 = 1;

#[derive(Debug, Error)]
pub enum HomeError {
    #[error(
        "{name} has no home folder at {path} (run `pqxdh-lab share init {name}` first, \
         with the same --home)"
    )]
    Missing { name: String, path: PathBuf },
    #[error(
        "{name}'s state file {path} is corrupt ({reason}); it holds private keys, so it is \
         never repaired automatically: restore it from a backup"
    )]
    Corrupt {
        name: String,
        path: PathBuf,
        reason: String,
    },
    #[error("{name} already has a home folder at {path}; `init` never replaces keys")]
    Exists { name: String, path: PathBuf },
    #[error("could not use {path}: {source}")]
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
}

/// One person's home: where their state lives, and the state itself.
pub struct Home {
    pub name: String,
    pub dir: PathBuf,
    pub stores: Stores,
    generation: u64,
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
    pub fn dir_for(base: &Path, name: &str) -> PathBuf {
        base.join(name)
    }

    /// Loads NAME's state from `base/NAME/state.json`.
    pub fn load(base: &Path, name: &str) -> Result<Self, ShareError> {
        check_name(name)?;
        let dir = Self::dir_for(base, name);
        let path = dir.join(STATE_FILE);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(HomeError::Missing {
                    name: name.to_string(),
                    path: dir,
                }
                .into());
            }
            Err(source) => return Err(HomeError::Io { path, source }.into()),
        };
        let corrupt = |reason: String| HomeError::Corrupt {
            name: name.to_string(),
            path: path.clone(),
            reason,
        };
        let file: StateFile = serde_json::from_str(&text).map_err(|e| corrupt(e.to_string()))?;
        let stores = Self::decode(&file, name).map_err(corrupt)?;
        Ok(Self {
            name: name.to_string(),
            dir,
            stores,
            generation: file.generation,
        })
    }

    fn decode(file: &StateFile, name: &str) -> Result<Stores, String> {
        if file.format != FORMAT {
            return Err(format!("unknown format {}", file.format));
        }
        if file.name != name {
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

    /// Writes the state atomically, owner-only, if no one else saved since
    /// it was loaded.
    pub fn save(&mut self) -> Result<(), HomeError> {
        if let Some(on_disk) = self.generation_on_disk()
            && on_disk != self.generation
        {
            return Err(HomeError::Changed {
                name: self.name.clone(),
            });
        }
        let s = &self.stores;
        let file = StateFile {
            format: FORMAT,
            name: self.name.clone(),
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
        };
        let text = serde_json::to_string_pretty(&file).expect("the state serializes");
        let io = |source| HomeError::Io {
            path: self.dir.clone(),
            source,
        };
        atomic::create_dir(&self.dir, true).map_err(io)?;
        atomic::write(&self.dir.join(STATE_FILE), text.as_bytes(), true).map_err(io)?;
        self.generation += 1;
        Ok(())
    }
}

/// What `share init` made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitSummary {
    pub home: PathBuf,
    pub identity_key: Vec<u8>,
    pub signed_pre_key_id: u32,
    pub kyber_pre_key_id: u32,
    pub one_time_pre_keys: usize,
}

/// Creates NAME's keys (IK, SPK, PQSPK and `one_time_pre_keys` OPKs), saves
/// the private halves in NAME's home, and publishes the public halves.
pub fn init<R: Rng + CryptoRng>(
    base: &Path,
    relay: &dyn Relay,
    name: &str,
    one_time_pre_keys: u32,
    rng: &mut R,
) -> Result<InitSummary, ShareError> {
    check_name(name)?;
    let dir = Home::dir_for(base, name);
    if dir.join(STATE_FILE).exists() {
        return Err(HomeError::Exists {
            name: name.to_string(),
            path: dir,
        }
        .into());
    }
    let keys = BobKeys::generate(rng, false)?;
    // Consecutive ids from a random start, as Signal clients number them.
    let first_id = rng.random_range(1..=0x00ff_ffff - one_time_pre_keys.max(1));
    let mut pre_keys = PreKeys::default();
    let mut published = Vec::new();
    for id in first_id..first_id + one_time_pre_keys {
        let key = KeyPair::generate(rng);
        let record = PreKeyRecord::new(PreKeyId::from(id), &key);
        pre_keys.0.insert(id, record.serialize()?);
        published.push((id, key.public_key.serialize().into_vec()));
    }
    let mut signed = SignedPreKeys::default();
    signed.0.insert(
        keys.signed_prekey_id.into(),
        keys.signed_prekey_record().serialize()?,
    );
    let mut kyber = KyberPreKeys::default();
    kyber.records.insert(
        keys.kyber_prekey_id.into(),
        keys.kyber_prekey_record().serialize()?,
    );
    let mut home = Home {
        name: name.to_string(),
        dir: dir.clone(),
        generation: 0,
        stores: Stores {
            identities: Identities {
                key_pair: keys.identity,
                registration_id: keys.registration_id,
                known: BTreeMap::new(),
            },
            sessions: Sessions::default(),
            pre_keys,
            signed_pre_keys: signed,
            kyber_pre_keys: kyber,
        },
    };
    // Private state first: a published bundle whose private keys were lost
    // would let people send files nobody can open.
    home.save()?;
    let bundle = ServerBundle::from_bob(&keys).encode();
    relay.publish(name, &bundle, &published)?;
    Ok(InitSummary {
        home: dir,
        identity_key: keys.identity.identity_key().serialize().into_vec(),
        signed_pre_key_id: keys.signed_prekey_id.into(),
        kyber_pre_key_id: keys.kyber_prekey_id.into(),
        one_time_pre_keys: published.len(),
    })
}
