//! `doctor`: is this laptop ready for the workshop? A check to run at the
//! door: one line per item, ✓ or ✗ with what to do, then one line saying
//! ready or not. It never uses the network.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use pqxdh_lab::engine::{self, RunOptions};
use pqxdh_lab::exercises::{Package, Workspace};
use pqxdh_lab::room::{self, BOOK_SEED};
use pqxdh_lab::share::relay::Relay;
use pqxdh_lab::share::{DirRelay, HttpRelay};
use pqxdh_lab::tui::ui::{MIN_HEIGHT, MIN_WIDTH};
use ratatui::crossterm::{style, terminal};
use sha2::{Digest, Sha256};

use super::{output, share};

pub(crate) const DOCTOR_ABOUT: &str = "Is this laptop ready for the workshop? Checks, without \
the network: the room's seed; the terminal's size and colour; that seed 7 gives the very bytes \
the book shows; that the exercises build; that a relay folder is writable; and that the book \
is built for reading offline. Each line says ✓, or ✗ and what to do; the last line says ready \
or not (exit status 0 or 1).";

/// The book's own outputs for seed 7, as the book shows them: the root key
/// (chapter II.9) and the SHA-256 of the first message (chapter II.10).
const BOOK_KDF: &str = include_str!("../../book/src/generated/09_kdf.txt");
const BOOK_FIRST_MESSAGE: &str = include_str!("../../book/src/generated/10_first_message.txt");

/// A terminal size with room for the full layout of the UI.
const ROOMY: (u16, u16) = (120, 30);

#[derive(Debug, Args)]
pub(crate) struct DoctorArgs {
    /// The relay to test: a folder (a USB stick, a shared folder), or the classroom's
    /// http://HOST:PORT. Default: PQXDH_LAB_RELAY, else the folder `share` uses.
    #[arg(long, value_name = "DIR|URL", env = "PQXDH_LAB_RELAY")]
    pub(crate) relay: Option<PathBuf>,
}

/// How an item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    /// Ready.
    Ok,
    /// Works, but worth knowing (a small window, no offline book).
    Note,
    /// Must be fixed before the workshop.
    Fix,
}

struct Finding {
    mark: Mark,
    text: String,
}

fn ok(text: impl Into<String>) -> Finding {
    Finding {
        mark: Mark::Ok,
        text: text.into(),
    }
}

fn note(text: impl Into<String>) -> Finding {
    Finding {
        mark: Mark::Note,
        text: text.into(),
    }
}

fn fix(text: impl Into<String>) -> Finding {
    Finding {
        mark: Mark::Fix,
        text: text.into(),
    }
}

/// `doctor`: every check, in the order a helper at the door would go.
pub(crate) fn run(args: DoctorArgs) -> Result<ExitCode, String> {
    say("pqxdh-lab doctor: is this laptop ready for the workshop?\n")?;
    let checks: [&dyn Fn() -> Finding; 7] = [
        &seed,
        &terminal_size,
        &colour,
        &book_bytes,
        &exercises_build,
        &|| relay(args.relay.clone()),
        &offline_book,
    ];
    let mut to_fix = 0;
    for check in checks {
        let finding = check();
        let mark = match finding.mark {
            Mark::Ok => "✓",
            Mark::Note => "!",
            Mark::Fix => {
                to_fix += 1;
                "✗"
            }
        };
        say(&format!("{mark} {}\n", finding.text))?;
    }
    if to_fix == 0 {
        say("ready\n")?;
        Ok(ExitCode::SUCCESS)
    } else {
        let items = if to_fix == 1 { "item" } else { "items" };
        say(&format!(
            "not ready: {to_fix} {items} marked ✗ above, each with what to do\n"
        ))?;
        Ok(ExitCode::FAILURE)
    }
}

fn say(text: &str) -> Result<(), String> {
    output::print(text, "the report")
}

fn seed() -> Finding {
    match room::seed() {
        Ok(seed) => ok(format!("the room's seed: {seed}")),
        Err(e) => fix(e.to_string()),
    }
}

fn terminal_size() -> Finding {
    if !std::io::stdout().is_terminal() {
        return note(
            "terminal: not checked, the output is not a terminal; run `pqxdh-lab doctor` in \
             the terminal you will use",
        );
    }
    if std::env::var("TERM").is_ok_and(|t| t == "dumb") {
        return fix(
            "terminal: TERM=dumb, where the UI cannot draw; use a full terminal (Windows \
             Terminal, Terminal.app, GNOME Terminal, …)",
        );
    }
    match terminal::size() {
        Ok((w, h)) if w >= ROOMY.0 && h >= ROOMY.1 => {
            ok(format!("terminal {w}×{h}: room for the UI's full layout"))
        }
        Ok((w, h)) if w >= MIN_WIDTH && h >= MIN_HEIGHT => ok(format!(
            "terminal {w}×{h}: the UI fits; {}×{} or larger shows more",
            ROOMY.0, ROOMY.1
        )),
        Ok((w, h)) => note(format!(
            "terminal {w}×{h} is smaller than the UI's {MIN_WIDTH}×{MIN_HEIGHT}: enlarge the \
             window or make the font smaller (on a projector, test the font size first)"
        )),
        Err(e) => note(format!("terminal: its size could not be read ({e})")),
    }
}

fn colour() -> Finding {
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return ok(
            "colour: off, NO_COLOR is set; the UI uses its monochrome theme, where bold, reverse \
             and the glyphs carry the meaning (unset NO_COLOR for colour)",
        );
    }
    let colours = match style::available_color_count() {
        u16::MAX => "millions of colours".to_string(),
        n => format!("{n} colours"),
    };
    ok(format!(
        "colour: {colours} reported; the UI needs only the 8 basic ones"
    ))
}

