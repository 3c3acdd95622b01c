//! `share` against a hostile relay and hostile senders, and with faults
//! injected between the steps of a command: each case reproduces a way the
//! relay (or a crash) could lose data, hang a command, reuse a key or lie to
//! the user, and checks what happens instead.

use std::cell::Cell;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use pqxdh_lab::engine::demo_now;
use pqxdh_lab::share::envelope::{Envelope, Kind, MessageType};
use pqxdh_lab::share::receive::Afterwards;
use pqxdh_lab::share::relay::{
    BlobUpload, MAX_BUNDLE_BYTES, MAX_MESSAGE_BYTES, MAX_PREKEY_BYTES, RelayResult,
};
use pqxdh_lab::share::trust::{self, Source};
use pqxdh_lab::share::{
    self, Account, DirRelay, HomeError, Name, ReceiveReport, Relay, RelayError, RelaySummary,
    SafetyNumber, ShareError, inspect,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;

/// A relay that misbehaves on request, around a real folder relay.
struct Hostile {
    inner: DirRelay,
    /// Bundles handed out instead of the real ones, by name.
    substitute: Vec<(String, Vec<u8>)>,
    fail_delete: Cell<bool>,
    fail_post: Cell<bool>,
    fail_publish: Cell<bool>,
    /// Runs when a blob is opened: a fault injected mid-receive.
    on_open_blob: Cell<Option<Box<dyn FnOnce()>>>,
}

impl Hostile {
    fn new(inner: DirRelay) -> Self {
        Self {
            inner,
            substitute: Vec::new(),
            fail_delete: Cell::new(false),
            fail_post: Cell::new(false),
            fail_publish: Cell::new(false),
            on_open_blob: Cell::new(None),
        }
    }
}

fn refused(what: &str) -> RelayError {
    RelayError::Io {
        path: PathBuf::from(what),
        source: std::io::Error::other("the relay refuses"),
    }
}

impl Relay for Hostile {
    fn publish(
        &self,
        name: &str,
        bundle: &[u8],
        one_time_prekeys: &[(u32, Vec<u8>)],
        take_over: bool,
    ) -> RelayResult<Vec<u32>> {
        if self.fail_publish.get() {
            return Err(refused("bundles"));
        }
        self.inner
            .publish(name, bundle, one_time_prekeys, take_over)
    }
    fn fetch_bundle(&self, name: &str) -> RelayResult<Vec<u8>> {
        match self.substitute.iter().find(|(n, _)| n == name) {
            Some((_, bundle)) => Ok(bundle.clone()),
            None => self.inner.fetch_bundle(name),
        }
    }
    fn peek_bundle(&self, name: &str) -> RelayResult<Option<Vec<u8>>> {
        match self.substitute.iter().find(|(n, _)| n == name) {
            Some((_, bundle)) => Ok(Some(bundle.clone())),
            None => self.inner.peek_bundle(name),
        }
    }
    fn prekeys_left(&self, name: &str) -> RelayResult<usize> {
        self.inner.prekeys_left(name)
    }
    fn upload_blob(&self, blob_id: &str) -> RelayResult<Box<dyn BlobUpload + '_>> {
        self.inner.upload_blob(blob_id)
    }
    fn open_blob(&self, blob_id: &str) -> RelayResult<Box<dyn Read + Send>> {
        if let Some(fault) = self.on_open_blob.take() {
            fault();
        }
        self.inner.open_blob(blob_id)
    }
    fn delete_blob(&self, blob_id: &str) -> RelayResult<()> {
        self.inner.delete_blob(blob_id)
    }
    fn post(&self, to: &str, envelope: &[u8]) -> RelayResult<String> {
        if self.fail_post.get() {
            return Err(refused("inbox"));
        }
        self.inner.post(to, envelope)
    }
    fn inbox(&self, name: &str) -> RelayResult<Vec<String>> {
        self.inner.inbox(name)
    }
    fn read(&self, name: &str, message_id: &str) -> RelayResult<Vec<u8>> {
        self.inner.read(name, message_id)
    }
    fn delete(&self, name: &str, message_id: &str) -> RelayResult<()> {
        if self.fail_delete.get() {
            return Err(refused("inbox"));
        }
        self.inner.delete(name, message_id)
    }
    fn summary(&self) -> RelayResult<RelaySummary> {
        self.inner.summary()
    }
}

struct Lab {
    _dir: tempfile::TempDir,
    root: PathBuf,
    relay: Hostile,
    homes: PathBuf,
    rng: ChaCha20Rng,
}

