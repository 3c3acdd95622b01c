//! The top line: what this is, the seed (always visible, so a room can
//! compare), the options, and whether libsignal agreed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::app::App;
use crate::tui::theme::Theme;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let t = &app.transcript;
    let check = t.self_check();
    let style = if check.passed() {
        theme.ok
    } else {
        theme.error
    };
    let verdict = Span::styled(format!(" {} ", check.summary()), style);
    let mut spans = vec![
        Span::styled(" PQXDH ", theme.title),
        Span::styled("│ ", theme.dim),
        Span::styled(format!("seed {}", t.seed), theme.key),
        Span::styled(" │ ", theme.dim),
        Span::raw(format!(
            "one-time prekey {}",
            if t.one_time_prekey { "on" } else { "off" }
        )),
        Span::styled(" │ ", theme.dim),
        Span::raw(format!("step {}/{}", app.step + 1, t.steps.len())),
        Span::styled(" │", theme.dim),
        verdict,
    ];
    if let Some(status) = &app.status {
        spans.push(Span::styled(format!(" {status} "), theme.error));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
