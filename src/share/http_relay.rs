//! The relay over the network: the [`Relay`] trait spoken as HTTP to
//! `pqxdh-lab relay serve` (`crate::relay`). Everything above this file is
//! the same as with the folder relay; the API itself is in `http_api.rs`.
//!
//! What a network adds, handled here:
//! - the server may be unreachable, refuse, or break off in the middle: each
//!   becomes a [`RelayError`] that says which, and a download that breaks
//!   off fails its reader, so `receive` keeps nothing half-received;
//! - blobs stream both ways in the STREAM format's 64 KiB segments: an upload
//!   hands each segment to a thread that sends the request body, so neither
//!   side ever holds a whole file;
//! - the server answers "busy" when too many requests come at once; the
//!   client waits a moment and asks again (the server did nothing);
//! - requests only a name's owner may make are signed with that name's
//!   identity key, on a nonce the server issued for it.
//!
//! It speaks plain HTTP: the contents are end-to-end encrypted, but names,
//! sizes, times and addresses are visible to anyone on the network.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use libsignal_protocol::IdentityKeyPair;
use serde::de::DeserializeOwned;
use ureq::{Agent, Body, SendBody};

use super::http_api::{
    self, ErrorBody, InboxList, Limits, NonceResponse, Posted, PrekeysLeft, PublishRequest,
    PublishResponse, kind,
};
use super::names::is_relay_id;
use super::relay::{
    BlobUpload, MAX_BUNDLE_BYTES, MAX_MESSAGE_BYTES, Relay, RelayError, RelayResult,
};
use super::summary::RelaySummary;

/// How long to wait for a connection to the relay.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one read or write may stall before the transfer counts as broken.
const STALL_TIMEOUT: Duration = Duration::from_secs(60);
/// How often a "busy" answer is retried before giving up (about 20 s in all).
const BUSY_RETRIES: u32 = 40;
/// Largest JSON answer read (a summary of a busy classroom relay).
const MAX_JSON_BYTES: u64 = 32 << 20;
/// An upload hands its request thread pieces of this size (the STREAM
/// segments written, gathered): fewer, larger hand-overs and socket writes.
const UPLOAD_PIECE: usize = 1 << 20;
/// Pieces in flight between an upload's writer and its request thread: with
/// the one being filled, an upload holds about three pieces of memory.
const UPLOAD_QUEUE: usize = 2;
/// ureq's buffers for reading and writing a connection (its default is 128
/// KiB): a blob moves in fewer, larger system calls.
const IO_BUFFER: usize = 1 << 20;

/// A relay at `http://HOST:PORT`.
pub struct HttpRelay {
    url: String,
    agent: Agent,
    /// Keys to sign with, by name (`Relay::sign_as`). They never leave
    /// this process; only signatures do.
    signers: Mutex<HashMap<String, IdentityKeyPair>>,
}

/// An answer: its status and its (bounded) body.
struct Reply {
    status: u16,
    retry_after: Option<u64>,
    body: Body,
}

impl HttpRelay {
    /// A relay at `address`, such as `http://192.168.1.20:8737`. Nothing is
    /// contacted yet.
    pub fn new(address: &str) -> RelayResult<Self> {
        let url = parse_address(address)?;
        let config = Agent::config_builder()
            // Refusals come back as answers, to read the server's reason.
            .http_status_as_error(false)
            .timeout_connect(Some(CONNECT_TIMEOUT))
            .timeout_per_read(Some(STALL_TIMEOUT))
            .timeout_per_write(Some(STALL_TIMEOUT))
            .max_redirects(0)
            .input_buffer_size(IO_BUFFER)
            .output_buffer_size(IO_BUFFER)
            .user_agent(concat!("pqxdh-lab/", env!("CARGO_PKG_VERSION")))
            .build();
        Ok(Self {
            url,
            agent: Agent::new_with_config(config),
            signers: Mutex::new(HashMap::new()),
        })
    }