impl Lab {
    fn new(names: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let relay = Hostile::new(DirRelay::open(root.join("relay")).unwrap());
        let mut lab = Lab {
            _dir: dir,
            homes: root.join("homes"),
            root,
            relay,
            rng: ChaCha20Rng::seed_from_u64(11),
        };
        for name in names {
            share::init(&lab.homes, &lab.relay, name, 3, &mut lab.rng).unwrap();
        }
        lab
    }

    fn dir(&self) -> &DirRelay {
        &self.relay.inner
    }

    fn file(&mut self, name: &str, len: usize) -> PathBuf {
        let mut bytes = vec![0u8; len];
        self.rng.fill(&mut bytes[..]);
        let path = self.root.join(name);
        fs::write(&path, &bytes).unwrap();
        path
    }

    fn account(&mut self, name: &str) -> Result<Account<'_>, ShareError> {
        Account::load(&self.homes, name, &self.relay, demo_now, &mut self.rng)
    }

    fn send(
        &mut self,
        from: &str,
        to: &str,
        file: &Path,
    ) -> Result<share::SendSummary, ShareError> {
        share::send(&mut self.account(from)?, to, file, &mut |_, _| {})
    }

    fn receive(&mut self, me: &str, out: &Path) -> Result<ReceiveReport, ShareError> {
        share::receive(&mut self.account(me)?, out, &mut |_, _, _| {})
    }

    fn out(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    fn number(&mut self, me: &str, peer: &str) -> Result<SafetyNumber, ShareError> {
        let account = self.account(me)?;
        share::safety_number(&account, &Name::new(peer).unwrap())
    }

    /// A message planted in NAME's inbox.
    fn plant(&self, name: &str, id: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir().message_path(name, id);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, bytes).unwrap();
        path
    }
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

fn state(lab: &Lab, name: &str) -> Vec<u8> {
    fs::read(lab.homes.join(name).join("state.json")).unwrap()
}

// ---- 2. Bounded reads: no FIFO, no flood ----------------------------------

#[cfg(unix)]
fn mkfifo(path: &Path) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

