//! Lab: the server swaps SPK_B for a key of its own.
//!
//! libsignal's `process_prekey_bundle` verifies SPK_B's signature with IK_B
//! before anything else and refuses (`session.rs:191-196`). Had Alice not
//! checked, the server would hold SPK_M.priv and so compute DH1 and DH3 with
//! her; DH2 (and the Kyber secret SS) would still be out of its reach.
//!
//! Defence: Alice's signature check. [`AliceChecks::No`] switches it off.

use futures::executor::block_on;
use libsignal_protocol::{KeyPair, process_prekey_bundle};

use super::alice::{self, Handed};
use super::start::{LabText, Outcome, Start};
use super::{ATTACKER_STREAM, LabError, both, compare, either};
use crate::engine::record::{derived_key, message, private_key, public_key, shared_secret};
use crate::engine::{
    HANDSHAKE_STREAM, RunOptions, ServerBundle, address, demo_now, dh, rng_stream,
};
use crate::engine::{kdf, keys::AliceKeys};
use crate::transcript::{Actor, HandshakeStep, Lab, LabDetails, LabStep, Transcript, Verdict};

/// Whether Alice verifies the prekey signatures, as libsignal always does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AliceChecks {
    Yes,
    /// The defence switched off: Alice's session is set up without a check.
    No,
}

pub fn run(options: RunOptions) -> Result<Transcript, LabError> {
    run_with(options, AliceChecks::Yes)
}

