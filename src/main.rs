//! `pqxdh-lab`: parses the command line, runs the command, reports.
//! Each command lives in `cli/`; here is only what every command shares:
//! one line of error on stderr, and the exit code (0 ok, 1 failure, 2 for
//! a usage error, which clap reports itself).

use std::process::ExitCode;

use clap::Parser;

mod cli;

use cli::{Cli, Command, conversation, demo, doctor, exercises, handshake, lab, relay, share};

fn main() -> ExitCode {
    let args = Cli::parse();
    let result = match args.command {
        None => handshake::interactive(args.run, args.plain),
        Some(Command::Transcript(args)) => handshake::transcript(args),
        Some(Command::Conversation(args)) => conversation::run(args),
        Some(Command::Lab(args)) => lab::run(args),
        Some(Command::Share(args)) => share::run(args),
        Some(Command::Relay(args)) => relay::run(args),
        Some(Command::Demo(args)) => demo::run(args),
        Some(Command::Exercises(args)) => exercises::run(args),
        Some(Command::Doctor(args)) => doctor::run(args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("pqxdh-lab: {message}");
            ExitCode::FAILURE
        }
    }
}
