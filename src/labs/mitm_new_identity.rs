//! Lab: the server replaces Bob's whole bundle with its own identity.
//!
//! Every signature in the server's bundle is valid: it is made with the
//! server's own identity key IK_M. On first contact libsignal has no key on
//! record for Bob and trusts the one it is given (`storage/inmem.rs:78-90`),
//! so the handshake goes through, and the server sits in the middle: it reads
//! Alice's first message and passes it on to Bob in a session of its own.
//! What reveals it is the safety number each phone computes from the identity
//! keys it holds (spec §4.1; libsignal `fingerprint.rs:161-215`).
//!
//! Defence: Alice and Bob comparing their safety numbers.
//! [`Comparison::Skipped`] switches it off.

use futures::executor::block_on;
use libsignal_protocol::{
    Aci, Fingerprint, IdentityKey, InMemSignalProtocolStore, message_encrypt, process_prekey_bundle,
};
use rand::RngCore;

use super::start::{LabText, Outcome, Start};
use super::stores::{Device, DeviceKeys};
use super::{ATTACKER_STREAM, LAB_STREAM, LabError};
use crate::engine::keys::BobKeys;
use crate::engine::record::{message, private_key, public_key};
use crate::engine::{
    FIRST_MESSAGE_TEXT, HANDSHAKE_STREAM, RunOptions, ServerBundle, address, demo_now,
    fetch_and_verify, rng_stream,
};
use crate::transcript::{
    Actor, HandshakeStep, Lab, LabDetails, LabStep, SafetyNumberIds, Transcript, Verdict,
};

/// Signal's apps compute safety numbers with version 2 (the stable id is the
/// account's ACI) and 5200 iterations (libsignal's tests, `fingerprint.rs:262`).
pub const FINGERPRINT_VERSION: u32 = 2;
pub const FINGERPRINT_ITERATIONS: u32 = 5200;

/// Whether Alice and Bob compare their safety numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Made,
    /// The defence switched off: nobody looks.
    Skipped,
}

pub fn run(options: RunOptions) -> Result<Transcript, LabError> {
    run_with(options, Comparison::Made)
}

