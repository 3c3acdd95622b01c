//! `share`: files sent end to end encrypted through a relay folder. This file
//! picks the folders, draws progress bars, prints results and turns errors
//! into messages; the cryptography is in the library's `share` module.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use pqxdh_lab::share::envelope::MessageType;
use pqxdh_lab::share::{self, DirRelay, inspect};
use rand::TryRngCore;
use rand::rand_core::UnwrapErr;
use rand::rngs::OsRng;

use super::output;

pub(crate) const SHARE_ABOUT: &str = "Send files end to end encrypted through an untrusted relay.

Each person has a home folder with their private keys (never shared) and publishes public \
prekeys on the relay, a plain folder such as a sync folder or a shared drive. Sending a file \
runs PQXDH on first contact (libsignal's process_prekey_bundle), encrypts the file with a fresh \
key (AES-256-GCM in STREAM segments) onto the relay, and sends the key inside a real libsignal \
message, the way Signal sends attachments. The relay sees names, sizes and ciphertext; \
`share inspect` shows exactly what.";

pub(crate) const SHARE_EXAMPLES: &str = "Examples:
  pqxdh-lab share --relay /tmp/relay --home /tmp/homes init alice
  pqxdh-lab share --relay /tmp/relay --home /tmp/homes init bob
  pqxdh-lab share --relay /tmp/relay --home /tmp/homes send --from alice --to bob photo.png
  pqxdh-lab share --relay /tmp/relay --home /tmp/homes receive --as bob --out received/
  pqxdh-lab share inspect /tmp/relay/blobs/<id>.blob

The folders can also come from PQXDH_LAB_RELAY and PQXDH_LAB_HOME; without either, both live \
in your user data folder (for example ~/.local/share/pqxdh-lab on Linux).";

#[derive(Debug, Args)]
pub(crate) struct ShareArgs {
    /// The relay folder (shared between people; holds only public keys and ciphertext).
    #[arg(long, global = true, value_name = "DIR", env = "PQXDH_LAB_RELAY")]
    pub(crate) relay: Option<PathBuf>,

    /// The folder holding each person's private home folder (HOME/NAME, owner-only).
    #[arg(long, global = true, value_name = "DIR", env = "PQXDH_LAB_HOME")]
    pub(crate) home: Option<PathBuf>,

    #[command(subcommand)]
    pub(crate) command: ShareCommand,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ShareCommand {
    /// Create NAME's keys, keep the private halves at home, publish the bundle.
    #[command(after_help = "Example:\n  pqxdh-lab share init bob\n\n\
Creates IK (identity), SPK (signed prekey), PQSPK (signed Kyber1024 prekey) and a batch of \
one-time prekeys OPK. Only public keys and signatures go to the relay.")]
    Init(InitArgs),

    /// Encrypt FILE for someone and put it on the relay.
    #[command(
        after_help = "Example:\n  pqxdh-lab share send --from alice --to bob notes.pdf\n\n\
The first send to someone runs PQXDH from their bundle on the relay; later sends reuse the \
session (plain SignalMessages once they have answered)."
    )]
    Send(SendArgs),

    /// Decrypt every file waiting for NAME on the relay.
    #[command(
        after_help = "Example:\n  pqxdh-lab share receive --as bob --out received/\n\n\
A file is decrypted into a temporary file and gets its name only once every segment and \
the digest verified. A message that fails is reported, changes nothing, and stays on the relay."
    )]
    Receive(ReceiveArgs),

    /// Show what the server sees in a relay object (no keys used, no plaintext).
    #[command(after_help = "Example:\n  pqxdh-lab share inspect /tmp/relay/inbox/bob/<id>.msg")]
    Inspect(InspectArgs),
}

// Each subcommand's arguments; its help text is the variant's, above.

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// A short lowercase name, such as alice.
    pub(crate) name: String,
    /// How many one-time prekeys to publish (each first contact uses one).
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub(crate) one_time_prekeys: u32,
}

