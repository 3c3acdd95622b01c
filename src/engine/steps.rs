//! The words of each step: title, plain-language explanation, the formula in
//! the spec's notation, and where the spec says so. Kept apart from the
//! computation so the prose can be read (and reviewed) in one place.
//!
//! Section numbers are those of the PQXDH specification, revision 2 and later
//! (https://signal.org/docs/specifications/pqxdh/).

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
    explanation: "A medium-term curve key that Bob replaces every few days or weeks. He signs \
        its encoding (type byte included) with his identity key, so Alice can tell it really \
        comes from Bob and not from the server.",
    formula: "SPK_B ← X25519 key generation; SPK_B.sig = Sig(IK_B, EncodeEC(SPK_B), Z)  (XEdDSA, 64 bytes)",
    spec_ref: "PQXDH §3.2",
};

pub const BOB_KYBER_PREKEY: StepText = StepText {
    id: HandshakeStep::BobKyberPrekey,
    actor: Actor::Bob,
    title: "Bob creates his Kyber prekey PQSPK_B",
    explanation: "A post-quantum KEM key pair (Kyber1024). Anyone can use the public key to \
        encapsulate a fresh secret that only Bob can recover. Bob signs its encoding with IK_B, \
        like the signed prekey. libsignal's type byte 0x08 keeps a Kyber key from ever being \
        mistaken for a curve key (0x05).",
    formula: "PQSPK_B ← Kyber1024.KeyGen; PQSPK_B.sig = Sig(IK_B, EncodeKEM(PQSPK_B), Z)",
    spec_ref: "PQXDH §3.2, §4.12",
};

pub const BOB_ONE_TIME_PREKEY: StepText = StepText {
    id: HandshakeStep::BobOneTimePrekey,
    actor: Actor::Bob,
    title: "Bob creates a one-time prekey OPK_B",
    explanation: "An optional curve key used for a single conversation and then deleted. It \
        adds DH4, which keeps this session secret even if Bob's signed prekey later leaks, and \
        makes a replayed first message fail.",
    formula: "OPK_B ← X25519 key generation (no signature)",
    spec_ref: "PQXDH §3.2, §4.2, §4.6",
};

pub const ALICE_IDENTITY: StepText = StepText {
    id: HandshakeStep::AliceIdentity,
    actor: Actor::Alice,
    title: "Alice has her identity key IK_A",
    explanation: "Alice's long-term identity, made when she installed the app. Her private key \
        takes part in DH1, which is how Bob knows the first message comes from her.",
    formula: "IK_A = (IK_A.priv, IK_A) ← X25519 key generation",
    spec_ref: "PQXDH §2.4",
};

pub const BUNDLE_PUBLISHED: StepText = StepText {
    id: HandshakeStep::BundlePublished,
    actor: Actor::Bob,
    title: "Bob publishes his prekey bundle to the server",
    explanation: "Bob uploads public keys and signatures only, so that Alice can start a \
        conversation while Bob is offline. The server stores these bytes and hands them to \
        anyone who asks; it never holds a private key. A one-time prekey is handed out once \
        and then deleted.",
    formula: "bundle = IK_B, (SPK_B, IdEC, SPK_B.sig), (PQSPK_B, IdKEM, PQSPK_B.sig) [, (OPK_B, IdEC)]",
    spec_ref: "PQXDH §3.2, §3.3",
};

pub const ALICE_VERIFIES: StepText = StepText {
    id: HandshakeStep::AliceVerifies,
    actor: Actor::Alice,
    title: "Alice fetches the bundle and verifies both signatures",
    explanation: "Alice checks that IK_B signed SPK_B and PQSPK_B. If either check fails she \
        stops: a server that swapped in its own prekeys would be caught here. Whether IK_B \
        itself is Bob's is what comparing safety numbers settles.",
    formula: "XEdDSA.Verify(IK_B, EncodeEC(SPK_B), SPK_B.sig) ∧ XEdDSA.Verify(IK_B, EncodeKEM(PQSPK_B), PQSPK_B.sig)",
    spec_ref: "PQXDH §3.3, §4.1",
};

pub const ALICE_EPHEMERAL: StepText = StepText {
    id: HandshakeStep::AliceEphemeral,
    actor: Actor::Alice,
    title: "Alice generates her ephemeral key EK_A",
    explanation: "A fresh curve key pair for this handshake only. Its public half travels in \
        the first message (libsignal calls it the base key); the private half is deleted as \
        soon as the shared secret is derived.",
    formula: "EK_A ← X25519 key generation",
    spec_ref: "PQXDH §3.3",
};

