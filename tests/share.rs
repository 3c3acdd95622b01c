//! `share` end to end through a temporary relay folder: the round trip, the
//! session reused, and every bad input refused with nothing lost.

use std::fs;
use std::path::{Path, PathBuf};

use pqxdh_lab::engine::{BundleError, demo_now};
use pqxdh_lab::share::envelope::{Envelope, MessageType};
use pqxdh_lab::share::pointer::{AttachmentPointer, Body};
use pqxdh_lab::share::stream::{HEADER_SIZE, SEGMENT_SIZE, TAG_SIZE};
use pqxdh_lab::share::{
    self, Account, DirRelay, HomeError, Name, ReceiveReport, Relay, RelayError, SendSummary,
    ShareError, StreamError,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use sha2::{Digest, Sha256};

struct Lab {
    _dir: tempfile::TempDir,
    root: PathBuf,
    relay: DirRelay,
    homes: PathBuf,
    rng: ChaCha20Rng,
}

impl Lab {
    fn new(names: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let relay = DirRelay::open(root.join("relay")).unwrap();
        let mut lab = Lab {
            _dir: dir,
            homes: root.join("homes"),
            root,
            relay,
            rng: ChaCha20Rng::seed_from_u64(5),
        };
        for name in names {
            share::init(&lab.homes, &lab.relay, name, 3, &mut lab.rng).unwrap();
        }
        lab
    }

    fn file(&mut self, name: &str, len: usize) -> PathBuf {
        let mut bytes = vec![0u8; len];
        self.rng.fill(&mut bytes[..]);
        let path = self.root.join(name);
        fs::write(&path, &bytes).unwrap();
        path
    }

    /// NAME's side of the relay, for one command.
    fn account(&mut self, name: &str) -> Result<Account<'_>, ShareError> {
        Account::load(&self.homes, name, &self.relay, demo_now, &mut self.rng)
    }

    fn send(&mut self, from: &str, to: &str, file: &Path) -> Result<SendSummary, ShareError> {
        share::send(&mut self.account(from)?, to, file, &mut |_, _| {})
    }

    fn receive(&mut self, me: &str, out: &Path) -> Result<ReceiveReport, ShareError> {
        share::receive(&mut self.account(me)?, out, &mut |_, _, _| {})
    }

    fn out(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    fn blob(&self, id: &str) -> PathBuf {
        self.relay.blob_path(id)
    }

    fn only_message(&self, to: &str) -> PathBuf {
        let ids = self.relay.inbox(to).unwrap();
        assert_eq!(ids.len(), 1, "expected one message for {to}");
        self.relay.message_path(to, &ids[0])
    }
}

fn sha256(path: &Path) -> [u8; 32] {
    Sha256::digest(fs::read(path).unwrap()).into()
}

/// Temporary files (`*.partial`) left in `dir`: there must never be any
/// once a receive has returned, whether it succeeded or not.
fn partial_files(dir: &Path) -> Vec<PathBuf> {
    fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "partial"))
        .collect()
}

/// Every file in `dir` (none hidden, none partial).
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

/// The failure of a receive that must refuse exactly one message, leaving
/// the output folder empty and the message on the relay.
fn refused_one(lab: &mut Lab, me: &str, out: &Path) -> ShareError {
    let waiting = lab.relay.inbox(me).unwrap().len();
    let mut report = lab.receive(me, out).unwrap();
    assert!(report.files.is_empty(), "nothing may be received");
    assert_eq!(report.failures.len(), 1, "one message refused");
    assert!(
        files_in(out).is_empty(),
        "no file, no partial file: {:?}",
        files_in(out)
    );
    assert!(partial_files(out).is_empty());
    assert_eq!(
        lab.relay.inbox(me).unwrap().len(),
        waiting,
        "the message stays"
    );
    report.failures.remove(0).1
}

