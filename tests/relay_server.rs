//! `relay serve` as a real process on loopback, with `share` commands and
//! raw HTTP against it: two homes exchanging a file, thirty clients claiming
//! one-time prekeys at once, a client killed in the middle of an upload, a
//! server killed and restarted, hostile requests (garbage, oversized,
//! traversal names, forged and replayed signatures), a connection that
//! breaks off in the middle of a download, and the live page.
//!
//! Only loopback addresses are used.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use pqxdh_lab::engine::ServerBundle;
use pqxdh_lab::share::http_api;
use pqxdh_lab::share::{Home, HttpRelay, Name, Relay};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pqxdh-lab"))
}

/// A `relay serve` process, killed when dropped.
struct Server {
    child: Child,
    url: String,
    /// HOST:PORT, for raw connections.
    addr: String,
}

impl Server {
    fn start(dir: &Path) -> Self {
        Self::start_with(dir, &[])
    }

    fn start_with(dir: &Path, args: &[&str]) -> Self {
        let mut child = bin()
            .args(["relay", "serve", "--listen", "127.0.0.1:0", "--dir"])
            .arg(dir)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        let url = first
            .strip_prefix("pqxdh-lab relay: students use --relay ")
            .unwrap_or_else(|| panic!("unexpected first line: {first}"))
            .to_string();
        // The server prints every event: keep its pipe drained.
        thread::spawn(move || for _ in lines {});
        let addr = url.strip_prefix("http://").unwrap().to_string();
        Self { child, url, addr }
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// A GET of `path`: status and body.
    fn get(&self, path: &str) -> (u16, Vec<u8>) {
        raw(
            &self.addr,
            format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes(),
        )
    }

    fn view(&self) -> serde_json::Value {
        let (status, body) = self.get("/api/view");
        assert_eq!(status, 200);
        serde_json::from_slice(&body).unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Sends `request` as it is and returns the answer's status and body.
fn raw(addr: &str, request: &[u8]) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let _ = s.write_all(request);
    let _ = s.shutdown(Shutdown::Write);
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    parse_answer(&answer)
}

fn parse_answer(answer: &[u8]) -> (u16, Vec<u8>) {
    let text = String::from_utf8_lossy(answer);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {text:?}"));
    let body = match answer.windows(4).position(|w| w == b"\r\n\r\n") {
        Some(i) => answer[i + 4..].to_vec(),
        None => Vec::new(),
    };
    (status, body)
}

/// `share` with `--relay URL` and a home folder of its own (one laptop each).
fn share(relay: &str, home: &Path, args: &[&str]) -> Command {
    let mut cmd = bin();
    cmd.arg("share")
        .args(["--relay", relay, "--home"])
        .arg(home)
        .args(args)
        .env_remove("PQXDH_LAB_RELAY")
        .env_remove("PQXDH_LAB_HOME");
    cmd
}

/// A path as a command-line argument (temporary folders are UTF-8).
fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn ok(mut cmd: Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn fails(mut cmd: Command) -> String {
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{cmd:?} should fail");
    String::from_utf8(out.stderr).unwrap()
}

/// Every file under `dir` with its bytes: what a request must not change.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else {
                files.insert(path.clone(), fs::read(&path).unwrap());
            }
        }
    }
    files
}

fn files_under(dir: &Path) -> Vec<String> {
    snapshot(dir)
        .keys()
        .map(|p| p.strip_prefix(dir).unwrap().display().to_string())
        .collect()
}

