//! Colours and text styles. With NO_COLOR set, a monochrome theme where bold,
//! reverse and underline carry the meaning; the glyphs carry it in both.

use ratatui::style::{Color, Modifier, Style};

use crate::transcript::Actor;

/// Marks a value that never leaves its owner.
pub const SECRET_GLYPH: &str = "◆";
/// Marks a value that crosses the server (public).
pub const PUBLIC_GLYPH: &str = "○";
/// Marks a value that is new at this step.
pub const NEW_GLYPH: &str = "+";
/// Marks a value received from the other party.
pub const RECEIVED_GLYPH: &str = "←";
/// Marks a value its holder deletes at this step.
pub const DELETED_GLYPH: &str = "−";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub text: Style,
    pub dim: Style,
    pub title: Style,
    pub alice: Style,
    pub bob: Style,
    pub server: Style,
    pub secret: Style,
    pub public: Style,
    /// Values new at the current step.
    pub new: Style,
    /// Values their holder has deleted (the name is struck through).
    pub deleted: Style,
    /// The current stage in the timeline, the selected value in the inspector.
    pub current: Style,
    pub ok: Style,
    pub error: Style,
    pub key: Style,
}

impl Theme {
    pub fn color() -> Self {
        let base = Style::new();
        Self {
            text: base,
            dim: base.fg(Color::DarkGray),
            title: base.add_modifier(Modifier::BOLD),
            alice: base.fg(Color::Magenta).add_modifier(Modifier::BOLD),
            bob: base.fg(Color::Cyan).add_modifier(Modifier::BOLD),
            server: base.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            secret: base.fg(Color::Red),
            public: base.fg(Color::Green),
            new: base
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
            deleted: base.fg(Color::DarkGray).add_modifier(Modifier::CROSSED_OUT),
            current: base
                .fg(Color::Black)
                .bg(Color::White)
                .add_modifier(Modifier::BOLD),
            ok: base.fg(Color::Green).add_modifier(Modifier::BOLD),
            error: base
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(Modifier::BOLD),
            key: base.fg(Color::Yellow).add_modifier(Modifier::BOLD),
        }
    }

    pub fn mono() -> Self {
        let base = Style::new();
        let bold = base.add_modifier(Modifier::BOLD);
        Self {
            text: base,
            dim: base,
            title: bold,
            alice: bold,
            bob: bold,
            server: bold,
            secret: base,
            public: base,
            new: bold.add_modifier(Modifier::UNDERLINED),
            deleted: base.add_modifier(Modifier::CROSSED_OUT),
            current: base.add_modifier(Modifier::REVERSED),
            ok: bold,
            error: bold.add_modifier(Modifier::REVERSED),
            key: bold,
        }
    }

    /// NO_COLOR (https://no-color.org): any non-empty value turns colour off.
    pub fn from_env() -> Self {
        Self::for_no_color(std::env::var_os("NO_COLOR").as_deref())
    }

    /// The theme for a value of NO_COLOR (None: the variable is not set).
    pub fn for_no_color(value: Option<&std::ffi::OsStr>) -> Self {
        match value {
            Some(v) if !v.is_empty() => Self::mono(),
            _ => Self::color(),
        }
    }

    pub fn party(&self, actor: Actor) -> Style {
        match actor {
            Actor::Alice => self.alice,
            // An attack lab's attacker stands where the server does.
            Actor::Server | Actor::Attacker => self.server,
            Actor::Bob => self.bob,
        }
    }
}
