//! `conversation`: after the handshake, Alice and Bob exchange messages through
//! libsignal's sessions; every message's keys are recomputed and checked, and
//! with `--compromise-at` a ledger says which messages a thief of one party's
//! session state can read.

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use pqxdh_lab::conversation::{self, Compromise, ConversationOptions, Party, Pattern};
use pqxdh_lab::room::SeedSource;
use pqxdh_lab::views::{conversation_json, conversation_plain};

use super::handshake::{Format, RunArgs};
use super::output;

pub(crate) const ABOUT: &str = "After the handshake: Alice and Bob exchange messages \
through libsignal's Double Ratchet and SPQR, every message's keys recomputed and checked.

Message 1 is the handshake's first message, byte for byte. For each message the output shows \
who sends, the counters, the ratchet key and whether it starts a new sending chain (a DH \
ratchet step), the chain key, the message key seed, cipher key, MAC key and IV, the SPQR key \
that salts them (or that there is none), the SPQR state in words and every byte of the \
message. Each message's MAC and ciphertext are checked against keys recomputed outside \
libsignal's session API; a mismatch fails loudly (exit status 1).

With --compromise-at K --who alice|bob, an attacker copies that party's whole session state \
right after message K, and a ledger says, for every message, whether the attacker can read it: \
decided by trying to derive the keys and decrypt, never by rule. --quantum lets the attacker \
also break every X25519 key it sees.";

pub(crate) const EXAMPLES: &str = "Examples:
  pqxdh-lab conversation --seed 7
  pqxdh-lab conversation --seed 7 --pattern alice-only --messages 20
  pqxdh-lab conversation --seed 7 --compromise-at 4 --who bob
  pqxdh-lab conversation --seed 7 --messages 400 --compromise-at 10 --who bob --quantum
  pqxdh-lab conversation --seed 7 --format json > conversation.json";

#[derive(Debug, Args)]
pub(crate) struct ConversationArgs {
    #[command(flatten)]
    run: RunArgs,

    /// How many messages, counting the handshake's first message as 1.
    #[arg(long, value_name = "N", default_value_t = 12)]
    messages: usize,

    /// Who sends when: strict alternation, Alice only (Bob never replies), runs of
    /// three each way, or alternation with one message delivered late.
    #[arg(long, value_enum, default_value_t = PatternArg::PingPong)]
    pattern: PatternArg,

    /// An attacker copies a party's session state right after message K.
    #[arg(long, value_name = "K", requires = "who")]
    compromise_at: Option<usize>,

    /// Whose session state the attacker copies.
    #[arg(long, value_enum, requires = "compromise_at")]
    who: Option<PartyArg>,

    /// The attacker also breaks every X25519 key it sees (a quantum computer):
    /// then only SPQR can heal the session.
    #[arg(long, requires = "compromise_at")]
    quantum: bool,

    /// text: for reading (and screen readers); json: every value as lowercase hex.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum PatternArg {
    PingPong,
    AliceOnly,
    Bursts,
    Late,
}

impl From<PatternArg> for Pattern {
    fn from(p: PatternArg) -> Self {
        match p {
            PatternArg::PingPong => Pattern::PingPong,
            PatternArg::AliceOnly => Pattern::AliceOnly,
            PatternArg::Bursts => Pattern::Bursts,
            PatternArg::Late => Pattern::Late,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum PartyArg {
    Alice,
    Bob,
}

impl From<PartyArg> for Party {
    fn from(p: PartyArg) -> Self {
        match p {
            PartyArg::Alice => Party::Alice,
            PartyArg::Bob => Party::Bob,
        }
    }
}

/// Runs the conversation and prints it; exits 1 when a check failed.
pub(crate) fn run(args: ConversationArgs) -> Result<ExitCode, String> {
    let (run, seed) = args.run.options()?;
    // A seed nobody typed is announced on stderr with where it came from.
    if seed.source != SeedSource::CommandLine {
        eprintln!(
            "pqxdh-lab: {seed}; replay with: pqxdh-lab conversation {}",
            run.replay_flags()
        );
    }
    let compromise = match (args.compromise_at, args.who) {
        (Some(at), Some(who)) => Some(Compromise {
            at,
            who: who.into(),
        }),
        _ => None,
    };
    let options = ConversationOptions {
        seed: run.seed,
        one_time_prekey: run.one_time_prekey,
        messages: args.messages,
        pattern: args.pattern.into(),
        compromise,
        quantum: args.quantum,
    };
    let c = conversation::run(options).map_err(|e| format!("conversation: {e}"))?;
    let text = match args.format {
        Format::Text => conversation_plain::render(&c),
        Format::Json => conversation_json::render(&c),
    };
    output::print(&text, "the conversation")?;
    if !c.checks_passed() {
        return Err(
            "a check of the recomputed keys FAILED: the values above cannot be trusted as \
             libsignal's. Please report this with the seed."
                .to_string(),
        );
    }
    Ok(ExitCode::SUCCESS)
}