#[test]
fn round_trip_between_two_names() {
    let mut lab = Lab::new(&["alice", "bob"]);
    let file = lab.file("report.pdf", 150_000);
    let prekeys_before = lab.relay.prekeys_left("bob").unwrap();

    let sent = lab.send("alice", "bob", &file).unwrap();
    assert!(sent.first_contact);
    assert!(sent.used_one_time_prekey);
    assert_eq!(sent.message_type, MessageType::PreKey);
    assert_eq!(lab.relay.prekeys_left("bob").unwrap(), prekeys_before - 1);
    // 150 000 bytes = 2 full segments + 1 partial: header + 3 tags on top.
    assert_eq!(
        sent.blob_len,
        150_000 + HEADER_SIZE as u64 + 3 * TAG_SIZE as u64
    );
    // The relay holds the blob's bytes, and they are not the file's.
    let blob = fs::read(lab.blob(&sent.blob_id)).unwrap();
    assert_eq!(Sha256::digest(&blob).as_slice(), sent.blob_sha256);
    let plain = fs::read(&file).unwrap();
    assert!(!blob.windows(32).any(|w| w == &plain[1000..1032]));

    let out = lab.out("got");
    let report = lab.receive("bob", &out).unwrap();
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    assert_eq!(report.files.len(), 1);
    let got = &report.files[0];
    assert_eq!(got.from, "alice");
    assert_eq!(got.path, out.join("report.pdf"));
    assert_eq!(sha256(&got.path), sha256(&file));
    assert!(partial_files(&out).is_empty());
    // Collected: the message and the blob are gone from the relay.
    assert!(lab.relay.inbox("bob").unwrap().is_empty());
    assert!(!lab.blob(&sent.blob_id).exists());
}

#[test]
fn one_time_prekey_is_consumed_once_at_home() {
    let mut lab = Lab::new(&["alice", "bob"]);
    let state = || fs::read_to_string(lab_state(&lab, "bob")).unwrap();
    fn lab_state(lab: &Lab, name: &str) -> PathBuf {
        lab.homes.join(name).join("state.json")
    }
    let count = |text: &str| -> usize {
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        v["one_time_pre_keys"].as_object().unwrap().len()
    };
    let before = count(&state());
    let file = lab.file("a.txt", 10);
    lab.send("alice", "bob", &file).unwrap();
    let out = lab.out("got");
    lab.receive("bob", &out).unwrap();
    let state = fs::read_to_string(lab_state(&lab, "bob")).unwrap();
    assert_eq!(count(&state), before - 1);
}

#[test]
fn second_send_reuses_the_session_as_a_signal_message() {
    let mut lab = Lab::new(&["alice", "bob"]);
    let a = lab.file("a.txt", 1000);
    let b = lab.file("b.txt", 2000);
    let out = lab.out("got");
    assert_eq!(
        lab.send("alice", "bob", &a).unwrap().message_type,
        MessageType::PreKey
    );
    lab.receive("bob", &out).unwrap();
    // Bob's delivery receipt is waiting for Alice; it acknowledges the session.
    assert_eq!(lab.relay.inbox("alice").unwrap().len(), 1);
    let prekeys = lab.relay.prekeys_left("bob").unwrap();
    let second = lab.send("alice", "bob", &b).unwrap();
    assert!(!second.first_contact);
    assert_eq!(second.message_type, MessageType::Whisper);
    assert_eq!(
        lab.relay.prekeys_left("bob").unwrap(),
        prekeys,
        "no new bundle fetched"
    );
    let report = lab.receive("bob", &out).unwrap();
    assert_eq!(report.files[0].message_type, MessageType::Whisper);
    assert_eq!(sha256(&out.join("b.txt")), sha256(&b));
    // And the other way round, on the same session.
    let c = lab.file("c.txt", 3000);
    lab.send("bob", "alice", &c).unwrap();
    let back = lab.out("alice-got");
    let report = lab.receive("alice", &back).unwrap();
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    assert_eq!(sha256(&back.join("c.txt")), sha256(&c));
}

#[test]
fn a_received_file_never_overwrites_an_existing_one() {
    let mut lab = Lab::new(&["alice", "bob"]);
    let out = lab.out("got");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("a.txt"), "mine").unwrap();
    let a = lab.file("a.txt", 10);
    lab.send("alice", "bob", &a).unwrap();
    let report = lab.receive("bob", &out).unwrap();
    assert_eq!(report.files[0].path, out.join("a (1).txt"));
    assert_eq!(fs::read_to_string(out.join("a.txt")).unwrap(), "mine");
}

