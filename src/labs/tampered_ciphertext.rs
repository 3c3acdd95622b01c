//! Lab: one bit of the Kyber ciphertext CT flips on its way to Bob.
//!
//! Kyber does not report a bad ciphertext: decapsulation with implicit
//! rejection returns a different, pseudorandom secret (libsignal's Kyber1024
//! is libcrux's, `kem/kyber1024.rs:40-50`; the lab shows SS_bob). Bob's SS differs, so do
//! his keys, and libsignal refuses the message when its MAC does not verify
//! (`session_cipher.rs:657-668`, reported as "decryption failed", `:497-502`).
//! A changed type byte is refused earlier, as a bad key type, before any
//! decapsulation (`kem.rs:363-375`, `:480-495`).
//!
//! Defence: SS is an input of the KDF, so CT feeds the keys the MAC is
//! checked with. [`SsInKdf::No`] switches that off (keys derived by hand
//! without SS on both sides, since libsignal always includes it).

use libsignal_protocol::{
    KeyPair, KyberPayload, PreKeySignalMessage, PublicKey, SignalProtocolError,
    kem::SerializedCiphertext,
};
use rand::Rng;

use super::message::{self, PQXDH_VERSION, Sealing};
use super::start::{LabText, Outcome, Start};
use super::stores::{Device, DeviceKeys};
use super::{LAB_STREAM, LabError, compare};
use crate::engine::kdf::{self, F};
use crate::engine::record::{ciphertext, derived_key, message as message_value, shared_secret};
use crate::engine::{FIRST_MESSAGE_TEXT, RunOptions, address, rng_stream};
use crate::transcript::{Actor, HandshakeStep, Lab, LabDetails, LabStep, Transcript, Verdict};

/// Whether the Kyber secret SS is an input of the KDF, as in PQXDH.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SsInKdf {
    Yes,
    /// The defence switched off: the keys come from the DH values alone.
    No,
}

pub fn run(options: RunOptions) -> Result<Transcript, LabError> {
    run_with(options, SsInKdf::Yes)
}

/// A PreKeySignalMessage with its Kyber ciphertext replaced, all else kept.
pub fn with_ciphertext(
    message: &PreKeySignalMessage,
    ct: &[u8],
) -> Result<PreKeySignalMessage, SignalProtocolError> {
    let kyber_id = message
        .kyber_pre_key_id()
        .ok_or(SignalProtocolError::InvalidKyberPreKeyId)?;
    let ct: SerializedCiphertext = ct.into();
    PreKeySignalMessage::new(
        message.message_version(),
        message.registration_id(),
        message.pre_key_id(),
        message.signed_pre_key_id(),
        Some(KyberPayload::new(kyber_id, ct)),
        *message.base_key(),
        *message.identity_key(),
        message.message().clone(),
    )
}

/// How many bits differ between two byte strings of the same length.
fn bits_apart(a: &[u8], b: &[u8]) -> u32 {
    a.iter().zip(b).map(|(x, y)| (x ^ y).count_ones()).sum()
}

