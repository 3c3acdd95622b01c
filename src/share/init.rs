//! `share init`: a new person's keys. The private halves go into their home
//! folder, the public halves and signatures onto the relay.

use std::path::{Path, PathBuf};

use libsignal_protocol::GenericSignedPreKey;
use rand::{CryptoRng, Rng};

use super::error::ShareError;
use super::home::{Home, HomeError};
use super::names::Name;
use super::publish::{add_one_time_prekeys, check_count};
use super::relay::{Relay, RelayError};
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
/// halves. A name the relay already holds for another identity is refused.
pub fn init<R: Rng + CryptoRng>(
    homes: &Path,
    relay: &dyn Relay,
    name: &str,
    one_time_pre_keys: u32,
    rng: &mut R,
) -> Result<InitSummary, ShareError> {
    create(homes, relay, name, one_time_pre_keys, false, rng)
}

/// Like [`init`], but replaces the keys the relay holds for NAME: for
/// someone who lost their home and starts again under their own name.
/// Everyone who knew the old identity key will refuse the new one until they
/// compare safety numbers and accept it (`share trust`).
pub fn init_taking_over<R: Rng + CryptoRng>(
    homes: &Path,
    relay: &dyn Relay,
    name: &str,
    one_time_pre_keys: u32,
    rng: &mut R,
) -> Result<InitSummary, ShareError> {
    create(homes, relay, name, one_time_pre_keys, true, rng)
}

fn create<R: Rng + CryptoRng>(
    homes: &Path,
    relay: &dyn Relay,
    name: &str,
    one_time_pre_keys: u32,
    take_over: bool,
    rng: &mut R,
) -> Result<InitSummary, ShareError> {
    check_count(one_time_pre_keys)?;
    let name = Name::new(name)?;
    // Held until the end: two inits of one name in one home cannot interleave.
    let lock = Home::lock_new(homes, &name)?;
    // Refused before any key is drawn.
    if Home::exists(homes, &name) {
        return Err(HomeError::Exists {
            path: Home::dir_for(homes, &name),
            name: name.to_string(),
        }
        .into());
    }
    if !take_over {
        let held = relay.peek_bundle(name.as_str())?;
        if held.is_some_and(|bytes| ServerBundle::decode(&bytes).is_ok()) {
            return Err(RelayError::NameTaken {
                name: name.to_string(),
            }
            .into());
        }
    }
    let keys = BobKeys::generate(rng, false)?;
    let mut stores = Stores {
        identities: Identities {
            key_pair: keys.identity,
            registration_id: keys.registration_id,
            known: Default::default(),
        },
        sessions: Sessions::default(),
        pre_keys: PreKeys::default(),
        signed_pre_keys: SignedPreKeys::default(),
        kyber_pre_keys: KyberPreKeys::default(),
    };
    // Consecutive ids from a random start, as Signal clients number them.
    let first_id = rng.random_range(1..=0x00ff_ffff - one_time_pre_keys.max(1));
    let published = add_one_time_prekeys(&mut stores, first_id, one_time_pre_keys, rng)?;
    stores.signed_pre_keys.0.insert(
        keys.signed_prekey_id.into(),
        keys.signed_prekey_record().serialize()?,
    );
    stores.kyber_pre_keys.records.insert(
        keys.kyber_prekey_id.into(),
        keys.kyber_prekey_record().serialize()?,
    );
    // Private state first: a published bundle whose private keys were lost
    // would let people send files nobody can open.
    let home = Home::create(homes, &name, stores, lock)?;
    let bundle = ServerBundle::from_bob(&keys);
    // A network relay wants the publication signed with the new IK.
    relay.sign_as(name.as_str(), &home.stores.identities.key_pair);
    // Prekeys the relay withdraws here belonged to an earlier owner of the name.
    relay
        .publish(name.as_str(), &bundle.encode(), &published, take_over)
        .map_err(|source| ShareError::NotPublished {
            name: name.to_string(),
            home: home.dir.clone(),
            source,
        })?;
    Ok(InitSummary {
        home: home.dir.clone(),
        identity_key: bundle.identity_key,
        signed_pre_key_id: bundle.signed_pre_key_id,
        kyber_pre_key_id: bundle.kyber_pre_key_id,
        one_time_pre_keys: published.len(),
    })
}
