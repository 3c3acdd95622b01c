//! Just enough HTTP/1.1 for the relay, with every buffer bounded: one
//! request per connection, its head parsed by `httparse` from at most
//! [`MAX_HEAD_BYTES`], its body read as it arrives (by length, or in chunks)
//! and refused past a limit, and one answer, after which the connection
//! closes. A body that stops before its announced end is an error, never a
//! shorter body: that is how an upload cut off by a killed client is told
//! from a complete one.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::limits::{HEAD_TIMEOUT, MAX_CHUNK_LINE, MAX_HEAD_BYTES, MAX_HEADERS, STALL_TIMEOUT};

/// A request's line and headers.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// The path, without a query (none of the relay's paths takes one).
    pub path: String,
    /// Header names in lowercase.
    pub headers: Vec<(String, String)>,
    pub peer: SocketAddr,
    pub framing: Framing,
    expects_continue: bool,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// How the body's end is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// No body.
    Empty,
    /// `Content-Length`.
    Length(u64),
    /// `Transfer-Encoding: chunked`: the sender did not know the length.
    Chunked,
}

/// Why a request's head was refused.
#[derive(Debug)]
pub enum HeadError {
    /// The client closed the connection before sending anything.
    Closed,
    /// Not HTTP/1.1 as the relay reads it (the reason is for the client).
    Malformed(String),
    /// Longer than [`MAX_HEAD_BYTES`], or more than [`MAX_HEADERS`] headers.
    TooLarge,
    /// Not complete within [`HEAD_TIMEOUT`].
    TimedOut,
    Io(io::Error),
}

/// One client connection.
pub struct Connection {
    stream: TcpStream,
    /// Bytes read past the head: the start of the body.
    leftover: Vec<u8>,
}

impl Connection {
    pub fn new(stream: TcpStream) -> Self {
        Self {
            stream,
            leftover: Vec::new(),
        }
    }

    pub fn peer(&self) -> io::Result<SocketAddr> {
        self.stream.peer_addr()
    }