/// Two laptops (two homes), one relay: init, safety numbers, a file each way.
#[test]
fn two_homes_exchange_files_through_the_server_and_the_page_shows_it() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let server = Server::start(&d.join("relay"));
    let (a, b) = (d.join("laptop-a"), d.join("laptop-b"));
    ok(share(&server.url, &a, &["init", "alice"]));
    ok(share(&server.url, &b, &["init", "bob"]));

    // Nothing yet: the same 60 digits need a session. After one file, both
    // sides compute them from the keys they hold.
    let plans = d.join("secret-plans.txt");
    fs::write(&plans, "PLAINTEXT-MARKER meet at the north gate\n").unwrap();
    let sent = ok(share(
        &server.url,
        &a,
        &["send", "--from", "alice", "--to", "bob", p(&plans)],
    ));
    assert!(sent.contains("First contact: PQXDH"), "{sent}");

    // While the file waits, the page's data shows what the server holds.
    let view = server.view();
    let text = view.to_string();
    let users = view["users"].as_array().unwrap();
    assert_eq!(users.len(), 2, "{text}");
    let bob = users.iter().find(|u| u["name"] == "bob").unwrap();
    assert_eq!(bob["waiting"][0]["from"], "alice", "{text}");
    assert_eq!(bob["waiting"][0]["message_type"], "PreKeySignalMessage");
    assert_eq!(bob["prekeys_left"], 19);
    assert_eq!(bob["addresses"][0]["address"], "127.0.0.1");
    // "Sent … blob ID (N bytes, …": the server sees that exact size.
    let blob_len: u64 = sent
        .split(" bytes, SHA-256")
        .next()
        .unwrap()
        .rsplit('(')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let blob = &view["blobs"][0];
    assert_eq!(blob["size"], blob_len, "{text}");
    assert!(
        blob["id"].as_str().unwrap().ends_with('…'),
        "a shortened id"
    );
    assert_eq!(blob["first_bytes"].as_str().unwrap().len(), 32);
    assert!(text.contains("alice writes to bob"), "{text}");
    // Never: the plaintext, the file's name, a full blob id.
    let blob_id = sent
        .split("blob ")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap();
    for secret in ["PLAINTEXT-MARKER", "secret-plans", blob_id] {
        assert!(!text.contains(secret), "the page's data shows {secret}");
    }
    let (status, summary) = server.get("/api/summary");
    assert_eq!(status, 200);
    assert!(!String::from_utf8_lossy(&summary).contains(blob_id));

    let got = ok(share(
        &server.url,
        &b,
        &["receive", "--as", "bob", "--out", p(&d.join("got"))],
    ));
    assert!(got.contains("from alice"), "{got}");
    assert_eq!(
        fs::read(d.join("got/secret-plans.txt")).unwrap(),
        fs::read(&plans).unwrap()
    );
    // And back, on the session.
    fs::write(d.join("reply.txt"), "ok\n").unwrap();
    ok(share(
        &server.url,
        &b,
        &[
            "send",
            "--from",
            "bob",
            "--to",
            "alice",
            p(&d.join("reply.txt")),
        ],
    ));
    ok(share(
        &server.url,
        &a,
        &["receive", "--as", "alice", "--out", p(&d.join("got-a"))],
    ));
    assert_eq!(fs::read(d.join("got-a/reply.txt")).unwrap(), b"ok\n");

    let digits = |out: String| -> String {
        out.lines()
            .filter(|l| {
                l.starts_with("    ") && l.trim().chars().all(|c| c.is_ascii_digit() || c == ' ')
            })
            .collect()
    };
    let ab = digits(ok(share(
        &server.url,
        &a,
        &["safety-number", "--as", "alice", "bob"],
    )));
    let ba = digits(ok(share(
        &server.url,
        &b,
        &["safety-number", "--as", "bob", "alice"],
    )));
    assert_eq!(ab.split_whitespace().count(), 12);
    assert_eq!(ab, ba);

    let inspected = ok({
        let mut c = bin();
        c.args(["share", "inspect", &server.url]);
        c
    });
    assert!(inspected.contains("a relay server"), "{inspected}");
    assert!(inspected.contains("bob  IK"), "{inspected}");

    // The page itself: offline, for a projector, saying it is plain HTTP.
    let (status, page) = server.get("/");
    let page = String::from_utf8(page).unwrap();
    assert_eq!(status, 200);
    assert!(page.contains("What the server sees"), "{page}");
    assert!(page.contains(&format!("--relay {}", server.url)), "{page}");
    assert!(page.contains("Plain HTTP"), "{page}");
    assert!(!page.contains("https://"), "no asset from elsewhere");
    let (status, script) = server.get("/page.js");
    assert_eq!(status, 200);
    assert!(String::from_utf8(script).unwrap().contains("/api/view"));
}

