//! Alice | Server | Bob: what each party holds after the current step.
//! The server column shows only what the server stores and forwards.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::transcript::{Actor, HandshakeStep, WireKind};
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::holdings::{self, Held};
use crate::tui::keymap::{self, Context};
use crate::tui::theme::{self, Theme};
use crate::views::hexfmt::short_hex;

/// Longest value name ("PQSPK_B.priv", "secret_input").
const NAME_WIDTH: usize = 12;
/// Values longer than this stay abbreviated even in full-hex mode (Kyber keys
/// would fill the column); the inspector shows all their bytes.
const FULL_HEX_LIMIT: usize = 200;

/// Hex shorter than this says nothing a learner can compare; narrower columns
/// show names only (the inspector has every byte).
const MIN_HEX_WIDTH: usize = 12;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let [alice, server, bob] = Layout::horizontal([Constraint::Ratio(1, 3); 3]).areas(area);
    party(frame, alice, app, Actor::Alice, theme);
    server_column(frame, server, app, theme);
    party(frame, bob, app, Actor::Bob, theme);
}

/// One party's column, full width (small screens).
pub fn draw_one(frame: &mut Frame, area: Rect, app: &App, actor: Actor, theme: &Theme) {
    match actor {
        Actor::Alice | Actor::Bob => party(frame, area, app, actor, theme),
        // An attack lab's attacker stands in the server's column.
        Actor::Server | Actor::Attacker => server_column(frame, area, app, theme),
    }
}

fn block(actor: Actor, subtitle: &str, theme: &Theme) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .title(Line::from(vec![
            Span::styled(format!(" {} ", actor.name()), theme.party(actor)),
            Span::styled(format!("{subtitle} "), theme.dim),
        ]))
}

/// The key that opens the inspector, for the hints in the columns.
fn inspect_key() -> String {
    keymap::key_for(Action::OpenInspector, Context::Main)
}

fn marker(new: bool) -> &'static str {
    if new { theme::NEW_GLYPH } else { " " }
}

/// A value its holder deletes at this step: struck through, with the word.
fn deleted_line(held: &Held, theme: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(theme::DELETED_GLYPH, theme.new),
        Span::styled(
            if held.received {
                theme::RECEIVED_GLYPH
            } else {
                theme::SECRET_GLYPH
            },
            theme.dim,
        ),
        Span::raw(" "),
        Span::styled(held.value.name.clone(), theme.deleted),
        Span::styled(" deleted", theme.new),
    ])
}

/// The values deleted at earlier steps, named on as few lines as fit.
fn deleted_earlier_lines(names: &[&str], width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut line = format!("{} deleted:", theme::DELETED_GLYPH);
    for (i, name) in names.iter().enumerate() {
        let piece = if i + 1 < names.len() {
            format!(" {name},")
        } else {
            format!(" {name}")
        };
        if line.chars().count() + piece.chars().count() > width {
            lines.push(Line::from(Span::styled(line, theme.dim)));
            line = " ".to_string();
        }
        line.push_str(&piece);
    }
    lines.push(Line::from(Span::styled(line, theme.dim)));
    lines
}

fn value_lines(held: &Held, width: usize, full_hex: bool, theme: &Theme) -> Vec<Line<'static>> {
    value_lines_named(held, &held.value.name, width, full_hex, theme)
}

/// A value's lines under a name of the column's choosing (the attacker's
/// values drop their `attacker.` prefix under the attacker's heading).
fn value_lines_named(
    held: &Held,
    name: &str,
    width: usize,
    full_hex: bool,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let v = held.value;
    let glyph = if held.received {
        theme::RECEIVED_GLYPH
    } else if v.crosses_server() {
        theme::PUBLIC_GLYPH
    } else {
        theme::SECRET_GLYPH
    };
    let glyph_style = if v.crosses_server() {
        theme.public
    } else {
        theme.secret
    };
    let name_style = if held.new { theme.new } else { theme.text };
    let head = vec![
        Span::styled(marker(held.new), theme.new),
        Span::styled(glyph, glyph_style),
        Span::raw(" "),
        Span::styled(format!("{name:<NAME_WIDTH$}"), name_style),
        Span::raw(" "),
    ];
    let hex_width = width.saturating_sub(NAME_WIDTH + 4);
    if !full_hex || v.bytes.len() > FULL_HEX_LIMIT {
        let mut line = head;
        let text = if full_hex {
            format!("{} B, see {}", v.bytes.len(), inspect_key())
        } else if hex_width < MIN_HEX_WIDTH {
            String::new()
        } else {
            short_hex(&v.bytes, hex_width)
        };
        line.push(Span::styled(text, theme.dim));
        return vec![Line::from(line)];
    }
    let mut lines = vec![Line::from(head)];
    let per_line = (width.saturating_sub(3) / 2).max(1);
    for chunk in v.bytes.chunks(per_line) {
        lines.push(Line::from(Span::styled(
            format!("   {}", hex::encode(chunk)),
            theme.dim,
        )));
    }
    lines
}

