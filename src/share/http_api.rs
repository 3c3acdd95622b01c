//! The network relay's HTTP API, as both sides speak it: the client
//! (`http_relay.rs`) and the server (`crate::relay`) build their paths,
//! bodies and signatures from this one file, so they cannot drift apart.
//!
//! ```text
//! GET    /api/nonce                    a fresh single-use nonce for a signed request
//! PUT    /api/bundles/NAME             publish NAME's bundle and one-time prekeys   signed
//! GET    /api/bundles/NAME             the bundle as stored (no one-time prekey)
//! POST   /api/bundles/NAME/claim       the bundle with one one-time prekey, claimed
//! GET    /api/bundles/NAME/prekeys     how many one-time prekeys are left
//! PUT    /api/blobs/ID                 upload an encrypted file (streamed)
//! GET    /api/blobs/ID                 download it (streamed)
//! DELETE /api/blobs/ID                 delete it
//! POST   /api/inbox/NAME               post an envelope to NAME
//! GET    /api/inbox/NAME               the ids waiting for NAME                      signed
//! GET    /api/inbox/NAME/ID            one envelope                                  signed
//! DELETE /api/inbox/NAME/ID            delete it                                     signed
//! GET    /api/summary                  what the relay holds, per user (JSON)
//! GET    /api/limits                   the largest file it accepts
//! GET    /                             the live page "what the server sees"
//! ```
//!
//! **Signed requests.** Only NAME may replace NAME's bundle, read NAME's
//! inbox or delete NAME's messages. The relay learns NAME's identity key
//! IK from the first bundle published under NAME (trust on first use) and
//! from then on wants each such request signed with it: an XEdDSA signature,
//! the same kind that signs SPK_B and PQSPK_B, over [`signed_text`], which
//! binds the method, the path (with the name and the message id), a SHA-256
//! of the body and a nonce the server issued moments before and accepts
//! once. A captured request is useless later: its nonce is spent, and
//! changing any part of it breaks the signature.
//!
//! The signed text starts with a label no prekey signature can start with
//! (a serialized key starts with its type byte, 0x05 or 0x08), so a
//! signature made for the relay can never pass for a prekey's, nor the
//! reverse: one identity key, two uses, kept apart by the label.

use libsignal_protocol::{IdentityKey, IdentityKeyPair};
use rand::{CryptoRng, Rng};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Header carrying the nonce of a signed request (32 hex digits).
pub const NONCE_HEADER: &str = "pqxdh-nonce";
/// Header carrying the XEdDSA signature of a signed request (128 hex digits).
pub const SIGNATURE_HEADER: &str = "pqxdh-signature";

/// The bytes of a nonce.
pub const NONCE_BYTES: usize = 16;

/// The first line of every signed text: what it is, and the format's version.
pub const SIGNED_LABEL: &str = "pqxdh-lab relay request v1";

/// What a signature covers, one item per line:
///
/// ```text
/// pqxdh-lab relay request v1
/// DELETE
/// /api/inbox/bob/00000001732722263000000000-0a1b2c3d
/// 6f1ed002ab5595859014ebf0951522d9
/// e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
/// ```
///
/// The method and path cannot hold a line break (the server refuses them
/// first), so the lines cannot be shifted against each other.
// ANCHOR: signed_text
pub fn signed_text(method: &str, path: &str, nonce: &str, body: &[u8]) -> Vec<u8> {
    format!(
        "{SIGNED_LABEL}\n{method}\n{path}\n{nonce}\n{}",
        hex::encode(Sha256::digest(body))
    )
    .into_bytes()
}
// ANCHOR_END: signed_text

/// Signs a request with NAME's identity key: (nonce header, signature header).
pub fn sign<R: Rng + CryptoRng>(
    identity: &IdentityKeyPair,
    method: &str,
    path: &str,
    nonce: &str,
    body: &[u8],
    rng: &mut R,
) -> Result<String, libsignal_protocol::SignalProtocolError> {
    let text = signed_text(method, path, nonce, body);
    let signature = identity.private_key().calculate_signature(&text, rng)?;
    Ok(hex::encode(signature))
}

/// Whether `signature` (hex) is IK's signature of this request.
pub fn verify(
    identity: &IdentityKey,
    method: &str,
    path: &str,
    nonce: &str,
    body: &[u8],
    signature: &str,
) -> bool {
    let Ok(signature) = hex::decode(signature) else {
        return false;
    };
    let text = signed_text(method, path, nonce, body);
    identity.public_key().verify_signature(&text, &signature)
}

// ---- paths -----------------------------------------------------------------

pub fn nonce_path() -> String {
    "/api/nonce".into()
}

pub fn bundle_path(name: &str) -> String {
    format!("/api/bundles/{name}")
}

pub fn claim_path(name: &str) -> String {
    format!("/api/bundles/{name}/claim")
}

pub fn prekeys_path(name: &str) -> String {
    format!("/api/bundles/{name}/prekeys")
}