pub fn run_with(options: RunOptions, comparison: Comparison) -> Result<Transcript, LabError> {
    let start = Start::new(options)?;
    let mut lab = start.record_until(HandshakeStep::BundlePublished);
    let mut lab_rng = rng_stream(options.seed, LAB_STREAM);

    // ANCHOR: identity
    // The server makes a whole identity of its own, the way Bob made his:
    // IK_M, and prekeys signed with IK_M. Every signature verifies.
    let server = BobKeys::generate(
        &mut rng_stream(options.seed, ATTACKER_STREAM),
        options.one_time_prekey,
    )?;
    let bundle_mitm = ServerBundle::from_bob(&server).encode();
    // ANCHOR_END: identity
    let ik_m = server.identity.identity_key().serialize();
    let ik_m_priv = server.identity.private_key().serialize();
    let mut made = vec![
        public_key("IK_M", &ik_m),
        private_key("IK_M.priv", &ik_m_priv),
    ];
    let spk_m = server.signed_prekey.public_key.serialize();
    let pqspk_m = server.kyber_prekey.public_key.serialize();
    made.push(public_key("SPK_M", &spk_m));
    made.push(public_key("PQSPK_M", &pqspk_m));
    let opk_m = server
        .one_time_prekey
        .as_ref()
        .map(|(_, k)| k.public_key.serialize());
    if let Some(opk) = &opk_m {
        made.push(public_key("OPK_M", opk));
    }
    made.push(message("bundle_mitm", &bundle_mitm));
    lab.step(&SERVER_IDENTITY, &made);
    let signatures_valid = fetch_and_verify(&bundle_mitm).is_ok();
    lab.result(
        LabStep::ServerMakesIdentity,
        false,
        format!(
            "Both prekey signatures in the server's bundle verify with the bundle's IK_M: {}",
            if signatures_valid { "yes" } else { "no" }
        ),
    );

    // ANCHOR: alice
    // Alice's libsignal: first contact with "bob", so no key on record yet.
    let bob_address = address("bob");
    let alice_address = address("alice");
    let mut alice =
        InMemSignalProtocolStore::new(start.alice.identity, start.alice.registration_id)?;
    let mut alice_rng = rng_stream(options.seed, HANDSHAKE_STREAM);
    let accepted = block_on(process_prekey_bundle(
        &bob_address,
        &mut alice.session_store,
        &mut alice.identity_store,
        &ServerBundle::decode(&bundle_mitm)?.to_libsignal()?,
        demo_now(),
        &mut alice_rng,
    ));
    // ANCHOR_END: alice
    lab.step(&ALICE_ACCEPTS, &[]);
    let alice_refusal = accepted.as_ref().err().map(|e| e.to_string());
    lab.result(
        LabStep::AliceAcceptsServerBundle,
        alice_refusal.is_some(),
        match &alice_refusal {
            None => "libsignal accepts the bundle: its signatures are valid (made with IK_M)"
                .to_string(),
            Some(e) => format!("libsignal refuses the bundle: \"{e}\""),
        },
    );

    let mut server_plaintext = None;
    let mut bob_plaintext = None;
    if alice_refusal.is_none() {
        let to_server = block_on(message_encrypt(
            FIRST_MESSAGE_TEXT.as_bytes(),
            &bob_address,
            &mut alice.session_store,
            &mut alice.identity_store,
            demo_now(),
            &mut alice_rng,
        ))?
        .serialize()
        .to_vec();
        lab.step(&ALICE_SENDS, &[message("prekey_message_alice", &to_server)]);
        lab.result(
            LabStep::AliceSendsToServer,
            false,
            "Alice's first message is encrypted with keys derived from the server's prekeys.",
        );

        // ANCHOR: middle
        // The server opens it as "Bob" with its own keys...
        let mut as_bob = Device::new(DeviceKeys::of(&server))?;
        let read = as_bob.receive(&alice_address, &to_server, &mut lab_rng);
        // ...and starts a session of its own with Bob's real bundle, under
        // its own identity IK_M, to pass the text on.
        let mut as_alice = InMemSignalProtocolStore::new(server.identity, server.registration_id)?;
        let relayed = match &read {
            Ok(text) => {
                block_on(process_prekey_bundle(
                    &bob_address,
                    &mut as_alice.session_store,
                    &mut as_alice.identity_store,
                    &fetch_and_verify(start.bytes("bundle")?)?,
                    demo_now(),
                    &mut lab_rng,
                ))?;
                Some(
                    block_on(message_encrypt(
                        text,
                        &bob_address,
                        &mut as_alice.session_store,
                        &mut as_alice.identity_store,
                        demo_now(),
                        &mut lab_rng,
                    ))?
                    .serialize()
                    .to_vec(),
                )
            }
            Err(_) => None,
        };
        // ANCHOR_END: middle
        match &read {
            Ok(text) => {
                // The text is in the result, not a value: values are bytes
                // that the views label public or secret by kind.
                lab.step(&SERVER_DECRYPTS, &[]);
                lab.result(
                    LabStep::ServerDecryptsFirstMessage,
                    false,
                    format!(
                        "The server's libsignal decrypts Alice's message: \"{}\"",
                        String::from_utf8_lossy(text)
                    ),
                );
                server_plaintext = Some(text.clone());
            }
            Err(e) => {
                lab.step(&SERVER_DECRYPTS, &[]);
                lab.result(
                    LabStep::ServerDecryptsFirstMessage,
                    true,
                    format!("The server's libsignal cannot decrypt it: \"{e}\""),
                );
            }
        }

        if let Some(relayed) = relayed {
            lab.step(
                &SERVER_RELAYS,
                &[message("prekey_message_relayed", &relayed)],
            );
            lab.result(
                LabStep::ServerRelaysToBob,
                false,
                "The server's own session with Bob's real bundle carries the text on; the \
                 identity in it is IK_M, not IK_A.",
            );
            let mut bob = Device::new(DeviceKeys::of(&start.bob))?;
            let read = bob.receive(&alice_address, &relayed, &mut lab_rng);
            lab.step(&BOB_DECRYPTS, &[]);
            lab.result(
                LabStep::BobDecryptsRelayed,
                read.is_err(),
                match &read {
                    Ok(text) => format!(
                        "Bob's libsignal decrypts \"{}\" from \"alice\"",
                        String::from_utf8_lossy(text)
                    ),
                    Err(e) => format!("Bob's libsignal refuses it: \"{e}\""),
                },
            );
            bob_plaintext = read.ok();
            // ANCHOR: numbers
            // Each phone computes the safety number from the identity keys
            // it holds: its own, and the one it has on record for the other.
            let ids = Ids::draw(&mut lab_rng);
            let bob_key_at_alice = block_on(libsignal_protocol::IdentityKeyStore::get_identity(
                &alice.identity_store,
                &bob_address,
            ))?
            .ok_or(LabError::Diverged("Alice's record of Bob's identity key"))?;
            let alice_key_at_bob = bob
                .identity_of(&alice_address)?
                .ok_or(LabError::Diverged("Bob's record of Alice's identity key"))?;
            let alice_number = safety_number(
                &ids.alice,
                start.alice.identity.identity_key(),
                &ids.bob,
                &bob_key_at_alice,
            )?;
            let bob_number = safety_number(
                &ids.bob,
                start.bob.identity.identity_key(),
                &ids.alice,
                &alice_key_at_bob,
            )?;
            // ANCHOR_END: numbers
            // Without the server in the middle, both phones hold the real keys.
            let honest_alice = safety_number(
                &ids.alice,
                start.alice.identity.identity_key(),
                &ids.bob,
                start.bob.identity.identity_key(),
            )?;
            let honest_bob = safety_number(
                &ids.bob,
                start.bob.identity.identity_key(),
                &ids.alice,
                start.alice.identity.identity_key(),
            )?;
            lab.check(
                "without the server in the middle both phones show the same number",
                honest_alice == honest_bob,
                format!(
                    "Alice {} / Bob {}",
                    grouped(&honest_alice),
                    grouped(&honest_bob)
                ),
            );
            lab.check(
                "Alice's phone has IK_M on record for Bob",
                bob_key_at_alice.serialize()[..] == ik_m[..],
                "IdentityKeyStore::get_identity(bob) after the handshake",
            );
            lab.check(
                "Bob's phone has IK_M on record for Alice",
                alice_key_at_bob.serialize()[..] == ik_m[..],
                "IdentityKeyStore::get_identity(alice) after the message",
            );
            let differ = alice_number != bob_number;
            lab.step(&ALICE_NUMBER, &[]);
            lab.result(
                LabStep::AliceSafetyNumber,
                differ,
                format!("Alice's phone shows: {}", grouped(&alice_number)),
            );
            lab.step(&BOB_NUMBER, &[]);
            lab.result(
                LabStep::BobSafetyNumber,
                differ,
                format!(
                    "Bob's phone shows: {} ({})",
                    grouped(&bob_number),
                    match (differ, comparison) {
                        (true, Comparison::Made) => "they differ: the server is revealed",
                        (true, Comparison::Skipped) => "they differ, but nobody compares them",
                        (false, _) => "the same number",
                    }
                ),
            );
            return Ok(finish(
                lab,
                comparison,
                server_plaintext.is_some(),
                bob_plaintext.is_some(),
                Some((alice_number, bob_number, ids)),
            ));
        }
    }
    Ok(finish(
        lab,
        comparison,
        server_plaintext.is_some(),
        bob_plaintext.is_some(),
        None,
    ))
}

