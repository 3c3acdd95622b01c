//! The timeline: the run's steps grouped into the ten stages a learner
//! navigates, each with the book chapter that explains it. Which stage and
//! chapter a step belongs to is an exhaustive match, so a new step cannot be
//! added without placing it.

use crate::transcript::{HandshakeStep, Lab, LabStep, StepId, Transcript};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    BobsKeys,
    Bundle,
    AliceVerifies,
    Ephemeral,
    Dh,
    Kyber,
    Kdf,
    FirstMessage,
    BobsSide,
    SameSecret,
}

/// The stages in order; the digit keys 1–9 and 0 jump to them.
pub const STAGES: [Stage; 10] = [
    Stage::BobsKeys,
    Stage::Bundle,
    Stage::AliceVerifies,
    Stage::Ephemeral,
    Stage::Dh,
    Stage::Kyber,
    Stage::Kdf,
    Stage::FirstMessage,
    Stage::BobsSide,
    Stage::SameSecret,
];

impl Stage {
    /// Short name for the timeline.
    pub fn name(self) -> &'static str {
        match self {
            Stage::BobsKeys => "Bob's keys",
            Stage::Bundle => "Bundle on the server",
            Stage::AliceVerifies => "Alice verifies",
            Stage::Ephemeral => "EK_A",
            Stage::Dh => "DH1…DH4",
            Stage::Kyber => "Kyber encapsulation",
            Stage::Kdf => "KDF",
            Stage::FirstMessage => "First message",
            Stage::BobsSide => "Bob's side",
            Stage::SameSecret => "Same secret",
        }
    }

    /// The position in [`STAGES`].
    pub fn index(self) -> usize {
        STAGES
            .iter()
            .position(|&s| s == self)
            .expect("every stage is listed")
    }
}

/// The stage a step belongs to.
pub fn stage_of(step: StepId) -> Stage {
    match step {
        StepId::Handshake(step) => handshake_stage(step),
        StepId::Lab(step) => lab_stage(step),
    }
}

/// A lab step sits in the stage of the normal run whose part it changes or
/// attacks (the lab's own timeline is for the lab screens to draw).
fn lab_stage(step: LabStep) -> Stage {
    use LabStep::*;
    match step {
        ServerSwapsSignedPrekey | ServerSwapsKyberPrekey | ServerMakesIdentity => Stage::Bundle,
        AliceChecksSignedPrekey | AliceChecksKyberPrekey | AliceAcceptsServerBundle => {
            Stage::AliceVerifies
        }
        AttackerStealsSignedPrekey
        | AttackerBreaksX25519
        | BobStoreAfterSession
        | ThiefStealsKeys => Stage::BobsKeys,
        AliceWithForgedSignedPrekey | ServerComputesDh1Dh3 | AttackerComputesDh => Stage::Dh,
        AliceWithForgedKyberPrekey | ServerDecapsulates | AttackerLacksSs => Stage::Kyber,
        ServerLacksDh2 | ServerLacksDh | X3dhRun | MistakeInfoLabel | MistakeNoPrefix
        | MistakeDhSwapped | MistakeNoSs | NoMistake | ThiefDerives => Stage::Kdf,
        AliceSendsToServer
        | ServerDecryptsFirstMessage
        | ServerRelaysToBob
        | CiphertextBitFlipped
        | AttackerRecords
        | AttackerForgesFirstMessage
        | DeliveredAgain
        | DeliveredAfterReset
        | DeliveredWithoutMemory => Stage::FirstMessage,
        BobDecryptsRelayed
        | BobDecapsulatesTampered
        | BobDerivesFromTampered
        | BobRefusesTampered
        | TypeByteChanged
        | BobAcceptsForgery
        | IdentityKeyAloneRefused
        | ThiefDecrypts
        | AttackerFailsToRead
        | AttackerReadsX3dh => Stage::BobsSide,
        AliceSafetyNumber | BobSafetyNumber => Stage::SameSecret,
    }
}

fn handshake_stage(step: HandshakeStep) -> Stage {
    use HandshakeStep::*;
    match step {
        BobIdentity | BobSignedPrekey | BobKyberPrekey | BobOneTimePrekey | AliceIdentity => {
            Stage::BobsKeys
        }
        BundlePublished => Stage::Bundle,
        AliceVerifies => Stage::AliceVerifies,
        AliceEphemeral => Stage::Ephemeral,
        Dh1 | Dh2 | Dh3 | Dh4 => Stage::Dh,
        KyberEncapsulate => Stage::Kyber,
        Kdf | AssociatedData => Stage::Kdf,
        FirstMessage | ServerForwards => Stage::FirstMessage,
        BobDh | BobDecapsulate | BobKdf | BobDecrypts => Stage::BobsSide,
        SameSecret => Stage::SameSecret,
    }
}

/// The book chapter for a step, relative to `book/src/`.
pub fn chapter_for(step: StepId) -> &'static str {
    match step {
        StepId::Handshake(step) => handshake_chapter(step),
        StepId::Lab(step) => lab_chapter(step.lab()),
    }
}

/// Each lab has its chapter in Part IV.
pub fn lab_chapter(lab: Lab) -> &'static str {
    match lab {
        Lab::ForgedSignedPrekey => "part4/01-forged-signed-prekey.md",
        Lab::ForgedKyberPrekey => "part4/02-forged-kyber-prekey.md",
        Lab::MitmNewIdentity => "part4/03-mitm-new-identity.md",
        Lab::TamperedCiphertext => "part4/04-tampered-ciphertext.md",
        Lab::HarvestNowDecryptLater => "part4/05-harvest-now-decrypt-later.md",
        Lab::StolenDeviceLater => "part4/06-stolen-device-later.md",
        Lab::Replay => "part4/07-replay.md",
        Lab::KdfMistakes => "part4/08-kdf-mistakes.md",
        Lab::KeyCompromiseImpersonation => "part4/09-key-compromise-impersonation.md",
    }
}

fn handshake_chapter(step: HandshakeStep) -> &'static str {
    use HandshakeStep::*;
    match step {
        BobIdentity | AliceIdentity => "part2/02-identity-keys.md",
        BobSignedPrekey => "part2/03-signed-prekey.md",
        BobKyberPrekey => "part2/04-kyber-prekey.md",
        BobOneTimePrekey | BundlePublished => "part2/05-prekey-bundle.md",
        AliceVerifies | AliceEphemeral => "part2/06-alice-verifies.md",
        Dh1 | Dh2 | Dh3 | Dh4 => "part2/07-dh.md",
        KyberEncapsulate => "part2/08-kyber-encapsulation.md",
        Kdf | AssociatedData => "part2/09-kdf.md",
        FirstMessage | ServerForwards => "part2/10-first-message.md",
        BobDh | BobDecapsulate | BobKdf | BobDecrypts | SameSecret => "part2/11-bob.md",
    }
}

/// The index in the transcript of a stage's first step.
pub fn first_step_of(transcript: &Transcript, stage: Stage) -> Option<usize> {
    transcript
        .steps
        .iter()
        .position(|step| stage_of(step.id) == stage)
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
    fn stages_follow_the_run_and_none_is_empty() {
        for one_time_prekey in [false, true] {
            let t = engine::run(RunOptions {
                seed: 1,
                one_time_prekey,
            })
            .unwrap();
            let order: Vec<Stage> = t.steps.iter().map(|s| stage_of(s.id)).collect();
            assert!(order.windows(2).all(|w| w[0] <= w[1]), "{order:?}");
            for stage in STAGES {
                assert!(first_step_of(&t, stage).is_some(), "{stage:?} is empty");
            }
        }
    }
}
