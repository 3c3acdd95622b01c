//! Lab: the session keys re-derived with one mistake each.
//!
//! An implementation that gets one detail of the KDF wrong (spec §2.2;
//! libsignal `ratchet.rs:19-39`) derives keys that differ from libsignal's in
//! every byte, and a first message sealed with them is refused by Bob's
//! libsignal. The same message builder with libsignal's own KDF is accepted:
//! that is what shows the refusals come from the mistakes.
//!
//! The mistakes: the spec's example spelling of the curve in the info label
//! ("CURVE25519" where libsignal says "X25519"), no 0xFF×32 prefix, DH1 and
//! DH2 exchanged, SS left out.

use hkdf::Hkdf;
use libsignal_protocol::{KeyPair, PreKeySignalMessage, PublicKey, SignalProtocolError};
use rand_chacha::ChaCha20Rng;
use sha2::Sha256;

use super::message::{self, PQXDH_VERSION, Sealing};
use super::start::{LabText, Outcome, Start};
use super::stores::{Device, DeviceKeys};
use super::{LAB_STREAM, LabError, first_difference};
use crate::engine::kdf::{F, KDF_INFO};
use crate::engine::record::derived_key;
use crate::engine::{FIRST_MESSAGE_TEXT, RunOptions, address, rng_stream};
use crate::transcript::{Actor, KdfMistake, Lab, LabDetails, LabStep, Transcript, Verdict};

/// One way to get the KDF wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mistake {
    /// The info label with the spec example's "CURVE25519".
    InfoLabel,
    /// The KDF input without the 32 0xFF bytes in front.
    NoPrefix,
    /// DH2 before DH1.
    DhSwapped,
    /// The Kyber secret SS not in the input.
    SsLeftOut,
}

impl Mistake {
    pub const ALL: [Mistake; 4] = [
        Mistake::InfoLabel,
        Mistake::NoPrefix,
        Mistake::DhSwapped,
        Mistake::SsLeftOut,
    ];

    /// The name in the JSON.
    pub fn name(self) -> &'static str {
        match self {
            Mistake::InfoLabel => "info_label",
            Mistake::NoPrefix => "no_prefix",
            Mistake::DhSwapped => "dh1_dh2_swapped",
            Mistake::SsLeftOut => "ss_left_out",
        }
    }
}

/// The spec's example label spells the curve "CURVE25519" (§2.2); libsignal
/// says "X25519". Each is fine alone; mixing them is the mistake.
pub const WRONG_INFO: &str = "WhisperText_CURVE25519_SHA-256_CRYSTALS-KYBER-1024";

/// The three keys from one HKDF expansion with `info` over `ikm`.
pub fn derive(info: &str, ikm: &[u8]) -> ([u8; 32], [u8; 32], [u8; 32]) {
    let mut okm = [0u8; 96];
    Hkdf::<Sha256>::new(None, ikm)
        .expand(info.as_bytes(), &mut okm)
        .expect("96 bytes is a valid HKDF-SHA256 output length");
    let part = |i: usize| -> [u8; 32] { okm[32 * i..32 * (i + 1)].try_into().expect("32 bytes") };
    (part(0), part(1), part(2))
}

/// The KDF input and label with `mistake`, or libsignal's with None.
pub fn input_with(mistake: Option<Mistake>, dhs: &[&[u8]], ss: &[u8]) -> (Vec<u8>, &'static str) {
    let mut dhs = dhs.to_vec();
    if mistake == Some(Mistake::DhSwapped) {
        dhs.swap(0, 1);
    }
    let mut ikm = Vec::new();
    if mistake != Some(Mistake::NoPrefix) {
        ikm.extend_from_slice(&F);
    }
    for dh in &dhs {
        ikm.extend_from_slice(dh);
    }
    if mistake != Some(Mistake::SsLeftOut) {
        ikm.extend_from_slice(ss);
    }
    let info = if mistake == Some(Mistake::InfoLabel) {
        WRONG_INFO
    } else {
        KDF_INFO
    };
    (ikm, info)
}