#[test]
fn tampered_blob_any_bit_is_refused_and_nothing_is_lost() {
    let mut lab = Lab::new(&["alice", "bob"]);
    let file = lab.file("photo.jpg", 2 * SEGMENT_SIZE + 100);
    let sent = lab.send("alice", "bob", &file).unwrap();
    let blob_path = lab.blob(&sent.blob_id);
    let original = fs::read(&blob_path).unwrap();
    let out = lab.out("got");
    // Header, first segment, a tag, the last segment, the very last bit.
    let len = original.len();
    for bit in [
        0,
        8 * 9 + 3,
        8 * 100,
        8 * (HEADER_SIZE + SEGMENT_SIZE) + 5,
        8 * (len - 40),
        8 * len - 1,
    ] {
        let mut bad = original.clone();
        bad[bit / 8] ^= 1 << (bit % 8);
        fs::write(&blob_path, &bad).unwrap();
        let e = refused_one(&mut lab, "bob", &out);
        assert!(
            matches!(
                e,
                ShareError::Stream(StreamError::Segment { .. } | StreamError::BadHeader)
            ),
            "bit {bit}: {e}"
        );
    }
    // Nothing was lost: with the blob restored, the same message works.
    fs::write(&blob_path, &original).unwrap();
    let report = lab.receive("bob", &out).unwrap();
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    assert_eq!(sha256(&out.join("photo.jpg")), sha256(&file));
}

#[test]
fn truncated_blob_is_refused() {
    let mut lab = Lab::new(&["alice", "bob"]);
    let file = lab.file("big.bin", 3 * SEGMENT_SIZE);
    let sent = lab.send("alice", "bob", &file).unwrap();
    let blob_path = lab.blob(&sent.blob_id);
    let original = fs::read(&blob_path).unwrap();
    let out = lab.out("got");
    let segment = SEGMENT_SIZE + TAG_SIZE;
    // At a segment boundary (a clean cut), inside a segment, inside the header, empty.
    for keep in [HEADER_SIZE + 2 * segment, HEADER_SIZE + segment + 77, 5, 0] {
        fs::write(&blob_path, &original[..keep]).unwrap();
        let e = refused_one(&mut lab, "bob", &out);
        assert!(matches!(e, ShareError::Stream(_)), "keep {keep}: {e}");
    }
}

#[test]
fn reordered_dropped_and_duplicated_segments_are_refused() {
    let mut lab = Lab::new(&["alice", "bob"]);
    let file = lab.file("big.bin", 3 * SEGMENT_SIZE + 10);
    let sent = lab.send("alice", "bob", &file).unwrap();
    let blob_path = lab.blob(&sent.blob_id);
    let blob = fs::read(&blob_path).unwrap();
    let seg = SEGMENT_SIZE + TAG_SIZE;
    let header = &blob[..HEADER_SIZE];
    let s: Vec<&[u8]> = blob[HEADER_SIZE..].chunks(seg).collect();
    assert_eq!(s.len(), 4);
    let out = lab.out("got");
    let layouts: [Vec<&[u8]>; 4] = [
        vec![s[1], s[0], s[2], s[3]],       // reordered
        vec![s[0], s[2], s[3]],             // dropped
        vec![s[0], s[1], s[1], s[2], s[3]], // duplicated
        vec![s[0], s[1], s[2], s[3], s[3]], // last one duplicated
    ];
    for layout in layouts {
        let mut bad = header.to_vec();
        for part in &layout {
            bad.extend_from_slice(part);
        }
        fs::write(&blob_path, &bad).unwrap();
        let e = refused_one(&mut lab, "bob", &out);
        assert!(
            matches!(e, ShareError::Stream(StreamError::Segment { .. })),
            "{e}"
        );
    }
}

#[test]
fn a_message_for_someone_else_is_refused() {
    let mut lab = Lab::new(&["alice", "bob", "carol"]);
    let file = lab.file("for-bob.txt", 100);
    lab.send("alice", "bob", &file).unwrap();
    let msg = lab.only_message("bob");
    let bytes = fs::read(&msg).unwrap();

    // Dropped into Carol's inbox as it is: the envelope says bob.
    let carol_inbox = lab
        .relay
        .message_path("carol", "00000000000000000001-00000000");
    fs::create_dir_all(carol_inbox.parent().unwrap()).unwrap();
    fs::write(&carol_inbox, &bytes).unwrap();
    let out = lab.out("carol-got");
    let e = refused_one(&mut lab, "carol", &out);
    assert!(
        matches!(e, ShareError::NotForMe { ref to, ref me } if to == "bob" && me == "carol"),
        "{e}"
    );

    // With the envelope rewritten to carol: libsignal refuses it, as the
    // message was built for Bob's keys.
    let mut envelope = Envelope::decode(&bytes).unwrap();
    envelope.to = "carol".into();
    fs::write(&carol_inbox, envelope.encode()).unwrap();
    let e = refused_one(&mut lab, "carol", &out);
    assert!(matches!(e, ShareError::Decrypt { .. }), "{e}");

    // Bob still gets his file.
    let bob_out = lab.out("bob-got");
    let report = lab.receive("bob", &bob_out).unwrap();
    assert_eq!(report.files.len(), 1);
}

