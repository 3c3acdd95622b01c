//! The JSON form of a transcript: a stable, documented schema (see the README's
//! "JSON transcript" section). Views and notebooks read it; the vectors under
//! `tests/vectors/` are this output, committed.
//!
//! The structs below are the schema, its one source: each serializes to
//! exactly the keys it declares, in that order.

use serde::Serialize;
use serde::ser::Serializer;

use crate::transcript::{Actor, Check, CheckAgainst, Field, StepId, Transcript, Value, ValueKind};

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

fn document(t: &Transcript) -> Document<'_> {
    Document {
        schema_version: SCHEMA_VERSION,
        seed: t.seed,
        one_time_prekey: t.one_time_prekey,
        kem: t.kem,
        kdf_info: t.kdf_info,
        plaintext: &t.plaintext,
        steps: t
            .steps
            .iter()
            .map(|s| StepJson {
                id: s.id,
                actor: s.actor,
                title: &s.title,
                explanation: &s.explanation,
                formula: &s.formula,
                spec_ref: &s.spec_ref,
                values: &s.values,
            })
            .collect(),
        values: hex_map(&t.values),
        bob_values: hex_map(&t.bob_values),
        value_info: Ordered(
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
        ),
        deletions: t
            .deletions
            .iter()
            .map(|d| DeletionJson {
                value: &d.value,
                holder: d.holder,
                step: d.step,
                why: d.why,
            })
            .collect(),
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
pub fn render(t: &Transcript) -> String {
    let mut s = serde_json::to_string_pretty(&document(t)).expect("a transcript is valid JSON");
    s.push('\n');
    s
}