fn finish(
    lab: super::start::LabRun<'_>,
    comparison: Comparison,
    server_reads: bool,
    bob_reads: bool,
    numbers: Option<(String, String, Ids)>,
) -> Transcript {
    let differ = numbers.as_ref().is_some_and(|(a, b, _)| a != b);
    let compared = comparison == Comparison::Made;
    let verdict = match (server_reads && bob_reads, compared && differ) {
        (false, _) => Verdict::AttackerFails,
        (true, true) => Verdict::Detected,
        (true, false) => Verdict::AttackerSucceeds,
    };
    let summary = match verdict {
        Verdict::Detected => "The attack works: libsignal accepts the server's bundle, the \
            server reads Alice's first message and Bob reads it as Alice's. Only the safety \
            numbers reveal it: the two phones show different numbers."
            .to_string(),
        Verdict::AttackerSucceeds => "The attack works and goes unnoticed: nobody compares \
            the safety numbers."
            .to_string(),
        _ => "The server did not get through.".to_string(),
    };
    let (safety_number_alice, safety_number_bob, ids) = numbers.unwrap_or_default();
    lab.finish(Outcome {
        lab: Lab::MitmNewIdentity,
        attacker: Actor::Server,
        attacker_label: "the server",
        verdict,
        summary,
        details: LabDetails::MitmNewIdentity {
            safety_number_alice,
            safety_number_bob,
            safety_number_ids: SafetyNumberIds {
                version: FINGERPRINT_VERSION,
                iterations: FINGERPRINT_ITERATIONS,
                alice: ids.alice_uuid,
                bob: ids.bob_uuid,
            },
            compared,
            server_reads_first_message: server_reads,
            bob_reads_relayed_message: bob_reads,
        },
    })
}

