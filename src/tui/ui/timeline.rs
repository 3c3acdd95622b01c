//! The timeline of the ten stages, the current one highlighted.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::tui::app::App;
use crate::tui::stages::{self, STAGES};
use crate::tui::theme::{self, Theme};

/// The comfortable layout: one line per stage, then the legend.
pub fn draw_list(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let current = stages::stage_of(app.current_step().id).index();
    let (at, of) = stages::position_in_stage(&app.transcript, app.step);
    let mut lines: Vec<Line> = STAGES
        .iter()
        .enumerate()
        .map(|(i, stage)| {
            let key = (i + 1) % 10;
            let mark = match i.cmp(&current) {
                std::cmp::Ordering::Less => "✓",
                std::cmp::Ordering::Equal => "▶",
                std::cmp::Ordering::Greater => " ",
            };
            let name = if i == current && of > 1 {
                format!("{} ({at}/{of})", stage.name())
            } else {
                stage.name().to_string()
            };
            let style = if i == current {
                theme.current
            } else if i < current {
                theme.text
            } else {
                theme.dim
            };
            Line::from(vec![
                Span::styled(format!("{key} "), theme.key),
                Span::styled(format!("{mark} {name}"), style),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    for (glyph, meaning, style) in [
        (theme::SECRET_GLYPH, "never leaves its owner", theme.secret),
        (theme::PUBLIC_GLYPH, "public, via the server", theme.public),
        (theme::NEW_GLYPH, "new at this step", theme.new),
        (theme::RECEIVED_GLYPH, "received", theme.text),
        (theme::DELETED_GLYPH, "deleted by its holder", theme.new),
    ] {
        lines.push(Line::from(vec![
            Span::styled(glyph, style),
            Span::styled(format!(" {meaning}"), theme.dim),
        ]));
    }
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(Span::styled(" Timeline ", theme.title)),
        ),
        area,
    );
}

/// The compact layout: one line saying where we are.
pub fn draw_line(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let current = stages::stage_of(app.current_step().id).index();
    let (at, of) = stages::position_in_stage(&app.transcript, app.step);
    let mut spans = vec![
        Span::styled(
            format!(
                " Stage {}/{}: {} ",
                current + 1,
                STAGES.len(),
                STAGES[current].name()
            ),
            theme.current,
        ),
        Span::raw(if of > 1 {
            format!(" ({at}/{of})")
        } else {
            String::new()
        }),
    ];
    if let Some(next) = STAGES.get(current + 1) {
        spans.push(Span::styled(format!("  next: {}", next.name()), theme.dim));
    }
    spans.push(Span::styled(
        format!(
            "   {} private {} public {} new",
            theme::SECRET_GLYPH,
            theme::PUBLIC_GLYPH,
            theme::NEW_GLYPH
        ),
        theme.dim,
    ));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
