//! Lab: someone holding SPK_B.priv forges a first message "from Alice".
//!
//! DH1 = DH(IK_A, SPK_B) is what authenticates Alice to Bob, and either end
//! computes it: Alice with IK_A.priv, or anyone with SPK_B.priv. So whoever
//! holds SPK_B.priv (and the public bundle) can build, with libsignal's public
//! `SignalMessage::new`, `PreKeySignalMessage::new` and `KyberPayload::new`,
//! a first message that Bob's libsignal accepts as Alice's. Holding IK_B.priv
//! alone is not enough: DH1 does not use it. (Key-compromise impersonation
//! resistance covers a compromised IK_B only; spec §4.6 on compromised keys.)
//!
//! Defence (none in libsignal's protocol): Bob replacing his signed prekey
//! and deleting the old one. [`Rotation::Rotated`] switches it on.

use libsignal_protocol::{
    GenericSignedPreKey, KeyPair, PreKeySignalMessage, SignalProtocolError, SignedPreKeyId,
    SignedPreKeyRecord, Timestamp,
};

use super::message::{self, PQXDH_VERSION, Sealing};
use super::start::{LabText, Outcome, Start};
use super::stores::{Device, DeviceKeys};
use super::{ATTACKER_STREAM, LAB_STREAM, LabError};
use crate::engine::kdf;
use crate::engine::keys::{DEMO_EPOCH_MILLIS, random_registration_id};
use crate::engine::record::{
    derived_key, message as message_value, private_key, public_key, shared_secret,
};
use crate::engine::{RunOptions, ServerBundle, address, dh, fetch_and_verify, rng_stream};
use crate::transcript::{Actor, HandshakeStep, Lab, LabDetails, LabStep, Transcript, Verdict};

/// What the forger makes Alice say.
pub const FORGED_TEXT: &str = "Bob, it's Alice. New number, please use this chat from now on.";

/// Whether Bob has replaced SPK_B (and deleted the old one) since the theft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rotation {
    /// As in the normal run: SPK_B is still in Bob's store.
    None,
    /// The stolen key is gone from Bob's store.
    Rotated,
}

pub fn run(options: RunOptions) -> Result<Transcript, LabError> {
    run_with(options, Rotation::None)
}