pub fn blob_path(blob_id: &str) -> String {
    format!("/api/blobs/{blob_id}")
}

pub fn inbox_path(name: &str) -> String {
    format!("/api/inbox/{name}")
}

pub fn message_path(name: &str, message_id: &str) -> String {
    format!("/api/inbox/{name}/{message_id}")
}

pub fn summary_path() -> String {
    "/api/summary".into()
}

pub fn limits_path() -> String {
    "/api/limits".into()
}

// ---- bodies ----------------------------------------------------------------

/// `PUT /api/bundles/NAME`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishRequest {
    /// The bundle (`ServerBundle`'s bytes), as hex.
    pub bundle: String,
    /// (id, OPK public key as hex), replacing those waiting.
    pub one_time_prekeys: Vec<(u32, String)>,
    /// The publisher means to replace another identity's bundle. The network
    /// relay never lets a request do that (it could not be signed with the
    /// name's key); the flag only makes its refusal say why.
    pub take_over: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishResponse {
    /// One-time prekeys withdrawn unused.
    pub withdrawn: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrekeysLeft {
    pub left: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Posted {
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxList {
    pub ids: Vec<String>,
}

/// `GET /api/limits`: what the relay accepts, so that a client can stop
/// an upload that is too large with a clear reason, before the server does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// The largest encrypted file (blob), in bytes.
    pub max_file_bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NonceResponse {
    pub nonce: String,
}

/// Every refusal: a kind a program can act on, and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
    pub message: String,
}

/// The kinds of [`ErrorBody::error`] that the client turns into the same
/// errors the folder relay gives.
pub mod kind {
    pub const UNKNOWN_NAME: &str = "unknown_name";
    pub const NAME_TAKEN: &str = "name_taken";
    pub const NO_BLOB: &str = "no_blob";
    pub const BAD_ID: &str = "bad_id";
    /// The nonce is unknown, expired or spent: ask for a fresh one.
    pub const STALE_NONCE: &str = "stale_nonce";
    /// Too many requests or connections right now: nothing was done, try later.
    pub const BUSY: &str = "busy";
}

/// How many characters of a blob id the relay shows to anyone (its page and
/// its summary). A blob id is a capability: whoever knows it can download
/// the ciphertext and delete it, so only the sender and the recipient (who
/// find it inside the encrypted message) should know it whole.
pub const SHOWN_BLOB_ID_CHARS: usize = 8;

/// A blob id as the relay shows it to anyone.
pub fn shown_blob_id(blob_id: &str) -> String {
    match blob_id.get(..SHOWN_BLOB_ID_CHARS) {
        Some(start) if blob_id.len() > SHOWN_BLOB_ID_CHARS => format!("{start}…"),
        _ => blob_id.to_string(),
    }
}

/// A fresh random nonce, as hex.
pub fn new_nonce<R: Rng + CryptoRng>(rng: &mut R) -> String {
    hex::encode(rng.random::<[u8; NONCE_BYTES]>())
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    use super::*;

    #[test]
    fn a_signature_covers_method_path_nonce_and_body() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let ik = IdentityKeyPair::generate(&mut rng);
        let path = message_path("bob", "0001-aa");
        let sig = sign(&ik, "DELETE", &path, "n1", b"", &mut rng).unwrap();
        assert!(verify(ik.identity_key(), "DELETE", &path, "n1", b"", &sig));
        // Any change is refused.
        assert!(!verify(ik.identity_key(), "GET", &path, "n1", b"", &sig));
        let other_path = message_path("bob", "0001-ab");
        assert!(!verify(
            ik.identity_key(),
            "DELETE",
            &other_path,
            "n1",
            b"",
            &sig
        ));
        assert!(!verify(ik.identity_key(), "DELETE", &path, "n2", b"", &sig));
        assert!(!verify(
            ik.identity_key(),
            "DELETE",
            &path,
            "n1",
            b"x",
            &sig
        ));
        let other = IdentityKeyPair::generate(&mut rng);
        assert!(!verify(
            other.identity_key(),
            "DELETE",
            &path,
            "n1",
            b"",
            &sig
        ));
        assert!(!verify(ik.identity_key(), "DELETE", &path, "n1", b"", "zz"));
    }

    #[test]
    fn the_signed_text_cannot_be_taken_for_a_serialized_key() {
        let text = signed_text("GET", "/api/inbox/bob", "n", b"");
        // Prekey signatures cover serialized keys: type byte 0x05 or 0x08 first.
        assert!(![0x05, 0x08].contains(&text[0]));
        assert!(text.starts_with(SIGNED_LABEL.as_bytes()));
    }

    #[test]
    fn blob_ids_are_shown_shortened() {
        assert_eq!(
            shown_blob_id("b294c8bf23f844c6092caed4322916e5"),
            "b294c8bf…"
        );
        assert_eq!(shown_blob_id("short"), "short");
    }
}