#[test]
fn a_relabelled_sender_is_refused() {
    let mut lab = Lab::new(&["alice", "bob", "mallory"]);
    let file = lab.file("x.txt", 100);
    lab.send("alice", "bob", &file).unwrap();
    let msg = lab.only_message("bob");
    let mut envelope = Envelope::decode(&fs::read(&msg).unwrap()).unwrap();
    envelope.from = "mallory".into();
    fs::write(&msg, envelope.encode()).unwrap();
    let out = lab.out("got");
    let e = refused_one(&mut lab, "bob", &out);
    assert!(matches!(e, ShareError::Relabelled { .. }), "{e}");
}

#[test]
fn replayed_messages_are_refused() {
    let mut lab = Lab::new(&["alice", "bob"]);
    let out = lab.out("got");
    // A replayed first message (PreKeySignalMessage)…
    let a = lab.file("a.txt", 100);
    let first = lab.send("alice", "bob", &a).unwrap();
    let msg = lab.only_message("bob");
    let first_bytes = fs::read(&msg).unwrap();
    let blob = fs::read(lab.blob(&first.blob_id)).unwrap();
    lab.receive("bob", &out).unwrap();
    // …even with its blob put back, so only the message can give it away.
    fs::write(&msg, &first_bytes).unwrap();
    fs::write(lab.blob(&first.blob_id), &blob).unwrap();
    let replay_out = lab.out("replay");
    let e = refused_one(&mut lab, "bob", &replay_out);
    assert!(
        matches!(e, ShareError::Replay { ref from } if from == "alice"),
        "{e}"
    );
    fs::remove_file(&msg).unwrap();

    // A replayed SignalMessage on the established session.
    let b = lab.file("b.txt", 100);
    let second = lab.send("alice", "bob", &b).unwrap();
    assert_eq!(second.message_type, MessageType::Whisper);
    let msg = lab.only_message("bob");
    let bytes = fs::read(&msg).unwrap();
    let blob = fs::read(lab.blob(&second.blob_id)).unwrap();
    lab.receive("bob", &out).unwrap();
    fs::write(&msg, &bytes).unwrap();
    fs::write(lab.blob(&second.blob_id), &blob).unwrap();
    let e = refused_one(&mut lab, "bob", &replay_out);
    assert!(matches!(e, ShareError::Replay { .. }), "{e}");
}

