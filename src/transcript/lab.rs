//! What an attack lab adds to a transcript: its own steps (after the steps of
//! the normal run it starts from), what each of them established, checks,
//! and a verdict. Plain data, like the rest of the transcript: the labs in
//! `crate::labs` fill it in, every view only reads it.

use serde::Serialize;

use super::Actor;

/// The nine attack labs, in the book's order. Each changes one thing in the
/// seed's normal run and lets libsignal run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lab {
    ForgedSignedPrekey,
    ForgedKyberPrekey,
    MitmNewIdentity,
    TamperedCiphertext,
    HarvestNowDecryptLater,
    StolenDeviceLater,
    Replay,
    KdfMistakes,
    KeyCompromiseImpersonation,
}

impl Lab {
    pub const ALL: [Lab; 9] = [
        Lab::ForgedSignedPrekey,
        Lab::ForgedKyberPrekey,
        Lab::MitmNewIdentity,
        Lab::TamperedCiphertext,
        Lab::HarvestNowDecryptLater,
        Lab::StolenDeviceLater,
        Lab::Replay,
        Lab::KdfMistakes,
        Lab::KeyCompromiseImpersonation,
    ];

    /// The name on the command line and in the JSON.
    pub fn name(self) -> &'static str {
        match self {
            Lab::ForgedSignedPrekey => "forged-signed-prekey",
            Lab::ForgedKyberPrekey => "forged-kyber-prekey",
            Lab::MitmNewIdentity => "mitm-new-identity",
            Lab::TamperedCiphertext => "tampered-ciphertext",
            Lab::HarvestNowDecryptLater => "harvest-now-decrypt-later",
            Lab::StolenDeviceLater => "stolen-device-later",
            Lab::Replay => "replay",
            Lab::KdfMistakes => "kdf-mistakes",
            Lab::KeyCompromiseImpersonation => "key-compromise-impersonation",
        }
    }

    /// What the lab does, in one line (the `pqxdh-lab lab` list).
    pub fn about(self) -> &'static str {
        match self {
            Lab::ForgedSignedPrekey => "the server swaps SPK_B for a key of its own",
            Lab::ForgedKyberPrekey => "the server swaps PQSPK_B for its own Kyber key",
            Lab::MitmNewIdentity => "the server hands out its own identity as Bob's",
            Lab::TamperedCiphertext => "one bit of the Kyber ciphertext CT flips",
            Lab::HarvestNowDecryptLater => "recorded now, attacked later with X25519 broken",
            Lab::StolenDeviceLater => "Bob's phone is stolen after the session",
            Lab::Replay => "the server delivers Alice's first message again",
            Lab::KdfMistakes => "the session keys derived with one mistake each",
            Lab::KeyCompromiseImpersonation => "with SPK_B.priv, a forged message \"from Alice\"",
        }
    }

    pub fn from_name(name: &str) -> Option<Lab> {
        Lab::ALL.into_iter().find(|lab| lab.name() == name)
    }
}

impl std::fmt::Display for Lab {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The steps of the labs. Each belongs to exactly one lab ([`LabStep::lab`]),
/// so a view can find the lab's chapter from a step alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LabStep {
    // forged-signed-prekey
    ServerSwapsSignedPrekey,
    AliceChecksSignedPrekey,
    AliceWithForgedSignedPrekey,
    ServerComputesDh1Dh3,
    ServerLacksDh2,
    // forged-kyber-prekey
    ServerSwapsKyberPrekey,
    AliceChecksKyberPrekey,
    AliceWithForgedKyberPrekey,
    ServerDecapsulates,
    ServerLacksDh,
    // mitm-new-identity
    ServerMakesIdentity,
    AliceAcceptsServerBundle,
    AliceSendsToServer,
    ServerDecryptsFirstMessage,
    ServerRelaysToBob,
    BobDecryptsRelayed,
    AliceSafetyNumber,
    BobSafetyNumber,
    // tampered-ciphertext
    CiphertextBitFlipped,
    BobDecapsulatesTampered,
    BobDerivesFromTampered,
    BobRefusesTampered,
    TypeByteChanged,
    // harvest-now-decrypt-later
    AttackerRecords,
    AttackerBreaksX25519,
    AttackerComputesDh,
    AttackerLacksSs,
    AttackerFailsToRead,
    X3dhRun,
    AttackerReadsX3dh,
    // stolen-device-later
    BobStoreAfterSession,
    ThiefStealsKeys,
    ThiefDerives,
    ThiefDecrypts,
    // replay
    DeliveredAgain,
    DeliveredAfterReset,
    DeliveredWithoutMemory,
    // kdf-mistakes
    MistakeInfoLabel,
    MistakeNoPrefix,
    MistakeDhSwapped,
    MistakeNoSs,
    NoMistake,
    // key-compromise-impersonation
    AttackerStealsSignedPrekey,
    AttackerForgesFirstMessage,
    BobAcceptsForgery,
    IdentityKeyAloneRefused,
}