pub fn run(options: RunOptions) -> Result<Transcript, LabError> {
    let start = Start::new(options)?;
    let mut lab = start.record_all();
    let mut rng = rng_stream(options.seed, LAB_STREAM);
    let names: &[&'static str] = if options.one_time_prekey {
        &["DH1", "DH2", "DH3", "DH4"]
    } else {
        &["DH1", "DH2", "DH3"]
    };
    let mut dh_bytes = Vec::new();
    for name in names {
        dh_bytes.push(start.bytes(name)?.to_vec());
    }
    let dhs: Vec<&[u8]> = dh_bytes.iter().map(|d| &d[..]).collect();
    let ss = start.bytes("SS")?;
    let libsignal_root = start.bytes("root_key")?;
    let normal = PreKeySignalMessage::try_from(start.bytes("prekey_message")?)?;

    let mut mistakes = Vec::new();
    for mistake in Mistake::ALL {
        // ANCHOR: mistake
        let (ikm, info) = input_with(Some(mistake), &dhs, ss);
        let (root_key, chain_key, pqr_key) = derive(info, &ikm);
        let received = seal_and_deliver(&start, &normal, &root_key, &pqr_key, &mut rng)?;
        // ANCHOR_END: mistake
        let (text, value) = words(mistake);
        lab.step(text, &[derived_key(value, &root_key)]);
        let first = first_difference(&root_key, libsignal_root);
        lab.result(
            text.id,
            received.is_err(),
            format!(
                "{value} vs libsignal's root_key: {}; Bob's libsignal {}",
                match first {
                    Some(i) => format!("different from byte {i}"),
                    None => "EQUAL".to_string(),
                },
                match &received {
                    Err(e) => format!("refuses the message: \"{e}\""),
                    Ok(_) => "ACCEPTS the message".to_string(),
                }
            ),
        );
        mistakes.push(KdfMistake {
            mistake: mistake.name(),
            root_key: root_key.to_vec(),
            chain_key: chain_key.to_vec(),
            pqr_key: pqr_key.to_vec(),
            first_difference: first,
            libsignal_accepts: received.is_ok(),
            error: received.err().map(|e| e.to_string()),
        });
    }

    // ANCHOR: control
    // The same builder with libsignal's own KDF.
    let (ikm, info) = input_with(None, &dhs, ss);
    let (root_key, _, pqr_key) = derive(info, &ikm);
    let control = seal_and_deliver(&start, &normal, &root_key, &pqr_key, &mut rng)?;
    // ANCHOR_END: control
    lab.check(
        "without a mistake the keys are libsignal's",
        root_key[..] == libsignal_root[..],
        "root_key from the same code, no mistake",
    );
    let control_accepted = control.as_deref().ok() == Some(FIRST_MESSAGE_TEXT.as_bytes());
    lab.check(
        "without a mistake Bob's libsignal accepts the same builder's message",
        control_accepted,
        match &control {
            Ok(text) => format!("read: \"{}\"", String::from_utf8_lossy(text)),
            Err(e) => format!("refused: \"{e}\""),
        },
    );
    lab.step(&NO_MISTAKE, &[]);
    lab.result(
        LabStep::NoMistake,
        control_accepted,
        match &control {
            Ok(text) => format!(
                "libsignal's own KDF, the same builder: Bob's libsignal reads \"{}\"",
                String::from_utf8_lossy(text)
            ),
            Err(e) => format!("libsignal's own KDF, the same builder: REFUSED (\"{e}\")"),
        },
    );

    let refused = mistakes.iter().all(|m| !m.libsignal_accepts);
    let verdict = if refused {
        Verdict::Refused
    } else {
        Verdict::AttackerSucceeds
    };
    let firsts: Vec<String> = mistakes
        .iter()
        .map(|m| match m.first_difference {
            Some(i) => i.to_string(),
            None => "none".to_string(),
        })
        .collect();
    let summary = if refused && control_accepted {
        format!(
            "Each mistake gives keys that differ from libsignal's (first differing byte of the \
             root key: {}), and Bob's libsignal refuses every message built with them; without \
             a mistake the same builder's message is accepted.",
            firsts.join(", ")
        )
    } else if refused {
        "Every message was refused, the one without a mistake too: the builder is wrong."
            .to_string()
    } else {
        "A message built with a mistaken KDF was accepted.".to_string()
    };
    Ok(lab.finish(Outcome {
        lab: Lab::KdfMistakes,
        attacker: Actor::Alice,
        attacker_label: "a mistake in Alice's implementation",
        verdict,
        summary,
        details: LabDetails::KdfMistakes {
            mistakes,
            control_accepted,
        },
    }))
}