    /// The relay's address, `http://HOST:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    fn signer(&self, name: &str) -> Option<IdentityKeyPair> {
        self.signers.lock().ok()?.get(name).copied()
    }

    /// Sends one request and returns the answer, asking again while the
    /// server is busy (it did nothing) and once more with a fresh nonce if
    /// the nonce went stale (a restarted server forgets its nonces).
    fn call(
        &self,
        method: &str,
        path: &str,
        body: &[u8],
        signed_by: Option<&str>,
    ) -> RelayResult<Reply> {
        let url = format!("{}{path}", self.url);
        let mut fresh_nonce_tried = false;
        let mut attempt = 0;
        loop {
            let mut headers: Vec<(&str, String)> = Vec::new();
            if let Some(identity) = signed_by.and_then(|name| self.signer(name)) {
                let nonce = self.nonce()?;
                let signature =
                    http_api::sign(&identity, method, path, &nonce, body, &mut rand::rng())
                        .map_err(|e| self.server_error(0, format!("could not sign: {e}")))?;
                headers.push((http_api::NONCE_HEADER, nonce));
                headers.push((http_api::SIGNATURE_HEADER, signature));
            }
            let reply = self.send(method, &url, &headers, body)?;
            match reply.status {
                429 | 503 if attempt < BUSY_RETRIES => {
                    attempt += 1;
                    let wait = reply.retry_after.map_or(
                        Duration::from_millis(100 * u64::from(attempt.min(5))),
                        |s| Duration::from_secs(s.min(2)),
                    );
                    thread::sleep(wait);
                }
                401 if signed_by.is_some() && !fresh_nonce_tried => {
                    let (status, refusal) = self.refusal(reply)?;
                    if refusal.error != kind::STALE_NONCE {
                        return Err(self.server_error(status, refusal.message));
                    }
                    fresh_nonce_tried = true;
                }
                _ => return Ok(reply),
            }
        }
    }

    fn send(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, String)],
        body: &[u8],
    ) -> RelayResult<Reply> {
        fn with<B>(
            mut request: ureq::RequestBuilder<B>,
            headers: &[(&str, String)],
        ) -> ureq::RequestBuilder<B> {
            for (name, value) in headers {
                request = request.header(*name, value);
            }
            request
        }
        let answer = match method {
            "GET" => with(self.agent.get(url), headers).call(),
            "DELETE" => with(self.agent.delete(url), headers).call(),
            "POST" => with(self.agent.post(url), headers)
                .content_type("application/octet-stream")
                .send(body),
            "PUT" => with(self.agent.put(url), headers)
                .content_type("application/json")
                .send(body),
            other => unreachable!("the client sends no {other} request"),
        };
        let response = answer.map_err(|e| self.transport_error(e, "request"))?;
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok());
        Ok(Reply {
            status: response.status().as_u16(),
            retry_after,
            body: response.into_body(),
        })
    }

    /// A fresh nonce for one signed request.
    fn nonce(&self) -> RelayResult<String> {
        let reply = self.send("GET", &format!("{}/api/nonce", self.url), &[], &[])?;
        let nonce: NonceResponse = self.json(reply)?;
        Ok(nonce.nonce)
    }

    /// An answer's body, at most `limit` bytes.
    fn bytes(&self, mut reply: Reply, limit: u64, what: &'static str) -> RelayResult<Vec<u8>> {
        reply
            .body
            .with_config()
            .limit(limit)
            .read_to_vec()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(_) => self.server_error(
                    reply.status,
                    format!("its {what} is larger than the {limit} bytes any genuine one has"),
                ),
                e => self.transport_error(e, what),
            })
    }

    fn json<T: DeserializeOwned>(&self, reply: Reply) -> RelayResult<T> {
        let status = reply.status;
        if status != 200 && status != 201 {
            return Err(self.refused(reply, None));
        }
        let bytes = self.bytes(reply, MAX_JSON_BYTES, "answer")?;
        serde_json::from_slice(&bytes).map_err(|e| {
            self.server_error(status, format!("its answer is not what was asked: {e}"))
        })
    }

    /// The server's reason for a refusal.
    fn refusal(&self, reply: Reply) -> RelayResult<(u16, ErrorBody)> {
        let status = reply.status;
        let bytes = self.bytes(reply, 64 * 1024, "answer")?;
        let body = serde_json::from_slice(&bytes).unwrap_or_else(|_| ErrorBody {
            error: String::new(),
            message: format!("HTTP {status} without a reason (is this a pqxdh-lab relay at all?)"),
        });
        Ok((status, body))
    }

    /// A refusal as the same error the folder relay gives for it. `subject`
    /// is the name or id the request was about.
    fn refused(&self, reply: Reply, subject: Option<&str>) -> RelayError {
        let (status, body) = match self.refusal(reply) {
            Ok(found) => found,
            Err(e) => return e,
        };
        let subject = subject.unwrap_or_default().to_string();
        match body.error.as_str() {
            kind::UNKNOWN_NAME => RelayError::UnknownName(subject),
            kind::NAME_TAKEN => RelayError::NameTaken { name: subject },
            kind::NO_BLOB => RelayError::NoBlob(subject),
            kind::BAD_ID => RelayError::BadId(subject),
            _ => self.server_error(status, body.message),
        }
    }

    fn server_error(&self, status: u16, message: String) -> RelayError {
        RelayError::Server {
            url: self.url.clone(),
            status,
            message,
        }
    }

    fn transport_error(&self, e: ureq::Error, what: &'static str) -> RelayError {
        transport_error(&self.url, e, what)
    }

    /// Checks that a relay-given id can be used as one (it is hostile input).
    fn checked_id(&self, id: String) -> RelayResult<String> {
        if is_relay_id(&id) {
            Ok(id)
        } else {
            Err(self.server_error(200, "it gave a message id that is not a valid id".into()))
        }
    }
}

