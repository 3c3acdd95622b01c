//! The JSON form of a transcript: a stable, documented schema (see the README's
//! "JSON transcript" section). Views and notebooks read it; the vectors under
//! `tests/vectors/` are this output, committed.
//!
//! The structs below are the schema, its one source: each serializes to
//! exactly the keys it declares, in that order.

use serde::Serialize;
use serde::ser::Serializer;

use crate::transcript::{
    Actor, Check, CheckAgainst, Delivery, Field, KdfMistake, LabDetails, LabRecord, StepId,
    Transcript, Value, ValueKind, Verdict,
};

/// Bumped whenever a key is renamed or removed (adding keys does not bump it).
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    seed: u64,
    one_time_prekey: bool,
    kem: &'a str,
    kdf_info: &'a str,
    plaintext: &'a str,
    steps: Vec<StepJson<'a>>,
    /// name → lowercase hex, in the order the values were made.
    values: Ordered<'a, String>,
    bob_values: Ordered<'a, String>,
    value_info: Ordered<'a, ValueInfo>,
    deletions: Vec<DeletionJson<'a>>,
    wire: Ordered<'a, WireJson<'a>>,
    truth_check: TruthCheck<'a>,
    wire_scan: WireScanJson<'a>,
}

#[derive(Serialize)]
struct StepJson<'a> {
    id: StepId,
    actor: Actor,
    title: &'a str,
    explanation: &'a str,
    formula: &'a str,
    spec_ref: &'a str,
    values: &'a [String],
}

#[derive(Serialize)]
struct ValueInfo {
    kind: ValueKind,
    owner: Actor,
    crosses_server: bool,
    step: StepId,
    length: usize,
    /// The step at which the value's owner deletes it; null if it keeps it.
    deleted_at: Option<StepId>,
}

#[derive(Serialize)]
struct DeletionJson<'a> {
    value: &'a str,
    holder: Actor,
    step: StepId,
    why: &'a str,
}

#[derive(Serialize)]
struct WireJson<'a> {
    length: usize,
    fields: Vec<FieldJson<'a>>,
}

#[derive(Serialize)]
struct FieldJson<'a> {
    offset: usize,
    length: usize,
    label: &'a str,
    note: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    children: Vec<FieldJson<'a>>,
}

#[derive(Serialize)]
struct TruthCheck<'a> {
    passed: bool,
    checks: Vec<CheckJson<'a>>,
}

#[derive(Serialize)]
struct CheckJson<'a> {
    name: &'a str,
    against: CheckAgainst,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
    staged: &'a str,
    reference: &'a str,
    passed: bool,
}

#[derive(Serialize)]
struct WireScanJson<'a> {
    clean: bool,
    bytes_searched: usize,
    secrets_checked: usize,
    scanned: &'a [String],
    windows_checked: usize,
    findings: &'a [String],
}

/// A JSON object whose keys keep the order of the transcript.
struct Ordered<'a, V>(Vec<(&'a str, V)>);

impl<V: Serialize> Serialize for Ordered<'_, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

fn hex_map(values: &[Value]) -> Ordered<'_, String> {
    Ordered(values.iter().map(|v| (v.name.as_str(), v.hex())).collect())
}

fn field_json(field: &Field) -> FieldJson<'_> {
    FieldJson {
        offset: field.offset,
        length: field.len,
        label: &field.label,
        note: &field.note,
        value: field.value.as_deref(),
        children: field.children.iter().map(field_json).collect(),
    }
}

fn check_json(check: &Check) -> CheckJson<'_> {
    CheckJson {
        name: &check.name,
        against: check.against,
        value: check.value.as_deref(),
        staged: &check.staged,
        reference: &check.reference,
        passed: check.passed,
    }
}

fn value_info(t: &Transcript) -> Ordered<'_, ValueInfo> {
    Ordered(
        t.values
            .iter()
            .map(|v| {
                let info = ValueInfo {
                    kind: v.kind,
                    owner: v.owner,
                    crosses_server: v.crosses_server(),
                    step: v.step,
                    length: v.bytes.len(),
                    deleted_at: t.deletion(&v.name, v.owner).map(|d| d.step),
                };
                (v.name.as_str(), info)
            })
            .collect(),
    )
}

