//! The explanation pane: what the current step does, in plain words, and the
//! formula in the spec's notation; on its bottom border, always visible, the
//! spec section, the chapter to read (by its title, and the built book's page)
//! and the example to run.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::chapters;
use crate::tui::keymap::{self, Context};
use crate::tui::theme::Theme;
use crate::views::outcome;

/// The pane's body: the outcome first (on a small screen it is what must stay
/// visible), then the explanation and the formula.
fn body(app: &App, theme: &Theme) -> Vec<Line<'static>> {
    let step = app.current_step();
    let mut lines = Vec::new();
    // A lab's last step: its verdict, loud, before anything else.
    if let Some(record) = &app.transcript.lab
        && app.step + 1 == app.transcript.steps.len()
    {
        lines.push(super::labs::verdict_line(record, theme));
    }
    lines.extend(outcome(app, theme));
    lines.push(Line::from(step.explanation.clone()));
    lines.push(Line::from(vec![
        Span::styled("Formula: ", theme.title),
        Span::raw(step.formula.clone()),
    ]));
    lines
}

/// Rows the pane needs at this screen width, borders included.
pub fn height(app: &App, screen_width: u16) -> u16 {
    body_rows(app, screen_width).saturating_add(2)
}

/// Rows the body takes when wrapped inside the pane's borders.
fn body_rows(app: &App, pane_width: u16) -> u16 {
    let width = usize::from(pane_width.saturating_sub(2)).max(1);
    let rows: usize = body(app, &Theme::mono())
        .iter()
        .map(|line| super::wrapped_rows(&line.to_string(), width))
        .sum();
    u16::try_from(rows).unwrap_or(u16::MAX)
}

/// Where to read on, as long as fits: spec, chapter title and page, example.
fn where_to_read(app: &App, width: usize, theme: &Theme) -> Line<'static> {
    let step = app.current_step();
    let spec = format!(" {} ", step.spec_ref);
    let Some(c) = chapters::for_step(step.id) else {
        return Line::from(Span::styled(spec, theme.dim));
    };
    let candidates = [
        format!(
            "│ Read {} {} ({}) │ example {} ",
            c.number, c.title, c.page, c.example
        ),
        format!("│ Read {} {} │ example {} ", c.number, c.title, c.example),
        format!("│ {} │ ex. {} ", c.number, c.example),
        format!("│ {} ", c.number),
    ];
    let spec_len = spec.chars().count();
    let read = candidates
        .into_iter()
        .find(|text| spec_len + text.chars().count() + 2 <= width)
        .unwrap_or_default();
    Line::from(vec![
        Span::styled(spec, theme.dim),
        Span::styled(read, theme.dim),
    ])
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let t = &app.transcript;
    let step = app.current_step();
    // "Bob creates …" already names its actor; "DH1 = DH(IK_A, SPK_B)" does not.
    let actor = step.actor.name();
    let rest = match step.title.strip_prefix(actor) {
        Some(rest) => rest.to_string(),
        None => format!(": {}", step.title),
    };
    let title = vec![
        Span::raw(" "),
        Span::styled(actor, theme.party(step.actor)),
        Span::styled(format!("{rest} "), theme.title),
        Span::styled(format!("({}/{}) ", app.step + 1, t.steps.len()), theme.dim),
    ];
    // On a small screen the text may not fit: say so, and how to scroll.
    let hidden = body_rows(app, area.width).saturating_sub(area.height.saturating_sub(2));
    let scroll = app.explain_scroll.min(hidden);
    let mut block = Block::default()
        .borders(Borders::ALL)
        .title(Line::from(title));
    if hidden > 0 {
        let key = |action| keymap::key_for(action, Context::Main);
        let mark = if scroll < hidden {
            format!(" ↓ more: {} ", key(Action::ScrollDown))
        } else {
            format!(" ↑ {} ", key(Action::ScrollUp))
        };
        block = block.title_bottom(Line::from(Span::styled(mark, theme.key)).right_aligned());
    }
    let reserved = if hidden > 0 { 14 } else { 0 };
    let block = block.title_bottom(where_to_read(
        app,
        usize::from(area.width).saturating_sub(reserved),
        theme,
    ));
    frame.render_widget(
        Paragraph::new(body(app, theme))
            .wrap(Wrap { trim: true })
            .scroll((scroll, 0))
            .block(block),
        area,
    );
}

/// What a step established, for the steps whose result is not a value.
fn outcome(app: &App, theme: &Theme) -> Vec<Line<'static>> {
    outcome::of_step(&app.transcript, app.current_step().id)
        .into_iter()
        .map(|o| {
            let (mark, style) = if o.ok {
                ("✓", theme.ok)
            } else {
                ("✗", theme.error)
            };
            Line::from(Span::styled(format!("{mark} {}", o.text), style))
        })
        .collect()
}