#[cfg(unix)]
#[test]
fn a_fifo_in_the_inbox_is_refused_without_hanging() {
    let mut lab = Lab::new(&["alice", "bob"]);
    let file = lab.file("a.txt", 100);
    lab.send("alice", "bob", &file).unwrap();
    // Sorted first, so it is read before the genuine message.
    let fifo = lab
        .dir()
        .message_path("bob", "00000000000000000001-00000000");
    mkfifo(&fifo);
    // Alice's inbox is read by `send` (receipts): a FIFO there cannot block her.
    mkfifo(
        &lab.dir()
            .message_path("alice", "00000000000000000001-00000000"),
    );
    let out = lab.out("got");
    let report = lab.receive("bob", &out).unwrap();
    assert_eq!(report.files.len(), 1, "the genuine message still arrives");
    assert_eq!(report.failures.len(), 1);
    let e = report.failures[0].1.to_string();
    assert!(e.contains("named pipe (FIFO), not a regular file"), "{e}");
    lab.send("alice", "bob", &file).unwrap();
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_link_as_bundle_prekey_or_blob_is_refused() {
    let mut lab = Lab::new(&["alice", "bob", "carol"]);
    // Bob's bundle is a FIFO: a first contact fails at once.
    let bundle = lab.dir().bundle_path("bob");
    fs::remove_file(&bundle).unwrap();
    mkfifo(&bundle);
    let file = lab.file("a.txt", 100);
    let e = lab.send("alice", "bob", &file).unwrap_err();
    assert!(e.to_string().contains("not a regular file"), "{e}");
    // Carol's bundle is a symbolic link to someone's private file.
    let carol = lab.dir().bundle_path("carol");
    fs::remove_file(&carol).unwrap();
    std::os::unix::fs::symlink(lab.homes.join("alice/state.json"), &carol).unwrap();
    let e = lab.send("alice", "carol", &file).unwrap_err();
    assert!(e.to_string().contains("symbolic link"), "{e}");

    // A blob that is a FIFO: the message is refused, not hung on.
    let mut lab = Lab::new(&["alice", "bob"]);
    let file = lab.file("a.txt", 100);
    let sent = lab.send("alice", "bob", &file).unwrap();
    let blob = lab.dir().blob_path(&sent.blob_id);
    fs::remove_file(&blob).unwrap();
    mkfifo(&blob);
    let report = lab.receive("bob", &lab.out("got")).unwrap();
    assert_eq!(report.failures.len(), 1);
    assert!(report.failures[0].1.to_string().contains("FIFO"));

    // A one-time prekey that is a FIFO is skipped; the next one is used.
    let mut lab = Lab::new(&["alice", "bob"]);
    let dir = lab.dir().root().join("prekeys/bob");
    let first = DirRelayIds::opks(&dir)[0].clone();
    fs::remove_file(dir.join(format!("{first}.opk"))).unwrap();
    mkfifo(&dir.join(format!("{first}.opk")));
    let file = lab.file("a.txt", 100);
    assert!(
        lab.send("alice", "bob", &file)
            .unwrap()
            .used_one_time_prekey
    );
}

struct DirRelayIds;
impl DirRelayIds {
    fn opks(dir: &Path) -> Vec<String> {
        let mut ids: Vec<String> = files_in(dir)
            .into_iter()
            .filter_map(|n| n.strip_suffix(".opk").map(String::from))
            .collect();
        ids.sort();
        ids
    }
}

#[test]
fn oversized_relay_objects_are_refused_unread() {
    let mut lab = Lab::new(&["alice", "bob"]);
    let file = lab.file("a.txt", 100);
    lab.send("alice", "bob", &file).unwrap();
    // A 1 GiB message (sparse: it costs no disk), zeros as a hostile relay
    // would write them. Refused from its size; never read.
    let huge = lab.plant("bob", "00000000000000000001-00000000", b"");
    fs::OpenOptions::new()
        .write(true)
        .open(&huge)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let report = lab.receive("bob", &lab.out("got")).unwrap();
    assert_eq!(report.files.len(), 1);
    assert_eq!(report.failures.len(), 1);
    let e = report.failures[0].1.to_string();
    assert!(
        e.contains(&format!(
            "1073741824 bytes, more than the {MAX_MESSAGE_BYTES}"
        )),
        "{e}"
    );
    // Just above the limit is too much; the real messages are far below it.
    fs::OpenOptions::new()
        .write(true)
        .open(&huge)
        .unwrap()
        .set_len(MAX_MESSAGE_BYTES + 1)
        .unwrap();
    assert!(
        lab.dir()
            .read("bob", "00000000000000000001-00000000")
            .is_err()
    );

    // An oversized bundle and prekey.
    let bundle = lab.dir().bundle_path("alice");
    let genuine = fs::read(&bundle).unwrap();
    assert!(
        (genuine.len() as u64) < MAX_BUNDLE_BYTES / 4,
        "{}",
        genuine.len()
    );
    let mut big = genuine.clone();
    big.resize(MAX_BUNDLE_BYTES as usize + 1, 0);
    fs::write(&bundle, &big).unwrap();
    let e = lab.dir().fetch_bundle("alice").unwrap_err();
    assert!(e.to_string().contains("more than the 16384"), "{e}");
    fs::write(&bundle, &genuine).unwrap();
    let dir = lab.dir().root().join("prekeys/alice");
    for id in DirRelayIds::opks(&dir) {
        fs::write(
            dir.join(format!("{id}.opk")),
            vec![5u8; MAX_PREKEY_BYTES as usize + 1],
        )
        .unwrap();
    }
    // Every prekey is refused, so no DH4, but the bundle itself still works.
    let bytes = lab.dir().fetch_bundle("alice").unwrap();
    assert!(
        pqxdh_lab::engine::ServerBundle::decode(&bytes)
            .unwrap()
            .pre_key
            .is_none()
    );
}

#[test]
fn genuine_messages_are_far_below_the_limit() {
    let mut lab = Lab::new(&["alice", "bob"]);
    // The longest name a file system allows, in four-byte characters.
    let name = format!("{}.txt", "😀".repeat(62));
    let file = lab.root.join(&name);
    fs::write(&file, b"x").unwrap();
    lab.send("alice", "bob", &file).unwrap();
    let id = lab.dir().inbox("bob").unwrap().remove(0);
    let size = lab.dir().read("bob", &id).unwrap().len() as u64;
    assert!(
        size < MAX_MESSAGE_BYTES / 8,
        "a first message is {size} bytes"
    );
}

// ---- 3. Escape bytes and bidirectional overrides --------------------------

#[test]
fn hostile_names_are_escaped_everywhere_they_are_shown() {
    let mut lab = Lab::new(&["alice", "bob"]);
    let file = lab.file("a.txt", 10);
    lab.send("alice", "bob", &file).unwrap();
    let id = lab.dir().inbox("bob").unwrap().remove(0);
    let path = lab.dir().message_path("bob", &id);
    let mut envelope = Envelope::decode(&fs::read(&path).unwrap()).unwrap();
    // Clear the screen, go to the line start, print a fake success.
    let fake = "alice\u{1b}[2J\rReceived salary.pdf from bank\u{202e}fdp.exe";
    envelope.from = fake.into();
    fs::write(&path, envelope.encode()).unwrap();
    let report = lab.receive("bob", &lab.out("got")).unwrap();
    let e = report.failures[0].1.to_string();
    assert!(
        !e.contains('\u{1b}') && !e.contains('\r') && !e.contains('\u{202e}'),
        "{e:?}"
    );
    assert!(e.contains("\\u{1b}[2J\\u{d}Received"), "{e}");
    // The operator's view of the same message.
    let seen = inspect::inspect(&path).unwrap();
    let from = &seen.lines.iter().find(|l| l.label == "from").unwrap().value;
    assert!(
        from.contains("\\u{202e}") && !from.contains('\u{202e}'),
        "{from}"
    );
    // And as the recipient of the envelope.
    envelope.from = "alice".into();
    envelope.to = "bob\u{1b}]0;owned\u{7}".into();
    fs::write(&path, envelope.encode()).unwrap();
    let report = lab.receive("bob", &lab.out("got")).unwrap();
    let e = report.failures[0].1.to_string();
    assert!(e.contains("bob\\u{1b}]0;owned\\u{7}"), "{e}");
}

#[test]
fn a_right_to_left_override_in_a_file_name_cannot_disguise_it() {
    let mut lab = Lab::new(&["alice", "bob"]);
    let file = lab.root.join("invoice\u{202e}fdp.exe");
    fs::write(&file, b"MZ").unwrap();
    lab.send("alice", "bob", &file).unwrap();
    let out = lab.out("got");
    let report = lab.receive("bob", &out).unwrap();
    assert_eq!(report.files[0].path, out.join("invoice_fdp.exe"));
}

// ---- 4. Honest reports when a step fails after the file is written --------

#[test]
fn a_state_that_cannot_be_saved_takes_the_file_back() {
    let mut lab = Lab::new(&["alice", "bob"]);
    let file = lab.file("a.txt", 1000);
    lab.send("alice", "bob", &file).unwrap();
    // Fault injected mid-receive: another writer changes Bob's state (as a
    // file system without locks would let happen), so his save must fail.
    let state_path = lab.homes.join("bob/state.json");
    let bumped = {
        let mut v: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(&state_path).unwrap()).unwrap();
        v["generation"] = serde_json::json!(v["generation"].as_u64().unwrap() + 7);
        v.to_string()
    };
    let target = state_path.clone();
    let written = bumped.clone();
    lab.relay.on_open_blob.set(Some(Box::new(move || {
        fs::write(&target, &written).unwrap()
    })));
    let out = lab.out("got");
    let report = lab.receive("bob", &out).unwrap();
    assert!(report.files.is_empty());
    assert!(matches!(
        report.failures[0].1,
        ShareError::Home(HomeError::Changed { .. })
    ));
    // "Refused, it stays on the relay" is what happened: no file, message there.
    assert!(files_in(&out).is_empty(), "{:?}", files_in(&out));
    assert_eq!(lab.dir().inbox("bob").unwrap().len(), 1);
    // With the state put right, the same message gives the file once.
    let original: serde_json::Value = serde_json::from_str(&bumped).unwrap();
    let mut fixed = original.clone();
    fixed["generation"] = serde_json::json!(original["generation"].as_u64().unwrap() - 7);
    fs::write(&state_path, fixed.to_string()).unwrap();
    let report = lab.receive("bob", &out).unwrap();
    assert_eq!(report.files.len(), 1, "{:?}", report.failures);
    assert_eq!(files_in(&out), ["a.txt"]);
}