pub fn run_with(options: RunOptions, checks: AliceChecks) -> Result<Transcript, LabError> {
    let start = Start::new(options)?;
    let mut lab = start.record_until(HandshakeStep::BundlePublished);

    // ANCHOR: swap
    // The server makes a key pair of its own and puts it where SPK_B was. It
    // cannot sign it with IK_B, so the bundle keeps Bob's signature over SPK_B.
    let spk_m = KeyPair::generate(&mut rng_stream(options.seed, ATTACKER_STREAM));
    let mut forged = ServerBundle::decode(start.bytes("bundle")?)?;
    forged.signed_pre_key = spk_m.public_key.serialize().into_vec();
    let forged_bytes = forged.encode();
    // ANCHOR_END: swap
    lab.step(
        &SERVER_SWAPS,
        &[
            public_key("SPK_M", &spk_m.public_key.serialize()),
            private_key("SPK_M.priv", &spk_m.private_key.serialize()),
            message("bundle_forged", &forged_bytes),
        ],
    );
    lab.result(
        LabStep::ServerSwapsSignedPrekey,
        false,
        "The bundle Alice fetches holds SPK_M where SPK_B was; SPK_B.sig is unchanged.",
    );

    // ANCHOR: refused
    // Alice reads the server's bytes and hands them to libsignal.
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
    // ANCHOR_END: refused
    lab.step(&ALICE_CHECKS, &[]);
    lab.result(
        LabStep::AliceChecksSignedPrekey,
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

    // ANCHOR: unchecked
    // Had Alice not checked: her session with SPK_M, through libsignal.
    let ik_b = *bundle.identity_key()?;
    let alice_side = alice::without_check(
        options.seed,
        &start.alice,
        &Handed {
            ik_b: &ik_b,
            spk_b: &spk_m.public_key,
            pqspk_b: bundle.kyber_pre_key_public()?,
            opk_b: bundle.pre_key_public()?.as_ref(),
        },
    )?;
    // The server, holding SPK_M.priv, computes the two DH values that use it.
    let ik_a = start.alice.identity.identity_key().public_key();
    let server_dh1 = dh(&spk_m.private_key, ik_a)?;
    let server_dh3 = dh(&spk_m.private_key, &alice_side.ek_a.public_key)?;
    // ANCHOR_END: unchecked
    let agrees = alice_side.libsignal_agrees(&spk_m.public_key);
    lab.check(
        "Alice's libsignal session uses the DH values computed here",
        agrees,
        "initialize_alice_session_record's receiving chain key = chain_key from DH1…, SS",
    );
    let ek_a = alice_side.ek_a.public_key.serialize();
    let mut made = vec![public_key("EK_A", &ek_a)];
    let names = ["DH1", "DH2", "DH3", "DH4"];
    for (name, value) in names.iter().zip(&alice_side.dhs) {
        made.push(shared_secret(name, value));
    }
    made.push(shared_secret("SS", &alice_side.ss));
    made.push(derived_key("chain_key", &alice_side.keys.chain_key));
    lab.step(&ALICE_WITHOUT_CHECK, &made);
    lab.result(
        LabStep::AliceWithForgedSignedPrekey,
        false,
        format!(
            "initialize_alice_session_record sets up the session with SPK_M (no check there); \
             its chain key is the one computed from these values: {}",
            if agrees { "yes" } else { "NO" }
        ),
    );

    let dh1_same = server_dh1[..] == alice_side.dhs[0][..];
    let dh3_same = server_dh3[..] == alice_side.dhs[2][..];
    lab.check(
        "the server's DH1 is Alice's",
        dh1_same,
        compare(&server_dh1, &alice_side.dhs[0]),
    );
    lab.check(
        "the server's DH3 is Alice's",
        dh3_same,
        compare(&server_dh3, &alice_side.dhs[2]),
    );
    lab.step(
        &SERVER_COMPUTES,
        &[
            shared_secret("attacker.DH1", &server_dh1),
            shared_secret("attacker.DH3", &server_dh3),
        ],
    );
    lab.result(
        LabStep::ServerComputesDh1Dh3,
        false,
        format!(
            "attacker.DH1 vs Alice's DH1: {}; attacker.DH3 vs Alice's DH3: {}",
            compare(&server_dh1, &alice_side.dhs[0]),
            compare(&server_dh3, &alice_side.dhs[2])
        ),
    );

    // ANCHOR: lacks
    // DH2 = DH(EK_A, IK_B) needs EK_A.priv or IK_B.priv, SS needs PQSPK_B.priv
    // (and DH4 OPK_B.priv): the server has none of them. Its best is to put
    // zeros where they go.
    let unknown = [0u8; 32];
    let mut guessed: Vec<&[u8]> = vec![&server_dh1, &unknown, &server_dh3];
    if alice_side.dhs.len() == 4 {
        guessed.push(&unknown);
    }
    let server_keys = kdf::derive(&kdf::secret_input(&guessed, &unknown));
    let libsignal_chain_key = alice_side
        .session
        .get_receiver_chain_key_bytes(&spk_m.public_key)?
        .map(|ck| ck.to_vec())
        .unwrap_or_default();
    let server_derives_key = server_keys.chain_key[..] == libsignal_chain_key[..];
    // ANCHOR_END: lacks
    lab.step(
        &SERVER_LACKS,
        &[derived_key("attacker.chain_key", &server_keys.chain_key)],
    );
    lab.result(
        LabStep::ServerLacksDh2,
        !server_derives_key,
        format!(
            "attacker.chain_key vs the chain key in Alice's libsignal session: {}",
            compare(&server_keys.chain_key, &libsignal_chain_key)
        ),
    );

    let mut server_learns = Vec::new();
    if dh1_same {
        server_learns.push("DH1");
    }
    if dh3_same {
        server_learns.push("DH3");
    }
    let mut missing = vec!["DH2"];
    if alice_side.dhs.len() == 4 {
        missing.push("DH4");
    }
    missing.push("SS");
    let verdict = if refusal.is_some() {
        Verdict::Refused
    } else if server_derives_key {
        Verdict::AttackerSucceeds
    } else {
        Verdict::AttackerFails
    };
    let summary = match verdict {
        Verdict::Refused => format!(
            "libsignal refused the forged SPK_B (\"{}\"); had Alice not checked, the server \
             would know {} but not {}, so still not the key.",
            refusal.as_deref().unwrap_or_default(),
            both(&server_learns),
            either(&missing)
        ),
        Verdict::AttackerSucceeds => "The server derived Alice's session key.".to_string(),
        _ => format!(
            "Alice accepted the forged SPK_B; the server knows {} but not {}, so not the key.",
            both(&server_learns),
            either(&missing)
        ),
    };
    Ok(lab.finish(Outcome {
        lab: Lab::ForgedSignedPrekey,
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

/// Alice's libsignal store, holding her identity.
pub(crate) fn alice_store(
    alice: &AliceKeys,
) -> Result<libsignal_protocol::InMemSignalProtocolStore, LabError> {
    Ok(libsignal_protocol::InMemSignalProtocolStore::new(
        alice.identity,
        alice.registration_id,
    )?)
}

const SERVER_SWAPS: LabText = LabText {
    id: LabStep::ServerSwapsSignedPrekey,
    actor: Actor::Server,
    title: "The server swaps SPK_B for a key of its own, SPK_M",
    explanation: "The server hands out whatever bundle it likes. It makes a key pair SPK_M \
        and puts the public half where SPK_B was. It cannot make a signature over SPK_M with \
        IK_B (that needs IK_B.priv, which never leaves Bob), so the bundle still carries \
        Bob's signature over SPK_B.",
    formula: "bundle_forged = bundle with SPK_B := SPK_M (SPK_B.sig unchanged)",
    spec_ref: "PQXDH §3.2, §3.3",
};

const ALICE_CHECKS: LabText = LabText {
    id: LabStep::AliceChecksSignedPrekey,
    actor: Actor::Alice,
    title: "Alice's libsignal verifies SPK_B's signature",
    explanation: "Before it draws any key, libsignal's process_prekey_bundle checks that IK_B \
        signed the serialized signed prekey, and stops if it did not.",
    formula: "XEdDSA.Verify(IK_B, EncodeEC(SPK_M), SPK_B.sig)",
    spec_ref: "PQXDH §3.3; libsignal session.rs:191-196",
};

const ALICE_WITHOUT_CHECK: LabText = LabText {
    id: LabStep::AliceWithForgedSignedPrekey,
    actor: Actor::Alice,
    title: "Without the check: Alice's session with SPK_M",
    explanation: "What a client without the signature check would do. libsignal's public \
        initialize_alice_session_record does not check signatures, so it plays that client: \
        the same EK_A and encapsulation as the normal run, but DH1 and DH3 with the \
        server's key.",
    formula: "DH1 = DH(IK_A, SPK_M), DH2 = DH(EK_A, IK_B), DH3 = DH(EK_A, SPK_M) [, DH4]; \
        (CT, SS) = PQKEM-ENC(PQSPK_B)",
    spec_ref: "PQXDH §3.3, §4.5; libsignal ratchet.rs:54-92",
};

const SERVER_COMPUTES: LabText = LabText {
    id: LabStep::ServerComputesDh1Dh3,
    actor: Actor::Server,
    title: "The server computes DH1 and DH3",
    explanation: "Both use the signed prekey, and the server holds SPK_M.priv: from IK_A \
        (public) and EK_A (in Alice's first message) it gets the same DH1 and DH3 as Alice.",
    formula: "DH1 = DH(SPK_M.priv, IK_A), DH3 = DH(SPK_M.priv, EK_A)",
    spec_ref: "PQXDH §3.3, §4.5",
};

const SERVER_LACKS: LabText = LabText {
    id: LabStep::ServerLacksDh2,
    actor: Actor::Server,
    title: "The server still lacks DH2 and SS",
    explanation: "DH2 = DH(EK_A, IK_B) needs EK_A.priv or IK_B.priv; SS needs PQSPK_B.priv; \
        the server has none of them. With zeros in their place it derives a chain key, and \
        it is not the one in Alice's session.",
    formula: "KDF(0xFF×32 ‖ DH1 ‖ ? ‖ DH3 [‖ ?] ‖ ?) ≠ Alice's",
    spec_ref: "PQXDH §3.3, §4.5",
};
