//! The help overlay, written from the key table.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::tui::action::Action;
use crate::tui::keymap::{self, Context};
use crate::tui::theme::{self, Theme};

pub fn draw(frame: &mut Frame, screen: Rect, scroll: u16, theme: &Theme) {
    let area = centered(screen, 76, screen.height.saturating_sub(2).max(30));
    let mut lines = vec![
        Line::from(Span::styled("What you are looking at", theme.title)),
        Line::from(
            "Alice starts an end-to-end encrypted conversation with Bob, who is offline, \
             using PQXDH as libsignal runs it. Step through it: the Alice and Bob columns \
             list what each of them holds, the Server column exactly what the server \
             stores and forwards. Every value comes from a real run and is checked \
             against libsignal's own session state.",
        ),
        Line::raw(""),
    ];
    // Wide enough for the longest list of keys.
    let width = keymap::BINDINGS
        .iter()
        .map(|b| b.label().chars().count())
        .max()
        .unwrap_or(0)
        + 2;
    for (context, heading) in [
        (Context::Main, "Keys"),
        (Context::Inspector, "In the inspector"),
    ] {
        lines.push(Line::from(Span::styled(heading, theme.title)));
        for b in keymap::bindings_for(context) {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<width$}", b.label()), theme.key),
                Span::raw(b.help),
            ]));
        }
        lines.push(Line::raw(""));
    }
    lines.push(Line::from(Span::styled("Marks", theme.title)));
    for (glyph, meaning) in [
        (theme::SECRET_GLYPH, "private: never leaves its owner"),
        (theme::PUBLIC_GLYPH, "public: crosses the server"),
        (
            theme::RECEIVED_GLYPH,
            "received from the other party via the server",
        ),
        (theme::NEW_GLYPH, "new at this step (also highlighted)"),
        (
            theme::DELETED_GLYPH,
            "deleted by its holder at this step (struck through); later listed on one line",
        ),
    ] {
        lines.push(Line::from(format!("  {glyph}  {meaning}")));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(
        "Private keys are shown on purpose: they are throwaway demo keys, so you can \
         recompute every step (pqxdh-lab transcript --format json).",
    ));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(Block::default().borders(Borders::ALL).title(Span::styled(
                format!(
                    " Help — {} closes ",
                    keymap::key_for(Action::CloseOverlay, Context::Help)
                ),
                theme.title,
            ))),
        area,
    );
}

/// A rectangle of at most `width`×`height`, centred in `screen`.
pub fn centered(screen: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(screen.width);
    let height = height.min(screen.height);
    Rect {
        x: screen.x + (screen.width - width) / 2,
        y: screen.y + (screen.height - height) / 2,
        width,
        height,
    }
}
