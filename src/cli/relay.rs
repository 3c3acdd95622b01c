//! `relay serve`: the relay over the network, for a classroom. The server
//! itself is the library's `relay` module; here are its arguments and the
//! startup lines that tell the room where it is.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use pqxdh_lab::relay::limits::DEFAULT_MAX_BLOB_MIB;
use pqxdh_lab::relay::{Config, Server, student_urls};
use pqxdh_lab::share::escape::escaped_path;

use super::share::data_dir;

pub(crate) const RELAY_ABOUT: &str = "Run the relay as a server on the network, for a classroom.

`relay serve` stores what a relay folder stores (bundles, one-time prekeys, messages, encrypted \
files) in a folder, and serves it over plain HTTP: every `share` command takes --relay \
http://HOST:PORT as well as a folder. Its page, http://HOST:PORT/, shows live what the server \
holds and what it learns from it, for a projector.

Only a name's owner may replace its bundle, read its inbox or delete its messages: the relay \
learns each name's identity key from its first bundle (trust on first use) and wants those \
requests signed with it, on a fresh single-use nonce. Anyone may fetch a bundle, claim a \
one-time prekey (each is handed out once) and post a message.

Plain HTTP: the files are end-to-end encrypted, but names, sizes, times and addresses are \
visible to the server and to anyone on the network.";

pub(crate) const RELAY_EXAMPLES: &str = "Examples:
  pqxdh-lab relay serve                               this computer only (127.0.0.1:8737)
  pqxdh-lab relay serve --listen 0.0.0.0:8737         the classroom: every network of this computer
  pqxdh-lab share --relay http://127.0.0.1:8737 init alice

The relay's folder defaults to the relay folder of `share` (PQXDH_LAB_RELAY, or your user data \
folder); `pqxdh-lab share inspect DIR` reads it too.";

/// The port `relay serve` listens on unless told otherwise.
pub(crate) const DEFAULT_LISTEN: &str = "127.0.0.1:8737";

#[derive(Debug, Args)]
pub(crate) struct RelayArgs {
    #[command(subcommand)]
    pub(crate) command: RelayCommand,
}

#[derive(Debug, Subcommand)]
pub(crate) enum RelayCommand {
    /// Serve a relay over HTTP, with a live page of what the server sees.
    #[command(after_help = "Examples:\n  pqxdh-lab relay serve\n  \
pqxdh-lab relay serve --listen 0.0.0.0:8737 --dir /tmp/classroom-relay\n\n\
127.0.0.1 (the default) reaches this computer only. --listen 0.0.0.0:PORT is the classroom's \
choice: every computer on the same network can then reach the relay, and the startup lines say \
which address to give them. The relay runs until Ctrl-C; what it stores stays in --dir.")]
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Address and port to listen on (0.0.0.0:PORT: every network of this computer).
    #[arg(long, value_name = "ADDR:PORT", default_value = DEFAULT_LISTEN)]
    pub(crate) listen: String,
    /// The folder that stores what the relay holds.
    #[arg(long, value_name = "DIR", env = "PQXDH_LAB_RELAY")]
    pub(crate) dir: Option<PathBuf>,
    /// The largest encrypted file accepted, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = DEFAULT_MAX_BLOB_MIB,
          value_parser = clap::value_parser!(u64).range(1..=1 << 20))]
    pub(crate) max_file_mib: u64,
}

pub(crate) fn run(args: RelayArgs) -> Result<ExitCode, String> {
    match args.command {
        RelayCommand::Serve(args) => serve(args),
    }
}

fn serve(args: ServeArgs) -> Result<ExitCode, String> {
    let ServeArgs {
        listen,
        dir,
        max_file_mib,
    } = args;
    if listen.starts_with("http") {
        return Err(format!(
            "relay serve: --listen takes an address and a port, such as 0.0.0.0:8737, not \
             '{listen}'"
        ));
    }
    let dir = match dir {
        Some(dir) => dir,
        None => data_dir("relay")?,
    };
    let config = Config {
        listen,
        dir: dir.clone(),
        max_blob: max_file_mib << 20,
    };
    let server = Server::bind(&config).map_err(|e| format!("relay serve: {e}"))?;
    let local = server
        .local_addr()
        .map_err(|e| format!("relay serve: {e}"))?;
    let urls = student_urls(local);
    let main = urls.first().cloned().unwrap_or_default();
    // The first line is the one to read out (and the one tests parse).
    println!("pqxdh-lab relay: students use --relay {main}");
    if urls.len() > 1 {
        println!(
            "  other addresses of this computer: {}",
            urls[1..].join(", ")
        );
    }
    if local.ip().is_loopback() {
        println!(
            "  {} reaches this computer only; for the room: --listen 0.0.0.0:{}",
            local.ip(),
            local.port()
        );
    }
    println!("  the page for the projector: {main}/");
    println!("  storing in {}", escaped_path(&dir));
    println!(
        "  plain HTTP: the files are end-to-end encrypted; names, sizes, times and addresses \
         are visible to this server and to the network"
    );
    println!("  Ctrl-C stops the relay; what it stores stays.");
    server.run().map_err(|e| format!("relay serve: {e}"))?;
    Ok(ExitCode::SUCCESS)
}
