//! The workshop's exercises as a learner and an instructor meet them: every
//! reference solution passes the checker, every untouched exercise fails it
//! with words (its todo!(), its line, a hint), never a panic trace; and the
//! kit stays outside the default build.
//!
//! These tests build the exercise packages in release mode, as the checker
//! always does (`cargo prepare` has built them before a workshop).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use pqxdh_lab::exercises::catalog::EXERCISES;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn pqxdh_lab(args: &[&str], seed: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pqxdh-lab"));
    cmd.args(args)
        .current_dir(root())
        .env_remove("PQXDH_LAB_SEED");
    if let Some(seed) = seed {
        cmd.env("PQXDH_LAB_SEED", seed);
    }
    cmd.output().expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn every_solution_passes_the_checker_for_the_books_seed_and_another() {
    for seed in ["7", "42"] {
        let o = pqxdh_lab(&["exercises", "check", "--solutions"], Some(seed));
        let out = text(&o.stdout);
        assert!(
            o.status.success(),
            "seed {seed}:\n{out}\n{}",
            text(&o.stderr)
        );
        assert!(
            out.contains(&format!("with seed {seed} (from PQXDH_LAB_SEED)")),
            "{out}"
        );
        for e in EXERCISES {
            let line = format!("✓ {}: {} match", e.name, e.value_names());
            assert!(out.contains(&line), "seed {seed}: no {line:?} in\n{out}");
        }
        let all = format!("{n} of {n} pass.", n = EXERCISES.len());
        assert!(out.contains(&all), "{out}");
    }
}

#[test]
fn every_untouched_exercise_fails_with_its_todo_and_no_panic_trace() {
    let o = pqxdh_lab(&["exercises", "check"], None);
    let out = text(&o.stdout);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{out}\n{err}");
    for e in EXERCISES {
        let line = out
            .lines()
            .find(|l| l.starts_with(&format!("✗ {}: ", e.name)))
            .unwrap_or_else(|| panic!("no verdict for {} in\n{out}", e.name));
        let file = format!("(exercises/{}.rs:", e.name);
        assert!(
            line.contains("not done yet: the todo!() \"") && line.contains(&file),
            "{line}"
        );
    }
    for noise in ["panicked", "RUST_BACKTRACE", "stack backtrace", "warning"] {
        assert!(
            !out.contains(noise) && !err.contains(noise),
            "{noise}:\n{out}\n{err}"
        );
    }
    assert!(
        out.contains(&format!("0 of {} pass.", EXERCISES.len())),
        "{out}"
    );
}

#[test]
fn one_exercise_gets_its_line_and_a_hint() {
    let o = pqxdh_lab(&["exercises", "check", "07"], None);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        out.contains("✗ 07_dh: not done yet: the todo!() \"DH1 = DH(IK_A, SPK_B)\""),
        "{out}"
    );
    assert!(
        out.contains("| let dh1: Box<[u8]> = todo!(\"DH1 = DH(IK_A, SPK_B)\");"),
        "{out}"
    );
    assert!(out.contains("  hint (DH1): DH1 = DH(IK_A, SPK_B)"), "{out}");
    assert!(out.contains("with seed 7 (the book's seed"), "{out}");
}

#[test]
fn a_wrong_name_or_seed_is_a_clear_error() {
    let o = pqxdh_lab(&["exercises", "check", "99_nothing"], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("there is no exercise \"99_nothing\""));
    let o = pqxdh_lab(&["exercises"], Some("seven"));
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("PQXDH_LAB_SEED is \"seven\""));
}

#[test]
fn the_list_names_every_exercise_with_its_chapter() {
    let o = pqxdh_lab(&["exercises"], None);
    let out = text(&o.stdout);
    assert!(o.status.success(), "{}", text(&o.stderr));
    for e in EXERCISES {
        assert!(
            out.contains(e.name) && out.contains(&e.chapter.to_string()),
            "{out}"
        );
    }
    let hint = text(&pqxdh_lab(&["exercises", "hint", "09_kdf"], None).stdout);
    assert!(hint.contains("book/book/part2/09-kdf.html") && hint.contains("root_key: "));
}

