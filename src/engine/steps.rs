//! The words of each step: title, plain-language explanation, the formula in
//! the spec's notation, and where the spec says so. Kept apart from the
//! computation so the prose can be read (and reviewed) in one place.
//!
//! Section numbers are those of the PQXDH specification, revision 3
//! (2023-05-24, last updated 2024-01-23; https://signal.org/docs/specifications/pqxdh/),
//! which keeps revision 2's numbering. libsignal file names refer to the pinned
//! libsignal-protocol 0.85.3.

use crate::transcript::{Actor, HandshakeStep};

pub struct StepText {
    pub id: HandshakeStep,
    pub actor: Actor,
    pub title: &'static str,
    pub explanation: &'static str,
    pub formula: &'static str,
    pub spec_ref: &'static str,
}

pub const BOB_IDENTITY: StepText = StepText {
    id: HandshakeStep::BobIdentity,
    actor: Actor::Bob,
    title: "Bob creates his identity key IK_B",
    explanation: "Bob's long-term identity. Its public half is who Bob is: safety numbers are \
        computed from it. libsignal uses the same Curve25519 key for X25519 key agreement and \
        for XEdDSA signatures. The private half never leaves Bob's device.",
    formula: "IK_B = (IK_B.priv, IK_B) ← X25519 key generation; EncodeEC(IK_B) = 0x05 ‖ 32 bytes",
    spec_ref: "PQXDH §2.4, §3.2",
};

pub const BOB_SIGNED_PREKEY: StepText = StepText {
    id: HandshakeStep::BobSignedPrekey,
    actor: Actor::Bob,
    title: "Bob creates his signed prekey SPK_B",
    explanation: "A medium-term curve key that Bob replaces periodically. He signs \
        its encoding (type byte included) with his identity key, so Alice can check that the \
        holder of IK_B published it and the server did not swap it. The signature covers the key \
        only, no date: it cannot tell Alice whether the prekey is still current.",
    formula: "SPK_B ← X25519 key generation; SPK_B.sig = Sig(IK_B, EncodeEC(SPK_B), Z)  (XEdDSA, 64 bytes)",
    spec_ref: "PQXDH §2.4, §3.2, §4.5",
};

pub const BOB_KYBER_PREKEY: StepText = StepText {
    id: HandshakeStep::BobKyberPrekey,
    actor: Actor::Bob,
    title: "Bob creates his Kyber prekey PQSPK_B",
    explanation: "A post-quantum KEM key pair (Kyber1024). Anyone can use the public key to \
        encapsulate a fresh secret that only Bob can recover. Bob signs its encoding with IK_B, \
        like the signed prekey. libsignal's type byte 0x08 keeps a Kyber key from ever being \
        mistaken for a curve key (0x05). Here it is always the last-resort kind, kept after use; \
        the spec's bundle prefers a one-time Kyber prekey (PQOPK_B) while the server has one.",
    formula: "PQSPK_B ← Kyber1024.KeyGen; PQSPK_B.sig = Sig(IK_B, EncodeKEM(PQSPK_B), Z)",
    spec_ref: "PQXDH §2.1, §2.5, §3.2",
};

pub const BOB_ONE_TIME_PREKEY: StepText = StepText {
    id: HandshakeStep::BobOneTimePrekey,
    actor: Actor::Bob,
    title: "Bob creates a one-time prekey OPK_B",
    explanation: "An optional curve key for a single conversation, deleted after use. It adds \
        DH4, which matters if IK_B, SPK_B and PQSPK_B all leak later: with OPK_B deleted, this \
        session's key still cannot be recomputed. (A leaked SPK_B alone does not expose the key \
        either way.) The spec warns that without it Bob may accept a replayed first message; libsignal \
        refuses one even then.",
    formula: "OPK_B ← X25519 key generation (no signature)",
    spec_ref: "PQXDH §3.2, §4.2, §4.6",
};

pub const ALICE_IDENTITY: StepText = StepText {
    id: HandshakeStep::AliceIdentity,
    actor: Actor::Alice,
    title: "Alice has her identity key IK_A",
    explanation: "Alice's long-term identity, made when she installed the app. Her private key \
        takes part in DH1, which is how Bob knows the first message comes from her, as long as \
        his SPK_B.priv has not been stolen: with it, anyone can compute DH1 for any IK_A.",
    formula: "IK_A = (IK_A.priv, IK_A) ← X25519 key generation",
    spec_ref: "PQXDH §2.4, §3.3",
};

