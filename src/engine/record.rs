//! Records a run as it happens: each step in order, with the values it made.
//! The run (`run.rs`) calls these helpers so that it reads as the story of the
//! handshake, and so do the attack labs; nothing here computes.

use crate::transcript::{Actor, Deletion, Step, StepId, Value, ValueKind};

use super::steps::StepText;

/// The words of a step: the handshake's live in `steps.rs`, each attack
/// lab's in its own file.
pub trait StepWords {
    fn step_id(&self) -> StepId;
    fn actor(&self) -> Actor;
    fn title(&self) -> &str;
    fn explanation(&self) -> &str;
    fn formula(&self) -> &str;
    fn spec_ref(&self) -> &str;
}

impl StepWords for StepText {
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

/// A value a step made: its spec name, what kind of bytes, and the bytes.
pub struct Made<'a> {
    name: &'a str,
    kind: ValueKind,
    bytes: &'a [u8],
}

pub fn public_key<'a>(name: &'a str, bytes: &'a [u8]) -> Made<'a> {
    Made {
        name,
        kind: ValueKind::PublicKey,
        bytes,
    }
}

pub fn private_key<'a>(name: &'a str, bytes: &'a [u8]) -> Made<'a> {
    Made {
        name,
        kind: ValueKind::PrivateKey,
        bytes,
    }
}

pub fn signature<'a>(name: &'a str, bytes: &'a [u8]) -> Made<'a> {
    Made {
        name,
        kind: ValueKind::Signature,
        bytes,
    }
}

pub fn shared_secret<'a>(name: &'a str, bytes: &'a [u8]) -> Made<'a> {
    Made {
        name,
        kind: ValueKind::SharedSecret,
        bytes,
    }
}

pub fn ciphertext<'a>(name: &'a str, bytes: &'a [u8]) -> Made<'a> {
    Made {
        name,
        kind: ValueKind::Ciphertext,
        bytes,
    }
}

pub fn kdf_input<'a>(name: &'a str, bytes: &'a [u8]) -> Made<'a> {
    Made {
        name,
        kind: ValueKind::KdfInput,
        bytes,
    }
}

pub fn derived_key<'a>(name: &'a str, bytes: &'a [u8]) -> Made<'a> {
    Made {
        name,
        kind: ValueKind::DerivedKey,
        bytes,
    }
}

pub fn associated_data<'a>(name: &'a str, bytes: &'a [u8]) -> Made<'a> {
    Made {
        name,
        kind: ValueKind::AssociatedData,
        bytes,
    }
}

pub fn message<'a>(name: &'a str, bytes: &'a [u8]) -> Made<'a> {
    Made {
        name,
        kind: ValueKind::Message,
        bytes,
    }
}

/// Collects steps and values in the order they happen.
#[derive(Default)]
pub struct Recorder {
    pub steps: Vec<Step>,
    /// Alice's values and every public value.
    pub values: Vec<Value>,
    /// Bob's own copies of the shared values.
    pub bob_values: Vec<Value>,
    pub deletions: Vec<Deletion>,
}

impl Recorder {
    /// Records a step with the values it made (Alice's, or Bob's keys).
    pub fn step(&mut self, text: &impl StepWords, made: &[Made]) {
        let values = to_values(text, made);
        self.values.extend(values);
        self.push_step(text, made);
    }

    /// Records a step in which Bob recomputes the shared values himself: they
    /// go into `bob_values`, beside Alice's copies with the same names.
    pub fn bob_copy(&mut self, text: &impl StepWords, made: &[Made]) {
        let values = to_values(text, made);
        self.bob_values.extend(values);
        self.push_step(text, made);
    }

    /// Records that `holder` drops its copies of `names` at the step just
    /// recorded. Names this run does not have (DH4 without a one-time
    /// prekey) are skipped.
    pub fn deletes(&mut self, holder: Actor, names: &[&str], why: &'static str) {
        let step = self.steps.last().expect("a deletion follows a step").id;
        for name in names {
            let exists = self
                .values
                .iter()
                .chain(self.bob_values.iter())
                .any(|v| v.name == *name);
            if exists {
                self.deletions.push(Deletion {
                    value: name.to_string(),
                    holder,
                    step,
                    why,
                });
            }
        }
    }

    fn push_step(&mut self, text: &impl StepWords, made: &[Made]) {
        self.steps.push(Step {
            id: text.step_id(),
            actor: text.actor(),
            title: text.title().to_string(),
            explanation: text.explanation().to_string(),
            formula: text.formula().to_string(),
            spec_ref: text.spec_ref().to_string(),
            values: made.iter().map(|m| m.name.to_string()).collect(),
        });
    }

    /// The bytes of one of Alice's (or a public) value, by name.
    pub fn bytes_of(&self, name: &str) -> Option<Vec<u8>> {
        self.values
            .iter()
            .find(|v| v.name == name)
            .map(|v| v.bytes.clone())
    }
}

fn to_values(text: &impl StepWords, made: &[Made]) -> Vec<Value> {
    made.iter()
        .map(|m| Value {
            name: m.name.to_string(),
            kind: m.kind,
            owner: text.actor(),
            step: text.step_id(),
            bytes: m.bytes.to_vec(),
        })
        .collect()
}
