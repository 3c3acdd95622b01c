//! The room's seed, set once in PQXDH_LAB_SEED, reaches every example and the
//! image demo too, and each says which seed it used. (The handshake commands
//! are in tests/cli.rs, the exercise checker in tests/exercises.rs.)

use std::path::PathBuf;
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `cargo run --example NAME -- ARGS` in this test's profile, with the
/// variable set to `seed` or unset.
fn example(name: &str, args: &[&str], seed: Option<&str>) -> Output {
    let exe = std::env::current_exe().unwrap();
    let release = exe.components().any(|c| c.as_os_str() == "release");
    let mut cmd = Command::new(env!("CARGO"));
    cmd.current_dir(root())
        .args(["run", "--quiet", "--example", name])
        .env_remove("PQXDH_LAB_SEED");
    if release {
        cmd.arg("--release");
    }
    cmd.arg("--").args(args);
    if let Some(seed) = seed {
        cmd.env("PQXDH_LAB_SEED", seed);
    }
    let out = cmd.output().expect("cargo runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn an_example_takes_the_rooms_seed_and_says_it() {
    let by_variable = example("07_dh", &[], Some("42"));
    let by_flag = example("07_dh", &["--seed", "42"], None);
    assert_eq!(by_variable.stdout, by_flag.stdout);
    assert!(String::from_utf8_lossy(&by_variable.stderr).contains("seed 42"));

    // Nothing set: seed 7, the very output the book shows.
    let default = example("07_dh", &[], None);
    let book = std::fs::read(root().join("book/src/generated/07_dh.txt")).unwrap();
    assert_eq!(default.stdout, book);
    assert!(String::from_utf8_lossy(&default.stderr).contains("seed 7"));
}

#[test]
fn the_image_demo_takes_the_rooms_seed_and_says_it() {
    let dir = tempfile::tempdir().unwrap();
    let run = |out: &str, seed: Option<&str>, args: &[&str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_pqxdh-lab"));
        cmd.args(["demo", "image", "--out"])
            .arg(dir.path().join(out))
            .args(args)
            .env_remove("PQXDH_LAB_SEED");
        if let Some(seed) = seed {
            cmd.env("PQXDH_LAB_SEED", seed);
        }
        cmd.output().unwrap()
    };
    let by_variable = run("a", Some("3"), &[]);
    assert!(by_variable.status.success());
    assert!(String::from_utf8_lossy(&by_variable.stderr).contains("seed 3 (from PQXDH_LAB_SEED)"));
    let by_flag = run("b", None, &["--seed", "3"]);
    let blob = |sub: &str| std::fs::read(dir.path().join(sub).join("server-view.png")).unwrap();
    assert_eq!(
        blob("a"),
        blob("b"),
        "the same seed, the same encrypted bytes"
    );
    assert!(by_flag.stderr.is_empty(), "a typed seed needs no note");
}

/// Every example, not only Part II's, takes the room's seed from the
/// variable and says which seed it ran with: the labs' and Part V's
/// examples are run in a workshop as much as the handshake's.
#[test]
fn every_example_reads_the_rooms_seed() {
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(root().join("examples")).unwrap() {
        let path = entry.unwrap().path();
        let source = std::fs::read_to_string(&path).unwrap();
        let reads = source.contains("#[arg(long, env = \"PQXDH_LAB_SEED\", default_value_t = 7)]");
        let says = source.contains("(--seed N or PQXDH_LAB_SEED; the book uses 7)");
        if !(reads && says) {
            missing.push(path.display().to_string());
        }
    }
    assert!(missing.is_empty(), "no room seed in {missing:?}");
    // And one of the later ones, run: the variable and the flag agree.
    let by_variable = example("27_symmetric_ratchet", &[], Some("42"));
    let by_flag = example("27_symmetric_ratchet", &["--seed", "42"], None);
    assert_eq!(by_variable.stdout, by_flag.stdout);
    assert!(String::from_utf8_lossy(&by_variable.stderr).contains("seed 42"));
}
