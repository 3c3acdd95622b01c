//! What every worker thread of the server shares: the folder the relay
//! stores in, the nonces handed out, what the server has noticed, and the
//! page's data, cached for a moment.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::share::DirRelay;
use crate::share::relay::{Relay, RelayError};

use super::activity::{Activity, now};
use super::limits::VIEW_CACHE;
use super::nonces::Nonces;
use super::view::View;

pub struct Shared {
    pub relay: DirRelay,
    pub nonces: Nonces,
    pub activity: Arc<Activity>,
    pub max_blob: u64,
    /// The address students use, as the page shows it.
    pub public_url: String,
    pub started: u64,
    view_cache: Mutex<Option<(Instant, Vec<u8>)>>,
}

impl Shared {
    pub fn new(relay: DirRelay, max_blob: u64, public_url: String) -> Self {
        Self {
            relay,
            nonces: Nonces::default(),
            activity: Arc::new(Activity::default()),
            max_blob,
            public_url,
            started: now(),
            view_cache: Mutex::new(None),
        }
    }

    /// The page's data as JSON, computed at most every [`VIEW_CACHE`].
    pub fn view(&self) -> Result<Vec<u8>, RelayError> {
        let mut cache = self.view_cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((at, bytes)) = cache.as_ref()
            && at.elapsed() < VIEW_CACHE
        {
            return Ok(bytes.clone());
        }
        let summary = self.relay.summary()?;
        let view = View::new(summary, &self.activity, &self.public_url, self.started);
        let bytes = serde_json::to_vec(&view).unwrap_or_default();
        *cache = Some((Instant::now(), bytes.clone()));
        Ok(bytes)
    }
}
