//! `lab`: the attack labs. Without a name, the list; with one, the lab run
//! as text or JSON. A lab that ran exits 0 whatever its verdict: it breaks
//! the handshake on purpose, and its outcome is the result, not a failure.

use std::fmt::Write as _;
use std::process::ExitCode;

use clap::Args;
use pqxdh_lab::labs::{self, Lab};
use pqxdh_lab::room::SeedSource;
use pqxdh_lab::views::{json, plain};

use super::handshake::{Format, RunArgs};
use super::output;

pub(crate) const LAB_AFTER_HELP: &str = "Examples:
  pqxdh-lab lab                                      the list of labs
  pqxdh-lab lab forged-signed-prekey --seed 7        one lab, as text
  pqxdh-lab lab replay --seed 7 --one-time-prekey    with a one-time prekey OPK_B
  pqxdh-lab lab mitm-new-identity --format json      every value as hex, and the outcome

Each lab starts from the seed's normal run (pqxdh-lab transcript --seed N), changes one \
thing, and lets libsignal run on; the outcome is computed by that run. Part IV of the book \
(\"Breaking it\") has a chapter per lab. Exit status: 0 when the lab ran (whatever its \
verdict), 1 when it could not run, 2 for an unknown lab name.";

#[derive(Debug, Args)]
pub(crate) struct LabArgs {
    /// The lab to run (see the list: `pqxdh-lab lab`).
    #[arg(value_name = "NAME")]
    pub(crate) name: Option<String>,

    #[command(flatten)]
    pub(crate) run: RunArgs,

    /// text: for reading (and screen readers); json: every value as lowercase hex.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,

    /// Show every byte of long values (Kyber keys are 1569 bytes) in text output.
    #[arg(long)]
    pub(crate) full_hex: bool,
}

/// One line per lab: its name and what happens.
fn list() -> String {
    let width = Lab::ALL.iter().map(|l| l.name().len()).max().unwrap_or(0);
    let mut text = String::from("The attack labs (run one with: pqxdh-lab lab NAME --seed 7):\n");
    for lab in Lab::ALL {
        let _ = writeln!(text, "  {:width$}  {}", lab.name(), lab.about());
    }
    text
}

/// `lab`: the list, or one lab.
pub(crate) fn run(args: LabArgs) -> Result<ExitCode, String> {
    let Some(name) = args.name else {
        output::print(&list(), "the list of labs")?;
        return Ok(ExitCode::SUCCESS);
    };
    let Some(lab) = Lab::from_name(name.trim()) else {
        eprint!("pqxdh-lab: there is no lab called \"{name}\".\n{}", list());
        return Ok(ExitCode::from(2));
    };
    let (options, seed) = args.run.options()?;
    // A seed nobody typed is announced on stderr with where it came from.
    if seed.source != SeedSource::CommandLine {
        eprintln!(
            "pqxdh-lab: {seed}; replay with: pqxdh-lab lab {lab} {}",
            options.replay_flags()
        );
    }
    let t = labs::run(lab, options).map_err(|e| {
        format!(
            "the lab {lab} with seed {} could not run: {e}",
            options.seed
        )
    })?;
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
    output::print(&text, "the lab")?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_has_one_line_per_lab() {
        let text = list();
        assert_eq!(text.lines().count(), 1 + Lab::ALL.len());
        for lab in Lab::ALL {
            assert!(text.contains(lab.name()), "{lab} is not listed");
        }
        // A seed makes every run the same; the list says how to use one.
        assert!(text.contains("--seed"));
    }
}
