//! Every limit of the relay server in one place, each with its reason. A
//! client can send anything; these keep the server's memory, threads and
//! disk bounded whatever it sends, and every refusal says which limit.

use std::time::Duration;

/// Threads that serve connections. A connection holds one for as long as
/// it lasts (a large file: the whole transfer), so this is also the most
/// transfers at once: a room of thirty sending at the same moment fits.
pub const WORKERS: usize = 64;

/// Connections accepted and waiting for a free thread. Past that, a new
/// connection is answered "busy" at once (503) and closed.
pub const QUEUED_CONNECTIONS: usize = 64;

/// Connections one address may have open at once: one laptop cannot take
/// every thread.
pub const CONNECTIONS_PER_ADDRESS: usize = 32;

/// Requests one address may make in a burst, and per second after it
/// (a token bucket). A `receive` of twenty files makes about 150.
pub const REQUEST_BURST: f64 = 400.0;
pub const REQUESTS_PER_SECOND: f64 = 100.0;

/// Addresses whose request rate is remembered; the least recently seen is
/// forgotten first.
pub const TRACKED_ADDRESSES: usize = 4096;

/// The request line and headers together. Ours are a few hundred bytes.
pub const MAX_HEAD_BYTES: usize = 16 * 1024;
/// Headers in one request.
pub const MAX_HEADERS: usize = 32;
/// Time for the request line and headers to arrive, in all.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a read or write may stall in the middle of a body.
pub const STALL_TIMEOUT: Duration = Duration::from_secs(60);

/// A request body that is not a blob (a bundle with 1000 one-time
/// prekeys as hex JSON is about 90 KB; an envelope at most 64 KiB).
pub const MAX_SMALL_BODY: u64 = 256 * 1024;
/// A line of chunked transfer encoding (a size in hex, maybe extensions).
pub const MAX_CHUNK_LINE: usize = 256;

/// The largest blob accepted by default (`relay serve --max-file-mib`).
pub const DEFAULT_MAX_BLOB_MIB: u64 = 2048;

/// Nonces issued and not yet used; the oldest is dropped first.
pub const MAX_NONCES: usize = 8192;
/// How long a nonce can be used after it was issued.
pub const NONCE_LIFETIME: Duration = Duration::from_secs(60);

/// Events the live page can list.
pub const ACTIVITY_EVENTS: usize = 200;
/// Names, and addresses per name, the page remembers.
pub const TRACKED_NAMES: usize = 1000;
pub const ADDRESSES_PER_NAME: usize = 8;

/// How fresh the page's data must be: requests within this time share one
/// computation of the relay's summary.
pub const VIEW_CACHE: Duration = Duration::from_millis(300);