/// The `[[bin]]` names a package's manifest lists.
fn bins(manifest: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(manifest).unwrap();
    let mut names = Vec::new();
    let mut in_bin = false;
    for line in text.lines() {
        if line.starts_with('[') {
            in_bin = line == "[[bin]]";
        } else if in_bin && let Some(name) = line.strip_prefix("name = ") {
            names.push(name.trim_matches('"').to_string());
        }
    }
    names
}

#[test]
fn the_files_the_manifests_and_the_catalog_agree() {
    let names: Vec<String> = EXERCISES.iter().map(|e| e.name.to_string()).collect();
    assert_eq!(bins(&root().join("exercises/Cargo.toml")), names);
    let solutions: Vec<String> = names.iter().map(|n| format!("{n}_solution")).collect();
    assert_eq!(bins(&root().join("solutions/Cargo.toml")), solutions);
    for e in EXERCISES {
        let exercise =
            std::fs::read_to_string(root().join(format!("exercises/{}.rs", e.name))).unwrap();
        let solution =
            std::fs::read_to_string(root().join(format!("solutions/{}.rs", e.name))).unwrap();
        // The first doc line names the chapter as the catalog does.
        let chapter = format!("Part {}, chapter {}, \"", e.chapter.part, e.chapter.number);
        let head: String = exercise.lines().take(2).collect::<Vec<_>>().join(" ");
        assert!(head.contains(&chapter), "{}: {head}", e.name);
        assert!(exercise.contains("//! Hint"), "{} has no hint", e.name);
        assert!(exercise.contains("todo!("), "{} has nothing to do", e.name);
        assert!(
            exercise.contains(&format!("exercises check {}", e.name)),
            "{} does not say how to check it",
            e.name
        );
        assert!(
            !solution.contains("todo!("),
            "{}'s solution is unfinished",
            e.name
        );
        for v in e.values {
            let shown = format!("\"{}\"", v.name);
            assert!(
                exercise.contains(&shown) || exercise.contains("format!(\""),
                "{}: {}",
                e.name,
                v.name
            );
        }
    }
}

#[test]
fn every_chapter_named_is_in_the_book() {
    let summary = std::fs::read_to_string(root().join("book/src/SUMMARY.md")).unwrap();
    for e in EXERCISES {
        let c = e.chapter;
        let entry = format!("[{}. {}]({}.md)", c.number, c.title, c.page);
        assert!(
            summary.contains(&entry),
            "{}: {entry} is not in SUMMARY.md",
            e.name
        );
    }
}

#[test]
fn the_books_appendix_lists_every_exercise_with_its_chapter() {
    let page = std::fs::read_to_string(root().join("book/src/appendix/exercises.md")).unwrap();
    for e in EXERCISES {
        let c = e.chapter;
        let row = format!(
            "| `{}` | [{}.{} {}](../{}.md) |",
            e.name, c.part, c.number, c.title, c.page
        );
        assert!(page.contains(&row), "the appendix lacks {row}");
    }
    let rows = page.lines().filter(|l| l.starts_with("| `")).count();
    assert_eq!(rows, EXERCISES.len(), "one row per exercise");
}

/// `cargo build`, `cargo run --release` and `cargo test` at the top build
/// pqxdh-lab alone: an unfinished exercise can never break them.
#[test]
fn the_exercises_are_outside_the_default_build() {
    let o = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let meta: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let name_of = |id: &serde_json::Value| {
        meta["packages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == *id)
            .map(|p| p["name"].as_str().unwrap().to_string())
            .unwrap()
    };
    let defaults: Vec<String> = meta["workspace_default_members"]
        .as_array()
        .unwrap()
        .iter()
        .map(name_of)
        .collect();
    assert_eq!(defaults, ["pqxdh-lab"]);
    let members: Vec<String> = meta["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .map(name_of)
        .collect();
    for package in [
        "pqxdh-lab-exercises",
        "pqxdh-lab-solutions",
        "pqxdh-lab-prepare",
    ] {
        assert!(
            members.iter().any(|m| m == package),
            "{package} is not a member"
        );
    }
}
