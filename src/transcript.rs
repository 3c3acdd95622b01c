//! The transcript: everything one PQXDH run produced, as plain data.
//!
//! The engine fills it in; every view (plain text, JSON, the terminal UI, the
//! book) only reads it. Nothing shown anywhere is typed by hand.

use serde::Serialize;

mod lab;
pub use lab::{
    Delivery, KdfMistake, Lab, LabCheck, LabDetails, LabRecord, LabStep, SafetyNumberIds,
    StepResult, Verdict,
};

/// The only KEM libsignal 0.85 uses for prekeys by default (type byte 0x08).
pub const KEM: &str = "kyber1024";

/// libsignal's HKDF info string: the spec's `info_curve_hash_pqkem` with
/// `info` = "WhisperText" (46 ASCII bytes).
pub const KDF_INFO: &str = "WhisperText_X25519_SHA-256_CRYSTALS-KYBER-1024";

/// Who acts in a step, or who holds a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Actor {
    Alice,
    Server,
    Bob,
    /// An attack lab's attacker when it is not the server: someone who
    /// records traffic, steals a device or a key. (When the server itself
    /// attacks, its values are the server's.)
    Attacker,
}

impl Actor {
    pub fn name(self) -> &'static str {
        match self {
            Actor::Alice => "Alice",
            Actor::Server => "Server",
            Actor::Bob => "Bob",
            Actor::Attacker => "Attacker",
        }
    }
}

/// Which step of a run this is. Views match on it exhaustively, so a step
/// that is added or renamed cannot silently lose its outcome line or stage.
///
/// The handshake's steps are one family; the attack labs and the conversation
/// after the handshake bring families of their own as further variants, each
/// matched by the views like this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepId {
    Handshake(HandshakeStep),
    /// A step of an attack lab, after the steps of the normal run it starts from.
    Lab(LabStep),
}

/// The steps of one PQXDH run, in the order they happen. Each serializes to
/// its stable id in the JSON (`bob_identity`, `dh1`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HandshakeStep {
    BobIdentity,
    BobSignedPrekey,
    BobKyberPrekey,
    BobOneTimePrekey,
    AliceIdentity,
    BundlePublished,
    AliceVerifies,
    AliceEphemeral,
    Dh1,
    Dh2,
    Dh3,
    Dh4,
    KyberEncapsulate,
    Kdf,
    AssociatedData,
    FirstMessage,
    ServerForwards,
    BobDh,
    BobDecapsulate,
    BobKdf,
    BobDecrypts,
    SameSecret,
}

impl HandshakeStep {
    /// The stable id, as in the JSON.
    pub fn id(self) -> &'static str {
        match self {
            HandshakeStep::BobIdentity => "bob_identity",
            HandshakeStep::BobSignedPrekey => "bob_signed_prekey",
            HandshakeStep::BobKyberPrekey => "bob_kyber_prekey",
            HandshakeStep::BobOneTimePrekey => "bob_one_time_prekey",
            HandshakeStep::AliceIdentity => "alice_identity",
            HandshakeStep::BundlePublished => "bundle_published",
            HandshakeStep::AliceVerifies => "alice_verifies",
            HandshakeStep::AliceEphemeral => "alice_ephemeral",
            HandshakeStep::Dh1 => "dh1",
            HandshakeStep::Dh2 => "dh2",
            HandshakeStep::Dh3 => "dh3",
            HandshakeStep::Dh4 => "dh4",
            HandshakeStep::KyberEncapsulate => "kyber_encapsulate",
            HandshakeStep::Kdf => "kdf",
            HandshakeStep::AssociatedData => "associated_data",
            HandshakeStep::FirstMessage => "first_message",
            HandshakeStep::ServerForwards => "server_forwards",
            HandshakeStep::BobDh => "bob_dh",
            HandshakeStep::BobDecapsulate => "bob_decapsulate",
            HandshakeStep::BobKdf => "bob_kdf",
            HandshakeStep::BobDecrypts => "bob_decrypts",
            HandshakeStep::SameSecret => "same_secret",
        }
    }
}

impl StepId {
    /// The stable id, as in the JSON (`dh1`, `kyber_encapsulate`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            StepId::Handshake(step) => step.id(),
            StepId::Lab(step) => step.id(),
        }
    }
}

impl From<HandshakeStep> for StepId {
    fn from(step: HandshakeStep) -> Self {
        StepId::Handshake(step)
    }
}

impl From<LabStep> for StepId {
    fn from(step: LabStep) -> Self {
        StepId::Lab(step)
    }
}

impl Serialize for StepId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for StepId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    /// The spec's name: `IK_A`, `SPK_B.sig`, `DH3`, `SS`, `root_key`, …
    pub name: String,
    pub kind: ValueKind,
    /// The party that made this value (for a shared secret, the one who computed this copy).
    pub owner: Actor,
    /// The step that produced it.
    pub step: StepId,
    /// libsignal's serialization: curve keys `05 ‖ 32 B`, Kyber keys and ciphertexts `08 ‖ …`.
    pub bytes: Vec<u8>,
}

impl Value {
    pub fn hex(&self) -> String {
        hex::encode(&self.bytes)
    }

    /// True when these bytes travel through the server (in the bundle or the
    /// first message): every value that is not a secret does.
    pub fn crosses_server(&self) -> bool {
        !self.kind.is_secret()
    }
}

