//! Drawing: one file per area of the screen. Everything here only reads the
//! app model; nothing computes cryptography or touches the terminal.

mod columns;
mod explain;
mod footer;
mod header;
mod help;
mod inspector;
mod timeline;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::action::Action;
use super::app::{App, Overlay};
use super::keymap::{self, Context};
use super::theme::Theme;

/// The smallest terminal the UI works in.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;
/// From this size on, the comfortable layout (timeline as a list).
const COMFORTABLE_WIDTH: u16 = 110;
const COMFORTABLE_HEIGHT: u16 = 32;

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area, theme);
        return;
    }
    let comfortable = area.width >= COMFORTABLE_WIDTH && area.height >= COMFORTABLE_HEIGHT;
    let explain_height = if comfortable { 11 } else { 8 };
    let [header_area, body, explain_area, footer_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(8),
        Constraint::Length(explain_height),
        Constraint::Length(1),
    ])
    .areas(area);

    header::draw(frame, header_area, app, theme);
    if comfortable {
        let [timeline_area, columns_area] =
            Layout::horizontal([Constraint::Length(26), Constraint::Min(60)]).areas(body);
        timeline::draw_list(frame, timeline_area, app, theme);
        columns::draw(frame, columns_area, app, theme);
    } else {
        let [timeline_area, columns_area] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(6)]).areas(body);
        timeline::draw_line(frame, timeline_area, app, theme);
        columns::draw(frame, columns_area, app, theme);
    }
    explain::draw(frame, explain_area, app, theme);
    footer::draw(frame, footer_area, app, theme);

    match app.overlay {
        Overlay::None => {}
        Overlay::Help { scroll } => help::draw(frame, area, scroll, theme),
        Overlay::Inspector { .. } => inspector::draw(frame, area, app, theme),
    }
}

fn too_small(frame: &mut Frame, area: Rect, theme: &Theme) {
    let lines = vec![
        Line::from(Span::styled("Terminal too small", theme.title)),
        Line::from(format!(
            "need {MIN_WIDTH}×{MIN_HEIGHT}, have {}×{}",
            area.width, area.height
        )),
        Line::from(format!(
            "Enlarge the window, or press {} to quit.",
            keymap::key_for(Action::Quit, Context::Main)
        )),
        Line::from("(pqxdh-lab transcript prints the same run as text.)"),
    ];
    let top = area.height.saturating_sub(lines.len() as u16) / 2;
    let inner = Rect {
        y: area.y + top,
        height: area.height - top,
        ..area
    };
    frame.render_widget(
        Paragraph::new(lines)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        inner,
    );
}
