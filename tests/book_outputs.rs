//! The book's "what you should see" blocks are files under `book/src/generated/`:
//! the exact standard output of `cargo run --example NN_topic -- --seed 7`.
//! This test runs every example again and fails if any output differs, so the
//! book never shows bytes that the code no longer prints. It also checks that
//! the examples print the same bytes as `pqxdh-lab transcript` for the same
//! seed, as the book promises, and that Part III's pictures are the ones
//! example 17 draws.
//!
//! After an intended change, rewrite the generated files with
//!   PQXDH_LAB_UPDATE_BOOK=1 cargo test --test book_outputs
//! and review the diff like code.

use std::path::{Path, PathBuf};
use std::process::Command;

use pqxdh_lab::engine::{RunOptions, run};
use pqxdh_lab::transcript::Transcript;
use sha2::{Digest, Sha256};

/// The one seed the whole book uses.
const BOOK_SEED: u64 = 7;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every example under `examples/`, by name, in order (Part III's too, when present).
fn example_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("examples"))
        .expect("examples/ exists")
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            (path.extension()? == "rs").then(|| path.file_stem()?.to_str().map(String::from))?
        })
        .collect();
    names.sort();
    names
}

/// The directory cargo puts this profile's example binaries in: next to the
/// directory of this test binary (`target/<profile>/deps/..`).
fn examples_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary has a path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("test binaries live in target/<profile>/deps");
    profile_dir.join("examples")
}

/// `cargo test` builds the examples; `cargo test --test book_outputs` alone
/// does not, so build them here (a no-op when they are current) to never
/// compare against a stale binary.
fn build_examples() {
    static BUILT: std::sync::Once = std::sync::Once::new();
    BUILT.call_once(build_examples_now);
}

fn build_examples_now() {
    let profile_dir = examples_dir().parent().unwrap().to_path_buf();
    let target_dir = profile_dir.parent().unwrap().to_path_buf();
    let mut cmd = Command::new(env!("CARGO"));
    cmd.current_dir(root())
        .args(["build", "--examples", "--quiet", "--target-dir"])
        .arg(&target_dir);
    if profile_dir.file_name().is_some_and(|p| p == "release") {
        cmd.arg("--release");
    }
    let status = cmd.status().expect("cargo runs");
    assert!(status.success(), "`cargo build --examples` failed");
}

fn run_example(name: &str, args: &[&str]) -> String {
    let path = examples_dir().join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    let out = Command::new(&path)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        out.status.success(),
        "example {name} {args:?} exited with {}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("examples print UTF-8")
}

/// The example that also writes pictures, which Part III shows.
const PICTURE_EXAMPLE: &str = "17_image_demo";
const PICTURES: [&str; 3] = ["original.png", "server-view.png", "decrypted.png"];

/// Compares a generated file with fresh bytes, or rewrites it when updating.
fn check_file(path: &Path, fresh: &[u8], update: bool, stale: &mut Vec<String>) {
    if update {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, fresh).unwrap();
    } else if std::fs::read(path).ok().as_deref() != Some(fresh) {
        stale.push(path.display().to_string());
    }
}

#[test]
fn generated_outputs_are_current() {
    build_examples();
    let dir = root().join("book/src/generated");
    let pictures = root().join("book/src/images/part3");
    let update = std::env::var_os("PQXDH_LAB_UPDATE_BOOK").is_some();
    let seed = BOOK_SEED.to_string();
    let scratch = tempfile::tempdir().unwrap();
    let scratch_dir = scratch.path().to_str().unwrap();
    let mut stale = Vec::new();
    for name in example_names() {
        let mut args = vec!["--seed", seed.as_str()];
        if name == PICTURE_EXAMPLE {
            args.extend(["--out", scratch_dir]);
        }
        let fresh = run_example(&name, &args);
        check_file(
            &dir.join(format!("{name}.txt")),
            fresh.as_bytes(),
            update,
            &mut stale,
        );
    }
    for picture in PICTURES {
        let fresh = std::fs::read(scratch.path().join(picture)).unwrap();
        check_file(&pictures.join(picture), &fresh, update, &mut stale);
    }
    assert!(
        stale.is_empty(),
        "these book outputs are missing or differ from a fresh run of their example:\n  {}\n\
         If the change is intended, regenerate them with\n  \
         PQXDH_LAB_UPDATE_BOOK=1 cargo test --test book_outputs\nand review the diff.",
        stale.join("\n  ")
    );
}