#[test]
fn thirty_clients_at_once_each_get_a_different_one_time_prekey() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::start(&tmp.path().join("relay"));
    ok(share(
        &server.url,
        &tmp.path().join("home"),
        &["init", "bob", "--one-time-prekeys", "20"],
    ));
    let start = Arc::new(Barrier::new(30));
    let clients: Vec<_> = (0..30)
        .map(|_| {
            let url = server.url.clone();
            let start = Arc::clone(&start);
            thread::spawn(move || {
                let relay = HttpRelay::new(&url).unwrap();
                start.wait();
                let bundle = relay.fetch_bundle("bob").unwrap();
                ServerBundle::decode(&bundle)
                    .unwrap()
                    .pre_key
                    .map(|(id, _)| id)
            })
        })
        .collect();
    let got: Vec<Option<u32>> = clients.into_iter().map(|c| c.join().unwrap()).collect();
    let mut ids: Vec<u32> = got.iter().flatten().copied().collect();
    assert_eq!(ids.len(), 20, "{got:?}");
    ids.sort();
    ids.dedup();
    assert_eq!(
        ids.len(),
        20,
        "a one-time prekey was handed out twice: {got:?}"
    );
    let relay = HttpRelay::new(&server.url).unwrap();
    assert_eq!(relay.prekeys_left("bob").unwrap(), 0);
}

/// Waits until `check` holds, at most 20 s.
fn wait_for(what: &str, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "waited for {what}"
        );
        thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_client_killed_in_the_middle_of_an_upload_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let server = Server::start(&d.join("relay"));
    let home = d.join("home");
    ok(share(&server.url, &home, &["init", "alice"]));
    ok(share(&server.url, &home, &["init", "bob"]));

    // The file is a pipe the test fills slowly, so the upload is surely
    // under way when the sender is killed.
    let fifo = d.join("slow.bin");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let mut sender = share(
        &server.url,
        &home,
        &["send", "--from", "alice", "--to", "bob", p(&fifo)],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let mut pipe = fs::OpenOptions::new().write(true).open(&fifo).unwrap();
    let mut written = 0;
    wait_for("the upload to reach the server", || {
        pipe.write_all(&[7u8; 256 * 1024]).unwrap();
        written += 256 * 1024;
        server.view()["transfers"]
            .as_array()
            .is_some_and(|t| t.iter().any(|t| t["bytes"].as_u64() > Some(0)))
    });
    sender.kill().unwrap();
    sender.wait().unwrap();
    drop(pipe);
    wait_for("the server to drop the upload", || {
        server.view()["transfers"].as_array().unwrap().is_empty()
    });
    // No blob, no temporary file, no message.
    assert_eq!(
        files_under(&d.join("relay/blobs")),
        Vec::<String>::new(),
        "after {written} bytes"
    );
    let got = ok(share(
        &server.url,
        &home,
        &["receive", "--as", "bob", "--out", p(&d.join("got"))],
    ));
    assert!(got.contains("Nothing waiting for bob"), "{got}");
    let events = server.view()["events"].to_string();
    assert!(events.contains("broke off"), "{events}");

    // The same with raw requests cut short: chunked, and with a length.
    for cut in [
        &b"PUT /api/blobs/00aa HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n"[..],
        &b"PUT /api/blobs/00bb HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabcd"[..],
    ] {
        let (status, _) = raw(&server.addr, cut);
        assert_eq!(status, 400);
    }
    assert_eq!(files_under(&d.join("relay/blobs")), Vec::<String>::new());
}

#[test]
fn a_restarted_server_has_everything_it_had_committed() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let mut server = Server::start(&d.join("relay"));
    let (a, b) = (d.join("a"), d.join("b"));
    ok(share(&server.url, &a, &["init", "alice"]));
    ok(share(&server.url, &b, &["init", "bob"]));
    fs::write(d.join("f.txt"), "kept\n").unwrap();
    ok(share(
        &server.url,
        &a,
        &[
            "send",
            "--from",
            "alice",
            "--to",
            "bob",
            p(&d.join("f.txt")),
        ],
    ));
    let before = snapshot(&d.join("relay"));
    server.kill();

    let server = Server::start(&d.join("relay"));
    assert_eq!(snapshot(&d.join("relay")), before);
    let relay = HttpRelay::new(&server.url).unwrap();
    // Twenty published, one claimed by Alice's first contact.
    assert_eq!(relay.prekeys_left("bob").unwrap(), 19);
    // The names still belong to their identity keys.
    let err = fails(share(&server.url, &d.join("c"), &["init", "alice"]));
    assert!(err.contains("already holds keys for 'alice'"), "{err}");
    let got = ok(share(
        &server.url,
        &b,
        &["receive", "--as", "bob", "--out", p(&d.join("got"))],
    ));
    assert!(got.contains("from alice"), "{got}");
    assert_eq!(fs::read(d.join("got/f.txt")).unwrap(), b"kept\n");
}