#[test]
fn a_tampered_bundle_signature_is_refused_before_anything_is_sent() {
    let mut lab = Lab::new(&["alice", "bob"]);
    let path = lab.relay.root().join("bundles/bob.bundle");
    let mut bundle = pqxdh_lab::engine::ServerBundle::decode(&fs::read(&path).unwrap()).unwrap();
    bundle.signed_pre_key_signature[10] ^= 0x01;
    fs::write(&path, bundle.encode()).unwrap();
    let file = lab.file("a.txt", 100);
    let e = lab.send("alice", "bob", &file).unwrap_err();
    assert!(
        matches!(
            e,
            ShareError::Bundle {
                source: BundleError::BadSignature("SPK_B"),
                ..
            }
        ),
        "{e}"
    );
    assert!(lab.relay.inbox("bob").unwrap().is_empty());
    assert!(
        files_in(&lab.relay.root().join("blobs")).is_empty(),
        "no blob uploaded"
    );
    // And the Kyber prekey's signature.
    bundle.signed_pre_key_signature[10] ^= 0x01;
    bundle.kyber_pre_key_signature[0] ^= 0x80;
    fs::write(&path, bundle.encode()).unwrap();
    let e = lab.send("alice", "bob", &file).unwrap_err();
    assert!(
        matches!(
            e,
            ShareError::Bundle {
                source: BundleError::BadSignature("PQSPK_B"),
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn an_unknown_recipient_is_refused() {
    let mut lab = Lab::new(&["alice"]);
    let file = lab.file("a.txt", 100);
    let e = lab.send("alice", "dave", &file).unwrap_err();
    assert!(
        matches!(e, ShareError::Relay(RelayError::UnknownName(ref n)) if n == "dave"),
        "{e}"
    );
    assert!(e.to_string().contains("share init dave"), "{e}");
    assert!(files_in(&lab.relay.root().join("blobs")).is_empty());
}

#[test]
fn a_missing_or_corrupt_home_is_refused() {
    let mut lab = Lab::new(&["alice", "bob"]);
    let file = lab.file("a.txt", 100);
    let e = lab.send("erin", "bob", &file).unwrap_err();
    assert!(
        matches!(e, ShareError::Home(HomeError::Missing { .. })),
        "{e}"
    );
    let out = lab.out("got");
    let e = lab.receive("erin", &out).unwrap_err();
    assert!(
        matches!(e, ShareError::Home(HomeError::Missing { .. })),
        "{e}"
    );

    lab.send("alice", "bob", &file).unwrap();
    let state = lab.homes.join("bob/state.json");
    let good = fs::read(&state).unwrap();
    for bad in [&b"{ not json"[..], &good[..good.len() / 2], b"{}"] {
        fs::write(&state, bad).unwrap();
        let e = lab.receive("bob", &out).unwrap_err();
        assert!(
            matches!(e, ShareError::Home(HomeError::Corrupt { .. })),
            "{e}"
        );
        assert!(files_in(&out).is_empty());
        assert_eq!(lab.relay.inbox("bob").unwrap().len(), 1);
    }
    // A key that is not a key.
    let text = String::from_utf8(good.clone()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let ik = v["identity_key_pair"].as_str().unwrap().to_string();
    fs::write(&state, text.replace(&ik, "00ff")).unwrap();
    let e = lab.receive("bob", &out).unwrap_err();
    assert!(
        matches!(e, ShareError::Home(HomeError::Corrupt { .. })),
        "{e}"
    );
    // Restored, everything is still there.
    fs::write(&state, &good).unwrap();
    assert_eq!(lab.receive("bob", &out).unwrap().files.len(), 1);
}

#[test]
fn an_unwritable_output_folder_is_refused_before_any_message_is_touched() {
    let mut lab = Lab::new(&["alice", "bob"]);
    let file = lab.file("a.txt", 100);
    lab.send("alice", "bob", &file).unwrap();
    let before = fs::read(lab.homes.join("bob/state.json")).unwrap();
    // A regular file where the folder should be (permissions alone do not
    // stop root, which CI may run as).
    let out = lab.out("not-a-folder");
    fs::write(&out, "x").unwrap();
    let e = lab.receive("bob", &out).unwrap_err();
    assert!(matches!(e, ShareError::Output { .. }), "{e}");
    let nested = out.join("inside");
    let e = lab.receive("bob", &nested).unwrap_err();
    assert!(matches!(e, ShareError::Output { .. }), "{e}");
    assert_eq!(fs::read(lab.homes.join("bob/state.json")).unwrap(), before);
    assert_eq!(lab.relay.inbox("bob").unwrap().len(), 1);
}

#[cfg(unix)]
#[test]
fn private_state_is_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let lab = Lab::new(&["alice"]);
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&lab.homes.join("alice")), 0o700);
    assert_eq!(mode(&lab.homes.join("alice/state.json")), 0o600);
    // No private key reached the relay: the bundle holds only public keys.
    let state: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(lab.homes.join("alice/state.json")).unwrap())
            .unwrap();
    let relay_bytes: Vec<u8> = walk(lab.relay.root())
        .iter()
        .flat_map(|p| fs::read(p).unwrap())
        .collect();
    let ikp = hex::decode(state["identity_key_pair"].as_str().unwrap()).unwrap();
    let ik_private = &ikp[ikp.len() - 32..];
    assert!(!relay_bytes.windows(32).any(|w| w == ik_private));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn names_are_checked() {
    let mut lab = Lab::new(&["alice"]);
    for bad in ["", "Alice", "../bob", "a/b", "-x", "a b"] {
        let e = share::init(&lab.homes, &lab.relay, bad, 1, &mut lab.rng).unwrap_err();
        assert!(matches!(e, ShareError::Name(_)), "{bad}: {e}");
    }
    let e = share::init(&lab.homes, &lab.relay, "alice", 1, &mut lab.rng).unwrap_err();
    assert!(
        matches!(e, ShareError::Home(HomeError::Exists { .. })),
        "{e}"
    );
    let file = lab.file("a.txt", 1);
    assert!(matches!(
        lab.send("alice", "alice", &file),
        Err(ShareError::SelfSend(_))
    ));
}

#[test]
fn a_20_mb_file_round_trips() {
    let mut lab = Lab::new(&["alice", "bob"]);
    let file = lab.file("big.bin", 20 * 1024 * 1024 + 123);
    let sent = lab.send("alice", "bob", &file).unwrap();
    assert_eq!(sent.plaintext_len, 20 * 1024 * 1024 + 123);
    let out = lab.out("got");
    let report = lab.receive("bob", &out).unwrap();
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    assert_eq!(sha256(&out.join("big.bin")), sha256(&file));
}

#[test]
fn a_changed_identity_is_refused() {
    let mut lab = Lab::new(&["alice", "bob"]);
    let file = lab.file("a.txt", 10);
    lab.send("alice", "bob", &file).unwrap();
    // Alice loses her session (but remembers Bob's identity key), and the
    // relay now offers a bundle with another identity, as a relay
    // substituting its own keys would.
    let state_path = lab.homes.join("alice/state.json");
    let mut state: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&state_path).unwrap()).unwrap();
    state["sessions"] = serde_json::json!({});
    fs::write(&state_path, state.to_string()).unwrap();
    let other = tempfile::tempdir().unwrap();
    share::init(other.path(), &lab.relay, "bob", 1, &mut lab.rng).unwrap();
    let e = lab.send("alice", "bob", &file).unwrap_err();
    assert!(
        matches!(e, ShareError::IdentityChanged { ref name } if name == "bob"),
        "{e}"
    );
}

