//! The explanation pane: what the current step does, in plain words, the
//! formula in the spec's notation, the spec section and the chapter to read.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::transcript::CheckAgainst;
use crate::tui::app::App;
use crate::tui::stages;
use crate::tui::theme::Theme;

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
    let t = &app.transcript;
    match app.current_step().id {
        "alice_verifies" => vec![Line::from(Span::styled(
            "✓ Both signatures verify with IK_B from the bundle.",
            theme.ok,
        ))],
        "server_forwards" => {
            let s = &t.wire_scan;
            let verdict = if s.clean() {
                Span::styled(
                    format!(
                        "✓ Wire scan: {} secrets ({} windows of 16 B) looked for in {} bytes: none found.",
                        s.secrets_checked, s.windows_checked, s.bytes_searched
                    ),
                    theme.ok,
                )
            } else {
                Span::styled(
                    format!("✗ SECRET ON THE WIRE: {}", s.findings.join("; ")),
                    theme.error,
                )
            };
            vec![Line::from(verdict)]
        }
        "bob_decrypts" => vec![Line::from(vec![
            Span::styled("Alice wrote: ", theme.title),
            Span::raw(format!("\"{}\"   ", t.plaintext)),
            Span::styled("Bob decrypted: ", theme.title),
            Span::raw(format!("\"{}\"", t.bob_plaintext)),
        ])],
        "same_secret" => {
            let mut spans = vec![Span::styled("Bob = Alice: ", theme.title)];
            for c in t.checks.iter().filter(|c| c.against == CheckAgainst::Alice) {
                let name = c.value.as_deref().unwrap_or(&c.name);
                let (mark, style) = if c.passed {
                    ("✓", theme.ok)
                } else {
                    ("✗", theme.error)
                };
                spans.push(Span::styled(format!("{name} {mark}  "), style));
            }
            let libsignal: Vec<_> = t
                .checks
                .iter()
                .filter(|c| c.against == CheckAgainst::Libsignal)
                .collect();
            let passed = libsignal.iter().filter(|c| c.passed).count();
            let verdict = if passed == libsignal.len() {
                Span::styled(
                    format!(
                        "✓ libsignal's own sessions agree: {passed}/{} checks",
                        libsignal.len()
                    ),
                    theme.ok,
                )
            } else {
                let failed: Vec<&str> = libsignal
                    .iter()
                    .filter(|c| !c.passed)
                    .map(|c| c.name.as_str())
                    .collect();
                Span::styled(
                    format!("✗ TRUTH CHECK FAILED: {}", failed.join("; ")),
                    theme.error,
                )
            };
            vec![Line::from(spans), Line::from(verdict)]
        }
        _ => Vec::new(),
    }
}
