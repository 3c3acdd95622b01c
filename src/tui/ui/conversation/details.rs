//! Every key and every byte of the current message: the conversation's
//! inspector.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::transcript::Field;
use crate::tui::action::Action;
use crate::tui::conversation::ConversationScreen;
use crate::tui::keymap::{self, Context};
use crate::tui::theme::Theme;
use crate::views::conversation_words as words;

fn field_lines(field: &Field, depth: usize, lines: &mut Vec<Line<'static>>, theme: &Theme) {
    lines.push(Line::from(vec![
        Span::styled(format!("{:>5} +{:<5}", field.offset, field.len), theme.dim),
        Span::raw("  ".repeat(depth)),
        Span::styled(field.label.clone(), theme.title),
        Span::raw(": "),
        Span::raw(field.note.clone()),
    ]));
    for child in &field.children {
        field_lines(child, depth + 1, lines, theme);
    }
}

pub fn draw(
    frame: &mut Frame,
    screen_area: Rect,
    screen: &ConversationScreen,
    scroll: u16,
    theme: &Theme,
) {
    let m = screen.message();
    let area = Rect {
        y: screen_area.y + 1,
        height: screen_area.height.saturating_sub(2),
        ..screen_area
    };
    let key = |action| keymap::key_for(action, Context::Inspector);
    let title = format!(
        " Message #{} — {}/{} scroll · {} close ",
        m.index,
        key(Action::ScrollUp),
        key(Action::ScrollDown),
        key(Action::CloseOverlay)
    );
    let kv = |label: &str, value: String| {
        Line::from(vec![
            Span::styled(format!("{label:<18}"), theme.title),
            Span::raw(value),
        ])
    };
    let mut lines = vec![
        kv(
            "From → to",
            format!("{} → {}", m.from.name(), m.from.peer().name()),
        ),
        kv("Type", format!("{}, {} bytes", m.kind.name(), m.wire.len())),
        kv("Plaintext", format!("\"{}\"", m.plaintext)),
        kv(
            "Counters",
            format!(
                "counter {}, previous counter {}",
                m.counter, m.previous_counter
            ),
        ),
        kv("Ratchet key", hex::encode(&m.ratchet_key)),
    ];
    if let Some(root) = m.root_key {
        lines.push(kv("Root key (step)", hex::encode(root)));
    }
    lines.extend([
        kv("Chain key", hex::encode(m.chain_key)),
        kv("Message key seed", hex::encode(m.message_key_seed)),
        kv("Cipher key", hex::encode(m.cipher_key)),
        kv("MAC key", hex::encode(m.mac_key)),
        kv("IV", hex::encode(m.iv)),
        kv("SPQR key", words::spqr_key(m)),
        Line::raw(""),
        Line::from(words::spqr_state(m)),
    ]);
    if let Some(entry) = screen.ledger(m.index) {
        lines.push(Line::raw(""));
        lines.push(kv("Attacker", entry.reason.clone()));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled(
        "What each byte is (offset, length, field)",
        theme.title,
    )));
    for field in &m.fields {
        field_lines(field, 0, &mut lines, theme);
    }
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(Span::styled(title, theme.title)),
            ),
        area,
    );
}
