//! The text view of an attack lab: the normal run's steps it keeps, one line
//! each; the lab's own steps in full, each with what it established; then
//! the outcome, loud, and the checks the lab computed.

use std::fmt::Write;

use super::text::{Hex, hex_lines, value_heading, wrap};
use crate::engine::RunOptions;
use crate::transcript::{LabDetails, LabRecord, StepId, Transcript, Verdict};

/// The verdict in capitals, as the outcome's heading.
pub fn verdict_heading(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Refused => "REFUSED",
        Verdict::AttackerFails => "THE ATTACKER FAILS",
        Verdict::AttackerSucceeds => "THE ATTACKER SUCCEEDS",
        Verdict::Detected => "DETECTED (the attack works; only the safety numbers reveal it)",
    }
}

/// The lab's own steps, one line each with what it established, and the
/// outcome: the short form the book's examples print.
pub fn results(t: &Transcript) -> String {
    let mut out = String::new();
    let Some(lab) = &t.lab else {
        return out;
    };
    for step in &t.steps {
        let StepId::Lab(id) = step.id else { continue };
        let _ = writeln!(out, "{}: {}", step.actor.name(), step.title);
        for result in lab.results_of(id) {
            out.push_str(&wrap(&format!("→ {}", result.text), "    "));
        }
    }
    let _ = writeln!(out, "OUTCOME: {}", verdict_heading(lab.verdict));
    out.push_str(&wrap(&lab.summary, "  "));
    for c in &lab.checks {
        let mark = if c.passed { "ok  " } else { "FAIL" };
        out.push_str(&wrap(&format!("{mark} {}: {}", c.name, c.detail), "  "));
    }
    out
}

pub fn render(t: &Transcript, lab: &LabRecord, hex_mode: Hex) -> String {
    let mut out = String::new();
    let name = lab.lab.name();
    let flags = RunOptions::from(t).replay_flags();
    let _ = writeln!(out, "Attack lab: {name}, computed by libsignal");
    out.push_str(&wrap(&format!("What happens: {}.", lab.lab.about()), "  "));
    let _ = writeln!(
        out,
        "Seed: {} (run it again with: pqxdh-lab lab {name} {flags})",
        t.seed
    );
    let _ = writeln!(
        out,
        "One-time prekey: {}",
        if t.one_time_prekey {
            "yes (DH4 is used)"
        } else {
            "no (--one-time-prekey adds one)"
        }
    );
    let _ = writeln!(
        out,
        "The attacker: {} (its values are listed as the {}'s)",
        lab.attacker_label,
        lab.attacker.name()
    );
    out.push_str(&wrap(
        "Private keys are shown on purpose: they are throwaway demo keys, so that you can \
         recompute every step yourself. Never show real private keys.",
        "",
    ));

    let kept = t
        .steps
        .iter()
        .take_while(|s| matches!(s.id, StepId::Handshake(_)))
        .count();
    let total = t.steps.len();
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Steps 1–{kept}: the normal run, unchanged (pqxdh-lab transcript {flags} shows them in full)"
    );
    for (i, step) in t.steps[..kept].iter().enumerate() {
        let _ = writeln!(out, "  {}. {}: {}", i + 1, step.actor.name(), step.title);
    }

    for (i, step) in t.steps.iter().enumerate().skip(kept) {
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
        for name in &step.values {
            let Some(v) = t.value(name) else { continue };
            let _ = writeln!(out, "  {}:", value_heading(v));
            out.push_str(&hex_lines(v, hex_mode, "    "));
        }
        if let StepId::Lab(id) = step.id {
            for result in lab.results_of(id) {
                out.push_str(&wrap(&format!("Result: {}", result.text), "  "));
            }
        }
    }

    let _ = writeln!(out);
    let _ = writeln!(out, "OUTCOME: {}", verdict_heading(lab.verdict));
    out.push_str(&wrap(&lab.summary, "  "));
    for line in detail_lines(&lab.details) {
        // A line that is a label and a safety number: the number on a line
        // of its own, whole.
        match line.split_once(": ").filter(|(_, n)| is_safety_number(n)) {
            Some((label, number)) => {
                let _ = writeln!(out, "  {label}:");
                let _ = writeln!(out, "    {number}");
            }
            None => out.push_str(&wrap(&line, "  ")),
        }
    }

    let passed = lab.checks.iter().filter(|c| c.passed).count();
    let _ = writeln!(
        out,
        "Checks computed by this lab: {passed} of {} passed",
        lab.checks.len()
    );
    for c in &lab.checks {
        let _ = writeln!(
            out,
            "  {} {}",
            if c.passed { "ok  " } else { "FAIL" },
            c.name
        );
        let _ = writeln!(out, "       {}", c.detail);
    }
    let normal_passed = t.checks.iter().filter(|c| c.passed).count();
    let _ = writeln!(
        out,
        "The normal run it starts from: truth check {} ({normal_passed} of {} checks passed)",
        if t.truth_check_passed() {
            "passed"
        } else {
            "FAILED"
        },
        t.checks.len()
    );
    out
}