pub fn run_with(options: RunOptions, rotation: Rotation) -> Result<Transcript, LabError> {
    let start = Start::new(options)?;
    let mut lab = start.record_until(HandshakeStep::BundlePublished);
    let mut attacker_rng = rng_stream(options.seed, ATTACKER_STREAM);
    let mut lab_rng = rng_stream(options.seed, LAB_STREAM);
    let bob = &start.bob;

    // ANCHOR: stolen
    // The attacker holds SPK_B.priv, and the public bundle (Alice's IK_A is
    // public too: it travels in every first message she sends).
    let spk_b_priv = bob.signed_prekey.private_key;
    let bundle = fetch_and_verify(start.bytes("bundle")?)?;
    let ik_a = *start.alice.identity.identity_key();
    // ANCHOR_END: stolen
    lab.step(
        &STEALS,
        &[private_key("attacker.SPK_B.priv", &spk_b_priv.serialize())],
    );
    lab.result(
        LabStep::AttackerStealsSignedPrekey,
        false,
        "The attacker holds SPK_B.priv, the public bundle and IK_A.",
    );

    // ANCHOR: forge
    // Alice's side of the handshake, with DH1 computed from Bob's end.
    let ek_m = KeyPair::generate(&mut attacker_rng);
    let ik_b = bundle.identity_key()?.public_key();
    let spk_b = bundle.signed_pre_key_public()?;
    let mut dhs = vec![
        dh(&spk_b_priv, ik_a.public_key())?, // DH1 = DH(IK_A, SPK_B), from SPK_B's end
        dh(&ek_m.private_key, ik_b)?,
        dh(&ek_m.private_key, &spk_b)?,
    ];
    if let Some(opk) = bundle.pre_key_public()? {
        dhs.push(dh(&ek_m.private_key, &opk)?);
    }
    let (ss, ct) = bundle
        .kyber_pre_key_public()?
        .encapsulate(&mut attacker_rng)?;
    let parts: Vec<&[u8]> = dhs.iter().map(|d| &d[..]).collect();
    let keys = kdf::derive(&kdf::secret_input(&parts, &ss));
    let forged = forge(&start, &ek_m, &ct, &keys, &mut attacker_rng)?;
    // ANCHOR_END: forge
    let ek_m_bytes = ek_m.public_key.serialize();
    let names = [
        "attacker.DH1",
        "attacker.DH2",
        "attacker.DH3",
        "attacker.DH4",
    ];
    let mut made = vec![public_key("EK_M", &ek_m_bytes)];
    for (name, value) in names.iter().zip(&dhs) {
        made.push(shared_secret(name, value));
    }
    made.push(shared_secret("attacker.SS", &ss));
    made.push(derived_key("attacker.root_key", &keys.root_key));
    made.push(message_value("forged_message", forged.serialized()));
    lab.step(&FORGES, &made);
    lab.result(
        LabStep::AttackerForgesFirstMessage,
        false,
        format!(
            "A first message that names IK_A as its sender, {} bytes, sealed with keys from \
             DH1 = DH(SPK_B.priv, IK_A)",
            forged.serialized().len()
        ),
    );

    // ANCHOR: accepted
    // Bob's phone, with libsignal's stores (SPK_B replaced first, if asked).
    let mut keys_on_phone = DeviceKeys::of(bob);
    if rotation == Rotation::Rotated {
        keys_on_phone.signed_prekey = rotated_signed_prekey(&start, &mut lab_rng)?;
    }
    let mut phone = Device::new(keys_on_phone)?;
    let alice = address("alice");
    let received = phone.receive(&alice, forged.serialized(), &mut lab_rng);
    // ANCHOR_END: accepted
    let recorded_as = phone.identity_of(&alice)?;
    lab.step(&BOB_ACCEPTS, &[]);
    lab.result(
        LabStep::BobAcceptsForgery,
        received.is_err(),
        match &received {
            Ok(text) => format!(
                "Bob's libsignal accepts it as Alice's: \"{}\" (identity on record for \
                 \"alice\": IK_A: {})",
                String::from_utf8_lossy(text),
                if recorded_as == Some(ik_a) {
                    "yes"
                } else {
                    "no"
                }
            ),
            Err(e) => format!("Bob's libsignal refuses it: \"{e}\""),
        },
    );

    // ANCHOR: identity_only
    // With IK_B.priv alone, DH1 is out of reach: it needs IK_A.priv or
    // SPK_B.priv. The best stand-in uses the key the attacker has.
    let mut guessed = dhs.clone();
    guessed[0] = dh(bob.identity.private_key(), ik_a.public_key())?;
    let parts: Vec<&[u8]> = guessed.iter().map(|d| &d[..]).collect();
    let guessed_keys = kdf::derive(&kdf::secret_input(&parts, &ss));
    let forged_with_ik = forge(&start, &ek_m, &ct, &guessed_keys, &mut attacker_rng)?;
    let identity_only = Device::new(DeviceKeys::of(bob))?.receive(
        &alice,
        forged_with_ik.serialized(),
        &mut lab_rng,
    );
    // ANCHOR_END: identity_only
    lab.step(&IDENTITY_ONLY, &[]);
    lab.result(
        LabStep::IdentityKeyAloneRefused,
        identity_only.is_err(),
        match &identity_only {
            Err(e) => format!("Bob's libsignal refuses it: \"{e}\""),
            Ok(_) => "Bob's libsignal ACCEPTS it".to_string(),
        },
    );

    let accepted = received.is_ok();
    let verdict = if accepted {
        Verdict::AttackerSucceeds
    } else {
        Verdict::Refused
    };
    let summary = match (accepted, identity_only.is_ok()) {
        (true, false) => "Bob's libsignal accepted the forged message as Alice's: holding \
            SPK_B.priv is enough to impersonate anyone to Bob. Holding IK_B.priv alone is not: \
            that attempt was refused."
            .to_string(),
        (true, true) => "Both forgeries were accepted.".to_string(),
        (false, _) => format!(
            "Bob's libsignal refused the forged message (\"{}\").",
            received
                .as_ref()
                .err()
                .map(ToString::to_string)
                .unwrap_or_default()
        ),
    };
    Ok(lab.finish(Outcome {
        lab: Lab::KeyCompromiseImpersonation,
        attacker: Actor::Attacker,
        attacker_label: "someone holding SPK_B.priv",
        verdict,
        summary,
        details: LabDetails::KeyCompromiseImpersonation {
            signed_prekey_forgery_accepted: accepted,
            signed_prekey_forgery_error: received.err().map(|e| e.to_string()),
            identity_key_forgery_accepted: identity_only.is_ok(),
            identity_key_forgery_error: identity_only.err().map(|e| e.to_string()),
        },
    }))
}

