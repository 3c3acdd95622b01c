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

/// The snapshot of one step's screen, named `WxH_opk|no_opk_NN_step`.
fn snapshot_step(app: &App, width: u16, height: u16) {
    let name = format!(
        "{}x{}_{}_{:02}_{}",
        width,
        height,
        if app.transcript.one_time_prekey {
            "opk"
        } else {
            "no_opk"
        },
        app.step + 1,
        app.current_step().id
    );
    insta::assert_snapshot!(name, render(app, width, height));
}

/// Walks a run with → from the first step to the last, snapshotting the steps
/// `keep` selects.
fn walk(one_time_prekey: bool, width: u16, height: u16, keep: impl Fn(&str) -> bool) {
    let mut app = app(one_time_prekey);
    let steps = app.transcript.steps.len();
    for i in 0..steps {
        assert_eq!(app.step, i, "→ moves one step");
        if keep(app.current_step().id.as_str()) {
            snapshot_step(&app, width, height);
        }
        press(&mut app, KeyCode::Right);
    }
    assert_eq!(app.step, steps - 1, "→ stops at the last step");
}

/// Every step once, in the comfortable layout; with a one-time prekey only
/// where the screen differs in kind (OPK_B, DH4, the checks at the end), so
/// that one changed word means reviewing one screen, not four.
#[test]
fn every_step_at_120x36() {
    walk(false, 120, 36, |_| true);
    walk(true, 120, 36, |step| {
        matches!(step, "bob_one_time_prekey" | "dh4" | "same_secret")
    });
}

