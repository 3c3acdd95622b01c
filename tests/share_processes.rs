//! `share` as real processes: several at once on one home, stopped by
//! Ctrl-C or SIGTERM, killed outright, sharing a relay between Unix users,
//! writing to a closed or full stdout, and printing what a hostile relay
//! wrote. Each case would have lost data, reused a key, hung or lied before.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pqxdh-lab"))
}

fn share(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = bin();
    cmd.arg("share")
        .args(args)
        .current_dir(dir)
        .env("PQXDH_LAB_RELAY", dir.join("relay"))
        .env("PQXDH_LAB_HOME", dir.join("homes"));
    cmd
}

fn run(dir: &Path, args: &[&str]) -> Output {
    share(dir, args).output().unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn partials(dir: &Path) -> Vec<String> {
    files_in(dir)
        .into_iter()
        .filter(|n| n.ends_with(".partial"))
        .collect()
}

/// Waits for every child, at most `limit` in all; a hung one fails the test.
fn wait_all(children: Vec<Child>, limit: Duration) -> Vec<Output> {
    let start = Instant::now();
    let mut children: Vec<Option<Child>> = children.into_iter().map(Some).collect();
    loop {
        let done = children
            .iter_mut()
            .all(|c| c.as_mut().is_none_or(|c| c.try_wait().unwrap().is_some()));
        if done {
            break;
        }
        if start.elapsed() > limit {
            for c in children.iter_mut().flatten() {
                let _ = c.kill();
            }
            panic!("a command hung for more than {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    children
        .into_iter()
        .map(|c| c.unwrap().wait_with_output().unwrap())
        .collect()
}

fn spawn(cmd: &mut Command) -> Child {
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

// ---- 1. Concurrency: one home, many processes -----------------------------

#[test]
fn twenty_concurrent_sends_from_one_home_all_arrive() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["init", "alice"]);
    ok(d, &["init", "bob"]);
    let mut children = Vec::new();
    for i in 0..20 {
        let name = format!("file-{i:02}.txt");
        fs::write(d.join(&name), format!("file number {i}\n")).unwrap();
        children.push(spawn(&mut share(
            d,
            &["send", "--from", "alice", "--to", "bob", &name],
        )));
    }
    for out in wait_all(children, Duration::from_secs(300)) {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // Every message used its own message key: Bob refuses none as a replay.
    let got = run(d, &["receive", "--as", "bob", "--out", "got"]);
    assert!(
        got.status.success(),
        "{}",
        String::from_utf8_lossy(&got.stderr)
    );
    let names = files_in(&d.join("got"));
    assert_eq!(names.len(), 20, "{names:?}");
    for i in 0..20 {
        let text = fs::read_to_string(d.join(format!("got/file-{i:02}.txt"))).unwrap();
        assert_eq!(text, format!("file number {i}\n"));
    }
}

#[test]
fn concurrent_receives_take_each_file_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["init", "alice"]);
    ok(d, &["init", "bob"]);
    for i in 0..6 {
        let name = format!("f{i}.bin");
        fs::write(d.join(&name), vec![i as u8; 300_000]).unwrap();
        ok(d, &["send", "--from", "alice", "--to", "bob", &name]);
    }
    let children = (0..4)
        .map(|_| spawn(&mut share(d, &["receive", "--as", "bob", "--out", "got"])))
        .collect();
    let outputs = wait_all(children, Duration::from_secs(300));
    let mut said = 0;
    for out in &outputs {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        assert!(!stderr.contains("refused"), "{stderr}");
        said += String::from_utf8_lossy(&out.stdout)
            .matches("Received ")
            .count();
    }
    assert_eq!(said, 6, "each file reported once");
    assert_eq!(files_in(&d.join("got")).len(), 6, "no duplicate, none lost");
}

#[test]
fn concurrent_inits_of_one_name_leave_one_identity() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Four in one home, four in four other homes, all for "carol".
    let mut children = Vec::new();
    for i in 0..8 {
        let mut cmd = share(d, &["init", "carol"]);
        if i >= 4 {
            cmd.env("PQXDH_LAB_HOME", d.join(format!("homes-{i}")));
        }
        children.push(spawn(&mut cmd));
    }
    let outputs = wait_all(children, Duration::from_secs(300));
    let winners: Vec<usize> = (0..8).filter(|&i| outputs[i].status.success()).collect();
    assert_eq!(winners.len(), 1, "exactly one init wins");
    for (i, out) in outputs.iter().enumerate() {
        if !winners.contains(&i) {
            let e = String::from_utf8_lossy(&out.stderr);
            assert!(
                e.contains("already has a home folder") || e.contains("another identity key"),
                "{e}"
            );
        }
    }
    // The relay's bundle is the winner's key.
    let home = if winners[0] >= 4 {
        d.join(format!("homes-{}", winners[0]))
    } else {
        d.join("homes")
    };
    let state: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(home.join("carol/state.json")).unwrap()).unwrap();
    let key_pair = hex::decode(state["identity_key_pair"].as_str().unwrap()).unwrap();
    let pair = libsignal_protocol::IdentityKeyPair::try_from(key_pair.as_slice()).unwrap();
    let bundle = fs::read(d.join("relay/bundles/carol.bundle")).unwrap();
    let bundle = pqxdh_lab::engine::ServerBundle::decode(&bundle).unwrap();
    assert_eq!(
        bundle.identity_key,
        pair.identity_key().serialize().to_vec()
    );
}