#[test]
fn a_relay_that_will_not_delete_gets_the_message_removed_later_once() {
    let mut lab = Lab::new(&["alice", "bob"]);
    let file = lab.file("a.txt", 1000);
    let sent = lab.send("alice", "bob", &file).unwrap();
    lab.relay.fail_delete.set(true);
    let out = lab.out("got");
    let report = lab.receive("bob", &out).unwrap();
    // The file is received, and the report says what did not happen.
    assert!(report.failures.is_empty());
    assert_eq!(report.files.len(), 1);
    assert!(matches!(
        report.files[0].afterwards[..],
        [Afterwards::MessageNotRemoved(_)]
    ));
    // Every later receive would have called it a replay; it is done instead.
    let again = lab.receive("bob", &out).unwrap();
    assert_eq!(again.already_received.len(), 1);
    assert!(again.already_received[0].not_removed.is_some());
    assert!(again.failures.is_empty() && again.files.is_empty());
    lab.relay.fail_delete.set(false);
    let again = lab.receive("bob", &out).unwrap();
    assert_eq!(again.already_received.len(), 1);
    assert!(again.already_received[0].not_removed.is_none());
    assert!(lab.dir().inbox("bob").unwrap().is_empty());
    assert!(!lab.dir().blob_path(&sent.blob_id).exists());
    assert_eq!(files_in(&out), ["a.txt"], "never a second copy");
    assert!(
        lab.receive("bob", &out)
            .unwrap()
            .already_received
            .is_empty()
    );
}