/// A transport failure, worded by when it happened.
fn transport_error(url: &str, e: ureq::Error, what: &'static str) -> RelayError {
    use io::ErrorKind::*;
    let unreachable = |reason: String| RelayError::Unreachable {
        url: url.to_string(),
        reason,
    };
    match e {
        ureq::Error::Io(e) if e.kind() == ConnectionRefused => {
            unreachable("the connection was refused (nothing listens on that port)".into())
        }
        ureq::Error::Io(e)
            if matches!(
                e.kind(),
                AddrNotAvailable | NetworkUnreachable | HostUnreachable | NetworkDown
            ) =>
        {
            unreachable(format!("the network cannot get there ({e})"))
        }
        ureq::Error::HostNotFound => unreachable("the host name is unknown".into()),
        ureq::Error::ConnectionFailed => unreachable("the connection failed".into()),
        ureq::Error::Timeout(ureq::Timeout::Connect | ureq::Timeout::Resolve) => {
            unreachable(format!("no answer within {} s", CONNECT_TIMEOUT.as_secs()))
        }
        e => RelayError::Dropped {
            url: url.to_string(),
            what,
            reason: e.to_string(),
        },
    }
}

/// `http://HOST[:PORT]`, without a trailing slash. Anything else is refused
/// with a reason: https (this relay has no TLS), a path, credentials.
fn parse_address(address: &str) -> RelayResult<String> {
    let bad = |reason: &str| RelayError::BadAddress {
        given: address.to_string(),
        reason: reason.to_string(),
    };
    let lower = address.to_ascii_lowercase();
    if lower.starts_with("https://") {
        return Err(bad(
            "pqxdh-lab's relay speaks plain HTTP only: use http://. The files are end-to-end \
             encrypted either way; names, sizes and times are not",
        ));
    }
    let Some(rest) = lower.strip_prefix("http://").map(|_| &address[7..]) else {
        return Err(bad("a network relay's address starts with http://"));
    };
    let host = rest.strip_suffix('/').unwrap_or(rest);
    if host.is_empty() {
        return Err(bad("the host is missing"));
    }
    if host.contains(['/', '?', '#', '@']) || host.chars().any(|c| c.is_whitespace()) {
        return Err(bad(
            "only http://HOST:PORT, with no path, query or user name",
        ));
    }
    Ok(format!("http://{host}"))
}

