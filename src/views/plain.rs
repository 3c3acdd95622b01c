//! The plain-text view: a linear walk through a transcript, one line of
//! meaning after another, readable by a screen reader and in a pipe.

use std::fmt::Write;

use super::outcome;
use crate::engine::RunOptions;
use crate::transcript::{Actor, Deletion, Field, StepId, Transcript, Value, ValueKind};

/// How much of a long value to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hex {
    /// Values up to 200 bytes in full; longer ones as their first and last bytes.
    Short,
    /// Every byte.
    Full,
}

const WIDTH: usize = 78;
const HEX_BYTES_PER_LINE: usize = 32;
const SHORT_LIMIT: usize = 200;

/// Wraps `text` to lines of at most `WIDTH` columns, each starting with `indent`.
pub fn wrap(text: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent.len() + line.len() + 1 + word.chars().count() > WIDTH {
            let _ = writeln!(out, "{indent}{line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{indent}{line}");
    }
    out
}

/// Hex in lines of 32 bytes; long values shortened unless `Hex::Full`.
/// libsignal's type byte (0x05 curve, 0x08 Kyber) stands apart on the first line.
pub fn hex_lines(value: &Value, mode: Hex, indent: &str) -> String {
    let bytes = &value.bytes[..];
    let (prefix, body) = match (value.kind, bytes.split_first()) {
        (ValueKind::PublicKey | ValueKind::Ciphertext, Some((&t, rest)))
            if t == 0x05 || t == 0x08 =>
        {
            (format!("{t:02x} "), rest)
        }
        _ => (String::new(), bytes),
    };
    let pad = " ".repeat(prefix.len());
    let mut out = String::new();
    if mode == Hex::Short && body.len() > SHORT_LIMIT {
        let _ = writeln!(
            out,
            "{indent}{prefix}{}",
            hex::encode(&body[..HEX_BYTES_PER_LINE])
        );
        let _ = writeln!(
            out,
            "{indent}{pad}… {} bytes not shown (--full-hex shows all) …",
            body.len() - HEX_BYTES_PER_LINE - 8
        );
        let _ = writeln!(out, "{indent}{pad}{}", hex::encode(&body[body.len() - 8..]));
        return out;
    }
    // AD is two encoded identity keys: one per line reads as IK_A, then IK_B.
    let per_line = if value.kind == ValueKind::AssociatedData {
        33
    } else {
        HEX_BYTES_PER_LINE
    };
    for (i, chunk) in body.chunks(per_line).enumerate() {
        let lead = if i == 0 { &prefix } else { &pad };
        let _ = writeln!(out, "{indent}{lead}{}", hex::encode(chunk));
    }
    out
}

pub(crate) fn value_heading(v: &Value) -> String {
    let whose = if v.crosses_server() {
        "public, crosses the server".to_string()
    } else {
        format!("never leaves {}", v.owner.name())
    };
    format!(
        "{} ({}, {} bytes, {}'s, {whose})",
        v.name,
        v.kind.label(),
        v.bytes.len(),
        v.owner.name()
    )
}

fn write_fields(out: &mut String, fields: &[Field], depth: usize) {
    for f in fields {
        let indent = "  ".repeat(depth + 2);
        let end = f.offset + f.len.max(1) - 1;
        let _ = writeln!(
            out,
            "{indent}bytes {}–{} ({} B) {}: {}",
            f.offset, end, f.len, f.label, f.note
        );
        write_fields(out, &f.children, depth + 1);
    }
}

/// Renders the whole transcript as text (an attack lab's in the lab's view).
pub fn render(t: &Transcript, hex_mode: Hex) -> String {
    if let Some(lab) = &t.lab {
        return super::lab::render(t, lab, hex_mode);
    }
    let mut out = String::new();
    let _ = writeln!(out, "PQXDH between Alice and Bob, computed by libsignal");
    let _ = writeln!(
        out,
        "Seed: {} (replay this run with {})",
        t.seed,
        RunOptions::from(t).replay_flags()
    );
    let _ = writeln!(
        out,
        "One-time prekey: {}",
        if t.one_time_prekey {
            "yes (DH4 is used)"
        } else {
            "no (DH4 is skipped; --one-time-prekey adds it)"
        }
    );
    let _ = writeln!(out, "KEM: {}. KDF info: \"{}\"", t.kem, t.kdf_info);
    out.push_str(&wrap(
        "Private keys are shown on purpose: they are throwaway demo keys, so that you can \
         recompute every step yourself. Never show real private keys.",
        "",
    ));

    let total = t.steps.len();
    for (i, step) in t.steps.iter().enumerate() {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "Step {} of {total}. {}: {}",
            i + 1,
            step.actor.name(),
            step.title
        );
        out.push_str(&wrap(&step.explanation, "  "));
        out.push_str(&wrap(&format!("Formula: {}", step.formula), "  "));
        let _ = writeln!(out, "  Spec: {}", step.spec_ref);
        let bobs = step.actor == Actor::Bob && !step.values.is_empty();
        for name in &step.values {
            let value = if bobs {
                t.bob_value(name).or_else(|| t.value(name))
            } else {
                t.value(name)
            };
            let Some(v) = value else { continue };
            let _ = writeln!(out, "  {}:", value_heading(v));
            out.push_str(&hex_lines(v, hex_mode, "    "));
            if let Some(wire) = t.wire_object(name) {
                let _ = writeln!(out, "  What each byte of {name} is:");
                write_fields(&mut out, &wire.fields, 0);
            }
        }
        for outcome in outcome::of_step(t, step.id) {
            let verdict = if outcome.ok { "Result" } else { "FAILED" };
            out.push_str(&wrap(&format!("{verdict}: {}", outcome.text), "  "));
        }
        write_deletions(&mut out, t, step.id);
    }
    // Every check, after the last step (where Bob's side ends).
    write_checks(&mut out, t);
    out
}

/// What is dropped at a step: one line per holder and reason.
fn write_deletions(out: &mut String, t: &Transcript, step: StepId) {
    let here: Vec<&Deletion> = t.deletions.iter().filter(|d| d.step == step).collect();
    let mut groups: Vec<(Actor, &str, Vec<&str>)> = Vec::new();
    for d in here {
        match groups
            .iter_mut()
            .find(|(holder, why, _)| *holder == d.holder && *why == d.why)
        {
            Some((_, _, names)) => names.push(&d.value),
            None => groups.push((d.holder, d.why, vec![&d.value])),
        }
    }
    for (holder, why, names) in groups {
        out.push_str(&wrap(
            &format!(
                "Deleted now by {}: {}. {why}",
                holder.name(),
                names.join(", ")
            ),
            "  ",
        ));
    }
}

fn write_checks(out: &mut String, t: &Transcript) {
    let passed = t.checks.iter().filter(|c| c.passed).count();
    let _ = writeln!(
        out,
        "  Truth check against libsignal's own sessions: {} ({passed} of {} checks passed)",
        if t.truth_check_passed() {
            "PASSED"
        } else {
            "FAILED"
        },
        t.checks.len()
    );
    for c in &t.checks {
        let _ = writeln!(
            out,
            "    {} {}",
            if c.passed { "ok  " } else { "FAIL" },
            c.name
        );
        let _ = writeln!(out, "         {} = {}", c.staged, c.reference);
    }
}