pub const DH1: StepText = StepText {
    id: HandshakeStep::Dh1,
    actor: Actor::Alice,
    title: "DH1 = DH(IK_A, SPK_B)",
    explanation: "Alice's identity key with Bob's signed prekey. Only Alice (with IK_A.priv) \
        and Bob (with SPK_B.priv) can compute it: it authenticates Alice to Bob.",
    formula: "DH1 = X25519(IK_A.priv, SPK_B)",
    spec_ref: "PQXDH §3.3",
};

pub const DH2: StepText = StepText {
    id: HandshakeStep::Dh2,
    actor: Actor::Alice,
    title: "DH2 = DH(EK_A, IK_B)",
    explanation: "Alice's ephemeral key with Bob's identity key: only the real Bob can compute \
        it, so it authenticates Bob to Alice.",
    formula: "DH2 = X25519(EK_A.priv, IK_B)",
    spec_ref: "PQXDH §3.3",
};

pub const DH3: StepText = StepText {
    id: HandshakeStep::Dh3,
    actor: Actor::Alice,
    title: "DH3 = DH(EK_A, SPK_B)",
    explanation: "Ephemeral with signed prekey: fresh on Alice's side and medium-term on \
        Bob's. It gives forward secrecy once Bob deletes an old SPK_B.",
    formula: "DH3 = X25519(EK_A.priv, SPK_B)",
    spec_ref: "PQXDH §3.3",
};

pub const DH4: StepText = StepText {
    id: HandshakeStep::Dh4,
    actor: Actor::Alice,
    title: "DH4 = DH(EK_A, OPK_B)",
    explanation: "Ephemeral with one-time prekey. Bob deletes OPK_B after this message, so \
        even a later theft of all his keys cannot recompute this session's secret.",
    formula: "DH4 = X25519(EK_A.priv, OPK_B)",
    spec_ref: "PQXDH §3.3, §4.6",
};

pub const KYBER_ENCAPSULATE: StepText = StepText {
    id: HandshakeStep::KyberEncapsulate,
    actor: Actor::Alice,
    title: "Alice encapsulates to PQSPK_B: (CT, SS)",
    explanation: "The post-quantum part. Kyber1024 gives Alice a random 32-byte shared secret \
        SS and a ciphertext CT that only PQSPK_B's private key opens. A future quantum computer \
        could break DH1–DH4, but not SS: recording today's traffic to decrypt later fails.",
    formula: "(CT, SS) = PQKEM-ENC(PQSPK_B)",
    spec_ref: "PQXDH §3.3, §4.7",
};

pub const KDF: StepText = StepText {
    id: HandshakeStep::Kdf,
    actor: Actor::Alice,
    title: "Alice derives the session keys",
    explanation: "Everything is fed to one HKDF-SHA256. The 32 0xFF bytes in front make the \
        input impossible to confuse with a key. libsignal asks for 96 bytes: the first 32 are \
        the spec's SK (the root key), then the first chain key, then the key that seeds the \
        post-quantum ratchet. Alice now deletes EK_A.priv, the DH outputs and SS.",
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
        parts, but the text inside is encrypted with keys only Alice and Bob can derive.",
    formula: "prekey_message = 0x44 ‖ {pre_key_id, EK_A, IK_A, SignalMessage, registration_id, \
        signed_pre_key_id, kyber_pre_key_id, CT}",
    spec_ref: "PQXDH §3.3; libsignal wire.proto",
};

pub const SERVER_FORWARDS: StepText = StepText {
    id: HandshakeStep::ServerForwards,
    actor: Actor::Server,
    title: "The server forwards the message to Bob",
    explanation: "The server stores the message until Bob comes online. Everything it has seen \
        is public: the bundle and this message. The wire scan checks that no secret of this run \
        occurs anywhere in those bytes.",
    formula: "server view = bundle ‖ prekey_message (no private key, no shared secret)",
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
    explanation: "Same input, same HKDF, same 96 bytes.",
    formula: "root_key ‖ chain_key ‖ pqr_key = HKDF-SHA256(0xFF×32 ‖ DH1 ‖ DH2 ‖ DH3 [‖ DH4] ‖ SS)",
    spec_ref: "PQXDH §3.4",
};

pub const BOB_DECRYPTS: StepText = StepText {
    id: HandshakeStep::BobDecrypts,
    actor: Actor::Bob,
    title: "Bob decrypts the first message",
    explanation: "libsignal checks the MAC over AD and the message, decrypts it, and then \
        deletes the one-time prekey it used. A wrong key anywhere above would make the MAC \
        check fail.",
    formula: "plaintext = Decrypt(keys derived from root_key ‖ chain_key, AD, SignalMessage)",
    spec_ref: "PQXDH §3.4",
};

pub const SAME_SECRET: StepText = StepText {
    id: HandshakeStep::SameSecret,
    actor: Actor::Bob,
    title: "Same secret on both sides",
    explanation: "Bob's DH values, SS and derived keys equal Alice's, and libsignal's own \
        sessions hold exactly the values computed step by step here.",
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