fn deletions_json(t: &Transcript) -> Vec<DeletionJson<'_>> {
    t.deletions
        .iter()
        .map(|d| DeletionJson {
            value: &d.value,
            holder: d.holder,
            step: d.step,
            why: d.why,
        })
        .collect()
}

fn step_json(s: &crate::transcript::Step) -> StepJson<'_> {
    StepJson {
        id: s.id,
        actor: s.actor,
        title: &s.title,
        explanation: &s.explanation,
        formula: &s.formula,
        spec_ref: &s.spec_ref,
        values: &s.values,
    }
}

fn document(t: &Transcript) -> Document<'_> {
    Document {
        schema_version: SCHEMA_VERSION,
        seed: t.seed,
        one_time_prekey: t.one_time_prekey,
        kem: t.kem,
        kdf_info: t.kdf_info,
        plaintext: &t.plaintext,
        steps: t.steps.iter().map(step_json).collect(),
        values: hex_map(&t.values),
        bob_values: hex_map(&t.bob_values),
        value_info: value_info(t),
        deletions: deletions_json(t),
        wire: Ordered(
            t.wire
                .iter()
                .map(|w| {
                    let object = WireJson {
                        length: w.bytes.len(),
                        fields: w.fields.iter().map(field_json).collect(),
                    };
                    (w.name.as_str(), object)
                })
                .collect(),
        ),
        truth_check: TruthCheck {
            passed: t.truth_check_passed(),
            checks: t.checks.iter().map(check_json).collect(),
        },
        wire_scan: WireScanJson {
            clean: t.wire_scan.clean(),
            bytes_searched: t.wire_scan.bytes_searched,
            secrets_checked: t.wire_scan.secrets_checked,
            scanned: &t.wire_scan.scanned,
            windows_checked: t.wire_scan.windows_checked,
            findings: &t.wire_scan.findings,
        },
    }
}

/// Pretty-printed, with a final newline: byte-identical for the same run.
/// An attack lab's transcript gets the lab's document.
pub fn render(t: &Transcript) -> String {
    let mut s = match &t.lab {
        None => serde_json::to_string_pretty(&document(t)),
        Some(lab) => serde_json::to_string_pretty(&lab_document(t, lab)),
    }
    .expect("a transcript is valid JSON");
    s.push('\n');
    s
}

// ---------------------------------------------------------------------------
// An attack lab: the transcript's shape (steps, values, value_info) plus
// `lab`, `outcome` and `checks`. The normal run the lab starts from is
// summarised by its truth check; its wire dissection is `transcript`'s.

#[derive(Serialize)]
struct LabDocument<'a> {
    schema_version: u32,
    lab: &'a str,
    about: &'a str,
    /// Whose values are the attacker's: `server`, `attacker` (or `alice` for a mistake).
    attacker: Actor,
    attacker_label: &'a str,
    seed: u64,
    one_time_prekey: bool,
    kem: &'a str,
    kdf_info: &'a str,
    steps: Vec<LabStepJson<'a>>,
    values: Ordered<'a, String>,
    bob_values: Ordered<'a, String>,
    value_info: Ordered<'a, ValueInfo>,
    deletions: Vec<DeletionJson<'a>>,
    outcome: OutcomeJson<'a>,
    checks: Vec<LabCheckJson<'a>>,
    normal_run_truth_check: NormalRun,
}

#[derive(Serialize)]
struct LabStepJson<'a> {
    #[serde(flatten)]
    step: StepJson<'a>,
    /// What the step established, computed by the run (lab steps only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    results: Vec<ResultJson<'a>>,
}

#[derive(Serialize)]
struct ResultJson<'a> {
    ok: bool,
    text: &'a str,
}

