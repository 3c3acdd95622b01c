//! libsignal's five stores, kept in memory while a command runs and saved as
//! one state file in the person's home folder afterwards (see `home.rs`).
//!
//! They are separate structs, not one, because `message_decrypt` borrows each
//! store on its own at the same time.

use std::collections::BTreeMap;

use async_trait::async_trait;
use libsignal_protocol::{
    Direction, GenericSignedPreKey, IdentityChange, IdentityKey, IdentityKeyPair, IdentityKeyStore,
    KyberPreKeyId, KyberPreKeyRecord, KyberPreKeyStore, PreKeyId, PreKeyRecord, PreKeyStore,
    ProtocolAddress, PublicKey, SessionRecord, SessionStore, SignalProtocolError, SignedPreKeyId,
    SignedPreKeyRecord, SignedPreKeyStore,
};

type Result<T> = std::result::Result<T, SignalProtocolError>;

/// IK and the identities of people we have talked to.
#[derive(Clone)]
pub struct Identities {
    pub key_pair: IdentityKeyPair,
    pub registration_id: u32,
    /// Trust on first use: the identity key a name had the first time.
    pub known: BTreeMap<String, IdentityKey>,
}

#[async_trait(?Send)]
impl IdentityKeyStore for Identities {
    async fn get_identity_key_pair(&self) -> Result<IdentityKeyPair> {
        Ok(self.key_pair)
    }

    async fn get_local_registration_id(&self) -> Result<u32> {
        Ok(self.registration_id)
    }

    async fn save_identity(
        &mut self,
        address: &ProtocolAddress,
        identity: &IdentityKey,
    ) -> Result<IdentityChange> {
        let old = self.known.insert(address.name().to_string(), *identity);
        Ok(IdentityChange::from_changed(
            old.is_some_and(|old| old != *identity),
        ))
    }

    /// A name whose identity key changes is refused: that is what a relay
    /// substituting its own keys would look like. (Signal asks the user to
    /// compare safety numbers instead.)
    async fn is_trusted_identity(
        &self,
        address: &ProtocolAddress,
        identity: &IdentityKey,
        _direction: Direction,
    ) -> Result<bool> {
        Ok(self
            .known
            .get(address.name())
            .is_none_or(|known| known == identity))
    }

    async fn get_identity(&self, address: &ProtocolAddress) -> Result<Option<IdentityKey>> {
        Ok(self.known.get(address.name()).copied())
    }
}

#[derive(Clone, Default)]
pub struct Sessions(pub BTreeMap<String, Vec<u8>>);

#[async_trait(?Send)]
impl SessionStore for Sessions {
    async fn load_session(&self, address: &ProtocolAddress) -> Result<Option<SessionRecord>> {
        self.0
            .get(address.name())
            .map(|bytes| SessionRecord::deserialize(bytes))
            .transpose()
    }

    async fn store_session(
        &mut self,
        address: &ProtocolAddress,
        record: &SessionRecord,
    ) -> Result<()> {
        self.0
            .insert(address.name().to_string(), record.serialize()?);
        Ok(())
    }
}

/// OPK_B private halves. libsignal removes one when a PreKeySignalMessage
/// uses it: a one-time prekey works once.
#[derive(Clone, Default)]
pub struct PreKeys(pub BTreeMap<u32, Vec<u8>>);

#[async_trait(?Send)]
impl PreKeyStore for PreKeys {
    async fn get_pre_key(&self, id: PreKeyId) -> Result<PreKeyRecord> {
        let bytes = self
            .0
            .get(&u32::from(id))
            .ok_or(SignalProtocolError::InvalidPreKeyId)?;
        PreKeyRecord::deserialize(bytes)
    }

    async fn save_pre_key(&mut self, id: PreKeyId, record: &PreKeyRecord) -> Result<()> {
        self.0.insert(id.into(), record.serialize()?);
        Ok(())
    }

    async fn remove_pre_key(&mut self, id: PreKeyId) -> Result<()> {
        self.0.remove(&u32::from(id));
        Ok(())
    }
}

/// SPK_B private halves.
#[derive(Clone, Default)]
pub struct SignedPreKeys(pub BTreeMap<u32, Vec<u8>>);

#[async_trait(?Send)]
impl SignedPreKeyStore for SignedPreKeys {
    async fn get_signed_pre_key(&self, id: SignedPreKeyId) -> Result<SignedPreKeyRecord> {
        let bytes = self
            .0
            .get(&u32::from(id))
            .ok_or(SignalProtocolError::InvalidSignedPreKeyId)?;
        SignedPreKeyRecord::deserialize(bytes)
    }

    async fn save_signed_pre_key(
        &mut self,
        id: SignedPreKeyId,
        record: &SignedPreKeyRecord,
    ) -> Result<()> {
        self.0.insert(id.into(), record.serialize()?);
        Ok(())
    }
}

/// PQSPK_B private halves, and the base keys (EK_A) already used with each.
#[derive(Clone, Default)]
pub struct KyberPreKeys {
    pub records: BTreeMap<u32, Vec<u8>>,
    /// (Kyber prekey id, signed prekey id, EK_A). PQSPK_B is a last-resort
    /// key used by many senders, so the same EK_A arriving twice can only be
    /// a replayed first message, and libsignal asks the store to refuse it.
    pub base_keys_seen: Vec<(u32, u32, Vec<u8>)>,
}

#[async_trait(?Send)]
impl KyberPreKeyStore for KyberPreKeys {
    async fn get_kyber_pre_key(&self, id: KyberPreKeyId) -> Result<KyberPreKeyRecord> {
        let bytes = self
            .records
            .get(&u32::from(id))
            .ok_or(SignalProtocolError::InvalidKyberPreKeyId)?;
        KyberPreKeyRecord::deserialize(bytes)
    }

    async fn save_kyber_pre_key(
        &mut self,
        id: KyberPreKeyId,
        record: &KyberPreKeyRecord,
    ) -> Result<()> {
        self.records.insert(id.into(), record.serialize()?);
        Ok(())
    }

    async fn mark_kyber_pre_key_used(
        &mut self,
        kyber_prekey_id: KyberPreKeyId,
        ec_prekey_id: SignedPreKeyId,
        base_key: &PublicKey,
    ) -> Result<()> {
        let entry = (
            u32::from(kyber_prekey_id),
            u32::from(ec_prekey_id),
            base_key.serialize().into_vec(),
        );
        if self.base_keys_seen.contains(&entry) {
            return Err(SignalProtocolError::InvalidMessage(
                libsignal_protocol::CiphertextMessageType::PreKey,
                "reused base key",
            ));
        }
        self.base_keys_seen.push(entry);
        Ok(())
    }
}

/// Everything one person's libsignal needs.
#[derive(Clone)]
pub struct Stores {
    pub identities: Identities,
    pub sessions: Sessions,
    pub pre_keys: PreKeys,
    pub signed_pre_keys: SignedPreKeys,
    pub kyber_pre_keys: KyberPreKeys,
}