    /// Reads and parses the request line and headers.
    pub fn read_head(&mut self) -> Result<Request, HeadError> {
        let peer = self.stream.peer_addr().map_err(HeadError::Io)?;
        let deadline = Instant::now() + HEAD_TIMEOUT;
        let mut buf = Vec::with_capacity(1024);
        let mut chunk = [0u8; 2048];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(HeadError::TimedOut);
            }
            self.stream
                .set_read_timeout(Some(left))
                .map_err(HeadError::Io)?;
            let n = match self.stream.read(&mut chunk) {
                Ok(n) => n,
                Err(e) if is_timeout(&e) => return Err(HeadError::TimedOut),
                Err(e) => return Err(HeadError::Io(e)),
            };
            if n == 0 {
                return Err(if buf.is_empty() {
                    HeadError::Closed
                } else {
                    HeadError::Malformed("the request ended in its headers".into())
                });
            }
            buf.extend_from_slice(&chunk[..n]);
            let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
            let mut parsed = httparse::Request::new(&mut headers);
            match parsed.parse(&buf) {
                Ok(httparse::Status::Complete(len)) => {
                    let request = to_request(&parsed, peer)?;
                    self.leftover = buf.split_off(len);
                    return Ok(request);
                }
                Ok(httparse::Status::Partial) if buf.len() >= MAX_HEAD_BYTES => {
                    return Err(HeadError::TooLarge);
                }
                Ok(httparse::Status::Partial) => {}
                Err(httparse::Error::TooManyHeaders) => return Err(HeadError::TooLarge),
                Err(e) => return Err(HeadError::Malformed(format!("not HTTP/1.1 ({e})"))),
            }
            if buf.len() > MAX_HEAD_BYTES {
                return Err(HeadError::TooLarge);
            }
        }
    }

    /// The request's body, refused past `limit` bytes. A client that asked
    /// to hear "100 Continue" first hears it now.
    pub fn body(&mut self, request: &Request, limit: u64) -> io::Result<Body<'_>> {
        self.stream.set_read_timeout(Some(STALL_TIMEOUT))?;
        self.stream.set_write_timeout(Some(STALL_TIMEOUT))?;
        if request.expects_continue && request.framing != Framing::Empty {
            self.stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        }
        let incoming = Incoming {
            leftover: std::mem::take(&mut self.leftover),
            pos: 0,
            stream: &self.stream,
        };
        let state = match request.framing {
            Framing::Empty => State::Length(0),
            Framing::Length(n) => State::Length(n),
            Framing::Chunked => State::ChunkSize,
        };
        Ok(Body {
            inner: BufReader::with_capacity(64 * 1024, incoming),
            state,
            limit,
            read: 0,
        })
    }

    /// Sends the answer and closes the connection.
    pub fn respond(mut self, response: Response) -> io::Result<()> {
        self.stream.set_write_timeout(Some(STALL_TIMEOUT))?;
        let length = match &response.body {
            ResponseBody::Bytes(bytes) => bytes.len() as u64,
            ResponseBody::File { len, .. } => *len,
        };
        let mut head = format!(
            "HTTP/1.1 {} {}\r\ncontent-length: {length}\r\nconnection: close\r\n\
             cache-control: no-store\r\nx-content-type-options: nosniff\r\n",
            response.status,
            reason(response.status)
        );
        for (name, value) in &response.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        self.stream.write_all(head.as_bytes())?;
        match response.body {
            ResponseBody::Bytes(bytes) => self.stream.write_all(&bytes)?,
            ResponseBody::File { file, len, sent } => send_file(&self.stream, file, len, &sent)?,
        }
        self.stream.flush()?;
        self.close();
        Ok(())
    }

    /// Closes gently: what the client still sends (the rest of a body that
    /// was refused) is read and dropped for a moment, so that the kernel
    /// does not answer it with a reset that could swallow the answer.
    fn close(self) {
        let _ = self.stream.shutdown(Shutdown::Write);
        let _ = self
            .stream
            .set_read_timeout(Some(Duration::from_millis(500)));
        let mut sink = [0u8; 8192];
        let mut drained = 0;
        while drained < 1 << 20 {
            match (&self.stream).read(&mut sink) {
                Ok(0) | Err(_) => break,
                Ok(n) => drained += n,
            }
        }
    }
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

fn to_request(parsed: &httparse::Request, peer: SocketAddr) -> Result<Request, HeadError> {
    let malformed = |why: &str| HeadError::Malformed(why.to_string());
    let method = parsed.method.ok_or_else(|| malformed("no method"))?;
    let target = parsed.path.ok_or_else(|| malformed("no path"))?;
    if parsed.version != Some(1) && parsed.version != Some(0) {
        return Err(malformed("only HTTP/1.x is spoken here"));
    }
    if !target.starts_with('/') {
        return Err(malformed("the path must start with /"));
    }
    let path = target.split(['?', '#']).next().unwrap_or("/").to_string();
    let mut headers = Vec::new();
    for h in parsed.headers.iter() {
        let Ok(value) = std::str::from_utf8(h.value) else {
            continue;
        };
        headers.push((h.name.to_ascii_lowercase(), value.trim().to_string()));
    }
    let get = |name: &str| {
        headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
    };
    let lengths = get("content-length");
    let encodings = get("transfer-encoding");
    // Two ways of framing one body is how requests get smuggled: refused.
    let framing = match (lengths.as_slice(), encodings.as_slice()) {
        ([], []) => Framing::Empty,
        ([length], []) => Framing::Length(
            length
                .parse()
                .map_err(|_| malformed("content-length is not a number"))?,
        ),
        ([], [encoding]) if encoding.eq_ignore_ascii_case("chunked") => Framing::Chunked,
        ([], _) => return Err(malformed("only chunked transfer encoding is understood")),
        _ => return Err(malformed("a body framed in two ways")),
    };
    let expects_continue = get("expect")
        .iter()
        .any(|v| v.eq_ignore_ascii_case("100-continue"));
    Ok(Request {
        method: method.to_string(),
        path,
        headers,
        peer,
        framing,
        expects_continue,
    })
}

/// The bytes after the head, then the socket.
struct Incoming<'a> {
    leftover: Vec<u8>,
    pos: usize,
    stream: &'a TcpStream,
}