pub const BUNDLE_PUBLISHED: StepText = StepText {
    id: HandshakeStep::BundlePublished,
    actor: Actor::Bob,
    title: "Bob publishes his prekey bundle to the server",
    explanation: "Bob uploads public keys and signatures only, so that Alice can start a \
        conversation while Bob is offline. The server stores these bytes and hands them to \
        anyone who asks; it never holds a private key. The byte format is pqxdh-lab's own \
        protobuf: libsignal defines none (its PreKeyBundle is an in-memory type). The spec has \
        the server hand out a one-time prekey once and then delete it.",
    formula: "bundle = IK_B, (SPK_B, IdEC, SPK_B.sig), (PQSPK_B, IdKEM, PQSPK_B.sig) [, (OPK_B, IdEC)]",
    spec_ref: "PQXDH §3.2, §3.3",
};

pub const ALICE_VERIFIES: StepText = StepText {
    id: HandshakeStep::AliceVerifies,
    actor: Actor::Alice,
    title: "Alice fetches the bundle and verifies both signatures",
    explanation: "Alice checks that IK_B signed SPK_B and PQSPK_B. If either check fails she \
        stops: a server that swapped in its own prekeys would be caught here. It could still \
        serve an old prekey Bob once signed. Whether IK_B itself is Bob's is what comparing \
        safety numbers settles.",
    formula: "XEdDSA.Verify(IK_B, EncodeEC(SPK_B), SPK_B.sig) ∧ XEdDSA.Verify(IK_B, EncodeKEM(PQSPK_B), PQSPK_B.sig)",
    spec_ref: "PQXDH §3.3, §4.1, §4.9",
};

pub const ALICE_EPHEMERAL: StepText = StepText {
    id: HandshakeStep::AliceEphemeral,
    actor: Actor::Alice,
    title: "Alice generates her ephemeral key EK_A",
    explanation: "A fresh curve key pair for this handshake only. Its public half travels in \
        the first message (libsignal calls it the base key); the private half is deleted as \
        soon as the shared secret is derived (libsignal never stores it: it is dropped when \
        the session setup returns).",
    formula: "EK_A ← X25519 key generation",
    spec_ref: "PQXDH §3.3",
};

pub const DH1: StepText = StepText {
    id: HandshakeStep::Dh1,
    actor: Actor::Alice,
    title: "DH1 = DH(IK_A, SPK_B)",
    explanation: "Alice's identity key with Bob's signed prekey. Computing it takes IK_A.priv \
        or SPK_B.priv, so while SPK_B.priv is Bob's alone it authenticates Alice to Bob. Whoever \
        steals SPK_B.priv can compute DH1 for any IK_A and impersonate anyone to Bob \
        (key-compromise impersonation).",
    formula: "DH1 = X25519(IK_A.priv, SPK_B)",
    spec_ref: "PQXDH §3.3",
};

pub const DH2: StepText = StepText {
    id: HandshakeStep::Dh2,
    actor: Actor::Alice,
    title: "DH2 = DH(EK_A, IK_B)",
    explanation: "Alice's ephemeral key with Bob's identity key: besides Alice, only the holder \
        of IK_B.priv can compute it, so it authenticates Bob to Alice. A server that swapped \
        SPK_B would still lack DH2.",
    formula: "DH2 = X25519(EK_A.priv, IK_B)",
    spec_ref: "PQXDH §3.3",
};

pub const DH3: StepText = StepText {
    id: HandshakeStep::Dh3,
    actor: Actor::Alice,
    title: "DH3 = DH(EK_A, SPK_B)",
    explanation: "Ephemeral with signed prekey: fresh on Alice's side and medium-term on \
        Bob's. Once Bob has deleted this SPK_B, nobody can recompute DH3, even with both identity \
        keys: forward secrecy.",
    formula: "DH3 = X25519(EK_A.priv, SPK_B)",
    spec_ref: "PQXDH §3.3, §4.6",
};

pub const DH4: StepText = StepText {
    id: HandshakeStep::Dh4,
    actor: Actor::Alice,
    title: "DH4 = DH(EK_A, OPK_B)",
    explanation: "Ephemeral with one-time prekey. Bob deletes OPK_B.priv once he has received \
        this message; after that, even a thief of IK_B, SPK_B and PQSPK_B cannot recompute DH4, \
        and so not this session's key.",
    formula: "DH4 = X25519(EK_A.priv, OPK_B)",
    spec_ref: "PQXDH §3.3, §4.6",
};