impl LabStep {
    /// Every lab step, grouped by lab in the book's order.
    pub const ALL: [LabStep; 46] = [
        LabStep::ServerSwapsSignedPrekey,
        LabStep::AliceChecksSignedPrekey,
        LabStep::AliceWithForgedSignedPrekey,
        LabStep::ServerComputesDh1Dh3,
        LabStep::ServerLacksDh2,
        LabStep::ServerSwapsKyberPrekey,
        LabStep::AliceChecksKyberPrekey,
        LabStep::AliceWithForgedKyberPrekey,
        LabStep::ServerDecapsulates,
        LabStep::ServerLacksDh,
        LabStep::ServerMakesIdentity,
        LabStep::AliceAcceptsServerBundle,
        LabStep::AliceSendsToServer,
        LabStep::ServerDecryptsFirstMessage,
        LabStep::ServerRelaysToBob,
        LabStep::BobDecryptsRelayed,
        LabStep::AliceSafetyNumber,
        LabStep::BobSafetyNumber,
        LabStep::CiphertextBitFlipped,
        LabStep::BobDecapsulatesTampered,
        LabStep::BobDerivesFromTampered,
        LabStep::BobRefusesTampered,
        LabStep::TypeByteChanged,
        LabStep::AttackerRecords,
        LabStep::AttackerBreaksX25519,
        LabStep::AttackerComputesDh,
        LabStep::AttackerLacksSs,
        LabStep::AttackerFailsToRead,
        LabStep::X3dhRun,
        LabStep::AttackerReadsX3dh,
        LabStep::BobStoreAfterSession,
        LabStep::ThiefStealsKeys,
        LabStep::ThiefDerives,
        LabStep::ThiefDecrypts,
        LabStep::DeliveredAgain,
        LabStep::DeliveredAfterReset,
        LabStep::DeliveredWithoutMemory,
        LabStep::MistakeInfoLabel,
        LabStep::MistakeNoPrefix,
        LabStep::MistakeDhSwapped,
        LabStep::MistakeNoSs,
        LabStep::NoMistake,
        LabStep::AttackerStealsSignedPrekey,
        LabStep::AttackerForgesFirstMessage,
        LabStep::BobAcceptsForgery,
        LabStep::IdentityKeyAloneRefused,
    ];