/// The stable identifiers the safety numbers hash: each account's ACI, a
/// random UUID (drawn from the seed here, so every laptop shows the same).
#[derive(Default)]
struct Ids {
    alice: Vec<u8>,
    bob: Vec<u8>,
    alice_uuid: String,
    bob_uuid: String,
}

impl Ids {
    fn draw(rng: &mut impl RngCore) -> Self {
        let mut aci = || {
            let mut bytes = [0u8; 16];
            rng.fill_bytes(&mut bytes);
            // A version-4 (random) UUID, as account ids are.
            bytes[6] = (bytes[6] & 0x0f) | 0x40;
            bytes[8] = (bytes[8] & 0x3f) | 0x80;
            Aci::parse_from_service_id_binary(&bytes).expect("16 bytes are an ACI")
        };
        let (alice, bob) = (aci(), aci());
        Self {
            alice: alice.service_id_binary(),
            bob: bob.service_id_binary(),
            alice_uuid: alice.service_id_string(),
            bob_uuid: bob.service_id_string(),
        }
    }
}

/// The 60 digits one phone shows: libsignal's `Fingerprint::new` with the
/// phone's own id and key first.
pub fn safety_number(
    local_id: &[u8],
    local_key: &IdentityKey,
    remote_id: &[u8],
    remote_key: &IdentityKey,
) -> Result<String, LabError> {
    Fingerprint::new(
        FINGERPRINT_VERSION,
        FINGERPRINT_ITERATIONS,
        local_id,
        local_key,
        remote_id,
        remote_key,
    )
    .and_then(|f| f.display_string())
    .map_err(|e| LabError::Fingerprint(e.to_string()))
}

