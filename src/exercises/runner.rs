//! Building and running the exercise programs: where they are, cargo, the
//! child process, and the record of which exercises are done.
//!
//! The exercises are a package of their own (`exercises/`, and the reference
//! solutions in `solutions/`), outside the workspace's default members, so an
//! unfinished exercise never breaks `cargo build` or `cargo test`. They are
//! built in release mode, like `cargo run --release`, so they reuse the
//! libsignal that the preparation already compiled.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use thiserror::Error;

use super::check::RunOutput;
use crate::room::SEED_VAR;

/// How long an exercise may run before the checker stops it. The slowest
/// correct one (5200 rounds of SHA-512, twice) takes milliseconds.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(60);

/// Which programs: the learner's exercises, or the reference solutions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Package {
    Exercises,
    Solutions,
}

impl Package {
    /// The folder, relative to the workspace root.
    pub fn dir(self) -> &'static str {
        match self {
            Package::Exercises => "exercises",
            Package::Solutions => "solutions",
        }
    }

    /// The cargo package name.
    pub fn name(self) -> &'static str {
        match self {
            Package::Exercises => "pqxdh-lab-exercises",
            Package::Solutions => "pqxdh-lab-solutions",
        }
    }
}

#[derive(Debug, Error)]
pub enum RunnerError {
    #[error(
        "the exercises live in your pqxdh-lab folder (the clone of the repository), and no \
         such folder was found from {0}: run this command inside it"
    )]
    NoWorkspace(String),
    #[error("cargo could not be started ({0}): is Rust installed (https://rustup.rs)?")]
    NoCargo(io::Error),
    #[error("could not run {program}: {error}")]
    Run { program: String, error: io::Error },
}

/// What a build produced: the programs that compiled, by name.
#[derive(Debug, Clone, Default)]
pub struct Built {
    pub executables: BTreeMap<String, PathBuf>,
    /// Whether every requested program compiled.
    pub success: bool,
    /// The compiler's messages, when they were captured rather than shown.
    pub compiler_output: String,
}

/// The pqxdh-lab folder that holds `exercises/` and `solutions/`.
#[derive(Debug, Clone)]
pub struct Workspace {
    root: PathBuf,
}

fn is_workspace(dir: &Path) -> bool {
    dir.join("Cargo.toml").is_file()
        && dir.join("exercises").join("Cargo.toml").is_file()
        && dir.join("solutions").join("Cargo.toml").is_file()
}

impl Workspace {
    /// The folder around the current directory, or else the one this
    /// program was built from (so `pqxdh-lab` works from any folder of a
    /// learner's clone, and from elsewhere if the clone is still there).
    pub fn find() -> Result<Self, RunnerError> {
        let cwd = std::env::current_dir().unwrap_or_default();
        let built_from = Path::new(env!("CARGO_MANIFEST_DIR"));
        cwd.ancestors()
            .chain([built_from])
            .find(|dir| is_workspace(dir))
            .map(|root| Self {
                root: root.to_path_buf(),
            })
            .ok_or_else(|| RunnerError::NoWorkspace(cwd.display().to_string()))
    }

