//! What an exercise program starts from: the room's seed, the keys and bytes
//! of the room's run up to the point the exercise is about, and one way to
//! print a result so that the checker can read it.
//!
//! Every random draw here is the engine's, in the engine's order, so that a
//! correct exercise prints exactly the bytes `pqxdh-lab transcript` shows for
//! the same seed. (The tests below hold this file to that.) The exercises
//! that follow the labs and the conversation start from what those runs
//! made: a lab's transcript (`pqxdh-lab lab NAME`), or the keys in
//! libsignal's own sessions.

use std::fmt::Display;

use futures::executor::block_on;
use libsignal_protocol::kem::{self, KeyType};
use libsignal_protocol::{
    IdentityKey, IdentityKeyPair, InMemSignalProtocolStore, KeyPair, PrivateKey, PublicKey,
    SessionStore, process_prekey_bundle,
};
use rand::seq::SliceRandom;
use rand_chacha::ChaCha20Rng;

use crate::conversation::{self, ConversationOptions, Party, Pattern};
use crate::engine::keys::{AliceKeys, BobIds, BobKeys, random_registration_id};
use crate::engine::{
    ALICE_STREAM, BOB_STREAM, HANDSHAKE_STREAM, RunOptions, ServerBundle, address, demo_now,
    fetch_and_verify, handshake_sessions, rng_stream, session_state,
};
use crate::labs::{self, Lab};
use crate::room;
use crate::transcript::Transcript;

/// Streams of the seed that the run never uses: what a forging server draws.
const FORGER_STREAM: u64 = 66;
const FORGER_IDENTITY_STREAM: u64 = 67;
const SHUFFLE_STREAM: u64 = 68;

/// The room an exercise runs in: its seed, and everything made from it.
pub struct Room {
    seed: u64,
}

/// Reads the room's seed, says it on stderr, and returns the room. A seed
/// variable that is not a number ends the program with the reason.
pub fn start(exercise: &str) -> Room {
    match room::seed() {
        Ok(seed) => {
            eprintln!("{exercise}: {seed}");
            Room { seed: seed.seed }
        }
        Err(e) => {
            eprintln!("{exercise}: {e}");
            std::process::exit(2);
        }
    }
}

/// Prints one result the way the checker reads it: `NAME = hex`.
pub fn show(name: &str, bytes: impl AsRef<[u8]>) {
    println!("{name} = {}", hex::encode(bytes));
}

/// Prints a result that is not bytes (a number, a word): `NAME = text`.
pub fn show_text(name: &str, value: impl Display) {
    println!("{name} = {value}");
}

/// Prints a list of message numbers the way the checker reads it:
/// `NAME = 4, 5, 6`, or `NAME = none` for an empty list.
pub fn show_messages(name: &str, messages: &[usize]) {
    if messages.is_empty() {
        show_text(name, "none");
    } else {
        let list: Vec<String> = messages.iter().map(usize::to_string).collect();
        show_text(name, list.join(", "));
    }
}

/// Bob's public keys as Alice has them from the verified bundle.
pub struct BobPublic {
    pub ik_b: IdentityKey,
    pub spk_b: PublicKey,
    pub pqspk_b: kem::PublicKey,
}

/// What a server that put its own SPK_M where SPK_B was has, once an Alice
/// who did not check the signature has sent her first message (lab
/// forged-signed-prekey).
pub struct ForgedSignedPrekey {
    /// The server's own key pair; its public half is in the forged bundle.
    pub spk_m: KeyPair,
    /// Alice's identity key, public.
    pub ik_a: PublicKey,
    /// Alice's ephemeral key EK_A, the base key of her first message.
    pub ek_a: PublicKey,
    /// The chain key in Alice's session with SPK_M. For comparison only: the
    /// server never sees it.
    pub alice_chain_key: Vec<u8>,
}

/// The first ratchet key pairs of the conversation, read from libsignal's
/// own sessions (its API has no getter for a ratchet private key).
pub struct FirstRatchetKeys {
    /// A1: Alice's, drawn as she set up her session; message 1 carries its
    /// public half.
    pub a1: KeyPair,
    /// B1: Bob's, drawn as message 1 arrived; his reply, message 2, carries
    /// its public half.
    pub b1: KeyPair,
}

fn key_pair(private: &[u8], what: &str) -> KeyPair {
    let private = PrivateKey::deserialize(private)
        .unwrap_or_else(|e| panic!("libsignal's session holds a valid {what}: {e}"));
    let public = private
        .public_key()
        .unwrap_or_else(|e| panic!("{what} has a public key: {e}"));
    KeyPair::new(public, private)
}

