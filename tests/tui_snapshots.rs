//! Snapshots pin what the terminal UI displays. The app is driven through its
//! key handling (synthetic key events), rendered into ratatui's test backend,
//! and compared with the reviewed screens under tests/snapshots/.
//!
//! A changed screen fails the test; review it like code before accepting
//! (`INSTA_UPDATE=always cargo test --test tui_snapshots`, then read the diff).

use pqxdh_lab::engine::RunOptions;
use pqxdh_lab::tui::app::App;
use pqxdh_lab::tui::theme::Theme;
use pqxdh_lab::tui::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const SEED: u64 = 7;

fn app(one_time_prekey: bool) -> App {
    App::new(RunOptions {
        seed: SEED,
        one_time_prekey,
    })
    .expect("the run completes")
    .with_seed_source(|| 1234)
}

fn press(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn render(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| ui::draw(frame, app, &Theme::color()))
        .unwrap();
    terminal.backend().to_string()
}

#[test]
fn every_step_at_both_sizes() {
    for one_time_prekey in [false, true] {
        for (width, height) in [(120, 36), (80, 24)] {
            let mut app = app(one_time_prekey);
            let steps = app.transcript.steps.len();
            for i in 0..steps {
                assert_eq!(app.step, i, "→ moves one step");
                let name = format!(
                    "{}x{}_{}_{:02}_{}",
                    width,
                    height,
                    if one_time_prekey { "opk" } else { "no_opk" },
                    i + 1,
                    app.current_step().id
                );
                insta::assert_snapshot!(name, render(&app, width, height));
                press(&mut app, KeyCode::Right);
            }
            assert_eq!(app.step, steps - 1, "→ stops at the last step");
        }
    }
}

#[test]
fn help_overlay() {
    let mut app = app(false);
    press(&mut app, KeyCode::Char('?'));
    insta::assert_snapshot!("help_120x36", render(&app, 120, 36));
    insta::assert_snapshot!("help_80x24", render(&app, 80, 24));
    press(&mut app, KeyCode::Esc);
    assert!(!app.quit, "Esc closes the overlay first");
    press(&mut app, KeyCode::F(1));
    press(&mut app, KeyCode::Char('?'));
    assert_eq!(render(&app, 120, 36), render(&self::app(false), 120, 36));
}

#[test]
fn inspector_on_a_key_and_on_the_first_message() {
    let mut app = app(true);
    // Stage 5 (DH1…DH4), then open the inspector on the newest value, DH1.
    press(&mut app, KeyCode::Char('5'));
    press(&mut app, KeyCode::Char('i'));
    assert_eq!(app.selected_value().unwrap().1.name, "DH1");
    insta::assert_snapshot!("inspector_dh1_120x36", render(&app, 120, 36));
    press(&mut app, KeyCode::Esc);

    // Stage 8: the first message, with its byte-by-byte annotation.
    press(&mut app, KeyCode::Char('8'));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.selected_value().unwrap().1.name, "prekey_message");
    insta::assert_snapshot!("inspector_prekey_message_120x36", render(&app, 120, 36));
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown);
    insta::assert_snapshot!(
        "inspector_prekey_message_scrolled_120x36",
        render(&app, 120, 36)
    );
    press(&mut app, KeyCode::Down);
    insta::assert_snapshot!("inspector_next_value_80x24", render(&app, 80, 24));
}

#[test]
fn too_small_screens() {
    let app = app(false);
    insta::assert_snapshot!("too_small_79x24", render(&app, 79, 24));
    insta::assert_snapshot!("too_small_60x10", render(&app, 60, 10));
    // Degenerate sizes must not panic.
    for (w, h) in [(1, 1), (80, 1), (5, 40), (200, 3)] {
        render(&app, w, h);
    }
}

#[test]
fn full_hex_and_toggles() {
    let mut app = app(false);
    press(&mut app, KeyCode::Char('7')); // KDF
    press(&mut app, KeyCode::Char('x'));
    assert!(app.full_hex);
    insta::assert_snapshot!("full_hex_kdf_120x36", render(&app, 120, 36));

    // The one-time prekey toggle re-runs the same seed and stays on the step.
    let before = app.transcript.value("IK_A").unwrap().bytes.clone();
    press(&mut app, KeyCode::Char('o'));
    assert!(app.transcript.one_time_prekey);
    assert_eq!(app.current_step().id, "kdf");
    assert_eq!(app.transcript.value("IK_A").unwrap().bytes, before);
    assert_eq!(app.transcript.seed, SEED);
    // Off again while on DH4: back to the nearest step both runs have.
    press(&mut app, KeyCode::Char('5'));
    for _ in 0..3 {
        press(&mut app, KeyCode::Right);
    }
    assert_eq!(app.current_step().id, "dh4");
    press(&mut app, KeyCode::Char('o'));
    assert_eq!(app.current_step().id, "dh3");

    // A new seed comes from the seed source and is shown in the header.
    press(&mut app, KeyCode::Char('r'));
    assert_eq!(app.transcript.seed, 1234);
    assert!(render(&app, 120, 36).contains("seed 1234"));
}

#[test]
fn the_plain_transcript() {
    let t = pqxdh_lab::engine::run(RunOptions {
        seed: SEED,
        one_time_prekey: true,
    })
    .unwrap();
    insta::assert_snapshot!(
        "plain_transcript_seed7_opk",
        pqxdh_lab::plain::render(&t, pqxdh_lab::plain::Hex::Short)
    );
}

#[test]
fn navigation_keys() {
    let mut app = app(false);
    let last = app.transcript.steps.len() - 1;
    press(&mut app, KeyCode::End);
    assert_eq!(app.step, last);
    press(&mut app, KeyCode::Char('h'));
    assert_eq!(app.step, last - 1);
    press(&mut app, KeyCode::Home);
    assert_eq!(app.step, 0);
    press(&mut app, KeyCode::Left);
    assert_eq!(app.step, 0, "← stops at the first step");
    press(&mut app, KeyCode::Char('0'));
    assert_eq!(app.current_step().id, "same_secret");
    press(&mut app, KeyCode::Char('2'));
    assert_eq!(app.current_step().id, "bundle_published");
    press(&mut app, KeyCode::Char('q'));
    assert!(app.quit);
    let mut app = self::app(false);
    app.handle_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(app.quit, "Ctrl-C quits");
}
