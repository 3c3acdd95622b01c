//! The top line: what this is, the seed (always visible, so a room can
//! compare), the options, and whether the run's self-check passed. Shortened
//! on a narrow screen, never dropping the seed or the check.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::transcript::SelfCheck;
use crate::tui::app::App;
use crate::tui::theme::Theme;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let t = &app.transcript;
    let check = t.self_check();
    let check_style = if check.passed() {
        theme.ok
    } else {
        theme.error
    };
    let opk = if t.one_time_prekey { "on" } else { "off" };
    let step = format!("{}/{}", app.step + 1, t.steps.len());
    // In an attack lab the title names it: the run on screen is not the normal one.
    let title = match &t.lab {
        Some(record) => format!(" LAB {} ", record.lab.name()),
        None => " PQXDH ".to_string(),
    };
    let full = [
        title.clone(),
        format!("seed {}", t.seed),
        format!("one-time prekey {opk}"),
        format!("step {step}"),
    ];
    let short = [
        title,
        format!("seed {}", t.seed),
        format!("OPK {opk}"),
        step,
    ];
    let long_verdict = format!(" {} ", check.summary());
    let width = |parts: &[String], verdict: &str| -> usize {
        parts.iter().map(|p| p.chars().count() + 3).sum::<usize>() + verdict.chars().count()
    };
    let fits = |parts: &[String], verdict: &str| width(parts, verdict) <= usize::from(area.width);
    let (parts, verdict) = if fits(&full, &long_verdict) {
        (full, long_verdict)
    } else if fits(&short, &long_verdict) {
        (short, long_verdict)
    } else {
        // The narrowest screens: the mark and the count, still loud on failure.
        let tiny = match check {
            SelfCheck::Passed { checks } => format!(" ✓ {checks}/{checks} "),
            SelfCheck::Failed { .. } => " ✗ CHECK FAILED ".to_string(),
        };
        let [_, seed, opk, step] = short;
        ([String::new(), seed, opk, step], tiny)
    };
    let title_style = if t.lab.is_some() {
        theme.error
    } else {
        theme.title
    };
    let mut spans = vec![Span::styled(parts[0].clone(), title_style)];
    spans.push(Span::styled("│ ", theme.dim));
    spans.push(Span::styled(parts[1].clone(), theme.key));
    for part in &parts[2..] {
        spans.push(Span::styled(" │ ", theme.dim));
        spans.push(Span::raw(part.clone()));
    }
    spans.push(Span::styled(" │", theme.dim));
    spans.push(Span::styled(verdict, check_style));
    if let Some(status) = &app.status {
        spans.push(Span::styled(format!(" {status} "), theme.error));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