pub fn run_with(options: RunOptions, ss_in_kdf: SsInKdf) -> Result<Transcript, LabError> {
    let start = Start::new(options)?;
    let mut lab = start.record_until(HandshakeStep::FirstMessage);
    let mut lab_rng = rng_stream(options.seed, LAB_STREAM);
    let bob = &start.bob;
    let alice_address = address("alice");

    // The DH values Alice computed in the normal run, for the variant
    // without SS (Bob's own are the same bytes: the normal run checks it).
    let dh_names: &[&'static str] = if options.one_time_prekey {
        &["DH1", "DH2", "DH3", "DH4"]
    } else {
        &["DH1", "DH2", "DH3"]
    };
    let mut dhs = Vec::new();
    for name in dh_names {
        dhs.push(start.bytes(name)?.to_vec());
    }
    let dh_parts: Vec<&[u8]> = dhs.iter().map(|d| &d[..]).collect();
    let without_ss = derive_without_ss(&dh_parts);

    // What Alice sent: libsignal's message, or, without SS in the KDF, one
    // sealed by hand with keys from the DH values alone.
    let sent = match ss_in_kdf {
        SsInKdf::Yes => PreKeySignalMessage::try_from(start.bytes("prekey_message")?)?,
        SsInKdf::No => {
            let normal = PreKeySignalMessage::try_from(start.bytes("prekey_message")?)?;
            let ct = start.bytes("CT")?;
            message::seal(
                &Sealing {
                    version: PQXDH_VERSION,
                    sender_identity: start.alice.identity.identity_key(),
                    receiver_identity: bob.identity.identity_key(),
                    registration_id: start.alice.registration_id,
                    pre_key_id: normal.pre_key_id(),
                    signed_pre_key_id: normal.signed_pre_key_id(),
                    spk_b: &bob.signed_prekey.public_key,
                    kyber: Some((bob.kyber_prekey_id, ct)),
                    base_key: normal.base_key(),
                    root_key: &without_ss.root_key,
                    pqr_key: Some(&without_ss.pqr_key),
                    ratchet: &KeyPair::generate(&mut lab_rng),
                    plaintext: FIRST_MESSAGE_TEXT.as_bytes(),
                },
                &mut lab_rng,
            )?
            .message
        }
    };

    // ANCHOR: flip
    // The server flips one bit of CT, after its type byte.
    let ct = sent
        .kyber_ciphertext()
        .ok_or(SignalProtocolError::InvalidKyberPreKeyId)?
        .to_vec();
    let byte = lab_rng.random_range(1..ct.len());
    let bit = lab_rng.random_range(0..8u8);
    let mut ct_tampered = ct.clone();
    ct_tampered[byte] ^= 1 << bit;
    let tampered = with_ciphertext(&sent, &ct_tampered)?;
    // ANCHOR_END: flip
    let one_bit = sent.serialized().len() == tampered.serialized().len()
        && bits_apart(sent.serialized(), tampered.serialized()) == 1;
    lab.check(
        "the tampered message differs from Alice's in exactly one bit",
        one_bit,
        format!("{} bytes each", sent.serialized().len()),
    );
    lab.step(
        &BIT_FLIPPED,
        &[
            ciphertext("CT_tampered", &ct_tampered),
            message_value("prekey_message_tampered", tampered.serialized()),
        ],
    );
    lab.result(
        LabStep::CiphertextBitFlipped,
        false,
        format!(
            "Bit {bit} of byte {byte} of CT flipped{}.",
            match ss_in_kdf {
                SsInKdf::Yes => "",
                SsInKdf::No => {
                    " (in a message Alice sealed by hand with keys from the DH values alone: \
                     the defence is switched off)"
                }
            }
        ),
    );

    // ANCHOR: decapsulate
    // Bob decapsulates what arrives: no error, a different secret.
    let ss = start.bytes("SS")?;
    let ss_bob = bob
        .kyber_prekey
        .secret_key
        .decapsulate(&ct_tampered.clone().into_boxed_slice())?;
    // ANCHOR_END: decapsulate
    let ss_differs = ss_bob[..] != ss[..];
    lab.step(&BOB_DECAPSULATES, &[shared_secret("SS_bob", &ss_bob)]);
    lab.result(
        LabStep::BobDecapsulatesTampered,
        ss_differs,
        format!(
            "Decapsulation returns without an error; SS_bob vs Alice's SS: {}",
            compare(&ss_bob, ss)
        ),
    );

    let (bob_root, alice_root) = match ss_in_kdf {
        SsInKdf::Yes => (
            kdf::derive(&kdf::secret_input(&dh_parts, &ss_bob)),
            kdf::derive(&kdf::secret_input(&dh_parts, ss)),
        ),
        SsInKdf::No => (without_ss.clone(), without_ss.clone()),
    };
    lab.step(
        &BOB_DERIVES,
        &[
            derived_key("root_key_bob", &bob_root.root_key),
            derived_key("chain_key_bob", &bob_root.chain_key),
        ],
    );
    lab.result(
        LabStep::BobDerivesFromTampered,
        bob_root.root_key != alice_root.root_key,
        format!(
            "root_key_bob vs Alice's root_key: {}",
            compare(&bob_root.root_key, &alice_root.root_key)
        ),
    );

    // ANCHOR: refused
    let received = match ss_in_kdf {
        // Bob's libsignal, with his real stores.
        SsInKdf::Yes => Device::new(DeviceKeys::of(bob))?
            .receive(&alice_address, tampered.serialized(), &mut lab_rng)
            .map_err(|e| e.to_string()),
        // By hand, with libsignal's MAC check and AES-256-CBC.
        SsInKdf::No => open_by_hand(&start, &tampered, &bob_root).map_err(|e| e.to_string()),
    };
    // ANCHOR_END: refused
    lab.step(&BOB_REFUSES, &[]);
    let refusal = received.as_ref().err().cloned();
    lab.result(
        LabStep::BobRefusesTampered,
        refusal.is_some(),
        match &received {
            Err(e) => format!("libsignal refuses the message: \"{e}\""),
            Ok(text) => format!(
                "The message opens: \"{}\" — the change went unnoticed",
                String::from_utf8_lossy(text)
            ),
        },
    );

    // ANCHOR: type_byte
    // Had the server changed CT's type byte instead (0x08 → 0x09):
    let mut wrong_type = ct.clone();
    wrong_type[0] ^= 0x01;
    let type_byte_error = Device::new(DeviceKeys::of(bob))?
        .receive(
            &alice_address,
            with_ciphertext(&sent, &wrong_type)?.serialized(),
            &mut lab_rng,
        )
        .err()
        .map(|e| e.to_string());
    // ANCHOR_END: type_byte
    lab.step(&TYPE_BYTE, &[]);
    lab.result(
        LabStep::TypeByteChanged,
        type_byte_error.is_some(),
        match &type_byte_error {
            Some(e) => format!(
                "With CT's type byte 0x{:02x} instead of 0x{:02x}, libsignal refuses before \
                 decapsulating: \"{e}\"",
                wrong_type[0], ct[0]
            ),
            None => "With CT's type byte changed, libsignal ACCEPTS the message".to_string(),
        },
    );

    let verdict = if refusal.is_some() {
        Verdict::Refused
    } else {
        Verdict::AttackerSucceeds
    };
    let summary = match (verdict, ss_in_kdf) {
        (Verdict::Refused, SsInKdf::Yes) => format!(
            "Bob's SS {} Alice's (implicit rejection: no error), so his keys differ too, and \
             libsignal refuses the message (\"{}\").",
            if ss_differs { "differs from" } else { "equals" },
            refusal.as_deref().unwrap_or_default()
        ),
        (Verdict::Refused, SsInKdf::No) => {
            "The message was refused although SS is not in the KDF.".to_string()
        }
        (_, _) => "The tampered message was accepted: the change went unnoticed.".to_string(),
    };
    Ok(lab.finish(Outcome {
        lab: Lab::TamperedCiphertext,
        attacker: Actor::Server,
        attacker_label: "the server (or anyone on the path)",
        verdict,
        summary,
        details: LabDetails::TamperedCiphertext {
            byte,
            bit,
            ss_differs,
            libsignal_error: refusal,
            type_byte_error,
        },
    }))
}