/// Keeps the newest lines when a column overflows, saying how many were left out.
fn fit(entries: Vec<Vec<Line<'static>>>, height: usize, theme: &Theme) -> Vec<Line<'static>> {
    let total: usize = entries.iter().map(Vec::len).sum();
    if total <= height {
        return entries.into_iter().flatten().collect();
    }
    let mut kept: Vec<Vec<Line>> = Vec::new();
    let mut used = 1; // the "earlier" line
    for entry in entries.iter().rev() {
        if used + entry.len() > height {
            break;
        }
        used += entry.len();
        kept.push(entry.clone());
    }
    let hidden = entries.len() - kept.len();
    let mut lines = vec![Line::from(Span::styled(
        format!("↑ {hidden} more ({} lists all)", inspect_key()),
        theme.dim,
    ))];
    lines.extend(kept.into_iter().rev().flatten());
    lines
}

fn party(frame: &mut Frame, area: Rect, app: &App, actor: Actor, theme: &Theme) {
    let inner_width = area.width.saturating_sub(2) as usize;
    let held = holdings::held_by(&app.transcript, actor, app.step);
    let mut entries: Vec<_> = Vec::new();
    let mut deleted_earlier = Vec::new();
    for h in &held {
        match h.deleted {
            None => entries.push(value_lines(h, inner_width, app.full_hex, theme)),
            Some(gone) if gone.now => entries.push(vec![deleted_line(h, theme)]),
            Some(_) => deleted_earlier.push(h.value.name.as_str()),
        }
    }
    if !deleted_earlier.is_empty() {
        entries.push(deleted_earlier_lines(&deleted_earlier, inner_width, theme));
    }
    let lines = if entries.is_empty() {
        vec![Line::from(Span::styled("(nothing yet)", theme.dim))]
    } else {
        fit(entries, area.height.saturating_sub(2) as usize, theme)
    };
    let subtitle = if actor == Actor::Alice {
        "sender"
    } else {
        "recipient"
    };
    frame.render_widget(
        Paragraph::new(lines).block(block(actor, subtitle, theme)),
        area,
    );
}

fn server_column(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let t = &app.transcript;
    let inner_width = area.width.saturating_sub(2) as usize;
    let mut entries: Vec<Vec<Line>> = Vec::new();
    for (object, new) in holdings::server_holds(t, app.step) {
        let style: Style = if new { theme.new } else { theme.text };
        let mut lines = vec![Line::from(vec![
            Span::styled(marker(new), theme.new),
            Span::styled(theme::PUBLIC_GLYPH, theme.public),
            Span::raw(" "),
            Span::styled(object.name.clone(), style),
            Span::styled(format!(" {} bytes", object.bytes.len()), theme.dim),
        ])];
        for name in holdings::carried(object) {
            let Some(v) = t.value(name) else { continue };
            if let Some(gone) = holdings::gone(t, name, Actor::Server, app.step) {
                // A one-time prekey, handed out once and then deleted.
                lines.push(Line::from(vec![
                    Span::styled(if gone.now { theme::DELETED_GLYPH } else { " " }, theme.new),
                    Span::raw("  "),
                    Span::styled(name.to_string(), theme.deleted),
                    Span::styled(" deleted", if gone.now { theme.new } else { theme.dim }),
                ]));
                continue;
            }
            let hex_width = inner_width.saturating_sub(NAME_WIDTH + 5);
            let hex = if hex_width < MIN_HEX_WIDTH {
                String::new()
            } else {
                short_hex(&v.bytes, hex_width)
            };
            lines.push(Line::from(vec![
                Span::raw("   "),
                Span::styled(format!("{name:<NAME_WIDTH$}"), theme.text),
                Span::raw(" "),
                Span::styled(hex, theme.dim),
            ]));
        }
        // The bytes that are no transcript value, in a few words.
        let rest = match object.kind {
            WireKind::Bundle => "  + ids, registration id",
            WireKind::PrekeyMessage => "  + ids, encrypted text",
        };
        lines.push(Line::from(Span::styled(rest, theme.dim)));
        entries.push(lines);
    }
    // The scan's result shows once the server has everything it will see.
    let forwarded = t
        .step_index(HandshakeStep::ServerForwards)
        .is_some_and(|i| app.step >= i);
    if forwarded {
        // A byte search for verbatim copies of the run's secrets: a check
        // against serialization bugs, worded as no more than that.
        let scan = &t.wire_scan;
        let verdict = if scan.clean() {
            vec![
                Line::from(Span::styled("✓ no secret copied in", theme.ok)),
                Line::from(Span::styled(
                    format!("  its {} B (byte scan)", scan.bytes_searched),
                    theme.dim,
                )),
            ]
        } else {
            vec![Line::from(Span::styled(
                format!("✗ {} SECRET(S) FOUND", scan.findings.len()),
                theme.error,
            ))]
        };
        let mut lines = vec![Line::raw("")];
        lines.extend(verdict);
        entries.push(lines);
    }
    // In an attack lab, what the attacker made and learned (the server's
    // own values when the server attacks, or an attacker's of its own).
    let attacker: Vec<Held> = [Actor::Server, Actor::Attacker]
        .into_iter()
        .flat_map(|party| holdings::held_by(t, party, app.step))
        .collect();
    if let Some(record) = t.lab.as_ref().filter(|_| !attacker.is_empty()) {
        let mut heading = vec![Line::raw("")];
        heading.extend(
            super::wrap_to(&format!("{} holds:", record.attacker_label), inner_width)
                .into_iter()
                .map(|l| Line::from(Span::styled(l, theme.error))),
        );
        entries.push(heading);
        for h in &attacker {
            let name = h.value.name.as_str();
            let short = ["attacker.", "thief."]
                .iter()
                .find_map(|prefix| name.strip_prefix(prefix))
                .unwrap_or(name);
            entries.push(value_lines_named(
                h,
                short,
                inner_width,
                app.full_hex,
                theme,
            ));
        }
    }
    let lines = if entries.is_empty() {
        vec![Line::from(Span::styled("(nothing stored yet)", theme.dim))]
    } else {
        fit(entries, area.height.saturating_sub(2) as usize, theme)
    };
    let subtitle = match &t.lab {
        Some(record) if record.attacker == Actor::Server => "the attacker",
        Some(_) => "and an attacker",
        None => "sees only this",
    };
    frame.render_widget(
        Paragraph::new(lines).block(block(Actor::Server, subtitle, theme)),
        area,
    );
}