/// Bob's identity key, from his home (the test plays Bob's laptop).
fn identity_of(home: &Path, name: &str) -> libsignal_protocol::IdentityKeyPair {
    let home = Home::load(home, &Name::new(name).unwrap()).unwrap();
    home.stores.identities.key_pair
}

/// A signed request, as a client builds it, with a fresh nonce.
fn signed(
    server: &Server,
    identity: &libsignal_protocol::IdentityKeyPair,
    method: &str,
    path: &str,
    body: &[u8],
) -> Vec<u8> {
    let (_, nonce) = server.get("/api/nonce");
    let nonce: http_api::NonceResponse = serde_json::from_slice(&nonce).unwrap();
    let signature =
        http_api::sign(identity, method, path, &nonce.nonce, body, &mut rand::rng()).unwrap();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\n{}: {}\r\n{}: {signature}\r\ncontent-length: {}\r\n\r\n",
        http_api::NONCE_HEADER,
        nonce.nonce,
        http_api::SIGNATURE_HEADER,
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    request
}

#[test]
fn bad_forged_and_replayed_requests_get_4xx_and_change_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let server = Server::start(&d.join("relay"));
    let (a, b) = (d.join("a"), d.join("b"));
    ok(share(&server.url, &a, &["init", "alice"]));
    ok(share(&server.url, &b, &["init", "bob"]));
    fs::write(d.join("f.txt"), "for bob\n").unwrap();
    ok(share(
        &server.url,
        &a,
        &[
            "send",
            "--from",
            "alice",
            "--to",
            "bob",
            p(&d.join("f.txt")),
        ],
    ));
    let bob = identity_of(&b, "bob");
    let alice = identity_of(&a, "alice");

    // Genuine signed requests, captured as they went out.
    let list = signed(&server, &bob, "GET", "/api/inbox/bob", b"");
    let (status, ids) = raw(&server.addr, &list);
    assert_eq!(status, 200);
    let ids: http_api::InboxList = serde_json::from_slice(&ids).unwrap();
    let message = format!("/api/inbox/bob/{}", ids.ids[0]);
    let delete = signed(&server, &bob, "DELETE", &message, b"");
    let bundle = HttpRelay::new(&server.url)
        .unwrap()
        .peek_bundle("bob")
        .unwrap()
        .unwrap();
    let publish_body = serde_json::to_vec(&http_api::PublishRequest {
        bundle: hex::encode(&bundle),
        one_time_prekeys: vec![(7, hex::encode([5u8; 33]))],
        take_over: false,
    })
    .unwrap();
    let publish = signed(&server, &bob, "PUT", "/api/bundles/bob", &publish_body);
    let (status, _) = raw(&server.addr, &publish);
    assert_eq!(status, 200);

    let before = snapshot(&d.join("relay"));
    let oversized_message = {
        let mut r =
            b"POST /api/inbox/bob HTTP/1.1\r\nHost: x\r\nContent-Length: 70000\r\n\r\n".to_vec();
        r.extend(vec![b'x'; 70000]);
        r
    };
    let oversized_head = format!(
        "GET /api/view HTTP/1.1\r\nHost: x\r\nX-Padding: {}\r\n\r\n",
        "a".repeat(20_000)
    );
    let forged_by_alice = signed(&server, &alice, "DELETE", &message, b"");
    // Bob's genuine signature for another message, moved onto this one.
    let moved = String::from_utf8_lossy(&signed(
        &server,
        &bob,
        "DELETE",
        "/api/inbox/bob/0000-00",
        b"",
    ))
    .replace("/api/inbox/bob/0000-00", &message)
    .into_bytes();
    let cases: Vec<(&str, Vec<u8>, &[u16])> = vec![
        ("garbage", b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n\r\n".to_vec(), &[400]),
        ("not http", b"HELLO THERE\r\n\r\n".to_vec(), &[400]),
        ("oversized head", oversized_head.into_bytes(), &[431]),
        ("oversized message", oversized_message, &[413]),
        (
            "traversal",
            b"GET /api/bundles/..%2f..%2fetc%2fpasswd HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
            &[400],
        ),
        (
            "traversal in segments",
            b"DELETE /api/blobs/../../bundles/bob.bundle HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
            &[400, 404],
        ),
        (
            "a name with capitals",
            b"POST /api/bundles/Bob/claim HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
            &[400],
        ),
        (
            "not an envelope",
            b"POST /api/inbox/bob HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello".to_vec(),
            &[400],
        ),
        (
            "unsigned inbox",
            b"GET /api/inbox/bob HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
            &[401],
        ),
        ("alice deletes bob's message", forged_by_alice, &[401]),
        ("bob's signature moved to another path", moved, &[401]),
        ("replayed inbox list", list, &[401]),
        ("replayed publish", publish, &[401]),
        (
            "an upload without a body",
            b"PUT /api/blobs/00dd HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
            &[411],
        ),
        (
            "an empty upload",
            b"PUT /api/blobs/00ee HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n".to_vec(),
            &[400],
        ),
        (
            "two framings",
            b"POST /api/inbox/bob HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n".to_vec(),
            &[400],
        ),
        (
            "a stranger takes bob's name",
            signed(&server, &alice, "PUT", "/api/bundles/bob", &{
                let alice_bundle = HttpRelay::new(&server.url)
                    .unwrap()
                    .peek_bundle("alice")
                    .unwrap()
                    .unwrap();
                serde_json::to_vec(&http_api::PublishRequest {
                    bundle: hex::encode(alice_bundle),
                    one_time_prekeys: vec![],
                    take_over: true,
                })
                .unwrap()
            }),
            &[403],
        ),
    ];
    for (what, request, expected) in cases {
        let (status, body) = raw(&server.addr, &request);
        assert!(
            expected.contains(&status),
            "{what}: {status} {}",
            String::from_utf8_lossy(&body)
        );
        assert_eq!(
            snapshot(&d.join("relay")),
            before,
            "{what} changed the relay"
        );
    }
    // The genuine delete, once, works; its replay does not.
    assert_eq!(raw(&server.addr, &delete).0, 204);
    assert_eq!(raw(&server.addr, &delete).0, 401);
}

