//! `cargo prepare`: everything a laptop needs before the workshop, then one
//! line saying ready, or what is missing.
//!
//! It is a small program of its own, without libsignal, so that it starts
//! even where pqxdh-lab cannot be built yet, and can say which step failed
//! and what usually fixes it. Every build uses `--locked`: the laptop gets
//! exactly the dependency versions the book's bytes were printed with.
//!
//! The steps: fetch every dependency; on Windows, put the vendored protoc.exe
//! where libsignal's build looks for it; build pqxdh-lab, the book's examples
//! (release and debug, as the book runs them) and the exercises; build the
//! book if mdBook is installed; then run `pqxdh-lab doctor`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// What usually stops a first build of libsignal and ring.
const BUILD_FIX: &str = "The first error above says why. The usual causes: no C toolchain \
(build-essential on Debian and Ubuntu, the Xcode Command Line Tools on macOS: xcode-select \
--install, Visual Studio Build Tools with \"Desktop development with C++\" on Windows; see the \
README, \"Before you start\"), or a full disk (the builds take about 4 GB).";

/// One cargo command of the preparation.
struct Step {
    what: &'static str,
    args: &'static [&'static str],
    fix: &'static str,
}

const STEPS: &[Step] = &[
    Step {
        what: "download every dependency",
        args: &["fetch", "--locked"],
        fix: "This step needs the network, once. Connect, then run `cargo prepare` again.",
    },
    Step {
        what: "build pqxdh-lab (release, as `cargo run --release` runs it)",
        args: &["build", "--locked", "--release"],
        fix: BUILD_FIX,
    },
    Step {
        what: "build the book's examples (release)",
        args: &["build", "--locked", "--release", "--examples"],
        fix: BUILD_FIX,
    },
    Step {
        what: "build the book's examples (debug, as `cargo run --example` runs them)",
        args: &["build", "--locked", "--examples"],
        fix: BUILD_FIX,
    },
    Step {
        what: "build the exercises",
        args: &[
            "build",
            "--locked",
            "--release",
            "--package",
            "pqxdh-lab-exercises",
            "--bins",
        ],
        fix: "An exercise you edited may not compile: `cargo run --release -- exercises \
              check` says which.",
    },
];

/// The repository: this program lives in tools/prepare.
fn root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors().nth(2).unwrap_or(here).to_path_buf()
}

fn cargo(root: &Path) -> Command {
    // `cargo run` says which cargo started it; that one builds everything.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root);
    cmd
}

fn main() -> ExitCode {
    let root = root();
    println!("cargo prepare: readying this laptop for the pqxdh-lab workshop.");
    println!(
        "The first time compiles libsignal twice (release and debug): allow 10 to 30 minutes."
    );
    let total = STEPS.len() + 3;

    println!("\n[1/{total}] protoc, which libsignal's build runs");
    match protoc(&root) {
        Ok(note) => println!("  {note}"),
        Err(e) => return not_ready("protoc could not be set up", &e),
    }

    for (i, step) in STEPS.iter().enumerate() {
        println!(
            "\n[{}/{total}] {}: cargo {}",
            i + 2,
            step.what,
            step.args.join(" ")
        );
        match cargo(&root).args(step.args).status() {
            Ok(status) if status.success() => {}
            Ok(_) => {
                return not_ready(
                    &format!("\"{}\" failed (the messages are above)", step.what),
                    step.fix,
                );
            }
            Err(e) => {
                return not_ready(
                    "cargo could not be started",
                    &format!("{e}. Install Rust from https://rustup.rs and open a new terminal."),
                );
            }
        }
    }

    println!("\n[{}/{total}] the book, to read offline", total - 1);
    let book = book(&root);
    println!("  {}", book.note);

    println!("\n[{total}/{total}] the readiness check: pqxdh-lab doctor");
    let doctor = cargo(&root)
        .args(["run", "--locked", "--release", "--quiet", "--", "doctor"])
        .status();
    match doctor {
        Ok(status) if status.success() => {
            match book.missing {
                None => {
                    println!("\nready: everything is built, and the workshop needs no network now.")
                }
                Some(missing) => println!("\nready, except the offline book: {missing}"),
            }
            ExitCode::SUCCESS
        }
        _ => not_ready(
            "the readiness check found problems",
            "Each ✗ line above says what to do.",
        ),
    }
}