#[test]
fn a_receipt_that_cannot_be_posted_is_reported_with_the_file() {
    let mut lab = Lab::new(&["alice", "bob"]);
    let file = lab.file("a.txt", 1000);
    lab.send("alice", "bob", &file).unwrap();
    lab.relay.fail_post.set(true);
    let report = lab.receive("bob", &lab.out("got")).unwrap();
    assert_eq!(report.files.len(), 1);
    assert!(matches!(
        report.files[0].afterwards[..],
        [Afterwards::ReceiptNotPosted(_)]
    ));
    assert!(lab.dir().inbox("bob").unwrap().is_empty());
}

/// Crash point: the state (with the record) was saved, then the process
/// died before deleting the message and the blob.
#[test]
fn a_crash_between_saving_and_deleting_leaves_no_false_alarm_and_no_orphan() {
    let mut lab = Lab::new(&["alice", "bob"]);
    let file = lab.file("a.txt", 1000);
    let sent = lab.send("alice", "bob", &file).unwrap();
    {
        let mut bob = lab.account("bob").unwrap();
        let id = bob.inbox().unwrap().remove(0);
        let envelope = bob.read_envelope(&id).unwrap();
        let opened = bob.open_message(&envelope).unwrap();
        bob.keep(opened).unwrap();
        // …and here the process stops.
    }
    let report = lab.receive("bob", &lab.out("got")).unwrap();
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    assert_eq!(report.already_received.len(), 1);
    assert_eq!(report.already_received[0].from, "alice");
    assert!(lab.dir().inbox("bob").unwrap().is_empty());
    assert!(
        !lab.dir().blob_path(&sent.blob_id).exists(),
        "no orphaned blob"
    );
}

#[test]
fn a_forged_copy_cannot_delete_a_blob() {
    let mut lab = Lab::new(&["alice", "bob", "mallory"]);
    let out = lab.out("got");
    let a = lab.file("a.txt", 10);
    lab.send("alice", "bob", &a).unwrap();
    lab.receive("bob", &out).unwrap();
    // Another file for Bob is waiting; Mallory, who can write to the relay,
    // forges a message reusing a used message number that claims to point at it.
    let b = lab.file("b.txt", 10);
    let waiting = lab.send("alice", "bob", &b).unwrap();
    let genuine_id = lab.dir().inbox("bob").unwrap().remove(0);
    let genuine = Envelope::decode(&lab.dir().read("bob", &genuine_id).unwrap()).unwrap();
    let mut forged = genuine.clone();
    forged.message[20] ^= 0x40;
    lab.plant("bob", "00000000000000000001-00000000", &forged.encode());
    let report = lab.receive("bob", &out).unwrap();
    assert_eq!(report.files.len(), 1, "the genuine one arrives");
    assert_eq!(report.failures.len(), 1);
    assert!(report.already_received.is_empty());
    assert!(
        !lab.dir().blob_path(&waiting.blob_id).exists(),
        "deleted by the genuine one only"
    );
}

// ---- 6. init and publish -------------------------------------------------

