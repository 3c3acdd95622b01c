//! `demo`: demonstrations that write files you can look at.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use pqxdh_lab::demo;
use pqxdh_lab::room;

use super::output;

#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    #[command(subcommand)]
    pub(crate) command: DemoCommand,
}

#[derive(Debug, Subcommand)]
pub(crate) enum DemoCommand {
    /// Alice sends Bob an image through a relay; see what the server holds.
    #[command(
        after_help = "Example:\n  pqxdh-lab demo image --seed 7 --out demo/\n\n\
Writes original.png, server-view.png (the encrypted blob's bytes drawn as pixels: noise) and \
decrypted.png, and prints the SHA-256 of each. The same seed gives the same bytes everywhere."
    )]
    Image(ImageArgs),
}

// `demo image`'s arguments; its help text is the variant's, above.
#[derive(Debug, Args)]
pub(crate) struct ImageArgs {
    /// A PNG to send instead of the generated sample.
    #[arg(long, value_name = "FILE")]
    pub(crate) input: Option<PathBuf>,
    /// Where the three pictures go.
    #[arg(long, value_name = "DIR", default_value = "pqxdh-demo")]
    pub(crate) out: PathBuf,
    /// Fix every random choice (keys, file key), so every machine shows the same bytes.
    /// Without it, the room's seed: PQXDH_LAB_SEED, or else 7, the book's seed.
    #[arg(long, value_name = "N", value_parser = room::parse_seed)]
    pub(crate) seed: Option<u64>,
}

/// `demo`: runs one demonstration.
pub(crate) fn run(args: DemoArgs) -> Result<ExitCode, String> {
    match args.command {
        DemoCommand::Image(args) => image(args),
    }
}

/// `demo image`: the image through the relay, and the three pictures.
fn image(args: ImageArgs) -> Result<ExitCode, String> {
    let ImageArgs { input, out, seed } = args;
    let seed = match seed {
        Some(seed) => seed,
        None => {
            // A seed nobody typed is announced, with where it came from.
            let room = room::seed().map_err(|e| format!("demo image: {e}"))?;
            eprintln!("pqxdh-lab: {room}");
            room.seed
        }
    };
    let d =
        demo::image::run(input.as_deref(), &out, seed).map_err(|e| format!("demo image: {e}"))?;
    output::print(&demo::image::describe(&d, seed), "the report")
        .map_err(|e| format!("demo image: done, but {e}"))?;
    Ok(ExitCode::SUCCESS)
}