// ---- 7. Interrupted transfers leave nothing -------------------------------

/// Starts a command, waits for its temporary file to appear in `watch`, and
/// sends it `signal`.
fn interrupt_when_writing(mut cmd: Command, watch: &Path, signal: &str) -> Output {
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while partials(watch).is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no transfer started"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    wait_all(vec![child], Duration::from_secs(60)).remove(0)
}

fn big_file(d: &Path, name: &str, mib: usize) -> PathBuf {
    let path = d.join(name);
    let chunk: Vec<u8> = (0..1 << 20).map(|i| (i * 7 + 3) as u8).collect();
    let mut all = Vec::with_capacity(mib << 20);
    for _ in 0..mib {
        all.extend_from_slice(&chunk);
    }
    fs::write(&path, all).unwrap();
    path
}

#[cfg(unix)]
#[test]
fn ctrl_c_or_sigterm_during_a_transfer_leaves_no_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["init", "alice"]);
    ok(d, &["init", "bob"]);
    big_file(d, "big.bin", 256);
    // A send stopped halfway: no blob, no partial blob, no message.
    for signal in ["-INT", "-TERM"] {
        let out = interrupt_when_writing(
            share(d, &["send", "--from", "alice", "--to", "bob", "big.bin"]),
            &d.join("relay/blobs"),
            signal,
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(130), "{signal}: {stderr}");
        assert!(stderr.contains("interrupted"), "{stderr}");
        assert!(files_in(&d.join("relay/blobs")).is_empty());
        assert!(files_in(&d.join("relay/inbox/bob")).is_empty());
    }
    // A receive stopped halfway: no partial plaintext; the message stays.
    ok(d, &["send", "--from", "alice", "--to", "bob", "big.bin"]);
    let state = fs::read(d.join("homes/bob/state.json")).unwrap();
    fs::create_dir_all(d.join("got")).unwrap();
    for signal in ["-INT", "-TERM"] {
        let out = interrupt_when_writing(
            share(d, &["receive", "--as", "bob", "--out", "got"]),
            &d.join("got"),
            signal,
        );
        assert_eq!(
            out.status.code(),
            Some(130),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            files_in(&d.join("got")).is_empty(),
            "{:?}",
            files_in(&d.join("got"))
        );
        assert_eq!(fs::read(d.join("homes/bob/state.json")).unwrap(), state);
        assert_eq!(files_in(&d.join("relay/inbox/bob")).len(), 1);
    }
    ok(d, &["receive", "--as", "bob", "--out", "got"]);
    assert_eq!(files_in(&d.join("got")), ["big.bin"]);
}

