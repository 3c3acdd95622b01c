//! The command line: what each command accepts, and what it does with the
//! library. `--help` is the first thing a learner reads, so it explains as
//! well as lists.
//!
//! One file per command family, each holding its arguments (private to the
//! binary) and one function per subcommand:
//!
//! - `handshake.rs`: the terminal UI (no command), `--plain` and `transcript`;
//! - `share.rs`: `share init | publish | send | receive | safety-number |
//!   trust | inspect`;
//! - `conversation.rs`: `conversation`, the messages after the handshake;
//! - `demo.rs`: `demo image`;
//! - `lab.rs`: `lab` (the list) and `lab NAME` (one attack lab);
//! - `relay.rs`: `relay serve`, the relay over the network;
//! - `exercises.rs`: `exercises [list | check | watch | hint]`;
//! - `doctor.rs`: `doctor`, the readiness check;
//! - `output.rs`: printing results, the same way for every command.
//!
//! New families get their own file beside these, a variant in
//! [`Command`] and one line in `main.rs`'s dispatch.

pub(crate) mod conversation;
pub(crate) mod demo;
pub(crate) mod doctor;
pub(crate) mod exercises;
pub(crate) mod handshake;
pub(crate) mod lab;
mod output;
pub(crate) mod relay;
pub(crate) mod share;

use clap::{Parser, Subcommand};

const ABOUT: &str = "The Illustrated PQXDH: Alice and Bob's post-quantum handshake, \
computed by the real libsignal, every byte shown.";

const LONG_ABOUT: &str = "The Illustrated PQXDH: Alice and Bob's post-quantum handshake, \
computed by the real libsignal, every byte shown.

PQXDH is how Signal starts an end-to-end encrypted conversation with someone who is offline: \
Bob publishes prekeys on a server, Alice combines four Diffie-Hellman results with a Kyber \
(post-quantum) shared secret, and both arrive at the same key, while the server only ever sees \
public bytes. Every run is cross-checked against libsignal's own session state.

With no command, pqxdh-lab opens a terminal UI that steps through one run: Alice | Server | Bob \
side by side, the explanation of each step below. Press ? in it for the keys.";

const EXAMPLES: &str = "Examples:
  pqxdh-lab                                    step through a run in the terminal UI
  pqxdh-lab --seed 7                           the same bytes on every machine
                                               (PQXDH_LAB_SEED sets a room's seed; else 7)
  pqxdh-lab --plain --seed 7                   the same run as text (screen readers, pipes)
  pqxdh-lab transcript --seed 7 --one-time-prekey
                                               with OPK_B, so DH4 is used too
  pqxdh-lab transcript --seed 7 --format json  every value as hex, for your own checks
  pqxdh-lab lab                                the attack labs: break the handshake
  pqxdh-lab exercises                          the workshop's exercises, and the checker
  pqxdh-lab doctor                             is this laptop ready for the workshop?";

#[derive(Debug, Parser)]
#[command(name = "pqxdh-lab", version, about = ABOUT, long_about = LONG_ABOUT, after_help = EXAMPLES)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Option<Command>,

    #[command(flatten)]
    pub(crate) run: handshake::RunArgs,

    /// Print the run as plain text instead of opening the terminal UI. Chosen
    /// automatically when the output is not a terminal or TERM=dumb.
    #[arg(long)]
    pub(crate) plain: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Print one run as text (a linear walk through every step) or JSON.
    #[command(after_help = handshake::TRANSCRIPT_AFTER_HELP)]
    Transcript(handshake::TranscriptArgs),

    /// After the handshake: messages through the Double Ratchet and SPQR, every key checked.
    #[command(long_about = conversation::ABOUT, after_help = conversation::EXAMPLES)]
    Conversation(conversation::ConversationArgs),

    /// The attack labs: change one thing in a run and see what libsignal does.
    #[command(after_help = lab::LAB_AFTER_HELP)]
    Lab(lab::LabArgs),

    /// Send files end to end encrypted through an untrusted relay (a folder, or a server).
    #[command(long_about = share::SHARE_ABOUT, after_help = share::SHARE_EXAMPLES)]
    Share(share::ShareArgs),

    /// Run the relay as a server for a classroom, with a live page of what it sees.
    #[command(long_about = relay::RELAY_ABOUT, after_help = relay::RELAY_EXAMPLES)]
    Relay(relay::RelayArgs),

    /// Demonstrations that write files you can look at.
    Demo(demo::DemoArgs),

    /// Hands-on exercises with a checker: list them, check your code, watch, hints.
    #[command(long_about = exercises::EXERCISES_ABOUT, after_help = exercises::EXERCISES_EXAMPLES)]
    Exercises(exercises::ExercisesArgs),

    /// Is this laptop ready for the workshop? Each item ✓, or ✗ with what to do.
    #[command(long_about = doctor::DOCTOR_ABOUT)]
    Doctor(doctor::DoctorArgs),
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    /// clap's own consistency checks (conflicting names, bad defaults, …),
    /// which otherwise only fire when a user happens to reach the argument.
    #[test]
    fn the_argument_definitions_are_consistent() {
        Cli::command().debug_assert();
    }
}