/// A generated output whose example was renamed or removed would be shown by
/// no one and checked by nothing.
#[test]
fn every_generated_output_has_its_example() {
    let examples = example_names();
    let orphans: Vec<String> = std::fs::read_dir(root().join("book/src/generated"))
        .expect("book/src/generated exists")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter_map(|name| name.strip_suffix(".txt").map(String::from))
        .filter(|stem| !examples.contains(stem))
        .collect();
    assert!(
        orphans.is_empty(),
        "book/src/generated has outputs of no example: {orphans:?}"
    );
}

/// Hex strings an example must print for a transcript value, in the form the
/// examples print it: curve keys without their type byte (shown apart),
/// 64-byte signatures as two lines of 32 bytes, everything else in full.
fn printed_forms(t: &Transcript, name: &str) -> Vec<String> {
    let bytes = &t
        .value(name)
        .unwrap_or_else(|| panic!("the run has no {name}"))
        .bytes;
    match bytes.len() {
        33 => vec![hex::encode(&bytes[1..])],
        64 => vec![hex::encode(&bytes[..32]), hex::encode(&bytes[32..])],
        _ => vec![hex::encode(bytes)],
    }
}

fn sha256_hex(t: &Transcript, name: &str) -> String {
    hex::encode(Sha256::digest(&t.value(name).unwrap().bytes))
}

fn assert_prints(example: &str, output: &str, expected: &[String], seed: u64) {
    for hex in expected {
        assert!(
            output.contains(hex.as_str()),
            "example {example} --seed {seed} does not print {hex}, which pqxdh-lab \
             transcript --seed {seed} shows; the book promises the same bytes"
        );
    }
}

/// The examples reproduce the engine's bytes, for the book's seed and another.
#[test]
fn examples_print_the_same_bytes_as_the_transcript() {
    build_examples();
    for seed in [BOOK_SEED, 12345] {
        let t = run(RunOptions {
            seed,
            one_time_prekey: false,
        })
        .unwrap();
        let with_opk = run(RunOptions {
            seed,
            one_time_prekey: true,
        })
        .unwrap();
        let forms = |names: &[&str]| -> Vec<String> {
            names.iter().flat_map(|n| printed_forms(&t, n)).collect()
        };
        let seed_arg = seed.to_string();
        let output = |example: &str| run_example(example, &["--seed", &seed_arg]);

        let cases: Vec<(&str, Vec<String>)> = vec![
            (
                "02_identity_keys",
                forms(&["IK_A", "IK_A.priv", "IK_B", "IK_B.priv"]),
            ),
            ("03_signed_prekey", forms(&["SPK_B", "SPK_B.sig"])),
            ("04_kyber_prekey", forms(&["PQSPK_B.sig"])),
            ("05_prekey_bundle", vec![sha256_hex(&t, "bundle")]),
            ("06_alice_verifies", forms(&["EK_A", "EK_A.priv"])),
            ("07_dh", {
                let mut v = forms(&["DH1", "DH2", "DH3"]);
                v.extend(printed_forms(&with_opk, "DH4"));
                v
            }),
            ("08_kyber_encapsulation", forms(&["SS"])),
            (
                "09_kdf",
                forms(&[
                    "DH1",
                    "DH2",
                    "DH3",
                    "SS",
                    "root_key",
                    "chain_key",
                    "pqr_key",
                ]),
            ),
            ("10_first_message", vec![sha256_hex(&t, "prekey_message")]),
            ("11_bob", forms(&["DH1", "DH2", "DH3", "SS", "root_key"])),
            ("12_spec_vs_libsignal", forms(&["root_key", "pqr_key"])),
        ];
        for (example, expected) in &cases {
            assert_prints(example, &output(example), expected, seed);
        }

        // Kyber's long values are printed as their first 16 and last 8 bytes.
        let pqspk_b = &t.value("PQSPK_B").unwrap().bytes;
        let ct = &t.value("CT").unwrap().bytes;
        assert_prints(
            "04_kyber_prekey",
            &output("04_kyber_prekey"),
            &[
                hex::encode(&pqspk_b[..16]),
                hex::encode(&pqspk_b[pqspk_b.len() - 8..]),
            ],
            seed,
        );
        assert_prints(
            "08_kyber_encapsulation",
            &output("08_kyber_encapsulation"),
            &[hex::encode(&ct[1..17]), hex::encode(&ct[ct.len() - 8..])],
            seed,
        );
        // With a one-time prekey, Bob's side shows DH4 as well.
        let bob_opk = run_example("11_bob", &["--seed", &seed_arg, "--one-time-prekey"]);
        assert_prints(
            "11_bob --one-time-prekey",
            &bob_opk,
            &printed_forms(&with_opk, "DH4"),
            seed,
        );
        assert!(bob_opk.contains("still in Bob's store: false"));
    }
}

