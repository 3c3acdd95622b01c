//! Part III's "what you should see" blocks and pictures are the real output
//! of examples 14–17 with the book's seed. This test runs them again and
//! fails if anything differs, so the book never shows stale bytes.
//!
//! After an intended change, regenerate with
//!   PQXDH_LAB_UPDATE_BOOK=1 cargo test --test book_outputs_share
//! and review the diff like code.

use std::path::{Path, PathBuf};
use std::process::Command;

const BOOK_SEED: &str = "7";
const EXAMPLES: [&str; 4] = [
    "14_session_after_handshake",
    "15_stream_encryption",
    "16_relay",
    "17_image_demo",
];
const PICTURES: [&str; 3] = ["original.png", "server-view.png", "decrypted.png"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `target/<profile>/examples`, beside this test binary's `deps` folder.
fn examples_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent()
        .and_then(Path::parent)
        .unwrap()
        .join("examples")
}

/// Builds the examples with this profile (a no-op when current), so a stale
/// binary is never compared.
fn build_examples() {
    let profile_dir = examples_dir().parent().unwrap().to_path_buf();
    let mut cmd = Command::new(env!("CARGO"));
    cmd.current_dir(root())
        .args(["build", "--examples", "--quiet", "--target-dir"])
        .arg(profile_dir.parent().unwrap());
    if profile_dir.file_name().is_some_and(|p| p == "release") {
        cmd.arg("--release");
    }
    assert!(
        cmd.status().unwrap().success(),
        "cargo build --examples failed"
    );
}

fn run_example(name: &str, args: &[&str]) -> String {
    let path = examples_dir().join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    let out = Command::new(&path).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{name} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn part3_outputs_and_pictures_are_current() {
    build_examples();
    let update = std::env::var_os("PQXDH_LAB_UPDATE_BOOK").is_some();
    let generated = root().join("book/src/generated");
    let pictures = root().join("book/src/images/part3");
    let scratch = tempfile::tempdir().unwrap();
    let mut stale = Vec::new();
    for name in EXAMPLES {
        let mut args = vec!["--seed", BOOK_SEED];
        let out_dir = scratch.path().to_str().unwrap().to_string();
        if name == "17_image_demo" {
            args.extend(["--out", &out_dir]);
        }
        let fresh = run_example(name, &args);
        // A second run must print the very same bytes: the book relies on it.
        assert_eq!(
            fresh,
            run_example(name, &args),
            "{name} is not deterministic"
        );
        let path = generated.join(format!("{name}.txt"));
        if update {
            std::fs::create_dir_all(&generated).unwrap();
            std::fs::write(&path, &fresh).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(fresh.as_str()) {
            stale.push(path);
        }
    }
    for picture in PICTURES {
        let fresh = std::fs::read(scratch.path().join(picture)).unwrap();
        let path = pictures.join(picture);
        if update {
            std::fs::create_dir_all(&pictures).unwrap();
            std::fs::write(&path, &fresh).unwrap();
        } else if std::fs::read(&path).ok() != Some(fresh) {
            stale.push(path);
        }
    }
    assert!(
        stale.is_empty(),
        "stale or missing book files: {stale:?}\nregenerate with \
         PQXDH_LAB_UPDATE_BOOK=1 cargo test --test book_outputs_share and review the diff"
    );
}

/// Every `{{#include …}}` of a Part III chapter names a file and, if given,
/// an anchor that exists.
#[test]
fn part3_includes_resolve() {
    for chapter in ["01-sessions", "02-stream", "03-relay", "04-image-demo"] {
        let path = root().join(format!("book/src/part3/{chapter}.md"));
        let text = std::fs::read_to_string(&path).unwrap();
        for include in text.split("{{#include ").skip(1) {
            let target = include.split("}}").next().unwrap();
            let (file, anchor) = match target.split_once(':') {
                Some((f, a)) => (f, Some(a)),
                None => (target, None),
            };
            let file = path.parent().unwrap().join(file);
            let body = std::fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("{chapter}: {}: {e}", file.display()));
            if let Some(anchor) = anchor {
                assert!(
                    body.contains(&format!("// ANCHOR: {anchor}\n"))
                        && body.contains(&format!("// ANCHOR_END: {anchor}\n")),
                    "{chapter}: no anchor {anchor} in {}",
                    file.display()
                );
            }
        }
        for image in text.split("](../images/").skip(1) {
            let file = image.split(')').next().unwrap();
            assert!(
                root().join("book/src/images").join(file).exists(),
                "{chapter}: missing image {file}"
            );
        }
    }
}