    /// The stable id, as in the JSON.
    pub fn id(self) -> &'static str {
        use LabStep::*;
        match self {
            ServerSwapsSignedPrekey => "server_swaps_signed_prekey",
            AliceChecksSignedPrekey => "alice_checks_signed_prekey",
            AliceWithForgedSignedPrekey => "alice_with_forged_signed_prekey",
            ServerComputesDh1Dh3 => "server_computes_dh1_dh3",
            ServerLacksDh2 => "server_lacks_dh2",
            ServerSwapsKyberPrekey => "server_swaps_kyber_prekey",
            AliceChecksKyberPrekey => "alice_checks_kyber_prekey",
            AliceWithForgedKyberPrekey => "alice_with_forged_kyber_prekey",
            ServerDecapsulates => "server_decapsulates",
            ServerLacksDh => "server_lacks_dh",
            ServerMakesIdentity => "server_makes_identity",
            AliceAcceptsServerBundle => "alice_accepts_server_bundle",
            AliceSendsToServer => "alice_sends_to_server",
            ServerDecryptsFirstMessage => "server_decrypts_first_message",
            ServerRelaysToBob => "server_relays_to_bob",
            BobDecryptsRelayed => "bob_decrypts_relayed",
            AliceSafetyNumber => "alice_safety_number",
            BobSafetyNumber => "bob_safety_number",
            CiphertextBitFlipped => "ciphertext_bit_flipped",
            BobDecapsulatesTampered => "bob_decapsulates_tampered",
            BobDerivesFromTampered => "bob_derives_from_tampered",
            BobRefusesTampered => "bob_refuses_tampered",
            TypeByteChanged => "type_byte_changed",
            AttackerRecords => "attacker_records",
            AttackerBreaksX25519 => "attacker_breaks_x25519",
            AttackerComputesDh => "attacker_computes_dh",
            AttackerLacksSs => "attacker_lacks_ss",
            AttackerFailsToRead => "attacker_fails_to_read",
            X3dhRun => "x3dh_run",
            AttackerReadsX3dh => "attacker_reads_x3dh",
            BobStoreAfterSession => "bob_store_after_session",
            ThiefStealsKeys => "thief_steals_keys",
            ThiefDerives => "thief_derives",
            ThiefDecrypts => "thief_decrypts",
            DeliveredAgain => "delivered_again",
            DeliveredAfterReset => "delivered_after_reset",
            DeliveredWithoutMemory => "delivered_without_memory",
            MistakeInfoLabel => "mistake_info_label",
            MistakeNoPrefix => "mistake_no_prefix",
            MistakeDhSwapped => "mistake_dh_swapped",
            MistakeNoSs => "mistake_no_ss",
            NoMistake => "no_mistake",
            AttackerStealsSignedPrekey => "attacker_steals_signed_prekey",
            AttackerForgesFirstMessage => "attacker_forges_first_message",
            BobAcceptsForgery => "bob_accepts_forgery",
            IdentityKeyAloneRefused => "identity_key_alone_refused",
        }
    }

    /// The lab this step belongs to.
    pub fn lab(self) -> Lab {
        use LabStep::*;
        match self {
            ServerSwapsSignedPrekey
            | AliceChecksSignedPrekey
            | AliceWithForgedSignedPrekey
            | ServerComputesDh1Dh3
            | ServerLacksDh2 => Lab::ForgedSignedPrekey,
            ServerSwapsKyberPrekey
            | AliceChecksKyberPrekey
            | AliceWithForgedKyberPrekey
            | ServerDecapsulates
            | ServerLacksDh => Lab::ForgedKyberPrekey,
            ServerMakesIdentity
            | AliceAcceptsServerBundle
            | AliceSendsToServer
            | ServerDecryptsFirstMessage
            | ServerRelaysToBob
            | BobDecryptsRelayed
            | AliceSafetyNumber
            | BobSafetyNumber => Lab::MitmNewIdentity,
            CiphertextBitFlipped
            | BobDecapsulatesTampered
            | BobDerivesFromTampered
            | BobRefusesTampered
            | TypeByteChanged => Lab::TamperedCiphertext,
            AttackerRecords | AttackerBreaksX25519 | AttackerComputesDh | AttackerLacksSs
            | AttackerFailsToRead | X3dhRun | AttackerReadsX3dh => Lab::HarvestNowDecryptLater,
            BobStoreAfterSession | ThiefStealsKeys | ThiefDerives | ThiefDecrypts => {
                Lab::StolenDeviceLater
            }
            DeliveredAgain | DeliveredAfterReset | DeliveredWithoutMemory => Lab::Replay,
            MistakeInfoLabel | MistakeNoPrefix | MistakeDhSwapped | MistakeNoSs | NoMistake => {
                Lab::KdfMistakes
            }
            AttackerStealsSignedPrekey
            | AttackerForgesFirstMessage
            | BobAcceptsForgery
            | IdentityKeyAloneRefused => Lab::KeyCompromiseImpersonation,
        }
    }
}

/// What the attack achieved, computed from the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// libsignal refused: the attack did not get past a check.
    Refused,
    /// Nothing was refused, but the attacker did not get what it wanted.
    AttackerFails,
    /// The attacker got what it wanted.
    AttackerSucceeds,
    /// The attack worked, and only a comparison by the users reveals it.
    Detected,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Refused => "refused",
            Verdict::AttackerFails => "attacker_fails",
            Verdict::AttackerSucceeds => "attacker_succeeds",
            Verdict::Detected => "detected",
        }
    }

    /// Good news for Alice and Bob.
    pub fn defended(self) -> bool {
        !matches!(self, Verdict::AttackerSucceeds)
    }
}

/// What a lab step established, computed during the run: a refusal by
/// libsignal (its error, verbatim), a decryption, a comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepResult {
    pub step: LabStep,
    /// Good news for Alice and Bob (a refusal, an attacker's wrong key).
    pub ok: bool,
    pub text: String,
}