/// A first message "from Alice", sealed by hand with the forger's keys.
fn forge(
    start: &Start,
    ek_m: &KeyPair,
    ct: &[u8],
    keys: &kdf::SessionKeys,
    rng: &mut rand_chacha::ChaCha20Rng,
) -> Result<PreKeySignalMessage, LabError> {
    let bob = &start.bob;
    let bundle = ServerBundle::decode(start.bytes("bundle")?)?;
    let ratchet = KeyPair::generate(rng);
    let sealed = message::seal(
        &Sealing {
            version: PQXDH_VERSION,
            sender_identity: start.alice.identity.identity_key(),
            receiver_identity: bob.identity.identity_key(),
            // Not authenticated anywhere; any 14-bit number will do.
            registration_id: random_registration_id(rng),
            pre_key_id: bundle.pre_key.as_ref().map(|(id, _)| (*id).into()),
            signed_pre_key_id: bundle.signed_pre_key_id.into(),
            spk_b: &bob.signed_prekey.public_key,
            kyber: Some((bundle.kyber_pre_key_id.into(), ct)),
            base_key: &ek_m.public_key,
            root_key: &keys.root_key,
            pqr_key: Some(&keys.pqr_key),
            ratchet: &ratchet,
            plaintext: FORGED_TEXT.as_bytes(),
        },
        rng,
    )?;
    Ok(sealed.message)
}

/// A new signed prekey under a new id, signed by IK_B: SPK_B after rotation.
fn rotated_signed_prekey(
    start: &Start,
    rng: &mut rand_chacha::ChaCha20Rng,
) -> Result<(SignedPreKeyId, SignedPreKeyRecord), LabError> {
    let bob = &start.bob;
    let id = SignedPreKeyId::from(u32::from(bob.signed_prekey_id).wrapping_add(1).max(1));
    let key = KeyPair::generate(rng);
    let signature = bob
        .identity
        .private_key()
        .calculate_signature(&key.public_key.serialize(), rng)
        .map_err(SignalProtocolError::from)?;
    Ok((
        id,
        SignedPreKeyRecord::new(
            id,
            Timestamp::from_epoch_millis(DEMO_EPOCH_MILLIS),
            &key,
            &signature,
        ),
    ))
}

const STEALS: LabText = LabText {
    id: LabStep::AttackerStealsSignedPrekey,
    actor: Actor::Attacker,
    title: "An attacker holds SPK_B.priv",
    explanation: "A leaked backup, malware, a seized device: the signed prekey's private half \
        lives on Bob's device for days or weeks. The attacker also has what is public: Bob's \
        bundle and Alice's identity key IK_A.",
    formula: "attacker ∋ SPK_B.priv, bundle, IK_A",
    spec_ref: "PQXDH §4.6",
};

const FORGES: LabText = LabText {
    id: LabStep::AttackerForgesFirstMessage,
    actor: Actor::Attacker,
    title: "The attacker forges a first message from Alice",
    explanation: "It plays Alice's side with an ephemeral key of its own, EK_M. DH2, DH3 (and \
        DH4) use EK_M.priv; SS comes from encapsulating to PQSPK_B. DH1 = DH(IK_A, SPK_B) is \
        meant to need IK_A.priv, but computed from SPK_B's end it needs only SPK_B.priv. \
        libsignal's public SignalMessage::new, PreKeySignalMessage::new and KyberPayload::new \
        assemble the message, naming IK_A as the sender.",
    formula: "DH1 = DH(SPK_B.priv, IK_A), DH2 = DH(EK_M, IK_B), DH3 = DH(EK_M, SPK_B) [, DH4]; \
        (CT, SS) = PQKEM-ENC(PQSPK_B)",
    spec_ref: "PQXDH §3.3, §4.6; libsignal protocol.rs:77-122, 254-323",
};

const BOB_ACCEPTS: LabText = LabText {
    id: LabStep::BobAcceptsForgery,
    actor: Actor::Bob,
    title: "Bob's libsignal receives the forged message",
    explanation: "Bob computes DH1 with SPK_B.priv and IK_A from the message, exactly as for a \
        real message from Alice: the keys match, the MAC verifies, and the text is shown as \
        Alice's.",
    formula: "message_decrypt(forged_message) from \"alice\"",
    spec_ref: "PQXDH §3.4",
};

const IDENTITY_ONLY: LabText = LabText {
    id: LabStep::IdentityKeyAloneRefused,
    actor: Actor::Bob,
    title: "With IK_B.priv alone, the forgery fails",
    explanation: "An attacker holding Bob's identity key but not SPK_B.priv cannot compute \
        DH1: it needs IK_A.priv or SPK_B.priv. Its best stand-in, DH(IK_B.priv, IK_A), gives \
        other keys, and Bob's libsignal refuses the message. This is the key-compromise \
        impersonation resistance PQXDH has: for a compromised identity key.",
    formula: "DH(IK_B.priv, IK_A) ≠ DH1",
    spec_ref: "PQXDH §3.3, §4.6",
};
