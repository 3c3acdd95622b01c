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
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::action::Action;
use super::app::{App, Overlay};
use super::keymap::{self, Context};
use super::theme::Theme;

/// The smallest terminal the UI draws in (one party at a time).
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 12;
/// From this size on, Alice | Server | Bob side by side.
const COLUMNS_WIDTH: u16 = 80;
const COLUMNS_HEIGHT: u16 = 24;
/// From this size on, the comfortable layout (timeline as a list); 120×30 is
/// Windows Terminal's default window.
const COMFORTABLE_WIDTH: u16 = 110;
const COMFORTABLE_HEIGHT: u16 = 28;
/// The timeline list with its legend, borders included.
const TIMELINE_HEIGHT: u16 = 18;

/// How much of the run a screen of this size shows at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Timeline list beside the three columns.
    Comfortable,
    /// A one-line timeline above the three columns.
    Compact,
    /// One party at a time; a key switches between them.
    OneParty,
}

impl Layout {
    /// The layout for a screen of this size; None below the smallest.
    pub fn for_size(width: u16, height: u16) -> Option<Self> {
        if width >= COMFORTABLE_WIDTH && height >= COMFORTABLE_HEIGHT {
            Some(Layout::Comfortable)
        } else if width >= COLUMNS_WIDTH && height >= COLUMNS_HEIGHT {
            Some(Layout::Compact)
        } else if width >= MIN_WIDTH && height >= MIN_HEIGHT {
            Some(Layout::OneParty)
        } else {
            None
        }
    }
}

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme) {
    let area = frame.area();
    let Some(layout) = Layout::for_size(area.width, area.height) else {
        too_small(frame, area, theme);
        return;
    };
    // The body keeps what it needs (the timeline list, or a few rows of
    // values); the explanation gets the rest, up to what its text needs.
    let inner = area.height.saturating_sub(2);
    let (body_min, explain_max) = match layout {
        Layout::Comfortable => (TIMELINE_HEIGHT, inner.saturating_sub(TIMELINE_HEIGHT)),
        // The values and the explanation share the screen; the explanation
        // scrolls when it does not fit.
        Layout::Compact => (10, inner.saturating_sub(10)),
        Layout::OneParty => (inner / 2, inner - inner / 2),
    };
    let explain_height = explain::height(app, area.width).clamp(3, explain_max.max(3));
    let [header_area, body, explain_area, footer_area] = ratatui::layout::Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(body_min.min(area.height.saturating_sub(5))),
        Constraint::Length(explain_height),
        Constraint::Length(1),
    ])
    .areas(area);

    header::draw(frame, header_area, app, theme);
    match layout {
        Layout::Comfortable => {
            let [timeline_area, columns_area] =
                ratatui::layout::Layout::horizontal([Constraint::Length(26), Constraint::Min(60)])
                    .areas(body);
            timeline::draw_list(frame, timeline_area, app, theme);
            columns::draw(frame, columns_area, app, theme);
        }
        Layout::Compact | Layout::OneParty => {
            let [timeline_area, columns_area] =
                ratatui::layout::Layout::vertical([Constraint::Length(1), Constraint::Min(3)])
                    .areas(body);
            timeline::draw_line(frame, timeline_area, app, theme);
            if layout == Layout::Compact {
                columns::draw(frame, columns_area, app, theme);
            } else {
                columns::draw_one(frame, columns_area, app, app.shown_party(), theme);
            }
        }
    }
    explain::draw(frame, explain_area, app, theme);
    footer::draw(frame, footer_area, app, layout, theme);

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
