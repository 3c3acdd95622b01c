//! `share`: files sent end to end encrypted through a relay folder. This file
//! picks the folders, draws progress bars, prints results and turns errors
//! into messages; the cryptography is in the library's `share` module.
//!
//! Everything printed that someone else chose (names in envelopes, file
//! names, errors that quote them) goes through `share::escape`, so a relay
//! cannot drive the terminal.

use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use pqxdh_lab::share::escape::{escaped, escaped_path};
use pqxdh_lab::share::publish::MAX_ONE_TIME_PREKEYS;
use pqxdh_lab::share::safety::{known_key, own_key};
use pqxdh_lab::share::summary::RelaySummary;
use pqxdh_lab::share::trust::{self, Source};
use pqxdh_lab::share::{
    self, Account, DirRelay, HomeError, HttpRelay, Name, Relay, SafetyNumber, ShareError, inspect,
    interrupt,
};
use rand::rand_core::UnwrapErr;
use rand::rngs::OsRng;
use rand::{Rng, TryRngCore};

use super::output;

pub(crate) const SHARE_ABOUT: &str = "Send files end to end encrypted through an untrusted relay.

Each person has a home folder with their private keys (never shared) and publishes public \
prekeys on the relay: a plain folder such as a sync folder or a shared drive, or a relay server \
on the network (`pqxdh-lab relay serve`, then --relay http://HOST:PORT). Sending a file \
runs PQXDH on first contact (libsignal's process_prekey_bundle), encrypts the file with a fresh \
key (AES-256-GCM in STREAM segments) onto the relay, and sends the key inside a real libsignal \
message, the way Signal sends attachments. The relay sees names, sizes and ciphertext; \
`share inspect` shows exactly what. It could also hand out keys of its own at a first contact: \
compare safety numbers (`share safety-number`) to find out.";

pub(crate) const SHARE_EXAMPLES: &str = "Examples:
  pqxdh-lab share --relay /tmp/relay --home /tmp/homes init alice
  pqxdh-lab share --relay /tmp/relay --home /tmp/homes init bob
  pqxdh-lab share --relay /tmp/relay --home /tmp/homes send --from alice --to bob photo.png
  pqxdh-lab share --relay /tmp/relay --home /tmp/homes receive --as bob --out received/
  pqxdh-lab share --relay /tmp/relay --home /tmp/homes safety-number --as bob alice
  pqxdh-lab share inspect /tmp/relay
  pqxdh-lab share inspect /tmp/relay/blobs/<id>.blob
  pqxdh-lab share --relay http://127.0.0.1:8737 --home /tmp/homes init carol
  pqxdh-lab share inspect http://127.0.0.1:8737

The folders can also come from PQXDH_LAB_RELAY and PQXDH_LAB_HOME; without either, both live \
in your user data folder (for example ~/.local/share/pqxdh-lab on Linux). One command at a time \
uses a home: a second one waits. Ctrl-C stops a transfer and leaves no partial file.";

#[derive(Debug, Args)]
pub(crate) struct ShareArgs {
    /// The relay: a folder (shared between people), or http://HOST:PORT of `pqxdh-lab relay
    /// serve`. It holds only public keys and ciphertext.
    #[arg(long, global = true, value_name = "DIR|URL", env = "PQXDH_LAB_RELAY")]
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
one-time prekeys OPK. Only public keys and signatures go to the relay. A name the relay already \
holds for another identity is refused.")]
    Init(InitArgs),

    /// Put NAME's public keys on the relay again, with fresh one-time prekeys.
    #[command(after_help = "Example:\n  pqxdh-lab share publish bob\n\n\
For an init whose relay was not writable, a relay that lost its files, or one-time prekeys that \
ran out. The bundle is rebuilt from the home (nothing is rotated); one-time prekeys still waiting \
on the relay are replaced, and those handed out earlier stay usable.")]
    Publish(PublishArgs),

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

    /// Show the safety number two people compare to detect a key-substituting relay.
    #[command(
        name = "safety-number",
        after_help = "Example:\n  pqxdh-lab share safety-number --as alice bob\n\n\
The 60 digits come from libsignal's fingerprint of both identity keys (5200 rounds of SHA-512, \
the names on the relay as identifiers), computed from the key your sessions use, never from the \
relay's current bundle. Compare them with the other person over a channel the relay does not \
control: the same digits on both screens mean each has the other's real key."
    )]
    SafetyNumber(SafetyNumberArgs),

    /// Accept a changed identity key, after comparing safety numbers.
    #[command(after_help = "Example:\n  pqxdh-lab share trust --as bob alice\n  \
pqxdh-lab share trust --as bob alice --accept \"12345 67890 …\"\n\n\
Without --accept, shows the key you know and every other key the relay offers for the name (in \
its bundle, or in a first message waiting for you), each with its safety number, and changes \
nothing. With --accept and the number you compared, that key is trusted from now on and the \
session on the old key is archived.")]
    Trust(TrustArgs),

    /// Show what the server sees: in a relay object, or in a whole relay (folder or server).
    #[command(after_help = "Examples:\n  pqxdh-lab share inspect /tmp/relay\n  \