#[test]
fn an_init_whose_relay_fails_is_published_later() {
    let mut lab = Lab::new(&["alice"]);
    lab.relay.fail_publish.set(true);
    let e = share::init(&lab.homes, &lab.relay, "bob", 3, &mut lab.rng).unwrap_err();
    assert!(matches!(e, ShareError::NotPublished { .. }), "{e}");
    assert!(e.to_string().contains("share publish bob"), "{e}");
    // The keys are at home; init never replaces them, and says what to do.
    let e = share::init(&lab.homes, &lab.relay, "bob", 3, &mut lab.rng).unwrap_err();
    assert!(e.to_string().contains("share publish bob"), "{e}");
    lab.relay.fail_publish.set(false);
    let s = share::publish(&mut lab.account("bob").unwrap(), 4, false).unwrap();
    assert_eq!((s.published, s.withdrawn, s.kept), (4, 0, 3));
    // The republished bundle is exactly the one init would have published.
    let bundle = lab.dir().peek_bundle("bob").unwrap().unwrap();
    let home = share::Home::load(&lab.homes, &Name::new("bob").unwrap()).unwrap();
    assert_eq!(
        share::publish::bundle_of(&home.stores).unwrap().encode(),
        bundle
    );
    drop(home);
    let file = lab.file("a.txt", 10);
    assert!(
        lab.send("alice", "bob", &file)
            .unwrap()
            .used_one_time_prekey
    );
    let report = lab.receive("bob", &lab.out("got")).unwrap();
    assert_eq!(report.files.len(), 1, "{:?}", report.failures);
}

#[test]
fn publish_replaces_waiting_prekeys_and_keeps_those_handed_out() {
    let mut lab = Lab::new(&["alice", "bob"]);
    let file = lab.file("a.txt", 10);
    // Alice's first contact takes one of Bob's 3 prekeys; her message waits.
    assert!(
        lab.send("alice", "bob", &file)
            .unwrap()
            .used_one_time_prekey
    );
    assert_eq!(lab.dir().prekeys_left("bob").unwrap(), 2);
    let s = share::publish(&mut lab.account("bob").unwrap(), 5, false).unwrap();
    assert_eq!((s.published, s.withdrawn, s.kept), (5, 2, 1));
    assert_eq!(lab.dir().prekeys_left("bob").unwrap(), 5);
    // The message built on the handed-out prekey still decrypts (DH4).
    let report = lab.receive("bob", &lab.out("got")).unwrap();
    assert_eq!(report.files.len(), 1, "{:?}", report.failures);
    let alice_state: serde_json::Value = serde_json::from_slice(&state(&lab, "bob")).unwrap();
    assert_eq!(
        alice_state["one_time_pre_keys"].as_object().unwrap().len(),
        5
    );
}

#[test]
fn a_name_held_by_another_identity_is_not_taken_silently() {
    let mut lab = Lab::new(&["alice", "bob"]);
    let before = lab.dir().peek_bundle("bob").unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let e = share::init(elsewhere.path(), &lab.relay, "bob", 2, &mut lab.rng).unwrap_err();
    assert!(
        matches!(e, ShareError::Relay(RelayError::NameTaken { ref name }) if name == "bob"),
        "{e}"
    );
    assert!(e.to_string().contains("--take-over"), "{e}");
    assert_eq!(
        lab.dir().peek_bundle("bob").unwrap(),
        before,
        "nothing replaced"
    );
    assert!(
        !elsewhere.path().join("bob/state.json").exists(),
        "no keys made"
    );
    // Taken over on purpose, the old prekeys go with the old bundle.
    share::init_taking_over(elsewhere.path(), &lab.relay, "bob", 2, &mut lab.rng).unwrap();
    assert_eq!(lab.dir().prekeys_left("bob").unwrap(), 2);
    // Now the first Bob's publish is the one refused.
    let e = share::publish(&mut lab.account("bob").unwrap(), 1, false).unwrap_err();
    assert!(
        matches!(e, ShareError::Relay(RelayError::NameTaken { .. })),
        "{e}"
    );
}

#[test]
fn one_time_prekey_counts_are_checked() {
    let mut lab = Lab::new(&[]);
    for count in [1001, 16_777_215, u32::MAX] {
        let e = share::init(&lab.homes, &lab.relay, "bob", count, &mut lab.rng).unwrap_err();
        assert!(matches!(e, ShareError::PrekeyCount { .. }), "{count}: {e}");
    }
    let s = share::init(&lab.homes, &lab.relay, "bob", 0, &mut lab.rng).unwrap();
    assert_eq!(s.one_time_pre_keys, 0);
}

// ---- 9. inspect -----------------------------------------------------------

