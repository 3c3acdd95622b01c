//! A receiving device's libsignal stores, as the labs need them: Bob's, a
//! thief's loaded with stolen keys, the server's when it plays Bob, and two
//! stores with a defence switched off.
//!
//! libsignal's in-memory stores are its reference implementations
//! (`storage/inmem.rs`); the two variants below change exactly one method.

use async_trait::async_trait;
use futures::executor::block_on;
use libsignal_protocol::{
    CiphertextMessage, IdentityKeyPair, IdentityKeyStore, InMemIdentityKeyStore,
    InMemKyberPreKeyStore, InMemPreKeyStore, InMemSessionStore, InMemSignedPreKeyStore,
    KyberPreKeyId, KyberPreKeyRecord, KyberPreKeyStore, PreKeyId, PreKeyRecord,
    PreKeySignalMessage, PreKeyStore, ProtocolAddress, PublicKey, SignalProtocolError,
    SignedPreKeyId, SignedPreKeyRecord, SignedPreKeyStore, message_decrypt,
};
use rand::{CryptoRng, Rng};

use crate::engine::keys::BobKeys;

/// Whether Bob's Kyber prekey store remembers the base keys it has seen with
/// a last-resort key, as libsignal's contract asks (`storage/traits.rs:129-139`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseKeyMemory {
    /// libsignal's in-memory store: a reused base key is refused
    /// ("reused base key", `storage/inmem.rs:247-265`).
    Kept,
    /// A store without that memory: every use is accepted.
    None,
}

/// Whether Bob's prekey store deletes a one-time prekey once it is used, as
/// libsignal asks it to (`session_cipher.rs:268-270`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OneTimeDeletion {
    /// libsignal's in-memory store removes it.
    Deletes,
    /// A store that keeps used one-time prekeys.
    Keeps,
}

/// libsignal's Kyber prekey store without its memory of base keys.
struct ForgetfulKyberStore(InMemKyberPreKeyStore);

#[async_trait(?Send)]
impl KyberPreKeyStore for ForgetfulKyberStore {
    async fn get_kyber_pre_key(
        &self,
        id: KyberPreKeyId,
    ) -> Result<KyberPreKeyRecord, SignalProtocolError> {
        self.0.get_kyber_pre_key(id).await
    }

    async fn save_kyber_pre_key(
        &mut self,
        id: KyberPreKeyId,
        record: &KyberPreKeyRecord,
    ) -> Result<(), SignalProtocolError> {
        self.0.save_kyber_pre_key(id, record).await
    }

    /// Forgets: the check libsignal's contract asks for is not made.
    async fn mark_kyber_pre_key_used(
        &mut self,
        _id: KyberPreKeyId,
        _signed_id: SignedPreKeyId,
        _base_key: &PublicKey,
    ) -> Result<(), SignalProtocolError> {
        Ok(())
    }
}

/// libsignal's prekey store that never deletes a used one-time prekey.
struct KeepingPreKeyStore(InMemPreKeyStore);

#[async_trait(?Send)]
impl PreKeyStore for KeepingPreKeyStore {
    async fn get_pre_key(&self, id: PreKeyId) -> Result<PreKeyRecord, SignalProtocolError> {
        self.0.get_pre_key(id).await
    }

    async fn save_pre_key(
        &mut self,
        id: PreKeyId,
        record: &PreKeyRecord,
    ) -> Result<(), SignalProtocolError> {
        self.0.save_pre_key(id, record).await
    }

    /// Keeps: the deletion libsignal asks for does not happen.
    async fn remove_pre_key(&mut self, _id: PreKeyId) -> Result<(), SignalProtocolError> {
        Ok(())
    }
}

/// The keys a device holds, as libsignal's records.
pub struct DeviceKeys {
    pub identity: IdentityKeyPair,
    pub registration_id: u32,
    pub signed_prekey: (SignedPreKeyId, SignedPreKeyRecord),
    pub kyber_prekey: (KyberPreKeyId, KyberPreKeyRecord),
    pub one_time_prekey: Option<(PreKeyId, PreKeyRecord)>,
}

impl DeviceKeys {
    /// What Bob (or a server that made keys the same way) keeps on his device.
    pub fn of(bob: &BobKeys) -> Self {
        Self {
            identity: bob.identity,
            registration_id: bob.registration_id,
            signed_prekey: (bob.signed_prekey_id, bob.signed_prekey_record()),
            kyber_prekey: (bob.kyber_prekey_id, bob.kyber_prekey_record()),
            one_time_prekey: bob
                .one_time_prekey_record()
                .zip(bob.one_time_prekey.as_ref())
                .map(|(record, (id, _))| (*id, record)),
        }
    }
}

