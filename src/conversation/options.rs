//! What a conversation run is asked to do: the seed, the traffic pattern, and
//! optionally an attacker who steals one party's session state.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// The two people talking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Party {
    Alice,
    Bob,
}

impl Party {
    pub fn name(self) -> &'static str {
        match self {
            Party::Alice => "Alice",
            Party::Bob => "Bob",
        }
    }

    /// The other one.
    pub fn peer(self) -> Party {
        match self {
            Party::Alice => Party::Bob,
            Party::Bob => Party::Alice,
        }
    }
}

impl fmt::Display for Party {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(match self {
            Party::Alice => "alice",
            Party::Bob => "bob",
        })
    }
}

impl FromStr for Party {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "alice" => Ok(Party::Alice),
            "bob" => Ok(Party::Bob),
            _ => Err(format!("unknown party {s:?}: use alice or bob")),
        }
    }
}

/// Who sends when, and in which order the server delivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pattern {
    /// Strict alternation: Alice, Bob, Alice, …
    PingPong,
    /// Bob never replies.
    AliceOnly,
    /// Runs of three messages each way.
    Bursts,
    /// Alternation, but the server holds one of Alice's messages back and
    /// delivers it after later ones.
    Late,
}

impl Pattern {
    pub const ALL: [Pattern; 4] = [
        Pattern::PingPong,
        Pattern::AliceOnly,
        Pattern::Bursts,
        Pattern::Late,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Pattern::PingPong => "ping-pong",
            Pattern::AliceOnly => "alice-only",
            Pattern::Bursts => "bursts",
            Pattern::Late => "late",
        }
    }

    /// One line for lists and help texts.
    pub fn about(self) -> &'static str {
        match self {
            Pattern::PingPong => "strict alternation: Alice, Bob, Alice, …",
            Pattern::AliceOnly => "Alice writes, Bob never replies",
            Pattern::Bursts => "runs of three messages each way",
            Pattern::Late => {
                "alternation; the server holds one of Alice's messages back and delivers it later"
            }
        }
    }

    /// The fewest messages the pattern needs to be itself.
    pub fn min_messages(self) -> usize {
        match self {
            // Held back at 3, overtaken by 4 and 5.
            Pattern::Late => 5,
            _ => 1,
        }
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Pattern {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Pattern::ALL
            .into_iter()
            .find(|p| p.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Pattern::ALL.iter().map(|p| p.name()).collect();
                format!("unknown pattern {s:?}: use one of {}", names.join(", "))
            })
    }
}

/// An attacker copies one party's whole session state right after message
/// `at` has been sent and received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Compromise {
    /// A message number, from 1.
    pub at: usize,
    pub who: Party,
}

/// The most messages one run makes (a 1000-message run takes well under a
/// second; this bound keeps a typo from taking minutes).
pub const MAX_MESSAGES: usize = 10_000;

/// How to run a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConversationOptions {
    /// Seeds the handshake and every later random choice.
    pub seed: u64,
    /// Whether Bob publishes a one-time prekey (adds DH4 to the handshake).
    pub one_time_prekey: bool,
    /// How many messages, counting the handshake's first message as 1.
    pub messages: usize,
    pub pattern: Pattern,
    pub compromise: Option<Compromise>,
    /// The attacker also breaks every X25519 key it sees (a quantum computer).
    pub quantum: bool,
}

impl Default for ConversationOptions {
    fn default() -> Self {
        Self {
            seed: 0,
            one_time_prekey: false,
            messages: 12,
            pattern: Pattern::PingPong,
            compromise: None,
            quantum: false,
        }
    }
}
