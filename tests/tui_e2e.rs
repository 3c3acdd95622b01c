//! End to end: the real binary in a real terminal (tmux), driven by key
//! presses, read from the screen, and the terminal checked after it exits.
//!
//! tmux is part of the machine image this project builds on; where it is
//! missing the test prints SKIPPED (past the harness's output capture) and
//! passes, except under CI (CI=true), where a missing tmux is a failure.

use std::process::{Command, Output};
use std::thread::sleep;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
}

impl Tmux {
    fn available() -> bool {
        Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success())
    }

    fn new(name: &str) -> Self {
        let socket = format!("pqxdh-lab-e2e-{}-{name}", std::process::id());
        Self { socket }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs")
    }

    /// Starts `command` in a detached 120×36 window; afterwards the shell prints
    /// the exit status and the terminal settings, and waits so we can read them.
    fn start(&self, command: &str) {
        let script = format!(
            "{command}; status=$?; flags=$(stty -a | tr ' ' '\\n' | grep -E '^-?(icanon|echo)$' | tr '\\n' ' '); echo \"EXIT=$status TTY=$flags.\"; sleep 60"
        );
        let o = self.run(&[
            "new-session",
            "-d",
            "-x",
            "120",
            "-y",
            "36",
            "-s",
            "e2e",
            "sh",
            "-c",
            &script,
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "e2e"]).stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        for key in keys {
            self.run(&["send-keys", "-t", "e2e", key]);
        }
    }

    /// Waits until the screen contains `text` (or fails with the screen shown).
    fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            if start.elapsed() > Duration::from_secs(20) {
                panic!("waited for {text:?}; the screen shows:\n{screen}");
            }
            sleep(Duration::from_millis(50));
        }
    }

    fn wait_until_gone(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if !screen.contains(text) {
                return screen;
            }
            if start.elapsed() > Duration::from_secs(20) {
                panic!("{text:?} did not go away:\n{screen}");
            }
            sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.run(&["kill-server"]);
    }
}

fn skip_without_tmux() -> bool {
    if Tmux::available() {
        return false;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "tmux is needed for the end-to-end test (apt-get install tmux)"
    );
    // Written straight to stderr: the test harness captures `eprintln!` of a
    // passing test, and a skip must not go unnoticed.
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: tmux not found, so the end-to-end terminal test did not run \
         (install tmux to run it)"
    );
    true
}

/// The terminal is back to normal: the program's exit status, the alternate
/// screen left (no UI on the shell's screen), cooked mode with echo.
fn assert_restored(screen: &str, exit: &str) {
    assert!(screen.contains(&format!("EXIT={exit} ")), "{screen}");
    assert!(
        !screen.contains("Timeline"),
        "the UI is still on screen:\n{screen}"
    );
    assert!(
        screen.contains("TTY=icanon echo ."),
        "terminal not restored:\n{screen}"
    );
}

#[test]
fn step_through_every_stage_open_help_inspect_and_quit() {
    if skip_without_tmux() {
        return;
    }
    let steps = pqxdh_lab::engine::run(pqxdh_lab::engine::RunOptions {
        seed: 1,
        one_time_prekey: false,
    })
    .unwrap()
    .steps
    .len();
    let tmux = Tmux::new("walk");
    tmux.start(&format!("{} --seed 1", env!("CARGO_BIN_EXE_pqxdh-lab")));
    let first = tmux.wait_for("Bob creates his identity key IK_B");
    assert!(first.contains("seed 1"), "the seed is on screen");
    assert!(first.contains("Alice") && first.contains("Server") && first.contains("Bob"));

    for i in 2..=steps {
        tmux.keys(&["Right"]);
        tmux.wait_for(&format!("step {i}/{steps}"));
    }
    tmux.wait_for("Same secret on both sides");
    // Waited for on its own: a capture can catch the frame half drawn.
    tmux.wait_for("libsignal's own sessions agree");

    tmux.keys(&["?"]);
    tmux.wait_for("Help — Esc closes");
    tmux.keys(&["Escape"]);
    tmux.wait_until_gone("Help — Esc closes");

    tmux.keys(&["8", "i"]);
    let inspector = tmux.wait_for("Inspector");
    assert!(inspector.contains("What each byte is"), "{inspector}");
    tmux.keys(&["Escape"]);
    tmux.wait_until_gone("Inspector");

    tmux.keys(&["o"]);
    tmux.wait_for("one-time prekey on");

    // The conversation after the handshake, an attacker, and back.
    tmux.keys(&["m"]);
    tmux.wait_for("Conversation │ seed 1");
    tmux.keys(&["Right", "Right", "k"]);
    tmux.wait_for("Alice's state stolen after #2");
    tmux.keys(&["Escape"]);
    tmux.wait_for("one-time prekey on");

    // An attack lab from the list, to its verdict, and back.
    tmux.keys(&["b"]);
    tmux.wait_for("Break it: attack labs");
    tmux.keys(&["Enter"]);
    tmux.wait_for("LAB forged-signed-prekey");
    tmux.keys(&["End"]);
    tmux.wait_for("REFUSED");
    tmux.keys(&["Escape"]);
    tmux.wait_until_gone("LAB forged-signed-prekey");

    tmux.keys(&["q"]);
    let after = tmux.wait_for("TTY=");
    assert_restored(&after, "0");
    assert!(
        after.contains("replay it with: pqxdh-lab --seed 1 --one-time-prekey"),
        "{after}"
    );
}

#[test]
fn ctrl_c_quits_and_restores_the_terminal() {
    if skip_without_tmux() {
        return;
    }
    let tmux = Tmux::new("ctrl-c");
    tmux.start(&format!("{} --seed 2", env!("CARGO_BIN_EXE_pqxdh-lab")));
    tmux.wait_for("Bob creates his identity key IK_B");
    tmux.keys(&["C-c"]);
    let after = tmux.wait_for("TTY=");
    assert_restored(&after, "0");
}

#[test]
fn resizing_moves_between_layouts_and_a_tiny_terminal_gets_a_message() {
    if skip_without_tmux() {
        return;
    }
    let tmux = Tmux::new("resize");
    tmux.start(&format!("{} --seed 3", env!("CARGO_BIN_EXE_pqxdh-lab")));
    tmux.wait_for("Bob creates his identity key IK_B");
    // A projector-sized window shows one party at a time.
    tmux.run(&["resize-window", "-t", "e2e", "-x", "70", "-y", "20"]);
    // Bob's step shows Bob; `c` goes on to Alice, then the server.
    tmux.wait_for("Bob recipient");
    tmux.keys(&["c"]);
    tmux.wait_for("Alice sender");
    tmux.keys(&["c"]);
    tmux.wait_for("Server sees only this");
    tmux.run(&["resize-window", "-t", "e2e", "-x", "30", "-y", "10"]);
    tmux.wait_for("need 40×12, have 30×10");
    tmux.run(&["resize-window", "-t", "e2e", "-x", "80", "-y", "24"]);
    let compact = tmux.wait_for("Stage 1/10");
    assert!(compact.contains("Bob's keys"), "{compact}");
    tmux.keys(&["q"]);
    assert_restored(&tmux.wait_for("TTY="), "0");
}
