//! The one key table. The event loop, the footer hints, the help overlay and
//! the book's key reference all read it, so they can never disagree.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// The main screen.
    Main,
    /// The value inspector overlay.
    Inspector,
    /// The help overlay.
    Help,
    /// The conversation after the handshake.
    Conversation,
    /// An attack lab, stepped through like the normal run.
    Lab,
    /// The list of attack labs.
    LabList,
}

/// Which keys trigger a binding.
#[derive(Debug, Clone, Copy)]
pub enum Keys {
    Codes(&'static [KeyCode]),
    /// The digits 1–9 and 0 (stage 10).
    Digits,
    /// Ctrl + a letter.
    Ctrl(char),
}

#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: Keys,
    /// What the key does, for the help overlay.
    pub help: &'static str,
    /// A one-word hint for the footer; None keeps the binding out of the footer.
    pub hint: Option<&'static str>,
    pub contexts: &'static [Context],
    pub action: Action,
}

use Context::*;
use KeyCode::*;

/// The handshake's screen: the normal run, or an attack lab.
const MAIN: &[Context] = &[Main, Lab];
const CONVERSATION: &[Context] = &[Conversation];
const SCREENS: &[Context] = &[Main, Lab, Conversation];
const ANY: &[Context] = &[Main, Inspector, Help, Conversation, Lab, LabList];
const OVERLAYS: &[Context] = &[Inspector, Help];

pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: Keys::Codes(&[Right, Char('l'), Char('n'), Char(' ')]),
        help: "next step",
        hint: Some("step"),
        contexts: MAIN,
        action: Action::Next,
    },
    Binding {
        keys: Keys::Codes(&[Left, Char('h'), Char('p'), Backspace]),
        help: "previous step",
        hint: None,
        contexts: MAIN,
        action: Action::Previous,
    },
    Binding {
        keys: Keys::Codes(&[Home, Char('g')]),
        help: "first step",
        hint: None,
        contexts: SCREENS,
        action: Action::First,
    },
    Binding {
        keys: Keys::Codes(&[End, Char('G')]),
        help: "last step",
        hint: None,
        contexts: SCREENS,
        action: Action::Last,
    },
    Binding {
        keys: Keys::Digits,
        help: "jump to stage 1–9 (0 is stage 10)",
        hint: Some("stage"),
        contexts: MAIN,
        action: Action::JumpToStage(0),
    },
    Binding {
        keys: Keys::Codes(&[Char('i'), Enter, Tab]),
        help: "inspect a value: bytes, who knows it, how it was made",
        hint: Some("inspect"),
        contexts: MAIN,
        action: Action::OpenInspector,
    },
    Binding {
        keys: Keys::Codes(&[Char('c')]),
        help: "next party, where the screen shows one at a time",
        // Shown in the footer only where it does something (ui/footer.rs).
        hint: None,
        contexts: SCREENS,
        action: Action::NextParty,
    },
    Binding {
        keys: Keys::Codes(&[Char('m')]),
        help: "messages after the handshake: Double Ratchet, SPQR",
        hint: Some("messages"),
        contexts: &[Main],
        action: Action::OpenConversation,
    },
    Binding {
        keys: Keys::Codes(&[Char('b')]),
        help: "break it: the attack labs, each computed by libsignal",
        hint: Some("labs"),
        contexts: MAIN,
        action: Action::OpenLabList,
    },
    Binding {
        keys: Keys::Codes(&[Up, Char('k')]),
        help: "previous lab",
        hint: Some("select"),
        contexts: &[LabList],
        action: Action::SelectPrevious,
    },
    Binding {
        keys: Keys::Codes(&[Down, Char('j')]),
        help: "next lab",
        hint: None,
        contexts: &[LabList],
        action: Action::SelectNext,
    },
    Binding {
        keys: Keys::Codes(&[Enter]),
        help: "run the lab and step through it",
        hint: Some("run"),
        contexts: &[LabList],
        action: Action::RunLab,
    },
    Binding {
        keys: Keys::Codes(&[Esc, Char('q')]),
        help: "close the list",
        hint: Some("close"),
        contexts: &[LabList],
        action: Action::CloseOverlay,
    },
    Binding {
        keys: Keys::Codes(&[Right, Char('l'), Char('n'), Char(' ')]),
        help: "next event: a message sent, or received",
        hint: Some("step"),
        contexts: CONVERSATION,
        action: Action::Next,
    },
    Binding {
        keys: Keys::Codes(&[Left, Char('h'), Char('p'), Backspace]),
        help: "previous event",
        hint: None,
        contexts: CONVERSATION,
        action: Action::Previous,
    },
    Binding {
        keys: Keys::Codes(&[Char('i'), Enter]),
        help: "every key and every byte of this message",
        hint: Some("details"),
        contexts: CONVERSATION,
        action: Action::OpenInspector,
    },
    Binding {
        keys: Keys::Codes(&[Char('k')]),
        help: "an attacker steals Alice's, then Bob's session state after this message, \
               then nobody's: the ledger marks what it can read",
        hint: Some("steal"),
        contexts: CONVERSATION,
        action: Action::NextAttacker,
    },
    Binding {
        keys: Keys::Codes(&[Char('t')]),
        help: "next traffic pattern: ping-pong, alice-only, bursts, late",
        hint: Some("pattern"),
        contexts: CONVERSATION,
        action: Action::NextPattern,
    },
    Binding {
        keys: Keys::Codes(&[Esc, Char('m')]),
        help: "back to the handshake",
        hint: Some("back"),
        contexts: CONVERSATION,
        action: Action::CloseConversation,
    },
    Binding {
        keys: Keys::Codes(&[Char('q')]),
        help: "quit",
        hint: Some("quit"),
        contexts: CONVERSATION,
        action: Action::Quit,
    },
    Binding {
        keys: Keys::Codes(&[Up, Char('k')]),
        help: "previous value",
        hint: Some("select"),
        contexts: &[Inspector],
        action: Action::SelectPrevious,
    },
    Binding {
        keys: Keys::Codes(&[Down, Char('j'), Tab]),
        help: "next value",
        hint: None,
        contexts: &[Inspector],
        action: Action::SelectNext,
    },
    Binding {
        keys: Keys::Codes(&[PageDown, Char('f')]),
        help: "scroll the details down",
        hint: Some("scroll"),
        contexts: OVERLAYS,
        action: Action::ScrollDown,
    },
    Binding {
        keys: Keys::Codes(&[PageUp, Char('b')]),
        help: "scroll the details up",
        hint: None,
        contexts: OVERLAYS,
        action: Action::ScrollUp,
    },
    Binding {
        keys: Keys::Codes(&[PageDown]),
        help: "scroll the explanation, where it does not fit",
        hint: None,
        contexts: SCREENS,
        action: Action::ScrollDown,
    },
    Binding {
        keys: Keys::Codes(&[PageUp]),
        help: "scroll the explanation up",
        hint: None,
        contexts: SCREENS,
        action: Action::ScrollUp,
    },
    Binding {
        keys: Keys::Codes(&[Char('o')]),
        help: "one-time prekey on/off (runs the same seed again)",
        hint: Some("OPK_B"),
        contexts: MAIN,
        action: Action::ToggleOneTimePrekey,
    },
    Binding {
        keys: Keys::Codes(&[Char('r')]),
        help: "new random seed",
        // Left out of the footer, which a narrow screen fills (help lists it).
        hint: None,
        contexts: MAIN,
        action: Action::NewSeed,
    },
    Binding {
        keys: Keys::Codes(&[Char('x')]),
        help: "full or short hex",
        // Left to the help screen, like `r`: the footer fits 80 columns.
        hint: None,
        contexts: MAIN,
        action: Action::ToggleHex,
    },
    Binding {
        keys: Keys::Codes(&[Char('?'), F(1)]),
        help: "help (this screen)",
        hint: Some("help"),
        contexts: &[Main, Help, Conversation, Lab],
        action: Action::ToggleHelp,
    },
    Binding {
        keys: Keys::Codes(&[Esc, Char('q')]),
        help: "close this overlay",
        hint: Some("close"),
        contexts: OVERLAYS,
        action: Action::CloseOverlay,
    },
    Binding {
        keys: Keys::Codes(&[Char('q'), Esc]),
        help: "quit",
        hint: Some("quit"),
        contexts: &[Main],
        action: Action::Quit,
    },
    Binding {
        keys: Keys::Codes(&[Esc]),
        help: "back to the normal run",
        hint: Some("back"),
        contexts: &[Lab],
        action: Action::CloseLab,
    },
    Binding {
        keys: Keys::Codes(&[Char('q')]),
        help: "quit",
        hint: Some("quit"),
        contexts: &[Lab],
        action: Action::Quit,
    },
    Binding {
        keys: Keys::Ctrl('c'),
        help: "quit at once",
        hint: None,
        contexts: ANY,
        action: Action::Quit,
    },
];

/// How one key is written on screen.
fn key_name(code: KeyCode) -> String {
    match code {
        Right => "→".into(),
        Left => "←".into(),
        Up => "↑".into(),
        Down => "↓".into(),
        PageUp => "PgUp".into(),
        PageDown => "PgDn".into(),
        Char(' ') => "Space".into(),
        // Spelled out, so the book's key reference is the same on every system
        // (crossterm calls Backspace "Delete" on macOS).
        Backspace => "Backspace".into(),
        Enter => "Enter".into(),
        Char(c) => c.to_string(),
        F(n) => format!("F{n}"),
        other => other.to_string(),
    }
}