pub const KYBER_ENCAPSULATE: StepText = StepText {
    id: HandshakeStep::KyberEncapsulate,
    actor: Actor::Alice,
    title: "Alice encapsulates to PQSPK_B: (CT, SS)",
    explanation: "The post-quantum part. Kyber1024 gives Alice a 32-byte shared secret SS, \
        made from her random bits hashed with PQSPK_B, and a ciphertext CT that only PQSPK_B's \
        private key opens. A future quantum computer could compute DH1–DH4 from the public keys, \
        but not SS: a passive recording stays secret, unless PQSPK_B.priv is also stolen.",
    formula: "(CT, SS) = PQKEM-ENC(PQSPK_B)",
    spec_ref: "PQXDH §3.3, §4.7, §4.11",
};

pub const KDF: StepText = StepText {
    id: HandshakeStep::Kdf,
    actor: Actor::Alice,
    title: "Alice derives the session keys",
    explanation: "Everything is fed to one HKDF-SHA256. The 32 0xFF bytes in front mean the \
        input never starts like a valid scalar or point encoding. libsignal asks for 96 bytes: \
        the first 32 are the spec's SK (the root key), then the first chain key, then the key \
        that seeds the post-quantum ratchet. Alice now deletes EK_A.priv, the DH outputs and SS \
        (libsignal drops them; nothing wipes the memory).",
    formula: "secret_input = 0xFF×32 ‖ DH1 ‖ DH2 ‖ DH3 [‖ DH4] ‖ SS; \
        root_key ‖ chain_key ‖ pqr_key = HKDF-SHA256(salt = 0×32, secret_input, info, 96)",
    spec_ref: "PQXDH §2.2, §3.3; libsignal ratchet.rs",
};

pub const ASSOCIATED_DATA: StepText = StepText {
    id: HandshakeStep::AssociatedData,
    actor: Actor::Alice,
    title: "Alice forms the associated data AD",
    explanation: "Both identity keys, Alice's first. They are not encrypted but are \
        authenticated with the message, binding it to these two identities. libsignal puts \
        them at the front of every message's MAC input; PQSPK_B is not added because Kyber \
        already binds its public key into SS.",
    formula: "AD = EncodeEC(IK_A) ‖ EncodeEC(IK_B)",
    spec_ref: "PQXDH §3.3, §4.12",
};

pub const FIRST_MESSAGE: StepText = StepText {
    id: HandshakeStep::FirstMessage,
    actor: Actor::Alice,
    title: "Alice sends her first message",
    explanation: "A real libsignal PreKeySignalMessage: IK_A, EK_A, CT and the ids of the \
        prekeys she used, around an encrypted SignalMessage. The server can read the public \
        parts, but the text inside is encrypted with keys only Alice and Bob can derive. Until \
        Bob replies, libsignal keeps CT in Alice's session and sends it again with every message; \
        revision 3 of the spec has Alice delete CT once it is sent.",
    formula: "prekey_message = 0x44 ‖ {pre_key_id, EK_A, IK_A, SignalMessage, registration_id, \
        signed_pre_key_id, kyber_pre_key_id, CT}",
    spec_ref: "PQXDH §3.3; libsignal wire.proto",
};

pub const SERVER_FORWARDS: StepText = StepText {
    id: HandshakeStep::ServerForwards,
    actor: Actor::Server,
    title: "The server forwards the message to Bob",
    explanation: "The server holds the bundle and this message: public keys, signatures, ids, \
        CT and encrypted text. The wire scan finds no secret copied verbatim into them: a guard \
        against serialization bugs, not a proof of secrecy. CT and the encrypted text depend on \
        secrets; that they reveal nothing rests on the cryptography.",
    formula: "server view = bundle ‖ prekey_message",
    spec_ref: "PQXDH §3.4, §4.9",
};

pub const BOB_DH: StepText = StepText {
    id: HandshakeStep::BobDh,
    actor: Actor::Bob,
    title: "Bob computes the same DH values",
    explanation: "Bob reads IK_A and EK_A from the message and uses his own private keys. Each \
        X25519 result is the same from both ends: DH(a, B) = DH(b, A).",
    formula: "DH1 = X25519(SPK_B.priv, IK_A), DH2 = X25519(IK_B.priv, EK_A), \
        DH3 = X25519(SPK_B.priv, EK_A) [, DH4 = X25519(OPK_B.priv, EK_A)]",
    spec_ref: "PQXDH §3.4",
};