/// Part V's examples recompute keys themselves; what they print must be the
/// bytes of `pqxdh-lab conversation` for the same seed, as the chapters
/// promise, and every comparison they print must come out as the chapter
/// says (only example 27's unsalted control is meant to fail).
#[test]
fn part_five_examples_print_the_conversations_bytes() {
    use pqxdh_lab::conversation::{self, ConversationOptions, Pattern};

    build_examples();
    let falses = |output: &str| output.matches(": false").count();
    for seed in [BOOK_SEED, 12345] {
        let seed_arg = seed.to_string();
        let run = |pattern, messages| {
            conversation::run(ConversationOptions {
                seed,
                messages,
                pattern,
                ..ConversationOptions::default()
            })
            .unwrap()
        };

        let bursts = run(Pattern::Bursts, 6);
        let mut expected = Vec::new();
        for m in &bursts.messages {
            expected.extend(
                [m.chain_key, m.message_key_seed, m.cipher_key, m.mac_key].map(hex::encode),
            );
            expected.push(hex::encode(m.iv));
            expected.extend(m.pq_key.map(hex::encode));
        }
        let output = run_example("27_symmetric_ratchet", &["--seed", &seed_arg]);
        assert_prints("27_symmetric_ratchet", &output, &expected, seed);
        assert_eq!(
            falses(&output),
            1,
            "27_symmetric_ratchet --seed {seed}:\n{output}"
        );

        let ping_pong = run(Pattern::PingPong, 8);
        let (m1, m2) = (&ping_pong.messages[0], &ping_pong.messages[1]);
        let expected: Vec<String> = [
            hex::encode(&m1.ratchet_key),
            hex::encode(&m2.ratchet_key),
            hex::encode(m1.root_key.unwrap()),
            hex::encode(m2.root_key.unwrap()),
            hex::encode(m1.chain_key),
            hex::encode(m2.chain_key),
        ]
        .into();
        let output = run_example("28_dh_ratchet", &["--seed", &seed_arg]);
        assert_prints("28_dh_ratchet", &output, &expected, seed);
        assert_eq!(falses(&output), 0, "28_dh_ratchet --seed {seed}:\n{output}");

        let expected: Vec<String> = ping_pong.messages[1..4]
            .iter()
            .map(|m| hex::encode(m.pq_key.unwrap()))
            .collect();
        let output = run_example("29_spqr_braid", &["--seed", &seed_arg, "--messages", "8"]);
        assert_prints("29_spqr_braid", &output, &expected, seed);
        assert_eq!(falses(&output), 0, "29_spqr_braid --seed {seed}:\n{output}");

        let output = run_example(
            "32_libsignal_vs_specs",
            &["--seed", &seed_arg, "--messages", "40"],
        );
        assert_eq!(
            falses(&output),
            0,
            "32_libsignal_vs_specs --seed {seed}:\n{output}"
        );
        assert!(
            !output.contains("FAILED"),
            "32_libsignal_vs_specs --seed {seed}:\n{output}"
        );
    }
}