#[test]
fn inspect_tells_prekeys_from_other_small_files() {
    let lab = Lab::new(&["alice"]);
    let dir = lab.dir().root().join("prekeys/alice");
    let id = DirRelayIds::opks(&dir).remove(0);
    let opk = inspect::inspect(&dir.join(format!("{id}.opk"))).unwrap();
    assert_eq!(opk.kind, "one-time prekey OPK (public)");
    let other = lab.root.join("notes.txt");
    fs::write(&other, [b'x'; 33]).unwrap();
    assert!(
        inspect::inspect(&other).is_err(),
        "33 bytes are not a prekey"
    );
}

#[cfg(unix)]
#[test]
fn the_relay_summary_shows_what_the_server_holds_per_user() {
    let mut lab = Lab::new(&["alice", "bob", "carol"]);
    let file = lab.file("a.txt", 5000);
    let sent = lab.send("alice", "bob", &file).unwrap();
    lab.send("carol", "bob", &file).unwrap();
    mkfifo(
        &lab.dir()
            .message_path("carol", "00000000000000000001-00000000"),
    );
    let s = lab.dir().summary().unwrap();
    let names: Vec<&str> = s.users.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names, ["alice", "bob", "carol"]);
    let bob = &s.users[1];
    assert_eq!(bob.prekeys_left, 1);
    assert_eq!(bob.waiting.len(), 2);
    assert!(
        bob.waiting
            .iter()
            .all(|m| m.to == "bob" && m.kind == "file")
    );
    assert!(
        bob.waiting
            .iter()
            .all(|m| m.message_type == MessageType::PreKey.libsignal_name())
    );
    let ik = hex::decode(bob.identity_key.as_ref().unwrap()).unwrap();
    let bundle =
        pqxdh_lab::engine::ServerBundle::decode(&lab.dir().peek_bundle("bob").unwrap().unwrap())
            .unwrap();
    assert_eq!(ik, bundle.identity_key);
    assert_eq!(s.blobs.len(), 2);
    let blob = s.blobs.iter().find(|b| b.id == sent.blob_id).unwrap();
    assert_eq!(blob.size, sent.blob_len);
    assert!(blob.first_bytes.starts_with(&hex::encode(b"PQXSTRM1")));
    assert_eq!(s.refused.len(), 1);
    assert!(s.refused[0].reason.contains("FIFO"), "{:?}", s.refused);
    let talk = s.conversations();
    assert_eq!(talk.len(), 2);
    assert_eq!(
        (talk[0].from.as_str(), talk[0].to.as_str()),
        ("alice", "bob")
    );
    let _ = Kind::File;
}

// ---- Safety numbers and trust ---------------------------------------------

/// A bundle for NAME made by someone else (the relay), correctly signed.
fn impostor_bundle(rng: &mut ChaCha20Rng, name: &str) -> Vec<u8> {
    let scratch = tempfile::tempdir().unwrap();
    let relay = DirRelay::open(scratch.path().join("relay")).unwrap();
    share::init(&scratch.path().join("homes"), &relay, name, 0, rng).unwrap();
    relay.peek_bundle(name).unwrap().unwrap()
}

#[test]
fn safety_numbers_match_when_nothing_is_wrong() {
    let mut lab = Lab::new(&["alice", "bob"]);
    let file = lab.file("a.txt", 10);
    // Before any message, neither has the other's key: no number yet.
    let e = lab.number("alice", "bob").unwrap_err();
    assert!(matches!(e, ShareError::NoIdentity { .. }), "{e}");
    lab.send("alice", "bob", &file).unwrap();
    lab.receive("bob", &lab.out("got")).unwrap();
    let a = lab.number("alice", "bob").unwrap();
    let b = lab.number("bob", "alice").unwrap();
    assert_eq!(a, b);
    assert_eq!(a.digits().len(), 60);
}