impl Relay for HttpRelay {
    fn sign_as(&self, name: &str, identity: &IdentityKeyPair) {
        if let Ok(mut signers) = self.signers.lock() {
            signers.insert(name.to_string(), *identity);
        }
    }

    fn publish(
        &self,
        name: &str,
        bundle: &[u8],
        one_time_prekeys: &[(u32, Vec<u8>)],
        take_over: bool,
    ) -> RelayResult<Vec<u32>> {
        check_id(name)?;
        let request = PublishRequest {
            bundle: hex::encode(bundle),
            one_time_prekeys: one_time_prekeys
                .iter()
                .map(|(id, key)| (*id, hex::encode(key)))
                .collect(),
            take_over,
        };
        let body = serde_json::to_vec(&request).expect("plain data serializes");
        let reply = self.call("PUT", &http_api::bundle_path(name), &body, Some(name))?;
        if reply.status != 200 {
            return Err(self.refused(reply, Some(name)));
        }
        let published: PublishResponse = self.json(reply)?;
        Ok(published.withdrawn)
    }

    fn fetch_bundle(&self, name: &str) -> RelayResult<Vec<u8>> {
        check_id(name)?;
        let reply = self.call("POST", &http_api::claim_path(name), &[], None)?;
        if reply.status != 200 {
            return Err(self.refused(reply, Some(name)));
        }
        self.bytes(reply, MAX_BUNDLE_BYTES, "bundle")
    }

    fn peek_bundle(&self, name: &str) -> RelayResult<Option<Vec<u8>>> {
        check_id(name)?;
        let reply = self.call("GET", &http_api::bundle_path(name), &[], None)?;
        match reply.status {
            200 => self.bytes(reply, MAX_BUNDLE_BYTES, "bundle").map(Some),
            _ => match self.refused(reply, Some(name)) {
                RelayError::UnknownName(_) => Ok(None),
                e => Err(e),
            },
        }
    }

    fn prekeys_left(&self, name: &str) -> RelayResult<usize> {
        check_id(name)?;
        let reply = self.call("GET", &http_api::prekeys_path(name), &[], None)?;
        let left: PrekeysLeft = self.json(reply)?;
        Ok(left.left)
    }

    fn upload_blob(&self, blob_id: &str) -> RelayResult<Box<dyn BlobUpload + '_>> {
        check_id(blob_id)?;
        // Asked first, so that a file too large stops with the reason.
        let limits: Limits = self.json(self.call("GET", &http_api::limits_path(), &[], None)?)?;
        Ok(Box::new(HttpUpload::start(
            self.agent.clone(),
            self.url.clone(),
            blob_id,
            limits.max_file_bytes,
        )))
    }

    fn open_blob(&self, blob_id: &str) -> RelayResult<Box<dyn Read + Send>> {
        check_id(blob_id)?;
        let reply = self.call("GET", &http_api::blob_path(blob_id), &[], None)?;
        if reply.status != 200 {
            return Err(self.refused(reply, Some(blob_id)));
        }
        Ok(Box::new(Download {
            body: reply.body.into_reader(),
        }))
    }

    fn delete_blob(&self, blob_id: &str) -> RelayResult<()> {
        check_id(blob_id)?;
        let reply = self.call("DELETE", &http_api::blob_path(blob_id), &[], None)?;
        match reply.status {
            200 | 204 => Ok(()),
            _ => match self.refused(reply, Some(blob_id)) {
                RelayError::NoBlob(_) => Ok(()),
                e => Err(e),
            },
        }
    }

    fn post(&self, to: &str, envelope: &[u8]) -> RelayResult<String> {
        check_id(to)?;
        let reply = self.call("POST", &http_api::inbox_path(to), envelope, None)?;
        if reply.status != 201 {
            return Err(self.refused(reply, Some(to)));
        }
        let posted: Posted = self.json(reply)?;
        self.checked_id(posted.id)
    }

    fn inbox(&self, name: &str) -> RelayResult<Vec<String>> {
        check_id(name)?;
        let reply = self.call("GET", &http_api::inbox_path(name), &[], Some(name))?;
        if reply.status != 200 {
            return Err(self.refused(reply, Some(name)));
        }
        let list: InboxList = self.json(reply)?;
        // Ids that could not be ids are skipped, as the folder relay skips
        // files that are not messages.
        let mut ids: Vec<String> = list.ids.into_iter().filter(|id| is_relay_id(id)).collect();
        ids.sort();
        Ok(ids)
    }

    fn read(&self, name: &str, message_id: &str) -> RelayResult<Vec<u8>> {
        check_id(name)?;
        check_id(message_id)?;
        let path = http_api::message_path(name, message_id);
        let reply = self.call("GET", &path, &[], Some(name))?;
        if reply.status != 200 {
            return Err(self.refused(reply, Some(message_id)));
        }
        self.bytes(reply, MAX_MESSAGE_BYTES, "message")
    }

    fn delete(&self, name: &str, message_id: &str) -> RelayResult<()> {
        check_id(name)?;
        check_id(message_id)?;
        let path = http_api::message_path(name, message_id);
        let reply = self.call("DELETE", &path, &[], Some(name))?;
        match reply.status {
            200 | 204 => Ok(()),
            _ => Err(self.refused(reply, Some(message_id))),
        }
    }

    fn summary(&self) -> RelayResult<RelaySummary> {
        let reply = self.call("GET", &http_api::summary_path(), &[], None)?;
        self.json(reply)
    }
}

