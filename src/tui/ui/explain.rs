//! The explanation pane: what the current step does, in plain words, the
//! formula in the spec's notation, the spec section and the chapter to read.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::tui::app::App;
use crate::tui::stages;
use crate::tui::theme::Theme;
use crate::views::outcome;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let t = &app.transcript;
    let step = app.current_step();
    // The outcome first: on a small screen it is what must stay visible.
    let mut lines = outcome(app, theme);
    lines.push(Line::from(step.explanation.clone()));
    lines.push(Line::from(vec![
        Span::styled("Formula: ", theme.title),
        Span::raw(step.formula.clone()),
    ]));
    lines.push(Line::from(vec![
        Span::styled("Spec: ", theme.title),
        Span::raw(step.spec_ref.clone()),
        Span::styled("   Read: ", theme.title),
        Span::raw(format!("book/src/{}", stages::chapter_for(step.id))),
    ]));
    // "Bob creates …" already names its actor; "DH1 = DH(IK_A, SPK_B)" does not.
    let actor = step.actor.name();
    let rest = match step.title.strip_prefix(actor) {
        Some(rest) => rest.to_string(),
        None => format!(": {}", step.title),
    };
    let title = Line::from(vec![
        Span::raw(" "),
        Span::styled(actor, theme.party(step.actor)),
        Span::styled(format!("{rest} "), theme.title),
        Span::styled(format!("({}/{}) ", app.step + 1, t.steps.len()), theme.dim),
    ]);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(Block::default().borders(Borders::ALL).title(title)),
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
