//! How fast the terminal UI answers, in a release build.
//!
//!   cargo bench --bench tui
//!
//! - launch → first frame: the real binary started under a pseudo-terminal
//!   (`script` from util-linux), timed until its first frame arrives.
//! - first frame in process: the run, the app and one draw at 120×36.
//! - key → redraw: one → key handled and the screen drawn again at 120×36
//!   (ratatui's test backend, so the terminal's own speed is left out).
//!
//! - conversation key → redraw: the same on the conversation screen with a
//!   1000-message conversation and an attacker's ledger.
//!
//! Targets: first frame under 100 ms, key → redraw under 16 ms (60 fps).

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use pqxdh_lab::conversation::{Compromise, ConversationOptions, Party, Pattern};
use pqxdh_lab::engine::RunOptions;
use pqxdh_lab::tui::app::App;
use pqxdh_lab::tui::conversation::ConversationScreen;
use pqxdh_lab::tui::theme::Theme;
use pqxdh_lab::tui::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

/// The release binary next to this bench's own executable.
fn binary() -> std::path::PathBuf {
    let mut path = std::env::current_exe().unwrap();
    path.pop(); // deps/
    path.pop();
    path.join("pqxdh-lab")
}

fn launch_to_first_frame() -> Option<Duration> {
    let bin = binary();
    if !bin.exists() {
        eprintln!(
            "{} not built: run `cargo build --release` first",
            bin.display()
        );
        return None;
    }
    let command = format!("stty cols 120 rows 36; exec {} --seed 1", bin.display());
    let start = Instant::now();
    let mut child = Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut out = child.stdout.take()?;
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    // The explanation pane's title is drawn with the rest of the first frame.
    let marker = b"creates his identity key";
    let elapsed = loop {
        let n = out.read(&mut buf).ok()?;
        if n == 0 {
            return None;
        }
        seen.extend_from_slice(&buf[..n]);
        if seen.windows(marker.len()).any(|w| w == marker) {
            break start.elapsed();
        }
    };
    child.stdin.take()?.write_all(b"q").ok()?;
    let _ = child.wait();
    Some(elapsed)
}

fn main() {
    let launches: Vec<Duration> = (0..30).filter_map(|_| launch_to_first_frame()).collect();
    if launches.is_empty() {
        println!("launch → first frame: not measured (needs `script` and a release build)");
    } else {
        let m = median(launches.clone());
        println!(
            "launch → first frame (real binary in a pty, 120×36): median {} of {} launches, max {} (target < 100 ms) {}",
            ms(m),
            launches.len(),
            ms(*launches.iter().max().unwrap()),
            if m < Duration::from_millis(100) {
                "ok"
            } else {
                "OVER TARGET"
            }
        );
    }

    let theme = Theme::color();
    let mut first = Vec::new();
    for seed in 0..50 {
        let start = Instant::now();
        let app = App::new(RunOptions {
            seed,
            one_time_prekey: true,
        })
        .unwrap();
        let mut terminal = Terminal::new(TestBackend::new(120, 36)).unwrap();
        terminal.draw(|f| ui::draw(f, &app, &theme)).unwrap();
        first.push(start.elapsed());
    }
    println!(
        "first frame in process (run + app + draw, 120×36): median {}",
        ms(median(first))
    );

    let mut app = App::new(RunOptions {
        seed: 1,
        one_time_prekey: true,
    })
    .unwrap();
    let mut terminal = Terminal::new(TestBackend::new(120, 36)).unwrap();
    terminal.draw(|f| ui::draw(f, &app, &theme)).unwrap();
    let mut redraws = Vec::new();
    for round in 0..40 {
        let code = if round % 2 == 0 {
            KeyCode::Right
        } else {
            KeyCode::Left
        };
        for _ in 0..app.transcript.steps.len() {
            let start = Instant::now();
            app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
            terminal.draw(|f| ui::draw(f, &app, &theme)).unwrap();
            redraws.push(start.elapsed());
        }
    }
    let worst = *redraws.iter().max().unwrap();
    let m = median(redraws.clone());
    println!(
        "key → redraw (120×36): median {}, max {} over {} presses (target < 16 ms) {}",
        ms(m),
        ms(worst),
        redraws.len(),
        if worst < Duration::from_millis(16) {
            "ok"
        } else {
            "OVER TARGET"
        }
    );

    // The conversation screen, on a long conversation with a ledger.
    let options = ConversationOptions {
        seed: 1,
        messages: 1000,
        pattern: Pattern::PingPong,
        compromise: Some(Compromise {
            at: 10,
            who: Party::Bob,
        }),
        ..ConversationOptions::default()
    };
    let start = Instant::now();
    app.conversation = Some(ConversationScreen::open(options).unwrap());
    println!(
        "1000-message conversation with its ledger, computed: {}",
        ms(start.elapsed())
    );
    terminal.draw(|f| ui::draw(f, &app, &theme)).unwrap();
    let events = app.conversation.as_ref().unwrap().events().len();
    let mut redraws = Vec::new();
    for code in [KeyCode::Right, KeyCode::Left] {
        for _ in 0..events {
            let start = Instant::now();
            app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
            terminal.draw(|f| ui::draw(f, &app, &theme)).unwrap();
            redraws.push(start.elapsed());
        }
    }
    let worst = *redraws.iter().max().unwrap();
    let m = median(redraws.clone());
    println!(
        "conversation key → redraw (1000 messages, 120×36): median {}, max {} over {} presses (target < 16 ms) {}",
        ms(m),
        ms(worst),
        redraws.len(),
        if worst < Duration::from_millis(16) {
            "ok"
        } else {
            "OVER TARGET"
        }
    );
}