pqxdh-lab share inspect /tmp/relay/inbox/bob/<id>.msg\n  \
pqxdh-lab share inspect http://127.0.0.1:8737\n\n\
No key is used: this is what the relay's operator can read.")]
    Inspect(InspectArgs),
}

// Each subcommand's arguments; its help text is the variant's, above.

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// A short lowercase name, such as alice.
    pub(crate) name: String,
    /// How many one-time prekeys to publish (each first contact uses one).
    #[arg(long, default_value_t = 20, value_name = "N",
          value_parser = clap::value_parser!(u32).range(0..=i64::from(MAX_ONE_TIME_PREKEYS)))]
    pub(crate) one_time_prekeys: u32,
    /// Replace keys the relay holds for NAME under another identity (after a reinstall).
    #[arg(long)]
    pub(crate) take_over: bool,
}

#[derive(Debug, Args)]
pub(crate) struct PublishArgs {
    /// Whose keys: a name made with `share init`.
    pub(crate) name: String,
    /// How many fresh one-time prekeys to publish.
    #[arg(long, default_value_t = 20, value_name = "N",
          value_parser = clap::value_parser!(u32).range(0..=i64::from(MAX_ONE_TIME_PREKEYS)))]
    pub(crate) one_time_prekeys: u32,
    /// Replace keys the relay holds for NAME under another identity.
    #[arg(long)]
    pub(crate) take_over: bool,
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
pub(crate) struct SafetyNumberArgs {
    /// Whose home: a name made with `share init`.
    #[arg(long = "as", value_name = "NAME")]
    pub(crate) name: String,
    /// The other person.
    pub(crate) peer: String,
}

#[derive(Debug, Args)]
pub(crate) struct TrustArgs {
    /// Whose home: a name made with `share init`.
    #[arg(long = "as", value_name = "NAME")]
    pub(crate) name: String,
    /// The person whose identity key changed.
    pub(crate) peer: String,
    /// The new safety number, as compared with PEER (60 digits; spaces allowed).
    #[arg(long, value_name = "NUMBER")]
    pub(crate) accept: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct InspectArgs {
    /// A relay folder, a file in it (a .bundle, .opk, .msg or .blob), or a relay server's
    /// http://HOST:PORT.
    pub(crate) path: PathBuf,
}

/// `share`: runs one subcommand.
pub(crate) fn run(args: ShareArgs) -> Result<ExitCode, String> {
    let ShareArgs {
        relay,
        home,
        command,
    } = args;
    catch_interrupts();
    match command {
        ShareCommand::Init(args) => init(Folders::open(relay, home)?, args),
        ShareCommand::Publish(args) => publish(Folders::open(relay, home)?, args),
        ShareCommand::Send(args) => send(Folders::open(relay, home)?, args),
        ShareCommand::Receive(args) => receive(Folders::open(relay, home)?, args),
        ShareCommand::SafetyNumber(args) => safety_number(Folders::open(relay, home)?, args),
        ShareCommand::Trust(args) => trust(Folders::open(relay, home)?, args),
        // It reads the relay only, and uses no keys.
        ShareCommand::Inspect(args) => inspect(args),
    }
}

/// Ctrl-C and SIGTERM set the library's interrupt flag: a transfer stops
/// between two segments and removes its temporary file. A second signal,
/// for a command that does not get that far, ends the process at once.
fn catch_interrupts() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    use signal_hook::flag;
    let requested = interrupt::flag();
    for (signal, code) in [(SIGINT, 130), (SIGTERM, 143)] {
        // Registered first, so that it sees the flag before this signal sets it.
        let _ = flag::register_conditional_shutdown(signal, code, requested.clone());
        let _ = flag::register(signal, requested.clone());
    }
}

