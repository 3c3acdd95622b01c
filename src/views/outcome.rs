//! What a step established when its result is not a new value (a signature
//! check, the wire scan, a decryption, the final comparison). The text view
//! and the terminal UI both show these words; they are computed once, here.

use crate::transcript::{CheckAgainst, HandshakeStep, LabStep, StepId, Transcript};

/// One result sentence, and whether it is good news.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub ok: bool,
    pub text: String,
}

/// The outcomes of a step, empty for steps whose result is a value.
pub fn of_step(t: &Transcript, step: StepId) -> Vec<Outcome> {
    match step {
        StepId::Handshake(step) => of_handshake_step(t, step),
        StepId::Lab(step) => of_lab_step(t, step),
    }
}

/// A lab step's results were computed by the lab as it ran; they are kept
/// in the transcript's lab record.
fn of_lab_step(t: &Transcript, step: LabStep) -> Vec<Outcome> {
    t.lab
        .iter()
        .flat_map(|lab| lab.results_of(step))
        .map(|r| Outcome {
            ok: r.ok,
            text: r.text.clone(),
        })
        .collect()
}

fn of_handshake_step(t: &Transcript, step: HandshakeStep) -> Vec<Outcome> {
    use HandshakeStep::*;
    match step {
        // The run stops with an error before this step if either signature fails.
        AliceVerifies => vec![Outcome {
            ok: true,
            text: "Both signatures verify with IK_B from the bundle.".to_string(),
        }],
        ServerForwards => vec![wire_scan(t)],
        BobDecrypts => vec![Outcome {
            ok: t.bob_plaintext == t.plaintext,
            text: format!(
                "Alice wrote: \"{}\"   Bob decrypted: \"{}\"",
                t.plaintext, t.bob_plaintext
            ),
        }],
        SameSecret => vec![bob_equals_alice(t), libsignal_agrees(t)],
        BobIdentity | BobSignedPrekey | BobKyberPrekey | BobOneTimePrekey | AliceIdentity
        | BundlePublished | AliceEphemeral | Dh1 | Dh2 | Dh3 | Dh4 | KyberEncapsulate | Kdf
        | AssociatedData | FirstMessage | BobDh | BobDecapsulate | BobKdf => Vec::new(),
    }
}

fn wire_scan(t: &Transcript) -> Outcome {
    let s = &t.wire_scan;
    let text = if s.clean() {
        format!(
            "Wire scan: no 16-byte window of the run's {} distinct secrets occurs in the \
             server's {} bytes. A check against copying bugs, not a proof of secrecy.",
            s.secrets_checked, s.bytes_searched
        )
    } else {
        format!("Wire scan: FOUND {}", s.findings.join("; "))
    };
    Outcome {
        ok: s.clean(),
        text,
    }
}

fn bob_equals_alice(t: &Transcript) -> Outcome {
    let compared: Vec<_> = t
        .checks
        .iter()
        .filter(|c| c.against == CheckAgainst::Alice)
        .collect();
    let marks: Vec<String> = compared
        .iter()
        .map(|c| {
            let name = c.value.as_deref().unwrap_or(&c.name);
            format!("{name} {}", if c.passed { "✓" } else { "✗" })
        })
        .collect();
    Outcome {
        ok: compared.iter().all(|c| c.passed),
        text: format!("Bob = Alice: {}", marks.join("  ")),
    }
}

fn libsignal_agrees(t: &Transcript) -> Outcome {
    let libsignal: Vec<_> = t
        .checks
        .iter()
        .filter(|c| c.against == CheckAgainst::Libsignal)
        .collect();
    let failed: Vec<&str> = libsignal
        .iter()
        .filter(|c| !c.passed)
        .map(|c| c.name.as_str())
        .collect();
    if failed.is_empty() {
        Outcome {
            ok: true,
            text: format!(
                "libsignal's own sessions agree: {n}/{n} checks",
                n = libsignal.len()
            ),
        }
    } else {
        Outcome {
            ok: false,
            text: format!("TRUTH CHECK FAILED: {}", failed.join("; ")),
        }
    }
}
