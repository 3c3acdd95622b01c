//! The conversation's timeline: one line per event (a message sent, a message
//! received), the current one highlighted; DH ratchet steps and, with an
//! attacker, the ledger's verdict marked on each message.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::conversation::{Event, Party};
use crate::tui::conversation::ConversationScreen;
use crate::tui::theme::Theme;

/// Marks the first message of a new sending chain (a DH ratchet step).
const STEP_GLYPH: &str = "⟳";

fn initial(p: Party) -> &'static str {
    match p {
        Party::Alice => "A",
        Party::Bob => "B",
    }
}

/// The style of an event in the list: the current one highlighted, past ones
/// plain, future ones dim.
fn list_style(screen: &ConversationScreen, at: usize, theme: &Theme) -> Style {
    if at == screen.event {
        theme.current
    } else if at < screen.event {
        theme.text
    } else {
        theme.dim
    }
}

/// One event in words, with its marks.
fn event_line(
    screen: &ConversationScreen,
    at: usize,
    style: Style,
    theme: &Theme,
) -> Line<'static> {
    let c = &screen.conversation;
    let event = screen.events()[at];
    let (index, text) = match event {
        Event::Send(i) => {
            let m = &c.messages[i - 1];
            let from = initial(m.from);
            let to = initial(m.from.peer());
            let step = if m.dh_ratchet_step { STEP_GLYPH } else { " " };
            (i, format!("{i:>3} {from}→{to} sent {step}"))
        }
        Event::Deliver(i) => {
            let m = &c.messages[i - 1];
            let late = if m.held_back_until.is_some() {
                " late"
            } else {
                ""
            };
            (
                i,
                format!("{i:>3}   →{} recv{late}", initial(m.from.peer())),
            )
        }
    };
    let mut spans = vec![Span::styled(text, style)];
    if let (Event::Send(_), Some(entry)) = (event, screen.ledger(index)) {
        spans.push(if entry.attacker_reads {
            Span::styled(" READ", theme.error)
        } else {
            Span::styled(" safe", theme.ok)
        });
    }
    if let (Event::Deliver(i), Some(t)) = (event, c.compromise)
        && i == t.at
    {
        spans.push(Span::styled(
            format!(" ◆ {} robbed", initial(t.who)),
            theme.error,
        ));
    }
    Line::from(spans)
}

/// The comfortable layout: the events as a list, kept around the current one.
pub fn draw_list(frame: &mut Frame, area: Rect, screen: &ConversationScreen, theme: &Theme) {
    let rows = usize::from(area.height.saturating_sub(2)).max(1);
    let total = screen.events().len();
    let first = screen
        .event
        .saturating_sub(rows / 2)
        .min(total.saturating_sub(rows));
    let lines: Vec<Line> = (first..total.min(first + rows))
        .map(|at| event_line(screen, at, list_style(screen, at, theme), theme))
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(Span::styled(" Messages ", theme.title)),
        ),
        area,
    );
}

/// The compact layout: the current event in one line.
pub fn draw_line(frame: &mut Frame, area: Rect, screen: &ConversationScreen, theme: &Theme) {
    let mut spans = vec![Span::styled(
        format!(" Event {}/{}:", screen.event + 1, screen.events().len()),
        theme.current,
    )];
    spans.extend(event_line(screen, screen.event, theme.text, theme).spans);
    spans.push(Span::styled(
        format!("   {STEP_GLYPH} DH ratchet step"),
        theme.dim,
    ));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