fn not_ready(what: &str, fix: &str) -> ExitCode {
    println!("\nnot ready: {what}. {fix}");
    ExitCode::FAILURE
}

/// What became of the book.
struct Book {
    note: String,
    /// What is missing, for the last line.
    missing: Option<String>,
}

fn book(root: &Path) -> Book {
    let install = "install mdBook (cargo install --locked mdbook --version 0.5.4) and run \
                   `cargo prepare` again, or read the book online.";
    match Command::new("mdbook").arg("--version").output() {
        Ok(out) if out.status.success() => {
            match Command::new("mdbook")
                .args(["build", "book"])
                .current_dir(root)
                .status()
            {
                Ok(status) if status.success() => Book {
                    note: "built: open book/book/index.html in a browser".into(),
                    missing: None,
                },
                _ => Book {
                    note: "mdbook build failed (its messages are above)".into(),
                    missing: Some("`mdbook build book` failed; its messages are above.".into()),
                },
            }
        }
        _ => Book {
            note: "not built: mdBook is not installed".into(),
            missing: Some(install.into()),
        },
    }
}

/// Makes sure libsignal's build finds a protoc.
///
/// `.cargo/config.toml` sets `PROTOC` to `tools/protoc` for every build. On
/// Linux and macOS that is a script that finds a system protoc or the one
/// the `protoc-bin-vendored` crate ships. Windows cannot run a script there,
/// but Rust's `std::process::Command`, given a path without an extension,
/// first tries the same path with `.exe` appended: so a `tools/protoc.exe`
/// is what libsignal's build runs. This copies the crate's protoc.exe there.
/// A `PROTOC` of the user's own (which cargo's [env] never overrides) is
/// left alone.
fn protoc(root: &Path) -> Result<String, String> {
    let wrapper = std::fs::canonicalize(root.join("tools").join("protoc")).ok();
    let is_wrapper = |p: &std::ffi::OsStr| std::fs::canonicalize(p).ok() == wrapper;
    if let Some(own) = std::env::var_os("PROTOC").filter(|p| !is_wrapper(p)) {
        return Ok(format!("using your PROTOC: {}", Path::new(&own).display()));
    }
    if cfg!(windows) {
        let vendored = protoc_bin_vendored::protoc_bin_path().map_err(|e| e.to_string())?;
        place_exe(root, &vendored)
    } else {
        Ok(
            "tools/protoc finds a system protoc, or the one cargo downloads with the \
            dependencies"
                .into(),
        )
    }
}

/// Copies a protoc executable to `tools/protoc.exe`.
fn place_exe(root: &Path, vendored: &Path) -> Result<String, String> {
    let target = root.join("tools").join("protoc.exe");
    std::fs::copy(vendored, &target).map_err(|e| {
        format!(
            "copying {} to {}: {e}",
            vendored.display(),
            target.display()
        )
    })?;
    Ok(format!(
        "{} is in place (from the protoc-bin-vendored crate)",
        target.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The copy Windows depends on, tested where it can be: the file lands
    /// beside the wrapper, under the name Rust tries first.
    #[test]
    fn the_vendored_protoc_lands_where_libsignals_build_looks() {
        let root = std::env::temp_dir().join(format!("prepare-test-{}", std::process::id()));
        std::fs::create_dir_all(root.join("tools")).unwrap();
        let vendored = protoc_bin_vendored::protoc_bin_path().unwrap();
        let note = place_exe(&root, &vendored).unwrap();
        assert!(note.contains("protoc.exe is in place"), "{note}");
        let copied = std::fs::read(root.join("tools").join("protoc.exe")).unwrap();
        assert_eq!(copied, std::fs::read(&vendored).unwrap());
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn the_repository_root_is_two_folders_up() {
        assert!(root().join("tools").join("protoc").is_file());
        assert!(root().join(".cargo").join("config.toml").is_file());
    }
}
