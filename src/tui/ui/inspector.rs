//! The value inspector: every byte of a value, its kind and length, who knows
//! it, and which step made it how; for the bundle and the first message, what
//! each byte is.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::transcript::{Actor, Field, Value, ValueKind};
use crate::tui::action::Action;
use crate::tui::app::{App, Overlay};
use crate::tui::keymap::{self, Context};
use crate::tui::theme::{self, Theme};

pub fn draw(frame: &mut Frame, screen: Rect, app: &App, theme: &Theme) {
    let Overlay::Inspector { selected, scroll } = app.overlay else {
        return;
    };
    // Everything between the header and the footer lines.
    let area = Rect {
        y: screen.y + 1,
        height: screen.height.saturating_sub(2),
        ..screen
    };
    frame.render_widget(Clear, area);
    let key = |action| keymap::key_for(action, Context::Inspector);
    let block = Block::default().borders(Borders::ALL).title(Span::styled(
        format!(
            " Inspector — {}{} select · {}/{} scroll · {} close ",
            key(Action::SelectPrevious),
            key(Action::SelectNext),
            key(Action::ScrollUp),
            key(Action::ScrollDown),
            key(Action::CloseOverlay),
        ),
        theme.title,
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [list_area, detail_area] =
        Layout::horizontal([Constraint::Length(24), Constraint::Min(30)]).areas(inner);

    let items = app.inspectable();
    // Keep the selection in view.
    let height = list_area.height as usize;
    let first = selected.saturating_sub(height.saturating_sub(1));
    let list: Vec<Line> = items
        .iter()
        .enumerate()
        .skip(first)
        .take(height)
        .map(|(i, (party, held))| {
            let style = if i == selected {
                theme.current
            } else {
                theme.party(*party)
            };
            Line::from(vec![
                Span::styled(if held.new { theme::NEW_GLYPH } else { " " }, theme.new),
                Span::styled(format!("{:<6} {}", party.name(), held.value.name), style),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(list), list_area);

    let Some((party, value)) = app.selected_value() else {
        frame.render_widget(Paragraph::new("Nothing to inspect yet."), detail_area);
        return;
    };
    let width = detail_area.width.saturating_sub(1) as usize;
    let lines = details(app, party, value, width, theme);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(Block::default().borders(Borders::LEFT)),
        detail_area,
    );
}

fn who_knows(app: &App, value: &Value) -> String {
    if value.crosses_server() {
        return "Alice, Bob and the server: public, it crosses the server".to_string();
    }
    let owner = value.owner.name();
    let other = match value.owner {
        Actor::Alice => "Bob",
        _ => "Alice",
    };
    let shared = app.transcript.bob_value(&value.name).is_some();
    if shared {
        format!(
            "{owner} only: never leaves {owner}. {other} computes the same bytes from \
             {} own private keys; they are never sent.",
            if other == "Bob" { "his" } else { "her" }
        )
    } else {
        format!("{owner} only: never leaves {owner}")
    }
}

fn details(
    app: &App,
    party: Actor,
    value: &Value,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let t = &app.transcript;
    let label = |text: &str| Span::styled(format!("{text:<10}"), theme.title);
    let (step_no, step) = t
        .steps
        .iter()
        .enumerate()
        .find(|(_, s)| s.id == value.step)
        .map(|(i, s)| (i + 1, Some(s)))
        .unwrap_or((0, None));
    let mut lines = vec![
        Line::from(vec![
            label("Value"),
            Span::styled(value.name.clone(), theme.party(party)),
            Span::raw(if value.kind == ValueKind::Message {
                "  (as the server holds it)".to_string()
            } else {
                format!("  ({}'s copy)", value.owner.name())
            }),
        ]),
        Line::from(vec![
            label("Kind"),
            Span::raw(format!(
                "{}, {} bytes",
                value.kind.label(),
                value.bytes.len()
            )),
        ]),
        Line::from(vec![label("Known to"), Span::raw(who_knows(app, value))]),
    ];
    if let Some(step) = step {
        lines.push(Line::from(vec![
            label("Made at"),
            Span::raw(format!("step {step_no}: {}", step.title)),
        ]));
        lines.push(Line::from(vec![
            label("How"),
            Span::raw(step.formula.clone()),
        ]));
    }
    if let Some(deletion) = t.deletion(&value.name, party) {
        let at = t.step_index(deletion.step).unwrap_or(0);
        let when = if at <= app.step {
            format!("at step {}", at + 1)
        } else {
            format!("later, at step {}", at + 1)
        };
        lines.push(Line::from(vec![
            label("Deleted"),
            Span::styled(
                format!("by {} {when}: {}", party.name(), deletion.why),
                theme.text,
            ),
        ]));
    }
    if let Some(object) = t.wire_object(&value.name) {
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled(
            "What each byte is (offset, length, field)",
            theme.title,
        )));
        for field in &object.fields {
            field_lines(field, 0, &mut lines, theme);
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled(
        format!("All {} bytes", value.bytes.len()),
        theme.title,
    )));
    // offset + two hex digits and a space per byte
    let per_row = ((width.saturating_sub(7)) / 3).clamp(4, 32) / 4 * 4;
    for (row, chunk) in value.bytes.chunks(per_row).enumerate() {
        let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
        lines.push(Line::from(vec![
            Span::styled(format!("{:>5}  ", row * per_row), theme.dim),
            Span::raw(hex.join(" ")),
        ]));
    }
    lines
}

fn field_lines(field: &Field, depth: usize, lines: &mut Vec<Line<'static>>, theme: &Theme) {
    let style = if field.value.is_some() {
        theme.public
    } else {
        theme.text
    };
    lines.push(Line::from(vec![
        Span::styled(format!("{:>5} +{:<5}", field.offset, field.len), theme.dim),
        Span::raw("  ".repeat(depth)),
        Span::styled(field.label.clone(), theme.title),
        Span::raw(": "),
        Span::styled(field.note.clone(), style),
    ]));
    for child in &field.children {
        field_lines(child, depth + 1, lines, theme);
    }
}
