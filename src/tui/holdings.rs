//! Who holds what after a given step: the contents of the Alice, Server and
//! Bob columns. Derived from the transcript alone: what a party made, plus what
//! it received, which is exactly what the wire dissection says the bundle and
//! the first message carry, minus what it has deleted since.

use crate::transcript::{Actor, Deletion, Transcript, Value, ValueKind, WireObject};

/// One entry of a party's column.
pub struct Held<'a> {
    pub value: &'a Value,
    /// Made or received at the current step.
    pub new: bool,
    /// Came from the other party through the server.
    pub received: bool,
    /// Dropped by this party at or before the current step.
    pub deleted: Option<Gone<'a>>,
}

/// A value its holder has dropped.
#[derive(Clone, Copy)]
pub struct Gone<'a> {
    pub deletion: &'a Deletion,
    /// Dropped at the current step (shown in full), or earlier (summarised).
    pub now: bool,
}

/// Whether `holder` has dropped its copy of `name` by step `at`.
pub fn gone<'a>(t: &'a Transcript, name: &str, holder: Actor, at: usize) -> Option<Gone<'a>> {
    let deletion = t.deletion(name, holder)?;
    let i = t.step_index(deletion.step)?;
    (i <= at).then_some(Gone {
        deletion,
        now: i == at,
    })
}

/// Names of the transcript values a wire object carries.
pub fn carried(object: &WireObject) -> Vec<&str> {
    object
        .fields
        .iter()
        .flat_map(|f| f.leaves())
        .filter_map(|f| f.value.as_deref())
        .collect()
}

/// The values `party` holds after step `at`, in the order they arrived.
pub fn held_by(t: &Transcript, party: Actor, at: usize) -> Vec<Held<'_>> {
    let made_at = |v: &Value| t.step_index(v.step).unwrap_or(usize::MAX);
    let own_list = if party == Actor::Bob {
        // Bob's own keys live in the main list; his recomputed copies in bob_values.
        t.values
            .iter()
            .chain(t.bob_values.iter())
            .collect::<Vec<_>>()
    } else {
        t.values.iter().collect()
    };
    let mut held: Vec<(usize, Held)> = own_list
        .into_iter()
        .filter(|v| v.owner == party && v.kind != ValueKind::Message && made_at(v) <= at)
        .map(|v| {
            let i = made_at(v);
            (
                i,
                Held {
                    value: v,
                    new: i == at,
                    received: false,
                    deleted: gone(t, &v.name, party, at),
                },
            )
        })
        .collect();

    for object in &t.wire {
        let Some(i) = t.step_index(object.delivered_at) else {
            continue;
        };
        if object.recipient != party || i > at {
            continue;
        }
        for name in carried(object) {
            if let Some(v) = t.value(name) {
                held.push((
                    i,
                    Held {
                        value: v,
                        new: i == at,
                        received: true,
                        deleted: gone(t, name, party, at),
                    },
                ));
            }
        }
    }
    held.sort_by_key(|(i, _)| *i);
    held.into_iter().map(|(_, h)| h).collect()
}

/// What the server holds after step `at`: the wire objects, and whether each is new.
pub fn server_holds(t: &Transcript, at: usize) -> Vec<(&WireObject, bool)> {
    t.wire
        .iter()
        .filter_map(|object| {
            let i = t.value(&object.name).and_then(|v| t.step_index(v.step))?;
            (i <= at).then_some((object, i == at))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{self, RunOptions};
    use crate::transcript::HandshakeStep;

    fn names(held: &[Held]) -> Vec<String> {
        held.iter().map(|h| h.value.name.clone()).collect()
    }

    #[test]
    fn private_values_never_appear_in_another_partys_column() {
        let t = engine::run(RunOptions {
            seed: 2,
            one_time_prekey: true,
        })
        .unwrap();
        let last = t.steps.len() - 1;
        for (party, other) in [(Actor::Alice, Actor::Bob), (Actor::Bob, Actor::Alice)] {
            for h in held_by(&t, party, last) {
                if h.value.owner == other {
                    assert!(
                        h.value.crosses_server(),
                        "{} leaked to {party:?}",
                        h.value.name
                    );
                    assert!(h.received);
                }
            }
        }
        // The server holds exactly the two wire objects, nothing else.
        let server: Vec<&str> = server_holds(&t, last)
            .iter()
            .map(|(o, _)| o.name.as_str())
            .collect();
        assert_eq!(server, ["bundle", "prekey_message"]);
    }

    #[test]
    fn alice_gets_bobs_public_keys_when_she_fetches_the_bundle() {
        let t = engine::run(RunOptions {
            seed: 2,
            one_time_prekey: false,
        })
        .unwrap();
        let verify = t.step_index(HandshakeStep::AliceVerifies).unwrap();
        assert!(!names(&held_by(&t, Actor::Alice, verify - 1)).contains(&"IK_B".to_string()));
        let now = held_by(&t, Actor::Alice, verify);
        let received: Vec<&str> = now
            .iter()
            .filter(|h| h.received && h.new)
            .map(|h| h.value.name.as_str())
            .collect();
        assert_eq!(
            received,
            ["IK_B", "SPK_B", "SPK_B.sig", "PQSPK_B", "PQSPK_B.sig"]
        );
        // Bob sees Alice's EK_A only once the server forwards the message.
        let forwards = t.step_index(HandshakeStep::ServerForwards).unwrap();
        assert!(!names(&held_by(&t, Actor::Bob, forwards - 1)).contains(&"EK_A".to_string()));
        assert!(names(&held_by(&t, Actor::Bob, forwards)).contains(&"EK_A".to_string()));
    }
}
