//! The conversation screen: the events of the conversation as a timeline
//! (a message sent, a message received), Alice | Server | Bob with their
//! ratchets after the current event, and the current message explained.
//! One file per area, as on the handshake screen.

mod columns;
mod details;
mod events;
mod explain;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout as Split};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Layout;
use crate::conversation::Party;
use crate::transcript::Actor;
use crate::tui::app::App;
use crate::tui::conversation::ConversationScreen;
use crate::tui::theme::Theme;

pub use details::draw as draw_details;

pub fn draw(
    frame: &mut Frame,
    app: &App,
    screen: &ConversationScreen,
    layout: Layout,
    theme: &Theme,
) {
    let area = frame.area();
    let inner = area.height.saturating_sub(2);
    let (body_min, explain_max) = match layout {
        Layout::Comfortable => (12, inner.saturating_sub(12)),
        Layout::Compact => (10, inner.saturating_sub(10)),
        Layout::OneParty => (inner / 2, inner - inner / 2),
    };
    let explain_height = explain::height(screen, area.width).clamp(3, explain_max.max(3));
    let [header_area, body, explain_area, footer_area] = Split::vertical([
        Constraint::Length(1),
        Constraint::Min(body_min.min(area.height.saturating_sub(5))),
        Constraint::Length(explain_height),
        Constraint::Length(1),
    ])
    .areas(area);

    header(frame, header_area, app, screen, theme);
    match layout {
        Layout::Comfortable => {
            let [events_area, columns_area] =
                Split::horizontal([Constraint::Length(26), Constraint::Min(60)]).areas(body);
            events::draw_list(frame, events_area, screen, theme);
            columns::draw(frame, columns_area, screen, theme);
        }
        Layout::Compact | Layout::OneParty => {
            let [line_area, columns_area] =
                Split::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(body);
            events::draw_line(frame, line_area, screen, theme);
            if layout == Layout::Compact {
                columns::draw(frame, columns_area, screen, theme);
            } else {
                // The party the event is about: the sender, or the receiver.
                let party = app.focus.unwrap_or(match screen.acting_party() {
                    Party::Alice => Actor::Alice,
                    Party::Bob => Actor::Bob,
                });
                columns::draw_one(frame, columns_area, screen, party, theme);
            }
        }
    }
    explain::draw(frame, explain_area, screen, theme);
    super::footer::draw(frame, footer_area, app, layout, theme);
}

fn header(
    frame: &mut Frame,
    area: ratatui::layout::Rect,
    app: &App,
    screen: &ConversationScreen,
    theme: &Theme,
) {
    let c = &screen.conversation;
    let passed = c.checks.iter().filter(|ch| ch.passed).count();
    let (verdict, style) = if c.checks_passed() {
        (format!(" checks ✓ {passed}/{} ", c.checks.len()), theme.ok)
    } else {
        (
            format!(" CHECKS FAILED: {passed}/{} passed ", c.checks.len()),
            theme.error,
        )
    };
    let mut spans = vec![
        Span::styled(" Conversation ", theme.title),
        Span::styled("│ ", theme.dim),
        Span::styled(format!("seed {}", c.seed), theme.key),
        Span::styled(" │ ", theme.dim),
        Span::raw(c.pattern.name()),
        Span::styled(" │ ", theme.dim),
        Span::raw(format!(
            "event {}/{}",
            screen.event + 1,
            screen.events().len()
        )),
        Span::styled(" │", theme.dim),
        Span::styled(verdict, style),
    ];
    if let Some(t) = c.compromise {
        spans.push(Span::styled(
            format!(
                " {}'s state stolen after #{}{} ",
                t.who.name(),
                t.at,
                if c.quantum { " (quantum)" } else { "" }
            ),
            theme.error,
        ));
    }
    if let Some(status) = &app.status {
        spans.push(Span::styled(format!(" {status} "), theme.error));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
