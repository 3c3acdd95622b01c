//! Step 2: the prekey bundle, as the server stores it and hands it out.
//!
//! Signal's server keeps these keys in its own format; this project encodes
//! the bundle as a small protobuf message so that every byte the server holds
//! can be shown and explained, exactly like libsignal's own wire messages.

use libsignal_protocol::kem;
use libsignal_protocol::{
    DeviceId, IdentityKey, KyberPreKeyId, PreKeyBundle, PreKeyId, PublicKey, SignedPreKeyId,
};
use thiserror::Error;

use super::keys::BobKeys;
use super::protobuf::{self, Payload, ProtobufError, Writer};

/// The device id used for both parties (Signal's primary device is 1).
pub const DEVICE_ID: u8 = 1;

#[derive(Debug, Error)]
pub enum BundleError {
    #[error("the bundle is not valid protobuf: {0}")]
    Protobuf(#[from] ProtobufError),
    #[error("the bundle has no {0}")]
    Missing(&'static str),
    #[error("the bundle's field {0} has the wrong wire type")]
    WireType(u32),
    #[error("the bundle's {field} is not a valid key: {reason}")]
    BadKey { field: &'static str, reason: String },
    #[error("the bundle repeats field {0}")]
    Repeated(u32),
    #[error("the signature on {0} does not verify with the bundle's identity key IK_B")]
    BadSignature(&'static str),
}

/// Bob's public keys and signatures: all the server ever gets from him.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerBundle {
    pub registration_id: u32,
    pub device_id: u32,
    pub identity_key: Vec<u8>,
    pub signed_pre_key_id: u32,
    pub signed_pre_key: Vec<u8>,
    pub signed_pre_key_signature: Vec<u8>,
    pub kyber_pre_key_id: u32,
    pub kyber_pre_key: Vec<u8>,
    pub kyber_pre_key_signature: Vec<u8>,
    pub pre_key: Option<(u32, Vec<u8>)>,
}

impl ServerBundle {
    /// What Bob uploads: public halves and signatures only.
    pub fn from_bob(bob: &BobKeys) -> Self {
        Self {
            registration_id: bob.registration_id,
            device_id: u32::from(DEVICE_ID),
            identity_key: bob.identity.identity_key().serialize().into_vec(),
            signed_pre_key_id: bob.signed_prekey_id.into(),
            signed_pre_key: bob.signed_prekey.public_key.serialize().into_vec(),
            signed_pre_key_signature: bob.signed_prekey_signature.clone(),
            kyber_pre_key_id: bob.kyber_prekey_id.into(),
            kyber_pre_key: bob.kyber_prekey.public_key.serialize().into_vec(),
            kyber_pre_key_signature: bob.kyber_prekey_signature.clone(),
            pre_key: bob
                .one_time_prekey
                .as_ref()
                .map(|(id, key)| (u32::from(*id), key.public_key.serialize().into_vec())),
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.uint(1, self.registration_id.into())
            .uint(2, self.device_id.into())
            .bytes(3, &self.identity_key)
            .uint(4, self.signed_pre_key_id.into())
            .bytes(5, &self.signed_pre_key)
            .bytes(6, &self.signed_pre_key_signature)
            .uint(7, self.kyber_pre_key_id.into())
            .bytes(8, &self.kyber_pre_key)
            .bytes(9, &self.kyber_pre_key_signature);
        if let Some((id, key)) = &self.pre_key {
            w.uint(10, (*id).into()).bytes(11, key);
        }
        w.finish()
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, BundleError> {
        let mut numbers: [Option<u64>; 12] = Default::default();
        let mut blobs: [Option<Vec<u8>>; 12] = Default::default();
        for field in protobuf::parse(bytes)? {
            let n = field.number as usize;
            if !(1..=11).contains(&n) {
                continue; // unknown fields are skipped, as protobuf readers do
            }
            if numbers[n].is_some() || blobs[n].is_some() {
                return Err(BundleError::Repeated(field.number));
            }
            let is_bytes_field = matches!(n, 3 | 5 | 6 | 8 | 9 | 11);
            match (field.payload, is_bytes_field) {
                (Payload::Varint(v), false) => numbers[n] = Some(v),
                (Payload::Bytes(b), true) => blobs[n] = Some(b.to_vec()),
                _ => return Err(BundleError::WireType(field.number)),
            }
        }
        let number = |n: usize, name: &'static str| -> Result<u32, BundleError> {
            numbers[n]
                .and_then(|v| u32::try_from(v).ok())
                .ok_or(BundleError::Missing(name))
        };
        let pre_key = match (numbers[10], blobs[11].take()) {
            (Some(id), Some(key)) => Some((
                u32::try_from(id).map_err(|_| BundleError::Missing("pre_key_id"))?,
                key,
            )),
            (None, None) => None,
            (None, Some(_)) => return Err(BundleError::Missing("pre_key_id")),
            (Some(_), None) => return Err(BundleError::Missing("pre_key")),
        };
        let mut blob =
            |n: usize, name: &'static str| blobs[n].take().ok_or(BundleError::Missing(name));
        Ok(Self {
            registration_id: number(1, "registration_id")?,
            device_id: number(2, "device_id")?,
            identity_key: blob(3, "identity_key")?,
            signed_pre_key_id: number(4, "signed_pre_key_id")?,
            signed_pre_key: blob(5, "signed_pre_key")?,
            signed_pre_key_signature: blob(6, "signed_pre_key_signature")?,
            kyber_pre_key_id: number(7, "kyber_pre_key_id")?,
            kyber_pre_key: blob(8, "kyber_pre_key")?,
            kyber_pre_key_signature: blob(9, "kyber_pre_key_signature")?,
            pre_key,
        })
    }

    /// The same bundle as libsignal's type, for `process_prekey_bundle`.
    /// Decoding the keys here checks their type bytes and lengths.
    pub fn to_libsignal(&self) -> Result<PreKeyBundle, BundleError> {
        let curve = |field: &'static str, bytes: &[u8]| {
            PublicKey::deserialize(bytes).map_err(|e| BundleError::BadKey {
                field,
                reason: e.to_string(),
            })
        };
        let identity_key = IdentityKey::new(curve("identity_key", &self.identity_key)?);
        let kyber =
            kem::PublicKey::deserialize(&self.kyber_pre_key).map_err(|e| BundleError::BadKey {
                field: "kyber_pre_key",
                reason: e.to_string(),
            })?;
        let pre_key = match &self.pre_key {
            Some((id, key)) => Some((PreKeyId::from(*id), curve("pre_key", key)?)),
            None => None,
        };
        let device_id = u8::try_from(self.device_id)
            .ok()
            .and_then(|d| DeviceId::new(d).ok())
            .ok_or(BundleError::BadKey {
                field: "device_id",
                reason: format!("{} is not a valid device id", self.device_id),
            })?;
        PreKeyBundle::new(
            self.registration_id,
            device_id,
            pre_key,
            SignedPreKeyId::from(self.signed_pre_key_id),
            curve("signed_pre_key", &self.signed_pre_key)?,
            self.signed_pre_key_signature.clone(),
            KyberPreKeyId::from(self.kyber_pre_key_id),
            kyber,
            self.kyber_pre_key_signature.clone(),
            identity_key,
        )
        .map_err(|e| BundleError::BadKey {
            field: "bundle",
            reason: e.to_string(),
        })
    }
}

/// Alice's side of steps 2–3: read the bundle from the server's bytes and
/// verify both prekey signatures with IK_B before trusting any key in it.
pub fn fetch_and_verify(bytes: &[u8]) -> Result<PreKeyBundle, BundleError> {
    let fetched = ServerBundle::decode(bytes)?;
    let bundle = fetched.to_libsignal()?;
    let bad_key = |e: libsignal_protocol::SignalProtocolError| BundleError::BadKey {
        field: "bundle",
        reason: e.to_string(),
    };
    let ik_b = bundle.identity_key().map_err(bad_key)?.public_key();
    let spk_b = bundle.signed_pre_key_public().map_err(bad_key)?;
    let pqspk_b = bundle.kyber_pre_key_public().map_err(bad_key)?;
    // The signatures cover the serialized keys, type byte included (EncodeEC / EncodeKEM).
    if !ik_b.verify_signature(&spk_b.serialize(), &fetched.signed_pre_key_signature) {
        return Err(BundleError::BadSignature("SPK_B"));
    }
    if !ik_b.verify_signature(&pqspk_b.serialize(), &fetched.kyber_pre_key_signature) {
        return Err(BundleError::BadSignature("PQSPK_B"));
    }
    Ok(bundle)
}