/// Seed 7 must give the bytes printed in the book: the same libsignal, the
/// same dependencies, the same engine. The root key depends on every DH and
/// SS; the first message's digest on everything libsignal drew after them.
fn book_bytes() -> Finding {
    let run = engine::run(RunOptions {
        seed: BOOK_SEED,
        one_time_prekey: false,
    });
    let t = match run {
        Ok(t) => t,
        Err(e) => {
            return fix(format!(
                "seed {BOOK_SEED}: the run failed ({e}); please report it"
            ));
        }
    };
    let hex_of = |name: &str| t.value(name).map(|v| v.hex()).unwrap_or_default();
    let root_key = hex_of("root_key");
    let message = t
        .value("prekey_message")
        .map(|v| hex::encode(Sha256::digest(&v.bytes)))
        .unwrap_or_default();
    let same = !root_key.is_empty()
        && BOOK_KDF.contains(&root_key)
        && BOOK_FIRST_MESSAGE.contains(&message);
    let check = t.self_check();
    match (same, check.passed()) {
        (true, true) => ok(format!(
            "seed {BOOK_SEED} gives the book's bytes (root_key {}…, first message SHA-256 {}…), \
             and libsignal agrees ({})",
            &root_key[..16],
            &message[..16],
            check.summary()
        )),
        (false, _) => fix(format!(
            "seed {BOOK_SEED} gives other bytes than the book shows: this build is not the \
             book's. Run `cargo prepare` in an unmodified clone (it builds with the locked \
             dependencies)"
        )),
        (true, false) => fix(format!(
            "seed {BOOK_SEED}: {}; please report this",
            check.summary()
        )),
    }
}

fn exercises_build() -> Finding {
    let ws = match Workspace::find() {
        Ok(ws) => ws,
        Err(_) => {
            return fix(
                "exercises: no pqxdh-lab folder here. Run the doctor inside your clone. (A \
                 copied binary runs the UI, the labs and share, but the exercises need the \
                 clone and Rust.)",
            );
        }
    };
    // Offline: at the door, a build must not start downloading.
    match ws.build(Package::Exercises, None, false, true) {
        Ok(built) if built.success => ok(format!(
            "the exercises build ({} programs; `pqxdh-lab exercises` lists them)",
            built.executables.len()
        )),
        Ok(built) => {
            let first_error = built
                .compiler_output
                .lines()
                .find(|l| l.starts_with("error"))
                .unwrap_or("see `cargo build --release -p pqxdh-lab-exercises`")
                .to_string();
            fix(format!(
                "the exercises do not build without the network ({first_error}). Run \
                 `cargo prepare` while connected; if you edited an exercise, \
                 `pqxdh-lab exercises check` says which one fails"
            ))
        }
        Err(e) => fix(format!("the exercises cannot be built: {e}")),
    }
}

/// A relay server must answer; a folder relay works only where one can
/// write: create, write, read back, remove.
fn relay(dir: Option<PathBuf>) -> Finding {
    if let Some(url) = dir.as_ref().and_then(|d| d.to_str())
        && url.to_ascii_lowercase().starts_with("http")
    {
        return match HttpRelay::new(url).and_then(|relay| relay.summary()) {
            Ok(summary) => ok(format!(
                "relay server answers: {url} ({} people have keys there)",
                summary.users.len()
            )),
            Err(e) => fix(format!("relay server: {e}")),
        };
    }
    let dir = match dir.map_or_else(|| share::data_dir("relay"), Ok) {
        Ok(dir) => dir,
        Err(e) => return fix(format!("relay folder: {e}")),
    };
    let shown = dir.display();
    let attempt = || -> Result<(), String> {
        DirRelay::open(&dir).map_err(|e| e.to_string())?;
        let probe = dir.join(format!(".doctor-{}", std::process::id()));
        std::fs::write(&probe, b"pqxdh-lab doctor").map_err(|e| e.to_string())?;
        let back = std::fs::read(&probe).map_err(|e| e.to_string());
        let _ = std::fs::remove_file(&probe);
        match back? == b"pqxdh-lab doctor" {
            true => Ok(()),
            false => Err("what was written did not read back".into()),
        }
    };
    match attempt() {
        Ok(()) => ok(format!("relay folder writable: {shown}")),
        Err(e) => fix(format!(
            "relay folder {shown} is not writable ({e}); pass --relay DIR (or set \
             PQXDH_LAB_RELAY) for a folder you can write, a USB stick works"
        )),
    }
}

fn offline_book() -> Finding {
    let Ok(ws) = Workspace::find() else {
        return note("the book: no clone here to look for it; read it online");
    };
    let index = ws.root().join("book").join("book").join("index.html");
    if index.is_file() {
        ok(format!(
            "the book is built for offline reading: {}",
            index.display()
        ))
    } else {
        note(
            "the book is not built for offline reading: `mdbook build book` builds it (mdBook: \
             cargo install --locked mdbook --version 0.5.4), or read it online",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The check compares with the book's files; they must hold what it looks for.
    #[test]
    fn this_build_gives_the_books_bytes() {
        let finding = book_bytes();
        assert_eq!(finding.mark, Mark::Ok, "{}", finding.text);
    }

    #[test]
    fn a_writable_folder_passes_and_an_impossible_one_says_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(relay(Some(dir.path().join("relay"))).mark, Mark::Ok);
        let file = dir.path().join("a-file");
        std::fs::write(&file, b"").unwrap();
        let finding = relay(Some(file.join("relay")));
        assert_eq!(finding.mark, Mark::Fix);
        assert!(finding.text.contains("--relay DIR"), "{}", finding.text);
    }
}