/// Names and ids go into paths: only those the naming rule allows.
fn check_id(id: &str) -> RelayResult<()> {
    if is_relay_id(id) {
        Ok(())
    } else {
        Err(RelayError::BadId(id.to_string()))
    }
}

/// A blob coming down. ureq's reader fails if the connection closes before
/// the announced length; the error says so in words.
struct Download {
    body: ureq::BodyReader<'static>,
}

impl Read for Download {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.body.read(buf).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("the connection to the relay broke off in the middle of the file ({e})"),
            )
        })
    }
}

/// What the writer hands the request thread.
enum Piece {
    Data(Vec<u8>),
    /// The blob is complete: end the request body properly.
    End,
}

/// The request body of an upload, fed by [`HttpUpload`] through a channel.
/// If the writer goes away without [`Piece::End`] (an error, Ctrl-C), the
/// body fails instead of ending, so the request is cut off and the server,
/// which saw no proper end, keeps nothing.
struct ChannelReader {
    pieces: Receiver<Piece>,
    current: Vec<u8>,
    pos: usize,
    ended: bool,
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.current.len() {
            if self.ended {
                return Ok(0);
            }
            match self.pieces.recv() {
                Ok(Piece::Data(data)) => {
                    self.current = data;
                    self.pos = 0;
                }
                Ok(Piece::End) => self.ended = true,
                Err(_) => {
                    return Err(io::Error::new(
                        io::ErrorKind::Interrupted,
                        "the upload was abandoned",
                    ));
                }
            }
        }
        let n = buf.len().min(self.current.len() - self.pos);
        buf[..n].copy_from_slice(&self.current[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// A blob going up: writes are gathered into pieces of [`UPLOAD_PIECE`]
/// bytes, each queued for the thread that sends the request body (at most
/// [`UPLOAD_QUEUE`] wait).
struct HttpUpload {
    pending: Vec<u8>,
    /// Bytes written so far, and the most the relay accepts.
    written: u64,
    max: u64,
    pieces: Option<SyncSender<Piece>>,
    request: Option<JoinHandle<RelayResult<()>>>,
}

impl HttpUpload {
    fn start(agent: Agent, base: String, blob_id: &str, max: u64) -> Self {
        let (pieces, receiver) = sync_channel(UPLOAD_QUEUE);
        let url = format!("{base}{}", http_api::blob_path(blob_id));
        let blob_id = blob_id.to_string();
        let request = thread::spawn(move || {
            let body = ChannelReader {
                pieces: receiver,
                current: Vec::new(),
                pos: 0,
                ended: false,
            };
            let response = agent
                .put(&url)
                .content_type("application/octet-stream")
                .send(SendBody::from_owned_reader(body))
                .map_err(|e| transport_error(&base, e, "upload"))?;
            let status = response.status().as_u16();
            if status == 201 {
                return Ok(());
            }
            // The reason, through the same path as every other refusal.
            let relay = HttpRelay {
                url: base,
                agent,
                signers: Mutex::new(HashMap::new()),
            };
            Err(relay.refused(
                Reply {
                    status,
                    retry_after: None,
                    body: response.into_body(),
                },
                Some(&blob_id),
            ))
        });
        Self {
            pending: Vec::with_capacity(UPLOAD_PIECE),
            written: 0,
            max,
            pieces: Some(pieces),
            request: Some(request),
        }
    }

    /// Hands the gathered bytes to the request thread.
    fn hand_over(&mut self) -> io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let piece = std::mem::replace(&mut self.pending, Vec::with_capacity(UPLOAD_PIECE));
        let sent = match &self.pieces {
            Some(pieces) => pieces.send(Piece::Data(piece)).is_ok(),
            None => false,
        };
        if sent {
            return Ok(());
        }
        // The request ended early: the server refused, or the connection broke.
        let reason = match self.outcome() {
            Err(e) => e.to_string(),
            Ok(()) => "the relay ended the upload early".into(),
        };
        Err(io::Error::other(reason))
    }

    /// The request thread's outcome (it has ended, or is made to end).
    fn outcome(&mut self) -> RelayResult<()> {
        self.pieces.take();
        match self.request.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(RelayError::Dropped {
                url: String::new(),
                what: "upload",
                reason: "the upload thread failed".into(),
            }),
            None => Ok(()),
        }
    }
}

impl Write for HttpUpload {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.written += data.len() as u64;
        if self.written > self.max {
            // Dropped unfinished, the upload is cut off and the relay keeps nothing.
            return Err(io::Error::other(format!(
                "the relay accepts encrypted files of at most {} MiB (its operator sets that \
                 with `relay serve --max-file-mib`)",
                self.max >> 20
            )));
        }
        self.pending.extend_from_slice(data);
        if self.pending.len() >= UPLOAD_PIECE {
            self.hand_over()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl BlobUpload for HttpUpload {
    fn finish(mut self: Box<Self>) -> RelayResult<()> {
        if let Err(e) = self.hand_over() {
            return Err(RelayError::Dropped {
                url: String::new(),
                what: "upload",
                reason: e.to_string(),
            });
        }
        if let Some(pieces) = &self.pieces {
            // If the thread is gone, `outcome` says why.
            let _ = pieces.send(Piece::End);
        }
        self.outcome()
    }
}

impl Drop for HttpUpload {
    fn drop(&mut self) {
        // Unfinished: the body fails, the request is cut off, nothing is kept.
        let _ = self.outcome();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_plain_http_host_and_port() {
        assert_eq!(
            parse_address("http://127.0.0.1:8737/").unwrap(),
            "http://127.0.0.1:8737"
        );
        assert_eq!(
            parse_address("HTTP://relay.local:80").unwrap(),
            "http://relay.local:80"
        );
        for bad in [
            "https://127.0.0.1:8737",
            "ftp://x",
            "http://",
            "http://a/b",
            "http://user@host",
            "http://a b",
            "127.0.0.1:8737",
        ] {
            assert!(parse_address(bad).is_err(), "{bad}");
        }
        let e = parse_address("https://x").unwrap_err().to_string();
        assert!(e.contains("plain HTTP"), "{e}");
    }

    #[test]
    fn an_unreachable_relay_is_said_so() {
        // A port nobody listens on: bind one, note it, let it go.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let relay = HttpRelay::new(&format!("http://127.0.0.1:{port}")).unwrap();
        let e = relay.peek_bundle("bob").unwrap_err();
        assert!(matches!(e, RelayError::Unreachable { .. }), "{e:?}");
        let text = e.to_string();
        assert!(text.contains("connection was refused"), "{text}");
        assert!(text.contains("relay serve"), "{text}");
    }
}
