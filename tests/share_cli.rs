//! `share` and `demo image` as a new user runs them: exit codes, messages,
//! and the files left behind.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pqxdh-lab"))
        .args(args)
        .current_dir(dir)
        .env("PQXDH_LAB_RELAY", dir.join("relay"))
        .env("PQXDH_LAB_HOME", dir.join("homes"))
        .output()
        .unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn fails(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert_eq!(out.status.code(), Some(1), "{args:?} should fail");
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn help_teaches() {
    let dir = tempfile::tempdir().unwrap();
    let help = ok(dir.path(), &["share", "--help"]);
    assert!(help.contains("untrusted relay"), "{help}");
    assert!(help.contains("pqxdh-lab share --relay /tmp/relay --home /tmp/homes send"));
    let help = ok(dir.path(), &["share", "send", "--help"]);
    assert!(help.contains("Example:"), "{help}");
    let help = ok(dir.path(), &["demo", "image", "--help"]);
    assert!(help.contains("server-view.png"), "{help}");
}

#[test]
fn a_new_user_sends_and_receives_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["share", "init", "alice"]);
    ok(d, &["share", "init", "bob"]);
    fs::write(d.join("plans.txt"), "meet at noon\n").unwrap();
    let sent = ok(
        d,
        &[
            "share",
            "send",
            "--from",
            "alice",
            "--to",
            "bob",
            "plans.txt",
        ],
    );
    assert!(sent.contains("First contact: PQXDH"), "{sent}");
    assert!(sent.contains("PreKeySignalMessage"), "{sent}");
    let got = ok(d, &["share", "receive", "--as", "bob", "--out", "inbox"]);
    assert!(got.contains("from alice"), "{got}");
    assert_eq!(
        fs::read_to_string(d.join("inbox/plans.txt")).unwrap(),
        "meet at noon\n"
    );
    let again = ok(
        d,
        &[
            "share",
            "send",
            "--from",
            "alice",
            "--to",
            "bob",
            "plans.txt",
        ],
    );
    assert!(again.contains("in a SignalMessage"), "{again}");
    // The relay folder holds the new blob; inspect it without any key.
    let blob = fs::read_dir(d.join("relay/blobs"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "blob"))
        .unwrap();
    let seen = ok(d, &["share", "inspect", blob.to_str().unwrap()]);
    assert!(seen.contains("13 bytes"), "{seen}");
    assert!(!seen.contains("meet at noon"));
}

#[test]
fn refusals_exit_non_zero_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["share", "init", "alice"]);
    fs::write(d.join("a.txt"), "x").unwrap();
    let e = fails(
        d,
        &["share", "send", "--from", "alice", "--to", "dave", "a.txt"],
    );
    assert!(e.contains("share init dave"), "{e}");
    let e = fails(
        d,
        &["share", "send", "--from", "erin", "--to", "alice", "a.txt"],
    );
    assert!(e.contains("erin has no home folder"), "{e}");
    let e = fails(
        d,
        &[
            "share",
            "send",
            "--from",
            "alice",
            "--to",
            "bob",
            "missing.txt",
        ],
    );
    assert!(e.contains("could not read missing.txt"), "{e}");

    ok(d, &["share", "init", "bob"]);
    ok(
        d,
        &["share", "send", "--from", "alice", "--to", "bob", "a.txt"],
    );
    let blob = fs::read_dir(d.join("relay/blobs"))
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    let mut bytes = fs::read(&blob).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    fs::write(&blob, &bytes).unwrap();
    let e = fails(d, &["share", "receive", "--as", "bob", "--out", "inbox"]);
    assert!(e.contains("failed authentication"), "{e}");
    assert_eq!(fs::read_dir(d.join("inbox")).unwrap().count(), 0);
}

/// Bytes of a PNG's pixels.
fn pixels(path: &Path) -> (u32, u32, Vec<u8>) {
    let img = image::open(path).unwrap().to_rgb8();
    (img.width(), img.height(), img.into_raw())
}

/// Pearson's chi-square of the byte values against a uniform distribution.
fn chi_square(bytes: &[u8]) -> f64 {
    let mut counts = [0u64; 256];
    for b in bytes {
        counts[*b as usize] += 1;
    }
    let expected = bytes.len() as f64 / 256.0;
    counts
        .iter()
        .map(|&c| (c as f64 - expected).powi(2) / expected)
        .sum()
}

#[test]
fn the_image_demo_shows_what_it_claims() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let report = ok(d, &["demo", "image", "--seed", "7", "--out", "one"]);
    let (w, h, original) = pixels(&d.join("one/original.png"));
    let (w2, h2, decrypted) = pixels(&d.join("one/decrypted.png"));
    let (w3, h3, view) = pixels(&d.join("one/server-view.png"));
    assert_eq!((w, h), (w2, h2));
    assert_eq!((w, h), (w3, h3));
    assert_eq!(original, decrypted);
    assert_eq!(
        fs::read(d.join("one/original.png")).unwrap(),
        fs::read(d.join("one/decrypted.png")).unwrap()
    );
    // Uniform noise: chi-square near its 255 degrees of freedom (p < 1e-6
    // beyond 400). The picture itself is nowhere near.
    assert!(
        chi_square(&view) < 400.0,
        "server view chi2 {}",
        chi_square(&view)
    );
    assert!(chi_square(&original) > 10_000.0);
    // The printed hashes are the files' hashes.
    let sha = |p: &str| {
        hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
            fs::read(d.join(p)).unwrap(),
        ))
    };
    assert!(report.contains(&sha("one/original.png")), "{report}");
    assert_eq!(
        report.matches(&sha("one/original.png")).count(),
        2,
        "{report}"
    );

    // Same seed, same bytes; another seed, another blob.
    ok(d, &["demo", "image", "--seed", "7", "--out", "two"]);
    ok(d, &["demo", "image", "--seed", "8", "--out", "three"]);
    let read = |p: &str| fs::read(d.join(p)).unwrap();
    assert_eq!(read("one/server-view.png"), read("two/server-view.png"));
    assert_ne!(read("one/server-view.png"), read("three/server-view.png"));
}