/// Exit status of a command stopped by Ctrl-C (128 + SIGINT, as shells report it).
const INTERRUPTED: u8 = 130;

/// A line on standard error that never panics (even with stderr closed or full).
fn note(text: &str) {
    let _ = writeln!(io::stderr().lock(), "{text}");
}

/// The command's error as a message, or a quiet exit for an interruption.
fn failed(context: &str, e: ShareError) -> Result<ExitCode, String> {
    if matches!(e, ShareError::Interrupted) {
        note(&format!("pqxdh-lab: {context}: {e}"));
        return Ok(ExitCode::from(INTERRUPTED));
    }
    // The message may quote other people's text: escaped once more as a whole.
    Err(format!("{context}: {}", escaped(&e.to_string())))
}

/// Said once when a command has to wait for NAME's home.
fn waiting_notice(name: &str, told: &mut bool) {
    if !*told {
        note(&format!(
            "pqxdh-lab: waiting for another command using {}'s home to finish…",
            escaped(name)
        ));
        *told = true;
    }
}

/// Runs `attempt` until NAME's home is free: one command at a time uses a
/// home, and a second one waits for the first rather than failing.
fn waiting_for_home<T>(
    name: &str,
    mut attempt: impl FnMut() -> Result<T, ShareError>,
) -> Result<T, ShareError> {
    let mut told = false;
    loop {
        match attempt() {
            Err(ShareError::Home(HomeError::Busy { .. })) => {
                if interrupt::requested() {
                    return Err(ShareError::Interrupted);
                }
                waiting_notice(name, &mut told);
                // A little randomness, so that waiting commands do not retry in step.
                std::thread::sleep(Duration::from_millis(rand::rng().random_range(10..40)));
            }
            other => return other,
        }
    }
}

/// Where `share` keeps things: the relay, and the folder of everyone's homes.
struct Folders {
    /// The relay as the user gave it: a folder, or a server's address.
    relay_label: String,
    relay: RelayAt,
    home: PathBuf,
}

/// A relay folder, or a relay server.
enum RelayAt {
    Folder(DirRelay),
    Server(HttpRelay),
}

impl RelayAt {
    fn relay(&self) -> &dyn Relay {
        match self {
            Self::Folder(relay) => relay,
            Self::Server(relay) => relay,
        }
    }
}

/// Whether the user gave a relay server's address rather than a folder.
fn is_url(path: &Path) -> bool {
    path.to_str().is_some_and(|p| {
        let p = p.to_ascii_lowercase();
        p.starts_with("http://") || p.starts_with("https://")
    })
}

impl Folders {
    /// The folders given (flags or environment), else the user's data folder.
    fn open(relay: Option<PathBuf>, home: Option<PathBuf>) -> Result<Self, String> {
        let relay = match relay {
            Some(dir) => dir,
            None => data_dir("relay")?,
        };
        let home = match home {
            Some(dir) => dir,
            None => data_dir("home")?,
        };
        let (relay_label, relay) = match relay.to_str() {
            Some(url) if is_url(&relay) => {
                let server = HttpRelay::new(url).map_err(|e| e.to_string())?;
                (server.url().to_string(), RelayAt::Server(server))
            }
            _ => (
                escaped_path(&relay),
                RelayAt::Folder(DirRelay::open(&relay).map_err(|e| e.to_string())?),
            ),
        };
        Ok(Self {
            relay_label,
            relay,
            home,
        })
    }

