//! Arguments of `share` and `demo`: kept apart from `cli.rs` so that each
//! command family reads on its own.

use std::path::PathBuf;

use clap::{Args, Subcommand};

pub const SHARE_ABOUT: &str = "Send files end to end encrypted through an untrusted relay.

Each person has a home folder with their private keys (never shared) and publishes public \
prekeys on the relay, a plain folder such as a sync folder or a shared drive. Sending a file \
runs PQXDH on first contact (libsignal's process_prekey_bundle), encrypts the file with a fresh \
key (AES-256-GCM in STREAM segments) onto the relay, and sends the key inside a real libsignal \
message, the way Signal sends attachments. The relay sees names, sizes and ciphertext; \
`share inspect` shows exactly what.";

pub const SHARE_EXAMPLES: &str = "Examples:
  pqxdh-lab share --relay /tmp/relay --home /tmp/homes init alice
  pqxdh-lab share --relay /tmp/relay --home /tmp/homes init bob
  pqxdh-lab share --relay /tmp/relay --home /tmp/homes send --from alice --to bob photo.png
  pqxdh-lab share --relay /tmp/relay --home /tmp/homes receive --as bob --out received/
  pqxdh-lab share inspect /tmp/relay/blobs/<id>.blob

The folders can also come from PQXDH_LAB_RELAY and PQXDH_LAB_HOME; without either, both live \
in your user data folder (for example ~/.local/share/pqxdh-lab on Linux).";

#[derive(Debug, Args)]
pub struct ShareArgs {
    /// The relay folder (shared between people; holds only public keys and ciphertext).
    #[arg(long, global = true, value_name = "DIR", env = "PQXDH_LAB_RELAY")]
    pub relay: Option<PathBuf>,

    /// The folder holding each person's private home folder (HOME/NAME, owner-only).
    #[arg(long, global = true, value_name = "DIR", env = "PQXDH_LAB_HOME")]
    pub home: Option<PathBuf>,

    #[command(subcommand)]
    pub command: ShareCommand,
}

#[derive(Debug, Subcommand)]
pub enum ShareCommand {
    /// Create NAME's keys, keep the private halves at home, publish the bundle.
    #[command(after_help = "Example:\n  pqxdh-lab share init bob\n\n\
Creates IK (identity), SPK (signed prekey), PQSPK (signed Kyber1024 prekey) and a batch of \
one-time prekeys OPK. Only public keys and signatures go to the relay.")]
    Init {
        /// A short lowercase name, such as alice.
        name: String,
        /// How many one-time prekeys to publish (each first contact uses one).
        #[arg(long, default_value_t = 20, value_name = "N")]
        one_time_prekeys: u32,
    },
    /// Encrypt FILE for someone and put it on the relay.
    #[command(
        after_help = "Example:\n  pqxdh-lab share send --from alice --to bob notes.pdf\n\n\
The first send to someone runs PQXDH from their bundle on the relay; later sends reuse the \
session (plain SignalMessages once they have answered)."
    )]
    Send {
        /// Who sends: a name made with `share init`, whose home folder is used.
        #[arg(long, value_name = "NAME")]
        from: String,
        /// Who receives: a name that has published keys on the relay.
        #[arg(long, value_name = "NAME")]
        to: String,
        /// The file to send (any size; memory use stays small).
        file: PathBuf,
    },
    /// Decrypt every file waiting for NAME on the relay.
    #[command(
        after_help = "Example:\n  pqxdh-lab share receive --as bob --out received/\n\n\
A file is decrypted into a temporary file and gets its name only once every segment and \
the digest verified. A message that fails is reported, changes nothing, and stays on the relay."
    )]
    Receive {
        /// Whose messages to collect: a name made with `share init`.
        #[arg(long = "as", value_name = "NAME")]
        name: String,
        /// Where received files go (created if missing).
        #[arg(long, value_name = "DIR", default_value = ".")]
        out: PathBuf,
    },
    /// Show what the server sees in a relay object (no keys used, no plaintext).
    #[command(after_help = "Example:\n  pqxdh-lab share inspect /tmp/relay/inbox/bob/<id>.msg")]
    Inspect {
        /// A file from the relay folder: a .bundle, .opk, .msg or .blob.
        path: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(subcommand)]
    pub command: DemoCommand,
}

#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Alice sends Bob an image through a relay; see what the server holds.
    #[command(
        after_help = "Example:\n  pqxdh-lab demo image --seed 7 --out demo/\n\n\
Writes original.png, server-view.png (the encrypted blob's bytes drawn as pixels: noise) and \
decrypted.png, and prints the SHA-256 of each. The same seed gives the same bytes everywhere."
    )]
    Image {
        /// A PNG to send instead of the generated sample.
        #[arg(long, value_name = "FILE")]
        input: Option<PathBuf>,
        /// Where the three pictures go.
        #[arg(long, value_name = "DIR", default_value = "pqxdh-demo")]
        out: PathBuf,
        /// Fix every random choice (keys, file key), so every machine shows the same bytes.
        #[arg(long, value_name = "N", default_value_t = 1)]
        seed: u64,
    },
}
