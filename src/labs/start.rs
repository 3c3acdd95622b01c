//! Where every lab starts: the seed's normal run, as `pqxdh-lab transcript`
//! shows it, and its keys as objects the lab can use. A lab keeps the normal
//! run's steps up to the point it changes something, then records its own.

use crate::engine::keys::{AliceKeys, BobKeys};
use crate::engine::record::{Made, Recorder, StepWords};
use crate::engine::{ALICE_STREAM, BOB_STREAM, RunOptions, rng_stream};
use crate::transcript::{
    Actor, HandshakeStep, Lab, LabCheck, LabDetails, LabRecord, LabStep, StepId, StepResult,
    Transcript, Verdict,
};

use super::LabError;

/// The words of a lab step, like the handshake's in `engine/steps.rs`.
pub struct LabText {
    pub id: LabStep,
    pub actor: Actor,
    pub title: &'static str,
    pub explanation: &'static str,
    pub formula: &'static str,
    pub spec_ref: &'static str,
}

impl StepWords for LabText {
    fn step_id(&self) -> StepId {
        self.id.into()
    }
    fn actor(&self) -> Actor {
        self.actor
    }
    fn title(&self) -> &str {
        self.title
    }
    fn explanation(&self) -> &str {
        self.explanation
    }
    fn formula(&self) -> &str {
        self.formula
    }
    fn spec_ref(&self) -> &str {
        self.spec_ref
    }
}

/// The normal run and its keys.
pub struct Start {
    pub normal: Transcript,
    pub bob: BobKeys,
    pub alice: AliceKeys,
}

impl Start {
    /// Runs the seed's normal handshake (truth check included) and makes its
    /// keys again from the same seed, checking they are the same bytes.
    pub fn new(options: RunOptions) -> Result<Self, LabError> {
        let normal = crate::engine::run(options)?;
        let check = normal.self_check();
        if !check.passed() {
            return Err(LabError::NormalRunUntrusted(check.summary()));
        }
        let bob = BobKeys::generate(
            &mut rng_stream(options.seed, BOB_STREAM),
            options.one_time_prekey,
        )?;
        let alice = AliceKeys::generate(&mut rng_stream(options.seed, ALICE_STREAM));
        let start = Self { normal, bob, alice };
        start.same("IK_B", &start.bob.identity.identity_key().serialize())?;
        start.same("SPK_B", &start.bob.signed_prekey.public_key.serialize())?;
        start.same("PQSPK_B", &start.bob.kyber_prekey.public_key.serialize())?;
        start.same("IK_A", &start.alice.identity.identity_key().serialize())?;
        Ok(start)
    }

    fn same(&self, name: &'static str, bytes: &[u8]) -> Result<(), LabError> {
        match self.normal.value(name) {
            Some(v) if v.bytes == bytes => Ok(()),
            _ => Err(LabError::Diverged(name)),
        }
    }

    /// Bytes of one of the normal run's values (Alice's or public).
    pub fn bytes(&self, name: &'static str) -> Result<&[u8], LabError> {
        self.normal
            .value(name)
            .map(|v| v.bytes.as_slice())
            .ok_or(LabError::Diverged(name))
    }

    /// A lab that keeps the normal run's steps up to and including `last`.
    pub fn record_until(&self, last: HandshakeStep) -> LabRun<'_> {
        let t = &self.normal;
        let end = t.step_index(last).unwrap_or(t.steps.len() - 1);
        let kept = |step: StepId| t.step_index(step).is_some_and(|i| i <= end);
        let rec = Recorder {
            steps: t.steps[..=end].to_vec(),
            values: t.values.iter().filter(|v| kept(v.step)).cloned().collect(),
            bob_values: t
                .bob_values
                .iter()
                .filter(|v| kept(v.step))
                .cloned()
                .collect(),
            deletions: t
                .deletions
                .iter()
                .filter(|d| kept(d.step))
                .cloned()
                .collect(),
        };
        LabRun {
            start: self,
            rec,
            results: Vec::new(),
            checks: Vec::new(),
        }
    }

    /// A lab that keeps the whole normal run.
    pub fn record_all(&self) -> LabRun<'_> {
        self.record_until(HandshakeStep::SameSecret)
    }
}

/// A lab being recorded: the normal run's steps it keeps, then its own, with
/// what each established and the checks it made.
pub struct LabRun<'a> {
    start: &'a Start,
    pub rec: Recorder,
    results: Vec<StepResult>,
    checks: Vec<LabCheck>,
}

impl LabRun<'_> {
    /// Records a lab step with the values it made (owned by the step's actor).
    pub fn step(&mut self, text: &LabText, made: &[Made]) {
        self.rec.step(text, made);
    }

    /// What a step established; `ok` is good news for Alice and Bob.
    pub fn result(&mut self, step: LabStep, ok: bool, text: impl Into<String>) {
        self.results.push(StepResult {
            step,
            ok,
            text: text.into(),
        });
    }

    pub fn check(&mut self, name: impl Into<String>, passed: bool, detail: impl Into<String>) {
        self.checks.push(LabCheck {
            name: name.into(),
            passed,
            detail: detail.into(),
        });
    }

    /// The finished transcript: the lab's steps and values, the normal run's
    /// truth check and wire (those of its bytes the lab kept).
    pub fn finish(self, outcome: Outcome) -> Transcript {
        let normal = &self.start.normal;
        let values = self.rec.values;
        let wire = normal
            .wire
            .iter()
            .filter(|w| values.iter().any(|v| v.name == w.name))
            .cloned()
            .collect();
        Transcript {
            seed: normal.seed,
            one_time_prekey: normal.one_time_prekey,
            kem: normal.kem,
            kdf_info: normal.kdf_info,
            steps: self.rec.steps,
            values,
            bob_values: self.rec.bob_values,
            wire,
            plaintext: normal.plaintext.clone(),
            bob_plaintext: normal.bob_plaintext.clone(),
            deletions: self.rec.deletions,
            checks: normal.checks.clone(),
            wire_scan: normal.wire_scan.clone(),
            lab: Some(LabRecord {
                lab: outcome.lab,
                attacker: outcome.attacker,
                attacker_label: outcome.attacker_label,
                verdict: outcome.verdict,
                summary: outcome.summary,
                results: self.results,
                checks: self.checks,
                details: outcome.details,
            }),
        }
    }
}

/// How a lab ended, as it computed it.
pub struct Outcome {
    pub lab: Lab,
    pub attacker: Actor,
    pub attacker_label: &'static str,
    pub verdict: Verdict,
    pub summary: String,
    pub details: LabDetails,
}