    fn relay(&self) -> &dyn Relay {
        self.relay.relay()
    }

    /// Where a waiting message can be found, to discard it by hand.
    fn message_place(&self, name: &str, id: &str) -> String {
        match &self.relay {
            RelayAt::Folder(relay) => format!(
                "{}; delete that file to discard it",
                escaped_path(&relay.message_path(name, id))
            ),
            RelayAt::Server(relay) => format!("in {name}'s inbox at {}", relay.url()),
        }
    }

    /// NAME's account, once no other command uses NAME's home.
    fn account<'a>(
        &'a self,
        name: &str,
        rng: &'a mut UnwrapErr<OsRng>,
    ) -> Result<Account<'a>, ShareError> {
        let mut told = false;
        Account::load_waiting(
            &self.home,
            name,
            self.relay(),
            SystemTime::now,
            rng,
            &mut || waiting_notice(name, &mut told),
        )
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
        take_over,
    } = args;
    let context = format!("init {}", escaped(&name));
    let mut rng = os_rng();
    let made = waiting_for_home(&name, || {
        let make = if take_over {
            share::init_taking_over
        } else {
            share::init
        };
        make(
            &folders.home,
            folders.relay(),
            &name,
            one_time_prekeys,
            &mut rng,
        )
    });
    let s = match made {
        Ok(s) => s,
        Err(e) => return failed(&context, e),
    };
    if take_over {
        note(&format!(
            "pqxdh-lab: WARNING: {name}'s keys on the relay were replaced by new ones. Everyone \
             who wrote to {name} before now refuses them until they compare safety numbers with \
             you and run `pqxdh-lab share trust --as THEIR-NAME {name}`."
        ));
    }
    let text = format!(
        "{name} is ready.\n  \
           private keys: {home} (owner-only)\n  \
           published on {relay}:\n    \
             IK   {ik}\n    \
             SPK  id {spk} (signed)\n    \
             PQSPK id {pqspk} (Kyber1024, signed)\n    \
             {opks} one-time prekeys OPK\n",
        home = escaped_path(&s.home),
        relay = folders.relay_label,
        ik = hex::encode(&s.identity_key),
        spk = s.signed_pre_key_id,
        pqspk = s.kyber_pre_key_id,
        opks = s.one_time_pre_keys,
    );
    output::print(&text, "the summary").map_err(|e| format!("{context}: done, but {e}"))?;
    Ok(ExitCode::SUCCESS)
}

/// `share publish NAME`: NAME's bundle on the relay again, fresh prekeys.
fn publish(folders: Folders, args: PublishArgs) -> Result<ExitCode, String> {
    let PublishArgs {
        name,
        one_time_prekeys,
        take_over,
    } = args;
    let context = format!("publish {}", escaped(&name));
    let mut rng = os_rng();
    let s = match folders
        .account(&name, &mut rng)
        .and_then(|mut account| share::publish(&mut account, one_time_prekeys, take_over))
    {
        Ok(s) => s,
        Err(e) => return failed(&context, e),
    };
    let text = format!(
        "{name}'s keys are on {relay}:\n    \
           IK   {ik}\n    \
           SPK  id {spk} (signed)\n    \
           PQSPK id {pqspk} (Kyber1024, signed)\n    \
           {fresh} fresh one-time prekeys OPK\n  \
         {withdrawn} one-time prekeys still waiting were withdrawn (their private halves deleted);\n  \
         {kept} handed out earlier keep their private halves, for first messages on their way.\n",
        relay = folders.relay_label,
        ik = hex::encode(&s.identity_key),
        spk = s.signed_pre_key_id,
        pqspk = s.kyber_pre_key_id,
        fresh = s.published,
        withdrawn = s.withdrawn,
        kept = s.kept,
    );
    output::print(&text, "the summary").map_err(|e| format!("{context}: done, but {e}"))?;
    Ok(ExitCode::SUCCESS)
}

