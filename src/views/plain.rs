//! The plain-text view: a linear walk through a transcript, one line of
//! meaning after another, readable by a screen reader and in a pipe.

use std::fmt::Write;

use super::outcome;
pub use super::text::Hex;
use super::text::{hex_lines, value_heading, wrap};
use crate::engine::RunOptions;
use crate::transcript::{Actor, Deletion, Field, StepId, Transcript};

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