/// A proxy that forwards everything, but cuts a blob download short.
fn cutting_proxy(target: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(mut client) = client else { continue };
            let target = target.clone();
            thread::spawn(move || {
                let mut server = TcpStream::connect(&target).unwrap();
                let mut head = vec![0u8; 64 * 1024];
                let n = client.read(&mut head).unwrap_or(0);
                let is_blob_get = head[..n].starts_with(b"GET /api/blobs/");
                server.write_all(&head[..n]).unwrap();
                let mut upstream = client.try_clone().unwrap();
                let mut down = server.try_clone().unwrap();
                thread::spawn(move || {
                    let _ = std::io::copy(&mut upstream, &mut down);
                    let _ = down.shutdown(Shutdown::Write);
                });
                if is_blob_get {
                    // The head and the first 100 kB, then the line goes dead.
                    let mut part = (&mut server).take(100_000);
                    let _ = std::io::copy(&mut part, &mut client);
                    let _ = client.shutdown(Shutdown::Both);
                } else {
                    let _ = std::io::copy(&mut server, &mut client);
                    let _ = client.shutdown(Shutdown::Write);
                }
            });
        }
    });
    format!("http://{addr}")
}

#[test]
fn a_download_cut_off_keeps_nothing_and_the_errors_say_what_happened() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let server = Server::start(&d.join("relay"));
    let home = d.join("home");
    ok(share(&server.url, &home, &["init", "alice"]));
    ok(share(&server.url, &home, &["init", "bob"]));
    let big = d.join("big.bin");
    fs::write(&big, vec![42u8; 3_000_000]).unwrap();
    ok(share(
        &server.url,
        &home,
        &["send", "--from", "alice", "--to", "bob", p(&big)],
    ));

    let proxy = cutting_proxy(server.addr.clone());
    let err = fails(share(
        &proxy,
        &home,
        &["receive", "--as", "bob", "--out", p(&d.join("got"))],
    ));
    assert!(err.contains("broke off"), "{err}");
    assert!(err.contains("stays on the relay"), "{err}");
    assert_eq!(
        files_under(&d.join("got")),
        Vec::<String>::new(),
        "nothing half-received"
    );
    // Straight to the server, the message that stayed is received whole.
    ok(share(
        &server.url,
        &home,
        &["receive", "--as", "bob", "--out", p(&d.join("got"))],
    ));
    assert_eq!(fs::read(d.join("got/big.bin")).unwrap().len(), 3_000_000);

    // Nobody listening.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = fails(share(
        &format!("http://127.0.0.1:{port}"),
        &d.join("other"),
        &["init", "carol"],
    ));
    assert!(err.contains("could not reach the relay"), "{err}");
    assert!(err.contains("connection was refused"), "{err}");
    let err = fails(share(
        "https://127.0.0.1:1",
        &home,
        &["receive", "--as", "bob"],
    ));
    assert!(err.contains("plain HTTP only"), "{err}");
}