#[derive(Serialize)]
struct LabCheckJson<'a> {
    name: &'a str,
    passed: bool,
    detail: &'a str,
}

#[derive(Serialize)]
struct NormalRun {
    passed: bool,
    checks: usize,
}

#[derive(Serialize)]
struct OutcomeJson<'a> {
    verdict: Verdict,
    summary: &'a str,
    #[serde(flatten)]
    details: DetailsJson<'a>,
}

/// The lab's results that are not bytes; the keys differ per lab.
#[derive(Serialize)]
#[serde(untagged)]
enum DetailsJson<'a> {
    ForgedPrekey {
        libsignal_error: Option<&'a str>,
        server_learns: &'a [&'static str],
        server_derives_key: bool,
    },
    MitmNewIdentity {
        safety_number_alice: &'a str,
        safety_number_bob: &'a str,
        safety_number_ids: SafetyNumberIdsJson<'a>,
        compared: bool,
        server_reads_first_message: bool,
        bob_reads_relayed_message: bool,
    },
    TamperedCiphertext {
        flipped_byte: usize,
        flipped_bit: u8,
        ss_differs: bool,
        libsignal_error: Option<&'a str>,
        type_byte_error: Option<&'a str>,
    },
    HarvestNowDecryptLater {
        pqxdh_attacker_decrypts: bool,
        x3dh_attacker_decrypts: bool,
    },
    StolenDeviceLater {
        one_time_prekey_deleted: Option<bool>,
        thief_decrypts: bool,
        thief_error: Option<&'a str>,
    },
    Replay {
        deliveries: Vec<DeliveryJson<'a>>,
    },
    KdfMistakes {
        mistakes: Vec<KdfMistakeJson<'a>>,
        control_accepted: bool,
    },
    KeyCompromiseImpersonation {
        signed_prekey_forgery_accepted: bool,
        signed_prekey_forgery_error: Option<&'a str>,
        identity_key_forgery_accepted: bool,
        identity_key_forgery_error: Option<&'a str>,
    },
}

#[derive(Serialize)]
struct SafetyNumberIdsJson<'a> {
    version: u32,
    iterations: u32,
    alice: &'a str,
    bob: &'a str,
}

#[derive(Serialize)]
struct DeliveryJson<'a> {
    situation: &'a str,
    accepted: bool,
    error: Option<&'a str>,
    refused_by: Option<&'a str>,
}

#[derive(Serialize)]
struct KdfMistakeJson<'a> {
    mistake: &'a str,
    root_key: String,
    chain_key: String,
    pqr_key: String,
    first_difference: Option<usize>,
    libsignal_accepts: bool,
    error: Option<&'a str>,
}