/// A receiving device: libsignal's stores, two of them possibly with a
/// defence switched off.
pub struct Device {
    pub identity: InMemIdentityKeyStore,
    pub sessions: InMemSessionStore,
    pre_keys: Box<dyn PreKeyStore>,
    signed_pre_keys: InMemSignedPreKeyStore,
    kyber_pre_keys: Box<dyn KyberPreKeyStore>,
}

impl Device {
    /// A device with libsignal's own stores, every defence on.
    pub fn new(keys: DeviceKeys) -> Result<Self, SignalProtocolError> {
        Self::with(keys, BaseKeyMemory::Kept, OneTimeDeletion::Deletes)
    }

    pub fn with(
        keys: DeviceKeys,
        memory: BaseKeyMemory,
        deletion: OneTimeDeletion,
    ) -> Result<Self, SignalProtocolError> {
        let mut signed_pre_keys = InMemSignedPreKeyStore::new();
        let mut kyber = InMemKyberPreKeyStore::new();
        let mut pre_keys = InMemPreKeyStore::new();
        block_on(async {
            let (id, record) = &keys.signed_prekey;
            signed_pre_keys.save_signed_pre_key(*id, record).await?;
            let (id, record) = &keys.kyber_prekey;
            kyber.save_kyber_pre_key(*id, record).await?;
            if let Some((id, record)) = &keys.one_time_prekey {
                pre_keys.save_pre_key(*id, record).await?;
            }
            Ok::<_, SignalProtocolError>(())
        })?;
        let kyber_pre_keys: Box<dyn KyberPreKeyStore> = match memory {
            BaseKeyMemory::Kept => Box::new(kyber),
            BaseKeyMemory::None => Box::new(ForgetfulKyberStore(kyber)),
        };
        let pre_keys: Box<dyn PreKeyStore> = match deletion {
            OneTimeDeletion::Deletes => Box::new(pre_keys),
            OneTimeDeletion::Keeps => Box::new(KeepingPreKeyStore(pre_keys)),
        };
        Ok(Self {
            identity: InMemIdentityKeyStore::new(keys.identity, keys.registration_id),
            sessions: InMemSessionStore::new(),
            pre_keys,
            signed_pre_keys,
            kyber_pre_keys,
        })
    }

    /// Receives a first message (a PreKeySignalMessage, as bytes) from
    /// `from`, through libsignal's `message_decrypt`.
    pub fn receive<R: Rng + CryptoRng>(
        &mut self,
        from: &ProtocolAddress,
        message: &[u8],
        rng: &mut R,
    ) -> Result<Vec<u8>, SignalProtocolError> {
        let message =
            CiphertextMessage::PreKeySignalMessage(PreKeySignalMessage::try_from(message)?);
        block_on(message_decrypt(
            &message,
            from,
            &mut self.sessions,
            &mut self.identity,
            &mut *self.pre_keys,
            &self.signed_pre_keys,
            &mut *self.kyber_pre_keys,
            rng,
        ))
    }

    /// The device loses its sessions (a reinstall, a reset), keeping its keys.
    pub fn forget_sessions(&mut self) {
        self.sessions = InMemSessionStore::new();
    }

    /// Whether the device still holds this one-time prekey.
    pub fn has_one_time_prekey(&self, id: PreKeyId) -> bool {
        block_on(self.pre_keys.get_pre_key(id)).is_ok()
    }

    /// What is left on the device, read back from its stores by id: the keys
    /// a thief would find. A one-time prekey the store deleted comes back None.
    pub fn keys(
        &self,
        signed_id: SignedPreKeyId,
        kyber_id: KyberPreKeyId,
        one_time_id: Option<PreKeyId>,
    ) -> Result<DeviceKeys, SignalProtocolError> {
        block_on(async {
            let one_time_prekey = match one_time_id {
                Some(id) => self.pre_keys.get_pre_key(id).await.ok().map(|r| (id, r)),
                None => None,
            };
            Ok(DeviceKeys {
                identity: self.identity.get_identity_key_pair().await?,
                registration_id: self.identity.get_local_registration_id().await?,
                signed_prekey: (
                    signed_id,
                    self.signed_pre_keys.get_signed_pre_key(signed_id).await?,
                ),
                kyber_prekey: (
                    kyber_id,
                    self.kyber_pre_keys.get_kyber_pre_key(kyber_id).await?,
                ),
                one_time_prekey,
            })
        })
    }

    /// The identity key this device has on record for `address`.
    pub fn identity_of(
        &self,
        address: &ProtocolAddress,
    ) -> Result<Option<libsignal_protocol::IdentityKey>, SignalProtocolError> {
        block_on(self.identity.get_identity(address))
    }
}
