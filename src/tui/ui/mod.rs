//! Drawing: one file per area of the screen. Everything here only reads the
//! app model; nothing computes cryptography or touches the terminal.

mod columns;
mod conversation;
mod explain;
mod footer;
mod header;
mod help;
mod inspector;
mod labs;
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
    if let Some(screen) = &app.conversation {
        conversation::draw(frame, app, screen, layout, theme);
        match app.overlay {
            Overlay::Help { scroll } => help::draw(frame, area, scroll, theme),
            Overlay::Details { scroll } => {
                conversation::draw_details(frame, area, screen, scroll, theme)
            }
            Overlay::None | Overlay::Inspector { .. } | Overlay::Labs { .. } => {}
        }
        return;
    }
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
        Overlay::Labs { selected } => labs::draw_list(frame, area, selected, theme),
        // Only the conversation screen opens these.
        Overlay::Details { .. } => {}
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

/// Rows a paragraph takes when wrapped at word boundaries, as the pane wraps.
/// Text cut into lines of at most `width` columns at word boundaries.
pub(crate) fn wrap_to(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

pub(crate) fn wrapped_rows(text: &str, width: usize) -> usize {
    let mut rows = 1;
    let mut used = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if used > 0 && used + 1 + len <= width {
            used += 1 + len;
            continue;
        }
        if used > 0 {
            rows += 1;
        }
        // The word starts a row; a word wider than the row takes more.
        rows += (len.max(1) - 1) / width;
        used = (len.max(1) - 1) % width + 1;
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::wrapped_rows;

    #[test]
    fn rows_follow_word_wrapping() {
        assert_eq!(wrapped_rows("", 10), 1);
        assert_eq!(wrapped_rows("one two", 10), 1);
        assert_eq!(wrapped_rows("one two three", 10), 2);
        // A word longer than the width takes as many rows as it needs.
        assert_eq!(wrapped_rows("abcdefghijklmnopqrstuvwxy", 10), 3);
    }
}