#[derive(Debug, Args)]
pub(crate) struct SendArgs {
    /// Who sends: a name made with `share init`, whose home folder is used.
    #[arg(long, value_name = "NAME")]
    pub(crate) from: String,
    /// Who receives: a name that has published keys on the relay.
    #[arg(long, value_name = "NAME")]
    pub(crate) to: String,
    /// The file to send (any size; memory use stays small).
    pub(crate) file: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct ReceiveArgs {
    /// Whose messages to collect: a name made with `share init`.
    #[arg(long = "as", value_name = "NAME")]
    pub(crate) name: String,
    /// Where received files go (created if missing).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub(crate) out: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct InspectArgs {
    /// A file from the relay folder: a .bundle, .opk, .msg or .blob.
    pub(crate) path: PathBuf,
}

/// `share`: runs one subcommand.
pub(crate) fn run(args: ShareArgs) -> Result<ExitCode, String> {
    let ShareArgs {
        relay,
        home,
        command,
    } = args;
    match command {
        ShareCommand::Init(args) => init(Folders::open(relay, home)?, args),
        ShareCommand::Send(args) => send(Folders::open(relay, home)?, args),
        ShareCommand::Receive(args) => receive(Folders::open(relay, home)?, args),
        // It reads one file and uses no keys, so it needs neither folder.
        ShareCommand::Inspect(args) => inspect(args),
    }
}

/// Where `share` keeps things: the relay, and the folder of everyone's homes.
struct Folders {
    relay_dir: PathBuf,
    relay: DirRelay,
    home: PathBuf,
}

impl Folders {
    /// The folders given (flags or environment), else the user's data folder.
    fn open(relay: Option<PathBuf>, home: Option<PathBuf>) -> Result<Self, String> {
        let relay_dir = match relay {
            Some(dir) => dir,
            None => data_dir("relay")?,
        };
        let home = match home {
            Some(dir) => dir,
            None => data_dir("home")?,
        };
        let relay = DirRelay::open(&relay_dir).map_err(|e| e.to_string())?;
        Ok(Self {
            relay_dir,
            relay,
            home,
        })
    }
}

pub(super) fn data_dir(sub: &str) -> Result<PathBuf, String> {
    dirs::data_dir()
        .map(|d| d.join("pqxdh-lab").join(sub))
        .ok_or_else(|| format!("no user data folder is known on this system; pass --{sub}"))
}

/// Real use draws every key from the operating system's generator.
fn os_rng() -> UnwrapErr<OsRng> {
    OsRng.unwrap_err()
}

/// `share init NAME`: make NAME's keys and publish the public halves.
fn init(folders: Folders, args: InitArgs) -> Result<ExitCode, String> {
    let InitArgs {
        name,
        one_time_prekeys,
    } = args;
    let s = share::init(
        &folders.home,
        &folders.relay,
        &name,
        one_time_prekeys,
        &mut os_rng(),
    )
    .map_err(|e| format!("init {name}: {e}"))?;
    let text = format!(
        "{name} is ready.\n  \
           private keys: {home} (owner-only)\n  \
           published on {relay}:\n    \
             IK   {ik}\n    \
             SPK  id {spk} (signed)\n    \
             PQSPK id {pqspk} (Kyber1024, signed)\n    \
             {opks} one-time prekeys OPK\n",
        home = s.home.display(),
        relay = folders.relay_dir.display(),
        ik = hex::encode(&s.identity_key),
        spk = s.signed_pre_key_id,
        pqspk = s.kyber_pre_key_id,
        opks = s.one_time_pre_keys,
    );
    output::print(&text, "the summary").map_err(|e| format!("init {name}: done, but {e}"))?;
    Ok(ExitCode::SUCCESS)
}

/// `share send --from A --to B FILE`: encrypt FILE for B onto the relay.
fn send(folders: Folders, args: SendArgs) -> Result<ExitCode, String> {
    let SendArgs { from, to, file } = args;
    let total = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    let bar = bar(total);
    if let Some(bar) = &bar {
        bar.set_message("encrypting");
    }
    let s = share::send(
        &folders.home,
        &folders.relay,
        &from,
        &to,
        &file,
        SystemTime::now(),
        &mut os_rng(),
        &mut |done, _| {
            if let Some(bar) = &bar {
                bar.set_position(done);
            }
        },
    )
    .map_err(|e| format!("send {} to {to}: {e}", file.display()))?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let mut text = String::new();
    if s.first_contact {
        let _ = writeln!(
            text,
            "First contact: PQXDH with {to}'s bundle ({}).",
            if s.used_one_time_prekey {
                "with a one-time prekey, so DH1–DH4 and Kyber"
            } else {
                "no one-time prekey left, so DH1–DH3 and Kyber"
            }
        );
    }
    let _ = writeln!(
        text,
        "Sent {} ({} bytes) to {to}: blob {} ({} bytes, SHA-256 {}), key in a {} ({} bytes).",
        file.display(),
        s.plaintext_len,
        s.blob_id,
        s.blob_len,
        hex::encode(s.blob_sha256),
        kind(s.message_type),
        s.message_len
    );
    output::print(&text, "the summary")
        .map_err(|e| format!("send {} to {to}: sent, but {e}", file.display()))?;
    Ok(ExitCode::SUCCESS)
}

/// `share receive --as NAME`: decrypt everything waiting for NAME. Exits
/// with 1 if any message was refused (it stays on the relay).
fn receive(folders: Folders, args: ReceiveArgs) -> Result<ExitCode, String> {
    let ReceiveArgs { name, out } = args;
    let mut current: Option<ProgressBar> = None;
    let report = share::receive(
        &folders.home,
        &folders.relay,
        &name,
        &out,
        SystemTime::now(),
        &mut os_rng(),
        &mut |file, done, total| {
            if current.is_none() {
                current = bar(total);
                if let Some(bar) = &current {
                    bar.set_message(format!("decrypting {file}"));
                }
            }
            if let Some(bar) = &current {
                bar.set_position(done);
                if done >= total {
                    bar.finish_and_clear();
                    current = None;
                }
            }
        },
    )
    .map_err(|e| format!("receive as {name}: {e}"))?;
    let mut text = String::new();
    for f in &report.files {
        let _ = writeln!(
            text,
            "Received {} ({} bytes) from {} in a {}.",
            f.path.display(),
            f.size,
            f.from,
            kind(f.message_type)
        );
    }
    if report.files.is_empty() && report.failures.is_empty() {
        let _ = writeln!(text, "Nothing waiting for {name}.");
    }
    // The refusals are reported even if the list above could not be printed.
    let printed = output::print(&text, "the list of received files");
    for (id, e) in &report.failures {
        eprintln!(
            "pqxdh-lab: receive as {name}: message {id} refused: {e}\n  \
             (it stays on the relay as {}; delete that file to discard it)",
            folders.relay.message_path(&name, id).display()
        );
    }
    printed.map_err(|e| format!("receive as {name}: done, but {e}"))?;
    if !report.failures.is_empty() {
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// `share inspect PATH`: what the server can and cannot read in one object.
fn inspect(args: InspectArgs) -> Result<ExitCode, String> {
    let path = &args.path;
    let i = inspect::inspect(path).map_err(|e| format!("inspect {}: {e}", path.display()))?;
    let mut text = String::new();
    let _ = writeln!(text, "{}: {} ({} bytes)", path.display(), i.kind, i.size);
    let _ = writeln!(text, "What the server can read:");
    let width = i
        .lines
        .iter()
        .map(|l| l.label.chars().count())
        .max()
        .unwrap_or(0);
    for l in &i.lines {
        let _ = writeln!(text, "  {:width$}  {}", l.label, l.value);
    }
    let _ = writeln!(text, "What it cannot:");
    for h in &i.hidden {
        let _ = writeln!(text, "  - {h}");
    }
    output::print(&text, "the inspection")
        .map_err(|e| format!("inspect {}: {e}", path.display()))?;
    Ok(ExitCode::SUCCESS)
}

/// Files smaller than this finish before a bar would be readable.
const PROGRESS_MIN_BYTES: u64 = 8 << 20;

/// A progress bar on stderr for a long file, if stderr is a terminal.
fn bar(total: u64) -> Option<ProgressBar> {
    if total < PROGRESS_MIN_BYTES || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{msg} {bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    Some(bar)
}

fn kind(t: MessageType) -> &'static str {
    match t {
        MessageType::PreKey => "PreKeySignalMessage",
        MessageType::Whisper => "SignalMessage",
    }
}