/// The compact layout where its columns are fullest (with a one-time prekey).
#[test]
fn the_fullest_steps_at_80x24() {
    walk(true, 80, 24, |step| {
        matches!(
            step,
            "bob_kyber_prekey"
                | "bundle_published"
                | "dh4"
                | "kdf"
                | "first_message"
                | "server_forwards"
                | "bob_kdf"
                | "same_secret"
        )
    });
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

/// Windows Terminal's default window: the comfortable layout still fits.
#[test]
fn windows_terminal_default_120x30() {
    walk(true, 120, 30, |step| {
        matches!(
            step,
            "bundle_published" | "kdf" | "server_forwards" | "same_secret"
        )
    });
}

/// A projector with a large font: one party at a time, `c` for the next, the
/// explanation scrolled with PgDn.
#[test]
fn one_party_at_a_time_below_80x24() {
    let mut app = app(false);
    press(&mut app, KeyCode::Char('7')); // KDF: Alice's step, so Alice shows
    insta::assert_snapshot!("one_party_60x20_kdf_alice", render(&app, 60, 20));
    press(&mut app, KeyCode::Char('c'));
    assert_eq!(app.shown_party(), pqxdh_lab::transcript::Actor::Server);
    press(&mut app, KeyCode::Char('c'));
    insta::assert_snapshot!("one_party_60x20_kdf_bob", render(&app, 60, 20));
    press(&mut app, KeyCode::PageDown);
    assert_eq!(app.explain_scroll, 3);
    insta::assert_snapshot!("one_party_60x20_kdf_scrolled", render(&app, 60, 20));
    // A new step starts its explanation from the top.
    press(&mut app, KeyCode::Right);
    assert_eq!(app.explain_scroll, 0);
    insta::assert_snapshot!("one_party_40x12_associated_data", render(&app, 40, 12));
}

#[test]
fn too_small_screens() {
    let app = app(false);
    insta::assert_snapshot!("too_small_39x12", render(&app, 39, 12));
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
    assert_eq!(app.current_step().id.as_str(), "kdf");
    assert_eq!(app.transcript.value("IK_A").unwrap().bytes, before);
    assert_eq!(app.transcript.seed, SEED);
    // Off again while on DH4: back to the nearest step both runs have.
    press(&mut app, KeyCode::Char('5'));
    for _ in 0..3 {
        press(&mut app, KeyCode::Right);
    }
    assert_eq!(app.current_step().id.as_str(), "dh4");
    press(&mut app, KeyCode::Char('o'));
    assert_eq!(app.current_step().id.as_str(), "dh3");

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
        pqxdh_lab::views::plain::render(&t, pqxdh_lab::views::plain::Hex::Short)
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
    assert_eq!(app.current_step().id.as_str(), "same_secret");
    press(&mut app, KeyCode::Char('2'));
    assert_eq!(app.current_step().id.as_str(), "bundle_published");
    press(&mut app, KeyCode::Char('q'));
    assert!(app.quit);
    let mut app = self::app(false);
    app.handle_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(app.quit, "Ctrl-C quits");
}

/// Text snapshots drop colour, so highlighting is checked on the cells' styles.
mod styles {
    use super::*;
    use ratatui::buffer::Buffer;
    use ratatui::style::{Color, Modifier};

    fn buffer(app: &App, theme: &Theme) -> Buffer {
        let mut terminal = Terminal::new(TestBackend::new(120, 36)).unwrap();
        terminal.draw(|frame| ui::draw(frame, app, theme)).unwrap();
        terminal.backend().buffer().clone()
    }

    /// Where `text` starts in the Alice column (x 26..60) of the buffer.
    fn find_in_alice_column(buf: &Buffer, text: &str) -> (u16, u16) {
        for y in 0..buf.area.height {
            let row: String = (26..60).map(|x| buf[(x, y)].symbol().to_string()).collect();
            if let Some(at) = row.find(&format!(" {text} ")) {
                let col = row[..at + 1].chars().count() as u16;
                return (26 + col, y);
            }
        }
        panic!("{text} not in Alice's column");
    }

    fn at_dh1(app: &mut App) {
        press(app, KeyCode::Char('5'));
        assert_eq!(app.current_step().id.as_str(), "dh1");
    }

    #[test]
    fn the_new_value_is_highlighted_and_the_old_ones_are_not() {
        let theme = Theme::color();
        let mut app = app(false);
        at_dh1(&mut app);
        let buf = buffer(&app, &theme);
        let (x, y) = find_in_alice_column(&buf, "DH1");
        let cell = &buf[(x, y)];
        assert_eq!(cell.fg, theme.new.fg.unwrap());
        assert_eq!(cell.bg, theme.new.bg.unwrap());
        assert!(cell.modifier.contains(Modifier::BOLD));
        let (x, y) = find_in_alice_column(&buf, "EK_A");
        assert_ne!(
            buf[(x, y)].bg,
            theme.new.bg.unwrap(),
            "EK_A is not new at DH1"
        );
        // The private-value glyph is coloured as secret.
        assert_eq!(buf[(x - 2, y + 1)].symbol(), "◆");
        assert_eq!(buf[(x - 2, y + 1)].fg, theme.secret.fg.unwrap());
    }

    #[test]
    fn no_color_uses_no_colour_and_still_marks_what_is_new() {
        let theme = Theme::mono();
        let mut app = app(false);
        at_dh1(&mut app);
        let buf = buffer(&app, &theme);
        for cell in buf.content() {
            assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset));
        }
        let (x, y) = find_in_alice_column(&buf, "DH1");
        let modifier = buf[(x, y)].modifier;
        assert!(modifier.contains(Modifier::BOLD | Modifier::UNDERLINED));
        let (x, y) = find_in_alice_column(&buf, "EK_A");
        assert!(!buf[(x, y)].modifier.contains(Modifier::UNDERLINED));
        // The current stage in the timeline is reversed.
        let row: String = (0..26).map(|x| buf[(x, 6)].symbol().to_string()).collect();
        assert!(row.contains("▶ DH1…DH4"), "{row}");
        assert!(buf[(5, 6)].modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn any_non_empty_no_color_turns_colour_off() {
        use std::ffi::OsStr;
        assert_eq!(Theme::for_no_color(Some(OsStr::new("1"))), Theme::mono());
        assert_eq!(
            Theme::for_no_color(Some(OsStr::new(""))),
            Theme::color(),
            "an empty NO_COLOR is ignored"
        );
        assert_eq!(Theme::for_no_color(None), Theme::color());
    }
}

#[test]
fn a_failed_truth_check_is_shown_loudly() {
    let mut app = app(false);
    // Pretend libsignal disagreed on one value: the view must not hide it.
    let check = app
        .transcript
        .checks
        .iter_mut()
        .find(|c| c.name == "chain_key is libsignal's chain key")
        .unwrap();
    check.passed = false;
    let first = render(&app, 120, 36);
    assert!(
        first.contains("TRUTH CHECK FAILED: 16/17 checks passed"),
        "{first}"
    );
    press(&mut app, KeyCode::End);
    let last = render(&app, 120, 36);
    assert!(
        last.contains("✗ TRUTH CHECK FAILED: chain_key is libsignal's chain key"),
        "{last}"
    );
    assert!(!last.contains("libsignal's own sessions agree"));
    let plain =
        pqxdh_lab::views::plain::render(&app.transcript, pqxdh_lab::views::plain::Hex::Short);
    assert!(plain.contains("FAILED (16 of 17 checks passed)"));
    assert!(plain.contains("FAIL chain_key is libsignal's chain key"));
}

/// The conversation after the handshake: `m` opens it, the events step by
/// step, `k` brings an attacker (Alice's state, then Bob's, then nobody's),
/// `t` the next traffic pattern, Esc goes back to the handshake.
mod conversation_screen {
    use super::*;
    use pqxdh_lab::conversation::{Compromise, Party, Pattern};

    fn open() -> App {
        let mut app = app(false);
        press(&mut app, KeyCode::Char('m'));
        assert!(app.conversation.is_some(), "{:?}", app.status);
        app
    }

    fn screen(app: &App) -> &pqxdh_lab::tui::conversation::ConversationScreen {
        app.conversation.as_ref().unwrap()
    }

    #[test]
    fn it_opens_steps_and_closes() {
        let mut app = open();
        insta::assert_snapshot!("conversation_120x36_first_event", render(&app, 120, 36));
        // Message 3: Alice's second flight, received by Bob with a DH step.
        for _ in 0..5 {
            press(&mut app, KeyCode::Right);
        }
        assert_eq!(screen(&app).message().index, 3);
        insta::assert_snapshot!(
            "conversation_120x36_message3_received",
            render(&app, 120, 36)
        );
        insta::assert_snapshot!("conversation_80x24_message3_received", render(&app, 80, 24));
        insta::assert_snapshot!("conversation_60x20_message3_received", render(&app, 60, 20));
        press(&mut app, KeyCode::Char('i'));
        insta::assert_snapshot!(
            "conversation_details_message3_120x36",
            render(&app, 120, 36)
        );
        press(&mut app, KeyCode::Esc);
        assert!(app.conversation.is_some(), "Esc closes the details first");
        press(&mut app, KeyCode::Esc);
        assert!(
            app.conversation.is_none(),
            "then goes back to the handshake"
        );
        assert!(!app.quit);
    }

    #[test]
    fn an_attacker_marks_the_ledger_and_patterns_change() {
        let mut app = open();
        for _ in 0..7 {
            press(&mut app, KeyCode::Right);
        }
        assert_eq!(screen(&app).message().index, 4);
        press(&mut app, KeyCode::Char('k'));
        assert_eq!(
            screen(&app).conversation.compromise,
            Some(Compromise {
                at: 4,
                who: Party::Alice
            })
        );
        // The ledger comes from the run, one entry per message.
        assert_eq!(screen(&app).conversation.ledger.len(), 12);
        press(&mut app, KeyCode::Right);
        insta::assert_snapshot!(
            "conversation_120x36_alice_robbed_message5",
            render(&app, 120, 36)
        );
        press(&mut app, KeyCode::Char('k'));
        assert_eq!(
            screen(&app).conversation.compromise.unwrap().who,
            Party::Bob
        );
        press(&mut app, KeyCode::Char('k'));
        assert_eq!(screen(&app).conversation.compromise, None);
        assert!(screen(&app).conversation.ledger.is_empty());

        press(&mut app, KeyCode::Char('t'));
        press(&mut app, KeyCode::Char('t'));
        press(&mut app, KeyCode::Char('t'));
        assert_eq!(screen(&app).conversation.pattern, Pattern::Late);
        press(&mut app, KeyCode::End);
        // The late message's key waited as a stored key until it arrived.
        let late = screen(&app)
            .conversation
            .messages
            .iter()
            .find(|m| m.held_back_until.is_some())
            .unwrap()
            .index;
        while screen(&app).message().index != late {
            press(&mut app, KeyCode::Left);
        }
        insta::assert_snapshot!(
            "conversation_120x36_late_message_arrives",
            render(&app, 120, 36)
        );
    }
}

/// The attack labs: `b` lists them, Enter runs one from the step where it
/// changes the normal run, its last step shows the verdict the run computed,
/// Esc goes back to the normal run.
mod labs_screen {
    use super::*;
    use pqxdh_lab::transcript::{Lab, StepId};

    #[test]
    fn the_list_opens_and_closes() {
        let mut app = app(false);
        press(&mut app, KeyCode::Char('b'));
        insta::assert_snapshot!("labs_list_120x36", render(&app, 120, 36));
        press(&mut app, KeyCode::Esc);
        assert!(app.lab.is_none() && !app.quit);
    }

    #[test]
    fn every_lab_from_its_first_step_to_its_verdict() {
        for (i, lab) in Lab::ALL.into_iter().enumerate() {
            let mut app = app(false);
            press(&mut app, KeyCode::Char('5')); // somewhere in the normal run
            let normal_step = app.step;
            press(&mut app, KeyCode::Char('b'));
            for _ in 0..i {
                press(&mut app, KeyCode::Down);
            }
            press(&mut app, KeyCode::Enter);
            assert_eq!(app.lab, Some(lab), "{:?}", app.status);
            assert!(matches!(app.current_step().id, StepId::Lab(_)));
            insta::assert_snapshot!(
                format!("lab_{}_first_step_120x36", lab.name()),
                render(&app, 120, 36)
            );
            press(&mut app, KeyCode::End);
            let last = render(&app, 120, 36);
            let verdict = app.transcript.lab.as_ref().unwrap().verdict;
            let word = match verdict {
                pqxdh_lab::transcript::Verdict::Refused => "REFUSED",
                pqxdh_lab::transcript::Verdict::AttackerFails => "THE ATTACKER FAILS",
                pqxdh_lab::transcript::Verdict::AttackerSucceeds => "THE ATTACKER SUCCEEDS",
                pqxdh_lab::transcript::Verdict::Detected => "DETECTED ONLY BY SAFETY NUMBERS",
            };
            assert!(last.contains(word), "{lab}: {last}");
            insta::assert_snapshot!(format!("lab_{}_verdict_120x36", lab.name()), last);
            press(&mut app, KeyCode::Esc);
            assert_eq!(app.lab, None);
            assert_eq!(app.step, normal_step, "back where the learner left the run");
            assert!(app.transcript.lab.is_none());
        }
    }
}