#[cfg(unix)]
#[test]
fn what_a_killed_command_left_is_swept_by_the_next_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["init", "alice"]);
    ok(d, &["init", "bob"]);
    big_file(d, "big.bin", 256);
    ok(d, &["send", "--from", "alice", "--to", "bob", "big.bin"]);
    fs::create_dir_all(d.join("got")).unwrap();
    // SIGKILL runs no code: the half-decrypted plaintext stays…
    let out = interrupt_when_writing(
        share(d, &["receive", "--as", "bob", "--out", "got"]),
        &d.join("got"),
        "-KILL",
    );
    assert_eq!(out.status.code(), None, "killed");
    assert_eq!(partials(&d.join("got")).len(), 1);
    // …until the next receive into that folder, which sweeps it.
    ok(d, &["receive", "--as", "bob", "--out", "got"]);
    assert_eq!(files_in(&d.join("got")), ["big.bin"]);

    // A killed send leaves a partial blob on the relay. In a relay folder,
    // which other computers may share, a leftover must also be an hour old.
    let out = interrupt_when_writing(
        share(d, &["send", "--from", "alice", "--to", "bob", "big.bin"]),
        &d.join("relay/blobs"),
        "-KILL",
    );
    assert_eq!(out.status.code(), None);
    let left = partials(&d.join("relay/blobs"));
    assert_eq!(left.len(), 1);
    let path = d.join("relay/blobs").join(&left[0]);
    ok(d, &["inspect", "relay"]);
    ok(d, &["receive", "--as", "alice", "--out", "got-alice"]);
    assert!(path.exists(), "young: it may be another computer's upload");
    let old = std::time::SystemTime::now() - Duration::from_secs(2 * 60 * 60);
    fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(old)
        .unwrap();
    ok(d, &["receive", "--as", "alice", "--out", "got-alice"]);
    assert!(!path.exists(), "swept");
}

// ---- 2, 3. A hostile relay, seen from the command line ---------------------

#[cfg(unix)]
#[test]
fn a_fifo_and_escape_bytes_in_the_inbox_neither_hang_nor_drive_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["init", "alice"]);
    ok(d, &["init", "bob"]);
    fs::write(d.join("a.txt"), "hello\n").unwrap();
    ok(d, &["send", "--from", "alice", "--to", "bob", "a.txt"]);
    let inbox = d.join("relay/inbox/bob");
    let status = Command::new("mkfifo")
        .arg(inbox.join("00000000000000000001-00000000.msg"))
        .status()
        .unwrap();
    assert!(status.success());
    // An envelope from "alice\e[2J\rReceived…": garbage inside, hostile outside.
    let envelope = pqxdh_lab::share::envelope::Envelope {
        from: "\u{1b}[2J\u{1b}[HReceived payroll.xlsx from bank".into(),
        to: "bob".into(),
        kind: pqxdh_lab::share::envelope::Kind::File,
        message_type: pqxdh_lab::share::envelope::MessageType::Whisper,
        message: vec![0x44; 60],
    };
    fs::write(
        inbox.join("00000000000000000002-00000000.msg"),
        envelope.encode(),
    )
    .unwrap();
    let child = spawn(&mut share(d, &["receive", "--as", "bob", "--out", "got"]));
    let out = wait_all(vec![child], Duration::from_secs(60)).remove(0);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(fs::read_to_string(d.join("got/a.txt")).unwrap(), "hello\n");
    assert!(stderr.contains("named pipe (FIFO)"), "{stderr}");
    assert!(
        !out.stderr.contains(&0x1b) && !out.stdout.contains(&0x1b),
        "{stderr:?}"
    );
    assert!(stderr.contains("\\u{1b}[2J"), "{stderr}");
    // The operator's view: the relay folder, with the FIFO refused unread.
    let seen = ok(d, &["inspect", "relay"]);
    assert!(seen.contains("named pipe (FIFO)"), "{seen}");
    assert!(!seen.contains('\u{1b}'), "{seen:?}");
}