/// Twelve groups of five digits.
fn is_safety_number(text: &str) -> bool {
    let groups: Vec<&str> = text.trim().split(' ').collect();
    groups.len() == 12
        && groups
            .iter()
            .all(|g| g.len() == 5 && g.bytes().all(|b| b.is_ascii_digit()))
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// The lab's results that are not bytes, one line each.
fn detail_lines(details: &LabDetails) -> Vec<String> {
    match details {
        LabDetails::ForgedPrekey {
            libsignal_error,
            server_learns,
            server_derives_key,
        } => vec![
            format!(
                "libsignal's error: {}",
                libsignal_error.as_deref().unwrap_or("none (not checked)")
            ),
            format!(
                "Without the check the server learns: {}; it derives the key: {}",
                server_learns.join(", "),
                yes_no(*server_derives_key)
            ),
        ],
        LabDetails::MitmNewIdentity {
            safety_number_alice,
            safety_number_bob,
            safety_number_ids,
            compared,
            ..
        } => vec![
            format!(
                "Alice's phone shows: {}",
                crate::labs::mitm_new_identity::grouped(safety_number_alice)
            ),
            format!(
                "Bob's phone shows: {}",
                crate::labs::mitm_new_identity::grouped(safety_number_bob)
            ),
            format!(
                "Fingerprint version {}, {} iterations; stable ids: Alice {}, Bob {}; compared \
                 in this run: {}",
                safety_number_ids.version,
                safety_number_ids.iterations,
                safety_number_ids.alice,
                safety_number_ids.bob,
                yes_no(*compared)
            ),
        ],
        LabDetails::TamperedCiphertext {
            byte,
            bit,
            ss_differs,
            libsignal_error,
            type_byte_error,
        } => vec![
            format!(
                "Flipped: bit {bit} of CT byte {byte}; Bob's SS differs: {}",
                yes_no(*ss_differs)
            ),
            format!(
                "libsignal's error: {}; with the type byte changed: {}",
                libsignal_error.as_deref().unwrap_or("none"),
                type_byte_error.as_deref().unwrap_or("none")
            ),
        ],
        LabDetails::HarvestNowDecryptLater {
            pqxdh_attacker_decrypts,
            x3dh_attacker_decrypts,
        } => vec![format!(
            "The attacker decrypts the PQXDH recording: {}; the X3DH recording: {}",
            yes_no(*pqxdh_attacker_decrypts),
            yes_no(*x3dh_attacker_decrypts)
        )],
        LabDetails::StolenDeviceLater {
            one_time_prekey_deleted,
            thief_decrypts,
            thief_error,
        } => vec![format!(
            "One-time prekey deleted: {}; the thief decrypts: {}{}",
            match one_time_prekey_deleted {
                None => "there was none",
                Some(true) => "yes",
                Some(false) => "no",
            },
            yes_no(*thief_decrypts),
            thief_error
                .as_deref()
                .map(|e| format!(" (libsignal: \"{e}\")"))
                .unwrap_or_default()
        )],
        LabDetails::Replay { deliveries } => deliveries
            .iter()
            .map(|d| {
                format!(
                    "Delivered {}: {}",
                    d.situation.replace('_', " "),
                    match &d.error {
                        None => "accepted".to_string(),
                        Some(e) => format!("refused, \"{e}\""),
                    }
                )
            })
            .collect(),
        LabDetails::KdfMistakes {
            mistakes,
            control_accepted,
        } => {
            let mut lines: Vec<String> = mistakes
                .iter()
                .map(|m| {
                    format!(
                        "{}: root_key {}, libsignal accepts: {}",
                        m.mistake,
                        crate::views::hexfmt::short_hex(&m.root_key, 21),
                        yes_no(m.libsignal_accepts)
                    )
                })
                .collect();
            lines.push(format!(
                "No mistake, same builder: libsignal accepts: {}",
                yes_no(*control_accepted)
            ));
            lines
        }
        LabDetails::KeyCompromiseImpersonation {
            signed_prekey_forgery_accepted,
            identity_key_forgery_accepted,
            ..
        } => vec![format!(
            "Forged with SPK_B.priv, accepted as Alice's: {}; with IK_B.priv alone: {}",
            yes_no(*signed_prekey_forgery_accepted),
            yes_no(*identity_key_forgery_accepted)
        )],
    }
}