/// One step of the run, in the order it happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub id: StepId,
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
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// One copy of a value dropped by its holder at a step. In libsignal,
/// "deleted" means dropped from memory or from a store, not wiped: nothing
/// zeroizes key material (its `PrivateKey` is a plain `Copy` type).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deletion {
    /// The value's name (`EK_A.priv`, `DH1`, …).
    pub value: String,
    /// Whose copy: for shared values Alice and Bob each hold their own, and
    /// the server holds the public keys it stores.
    pub holder: Actor,
    pub step: StepId,
    /// Why, with its source (spec section or libsignal file:line).
    pub why: &'static str,
}

/// Which kind of object crosses the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireKind {
    /// Bob's public keys and signatures, as the server stores them.
    Bundle,
    /// Alice's first message, libsignal's `PreKeySignalMessage`.
    PrekeyMessage,
}

/// A wire object the server stores or forwards, byte for byte, with its
/// dissection, and who hands it to whom at which step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireObject {
    /// Also the name of the transcript value holding the same bytes.
    pub name: String,
    pub kind: WireKind,
    /// Who puts it on the server; the server holds it from the step that made it.
    pub sender: Actor,
    /// Who gets it from the server, and at which step.
    pub recipient: Actor,
    pub delivered_at: StepId,
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: String,
    pub against: CheckAgainst,
    /// For a comparison with Alice: the name of the value compared.
    pub value: Option<String>,
    /// The value computed step by step, e.g. `chain_key (HKDF bytes 32..64)`.
    pub staged: String,
    /// What it is compared with, e.g. `SessionRecord::get_receiver_chain_key_bytes`.
    pub reference: String,
    pub passed: bool,
}

/// What the wire scan searched and what it found: whether any secret of the
/// run occurs verbatim (as a 16-byte window) in the server's bytes. A check
/// against serialization bugs, not a proof of secrecy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireScan {
    /// Bytes of the bundle and the first message together.
    pub bytes_searched: usize,
    /// Distinct secrets looked for (Alice's and Bob's copies of a value count once).
    pub secrets_checked: usize,
    /// Their names, in the order they were looked for.
    pub scanned: Vec<String>,
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
    /// The KEM of Bob's prekey ([`KEM`]) and the KDF's info string ([`KDF_INFO`]).
    pub kem: &'static str,
    pub kdf_info: &'static str,
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
    /// Every copy of a value that its holder drops during the run, in order.
    pub deletions: Vec<Deletion>,
    pub checks: Vec<Check>,
    pub wire_scan: WireScan,
    /// For an attack lab: which lab, what each of its steps established, and
    /// its verdict. `None` for the normal run. A lab's `checks` and
    /// `wire_scan` are those of the normal run it starts from.
    pub lab: Option<LabRecord>,
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

    pub fn step(&self, id: impl Into<StepId>) -> Option<&Step> {
        let id = id.into();
        self.steps.iter().find(|s| s.id == id)
    }

    /// When `holder` drops its copy of the value `name`, if it does in this run.
    pub fn deletion(&self, name: &str, holder: Actor) -> Option<&Deletion> {
        self.deletions
            .iter()
            .find(|d| d.value == name && d.holder == holder)
    }

    /// Where a step is in the run (None: this run does not have it, e.g. DH4
    /// without a one-time prekey).
    pub fn step_index(&self, id: impl Into<StepId>) -> Option<usize> {
        let id = id.into();
        self.steps.iter().position(|s| s.id == id)
    }

    /// True when every comparison with libsignal's session passed and the
    /// first message decrypted to what Alice sent.
    pub fn truth_check_passed(&self) -> bool {
        !self.checks.is_empty() && self.checks.iter().all(|c| c.passed)
    }

    /// Whether this run can be trusted as shown: the truth check and the wire
    /// scan together, and which of them failed.
    pub fn self_check(&self) -> SelfCheck {
        let checks_failed = self.checks.iter().filter(|c| !c.passed).count();
        let truth_check_failed = checks_failed > 0 || self.checks.is_empty();
        let scan_findings = self.wire_scan.findings.len();
        if !truth_check_failed && scan_findings == 0 {
            SelfCheck::Passed {
                checks: self.checks.len(),
            }
        } else {
            SelfCheck::Failed {
                checks_failed,
                checks: self.checks.len(),
                scan_findings,
            }
        }
    }
}

/// A run's check of itself: the truth check against libsignal's own sessions
/// and the wire scan. (Not to be confused with an attack lab's verdict, which
/// is about what an attacker achieved.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelfCheck {
    Passed {
        checks: usize,
    },
    Failed {
        /// Truth-check comparisons that failed, of `checks`.
        checks_failed: usize,
        checks: usize,
        /// Secrets the wire scan found in the server's bytes.
        scan_findings: usize,
    },
}

impl SelfCheck {
    pub fn passed(self) -> bool {
        matches!(self, SelfCheck::Passed { .. })
    }

    /// One line that says which part failed, if any.
    pub fn summary(self) -> String {
        match self {
            SelfCheck::Passed { checks } => format!("truth check ✓ {checks}/{checks}"),
            SelfCheck::Failed {
                checks_failed,
                checks,
                scan_findings,
            } => {
                let mut parts = Vec::new();
                if checks_failed > 0 || checks == 0 {
                    parts.push(format!(
                        "TRUTH CHECK FAILED: {}/{checks} checks passed",
                        checks - checks_failed
                    ));
                }
                if scan_findings > 0 {
                    parts.push(format!(
                        "WIRE SCAN FAILED: {scan_findings} secret(s) found in the server's bytes"
                    ));
                }
                parts.join("; ")
            }
        }
    }
}
