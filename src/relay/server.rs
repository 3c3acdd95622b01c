//! The server's loop: one thread accepts connections and admits them
//! (`admission.rs`), a fixed pool of [`WORKERS`] threads serves them, one
//! request each (`http.rs`, `api.rs`). A connection that finds every thread
//! busy and the queue full is answered "busy" at once: the number of threads,
//! buffers and open files never depends on what clients send.

use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use thiserror::Error;

use crate::share::DirRelay;
use crate::share::relay::RelayError;

use super::admission::{Admission, Refused, Ticket};
use super::api::{self, refuse};
use super::http::{Connection, HeadError};
use super::limits::{QUEUED_CONNECTIONS, WORKERS};
use super::shared::Shared;

/// What `relay serve` was asked for.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen, such as `127.0.0.1:8737` or `0.0.0.0:8737`.
    pub listen: String,
    /// The folder that stores what the relay holds (a folder relay's layout).
    pub dir: PathBuf,
    /// The largest blob accepted, in bytes.
    pub max_blob: u64,
}

#[derive(Debug, Error)]
pub enum ServeError {
    #[error(
        "cannot listen on {listen}: {source}{hint}",
        hint = match source.kind() {
            io::ErrorKind::AddrInUse => " (another program uses that port: pick another, such as --listen 127.0.0.1:8738)",
            io::ErrorKind::AddrNotAvailable => " (that address is not one of this computer's)",
            io::ErrorKind::PermissionDenied => " (ports below 1024 need administrator rights: pick one above)",
            _ => "",
        }
    )]
    Listen { listen: String, source: io::Error },
    #[error(transparent)]
    Storage(#[from] RelayError),
}

/// A relay bound to its address, ready to run.
pub struct Server {
    listener: TcpListener,
    shared: Arc<Shared>,
}

impl Server {
    /// Opens the relay folder (creating it if needed) and binds the address.
    pub fn bind(config: &Config) -> Result<Self, ServeError> {
        let relay = DirRelay::open(&config.dir)?;
        let listener =
            TcpListener::bind(config.listen.as_str()).map_err(|source| ServeError::Listen {
                listen: config.listen.clone(),
                source,
            })?;
        let local = listener.local_addr().map_err(|source| ServeError::Listen {
            listen: config.listen.clone(),
            source,
        })?;
        let public_url = student_urls(local)
            .into_iter()
            .next()
            .unwrap_or_else(|| format!("http://{local}"));
        Ok(Self {
            listener,
            shared: Arc::new(Shared::new(relay, config.max_blob, public_url)),
        })
    }

    /// The address actually bound (with the port chosen, for port 0).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until the process ends.
    pub fn run(self) -> io::Result<()> {
        let (queue, waiting) = sync_channel::<(TcpStream, Ticket)>(QUEUED_CONNECTIONS);
        let waiting = Arc::new(Mutex::new(waiting));
        for n in 0..WORKERS {
            let shared = Arc::clone(&self.shared);
            let waiting = Arc::clone(&waiting);
            thread::Builder::new()
                .name(format!("relay-worker-{n}"))
                .stack_size(512 * 1024)
                .spawn(move || work(&shared, &waiting))?;
        }
        let admission = Arc::new(Admission::default());
        for stream in self.listener.incoming() {
            let stream = match stream {
                Ok(stream) => stream,
                Err(e) => {
                    // Out of file descriptors, say: wait for some to close.
                    eprintln!("pqxdh-lab relay: could not accept a connection: {e}");
                    thread::sleep(Duration::from_millis(100));
                    continue;
                }
            };
            let Ok(peer) = stream.peer_addr() else {
                continue;
            };
            match admission.admit(peer.ip()) {
                Ok(ticket) => match queue.try_send((stream, ticket)) {
                    Ok(()) => {}
                    Err(TrySendError::Full((stream, _)))
                    | Err(TrySendError::Disconnected((stream, _))) => {
                        busy(stream, "the relay is serving as many connections as it can")
                    }
                },
                Err(Refused::TooManyConnections) => busy(
                    stream,
                    "this address has too many connections open to the relay",
                ),
                Err(Refused::TooManyRequests) => {
                    busy(stream, "this address sent too many requests; slow down")
                }
            }
        }
        Ok(())
    }
}

/// A worker: serves the queued connections one after the other. A panic in
/// one request (a bug) loses that request, not the worker.
fn work(shared: &Shared, waiting: &Mutex<Receiver<(TcpStream, Ticket)>>) {
    loop {
        let next = waiting.lock().unwrap_or_else(|e| e.into_inner()).recv();
        let Ok((stream, ticket)) = next else {
            return;
        };
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            serve(shared, stream);
        }));
        drop(ticket);
    }
}

fn serve(shared: &Shared, stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    let mut conn = Connection::new(stream);
    let request = match conn.read_head() {
        Ok(request) => request,
        Err(HeadError::Closed | HeadError::Io(_)) => return,
        Err(HeadError::Malformed(why)) => {
            let _ = conn.respond(refuse(400, "bad_request", why));
            return;
        }
        Err(HeadError::TooLarge) => {
            let _ = conn.respond(refuse(
                431,
                "too_large",
                "the request's headers are larger than this relay reads",
            ));
            return;
        }
        Err(HeadError::TimedOut) => {
            let _ = conn.respond(refuse(
                408,
                "timeout",
                "the request's headers took too long",
            ));
            return;
        }
    };
    let answer = api::handle(shared, &mut conn, &request);
    let _ = conn.respond(answer.response);
    drop(answer.transfer);
}

/// Answers "busy" without taking a worker, and closes. The request waiting
/// on the connection is read first (as much as has arrived), so that
/// closing does not reset the connection before the answer is read.
fn busy(mut stream: TcpStream, why: &str) {
    let _ = stream.set_nonblocking(true);
    let mut head = [0u8; 16 * 1024];
    let _ = stream.read(&mut head);
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let body = serde_json::to_vec(&crate::share::http_api::ErrorBody {
        error: crate::share::http_api::kind::BUSY.into(),
        message: format!("{why}; nothing was done, try again in a moment"),
    })
    .unwrap_or_default();
    let head = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nretry-after: 1\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
    let _ = stream.shutdown(std::net::Shutdown::Write);
}

/// The addresses students can use to reach a relay bound to `local`: the
/// address itself, or for an unspecified one (0.0.0.0, ::) this computer's
/// addresses on its networks, loopback last.
pub fn student_urls(local: SocketAddr) -> Vec<String> {
    let port = local.port();
    let url = |ip: IpAddr| match ip {
        IpAddr::V4(v4) => format!("http://{v4}:{port}"),
        IpAddr::V6(v6) => format!("http://[{v6}]:{port}"),
    };
    if !local.ip().is_unspecified() {
        return vec![url(local.ip())];
    }
    let mut ips: Vec<IpAddr> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .map(|i| i.ip())
        .filter(|ip| local.is_ipv6() || ip.is_ipv4())
        .filter(|ip| !matches!(ip, IpAddr::V6(v6) if v6.segments()[0] & 0xffc0 == 0xfe80))
        .collect();
    ips.sort_by_key(|ip| (ip.is_loopback(), ip.is_ipv6(), *ip));
    ips.dedup();
    if ips.is_empty() {
        return vec![url(local.ip())];
    }
    ips.into_iter().map(url).collect()
}
