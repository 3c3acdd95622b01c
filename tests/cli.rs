//! The command line as a user meets it.

use std::process::{Command, Output};

fn pqxdh_lab(args: &[&str]) -> Output {
    pqxdh_lab_with_seed_var(args, None)
}

/// Runs the binary with PQXDH_LAB_SEED set to `seed`, or unset.
fn pqxdh_lab_with_seed_var(args: &[&str], seed: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pqxdh-lab"));
    cmd.args(args).env_remove("PQXDH_LAB_SEED");
    if let Some(seed) = seed {
        cmd.env("PQXDH_LAB_SEED", seed);
    }
    cmd.output().expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn the_same_seed_gives_byte_identical_output() {
    for format in ["text", "json"] {
        let args = [
            "transcript",
            "--seed",
            "99",
            "--format",
            format,
            "--one-time-prekey",
        ];
        let a = pqxdh_lab(&args);
        let b = pqxdh_lab(&args);
        assert!(a.status.success(), "{}", stderr(&a));
        assert_eq!(a.stdout, b.stdout, "{format}");
    }
}

#[test]
fn without_a_seed_the_rooms_seed_is_used_and_named() {
    // Nothing set: the book's seed, 7, and a note saying so.
    let default = pqxdh_lab(&["transcript", "--format", "json"]);
    assert!(default.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&default.stdout).unwrap();
    assert_eq!(doc["seed"], 7);
    let note = stderr(&default);
    assert!(
        note.contains("seed 7 (the book's seed; PQXDH_LAB_SEED sets"),
        "{note}"
    );
    assert!(
        note.contains("replay with: pqxdh-lab transcript --seed 7"),
        "{note}"
    );

    // The room's variable, for every command that runs the handshake.
    let room = pqxdh_lab_with_seed_var(&["transcript"], Some("42"));
    assert!(stdout(&room).contains("Seed: 42"));
    assert!(stderr(&room).contains("seed 42 (from PQXDH_LAB_SEED)"));
    assert_eq!(
        room.stdout,
        pqxdh_lab(&["transcript", "--seed", "42"]).stdout
    );
    let plain = pqxdh_lab_with_seed_var(&["--plain"], Some("42"));
    assert_eq!(plain.stdout, room.stdout);

    // --seed wins over the variable, and needs no note.
    let flag = pqxdh_lab_with_seed_var(&["transcript", "--seed", "5"], Some("42"));
    assert!(stdout(&flag).contains("Seed: 5") && flag.stderr.is_empty());

    // A variable that is not a number is an error, never silently ignored.
    let bad = pqxdh_lab_with_seed_var(&["transcript"], Some("seven"));
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("PQXDH_LAB_SEED is \"seven\""),
        "{}",
        stderr(&bad)
    );
    assert!(bad.stdout.is_empty());
}

#[test]
fn a_random_seed_is_printed_and_replayable() {
    let first = pqxdh_lab(&["transcript", "--format", "json", "--seed", "random"]);
    assert!(first.status.success());
    let note = stderr(&first);
    assert!(note.contains("(drawn at random)"), "{note}");
    let doc: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap();
    let seed = doc["seed"].as_u64().unwrap().to_string();
    assert!(note.contains(&format!("--seed {seed}")), "{note}");
    let replay = pqxdh_lab(&["transcript", "--format", "json", "--seed", &seed]);
    assert_eq!(first.stdout, replay.stdout);
}

#[test]
fn the_text_walks_through_every_step_and_reports_the_checks() {
    let o = pqxdh_lab(&["transcript", "--seed", "5", "--one-time-prekey"]);
    assert!(o.status.success());
    let text = stdout(&o);
    for title in [
        "Bob creates his identity key IK_B",
        "Bob publishes his prekey bundle to the server",
        "Alice fetches the bundle and verifies both signatures",
        "DH1 = DH(IK_A, SPK_B)",
        "DH4 = DH(EK_A, OPK_B)",
        "Alice encapsulates to PQSPK_B: (CT, SS)",
        "Alice derives the session keys",
        "Bob decrypts the first message",
        "Truth check against libsignal's own sessions: PASSED",
        "Wire scan: ",
        "Deleted now by Alice: EK_A.priv, DH1, DH2, DH3, DH4, SS, secret_input.",
        "Private keys are shown on purpose",
    ] {
        assert!(text.contains(title), "missing {title:?}");
    }
    assert!(!text.contains("FAIL"), "{text}");
    let full = stdout(&pqxdh_lab(&["transcript", "--seed", "5", "--full-hex"]));
    assert!(full.len() > text.len() && !full.contains("bytes not shown"));
}

