//! The bottom line: the keys of the current context, from the key table.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Layout;
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::keymap::{self, Context};
use crate::tui::theme::Theme;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, layout: Layout, theme: &Theme) {
    let mut spans = Vec::new();
    let mut used = 0usize;
    // One party at a time: first say how to see the others.
    if layout == Layout::OneParty
        && matches!(
            app.context(),
            Context::Main | Context::Lab | Context::Conversation
        )
    {
        let key = keymap::key_for(Action::NextParty, Context::Main);
        let hint = format!(" {key} next party ");
        used += hint.chars().count();
        spans.push(Span::styled(format!(" {key}"), theme.key));
        spans.push(Span::raw(" next party "));
    }
    for binding in keymap::bindings_for(app.context()) {
        let Some(hint) = binding.hint else { continue };
        // The first key is enough in the footer ("→", "i", "?").
        let key = binding.first_key();
        let width = key.chars().count() + hint.chars().count() + 3;
        if used + width > area.width as usize {
            break;
        }
        used += width;
        spans.push(Span::styled(format!(" {key}"), theme.key));
        spans.push(Span::raw(format!(" {hint} ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