/// 60 digits as Signal shows them: twelve groups of five.
pub fn grouped(digits: &str) -> String {
    digits
        .as_bytes()
        .chunks(5)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

const SERVER_IDENTITY: LabText = LabText {
    id: LabStep::ServerMakesIdentity,
    actor: Actor::Server,
    title: "The server makes an identity of its own, IK_M, and a bundle signed with it",
    explanation: "A server that cannot forge Bob's signatures can replace everything they \
        vouch for: its own identity key IK_M, its own signed prekey and Kyber prekey, each \
        signed with IK_M. It hands this bundle to Alice as Bob's.",
    formula: "bundle_mitm = IK_M, (SPK_M, Sig(IK_M, EncodeEC(SPK_M))), \
        (PQSPK_M, Sig(IK_M, EncodeKEM(PQSPK_M))) [, OPK_M]",
    spec_ref: "PQXDH §3.2, §4.1",
};

const ALICE_ACCEPTS: LabText = LabText {
    id: LabStep::AliceAcceptsServerBundle,
    actor: Actor::Alice,
    title: "Alice's libsignal checks the bundle",
    explanation: "The signatures show that the prekeys belong to the identity key in the \
        bundle, not that this identity key is Bob's. This is Alice's first contact with Bob, \
        so her identity store has no key on record for him and trusts the one it is given.",
    formula: "XEdDSA.Verify(IK_M, EncodeEC(SPK_M), sig) ∧ XEdDSA.Verify(IK_M, EncodeKEM(PQSPK_M), sig)",
    spec_ref: "PQXDH §3.3, §4.1; libsignal session.rs:180-203, storage/inmem.rs:78-90",
};

const ALICE_SENDS: LabText = LabText {
    id: LabStep::AliceSendsToServer,
    actor: Actor::Alice,
    title: "Alice sends her first message",
    explanation: "A normal PQXDH first message, computed by libsignal from the server's \
        prekeys: everything in it is sound, but it is addressed to IK_M.",
    formula: "prekey_message_alice = PQXDH with IK_M, SPK_M, PQSPK_M [, OPK_M]",
    spec_ref: "PQXDH §3.3",
};

const SERVER_DECRYPTS: LabText = LabText {
    id: LabStep::ServerDecryptsFirstMessage,
    actor: Actor::Server,
    title: "The server decrypts Alice's first message",
    explanation: "The server holds the private keys of every prekey Alice used, so its own \
        libsignal, playing Bob, derives the same keys and decrypts.",
    formula: "plaintext = message_decrypt(prekey_message_alice) with IK_M.priv, SPK_M.priv, …",
    spec_ref: "PQXDH §3.4",
};

const SERVER_RELAYS: LabText = LabText {
    id: LabStep::ServerRelaysToBob,
    actor: Actor::Server,
    title: "The server re-encrypts it to Bob",
    explanation: "The server fetches Bob's real bundle and runs PQXDH with it, as \"alice\", \
        under its own identity IK_M: it cannot use IK_A, whose private key it does not have.",
    formula: "prekey_message_relayed = PQXDH(IK_M → IK_B), Encrypt(plaintext)",
    spec_ref: "PQXDH §3.3",
};

const BOB_DECRYPTS: LabText = LabText {
    id: LabStep::BobDecryptsRelayed,
    actor: Actor::Bob,
    title: "Bob decrypts the relayed message",
    explanation: "Bob's libsignal sees a valid first message from \"alice\" and decrypts it. \
        It is also first contact for Bob, so he records IK_M as Alice's identity key.",
    formula: "plaintext = message_decrypt(prekey_message_relayed)",
    spec_ref: "PQXDH §3.4",
};

const ALICE_NUMBER: LabText = LabText {
    id: LabStep::AliceSafetyNumber,
    actor: Actor::Alice,
    title: "Alice's phone computes the safety number",
    explanation: "From her own identity key and the one on record for Bob (IK_M), with both \
        accounts' stable ids: 5200 rounds of SHA-512 per side, 30 digits each, the smaller \
        half first.",
    formula: "Fingerprint(2, 5200, id_A, IK_A, id_B, IK_M).display_string()",
    spec_ref: "PQXDH §4.1; libsignal fingerprint.rs:32-73, 161-215",
};

const BOB_NUMBER: LabText = LabText {
    id: LabStep::BobSafetyNumber,
    actor: Actor::Bob,
    title: "Bob's phone computes the safety number",
    explanation: "From his own identity key and the one on record for Alice, which is IK_M \
        too. Both phones would show the same 60 digits if each held the other's real key; \
        here each half that should come from the other's real key comes from IK_M, so the \
        numbers differ, and comparing them (in person, or by scanning the QR code) reveals \
        the server.",
    formula: "Fingerprint(2, 5200, id_B, IK_B, id_A, IK_M).display_string()",
    spec_ref: "PQXDH §4.1; libsignal fingerprint.rs:32-73, 161-215",
};