/// The session keys from the DH values alone: PQXDH's KDF with SS left out.
fn derive_without_ss(dhs: &[&[u8]]) -> kdf::SessionKeys {
    let mut input = F.to_vec();
    for dh in dhs {
        input.extend_from_slice(dh);
    }
    kdf::derive(&input)
}

/// Bob's side by hand: his first-message keys from `keys`, libsignal's MAC
/// check and AES-256-CBC.
fn open_by_hand(
    start: &Start,
    received: &PreKeySignalMessage,
    keys: &kdf::SessionKeys,
) -> Result<Vec<u8>, LabError> {
    let ratchet: &PublicKey = received.message().sender_ratchet_key();
    let dh = crate::engine::dh(&start.bob.signed_prekey.private_key, ratchet)?;
    let message_keys = message::first_message_keys(
        &keys.root_key,
        &dh,
        message::spqr_key_for_reader(&keys.pqr_key, received.message()).as_deref(),
    );
    message::open(
        received.message(),
        &message_keys,
        start.alice.identity.identity_key(),
        start.bob.identity.identity_key(),
    )
    .map_err(|e| LabError::Opened(e.to_string()))
}

const BIT_FLIPPED: LabText = LabText {
    id: LabStep::CiphertextBitFlipped,
    actor: Actor::Server,
    title: "One bit of CT flips on the way to Bob",
    explanation: "The server (or a faulty link) changes a single bit of the Kyber ciphertext \
        inside Alice's first message. The outer fields of a PreKeySignalMessage are not \
        covered by its MAC: CT is bound only through the keys it feeds.",
    formula: "CT_tampered = CT ⊕ (1 << bit at byte)",
    spec_ref: "PQXDH §3.3; libsignal protocol.rs:284-323",
};

const BOB_DECAPSULATES: LabText = LabText {
    id: LabStep::BobDecapsulatesTampered,
    actor: Actor::Bob,
    title: "Bob decapsulates CT_tampered",
    explanation: "Kyber's decapsulation re-encrypts to check the ciphertext and, when the \
        check fails, returns a pseudorandom secret instead of an error (implicit rejection). \
        Bob gets a 32-byte SS_bob without any sign that something is wrong.",
    formula: "SS_bob = PQKEM-DEC(PQSPK_B.priv, CT_tampered)",
    spec_ref: "PQXDH §2.1 (IND-CCA pqkem), §3.4",
};

const BOB_DERIVES: LabText = LabText {
    id: LabStep::BobDerivesFromTampered,
    actor: Actor::Bob,
    title: "Bob derives his keys with SS_bob",
    explanation: "The same DH values as Alice, but SS_bob in the last 32 bytes of the KDF \
        input: HKDF gives entirely different keys.",
    formula: "root_key_bob ‖ chain_key_bob ‖ … = HKDF(0xFF×32 ‖ DH1 ‖ DH2 ‖ DH3 [‖ DH4] ‖ SS_bob)",
    spec_ref: "PQXDH §2.2, §3.4",
};

const BOB_REFUSES: LabText = LabText {
    id: LabStep::BobRefusesTampered,
    actor: Actor::Bob,
    title: "Bob's libsignal refuses the message",
    explanation: "Bob's message keys come from his root key, so the MAC over the first \
        message does not verify. libsignal reports a failed first message as \"decryption \
        failed\" and sets up no session.",
    formula: "HMAC(mac_key_bob, IK_A ‖ IK_B ‖ message)[..8] ≠ MAC",
    spec_ref: "PQXDH §3.4; libsignal session_cipher.rs:484-502, 657-668",
};

const TYPE_BYTE: LabText = LabText {
    id: LabStep::TypeByteChanged,
    actor: Actor::Bob,
    title: "If the type byte had changed instead",
    explanation: "CT starts with libsignal's type byte 0x08 (Kyber1024). A ciphertext whose \
        type byte names no KEM, or another one, is refused while it is read, before any \
        decapsulation.",
    formula: "CT[0] ≠ 0x08 → refused",
    spec_ref: "PQXDH §2.1; libsignal kem.rs:363-375, 480-495",
};