pub const BOB_DECAPSULATE: StepText = StepText {
    id: HandshakeStep::BobDecapsulate,
    actor: Actor::Bob,
    title: "Bob decapsulates CT",
    explanation: "With PQSPK_B's private key Bob opens CT and gets the same 32-byte SS that \
        Alice encapsulated.",
    formula: "SS = PQKEM-DEC(PQSPK_B.priv, CT)",
    spec_ref: "PQXDH §3.4",
};

pub const BOB_KDF: StepText = StepText {
    id: HandshakeStep::BobKdf,
    actor: Actor::Bob,
    title: "Bob derives the session keys",
    explanation: "Same input, same HKDF, same 96 bytes. Bob then deletes his DH values and SS.",
    formula: "root_key ‖ chain_key ‖ pqr_key = HKDF-SHA256(0xFF×32 ‖ DH1 ‖ DH2 ‖ DH3 [‖ DH4] ‖ SS)",
    spec_ref: "PQXDH §3.4",
};

pub const BOB_DECRYPTS: StepText = StepText {
    id: HandshakeStep::BobDecrypts,
    actor: Actor::Bob,
    title: "Bob decrypts the first message",
    explanation: "libsignal takes one ratchet step from root_key with Alice's fresh ratchet key \
        (chain_key plays no part), derives the message keys, checks the MAC over AD and the \
        message, and decrypts. It then deletes OPK_B.priv if Alice used a one-time prekey. A \
        wrong key anywhere above would make the MAC check fail.",
    formula: "plaintext = Decrypt(message keys from HKDF(salt = root_key, DH(SPK_B.priv, \
        Alice's ratchet key), \"WhisperRatchet\"), AD, SignalMessage)",
    spec_ref: "PQXDH §3.4; libsignal session_cipher.rs, ratchet/keys.rs",
};

pub const SAME_SECRET: StepText = StepText {
    id: HandshakeStep::SameSecret,
    actor: Actor::Bob,
    title: "Same secret on both sides",
    explanation: "Bob's DH values, SS and derived keys equal Alice's. The truth check \
        compares the values computed step by step here with the state libsignal stored in its \
        own sessions, and lists each comparison.",
    formula: "Bob's (DH1…, SS, root_key, chain_key, pqr_key) = Alice's",
    spec_ref: "PQXDH §3.4",
};

// Why each copy of a value is dropped, and where it says so. In libsignal,
// "deleted" means dropped (a local that goes out of scope, or a record
// removed from a store), not wiped: nothing zeroizes key material.

pub const WHY_ALICE_DROPS_HANDSHAKE_SECRETS: &str = "The spec has Alice delete her ephemeral \
    private key, the DH outputs and SS once SK is computed (PQXDH §3.3). In libsignal they are \
    local variables of initialize_alice_session (ratchet.rs:54-134), dropped when it returns.";

pub const WHY_ALICE_REPLACES_ROOT_KEY: &str = "Alice's first DH ratchet step turns root_key into \
    a new root key and her sending chain (ratchet.rs:95-99); her session stores only the new one \
    (ratchet.rs:120-129).";

pub const WHY_SERVER_DROPS_ONE_TIME_PREKEY: &str = "The server deletes each one-time prekey it \
    hands out, so that no second sender gets it (PQXDH §3.3).";

pub const WHY_BOB_DROPS_HANDSHAKE_SECRETS: &str = "Bob deletes the DH values and SS once he has \
    derived the keys (PQXDH §3.4); in libsignal they are local variables of \
    initialize_bob_session (ratchet.rs:136-221).";

pub const WHY_BOB_DELETES_ONE_TIME_PREKEY: &str = "After a successful decryption Bob deletes the \
    one-time prekey the message used, private half included (PQXDH §3.4; libsignal \
    session_cipher.rs:268-270), so a later theft of his device cannot recompute DH4.";

pub const WHY_BOB_DROPS_CT: &str = "Once the first message decrypts, Bob has no further use for \
    CT (PQXDH §3.4 says to delete it); libsignal never stores it in Bob's session.";

pub const WHY_BOB_REPLACES_ROOT_KEY: &str = "Receiving Alice's new ratchet key, Bob makes a DH \
    ratchet step: root_key gives way to a new root key (session_cipher.rs:712-717).";

pub const WHY_BOB_REPLACES_CHAIN_KEY: &str = "chain_key was Bob's initial sending chain; in the \
    same ratchet step he makes a fresh ratchet key and a new sending chain, which replaces it \
    (session_cipher.rs:719-727). In normal flow chain_key encrypts no message at all.";
