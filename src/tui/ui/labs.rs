//! The list of attack labs, and the verdict a lab ends with. Each lab's
//! outcome is computed by its run; here it is only shown.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::help::centered;
use crate::transcript::{Lab, LabRecord, Verdict};
use crate::tui::action::Action;
use crate::tui::keymap::{self, Context};
use crate::tui::theme::Theme;

/// The list overlay: every lab with what it does.
pub fn draw_list(frame: &mut Frame, screen: Rect, selected: usize, theme: &Theme) {
    let area = centered(screen, 84, 16);
    let key = |action| keymap::key_for(action, Context::LabList);
    let title = format!(
        " Break it: attack labs — {}/{} select · {} run · {} close ",
        key(Action::SelectPrevious),
        key(Action::SelectNext),
        key(Action::RunLab),
        key(Action::CloseOverlay)
    );
    let mut lines = vec![
        Line::from(
            "Each lab starts from this seed's normal run, changes one thing, and lets \
             libsignal run on: what it refuses, and what an attacker can compute, is the run's \
             own result.",
        ),
        Line::raw(""),
    ];
    for (i, lab) in Lab::ALL.iter().enumerate() {
        let style = if i == selected {
            theme.current
        } else {
            theme.text
        };
        lines.push(Line::from(vec![
            Span::styled(format!(" {:<29}", lab.name()), style),
            Span::styled(lab.about(), theme.dim),
        ]));
    }
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(Span::styled(title, theme.title)),
        ),
        area,
    );
}

/// The lab's verdict in words, loud: what the attack achieved.
pub fn verdict_line(record: &LabRecord, theme: &Theme) -> Line<'static> {
    let word = match record.verdict {
        Verdict::Refused => "REFUSED",
        Verdict::AttackerFails => "THE ATTACKER FAILS",
        Verdict::AttackerSucceeds => "THE ATTACKER SUCCEEDS",
        Verdict::Detected => "DETECTED ONLY BY SAFETY NUMBERS",
    };
    let style = if record.verdict.defended() {
        theme.ok
    } else {
        theme.error
    };
    Line::from(vec![
        Span::styled(
            format!(" {word} "),
            style.add_modifier(ratatui::style::Modifier::REVERSED),
        ),
        Span::styled(format!(" {}", record.summary), style),
    ])
}