fn details_json(details: &LabDetails) -> DetailsJson<'_> {
    match details {
        LabDetails::ForgedPrekey {
            libsignal_error,
            server_learns,
            server_derives_key,
        } => DetailsJson::ForgedPrekey {
            libsignal_error: libsignal_error.as_deref(),
            server_learns,
            server_derives_key: *server_derives_key,
        },
        LabDetails::MitmNewIdentity {
            safety_number_alice,
            safety_number_bob,
            safety_number_ids,
            compared,
            server_reads_first_message,
            bob_reads_relayed_message,
        } => DetailsJson::MitmNewIdentity {
            safety_number_alice,
            safety_number_bob,
            safety_number_ids: SafetyNumberIdsJson {
                version: safety_number_ids.version,
                iterations: safety_number_ids.iterations,
                alice: &safety_number_ids.alice,
                bob: &safety_number_ids.bob,
            },
            compared: *compared,
            server_reads_first_message: *server_reads_first_message,
            bob_reads_relayed_message: *bob_reads_relayed_message,
        },
        LabDetails::TamperedCiphertext {
            byte,
            bit,
            ss_differs,
            libsignal_error,
            type_byte_error,
        } => DetailsJson::TamperedCiphertext {
            flipped_byte: *byte,
            flipped_bit: *bit,
            ss_differs: *ss_differs,
            libsignal_error: libsignal_error.as_deref(),
            type_byte_error: type_byte_error.as_deref(),
        },
        LabDetails::HarvestNowDecryptLater {
            pqxdh_attacker_decrypts,
            x3dh_attacker_decrypts,
        } => DetailsJson::HarvestNowDecryptLater {
            pqxdh_attacker_decrypts: *pqxdh_attacker_decrypts,
            x3dh_attacker_decrypts: *x3dh_attacker_decrypts,
        },
        LabDetails::StolenDeviceLater {
            one_time_prekey_deleted,
            thief_decrypts,
            thief_error,
        } => DetailsJson::StolenDeviceLater {
            one_time_prekey_deleted: *one_time_prekey_deleted,
            thief_decrypts: *thief_decrypts,
            thief_error: thief_error.as_deref(),
        },
        LabDetails::Replay { deliveries } => DetailsJson::Replay {
            deliveries: deliveries.iter().map(delivery_json).collect(),
        },
        LabDetails::KdfMistakes {
            mistakes,
            control_accepted,
        } => DetailsJson::KdfMistakes {
            mistakes: mistakes.iter().map(mistake_json).collect(),
            control_accepted: *control_accepted,
        },
        LabDetails::KeyCompromiseImpersonation {
            signed_prekey_forgery_accepted,
            signed_prekey_forgery_error,
            identity_key_forgery_accepted,
            identity_key_forgery_error,
        } => DetailsJson::KeyCompromiseImpersonation {
            signed_prekey_forgery_accepted: *signed_prekey_forgery_accepted,
            signed_prekey_forgery_error: signed_prekey_forgery_error.as_deref(),
            identity_key_forgery_accepted: *identity_key_forgery_accepted,
            identity_key_forgery_error: identity_key_forgery_error.as_deref(),
        },
    }
}

fn delivery_json(d: &Delivery) -> DeliveryJson<'_> {
    DeliveryJson {
        situation: d.situation,
        accepted: d.accepted,
        error: d.error.as_deref(),
        refused_by: d.refused_by,
    }
}

fn mistake_json(m: &KdfMistake) -> KdfMistakeJson<'_> {
    KdfMistakeJson {
        mistake: m.mistake,
        root_key: hex::encode(&m.root_key),
        chain_key: hex::encode(&m.chain_key),
        pqr_key: hex::encode(&m.pqr_key),
        first_difference: m.first_difference,
        libsignal_accepts: m.libsignal_accepts,
        error: m.error.as_deref(),
    }
}

fn lab_document<'a>(t: &'a Transcript, lab: &'a LabRecord) -> LabDocument<'a> {
    LabDocument {
        schema_version: SCHEMA_VERSION,
        lab: lab.lab.name(),
        about: lab.lab.about(),
        attacker: lab.attacker,
        attacker_label: lab.attacker_label,
        seed: t.seed,
        one_time_prekey: t.one_time_prekey,
        kem: t.kem,
        kdf_info: t.kdf_info,
        steps: t
            .steps
            .iter()
            .map(|s| LabStepJson {
                step: step_json(s),
                results: match s.id {
                    StepId::Lab(id) => lab
                        .results_of(id)
                        .map(|r| ResultJson {
                            ok: r.ok,
                            text: &r.text,
                        })
                        .collect(),
                    StepId::Handshake(_) => Vec::new(),
                },
            })
            .collect(),
        values: hex_map(&t.values),
        bob_values: hex_map(&t.bob_values),
        value_info: value_info(t),
        deletions: deletions_json(t),
        outcome: OutcomeJson {
            verdict: lab.verdict,
            summary: &lab.summary,
            details: details_json(&lab.details),
        },
        checks: lab
            .checks
            .iter()
            .map(|c| LabCheckJson {
                name: &c.name,
                passed: c.passed,
                detail: &c.detail,
            })
            .collect(),
        normal_run_truth_check: NormalRun {
            passed: t.truth_check_passed(),
            checks: t.checks.len(),
        },
    }
}
