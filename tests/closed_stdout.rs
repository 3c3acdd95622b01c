//! Output that cannot be written: a reader that stops early (`| head`) or a
//! full disk. Neither may crash a command or undo what it did.

use std::path::Path;
use std::process::{Command, Stdio};

fn demo_image(out: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pqxdh-lab"));
    cmd.args(["demo", "image", "--seed", "3", "--out"])
        .arg(out)
        .stderr(Stdio::piped());
    cmd
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let pictures = dir.path().join("pictures");
    let mut child = demo_image(&pictures)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // The reader goes away before the demo (which takes a while) prints.
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.is_empty(),
        "a closed pipe needs no message: {stderr}"
    );
    assert!(pictures.join("decrypted.png").is_file());
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_output_is_a_clear_error_and_the_work_stays_done() {
    let dir = tempfile::tempdir().unwrap();
    let pictures = dir.path().join("pictures");
    // Every write to /dev/full fails with "No space left on device".
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let o = demo_image(&pictures).stdout(full).output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("pqxdh-lab: demo image: done, but could not write the report: "),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(pictures.join("decrypted.png").is_file());
}
