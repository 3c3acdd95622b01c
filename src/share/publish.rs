//! `share publish`: a person's public keys on the relay again, with fresh
//! one-time prekeys. For an `init` whose relay was unwritable, a relay that
//! lost its files, or prekeys that ran out.
//!
//! The bundle is rebuilt from the home (IK, SPK_B, PQSPK_B and their
//! signatures, as `init` made them; nothing is rotated). The one-time
//! prekeys still waiting on the relay are withdrawn and replaced; a private
//! half is deleted only for a prekey the relay withdrew unused. Those handed
//! out earlier keep their private halves, so that the first messages built
//! on them, perhaps still on their way, can be decrypted.

use libsignal_protocol::{GenericSignedPreKey, KeyPair, PreKeyId, PreKeyRecord};
use rand::{CryptoRng, Rng};

use super::error::ShareError;
use super::session::Account;
use super::store::Stores;
use crate::engine::ServerBundle;

/// Signal's primary device, the only one pqxdh-lab uses (the engine's
/// `DEVICE_ID`; a test checks that a republished bundle equals `init`'s).
const DEVICE_ID: u32 = 1;

/// Most one-time prekeys published at once. Each is a file on the relay and
/// a private key at home; a few dozen serve most people between two publishes.
pub const MAX_ONE_TIME_PREKEYS: u32 = 1000;

/// One-time prekey ids are 24-bit numbers in libsignal's clients (the
/// `Medium` type of libsignal-service); staying below keeps them portable.
const MAX_PREKEY_ID: u32 = 0x00ff_ffff;

/// What `share publish` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishSummary {
    pub identity_key: Vec<u8>,
    pub signed_pre_key_id: u32,
    pub kyber_pre_key_id: u32,
    /// Fresh one-time prekeys now on the relay.
    pub published: usize,
    /// Old ones the relay withdrew unused (their private halves deleted).
    pub withdrawn: usize,
    /// Private halves kept for prekeys handed out earlier and not used yet.
    pub kept: usize,
}

pub(crate) fn check_count(count: u32) -> Result<(), ShareError> {
    if count > MAX_ONE_TIME_PREKEYS {
        return Err(ShareError::PrekeyCount {
            count,
            max: MAX_ONE_TIME_PREKEYS,
        });
    }
    Ok(())
}

/// The bundle the relay stores for the owner of `stores`: public keys and
/// signatures only, no one-time prekey (the relay adds one per fetch).
pub fn bundle_of(stores: &Stores) -> Result<ServerBundle, ShareError> {
    let invalid = |what: &'static str| ShareError::Malformed {
        what: "home",
        source: crate::protobuf::ProtobufError::Missing(what),
    };
    // `init` makes one of each; the newest one is the one to publish.
    let (&spk_id, spk) = stores
        .signed_pre_keys
        .0
        .last_key_value()
        .ok_or_else(|| invalid("signed prekey"))?;
    let (&kyber_id, kyber) = stores
        .kyber_pre_keys
        .records
        .last_key_value()
        .ok_or_else(|| invalid("Kyber prekey"))?;
    let spk = libsignal_protocol::SignedPreKeyRecord::deserialize(spk)?;
    let kyber = libsignal_protocol::KyberPreKeyRecord::deserialize(kyber)?;
    Ok(ServerBundle {
        registration_id: stores.identities.registration_id,
        device_id: DEVICE_ID,
        identity_key: stores
            .identities
            .key_pair
            .identity_key()
            .serialize()
            .into_vec(),
        signed_pre_key_id: spk_id,
        signed_pre_key: spk.public_key()?.serialize().into_vec(),
        signed_pre_key_signature: spk.signature()?,
        kyber_pre_key_id: kyber_id,
        kyber_pre_key: kyber.public_key()?.serialize().into_vec(),
        kyber_pre_key_signature: kyber.signature()?,
        pre_key: None,
    })
}

/// Makes `count` one-time prekeys with consecutive ids from `first_id`,
/// keeps their private halves in `stores`, and returns the public halves.
pub(crate) fn add_one_time_prekeys<R: Rng + CryptoRng>(
    stores: &mut Stores,
    first_id: u32,
    count: u32,
    rng: &mut R,
) -> Result<Vec<(u32, Vec<u8>)>, ShareError> {
    let mut published = Vec::new();
    for id in first_id..first_id + count {
        let key = KeyPair::generate(rng);
        let record = PreKeyRecord::new(PreKeyId::from(id), &key);
        stores.pre_keys.0.insert(id, record.serialize()?);
        published.push((id, key.public_key.serialize().into_vec()));
    }
    Ok(published)
}

/// A random first id for `count` consecutive ids (as Signal clients number
/// them), none of which is in use in `stores`.
pub(crate) fn free_ids<R: Rng>(stores: &Stores, count: u32, rng: &mut R) -> u32 {
    loop {
        let first = rng.random_range(1..=MAX_PREKEY_ID - count.max(1));
        if stores
            .pre_keys
            .0
            .range(first..first + count)
            .next()
            .is_none()
        {
            return first;
        }
    }
}

/// Publishes the account owner's bundle again with `count` fresh one-time
/// prekeys. `take_over` replaces a bundle of another identity under the
/// same name (after a reinstall); without it, that is refused.
pub fn publish(
    account: &mut Account,
    count: u32,
    take_over: bool,
) -> Result<PublishSummary, ShareError> {
    check_count(count)?;
    account.check_home_writable()?;
    let name = account.name().clone();
    let relay = account.relay();

    // The private halves are saved before the public ones are published: a
    // sender may use a prekey the moment it is on the relay.
    let mut stores = account.home().stores.clone();
    let mut rng = account.rng();
    let first = free_ids(&stores, count, &mut rng);
    let fresh = add_one_time_prekeys(&mut stores, first, count, &mut rng)?;
    let bundle = bundle_of(&stores)?;
    let home = account.home_mut();
    home.stores = stores;
    home.save()?;

    let withdrawn = relay.publish(name.as_str(), &bundle.encode(), &fresh, take_over)?;
    // Withdrawn unused: no sender has them, so their private halves go.
    let home = account.home_mut();
    let mut removed = 0;
    for id in &withdrawn {
        let fresh_id = (first..first + count).contains(id);
        if !fresh_id && home.stores.pre_keys.0.remove(id).is_some() {
            removed += 1;
        }
    }
    home.save()?;
    Ok(PublishSummary {
        identity_key: bundle.identity_key,
        signed_pre_key_id: bundle.signed_pre_key_id,
        kyber_pre_key_id: bundle.kyber_pre_key_id,
        published: fresh.len(),
        withdrawn: removed,
        kept: home.stores.pre_keys.0.len() - fresh.len(),
    })
}