impl Read for Incoming<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos < self.leftover.len() {
            let n = buf.len().min(self.leftover.len() - self.pos);
            buf[..n].copy_from_slice(&self.leftover[self.pos..self.pos + n]);
            self.pos += n;
            return Ok(n);
        }
        self.stream.read(buf)
    }
}

#[derive(Debug, Clone, Copy)]
enum State {
    /// Bytes left in a body of known length.
    Length(u64),
    /// A chunk's size line comes next.
    ChunkSize,
    /// Bytes left in the current chunk.
    ChunkData(u64),
    /// The CRLF after a chunk's data.
    ChunkEnd,
    Done,
}

/// A request body as it arrives. It fails (rather than ending early) if
/// the connection closes before the body's end, and fails with
/// [`Body::too_large`] set if it goes past its limit.
pub struct Body<'a> {
    inner: BufReader<Incoming<'a>>,
    state: State,
    limit: u64,
    read: u64,
}

/// The error of a body past its limit.
#[derive(Debug)]
pub struct TooLarge {
    pub limit: u64,
}

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the body is larger than the {} bytes allowed",
            self.limit
        )
    }
}

impl std::error::Error for TooLarge {}

/// Whether a body error is [`TooLarge`].
pub fn too_large(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<TooLarge>())
}

fn cut_off() -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        "the connection closed before the end of the body",
    )
}

impl Body<'_> {
    /// Reads the whole body (for small bodies: the limit bounds it).
    pub fn read_all(&mut self) -> io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        self.read_to_end(&mut bytes)?;
        Ok(bytes)
    }

    fn line(&mut self) -> io::Result<String> {
        let mut line = Vec::new();
        loop {
            let available = self.inner.fill_buf()?;
            if available.is_empty() {
                return Err(cut_off());
            }
            let (take, done) = match available.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (available.len(), false),
            };
            line.extend_from_slice(&available[..take]);
            self.inner.consume(take);
            if line.len() > MAX_CHUNK_LINE {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "a chunk line is too long",
                ));
            }
            if done {
                let text = String::from_utf8_lossy(&line);
                return Ok(text.trim_end_matches(['\r', '\n']).to_string());
            }
        }
    }

    fn count(&mut self, n: usize) -> io::Result<()> {
        self.read += n as u64;
        if self.read > self.limit {
            return Err(io::Error::other(TooLarge { limit: self.limit }));
        }
        Ok(())
    }
}

impl Read for Body<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            match self.state {
                State::Done | State::Length(0) => {
                    self.state = State::Done;
                    return Ok(0);
                }
                // (Only an empty chunk's data can be 0 here: a length of 0 is done.)
                State::ChunkData(0) => self.state = State::ChunkEnd,
                State::Length(left) | State::ChunkData(left) => {
                    let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
                    let n = self.inner.read(&mut buf[..want])?;
                    if n == 0 {
                        return Err(cut_off());
                    }
                    self.count(n)?;
                    self.state = match self.state {
                        State::Length(_) => State::Length(left - n as u64),
                        _ if left == n as u64 => State::ChunkEnd,
                        _ => State::ChunkData(left - n as u64),
                    };
                    return Ok(n);
                }
                State::ChunkEnd => {
                    if !self.line()?.is_empty() {
                        return Err(io::Error::new(
                            io::ErrorKind::InvalidData,
                            "a chunk is longer than its size",
                        ));
                    }
                    self.state = State::ChunkSize;
                }
                State::ChunkSize => {
                    let line = self.line()?;
                    let size = line.split(';').next().unwrap_or("").trim();
                    let size = u64::from_str_radix(size, 16).map_err(|_| {
                        io::Error::new(io::ErrorKind::InvalidData, "a chunk size is not hex")
                    })?;
                    if size == 0 {
                        // Trailers, up to the empty line that ends the body.
                        let mut trailers = 0;
                        while !self.line()?.is_empty() {
                            trailers += 1;
                            if trailers > MAX_HEADERS {
                                return Err(io::Error::new(
                                    io::ErrorKind::InvalidData,
                                    "too many trailers",
                                ));
                            }
                        }
                        self.state = State::Done;
                    } else {
                        self.state = State::ChunkData(size);
                    }
                }
            }
        }
    }
}