/// The classroom's last step: the instructor changes a byte of a blob in
/// the relay's folder; the recipient's receive refuses it and keeps nothing.
#[test]
fn a_blob_tampered_with_on_the_server_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let server = Server::start(&d.join("relay"));
    let (a, b) = (d.join("a"), d.join("b"));
    ok(share(&server.url, &a, &["init", "alice"]));
    ok(share(&server.url, &b, &["init", "bob"]));
    let picture = d.join("picture.bin");
    fs::write(&picture, vec![9u8; 200_000]).unwrap();
    ok(share(
        &server.url,
        &a,
        &["send", "--from", "alice", "--to", "bob", p(&picture)],
    ));
    let blobs = files_under(&d.join("relay/blobs"));
    assert_eq!(blobs.len(), 1, "{blobs:?}");
    let blob = d.join("relay/blobs").join(&blobs[0]);
    let mut bytes = fs::read(&blob).unwrap();
    bytes[5000] ^= 0x01;
    fs::write(&blob, bytes).unwrap();

    let err = fails(share(
        &server.url,
        &b,
        &["receive", "--as", "bob", "--out", p(&d.join("got"))],
    ));
    assert!(err.contains("the encrypted file is damaged"), "{err}");
    assert!(err.contains("stays on the relay"), "{err}");
    assert_eq!(files_under(&d.join("got")), Vec::<String>::new());
    assert_eq!(files_under(&d.join("relay/inbox/bob")).len(), 1);
}

#[test]
fn a_file_larger_than_the_relay_accepts_is_refused_with_the_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let server = Server::start_with(&d.join("relay"), &["--max-file-mib", "1"]);
    let home = d.join("home");
    ok(share(&server.url, &home, &["init", "alice"]));
    ok(share(&server.url, &home, &["init", "bob"]));
    let big = d.join("big.bin");
    fs::write(&big, vec![1u8; 3 << 20]).unwrap();
    let err = fails(share(
        &server.url,
        &home,
        &["send", "--from", "alice", "--to", "bob", p(&big)],
    ));
    assert!(err.contains("at most 1 MiB"), "{err}");
    wait_for("the server to drop the upload", || {
        server.view()["transfers"].as_array().unwrap().is_empty()
    });
    assert_eq!(files_under(&d.join("relay/blobs")), Vec::<String>::new());
    assert_eq!(files_under(&d.join("relay/inbox")), Vec::<String>::new());
    // The server enforces it too, for a client that does not ask first.
    let mut request =
        b"PUT /api/blobs/00cc HTTP/1.1\r\nHost: x\r\nContent-Length: 2097152\r\n\r\n".to_vec();
    request.extend(vec![0u8; 1024]);
    assert_eq!(raw(&server.addr, &request).0, 413);
}