impl Binding {
    /// The binding's keys as written on screen, e.g. "→ l n Space".
    pub fn label(&self) -> String {
        match self.keys {
            Keys::Codes(codes) => codes
                .iter()
                .map(|&c| key_name(c))
                .collect::<Vec<_>>()
                .join(" "),
            Keys::Digits => "1–9 0".to_string(),
            Keys::Ctrl(c) => format!("Ctrl-{}", c.to_ascii_uppercase()),
        }
    }

    /// The first key only, for hints ("→", "i", "?").
    pub fn first_key(&self) -> String {
        match self.keys {
            Keys::Codes(codes) => codes.first().map_or_else(String::new, |&c| key_name(c)),
            Keys::Digits => "1–9".to_string(),
            Keys::Ctrl(_) => self.label(),
        }
    }
}

/// The first key that does `action` in `context`, for sentences such as
/// "press q to quit"; empty if no key does (a test keeps that from happening).
pub fn key_for(action: Action, context: Context) -> String {
    bindings_for(context)
        .find(|b| b.action == action)
        .map(Binding::first_key)
        .unwrap_or_default()
}

/// The action a key press means in a context, if any.
pub fn action_for(key: KeyEvent, context: Context) -> Option<Action> {
    BINDINGS
        .iter()
        .filter(|b| b.contexts.contains(&context))
        .find_map(|b| match b.keys {
            Keys::Ctrl(c) => (key.modifiers.contains(KeyModifiers::CONTROL) && key.code == Char(c))
                .then_some(b.action),
            _ if key.modifiers.contains(KeyModifiers::CONTROL) => None,
            Keys::Digits => match key.code {
                Char(d @ '0'..='9') => {
                    let stage = d.to_digit(10).expect("a digit");
                    // 1 → stage 0 … 9 → stage 8, and 0 → stage 9.
                    Some(Action::JumpToStage(((stage + 9) % 10) as usize))
                }
                _ => None,
            },
            Keys::Codes(codes) => codes.contains(&key.code).then_some(b.action),
        })
}

/// The bindings of a context, in table order.
pub fn bindings_for(context: Context) -> impl Iterator<Item = &'static Binding> {
    BINDINGS
        .iter()
        .filter(move |b| b.contexts.contains(&context))
}

/// The key reference as a Markdown table (for the book's appendix).
pub fn markdown_reference() -> String {
    let mut out = String::from("| keys | what they do | where |\n| --- | --- | --- |\n");
    for b in BINDINGS {
        let contexts: Vec<&str> = b
            .contexts
            .iter()
            .map(|c| match c {
                Main => "main screen",
                Inspector => "inspector",
                Help => "help",
                Conversation => "conversation",
                Lab => "attack lab",
                LabList => "list of labs",
            })
            .collect();
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            b.label(),
            b.help,
            contexts.join(", ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn each_key_means_one_thing_per_context() {
        for context in [Main, Inspector, Help, Conversation, Lab, LabList] {
            let mut seen: Vec<KeyCode> = Vec::new();
            for b in bindings_for(context) {
                if let Keys::Codes(codes) = b.keys {
                    for code in codes {
                        assert!(!seen.contains(code), "{code:?} bound twice in {context:?}");
                        seen.push(*code);
                    }
                }
            }
        }
    }

    #[test]
    fn the_keys_named_in_titles_and_hints_are_bound() {
        for (action, context) in [
            (Action::Quit, Main),
            (Action::OpenInspector, Main),
            (Action::CloseOverlay, Help),
            (Action::CloseOverlay, Inspector),
            (Action::SelectPrevious, Inspector),
            (Action::SelectNext, Inspector),
            (Action::ScrollUp, Inspector),
            (Action::ScrollDown, Inspector),
        ] {
            assert!(!key_for(action, context).is_empty(), "{action:?}");
        }
        // Labels list every bound key, Backspace and Tab included.
        let previous = bindings_for(Main)
            .find(|b| b.action == Action::Previous)
            .unwrap();
        assert_eq!(previous.label(), "← h p Backspace");
    }

    #[test]
    fn digits_jump_to_stages_and_ctrl_c_always_quits() {
        assert_eq!(
            action_for(press(Char('1')), Main),
            Some(Action::JumpToStage(0))
        );
        assert_eq!(
            action_for(press(Char('0')), Main),
            Some(Action::JumpToStage(9))
        );
        let ctrl_c = KeyEvent::new(Char('c'), KeyModifiers::CONTROL);
        for context in [Main, Inspector, Help, Conversation, Lab, LabList] {
            assert_eq!(action_for(ctrl_c, context), Some(Action::Quit));
        }
        assert_eq!(
            action_for(press(Esc), Inspector),
            Some(Action::CloseOverlay)
        );
        assert_eq!(action_for(press(Esc), Main), Some(Action::Quit));
    }
}
