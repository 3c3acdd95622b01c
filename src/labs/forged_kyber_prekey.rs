//! Lab: the server swaps PQSPK_B for a Kyber key of its own.
//!
//! libsignal verifies the Kyber prekey's signature with IK_B too, and refuses
//! (`session.rs:198-203`). Had Alice not checked, the server would decapsulate
//! CT with its own key and hold SS; DH1, DH2 and DH3 would still stand between
//! it and the key: the post-quantum layer and the classical one are both
//! needed (spec §3.3: SS is one more KDF input, the DH values stay).
//!
//! Defence: Alice's signature check. [`AliceChecks::No`] switches it off.

use futures::executor::block_on;
use libsignal_protocol::kem::{self, KeyType};
use libsignal_protocol::process_prekey_bundle;

use super::alice::{self, Handed};
pub use super::forged_signed_prekey::AliceChecks;
use super::forged_signed_prekey::alice_store;
use super::start::{LabText, Outcome, Start};
use super::{ATTACKER_STREAM, LabError, both, compare, either};
use crate::engine::kdf;
use crate::engine::record::{
    ciphertext, derived_key, message, private_key, public_key, shared_secret,
};
use crate::engine::{HANDSHAKE_STREAM, RunOptions, ServerBundle, address, demo_now, rng_stream};
use crate::transcript::{Actor, HandshakeStep, Lab, LabDetails, LabStep, Transcript, Verdict};

pub fn run(options: RunOptions) -> Result<Transcript, LabError> {
    run_with(options, AliceChecks::Yes)
}

