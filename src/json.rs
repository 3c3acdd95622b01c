//! The JSON form of a transcript: a stable, documented schema (see the README's
//! "JSON transcript" section). Views and notebooks read it; the vectors under
//! `tests/vectors/` are this output, committed.

use serde_json::{Map, Value as Json, json};

use crate::engine::{KEM, kdf::KDF_INFO};
use crate::transcript::{Field, Transcript, Value};

/// Bumped whenever a key is renamed or removed (adding keys does not bump it).
pub const SCHEMA_VERSION: u32 = 1;

fn hex_map(values: &[Value]) -> Json {
    let map: Map<String, Json> = values
        .iter()
        .map(|v| (v.name.clone(), Json::String(v.hex())))
        .collect();
    Json::Object(map)
}

fn field_json(field: &Field) -> Json {
    let mut f = json!({
        "offset": field.offset,
        "length": field.len,
        "label": field.label,
        "note": field.note,
    });
    if let Some(value) = &field.value {
        f["value"] = json!(value);
    }
    if !field.children.is_empty() {
        f["children"] = Json::Array(field.children.iter().map(field_json).collect());
    }
    f
}

/// Builds the JSON document for a transcript.
pub fn to_json(t: &Transcript) -> Json {
    let value_info: Map<String, Json> = t
        .values
        .iter()
        .map(|v| {
            (
                v.name.clone(),
                json!({
                    "kind": v.kind,
                    "owner": v.owner,
                    "crosses_server": v.crosses_server,
                    "step": v.step,
                    "length": v.bytes.len(),
                }),
            )
        })
        .collect();
    let wire: Map<String, Json> = t
        .wire
        .iter()
        .map(|w| {
            (
                w.name.clone(),
                json!({
                    "length": w.bytes.len(),
                    "fields": w.fields.iter().map(field_json).collect::<Vec<_>>(),
                }),
            )
        })
        .collect();
    json!({
        "schema_version": SCHEMA_VERSION,
        "seed": t.seed,
        "one_time_prekey": t.one_time_prekey,
        "kem": KEM,
        "kdf_info": KDF_INFO,
        "plaintext": t.plaintext,
        "steps": t.steps,
        "values": hex_map(&t.values),
        "bob_values": hex_map(&t.bob_values),
        "value_info": value_info,
        "wire": wire,
        "truth_check": {
            "passed": t.truth_check_passed(),
            "checks": t.checks,
        },
        "wire_scan": {
            "clean": t.wire_scan.clean(),
            "bytes_searched": t.wire_scan.bytes_searched,
            "secrets_checked": t.wire_scan.secrets_checked,
            "windows_checked": t.wire_scan.windows_checked,
            "findings": t.wire_scan.findings,
        },
    })
}

/// Pretty-printed, with a final newline: byte-identical for the same run.
pub fn render(t: &Transcript) -> String {
    let mut s = serde_json::to_string_pretty(&to_json(t)).expect("a transcript is valid JSON");
    s.push('\n');
    s
}