#[test]
fn without_a_terminal_the_default_command_prints_the_plain_transcript() {
    // Here stdout is a pipe, so the UI is not started.
    let o = pqxdh_lab(&["--seed", "5"]);
    assert!(o.status.success());
    assert!(stderr(&o).contains("the output is not a terminal, so printing the plain transcript"));
    assert_eq!(o.stdout, pqxdh_lab(&["transcript", "--seed", "5"]).stdout);
    let plain = pqxdh_lab(&["--plain", "--seed", "5"]);
    assert_eq!(plain.stdout, o.stdout);
    assert!(plain.stderr.is_empty(), "--plain asked for it: no note");
}

#[test]
fn bad_arguments_get_a_clear_error_and_exit_2() {
    for (args, expected) in [
        (
            &["transcript", "--seed", "x"][..],
            "invalid value 'x' for '--seed <N>': a seed is a whole number",
        ),
        (&["transcript", "--seed", "x"][..], "such as 7, or random"),
        (
            &["transcript", "--seed", "-1"][..],
            "invalid value '-1' for '--seed <N>'",
        ),
        (&["--seed", "1.5"][..], "a seed is a whole number"),
        (
            &["transcript", "--format", "xml"][..],
            "invalid value 'xml'",
        ),
        (&["transcirpt"][..], "unrecognized subcommand"),
        (
            &["transcript", "--bogus"][..],
            "unexpected argument '--bogus'",
        ),
    ] {
        let o = pqxdh_lab(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(expected), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty());
    }
}

#[test]
fn help_teaches() {
    let help = stdout(&pqxdh_lab(&["--help"]));
    for part in ["PQXDH", "libsignal", "--seed", "transcript", "Examples:"] {
        assert!(help.contains(part), "--help lacks {part:?}");
    }
    let sub = stdout(&pqxdh_lab(&["transcript", "--help"]));
    assert!(sub.contains("--format") && sub.contains("throwaway demo keys"));
}

#[test]
fn lab_without_a_name_lists_every_lab_one_line_each() {
    let o = pqxdh_lab(&["lab"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    for lab in pqxdh_lab::transcript::Lab::ALL {
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(lab.name()))
            .unwrap_or_else(|| panic!("{} is not listed", lab.name()));
        assert!(line.contains(lab.about()));
        assert!(line.chars().count() <= 80, "too wide: {line}");
    }
}

#[test]
fn an_unknown_lab_gets_the_list_and_exit_status_2() {
    let o = pqxdh_lab(&["lab", "forged-prekey"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("no lab called \"forged-prekey\""), "{err}");
    assert!(err.contains("forged-signed-prekey"), "{err}");
    assert!(o.stdout.is_empty());
}

#[test]
fn a_lab_that_ran_exits_0_whatever_its_verdict_with_the_same_bytes_for_the_same_seed() {
    for (lab, verdict) in [
        ("key-compromise-impersonation", "attacker_succeeds"),
        ("replay", "refused"),
    ] {
        let args = ["lab", lab, "--seed", "7", "--format", "json"];
        let a = pqxdh_lab(&args);
        assert!(a.status.success(), "{lab}: {}", stderr(&a));
        let doc: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
        assert_eq!(doc["outcome"]["verdict"], verdict);
        assert_eq!(doc["lab"], lab);
        assert_eq!(a.stdout, pqxdh_lab(&args).stdout, "{lab}");
    }
    let text = pqxdh_lab(&[
        "lab",
        "stolen-device-later",
        "--seed",
        "7",
        "--one-time-prekey",
    ]);
    assert!(text.status.success());
    assert!(stdout(&text).contains("OUTCOME: THE ATTACKER FAILS"));
}