// ---- 9. Output that cannot be written; arguments out of range --------------

#[test]
fn a_closed_or_full_stdout_never_undoes_a_receive() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["init", "alice"]);
    ok(d, &["init", "bob"]);
    fs::write(d.join("a.txt"), "x").unwrap();
    ok(d, &["send", "--from", "alice", "--to", "bob", "a.txt"]);
    // Closed pipe: quiet success.
    let mut child = share(d, &["receive", "--as", "bob", "--out", "one"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(d.join("one/a.txt").is_file());
    #[cfg(target_os = "linux")]
    {
        ok(d, &["send", "--from", "alice", "--to", "bob", "a.txt"]);
        let full = || {
            fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap()
        };
        let out = share(d, &["receive", "--as", "bob", "--out", "two"])
            .stdout(full())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("done, but could not write"), "{stderr}");
        assert!(d.join("two/a.txt").is_file());
        // Refusals reported on a full stderr do not panic either.
        fs::write(
            d.join("relay/inbox/bob/00000000000000000001-00000000.msg"),
            b"junk",
        )
        .unwrap();
        let out = share(d, &["receive", "--as", "bob", "--out", "two"])
            .stdout(full())
            .stderr(full())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
    }
}

#[test]
fn one_time_prekey_counts_out_of_range_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for n in ["16777215", "4294967296", "1001"] {
        let out = run(d, &["init", "bob", "--one-time-prekeys", n]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{n}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(!d.join("homes/bob").exists());
    }
}

// ---- Safety numbers, trust and publish from the command line --------------