/// The relay substitutes both bundles at first contact (a full
/// man-in-the-middle), then puts the real ones back.
#[test]
fn a_relay_substituting_at_first_contact_cannot_make_the_numbers_match() {
    let mut lab = Lab::new(&["alice", "bob"]);
    let fake_bob = impostor_bundle(&mut lab.rng, "bob");
    let fake_alice = impostor_bundle(&mut lab.rng, "alice");
    lab.relay.substitute = vec![("bob".into(), fake_bob), ("alice".into(), fake_alice)];
    let file = lab.file("a.txt", 10);
    lab.send("alice", "bob", &file).unwrap();
    lab.send("bob", "alice", &file).unwrap();
    // The real bundles are back: only the keys the homes stored count.
    lab.relay.substitute.clear();
    let a = lab.number("alice", "bob").unwrap();
    let b = lab.number("bob", "alice").unwrap();
    assert_ne!(a, b, "the substitution shows");
    // What a number computed from the relay's bundles would have said: equal.
    let ik = |name: &str| {
        let bytes = lab.dir().peek_bundle(name).unwrap().unwrap();
        let bundle = pqxdh_lab::engine::ServerBundle::decode(&bytes).unwrap();
        libsignal_protocol::IdentityKey::decode(&bundle.identity_key).unwrap()
    };
    let alice = Name::new("alice").unwrap();
    let bob = Name::new("bob").unwrap();
    let naive_a = SafetyNumber::compute(&alice, &ik("alice"), &bob, &ik("bob")).unwrap();
    let naive_b = SafetyNumber::compute(&bob, &ik("bob"), &alice, &ik("alice")).unwrap();
    assert_eq!(naive_a, naive_b);
    assert_ne!(a, naive_a);
}

#[test]
fn trust_accepts_a_new_key_only_by_its_compared_number() {
    let mut lab = Lab::new(&["alice", "bob"]);
    let out = lab.out("got");
    let file = lab.file("a.txt", 10);
    lab.send("alice", "bob", &file).unwrap();
    lab.receive("bob", &out).unwrap();
    let old = lab.number("bob", "alice").unwrap();

    // Alice reinstalls: new home, new keys, her name taken over; she writes to Bob.
    let reinstalled = tempfile::tempdir().unwrap();
    share::init_taking_over(reinstalled.path(), &lab.relay, "alice", 2, &mut lab.rng).unwrap();
    let new_homes = reinstalled.path().to_path_buf();
    // What was sent to her old keys (Bob's receipt) is lost with them.
    for id in lab.dir().inbox("alice").unwrap() {
        lab.dir().delete("alice", &id).unwrap();
    }
    {
        let mut alice =
            Account::load(&new_homes, "alice", &lab.relay, demo_now, &mut lab.rng).unwrap();
        share::send(&mut alice, "bob", &file, &mut |_, _| {}).unwrap();
    }
    let alice_number = {
        let alice = Account::load(&new_homes, "alice", &lab.relay, demo_now, &mut lab.rng).unwrap();
        share::safety_number(&alice, &Name::new("bob").unwrap()).unwrap()
    };
    // Bob refuses the new key…
    let report = lab.receive("bob", &out).unwrap();
    let e = &report.failures[0].1;
    assert!(matches!(e, ShareError::IdentityChanged { .. }), "{e}");
    assert!(e.to_string().contains("share trust --as bob alice"), "{e}");
    // …and sees it offered, in the bundle and in the waiting message, with
    // the number Alice sees on her side.
    let alice = Name::new("alice").unwrap();
    let review = trust::review(&lab.account("bob").unwrap(), &alice).unwrap();
    assert_eq!(review.known.as_ref().unwrap().1, old);
    assert_eq!(review.offered.len(), 1);
    let offered = &review.offered[0];
    assert_eq!(offered.safety_number, alice_number);
    assert_ne!(offered.safety_number, old);
    assert!(offered.seen_in.contains(&Source::Bundle));
    assert!(
        offered
            .seen_in
            .iter()
            .any(|s| matches!(s, Source::Message(_)))
    );
    // A wrong number changes nothing.
    let before = state(&lab, "bob");
    let e = trust::accept(&mut lab.account("bob").unwrap(), &alice, &old).unwrap_err();
    assert!(matches!(e, ShareError::NoSuchNumber { .. }), "{e}");
    assert_eq!(state(&lab, "bob"), before);
    // The compared one is accepted; the message now arrives, and the numbers agree.
    trust::accept(&mut lab.account("bob").unwrap(), &alice, &alice_number).unwrap();
    let report = lab.receive("bob", &out).unwrap();
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    assert_eq!(report.files.len(), 1);
    assert_eq!(lab.number("bob", "alice").unwrap(), alice_number);
    // Bob's next file to Alice goes on the new session, to the new keys.
    lab.send("bob", "alice", &file).unwrap();
    let mut alice_acc =
        Account::load(&new_homes, "alice", &lab.relay, demo_now, &mut lab.rng).unwrap();
    let got = share::receive(
        &mut alice_acc,
        &reinstalled.path().join("got"),
        &mut |_, _, _| {},
    )
    .unwrap();
    assert!(got.failures.is_empty(), "{:?}", got.failures);
    assert_eq!(got.files.len(), 1);
}
