//! The timeline: the run's steps grouped into the ten stages a learner
//! navigates, each with the book chapter that explains it.

use crate::transcript::Transcript;

pub struct Stage {
    /// Short name for the timeline.
    pub name: &'static str,
    /// Ids of the steps in this stage (absent ones, such as `dh4` without a
    /// one-time prekey, are skipped).
    pub steps: &'static [&'static str],
    /// The book chapter to read, relative to `book/src/`.
    pub chapter: &'static str,
}

pub const STAGES: &[Stage] = &[
    Stage {
        name: "Bob's keys",
        steps: &[
            "bob_identity",
            "bob_signed_prekey",
            "bob_kyber_prekey",
            "bob_one_time_prekey",
            "alice_identity",
        ],
        chapter: "part2/02-identity-keys.md",
    },
    Stage {
        name: "Bundle on the server",
        steps: &["bundle_published"],
        chapter: "part2/05-prekey-bundle.md",
    },
    Stage {
        name: "Alice verifies",
        steps: &["alice_verifies"],
        chapter: "part2/06-alice-verifies.md",
    },
    Stage {
        name: "EK_A",
        steps: &["alice_ephemeral"],
        chapter: "part2/06-alice-verifies.md",
    },
    Stage {
        name: "DH1…DH4",
        steps: &["dh1", "dh2", "dh3", "dh4"],
        chapter: "part2/07-dh.md",
    },
    Stage {
        name: "Kyber encapsulation",
        steps: &["kyber_encapsulate"],
        chapter: "part2/08-kyber-encapsulation.md",
    },
    Stage {
        name: "KDF",
        steps: &["kdf", "associated_data"],
        chapter: "part2/09-kdf.md",
    },
    Stage {
        name: "First message",
        steps: &["first_message", "server_forwards"],
        chapter: "part2/10-first-message.md",
    },
    Stage {
        name: "Bob's side",
        steps: &["bob_dh", "bob_decapsulate", "bob_kdf", "bob_decrypts"],
        chapter: "part2/11-bob.md",
    },
    Stage {
        name: "Same secret",
        steps: &["same_secret"],
        chapter: "part2/11-bob.md",
    },
];

/// The chapter for a step id, refined where a stage spans several chapters.
pub fn chapter_for(step_id: &str) -> &'static str {
    match step_id {
        "bob_signed_prekey" => "part2/03-signed-prekey.md",
        "bob_kyber_prekey" => "part2/04-kyber-prekey.md",
        "bob_one_time_prekey" => "part2/05-prekey-bundle.md",
        _ => STAGES
            .iter()
            .find(|s| s.steps.contains(&step_id))
            .map_or("introduction.md", |s| s.chapter),
    }
}

/// Which stage (index into [`STAGES`]) a step belongs to.
pub fn stage_of(step_id: &str) -> usize {
    STAGES
        .iter()
        .position(|s| s.steps.contains(&step_id))
        .unwrap_or(0)
}

/// The index in the transcript of a stage's first step.
pub fn first_step_of(transcript: &Transcript, stage: usize) -> Option<usize> {
    let stage = STAGES.get(stage)?;
    transcript
        .steps
        .iter()
        .position(|step| stage.steps.contains(&step.id))
}

/// (position within its stage, steps in its stage), both counting from 1.
pub fn position_in_stage(transcript: &Transcript, step: usize) -> (usize, usize) {
    let stage = stage_of(transcript.steps[step].id);
    let members: Vec<usize> = (0..transcript.steps.len())
        .filter(|&i| stage_of(transcript.steps[i].id) == stage)
        .collect();
    let at = members.iter().position(|&i| i == step).unwrap_or(0);
    (at + 1, members.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{self, RunOptions};

    #[test]
    fn every_step_belongs_to_exactly_one_stage() {
        for one_time_prekey in [false, true] {
            let t = engine::run(RunOptions {
                seed: 1,
                one_time_prekey,
            })
            .unwrap();
            for step in &t.steps {
                let n = STAGES.iter().filter(|s| s.steps.contains(&step.id)).count();
                assert_eq!(n, 1, "{}", step.id);
            }
            // Stages follow the run's order.
            let order: Vec<usize> = t.steps.iter().map(|s| stage_of(s.id)).collect();
            assert!(order.windows(2).all(|w| w[0] <= w[1]), "{order:?}");
            for stage in 0..STAGES.len() {
                assert!(first_step_of(&t, stage).is_some(), "stage {stage} is empty");
            }
        }
    }
}