pub fn run_with(options: RunOptions, checks: AliceChecks) -> Result<Transcript, LabError> {
    let start = Start::new(options)?;
    let mut lab = start.record_until(HandshakeStep::BundlePublished);

    // ANCHOR: swap
    // The server's own Kyber1024 key pair, put where PQSPK_B was; the bundle
    // keeps Bob's signature over PQSPK_B.
    let pqspk_m = kem::KeyPair::generate(
        KeyType::Kyber1024,
        &mut rng_stream(options.seed, ATTACKER_STREAM),
    );
    let mut forged = ServerBundle::decode(start.bytes("bundle")?)?;
    forged.kyber_pre_key = pqspk_m.public_key.serialize().into_vec();
    let forged_bytes = forged.encode();
    // ANCHOR_END: swap
    lab.step(
        &SERVER_SWAPS,
        &[
            public_key("PQSPK_M", &pqspk_m.public_key.serialize()),
            private_key("PQSPK_M.priv", &pqspk_m.secret_key.serialize()),
            message("bundle_forged", &forged_bytes),
        ],
    );
    lab.result(
        LabStep::ServerSwapsKyberPrekey,
        false,
        "The bundle Alice fetches holds PQSPK_M where PQSPK_B was; PQSPK_B.sig is unchanged.",
    );

    let bundle = ServerBundle::decode(&forged_bytes)?.to_libsignal()?;
    let refusal = match checks {
        AliceChecks::Yes => {
            let mut store = alice_store(&start.alice)?;
            block_on(process_prekey_bundle(
                &address("bob"),
                &mut store.session_store,
                &mut store.identity_store,
                &bundle,
                demo_now(),
                &mut rng_stream(options.seed, HANDSHAKE_STREAM),
            ))
            .err()
            .map(|e| e.to_string())
        }
        AliceChecks::No => None,
    };
    lab.step(&ALICE_CHECKS, &[]);
    lab.result(
        LabStep::AliceChecksKyberPrekey,
        refusal.is_some(),
        match (&refusal, checks) {
            (Some(e), _) => format!("libsignal refuses the bundle: \"{e}\""),
            (None, AliceChecks::Yes) => {
                "libsignal ACCEPTS the bundle: its signature check did not catch the swap"
                    .to_string()
            }
            (None, AliceChecks::No) => {
                "Not checked in this run (the defence is switched off).".to_string()
            }
        },
    );

    // ANCHOR: decapsulate
    // Had Alice not checked: she encapsulates to the server's key...
    let ik_b = *bundle.identity_key()?;
    let spk_b = bundle.signed_pre_key_public()?;
    let alice_side = alice::without_check(
        options.seed,
        &start.alice,
        &Handed {
            ik_b: &ik_b,
            spk_b: &spk_b,
            pqspk_b: &pqspk_m.public_key,
            opk_b: bundle.pre_key_public()?.as_ref(),
        },
    )?;
    // ...and the server opens the CT her libsignal session carries.
    let ct = alice_side
        .session
        .get_kyber_ciphertext()?
        .cloned()
        .unwrap_or_default();
    let server_ss = pqspk_m
        .secret_key
        .decapsulate(&ct.clone().into_boxed_slice())?;
    // ANCHOR_END: decapsulate
    let agrees = alice_side.libsignal_agrees(&spk_b);
    lab.check(
        "Alice's libsignal session uses the values computed here",
        agrees,
        "initialize_alice_session_record's receiving chain key = chain_key from DH1…, SS",
    );
    lab.check(
        "the CT in Alice's session is the one computed here",
        ct == alice_side.ct,
        compare(&ct, &alice_side.ct),
    );
    let ek_a = alice_side.ek_a.public_key.serialize();
    let mut made = vec![public_key("EK_A", &ek_a)];
    for (name, value) in ["DH1", "DH2", "DH3", "DH4"].iter().zip(&alice_side.dhs) {
        made.push(shared_secret(name, value));
    }
    made.push(ciphertext("CT", &alice_side.ct));
    made.push(shared_secret("SS", &alice_side.ss));
    made.push(derived_key("chain_key", &alice_side.keys.chain_key));
    lab.step(&ALICE_WITHOUT_CHECK, &made);
    lab.result(
        LabStep::AliceWithForgedKyberPrekey,
        false,
        format!(
            "initialize_alice_session_record sets up the session with PQSPK_M (no check \
             there); its chain key is the one computed from these values: {}",
            if agrees { "yes" } else { "NO" }
        ),
    );

    let ss_same = server_ss[..] == alice_side.ss[..];
    lab.check(
        "the server's SS is Alice's",
        ss_same,
        compare(&server_ss, &alice_side.ss),
    );
    lab.step(
        &SERVER_DECAPSULATES,
        &[shared_secret("attacker.SS", &server_ss)],
    );
    lab.result(
        LabStep::ServerDecapsulates,
        !ss_same,
        format!(
            "attacker.SS vs Alice's SS: {}",
            compare(&server_ss, &alice_side.ss)
        ),
    );

    // ANCHOR: lacks
    // DH1 needs IK_A.priv or SPK_B.priv, DH2 and DH3 need EK_A.priv or Bob's
    // private keys: the server has SS and zeros where the DH values go.
    let unknown = [0u8; 32];
    let guessed: Vec<&[u8]> = alice_side.dhs.iter().map(|_| &unknown[..]).collect();
    let server_keys = kdf::derive(&kdf::secret_input(&guessed, &server_ss));
    let libsignal_chain_key = alice_side
        .session
        .get_receiver_chain_key_bytes(&spk_b)?
        .map(|ck| ck.to_vec())
        .unwrap_or_default();
    let server_derives_key = server_keys.chain_key[..] == libsignal_chain_key[..];
    // ANCHOR_END: lacks
    lab.step(
        &SERVER_LACKS,
        &[derived_key("attacker.chain_key", &server_keys.chain_key)],
    );
    lab.result(
        LabStep::ServerLacksDh,
        !server_derives_key,
        format!(
            "attacker.chain_key vs the chain key in Alice's libsignal session: {}",
            compare(&server_keys.chain_key, &libsignal_chain_key)
        ),
    );

    let server_learns = if ss_same { vec!["SS"] } else { Vec::new() };
    let missing: Vec<&str> = ["DH1", "DH2", "DH3", "DH4"][..alice_side.dhs.len()].to_vec();
    let verdict = if refusal.is_some() {
        Verdict::Refused
    } else if server_derives_key {
        Verdict::AttackerSucceeds
    } else {
        Verdict::AttackerFails
    };
    let summary = match verdict {
        Verdict::Refused => format!(
            "libsignal refused the forged PQSPK_B (\"{}\"); had Alice not checked, the server \
             would know {} but not {}, so still not the key: both layers are needed.",
            refusal.as_deref().unwrap_or_default(),
            both(&server_learns),
            either(&missing)
        ),
        Verdict::AttackerSucceeds => "The server derived Alice's session key.".to_string(),
        _ => format!(
            "Alice accepted the forged PQSPK_B; the server knows {} but not {}, so not the key.",
            both(&server_learns),
            either(&missing)
        ),
    };
    Ok(lab.finish(Outcome {
        lab: Lab::ForgedKyberPrekey,
        attacker: Actor::Server,
        attacker_label: "the server",
        verdict,
        summary,
        details: LabDetails::ForgedPrekey {
            libsignal_error: refusal,
            server_learns,
            server_derives_key,
        },
    }))
}