#[test]
fn the_safety_number_commands_show_the_same_digits_on_both_sides() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["init", "alice"]);
    ok(d, &["init", "bob"]);
    fs::write(d.join("a.txt"), "x").unwrap();
    ok(d, &["send", "--from", "alice", "--to", "bob", "a.txt"]);
    ok(d, &["receive", "--as", "bob", "--out", "got"]);
    let digits = |text: &str| -> String {
        text.lines()
            .filter(|l| l.starts_with("    ") && l.trim().len() == 23)
            .flat_map(|l| l.split_whitespace())
            .collect()
    };
    let a = ok(d, &["safety-number", "--as", "alice", "bob"]);
    let b = ok(d, &["safety-number", "--as", "bob", "alice"]);
    assert_eq!(digits(&a).len(), 60, "{a}");
    assert_eq!(digits(&a), digits(&b));
    let t = ok(d, &["trust", "--as", "bob", "alice"]);
    assert!(t.contains("nothing to trust"), "{t}");

    // Alice reinstalls and writes again: Bob is told what to do, does it.
    fs::remove_dir_all(d.join("homes/alice")).unwrap();
    let out = run(d, &["init", "alice"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--take-over"));
    let out = run(d, &["init", "alice", "--take-over"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("WARNING"));
    ok(d, &["send", "--from", "alice", "--to", "bob", "a.txt"]);
    let out = run(d, &["receive", "--as", "bob", "--out", "got"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("share trust --as bob alice"));
    let offered = ok(d, &["trust", "--as", "bob", "alice"]);
    assert!(offered.contains("Nothing was changed"), "{offered}");
    let new = digits(&ok(d, &["safety-number", "--as", "alice", "bob"]));
    assert_ne!(new, digits(&a));
    assert!(digits(&offered).contains(&new), "{offered}");
    ok(d, &["trust", "--as", "bob", "alice", "--accept", &new]);
    ok(d, &["receive", "--as", "bob", "--out", "got"]);
    assert_eq!(
        digits(&ok(d, &["safety-number", "--as", "bob", "alice"])),
        new
    );

    let published = ok(d, &["publish", "bob", "--one-time-prekeys", "3"]);
    assert!(
        published.contains("3 fresh one-time prekeys"),
        "{published}"
    );
}

// ---- 8. A relay folder shared between Unix users --------------------------

/// Runs as two unprivileged users of one group, which needs root (as CI
/// runs); elsewhere it says so and passes.
#[cfg(target_os = "linux")]
#[test]
fn a_group_shared_relay_works_between_two_users() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("SKIPPED: switching users needs root");
        return;
    }
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_pqxdh-lab"));
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::set_permissions(d, fs::Permissions::from_mode(0o755)).unwrap();
    // Both users must reach the binary; skip if its folders are private.
    if exe
        .ancestors()
        .skip(1)
        .any(|p| fs::metadata(p).is_ok_and(|m| m.permissions().mode() & 0o001 == 0))
    {
        eprintln!("SKIPPED: the test binary is not reachable by other users");
        return;
    }
    let group = 64_990;
    let relay = d.join("relay");
    fs::create_dir(&relay).unwrap();
    std::os::unix::fs::chown(&relay, Some(0), Some(group)).unwrap();
    // The documented setup: group-writable, set-group-id.
    fs::set_permissions(&relay, fs::Permissions::from_mode(0o2770)).unwrap();
    let as_user = |uid: u32, args: &[&str]| -> Output {
        let home = d.join(format!("home-{uid}"));
        fs::create_dir_all(&home).unwrap();
        std::os::unix::fs::chown(&home, Some(uid), Some(group)).unwrap();
        let mut cmd = Command::new(&exe);
        cmd.arg("share")
            .args(args)
            .current_dir(&home)
            .env("PQXDH_LAB_RELAY", &relay)
            .env("PQXDH_LAB_HOME", &home)
            .uid(uid)
            .gid(group);
        // A strict umask, as some users have: the relay's permissions still rule.
        unsafe {
            cmd.pre_exec(|| {
                libc::umask(0o077);
                Ok(())
            });
        }
        cmd.output().unwrap()
    };
    let ok_as = |uid: u32, args: &[&str]| {
        let out = as_user(uid, args);
        assert!(
            out.status.success(),
            "uid {uid} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let (alice, bob) = (64_991, 64_992);
    ok_as(alice, &["init", "alice"]);
    ok_as(bob, &["init", "bob"]);
    fs::write(d.join(format!("home-{alice}/a.txt")), "between users\n").unwrap();
    let sent = ok_as(alice, &["send", "--from", "alice", "--to", "bob", "a.txt"]);
    assert!(
        sent.contains("DH1–DH4"),
        "Alice could claim Bob's prekey: {sent}"
    );
    ok_as(bob, &["receive", "--as", "bob", "--out", "got"]);
    assert_eq!(
        fs::read_to_string(d.join(format!("home-{bob}/got/a.txt"))).unwrap(),
        "between users\n"
    );
    // Bob could delete what Alice wrote: the message and the blob are gone.
    assert!(files_in(&relay.join("inbox/bob")).is_empty());
    assert!(files_in(&relay.join("blobs")).is_empty());
    ok_as(alice, &["receive", "--as", "alice", "--out", "got"]);
    assert!(
        files_in(&relay.join("inbox/alice")).is_empty(),
        "Bob's receipt, taken by Alice"
    );

    // Without the setup, the second user gets told what to do.
    let plain = d.join("plain-relay");
    fs::create_dir(&plain).unwrap();
    std::os::unix::fs::chown(&plain, Some(alice), Some(group)).unwrap();
    fs::set_permissions(&plain, fs::Permissions::from_mode(0o755)).unwrap();
    let out = {
        let mut cmd = Command::new(&exe);
        cmd.args(["share", "init", "carol"])
            .env("PQXDH_LAB_RELAY", &plain)
            .env("PQXDH_LAB_HOME", d.join(format!("home-{bob}")))
            .uid(bob)
            .gid(group);
        cmd.output().unwrap()
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("chmod g+s"), "{stderr}");
}
