//! `share init`: a new person's keys. The private halves go into their home
//! folder, the public halves and signatures onto the relay.

use std::path::{Path, PathBuf};

use libsignal_protocol::{GenericSignedPreKey, KeyPair, PreKeyId, PreKeyRecord};
use rand::{CryptoRng, Rng};

use super::error::ShareError;
use super::home::{Home, HomeError};
use super::names::Name;
use super::relay::Relay;
use super::store::{Identities, KyberPreKeys, PreKeys, Sessions, SignedPreKeys, Stores};
use crate::engine::ServerBundle;
use crate::engine::keys::BobKeys;

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
/// the private halves in NAME's home under `homes`, and publishes the public
/// halves.
pub fn init<R: Rng + CryptoRng>(
    homes: &Path,
    relay: &dyn Relay,
    name: &str,
    one_time_pre_keys: u32,
    rng: &mut R,
) -> Result<InitSummary, ShareError> {
    let name = Name::new(name)?;
    // Refused before any key is drawn.
    if Home::exists(homes, &name) {
        return Err(HomeError::Exists {
            path: Home::dir_for(homes, &name),
            name: name.to_string(),
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
    let stores = Stores {
        identities: Identities {
            key_pair: keys.identity,
            registration_id: keys.registration_id,
            known: Default::default(),
        },
        sessions: Sessions::default(),
        pre_keys,
        signed_pre_keys: signed,
        kyber_pre_keys: kyber,
    };
    // Private state first: a published bundle whose private keys were lost
    // would let people send files nobody can open.
    let home = Home::create(homes, &name, stores)?;
    let bundle = ServerBundle::from_bob(&keys).encode();
    relay.publish(name.as_str(), &bundle, &published)?;
    Ok(InitSummary {
        home: home.dir,
        identity_key: keys.identity.identity_key().serialize().into_vec(),
        signed_pre_key_id: keys.signed_prekey_id.into(),
        kyber_pre_key_id: keys.kyber_prekey_id.into(),
        one_time_pre_keys: published.len(),
    })
}