/// Seals Alice's first message with these keys (her EK_A, CT and ids from the
/// normal run) and delivers it to a fresh Bob with libsignal's stores.
fn seal_and_deliver(
    start: &Start,
    normal: &PreKeySignalMessage,
    root_key: &[u8; 32],
    pqr_key: &[u8; 32],
    rng: &mut ChaCha20Rng,
) -> Result<Result<Vec<u8>, SignalProtocolError>, LabError> {
    let bob = &start.bob;
    let spk_b: &PublicKey = &bob.signed_prekey.public_key;
    let ratchet = KeyPair::generate(rng);
    let sealed = message::seal(
        &Sealing {
            version: PQXDH_VERSION,
            sender_identity: start.alice.identity.identity_key(),
            receiver_identity: bob.identity.identity_key(),
            registration_id: start.alice.registration_id,
            pre_key_id: normal.pre_key_id(),
            signed_pre_key_id: normal.signed_pre_key_id(),
            spk_b,
            kyber: Some((
                bob.kyber_prekey_id,
                normal
                    .kyber_ciphertext()
                    .ok_or(SignalProtocolError::InvalidKyberPreKeyId)?,
            )),
            base_key: normal.base_key(),
            root_key,
            pqr_key: Some(pqr_key),
            ratchet: &ratchet,
            plaintext: FIRST_MESSAGE_TEXT.as_bytes(),
        },
        rng,
    )?;
    let mut bob_phone = Device::new(DeviceKeys::of(bob))?;
    Ok(bob_phone.receive(&address("alice"), sealed.message.serialized(), rng))
}

fn words(mistake: Mistake) -> (&'static LabText, &'static str) {
    match mistake {
        Mistake::InfoLabel => (&INFO_LABEL, "info_label.root_key"),
        Mistake::NoPrefix => (&NO_PREFIX, "no_prefix.root_key"),
        Mistake::DhSwapped => (&DH_SWAPPED, "dh1_dh2_swapped.root_key"),
        Mistake::SsLeftOut => (&SS_LEFT_OUT, "ss_left_out.root_key"),
    }
}

static INFO_LABEL: LabText = LabText {
    id: LabStep::MistakeInfoLabel,
    actor: Actor::Alice,
    title: "Mistake: another info label",
    explanation: "The spec's example label spells the curve CURVE25519; libsignal's says \
        X25519. The label is an input of HKDF-Expand: one different byte in it changes every \
        output byte.",
    formula: "HKDF(0xFF×32 ‖ DH1 ‖ DH2 ‖ DH3 [‖ DH4] ‖ SS, \
        info = \"WhisperText_CURVE25519_SHA-256_CRYSTALS-KYBER-1024\")",
    spec_ref: "PQXDH §2.2; libsignal ratchet.rs:19-24",
};

static NO_PREFIX: LabText = LabText {
    id: LabStep::MistakeNoPrefix,
    actor: Actor::Alice,
    title: "Mistake: no 0xFF×32 prefix",
    explanation: "The spec puts 32 0xFF bytes in front so that the input never begins like \
        a key (as in XEdDSA). Leaving them out changes HKDF's input key material.",
    formula: "HKDF(DH1 ‖ DH2 ‖ DH3 [‖ DH4] ‖ SS, info)",
    spec_ref: "PQXDH §2.2; libsignal ratchet.rs:62",
};

static DH_SWAPPED: LabText = LabText {
    id: LabStep::MistakeDhSwapped,
    actor: Actor::Alice,
    title: "Mistake: DH1 and DH2 exchanged",
    explanation: "The order of the DH values is part of the protocol: both sides must \
        concatenate them the same way.",
    formula: "HKDF(0xFF×32 ‖ DH2 ‖ DH1 ‖ DH3 [‖ DH4] ‖ SS, info)",
    spec_ref: "PQXDH §3.3; libsignal ratchet.rs:64-84",
};

static SS_LEFT_OUT: LabText = LabText {
    id: LabStep::MistakeNoSs,
    actor: Actor::Alice,
    title: "Mistake: SS left out",
    explanation: "Without the Kyber secret the keys come from the DH values alone: another \
        input, other keys, and no post-quantum protection even if they matched.",
    formula: "HKDF(0xFF×32 ‖ DH1 ‖ DH2 ‖ DH3 [‖ DH4], info)",
    spec_ref: "PQXDH §3.3; libsignal ratchet.rs:86-90",
};

static NO_MISTAKE: LabText = LabText {
    id: LabStep::NoMistake,
    actor: Actor::Alice,
    title: "No mistake: the same builder with libsignal's KDF",
    explanation: "The messages above were sealed by hand exactly as libsignal seals a first \
        message. With libsignal's own KDF the same code produces a message Bob's libsignal \
        reads: the refusals come from the mistakes, not from the builder.",
    formula: "HKDF(0xFF×32 ‖ DH1 ‖ DH2 ‖ DH3 [‖ DH4] ‖ SS, info = \"WhisperText_X25519_SHA-256_CRYSTALS-KYBER-1024\")",
    spec_ref: "PQXDH §2.2, §3.3; libsignal ratchet.rs:19-39",
};