#[test]
fn hostile_file_names_are_tamed() {
    use pqxdh_lab::share::receive::safe_file_name;
    assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
    assert_eq!(safe_file_name("..\\..\\boot.ini"), "boot.ini");
    assert_eq!(safe_file_name(".bashrc"), "bashrc");
    assert_eq!(safe_file_name("a\nb\u{7}.txt"), "a_b_.txt");
    assert_eq!(safe_file_name(""), "received-file");
    assert_eq!(safe_file_name("/"), "received-file");
    assert_eq!(safe_file_name("photo.png"), "photo.png");
}

#[test]
fn each_one_time_prekey_is_handed_out_once_then_pqxdh_runs_without_dh4() {
    let mut lab = Lab::new(&["alice", "carol"]);
    share::init(&lab.homes, &lab.relay, "bob", 1, &mut lab.rng).unwrap();
    let file = lab.file("a.txt", 10);
    let first = lab.send("alice", "bob", &file).unwrap();
    assert!(first.used_one_time_prekey);
    assert_eq!(lab.relay.prekeys_left("bob").unwrap(), 0);
    // None left: Carol's first contact uses SPK_B and PQSPK_B only (DH1–DH3 and Kyber).
    let second = lab.send("carol", "bob", &file).unwrap();
    assert!(second.first_contact);
    assert!(!second.used_one_time_prekey);
    let out = lab.out("got");
    let report = lab.receive("bob", &out).unwrap();
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    let mut from: Vec<&str> = report.files.iter().map(|f| f.from.as_str()).collect();
    from.sort();
    assert_eq!(from, ["alice", "carol"]);
}

#[test]
fn a_state_changed_by_another_command_is_never_overwritten() {
    let mut lab = Lab::new(&["alice", "bob"]);
    // A second command for alice loaded her state before this send…
    let alice = Name::new("alice").unwrap();
    let mut stale = share::Home::load(&lab.homes, &alice).unwrap();
    let file = lab.file("a.txt", 10);
    lab.send("alice", "bob", &file).unwrap();
    let after_send = fs::read(lab.homes.join("alice/state.json")).unwrap();
    // …so it may not write its older session over the one the send advanced:
    // both would then encrypt with the same message key.
    let e = stale.save().unwrap_err();
    assert!(
        matches!(e, HomeError::Changed { ref name } if name == "alice"),
        "{e}"
    );
    assert_eq!(
        fs::read(lab.homes.join("alice/state.json")).unwrap(),
        after_send
    );
    // A fresh load saves fine.
    share::Home::load(&lab.homes, &alice)
        .unwrap()
        .save()
        .unwrap();
}

