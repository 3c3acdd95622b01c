use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use pqxdh_lab::cli::{Cli, Command, Format, RunArgs};
use pqxdh_lab::engine::{self, RunOptions};
use pqxdh_lab::transcript::Transcript;
use pqxdh_lab::views::{json, plain};
use rand::Rng;

mod run_share;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Transcript {
            run,
            format,
            full_hex,
        }) => transcript(run, format, full_hex),
        Some(Command::Share(args)) => run_share::share(args),
        Some(Command::Demo(args)) => run_share::demo(args),
        None => interactive(cli.run, cli.plain),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("pqxdh-lab: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Picks the seed: the given one, or a random one that is announced.
fn options(run: RunArgs, announce: bool) -> RunOptions {
    let seed = run.seed.unwrap_or_else(|| {
        let seed = rand::rng().random_range(0..1_000_000);
        if announce {
            eprintln!("pqxdh-lab: no --seed given, using seed {seed} (replay with --seed {seed})");
        }
        seed
    });
    RunOptions {
        seed,
        one_time_prekey: run.one_time_prekey,
    }
}

fn run_engine(options: RunOptions) -> Result<Transcript, String> {
    engine::run(options).map_err(|e| format!("the run with seed {} failed: {e}", options.seed))
}

/// Why the UI cannot run here, if it cannot.
fn plain_reason() -> Option<&'static str> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        Some("the output is not a terminal")
    } else if std::env::var("TERM").is_ok_and(|t| t == "dumb") {
        Some("TERM=dumb")
    } else {
        None
    }
}

fn interactive(run: RunArgs, plain: bool) -> Result<ExitCode, String> {
    if !plain {
        if let Some(reason) = plain_reason() {
            eprintln!("pqxdh-lab: {reason}, so printing the plain transcript (as with --plain)");
        } else {
            let last = pqxdh_lab::tui::run(options(run, false)).map_err(|e| e.to_string())?;
            // Back on the normal screen: say how to see this run again.
            println!(
                "pqxdh-lab: that was seed {seed}; replay it with: pqxdh-lab --seed {seed}{opk}",
                seed = last.seed,
                opk = if last.one_time_prekey {
                    " --one-time-prekey"
                } else {
                    ""
                }
            );
            return Ok(ExitCode::SUCCESS);
        }
    }
    transcript(run, Format::Text, false)
}

fn transcript(run: RunArgs, format: Format, full_hex: bool) -> Result<ExitCode, String> {
    // The text output shows the seed itself; JSON carries it in the document,
    // so only the announcement on stderr is needed there.
    let options = options(run, format == Format::Json);
    let t = run_engine(options)?;
    let text = match format {
        Format::Text => plain::render(
            &t,
            if full_hex {
                plain::Hex::Full
            } else {
                plain::Hex::Short
            },
        ),
        Format::Json => json::render(&t),
    };
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        // A closed pipe (e.g. `| head`) is not an error worth a message.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(format!("could not write the transcript: {e}"));
        }
    }
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
