//! Helpers shared by the integration tests.

use std::process::Command;

/// The bytes `pqxdh-lab transcript --format json` prints for a run.
pub fn transcript_json_bytes(seed: u64, one_time_prekey: bool) -> Vec<u8> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pqxdh-lab"));
    cmd.args([
        "transcript",
        "--format",
        "json",
        "--seed",
        &seed.to_string(),
    ]);
    if one_time_prekey {
        cmd.arg("--one-time-prekey");
    }
    let out = cmd.output().expect("the binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}
