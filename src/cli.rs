//! Command-line arguments. `--help` is the first thing a learner reads, so it
//! explains as well as lists.

use clap::{Args, Parser, Subcommand, ValueEnum};

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
  pqxdh-lab --plain --seed 7                   the same run as text (screen readers, pipes)
  pqxdh-lab transcript --seed 7 --one-time-prekey
                                               with OPK_B, so DH4 is used too
  pqxdh-lab transcript --seed 7 --format json  every value as hex, for your own checks";

#[derive(Debug, Parser)]
#[command(name = "pqxdh-lab", version, about = ABOUT, long_about = LONG_ABOUT, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub run: RunArgs,

    /// Print the run as plain text instead of opening the terminal UI. Chosen
    /// automatically when the output is not a terminal or TERM=dumb.
    #[arg(long)]
    pub plain: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print one run as text (a linear walk through every step) or JSON.
    #[command(
        after_help = "The JSON schema is described in the README (\"JSON transcript\").
Private keys are included on purpose: they are throwaway demo keys, so you can recompute
every step with your own code."
    )]
    Transcript {
        #[command(flatten)]
        run: RunArgs,

        /// text: for reading (and screen readers); json: every value as lowercase hex.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,

        /// Show every byte of long values (Kyber keys are 1569 bytes) in text output.
        #[arg(long)]
        full_hex: bool,
    },

    /// Send files end to end encrypted through an untrusted relay folder.
    #[command(long_about = crate::cli_share::SHARE_ABOUT, after_help = crate::cli_share::SHARE_EXAMPLES)]
    Share(crate::cli_share::ShareArgs),

    /// Demonstrations that write files you can look at.
    Demo(crate::cli_share::DemoArgs),
}

/// Options that choose a run.
#[derive(Debug, Args, Clone, Copy, Default)]
pub struct RunArgs {
    /// Fix every random choice: the same seed gives the same bytes on every machine.
    /// Without it a seed is chosen at random and printed, so the run can be replayed.
    #[arg(long, value_name = "N", value_parser = parse_seed, allow_negative_numbers = true)]
    pub seed: Option<u64>,

    /// Bob also publishes a one-time prekey OPK_B, which adds DH4 to the handshake.
    #[arg(long)]
    pub one_time_prekey: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

fn parse_seed(text: &str) -> Result<u64, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("a seed is a whole number from 0 to {}, such as 7", u64::MAX))
}
