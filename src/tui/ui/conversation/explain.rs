//! The current event explained: who sends or receives which message, the
//! keys it took, SPQR's state, what the receiver did, and with an attacker
//! the ledger's verdict, decided by trying.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::conversation::{Event, Party};
use crate::tui::action::Action;
use crate::tui::conversation::ConversationScreen;
use crate::tui::keymap::{self, Context};
use crate::tui::theme::Theme;
use crate::views::conversation_words as words;

fn body(screen: &ConversationScreen, theme: &Theme) -> Vec<Line<'static>> {
    let m = screen.message();
    let mut lines = Vec::new();
    if let Some(entry) = screen.ledger(m.index) {
        let style = if entry.attacker_reads {
            theme.error
        } else {
            theme.ok
        };
        let mark = if entry.attacker_reads { "✗" } else { "✓" };
        lines.push(Line::from(Span::styled(
            format!("{mark} Attacker: {}", entry.reason),
            style,
        )));
    }
    match screen.current_event() {
        Event::Send(_) => {
            let their = match m.from {
                Party::Alice => "her",
                Party::Bob => "his",
            };
            lines.push(Line::from(format!(
                "{} encrypts \"{}\" with message key #{} (counter {} on {their} sending \
                 chain): seed = HMAC(chain key, 0x01), then cipher key ‖ MAC key ‖ IV = \
                 HKDF(salt = SPQR key, seed, \"WhisperMessageKeys\"). The chain key moves on \
                 (HMAC(chain key, 0x02)) and the message key is dropped.",
                m.from.name(),
                m.plaintext,
                m.index,
                m.counter
            )));
            if let Some(sentence) = words::dh_step(m) {
                lines.push(Line::from(sentence));
            }
            lines.push(Line::from(vec![
                Span::styled("SPQR key: ", theme.title),
                Span::raw(words::spqr_key(m)),
            ]));
            lines.push(Line::from(words::spqr_state(m)));
        }
        Event::Deliver(_) => {
            lines.push(Line::from(format!(
                "{} receives message #{}: recomputes the same message key, checks the 8-byte MAC \
                 over both identity keys and the message, decrypts, and drops the key.",
                m.from.peer().name(),
                m.index
            )));
            if let Some(sentence) = words::held_back(m) {
                lines.push(Line::from(sentence));
            }
            for sentence in words::receipt(m) {
                lines.push(Line::from(sentence));
            }
        }
    }
    lines
}

/// Rows the pane needs at this screen width, borders included.
pub fn height(screen: &ConversationScreen, screen_width: u16) -> u16 {
    let width = usize::from(screen_width.saturating_sub(2)).max(1);
    let rows: usize = body(screen, &Theme::mono())
        .iter()
        .map(|l| super::super::wrapped_rows(&l.to_string(), width))
        .sum();
    u16::try_from(rows + 2).unwrap_or(u16::MAX)
}

pub fn draw(frame: &mut Frame, area: Rect, screen: &ConversationScreen, theme: &Theme) {
    let m = screen.message();
    let what = match screen.current_event() {
        Event::Send(_) => "sends",
        Event::Deliver(_) => "receives",
    };
    let who = match screen.current_event() {
        Event::Send(_) => m.from,
        Event::Deliver(_) => m.from.peer(),
    };
    let title = Line::from(vec![
        Span::styled(format!(" {} {what} ", who.name()), theme.title),
        Span::styled(
            format!(
                "message #{} of {} ",
                m.index,
                screen.conversation.messages.len()
            ),
            theme.dim,
        ),
    ]);
    let source = Line::from(Span::styled(
        " libsignal src/session_cipher.rs, src/ratchet/keys.rs ",
        theme.dim,
    ));
    let mut block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .title_bottom(source);
    // On a small screen the text may not fit: say so, and how to scroll.
    let hidden = height(screen, area.width).saturating_sub(area.height);
    let scroll = screen.explain_scroll.min(hidden);
    if hidden > 0 {
        let key = |action| keymap::key_for(action, Context::Conversation);
        let mark = if scroll < hidden {
            format!(" ↓ more: {} ", key(Action::ScrollDown))
        } else {
            format!(" ↑ {} ", key(Action::ScrollUp))
        };
        block = block.title_bottom(Line::from(Span::styled(mark, theme.key)).right_aligned());
    }
    frame.render_widget(
        Paragraph::new(body(screen, theme))
            .wrap(Wrap { trim: true })
            .scroll((scroll, 0))
            .block(block),
        area,
    );
}