const SERVER_SWAPS: LabText = LabText {
    id: LabStep::ServerSwapsKyberPrekey,
    actor: Actor::Server,
    title: "The server swaps PQSPK_B for a Kyber key of its own, PQSPK_M",
    explanation: "The server makes a Kyber1024 key pair and puts the public half where PQSPK_B \
        was, so that it could open whatever Alice encapsulates. It cannot sign PQSPK_M with \
        IK_B, so the bundle keeps Bob's signature over PQSPK_B.",
    formula: "bundle_forged = bundle with PQSPK_B := PQSPK_M (PQSPK_B.sig unchanged)",
    spec_ref: "PQXDH §2.5, §3.2, §3.3",
};

const ALICE_CHECKS: LabText = LabText {
    id: LabStep::AliceChecksKyberPrekey,
    actor: Actor::Alice,
    title: "Alice's libsignal verifies PQSPK_B's signature",
    explanation: "process_prekey_bundle checks the Kyber prekey's signature with IK_B right \
        after the signed prekey's, before it draws any key, and stops if it fails.",
    formula: "XEdDSA.Verify(IK_B, EncodeKEM(PQSPK_M), PQSPK_B.sig)",
    spec_ref: "PQXDH §3.3; libsignal session.rs:198-203",
};

const ALICE_WITHOUT_CHECK: LabText = LabText {
    id: LabStep::AliceWithForgedKyberPrekey,
    actor: Actor::Alice,
    title: "Without the check: Alice encapsulates to PQSPK_M",
    explanation: "What a client without the signature check would do, played by libsignal's \
        initialize_alice_session_record (which does not check signatures): the same EK_A and \
        the same random draws as the normal run, but the encapsulation goes to the server's \
        key.",
    formula: "(CT, SS) = PQKEM-ENC(PQSPK_M); DH1…DH3 [DH4] as in the normal run",
    spec_ref: "PQXDH §3.3; libsignal ratchet.rs:54-92",
};

const SERVER_DECAPSULATES: LabText = LabText {
    id: LabStep::ServerDecapsulates,
    actor: Actor::Server,
    title: "The server decapsulates CT with PQSPK_M.priv",
    explanation: "CT travels in Alice's first message. Encapsulated to the server's key, it \
        opens with the server's private key: the server now holds Alice's SS.",
    formula: "SS = PQKEM-DEC(PQSPK_M.priv, CT)",
    spec_ref: "PQXDH §3.3",
};

const SERVER_LACKS: LabText = LabText {
    id: LabStep::ServerLacksDh,
    actor: Actor::Server,
    title: "The server still lacks the DH values",
    explanation: "DH1 needs IK_A.priv or SPK_B.priv, DH2 and DH3 need EK_A.priv or Bob's \
        private keys. SS alone does not give the key: with zeros where the DH values go, the \
        server's chain key is not the one in Alice's session.",
    formula: "KDF(0xFF×32 ‖ ? ‖ ? ‖ ? [‖ ?] ‖ SS) ≠ Alice's",
    spec_ref: "PQXDH §3.3",
};
