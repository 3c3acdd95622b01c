//! Step 1: the long-term and prekeys, generated with libsignal's own types.
//!
//! Every random choice comes from the caller's RNG, so a seed reproduces every
//! byte. (libsignal's `KyberPreKeyRecord::generate` draws from the operating
//! system instead, which is why the Kyber prekey is built from its parts here.)

use libsignal_protocol::kem::{self, KeyType};
use libsignal_protocol::{
    GenericSignedPreKey, IdentityKeyPair, KeyPair, KyberPreKeyId, KyberPreKeyRecord, PreKeyId,
    PreKeyRecord, SignedPreKeyId, SignedPreKeyRecord, Timestamp,
};
use rand::{CryptoRng, Rng};

/// The moment every record is stamped with, so that a seed fixes every byte.
/// (2026-01-01T00:00:00Z; the value never reaches the wire.)
pub const DEMO_EPOCH_MILLIS: u64 = 1_767_225_600_000;

/// Key ids are 24-bit in Signal clients; the spec (§4.13) allows random ones.
fn random_id<R: Rng>(rng: &mut R) -> u32 {
    rng.random_range(1..=0x00ff_ffff)
}

/// Registration ids are 14-bit in Signal clients (1..=16380).
pub fn random_registration_id<R: Rng>(rng: &mut R) -> u32 {
    rng.random_range(1..=16_380)
}

/// The numbers Bob draws before any key: his registration id and the ids of
/// his prekeys. They come first in his RNG stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BobIds {
    pub registration_id: u32,
    pub signed_prekey_id: SignedPreKeyId,
    pub kyber_prekey_id: KyberPreKeyId,
    pub one_time_prekey_id: PreKeyId,
}

impl BobIds {
    pub fn generate<R: Rng>(rng: &mut R) -> Self {
        Self {
            registration_id: random_registration_id(rng),
            signed_prekey_id: SignedPreKeyId::from(random_id(rng)),
            kyber_prekey_id: KyberPreKeyId::from(random_id(rng)),
            one_time_prekey_id: PreKeyId::from(random_id(rng)),
        }
    }
}

/// Everything Bob creates before anyone talks to him.
pub struct BobKeys {
    pub registration_id: u32,
    /// IK_B: his long-term identity key (X25519 for DH and XEdDSA for signing).
    pub identity: IdentityKeyPair,
    pub signed_prekey_id: SignedPreKeyId,
    /// SPK_B: the signed prekey, rotated every few days or weeks.
    pub signed_prekey: KeyPair,
    /// Sig(IK_B, EncodeEC(SPK_B)).
    pub signed_prekey_signature: Vec<u8>,
    pub kyber_prekey_id: KyberPreKeyId,
    /// PQSPK_B: the signed Kyber1024 prekey (last-resort in the spec's terms).
    pub kyber_prekey: kem::KeyPair,
    /// Sig(IK_B, EncodeKEM(PQSPK_B)).
    pub kyber_prekey_signature: Vec<u8>,
    /// OPK_B: one one-time curve prekey, when the run asks for it.
    pub one_time_prekey: Option<(PreKeyId, KeyPair)>,
}

impl BobKeys {
    /// Draws Bob's keys in a fixed order: ids, IK_B, SPK_B and its signature,
    /// PQSPK_B and its signature, then OPK_B.
    pub fn generate<R: Rng + CryptoRng>(
        rng: &mut R,
        with_one_time_prekey: bool,
    ) -> Result<Self, libsignal_protocol::SignalProtocolError> {
        let BobIds {
            registration_id,
            signed_prekey_id,
            kyber_prekey_id,
            one_time_prekey_id,
        } = BobIds::generate(rng);

        let identity = IdentityKeyPair::generate(rng);

        let signed_prekey = KeyPair::generate(rng);
        // The signature covers the *serialized* key, type byte 0x05 included.
        let signed_prekey_signature = identity
            .private_key()
            .calculate_signature(&signed_prekey.public_key.serialize(), rng)?
            .into_vec();

        let kyber_prekey = kem::KeyPair::generate(KeyType::Kyber1024, rng);
        // Likewise over 0x08 ‖ key: curve and KEM encodings can never be confused.
        let kyber_prekey_signature = identity
            .private_key()
            .calculate_signature(&kyber_prekey.public_key.serialize(), rng)?
            .into_vec();

        let one_time_prekey =
            with_one_time_prekey.then(|| (one_time_prekey_id, KeyPair::generate(rng)));

        Ok(Self {
            registration_id,
            identity,
            signed_prekey_id,
            signed_prekey,
            signed_prekey_signature,
            kyber_prekey_id,
            kyber_prekey,
            kyber_prekey_signature,
            one_time_prekey,
        })
    }

    /// The records libsignal keeps in Bob's stores.
    pub fn signed_prekey_record(&self) -> SignedPreKeyRecord {
        SignedPreKeyRecord::new(
            self.signed_prekey_id,
            Timestamp::from_epoch_millis(DEMO_EPOCH_MILLIS),
            &self.signed_prekey,
            &self.signed_prekey_signature,
        )
    }

    pub fn kyber_prekey_record(&self) -> KyberPreKeyRecord {
        KyberPreKeyRecord::new(
            self.kyber_prekey_id,
            Timestamp::from_epoch_millis(DEMO_EPOCH_MILLIS),
            &self.kyber_prekey,
            &self.kyber_prekey_signature,
        )
    }

    pub fn one_time_prekey_record(&self) -> Option<PreKeyRecord> {
        self.one_time_prekey
            .as_ref()
            .map(|(id, key)| PreKeyRecord::new(*id, key))
    }
}

/// Alice's long-term identity, IK_A.
pub struct AliceKeys {
    pub registration_id: u32,
    pub identity: IdentityKeyPair,
}

impl AliceKeys {
    pub fn generate<R: Rng + CryptoRng>(rng: &mut R) -> Self {
        let registration_id = random_registration_id(rng);
        let identity = IdentityKeyPair::generate(rng);
        Self {
            registration_id,
            identity,
        }
    }
}