/// `share send --from A --to B FILE`: encrypt FILE for B onto the relay.
fn send(folders: Folders, args: SendArgs) -> Result<ExitCode, String> {
    let SendArgs { from, to, file } = args;
    let context = format!("send {} to {}", escaped_path(&file), escaped(&to));
    let total = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    let bar = bar(total);
    if let Some(bar) = &bar {
        bar.set_message("encrypting");
    }
    let mut rng = os_rng();
    let sent = folders.account(&from, &mut rng).and_then(|mut account| {
        share::send(&mut account, &to, &file, &mut |done, _| {
            if let Some(bar) = &bar {
                bar.set_position(done);
            }
        })
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let s = match sent {
        Ok(s) => s,
        Err(e) => return failed(&context, e),
    };
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
        escaped_path(&file),
        s.plaintext_len,
        s.blob_id,
        s.blob_len,
        hex::encode(s.blob_sha256),
        s.message_type.libsignal_name(),
        s.message_len
    );
    output::print(&text, "the summary").map_err(|e| format!("{context}: sent, but {e}"))?;
    Ok(ExitCode::SUCCESS)
}

/// `share receive --as NAME`: decrypt everything waiting for NAME. Exits
/// with 1 if any message was refused (it stays on the relay).
fn receive(folders: Folders, args: ReceiveArgs) -> Result<ExitCode, String> {
    let ReceiveArgs { name, out } = args;
    let context = format!("receive as {}", escaped(&name));
    let mut current: Option<ProgressBar> = None;
    let mut rng = os_rng();
    let received = folders.account(&name, &mut rng).and_then(|mut account| {
        share::receive(&mut account, &out, &mut |file, done, total| {
            if current.is_none() {
                current = bar(total);
                if let Some(bar) = &current {
                    // `file` is already a safe file name (no control characters).
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
        })
    });
    if let Some(bar) = current {
        bar.finish_and_clear();
    }
    let report = match received {
        Ok(report) => report,
        Err(e) => return failed(&context, e),
    };
    let mut text = String::new();
    for f in &report.files {
        let _ = writeln!(
            text,
            "Received {} ({} bytes) from {} in a {}.",
            escaped_path(&f.path),
            f.size,
            f.from,
            f.message_type.libsignal_name()
        );
    }
    for done in &report.already_received {
        let _ = writeln!(
            text,
            "Message {} from {} was received before and was still on the relay; {}.",
            done.message_id,
            done.from,
            match &done.not_removed {
                None => "removed it from the relay now".to_string(),
                Some(e) => format!("it could not be removed: {}", escaped(&e.to_string())),
            }
        );
    }
    if report.files.is_empty() && report.failures.is_empty() && report.already_received.is_empty() {
        let _ = writeln!(text, "Nothing waiting for {name}.");
    }
    // The problems are reported even if the list above could not be printed.
    let printed = output::print(&text, "the list of received files");
    for f in &report.files {
        for problem in &f.afterwards {
            note(&format!(
                "pqxdh-lab: {context}: {} is received, but {}",
                escaped_path(&f.path),
                escaped(&problem.to_string())
            ));
        }
    }
    for (id, e) in &report.failures {
        note(&format!(
            "pqxdh-lab: {context}: message {id} refused: {}\n  \
             (it stays on the relay, {})",
            escaped(&e.to_string()),
            folders.message_place(&name, id)
        ));
    }
    printed.map_err(|e| format!("{context}: done, but {e}"))?;
    if !report.failures.is_empty() {
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// A safety number as people read it aloud: three rows of four groups.
fn number_block(number: &SafetyNumber) -> String {
    number
        .rows()
        .iter()
        .map(|row| format!("    {row}\n"))
        .collect()
}

/// A key as a short hex string.
fn short_key(bytes: &[u8]) -> String {
    pqxdh_lab::views::hexfmt::short_hex(bytes, 21)
}

/// `share safety-number --as A B`: the 60 digits A and B compare.
fn safety_number(folders: Folders, args: SafetyNumberArgs) -> Result<ExitCode, String> {
    let SafetyNumberArgs { name, peer } = args;
    let context = format!("safety-number as {}", escaped(&name));
    let mut rng = os_rng();
    let computed = folders.account(&name, &mut rng).and_then(|account| {
        let peer = Name::new(&peer)?;
        let number = share::safety_number(&account, &peer)?;
        let theirs = known_key(&account, &peer).map(|k| k.serialize());
        Ok((number, own_key(&account).serialize(), theirs))
    });
    let (number, mine, theirs) = match computed {
        Ok(found) => found,
        Err(e) => return failed(&context, e),
    };
    let text = format!(
        "Safety number of {name} and {peer}:\n\n{block}\n\
         {peer} runs `pqxdh-lab share safety-number --as {peer} {name}` and must see the same \
         60 digits.\nCompare them in person or over a channel the relay does not control (a \
         call, a meeting).\nDifferent digits: one of you was given keys that are not the \
         other's, so someone in between\n(the relay) can read what you send each other.\n\n\
         Computed from {name}'s IK {mine} and the IK {name}'s sessions use for {peer},\n\
         {theirs}, never from the relay's current bundle.\n",
        block = number_block(&number),
        mine = short_key(&mine),
        theirs = theirs.map(|k| short_key(&k)).unwrap_or_default(),
    );
    output::print(&text, "the safety number").map_err(|e| format!("{context}: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

/// `share trust --as A B [--accept NUMBER]`: see or accept a changed key.
fn trust(folders: Folders, args: TrustArgs) -> Result<ExitCode, String> {
    let TrustArgs { name, peer, accept } = args;
    let context = format!("trust as {}", escaped(&name));
    let mut rng = os_rng();
    let accept = match accept.as_deref().map(SafetyNumber::parse) {
        None => None,
        Some(Some(number)) => Some(number),
        Some(None) => {
            return Err(format!(
                "{context}: --accept takes the 60-digit safety number (spaces allowed)"
            ));
        }
    };
    let mut text = String::new();
    let done = folders.account(&name, &mut rng).and_then(|mut account| {
        let peer = Name::new(&peer)?;
        let review = trust::review(&account, &peer)?;
        match &review.known {
            Some((key, number)) => {
                let _ = writeln!(
                    text,
                    "{name} knows {peer} by IK {}, safety number\n{}",
                    short_key(&key.serialize()),
                    number_block(number)
                );
            }
            None => {
                let _ = writeln!(text, "{name} has no identity key for {peer} yet.\n");
            }
        }
        if review.offered.is_empty() {
            let _ = writeln!(
                text,
                "The relay offers no other identity key for {peer}: nothing to trust."
            );
            return Ok(());
        }
        let Some(number) = &accept else {
            for o in &review.offered {
                let seen: Vec<String> = o
                    .seen_in
                    .iter()
                    .map(|s| match s {
                        Source::Bundle => format!("{peer}'s bundle on the relay"),
                        Source::Message(id) => format!("first message {id} in {name}'s inbox"),
                    })
                    .collect();
                let _ = writeln!(
                    text,
                    "Offered instead: IK {} (in {}), safety number\n{}",
                    short_key(&o.identity_key.serialize()),
                    seen.join(", "),
                    number_block(&o.safety_number)
                );
            }
            let _ = writeln!(
                text,
                "Nothing was changed. Compare the new number with {peer} over a channel the relay \
                 does not control\n(`pqxdh-lab share safety-number --as {peer} {name}` on their \
                 side). If it is the same, accept that key:\n  \
                 pqxdh-lab share trust --as {name} {peer} --accept \"NUMBER\""
            );
            return Ok(());
        };
        let chosen = trust::accept(&mut account, &peer, number)?;
        let _ = writeln!(
            text,
            "{name} now trusts IK {} for {peer}, safety number\n{}\
             The session on the old key is archived; the next message starts a new one.",
            short_key(&chosen.identity_key.serialize()),
            number_block(&chosen.safety_number)
        );
        Ok(())
    });
    if let Err(e) = done {
        return failed(&context, e);
    }
    output::print(&text, "the keys").map_err(|e| format!("{context}: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

/// `share inspect PATH`: what the server can and cannot read, in one object
/// or in a whole relay folder.
fn inspect(args: InspectArgs) -> Result<ExitCode, String> {
    let path = &args.path;
    let context = format!("inspect {}", escaped_path(path));
    let whole =
        if is_url(path) {
            let url = path.to_string_lossy();
            Some(HttpRelay::new(&url).and_then(|relay| {
                Ok((format!("{}: a relay server", relay.url()), relay.summary()?))
            }))
        } else if path.is_dir() {
            Some(DirRelay::existing(path).and_then(|relay| {
                Ok((
                    format!("{}: a relay folder", escaped_path(path)),
                    relay.summary()?,
                ))
            }))
        } else {
            None
        };
    if let Some(whole) = whole {
        let (what, summary) = match whole {
            Ok(found) => found,
            Err(e) => return failed(&context, e.into()),
        };
        let text = describe_relay(&what, &summary, SystemTime::now());
        output::print(&text, "the summary").map_err(|e| format!("{context}: {e}"))?;
        return Ok(ExitCode::SUCCESS);
    }
    let i = match inspect::inspect(path) {
        Ok(i) => i,
        Err(e) => return failed(&context, e),
    };
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{}: {} ({} bytes)",
        escaped_path(path),
        i.kind,
        i.size
    );
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
    output::print(&text, "the inspection").map_err(|e| format!("{context}: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

/// How long ago `time` (seconds since 1970) was.
fn ago(time: Option<u64>, now: SystemTime) -> String {
    let now = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let Some(secs) = time.map(|t| now.saturating_sub(t)) else {
        return "time unknown".into();
    };
    match secs {
        0..60 => format!("{secs} s ago"),
        60..3600 => format!("{} min ago", secs / 60),
        3600..86_400 => format!("{} h ago", secs / 3600),
        _ => format!("{} days ago", secs / 86_400),
    }
}

/// A relay as its operator sees it. Names and ids from the relay are
/// escaped: a relay's file names and envelopes are anyone's to write.
fn describe_relay(what: &str, s: &RelaySummary, now: SystemTime) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{what}, as its operator sees it ({} users, {} blobs)\n",
        s.users.len(),
        s.blobs.len()
    );
    for u in &s.users {
        let ik = match &u.identity_key {
            Some(ik) => format!("IK {}", short_key(&hex::decode(ik).unwrap_or_default())),
            None => "no bundle".into(),
        };
        let _ = writeln!(
            text,
            "{}  {ik}  {} one-time prekeys left  {} waiting",
            escaped(&u.name),
            u.prekeys_left,
            u.waiting.len()
        );
        for m in &u.waiting {
            let _ = writeln!(
                text,
                "  message {}: {} → {}, {}, {}, {} bytes, {}",
                escaped(&m.id),
                escaped(&m.from),
                escaped(&m.to),
                m.kind,
                m.message_type,
                m.size,
                ago(m.time, now)
            );
        }
    }
    if !s.blobs.is_empty() {
        let _ = writeln!(text, "\nblobs (encrypted files):");
        for b in &s.blobs {
            let _ = writeln!(
                text,
                "  {}  {} bytes, {}, first bytes {}",
                escaped(&b.id),
                b.size,
                ago(b.time, now),
                b.first_bytes
            );
        }
    }
    if !s.refused.is_empty() {
        let _ = writeln!(text, "\nnot what their place says (refused unread):");
        for r in &s.refused {
            let _ = writeln!(text, "  {}: {}", escaped(&r.path), escaped(&r.reason));
        }
    }
    let _ = writeln!(text, "\nWhat the operator learns from this:");
    for line in s.learns() {
        let _ = writeln!(text, "  - {}", escaped(&line));
    }
    let _ = writeln!(
        text,
        "What it cannot read: {}.",
        share::summary::CANNOT_SEE.join(", ")
    );
    text
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
