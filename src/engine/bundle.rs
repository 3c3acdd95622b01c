//! Step 2: the prekey bundle, as the server stores it and hands it out.
//!
//! Signal's server keeps these keys in its own format; this project encodes
//! the bundle as a small protobuf message so that every byte the server holds
//! can be shown and explained, exactly like libsignal's own wire messages.
//! Its field table, [`ServerBundle::FIELDS`], is the one place its field
//! numbers are written: encoding, decoding and the dissection use it.

use libsignal_protocol::kem;
use libsignal_protocol::{
    DeviceId, IdentityKey, KyberPreKeyId, PreKeyBundle, PreKeyId, PublicKey, SignedPreKeyId,
};
use thiserror::Error;

use super::keys::BobKeys;
use crate::protobuf::{FieldSpec, Message, ProtobufError, Writer};

/// The device id used for both parties (Signal's primary device is 1).
pub const DEVICE_ID: u8 = 1;

#[derive(Debug, Error)]
pub enum BundleError {
    #[error("the bundle is malformed: {0}")]
    Protobuf(#[from] ProtobufError),
    #[error("the bundle's {field} is not a valid key: {reason}")]
    BadKey { field: &'static str, reason: String },
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

    const REGISTRATION_ID: FieldSpec = FieldSpec::uint(1, "registration_id")
        .about("Bob's registration id (a random 14-bit number)");
    const DEVICE_ID: FieldSpec = FieldSpec::uint(2, "device_id").about("Bob's device number");
    const IDENTITY_KEY: FieldSpec = FieldSpec::bytes(3, "identity_key").is("IK_B");
    const SIGNED_PRE_KEY_ID: FieldSpec =
        FieldSpec::uint(4, "signed_pre_key_id").about("the signed prekey's id");
    const SIGNED_PRE_KEY: FieldSpec = FieldSpec::bytes(5, "signed_pre_key").is("SPK_B");
    const SIGNED_PRE_KEY_SIGNATURE: FieldSpec =
        FieldSpec::bytes(6, "signed_pre_key_signature").is("SPK_B.sig");
    const KYBER_PRE_KEY_ID: FieldSpec =
        FieldSpec::uint(7, "kyber_pre_key_id").about("the Kyber prekey's id");
    const KYBER_PRE_KEY: FieldSpec = FieldSpec::bytes(8, "kyber_pre_key").is("PQSPK_B");
    const KYBER_PRE_KEY_SIGNATURE: FieldSpec =
        FieldSpec::bytes(9, "kyber_pre_key_signature").is("PQSPK_B.sig");
    const PRE_KEY_ID: FieldSpec =
        FieldSpec::uint(10, "pre_key_id").about("the one-time prekey's id");
    const PRE_KEY: FieldSpec = FieldSpec::bytes(11, "pre_key").is("OPK_B");

    /// The bundle's fields, in the order they are written.
    pub const FIELDS: &'static [FieldSpec] = &[
        Self::REGISTRATION_ID,
        Self::DEVICE_ID,
        Self::IDENTITY_KEY,
        Self::SIGNED_PRE_KEY_ID,
        Self::SIGNED_PRE_KEY,
        Self::SIGNED_PRE_KEY_SIGNATURE,
        Self::KYBER_PRE_KEY_ID,
        Self::KYBER_PRE_KEY,
        Self::KYBER_PRE_KEY_SIGNATURE,
        Self::PRE_KEY_ID,
        Self::PRE_KEY,
    ];

    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.uint(&Self::REGISTRATION_ID, self.registration_id.into())
            .uint(&Self::DEVICE_ID, self.device_id.into())
            .bytes(&Self::IDENTITY_KEY, &self.identity_key)
            .uint(&Self::SIGNED_PRE_KEY_ID, self.signed_pre_key_id.into())
            .bytes(&Self::SIGNED_PRE_KEY, &self.signed_pre_key)
            .bytes(
                &Self::SIGNED_PRE_KEY_SIGNATURE,
                &self.signed_pre_key_signature,
            )
            .uint(&Self::KYBER_PRE_KEY_ID, self.kyber_pre_key_id.into())
            .bytes(&Self::KYBER_PRE_KEY, &self.kyber_pre_key)
            .bytes(
                &Self::KYBER_PRE_KEY_SIGNATURE,
                &self.kyber_pre_key_signature,
            );
        if let Some((id, key)) = &self.pre_key {
            w.uint(&Self::PRE_KEY_ID, (*id).into())
                .bytes(&Self::PRE_KEY, key);
        }
        w.finish()
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, BundleError> {
        let m = Message::read(bytes, Self::FIELDS)?;
        // A one-time prekey comes with its id, or not at all.
        let pre_key = match (m.opt_uint(&Self::PRE_KEY_ID)?, m.opt_bytes(&Self::PRE_KEY)?) {
            (Some(_), Some(key)) => Some((m.uint32(&Self::PRE_KEY_ID)?, key.to_vec())),
            (None, None) => None,
            (None, Some(_)) => return Err(ProtobufError::Missing(Self::PRE_KEY_ID.name).into()),
            (Some(_), None) => return Err(ProtobufError::Missing(Self::PRE_KEY.name).into()),
        };
        Ok(Self {
            registration_id: m.uint32(&Self::REGISTRATION_ID)?,
            device_id: m.uint32(&Self::DEVICE_ID)?,
            identity_key: m.bytes(&Self::IDENTITY_KEY)?.to_vec(),
            signed_pre_key_id: m.uint32(&Self::SIGNED_PRE_KEY_ID)?,
            signed_pre_key: m.bytes(&Self::SIGNED_PRE_KEY)?.to_vec(),
            signed_pre_key_signature: m.bytes(&Self::SIGNED_PRE_KEY_SIGNATURE)?.to_vec(),
            kyber_pre_key_id: m.uint32(&Self::KYBER_PRE_KEY_ID)?,
            kyber_pre_key: m.bytes(&Self::KYBER_PRE_KEY)?.to_vec(),
            kyber_pre_key_signature: m.bytes(&Self::KYBER_PRE_KEY_SIGNATURE)?.to_vec(),
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