/// One computed check of a lab: two byte strings compared, a decryption
/// that succeeded or failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabCheck {
    pub name: String,
    pub passed: bool,
    pub detail: String,
}

/// The identifiers and parameters a safety number was computed with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafetyNumberIds {
    /// libsignal's fingerprint version (2: the stable id is the account's 16-byte ACI).
    pub version: u32,
    pub iterations: u32,
    /// The stable identifiers, as UUID strings (their 16 bytes are hashed).
    pub alice: String,
    pub bob: String,
}

/// One delivery of the replay lab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// What Bob's side looked like: `again`, `after_reset`, `without_memory`.
    pub situation: &'static str,
    pub accepted: bool,
    /// libsignal's error, verbatim, when it refused.
    pub error: Option<String>,
    /// Which mechanism refused it, read from the error: `session`
    /// (DuplicatedMessage), `base_key_memory` ("reused base key"),
    /// `one_time_prekey_gone` (InvalidPreKeyId), or `other`.
    pub refused_by: Option<&'static str>,
}

/// One mistake of the KDF lab, with the keys it gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KdfMistake {
    /// `info_label`, `no_prefix`, `dh1_dh2_swapped`, `ss_left_out`.
    pub mistake: &'static str,
    pub root_key: Vec<u8>,
    pub chain_key: Vec<u8>,
    pub pqr_key: Vec<u8>,
    /// The first byte at which the wrong root key differs from libsignal's.
    pub first_difference: Option<usize>,
    pub libsignal_accepts: bool,
    /// libsignal's error, verbatim, when it refused the message.
    pub error: Option<String>,
}

/// The results of a lab that are not bytes, per lab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabDetails {
    /// forged-signed-prekey and forged-kyber-prekey.
    ForgedPrekey {
        /// libsignal's refusal, verbatim (None: Alice did not check).
        libsignal_error: Option<String>,
        /// What the server computes had Alice not checked (`DH1`, `DH3` or `SS`).
        server_learns: Vec<&'static str>,
        /// Whether it could then derive Alice's keys.
        server_derives_key: bool,
    },
    MitmNewIdentity {
        safety_number_alice: String,
        safety_number_bob: String,
        safety_number_ids: SafetyNumberIds,
        /// Whether the two phones' numbers were compared in this run.
        compared: bool,
        server_reads_first_message: bool,
        bob_reads_relayed_message: bool,
    },
    TamperedCiphertext {
        /// Which byte of CT (counting its type byte as 0) and which bit flipped.
        byte: usize,
        bit: u8,
        ss_differs: bool,
        libsignal_error: Option<String>,
        /// libsignal's error when the type byte is changed instead.
        type_byte_error: Option<String>,
    },
    HarvestNowDecryptLater {
        pqxdh_attacker_decrypts: bool,
        x3dh_attacker_decrypts: bool,
    },
    StolenDeviceLater {
        /// None without a one-time prekey.
        one_time_prekey_deleted: Option<bool>,
        thief_decrypts: bool,
        thief_error: Option<String>,
    },
    Replay {
        deliveries: Vec<Delivery>,
    },
    KdfMistakes {
        mistakes: Vec<KdfMistake>,
        /// The same message builder with libsignal's own KDF.
        control_accepted: bool,
    },
    KeyCompromiseImpersonation {
        /// With SPK_B.priv: accepted by Bob as Alice's.
        signed_prekey_forgery_accepted: bool,
        signed_prekey_forgery_error: Option<String>,
        /// With IK_B.priv alone.
        identity_key_forgery_accepted: bool,
        identity_key_forgery_error: Option<String>,
    },
}

/// Everything a lab adds to its transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabRecord {
    pub lab: Lab,
    /// Whose column holds the attacker's values: the server's, or a party of
    /// its own ([`Actor::Attacker`]).
    pub attacker: Actor,
    /// Who the attacker is, in words ("the server", "a thief with Bob's phone").
    pub attacker_label: &'static str,
    pub verdict: Verdict,
    /// One sentence.
    pub summary: String,
    /// What each lab step established, in step order.
    pub results: Vec<StepResult>,
    pub checks: Vec<LabCheck>,
    pub details: LabDetails,
}

impl LabRecord {
    /// The results of one step.
    pub fn results_of(&self, step: LabStep) -> impl Iterator<Item = &StepResult> {
        self.results.iter().filter(move |r| r.step == step)
    }

    pub fn checks_passed(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }
}