impl Room {
    /// A room with a given seed (the checker's tests use this).
    pub fn with_seed(seed: u64) -> Self {
        Self { seed }
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Alice's stream of the seed, at the point where IK_A is drawn (her
    /// registration id comes first).
    pub fn alice_identity_rng(&self) -> ChaCha20Rng {
        let mut rng = rng_stream(self.seed, ALICE_STREAM);
        let _registration_id = random_registration_id(&mut rng);
        rng
    }

    /// Alice's identity and registration id.
    pub fn alice(&self) -> AliceKeys {
        AliceKeys::generate(&mut rng_stream(self.seed, ALICE_STREAM))
    }

    /// Everything Bob made (no one-time prekey, as in the book's seed-7 run).
    pub fn bob(&self) -> BobKeys {
        BobKeys::generate(&mut rng_stream(self.seed, BOB_STREAM), false)
            .expect("Bob's keys are made from any seed")
    }

    /// Bob's identity key pair and SPK_B, and his stream at the point where
    /// he signs SPK_B.
    pub fn bob_before_spk_signature(&self) -> (IdentityKeyPair, KeyPair, ChaCha20Rng) {
        let mut rng = rng_stream(self.seed, BOB_STREAM);
        let _ids = BobIds::generate(&mut rng);
        let identity = IdentityKeyPair::generate(&mut rng);
        let signed_prekey = KeyPair::generate(&mut rng);
        (identity, signed_prekey, rng)
    }

    /// Bob's identity key pair, and his stream at the point where he makes
    /// PQSPK_B (after SPK_B and its signature).
    pub fn bob_before_kyber_prekey(&self) -> (IdentityKeyPair, ChaCha20Rng) {
        let (identity, signed_prekey, mut rng) = self.bob_before_spk_signature();
        let _signature = identity
            .private_key()
            .calculate_signature(&signed_prekey.public_key.serialize(), &mut rng)
            .expect("XEdDSA signs any message");
        (identity, rng)
    }

    /// The bundle exactly as the server stores it.
    pub fn bundle(&self) -> Vec<u8> {
        ServerBundle::from_bob(&self.bob()).encode()
    }

    /// Bob's public keys from the bundle, after Alice verified both signatures.
    pub fn bob_public(&self) -> BobPublic {
        let bundle = fetch_and_verify(&self.bundle()).expect("Bob's own bundle verifies");
        BobPublic {
            ik_b: *bundle.identity_key().expect("the bundle has IK_B"),
            spk_b: bundle
                .signed_pre_key_public()
                .expect("the bundle has SPK_B"),
            pqspk_b: bundle
                .kyber_pre_key_public()
                .expect("the bundle has PQSPK_B")
                .clone(),
        }
    }

    /// IK_B as Alice knows it from comparing safety numbers with Bob.
    pub fn ik_b_from_safety_number(&self) -> IdentityKey {
        *self.bob().identity.identity_key()
    }

    /// EK_A, Alice's ephemeral key pair: the first draw of the handshake stream.
    pub fn ek_a(&self) -> KeyPair {
        KeyPair::generate(&mut rng_stream(self.seed, HANDSHAKE_STREAM))
    }

    /// The handshake stream right after EK_A: where the Kyber encapsulation draws.
    pub fn rng_after_ek_a(&self) -> ChaCha20Rng {
        let mut rng = rng_stream(self.seed, HANDSHAKE_STREAM);
        let _ek_a = KeyPair::generate(&mut rng);
        rng
    }

    /// The whole run for this seed, as `pqxdh-lab transcript` shows it: for
    /// exercises that start from values earlier chapters computed.
    pub fn transcript(&self) -> Transcript {
        crate::engine::run(RunOptions {
            seed: self.seed,
            one_time_prekey: false,
        })
        .expect("the engine runs for any seed")
    }

    /// Named values of the run (`DH1`, `SS`, …), from one run:
    /// `let [dh1, ss] = room.values(["DH1", "SS"]);`. Panics on a name the
    /// run does not have.
    pub fn values<const N: usize>(&self, names: [&str; N]) -> [Vec<u8>; N] {
        let t = self.transcript();
        names.map(|name| {
            t.value(name)
                .unwrap_or_else(|| panic!("the run has no value {name}"))
                .bytes
                .clone()
        })
    }

    /// Alice's first message, exactly the bytes the server forwards to Bob.
    pub fn first_message(&self) -> Vec<u8> {
        let [message] = self.values(["prekey_message"]);
        message
    }

    /// Alice's sending chain key CK right after PQXDH, before her first
    /// message: read from libsignal's own session.
    pub fn alice_sending_chain_key(&self) -> Vec<u8> {
        let alice = self.alice();
        let bundle = fetch_and_verify(&self.bundle()).expect("Bob's own bundle verifies");
        let mut store = InMemSignalProtocolStore::new(alice.identity, alice.registration_id)
            .expect("an in-memory store opens");
        let bob = address("bob");
        block_on(async {
            process_prekey_bundle(
                &bob,
                &mut store.session_store,
                &mut store.identity_store,
                &bundle,
                demo_now(),
                &mut rng_stream(self.seed, HANDSHAKE_STREAM),
            )
            .await
            .expect("libsignal accepts Bob's own bundle");
            store
                .load_session(&bob)
                .await
                .expect("the in-memory store reads")
                .expect("process_prekey_bundle made a session")
                .get_sender_chain_key_bytes()
                .expect("a new session has a sending chain")
        })
    }

    /// Four bundles a server hands out for Bob, in an order the seed
    /// shuffles: his genuine one; one whose SPK_B the server replaced; one
    /// whose PQSPK_B it replaced (both keeping Bob's signatures); and one
    /// made entirely by the server under an identity key of its own, every
    /// signature valid.
    pub fn bundles_from_a_server(&self) -> Vec<Vec<u8>> {
        let bob = self.bob();
        let genuine = ServerBundle::from_bob(&bob);

        let mut forger = rng_stream(self.seed, FORGER_STREAM);
        let mut other_spk = genuine.clone();
        other_spk.signed_pre_key = KeyPair::generate(&mut forger)
            .public_key
            .serialize()
            .into_vec();
        let mut other_pqspk = genuine.clone();
        other_pqspk.kyber_pre_key = kem::KeyPair::generate(KeyType::Kyber1024, &mut forger)
            .public_key
            .serialize()
            .into_vec();
        let impostor = BobKeys::generate(&mut rng_stream(self.seed, FORGER_IDENTITY_STREAM), false)
            .expect("keys are made from any seed");
        let other_identity = ServerBundle::from_bob(&impostor);

        let mut bundles: Vec<Vec<u8>> = [genuine, other_spk, other_pqspk, other_identity]
            .iter()
            .map(ServerBundle::encode)
            .collect();
        bundles.shuffle(&mut rng_stream(self.seed, SHUFFLE_STREAM));
        bundles
    }

    fn options(&self) -> RunOptions {
        RunOptions {
            seed: self.seed,
            one_time_prekey: false,
        }
    }

    /// A lab's run for this seed, as `pqxdh-lab lab NAME` shows it.
    pub fn lab(&self, lab: Lab) -> Transcript {
        labs::run(lab, self.options()).unwrap_or_else(|e| panic!("the lab {lab:?} runs: {e}"))
    }

    /// The server's SPK_M and what it sees of Alice, from the lab
    /// forged-signed-prekey.
    pub fn forged_signed_prekey(&self) -> ForgedSignedPrekey {
        let t = self.lab(Lab::ForgedSignedPrekey);
        let bytes = |name: &str| {
            t.value(name)
                .unwrap_or_else(|| panic!("the lab has no value {name}"))
                .bytes
                .clone()
        };
        let public = |name: &str| {
            PublicKey::deserialize(&bytes(name))
                .unwrap_or_else(|e| panic!("{name} is a public key: {e}"))
        };
        ForgedSignedPrekey {
            spk_m: key_pair(&bytes("SPK_M.priv"), "SPK_M.priv"),
            ik_a: public("IK_A"),
            ek_a: public("EK_A"),
            alice_chain_key: bytes("chain_key"),
        }
    }

    /// A1 and B1, from Alice's session before her first message and Bob's
    /// right after he decrypted it.
    pub fn first_ratchet_keys(&self) -> FirstRatchetKeys {
        let sessions = handshake_sessions(self.options()).expect("the handshake runs");
        let alice = session_state::read(
            &sessions
                .alice_session_before_first_message
                .serialize()
                .expect("a session serializes"),
        );
        let bob = block_on(sessions.bob_store.load_session(&address("alice")))
            .expect("the in-memory store reads")
            .expect("Bob has a session with Alice after message 1");
        let bob = session_state::read(&bob.serialize().expect("a session serializes"));
        FirstRatchetKeys {
            a1: key_pair(&alice.sender_ratchet_private, "A1's private key"),
            b1: key_pair(&bob.sender_ratchet_private, "B1's private key"),
        }
    }

    /// Who sends each message of a conversation in this pattern: entry `i`
    /// is the sender of message `i + 1`.
    pub fn senders(&self, pattern: Pattern, messages: usize) -> Vec<Party> {
        conversation::run(ConversationOptions {
            seed: self.seed,
            messages,
            pattern,
            ..ConversationOptions::default()
        })
        .unwrap_or_else(|e| panic!("the conversation runs: {e}"))
        .schedule
        .senders
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The positioned streams must give exactly the engine's keys, or every
    /// exercise would disagree with the transcript.
    #[test]
    fn the_kit_draws_what_the_engine_draws() {
        for seed in [0, 7, 1234] {
            let room = Room::with_seed(seed);
            let t = room.transcript();
            let bytes = |name: &str| t.value(name).unwrap().bytes.clone();

            let ik_a = IdentityKeyPair::generate(&mut room.alice_identity_rng());
            assert_eq!(ik_a.identity_key().serialize().to_vec(), bytes("IK_A"));

            let (ik_b, spk_b, mut rng) = room.bob_before_spk_signature();
            assert_eq!(ik_b.identity_key().serialize().to_vec(), bytes("IK_B"));
            assert_eq!(spk_b.public_key.serialize().to_vec(), bytes("SPK_B"));
            let sig = ik_b
                .private_key()
                .calculate_signature(&spk_b.public_key.serialize(), &mut rng)
                .unwrap();
            assert_eq!(sig.to_vec(), bytes("SPK_B.sig"));

            let (_, mut rng) = room.bob_before_kyber_prekey();
            let pqspk_b = kem::KeyPair::generate(KeyType::Kyber1024, &mut rng);
            assert_eq!(pqspk_b.public_key.serialize().to_vec(), bytes("PQSPK_B"));

            assert_eq!(room.bundle(), bytes("bundle"));
            assert_eq!(room.ek_a().public_key.serialize().to_vec(), bytes("EK_A"));
            let (ss, ct) = room
                .bob_public()
                .pqspk_b
                .encapsulate(&mut room.rng_after_ek_a())
                .unwrap();
            assert_eq!((ss.to_vec(), ct.to_vec()), (bytes("SS"), bytes("CT")));
        }
    }

    /// The exercises after the labs and the conversation start from the very
    /// keys those runs used.
    #[test]
    fn the_kit_hands_out_the_keys_of_the_lab_and_the_conversation() {
        let room = Room::with_seed(7);
        let t = room.transcript();
        let lab = room.lab(Lab::ForgedSignedPrekey);
        let forged = room.forged_signed_prekey();
        let serialized = |key: &PublicKey| key.serialize().to_vec();
        assert_eq!(
            serialized(&forged.spk_m.public_key),
            lab.value("SPK_M").unwrap().bytes
        );
        assert_eq!(serialized(&forged.ik_a), t.value("IK_A").unwrap().bytes);
        assert_eq!(serialized(&forged.ek_a), t.value("EK_A").unwrap().bytes);
        assert_eq!(
            forged.alice_chain_key,
            lab.value("chain_key").unwrap().bytes
        );

        let keys = room.first_ratchet_keys();
        let c = conversation::run(ConversationOptions {
            seed: 7,
            messages: 2,
            ..ConversationOptions::default()
        })
        .unwrap();
        assert_eq!(serialized(&keys.a1.public_key), c.messages[0].ratchet_key);
        assert_eq!(serialized(&keys.b1.public_key), c.messages[1].ratchet_key);

        let senders = room.senders(Pattern::Bursts, 7);
        use Party::{Alice, Bob};
        assert_eq!(senders, [Alice, Alice, Alice, Bob, Bob, Bob, Alice]);
    }

    #[test]
    fn one_bundle_is_genuine_and_three_are_not() {
        let room = Room::with_seed(7);
        let bundles = room.bundles_from_a_server();
        assert_eq!(bundles.len(), 4);
        assert_eq!(
            bundles.iter().filter(|b| **b == room.bundle()).count(),
            1,
            "Bob's own bundle is among them, once"
        );
        let verifying = bundles
            .iter()
            .filter(|b| fetch_and_verify(b).is_ok())
            .count();
        assert_eq!(verifying, 2, "the genuine one and the impostor's verify");
    }
}
