//! The only file that touches the terminal: raw mode, the alternate screen,
//! the event loop, and putting everything back however the program ends.

use std::io;

use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{self, Event, KeyEventKind};
use ratatui::crossterm::{cursor, execute};

use super::app::App;
use super::theme::Theme;
use super::ui;

/// Owns the terminal while the UI runs; dropping it restores the terminal, so
/// a normal quit, Ctrl-C (a key press in raw mode), and an error returned from
/// the loop all leave the shell as it was. A panic is covered by the hook
/// `ratatui::try_init` installs.
struct Session {
    terminal: DefaultTerminal,
}

impl Session {
    fn start() -> io::Result<Self> {
        // No mouse capture: learners select and copy hex from the screen.
        Ok(Self {
            terminal: ratatui::try_init()?,
        })
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        ratatui::restore();
        let _ = execute!(io::stdout(), cursor::Show);
    }
}

pub fn run(app: &mut App, theme: &Theme) -> io::Result<()> {
    let mut session = Session::start()?;
    while !app.quit {
        session.terminal.draw(|frame| ui::draw(frame, app, theme))?;
        match event::read()? {
            Event::Key(key) if key.kind == KeyEventKind::Press => app.handle_key(key),
            // A resize needs nothing but the redraw at the top of the loop.
            _ => {}
        }
    }
    Ok(())
}
