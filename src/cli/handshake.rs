//! The handshake, shown: the terminal UI (no command), the same run as plain
//! text (`--plain`, or when there is no terminal), and `transcript`.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use pqxdh_lab::engine::{self, RunOptions};
use pqxdh_lab::room::{self, RoomSeed, SeedSource};
use pqxdh_lab::tui;
use pqxdh_lab::views::{json, plain};

use super::output;

pub(crate) const TRANSCRIPT_AFTER_HELP: &str = "The JSON schema is described in the README \
(\"JSON transcript\").
Private keys are included on purpose: they are throwaway demo keys, so you can recompute
every step with your own code.";

/// Options that choose a run.
#[derive(Debug, Args, Clone, Copy, Default)]
pub(crate) struct RunArgs {
    /// Fix every random choice: the same seed gives the same bytes on every machine.
    /// Without it, the room's seed: PQXDH_LAB_SEED, or else 7, the book's seed.
    /// `--seed random` draws one (printed, so the run can be replayed).
    #[arg(long, value_name = "N", value_parser = parse_seed, allow_negative_numbers = true)]
    pub(crate) seed: Option<SeedChoice>,

    /// Bob also publishes a one-time prekey OPK_B, which adds DH4 to the handshake.
    #[arg(long)]
    pub(crate) one_time_prekey: bool,
}

/// What `--seed` said: a number, or `random`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SeedChoice {
    Given(u64),
    Random,
}

impl RunArgs {
    /// The seed these flags choose, and where it came from: `--seed`, else
    /// the room's seed (PQXDH_LAB_SEED, else the book's 7).
    fn seed(self) -> Result<RoomSeed, String> {
        match self.seed {
            Some(SeedChoice::Given(seed)) => Ok(RoomSeed {
                seed,
                source: SeedSource::CommandLine,
            }),
            Some(SeedChoice::Random) => Ok(RoomSeed {
                seed: engine::random_seed(),
                source: SeedSource::Random,
            }),
            None => room::seed().map_err(|e| e.to_string()),
        }
    }

    /// The run these flags choose.
    pub(crate) fn options(self) -> Result<(RunOptions, RoomSeed), String> {
        let seed = self.seed()?;
        let options = RunOptions {
            seed: seed.seed,
            one_time_prekey: self.one_time_prekey,
        };
        Ok((options, seed))
    }
}

// `transcript`'s arguments (its help text is the variant's, in mod.rs).
#[derive(Debug, Args)]
pub(crate) struct TranscriptArgs {
    #[command(flatten)]
    pub(crate) run: RunArgs,

    /// text: for reading (and screen readers); json: every value as lowercase hex.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,

    /// Show every byte of long values (Kyber keys are 1569 bytes) in text output.
    #[arg(long)]
    pub(crate) full_hex: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
}

fn parse_seed(text: &str) -> Result<SeedChoice, String> {
    if text.trim() == "random" {
        return Ok(SeedChoice::Random);
    }
    room::parse_seed(text)
        .map(SeedChoice::Given)
        .map_err(|e| format!("{e}, or random"))
}

/// No command: step through the run in the terminal UI, or print it as
/// text where the UI cannot run (or `--plain` asks for text).
pub(crate) fn interactive(run: RunArgs, plain: bool) -> Result<ExitCode, String> {
    if !plain {
        match plain_reason() {
            Some(reason) => {
                eprintln!("pqxdh-lab: {reason}, so printing the plain transcript (as with --plain)")
            }
            None => return ui(run),
        }
    }
    transcript(TranscriptArgs {
        run,
        format: Format::Text,
        full_hex: false,
    })
}

/// Why the UI cannot run here, if it cannot.
fn plain_reason() -> Option<&'static str> {
    if !std::io::stdout().is_terminal() {
        Some("the output is not a terminal")
    } else if std::env::var("TERM").is_ok_and(|t| t == "dumb") {
        Some("TERM=dumb")
    } else {
        None
    }
}

fn ui(run: RunArgs) -> Result<ExitCode, String> {
    // The UI shows its seed on screen, so it needs no announcement here.
    let (options, _) = run.options()?;
    let last = tui::run(options).map_err(|e| e.to_string())?;
    // Back on the normal screen: say how to see this run again (the learner
    // may have changed the seed or the one-time prekey in the UI).
    output::print(
        &format!(
            "pqxdh-lab: that was seed {}; replay it with: pqxdh-lab {}\n",
            last.seed,
            last.replay_flags()
        ),
        "the replay hint",
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `transcript`: one run as text or JSON; fails (exit 1) if libsignal
/// disagrees with the values shown.
pub(crate) fn transcript(args: TranscriptArgs) -> Result<ExitCode, String> {
    let (options, seed) = args.run.options()?;
    // Both forms carry the seed (the text's header, the JSON's "seed"); a
    // seed nobody typed is also announced on stderr with where it came from,
    // so that a laptop showing other bytes than the room is noticed.
    if seed.source != SeedSource::CommandLine {
        eprintln!(
            "pqxdh-lab: {seed}; replay with: pqxdh-lab transcript {}",
            options.replay_flags()
        );
    }
    let t = engine::run(options)
        .map_err(|e| format!("the run with seed {} failed: {e}", options.seed))?;
    let text = match args.format {
        Format::Text => plain::render(
            &t,
            if args.full_hex {
                plain::Hex::Full
            } else {
                plain::Hex::Short
            },
        ),
        Format::Json => json::render(&t),
    };
    output::print(&text, "the transcript")?;
    let check = t.self_check();
    if !check.passed() {
        return Err(format!(
            "{}: the values above cannot be trusted as libsignal's. Please report this \
             with the seed.",
            check.summary()
        ));
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    fn parse(args: &[&str]) -> Cli {
        Cli::try_parse_from(["pqxdh-lab"].iter().chain(args)).unwrap()
    }

    /// Every replay hint printed must choose the very same run again, both
    /// as `pqxdh-lab FLAGS` (the UI's hint) and `transcript FLAGS`.
    #[test]
    fn replay_flags_choose_the_same_run() {
        for seed in [0, 7, u64::MAX] {
            for one_time_prekey in [false, true] {
                let shown = RunOptions {
                    seed,
                    one_time_prekey,
                };
                let flags = shown.replay_flags();
                let flags: Vec<&str> = flags.split(' ').collect();

                assert_eq!(parse(&flags).run.options().unwrap().0, shown, "{flags:?}");

                let mut sub = vec!["transcript"];
                sub.extend(&flags);
                let Some(Command::Transcript(args)) = parse(&sub).command else {
                    panic!("{sub:?} is not the transcript command");
                };
                assert_eq!(args.run.options().unwrap().0, shown, "{sub:?}");
            }
        }
    }
}