    /// A workspace at a known folder (tests).
    pub fn at(root: impl Into<PathBuf>) -> Option<Self> {
        let root = root.into();
        is_workspace(&root).then_some(Self { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// An exercise's source file: `exercises/07_dh.rs`.
    pub fn source(&self, package: Package, name: &str) -> PathBuf {
        self.root.join(package.dir()).join(format!("{name}.rs"))
    }

    /// Reads a file by the path the compiler recorded (relative to the root).
    pub fn read(&self, path: &str) -> Option<String> {
        std::fs::read_to_string(self.root.join(path)).ok()
    }

    fn cargo(&self) -> Command {
        // `cargo run` tells the program which cargo started it.
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
        let mut cmd = Command::new(cargo);
        cmd.current_dir(&self.root);
        cmd
    }

    /// Builds one exercise (`Some(name)`) or all of them, in release mode.
    /// With `show_compiler`, the compiler's messages go straight to the
    /// terminal; otherwise they are kept in [`Built::compiler_output`].
    /// `offline` never touches the network (a check at the door).
    pub fn build(
        &self,
        package: Package,
        name: Option<&str>,
        show_compiler: bool,
        offline: bool,
    ) -> Result<Built, RunnerError> {
        let mut cmd = self.cargo();
        cmd.args(["build", "--release", "--quiet", "--package", package.name()])
            // Artifacts as JSON on stdout (to find the programs); the
            // compiler's messages rendered for people on stderr.
            .arg("--message-format=json-render-diagnostics");
        match name {
            Some(name) => cmd.args(["--bin", name]),
            // One exercise that does not compile must not hide the others.
            None => cmd.args(["--bins", "--keep-going"]),
        };
        if offline {
            cmd.arg("--offline");
        }
        cmd.stdin(Stdio::null()).stdout(Stdio::piped());
        cmd.stderr(if show_compiler {
            Stdio::inherit()
        } else {
            Stdio::piped()
        });
        let output = cmd.output().map_err(RunnerError::NoCargo)?;
        let mut built = Built {
            success: output.status.success(),
            compiler_output: String::from_utf8_lossy(&output.stderr).into_owned(),
            ..Built::default()
        };
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            if message["reason"] != "compiler-artifact" {
                continue;
            }
            let is_bin = message["target"]["kind"]
                .as_array()
                .is_some_and(|kinds| kinds.iter().any(|k| k == "bin"));
            if let (true, Some(name), Some(exe)) = (
                is_bin,
                message["target"]["name"].as_str(),
                message["executable"].as_str(),
            ) {
                built
                    .executables
                    .insert(name.to_string(), PathBuf::from(exe));
            }
        }
        Ok(built)
    }

    /// Runs a built exercise with the room's seed, and waits at most
    /// [`RUN_TIMEOUT`] for it.
    pub fn run(&self, executable: &Path, seed: u64) -> Result<RunOutput, RunnerError> {
        let failed = |error| RunnerError::Run {
            program: executable.display().to_string(),
            error,
        };
        let mut child = Command::new(executable)
            .current_dir(&self.root)
            .env(SEED_VAR, seed.to_string())
            // A panic is reported in words; a backtrace would bury them.
            .env("RUST_BACKTRACE", "0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(failed)?;
        let stdout = drain(child.stdout.take());
        let stderr = drain(child.stderr.take());
        let started = Instant::now();
        let (code, timed_out) = loop {
            if let Some(status) = child.try_wait().map_err(failed)? {
                break (status.code(), false);
            }
            if started.elapsed() > RUN_TIMEOUT {
                let _ = child.kill();
                let _ = child.wait();
                break (None, true);
            }
            thread::sleep(Duration::from_millis(20));
        };
        Ok(RunOutput {
            code,
            stdout: stdout.join().unwrap_or_default(),
            stderr: stderr.join().unwrap_or_default(),
            timed_out,
        })
    }
}

/// Reads a child's pipe to the end on its own thread, so that a program
/// printing a lot never blocks on a full pipe.
fn drain(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Where an exercise stands, for the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Checked and passed, in this form, for this seed.
    Done,
    /// Its file still has a `todo!(`.
    ToDo,
    /// Changed (or for another seed) since it last passed, and no todo!() left.
    NotChecked,
}

/// Which exercises passed: `exercises/.checked`, one line per exercise,
/// `NAME SEED SHA-256-of-the-source`. A changed file or another seed makes
/// the line stale by itself, so nothing needs to be reset.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    passed: BTreeMap<String, (u64, String)>,
}

fn digest(source: &str) -> String {
    hex::encode(Sha256::digest(source.as_bytes()))
}

impl Progress {
    fn path(ws: &Workspace) -> PathBuf {
        ws.root.join(Package::Exercises.dir()).join(".checked")
    }

    pub fn load(ws: &Workspace) -> Self {
        let text = std::fs::read_to_string(Self::path(ws)).unwrap_or_default();
        let passed = text
            .lines()
            .filter_map(|line| {
                let mut parts = line.split_whitespace();
                let (name, seed, digest) = (parts.next()?, parts.next()?, parts.next()?);
                Some((name.to_string(), (seed.parse().ok()?, digest.to_string())))
            })
            .collect();
        Self { passed }
    }

    /// Remembers a passing (or forgets a failing) exercise, and saves. The
    /// record is a convenience: failing to save it is not worth an error.
    pub fn record(&mut self, ws: &Workspace, name: &str, seed: u64, source: &str, passed: bool) {
        if passed {
            self.passed.insert(name.to_string(), (seed, digest(source)));
        } else {
            self.passed.remove(name);
        }
        let text: String = self
            .passed
            .iter()
            .map(|(name, (seed, digest))| format!("{name} {seed} {digest}\n"))
            .collect();
        let _ = std::fs::write(Self::path(ws), text);
    }

    pub fn status(&self, name: &str, seed: u64, source: &str) -> Status {
        match self.passed.get(name) {
            Some((s, d)) if *s == seed && *d == digest(source) => Status::Done,
            _ if source.contains("todo!(") => Status::ToDo,
            _ => Status::NotChecked,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workspace_is_found_from_the_source_tree() {
        let ws = Workspace::at(env!("CARGO_MANIFEST_DIR")).expect("this checkout is one");
        assert!(ws.source(Package::Exercises, "07_dh").is_file());
        assert!(ws.source(Package::Solutions, "07_dh").is_file());
        assert!(Workspace::at(std::env::temp_dir()).is_none());
    }

    #[test]
    fn status_follows_the_file_and_the_seed() {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["exercises", "solutions"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
            std::fs::write(dir.path().join(sub).join("Cargo.toml"), "").unwrap();
        }
        std::fs::write(dir.path().join("Cargo.toml"), "").unwrap();
        let ws = Workspace::at(dir.path()).unwrap();

        let mut progress = Progress::load(&ws);
        let untouched = "let x = todo!();";
        let done = "let x = 1;";
        assert_eq!(progress.status("07_dh", 7, untouched), Status::ToDo);
        assert_eq!(progress.status("07_dh", 7, done), Status::NotChecked);
        progress.record(&ws, "07_dh", 7, done, true);
        let reloaded = Progress::load(&ws);
        assert_eq!(reloaded.status("07_dh", 7, done), Status::Done);
        assert_eq!(reloaded.status("07_dh", 8, done), Status::NotChecked);
        assert_eq!(
            reloaded.status("07_dh", 7, "let x = 2;"),
            Status::NotChecked
        );
        progress.record(&ws, "07_dh", 7, done, false);
        assert_eq!(
            Progress::load(&ws).status("07_dh", 7, done),
            Status::NotChecked
        );
    }
}