/// What a response carries.
pub enum ResponseBody {
    Bytes(Vec<u8>),
    /// A file of `len` bytes, sent as it is read; `sent` counts the bytes
    /// as they go (for the page).
    File {
        file: File,
        len: u64,
        sent: Arc<AtomicU64>,
    },
}

/// An answer.
pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: ResponseBody,
}

impl Response {
    pub fn bytes(status: u16, content_type: &str, body: Vec<u8>) -> Self {
        Self {
            status,
            headers: vec![("content-type", content_type.to_string())],
            body: ResponseBody::Bytes(body),
        }
    }

    /// A file, streamed.
    pub fn file(file: File, len: u64, sent: Arc<AtomicU64>) -> Self {
        Self {
            status: 200,
            headers: vec![("content-type", "application/octet-stream".into())],
            body: ResponseBody::File { file, len, sent },
        }
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

/// Sends `len` bytes of `file`, a slice at a time (the kernel copies each
/// slice straight from the file to the socket where it can), counting them.
fn send_file(stream: &TcpStream, file: File, len: u64, sent: &AtomicU64) -> io::Result<()> {
    const SLICE: u64 = 1 << 20;
    let mut file = file;
    let mut out = stream;
    let mut done = 0;
    while done < len {
        let n = io::copy(&mut (&mut file).take(SLICE.min(len - done)), &mut out)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the file became shorter while it was sent",
            ));
        }
        done += n;
        sent.store(done, Ordering::Relaxed);
    }
    Ok(())
}

fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        411 => "Length Required",
        413 => "Content Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;
    use std::thread;

    use super::*;

    /// Sends `raw` to a connection and returns the parsed head and body (or error).
    fn serve(raw: &'static [u8], limit: u64) -> Result<(Request, io::Result<Vec<u8>>), String> {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let client = thread::spawn(move || {
            let mut s = TcpStream::connect(addr).unwrap();
            s.write_all(raw).unwrap();
            // Closing our side ends the body where `raw` ends.
            s.shutdown(Shutdown::Write).unwrap();
            let mut answer = Vec::new();
            let _ = s.read_to_end(&mut answer);
        });
        let (stream, _) = listener.accept().unwrap();
        let mut conn = Connection::new(stream);
        let request = conn.read_head().map_err(|e| format!("{e:?}"))?;
        let body = conn.body(&request, limit).unwrap().read_all();
        drop(conn);
        client.join().unwrap();
        Ok((request, body))
    }

    #[test]
    fn a_chunked_body_is_decoded() {
        let (request, body) = serve(
            b"PUT /api/blobs/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n\
              5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n",
            100,
        )
        .unwrap();
        assert_eq!(request.method, "PUT");
        assert_eq!(request.path, "/api/blobs/x");
        assert_eq!(body.unwrap(), b"hello world");
    }

    #[test]
    fn a_body_cut_off_is_an_error_not_a_shorter_body() {
        // The last chunk (0) never comes.
        let (_, body) = serve(
            b"PUT /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
            100,
        )
        .unwrap();
        assert_eq!(body.unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
        // Fewer bytes than announced.
        let (_, body) = serve(b"PUT /x HTTP/1.1\r\nContent-Length: 10\r\n\r\nhello", 100).unwrap();
        assert_eq!(body.unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
    }

    #[test]
    fn a_body_past_its_limit_is_refused() {
        let (_, body) = serve(
            b"PUT /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n",
            4,
        )
        .unwrap();
        assert!(too_large(&body.unwrap_err()));
    }

    #[test]
    fn bad_heads_are_refused() {
        let smuggled = serve(
            b"POST /x HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc",
            100,
        );
        assert!(smuggled.unwrap_err().contains("two ways"));
        let garbage = serve(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 100);
        assert!(garbage.unwrap_err().contains("Malformed"));
        let relative = serve(b"GET x HTTP/1.1\r\n\r\n", 100);
        assert!(relative.unwrap_err().contains("Malformed"));
    }
}