/// Alice's client, but sending a pointer it built by hand.
fn send_pointer(lab: &mut Lab, pointer: AttachmentPointer) {
    let mut alice = lab.account("alice").unwrap();
    let bob = Name::new("bob").unwrap();
    let posted = alice.post(&bob, Body::File(pointer)).unwrap();
    // An acknowledged session: no PQXDH data rides along any more.
    assert_eq!(posted.envelope.message_type, MessageType::Whisper);
}

#[test]
fn a_pointer_with_the_wrong_digest_or_size_is_refused() {
    let mut lab = Lab::new(&["alice", "bob"]);
    let out = lab.out("got");
    // An acknowledged session, so hand-made messages are plain SignalMessages.
    let a = lab.file("a.txt", 10);
    lab.send("alice", "bob", &a).unwrap();
    lab.receive("bob", &out).unwrap();
    let b = lab.file("b.txt", 5000);
    lab.send("alice", "bob", &b).unwrap();
    // Read the genuine pointer the way Bob would, then forge variants of it.
    let msg = lab.only_message("bob");
    let genuine = {
        let mut bob = lab.account("bob").unwrap();
        let ids = bob.inbox().unwrap();
        let envelope = bob.read_envelope(&ids[0]).unwrap();
        // Opened but never accepted: Bob's state stays as it was.
        let opened = bob.open_message(&envelope).unwrap();
        let Body::File(genuine) = opened.content.body else {
            panic!("a file message")
        };
        genuine
    };
    fs::remove_file(&msg).unwrap();
    let out = lab.out("got-forged");

    let mut wrong_digest: AttachmentPointer = genuine.clone();
    wrong_digest.digest[0] ^= 1;
    send_pointer(&mut lab, wrong_digest);
    let e = refused_one(&mut lab, "bob", &out);
    assert!(matches!(e, ShareError::Digest), "{e}");
    fs::remove_file(lab.only_message("bob")).unwrap();

    let mut wrong_size = genuine.clone();
    wrong_size.size += 1;
    send_pointer(&mut lab, wrong_size);
    let e = refused_one(&mut lab, "bob", &out);
    assert!(
        matches!(
            e,
            ShareError::Size {
                got: 5000,
                expected: 5001
            }
        ),
        "{e}"
    );
    fs::remove_file(lab.only_message("bob")).unwrap();

    // The genuine pointer, sent again as a new message, still works.
    send_pointer(&mut lab, genuine);
    let report = lab.receive("bob", &out).unwrap();
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    assert_eq!(sha256(&out.join("b.txt")), sha256(&b));
}

#[test]
fn a_message_opened_but_not_accepted_changes_nothing() {
    let mut lab = Lab::new(&["alice", "bob"]);
    let file = lab.file("a.txt", 10);
    lab.send("alice", "bob", &file).unwrap();
    let state = lab.homes.join("bob/state.json");
    let before = fs::read(&state).unwrap();
    {
        let mut bob = lab.account("bob").unwrap();
        let ids = bob.inbox().unwrap();
        let envelope = bob.read_envelope(&ids[0]).unwrap();
        let opened = bob.open_message(&envelope).unwrap();
        assert_eq!(opened.from.as_str(), "alice");
    }
    assert_eq!(fs::read(&state).unwrap(), before, "nothing saved");
    assert_eq!(lab.relay.inbox("bob").unwrap().len(), 1, "nothing deleted");

    // The same message opens again; accepted, it leaves the relay and Bob's
    // state moves on (the one-time prekey it used is gone).
    let mut bob = lab.account("bob").unwrap();
    let id = bob.inbox().unwrap().remove(0);
    let envelope = bob.read_envelope(&id).unwrap();
    let opened = bob.open_message(&envelope).unwrap();
    bob.accept(&id, opened).unwrap();
    assert!(lab.relay.inbox("bob").unwrap().is_empty());
    assert_ne!(fs::read(&state).unwrap(), before);
}
