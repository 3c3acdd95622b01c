//! The transcript: everything one PQXDH run produced, as plain data.
//!
//! The engine fills it in; every view (plain text, JSON, the terminal UI, the
//! book) only reads it. Nothing shown anywhere is typed by hand.

use serde::Serialize;

/// Who acts in a step, or who holds a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Actor {
    Alice,
    Server,
    Bob,
}

impl Actor {
    pub fn name(self) -> &'static str {
        match self {
            Actor::Alice => "Alice",
            Actor::Server => "Server",
            Actor::Bob => "Bob",
        }
    }
}

/// What kind of bytes a value is. Views use it to explain and to colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    PublicKey,
    PrivateKey,
    Signature,
    SharedSecret,
    Ciphertext,
    KdfInput,
    DerivedKey,
    AssociatedData,
    Message,
}

impl ValueKind {
    pub fn label(self) -> &'static str {
        match self {
            ValueKind::PublicKey => "public key",
            ValueKind::PrivateKey => "private key",
            ValueKind::Signature => "signature",
            ValueKind::SharedSecret => "shared secret",
            ValueKind::Ciphertext => "ciphertext",
            ValueKind::KdfInput => "KDF input",
            ValueKind::DerivedKey => "derived key",
            ValueKind::AssociatedData => "associated data",
            ValueKind::Message => "message",
        }
    }

    /// Secret kinds must never reach the server; the wire scan checks them.
    pub fn is_secret(self) -> bool {
        matches!(
            self,
            ValueKind::PrivateKey
                | ValueKind::SharedSecret
                | ValueKind::KdfInput
                | ValueKind::DerivedKey
        )
    }
}

/// One named byte string of the run, such as `IK_B` or `DH1`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Value {
    /// The spec's name: `IK_A`, `SPK_B.sig`, `DH3`, `SS`, `root_key`, …
    pub name: String,
    pub kind: ValueKind,
    /// The party that made this value (for a shared secret, the one who computed this copy).
    pub owner: Actor,
    /// True when these bytes travel through the server (bundle or first message).
    pub crosses_server: bool,
    /// The id of the step that produced it.
    pub step: &'static str,
    /// libsignal's serialization: curve keys `05 ‖ 32 B`, Kyber keys and ciphertexts `08 ‖ …`.
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

impl Value {
    pub fn hex(&self) -> String {
        hex::encode(&self.bytes)
    }
}

/// One step of the run, in the order it happens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// Stable identifier, e.g. `dh1` or `kyber_encapsulate`.
    pub id: &'static str,
    pub actor: Actor,
    pub title: String,
    /// Plain language, for a reader with no cryptography background.
    pub explanation: String,
    /// The computation in the spec's notation.
    pub formula: String,
    /// Where the spec (or libsignal) says so.
    pub spec_ref: String,
    /// Names of the values this step produced, in order (Alice's or Bob's, per actor).
    pub values: Vec<String>,
}

/// One annotated byte range of a wire object (the bundle or the first message).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    pub offset: usize,
    pub len: usize,
    /// What these bytes are, e.g. `field 8 kyber_ciphertext: tag`.
    pub label: String,
    /// The decoded meaning, e.g. `length 1569` or `= CT`.
    pub note: String,
    /// The transcript value these bytes are, when they are one.
    pub value: Option<String>,
    /// Finer fields inside this range; empty for a leaf.
    pub children: Vec<Field>,
}

impl Field {
    /// The innermost fields, in byte order: together they cover the object exactly.
    pub fn leaves(&self) -> Vec<&Field> {
        if self.children.is_empty() {
            vec![self]
        } else {
            self.children.iter().flat_map(|c| c.leaves()).collect()
        }
    }
}

/// A wire object the server stores or forwards, byte for byte, with its dissection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WireObject {
    pub name: String,
    #[serde(skip)]
    pub bytes: Vec<u8>,
    pub fields: Vec<Field>,
}

/// What a check compares the step-by-step values with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckAgainst {
    /// libsignal's own session state (or its decryption).
    Libsignal,
    /// Alice's copy of a value Bob recomputed himself.
    Alice,
}

/// One comparison between a value this run computed step by step and what
/// libsignal's own session holds, or between Bob's copy of a value and Alice's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: String,
    pub against: CheckAgainst,
    /// For a comparison with Alice: the name of the value compared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The value computed step by step, e.g. `chain_key (HKDF bytes 32..64)`.
    pub staged: String,
    /// What it is compared with, e.g. `SessionRecord::get_receiver_chain_key_bytes`.
    pub reference: String,
    pub passed: bool,
}

/// What the wire scan searched and what it found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WireScan {
    /// Bytes of the bundle and the first message together.
    pub bytes_searched: usize,
    /// Secret values looked for (Alice's and Bob's).
    pub secrets_checked: usize,
    /// 16-byte windows of those secrets looked for.
    pub windows_checked: usize,
    /// `secret name in wire object at offset`, one per hit; empty means clean.
    pub findings: Vec<String>,
}

impl WireScan {
    pub fn clean(&self) -> bool {
        self.findings.is_empty()
    }
}

/// Everything one run produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transcript {
    pub seed: u64,
    pub one_time_prekey: bool,
    pub steps: Vec<Step>,
    /// Alice's values and every public value, in the order they were made.
    pub values: Vec<Value>,
    /// Bob's own copies of the shared values, computed from his private keys.
    pub bob_values: Vec<Value>,
    /// What the server stores (`bundle`) and forwards (`prekey_message`).
    pub wire: Vec<WireObject>,
    /// The first message's plaintext, as Alice wrote it and Bob decrypted it.
    pub plaintext: String,
    pub bob_plaintext: String,
    pub checks: Vec<Check>,
    pub wire_scan: WireScan,
}

impl Transcript {
    pub fn value(&self, name: &str) -> Option<&Value> {
        self.values.iter().find(|v| v.name == name)
    }

    pub fn bob_value(&self, name: &str) -> Option<&Value> {
        self.bob_values.iter().find(|v| v.name == name)
    }

    pub fn wire_object(&self, name: &str) -> Option<&WireObject> {
        self.wire.iter().find(|w| w.name == name)
    }

    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }

    /// True when every comparison with libsignal's session passed and the
    /// first message decrypted to what Alice sent.
    pub fn truth_check_passed(&self) -> bool {
        !self.checks.is_empty() && self.checks.iter().all(|c| c.passed)
    }
}
