//! The image demo: Alice sends Bob a picture through a relay folder, and we
//! draw what the relay holds. The blob's bytes, shown as pixels at the
//! picture's size, are noise; Bob's decrypted file is byte-for-byte the original.
//!
//! The picture is sent as an *uncompressed* PNG, so that the file (and the
//! blob) has at least one byte for every colour channel of every pixel: the
//! server view then has a real blob byte in every pixel, with nothing repeated
//! or invented.

use std::fs;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ImageEncoder, RgbImage};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::engine::demo_now;
use crate::share::atomic::{self, Access};
use crate::share::envelope::MessageType;
use crate::share::{self, Account, DirRelay, SendSummary, ShareError};

#[derive(Debug, Error)]
pub enum DemoError {
    #[error("could not read the input picture {path}: {reason}")]
    Input { path: PathBuf, reason: String },
    #[error("could not write {path}: {source}")]
    Output {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Share(#[from] ShareError),
    #[error("the decrypted picture differs from the original: this is a bug")]
    Mismatch,
}

/// What the demo made, for printing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageDemo {
    pub width: u32,
    pub height: u32,
    pub original: PathBuf,
    pub server_view: PathBuf,
    pub decrypted: PathBuf,
    pub original_sha256: [u8; 32],
    pub decrypted_sha256: [u8; 32],
    pub blob_sha256: [u8; 32],
    pub file_len: u64,
    pub blob_len: u64,
    /// The relay's message to Bob: how many bytes, and which libsignal type.
    pub message_len: usize,
    pub message_type: MessageType,
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

fn png_uncompressed(img: &RgbImage) -> Result<Vec<u8>, image::ImageError> {
    let mut bytes = Vec::new();
    PngEncoder::new_with_quality(
        Cursor::new(&mut bytes),
        CompressionType::Uncompressed,
        FilterType::NoFilter,
    )
    .write_image(
        img.as_raw(),
        img.width(),
        img.height(),
        image::ExtendedColorType::Rgb8,
    )?;
    Ok(bytes)
}

/// The first width × height × 3 bytes of the blob, as RGB pixels.
pub fn server_view(blob: &[u8], width: u32, height: u32) -> Option<RgbImage> {
    let need = width as usize * height as usize * 3;
    RgbImage::from_raw(width, height, blob.get(..need)?.to_vec())
}

/// Runs Alice → relay → Bob on `input` (or the sample padlock) and writes
/// `original.png`, `server-view.png` and `decrypted.png` into `out`.
pub fn run(input: Option<&Path>, out: &Path, seed: u64) -> Result<ImageDemo, DemoError> {
    let picture = match input {
        Some(path) => image::open(path)
            .map_err(|e| DemoError::Input {
                path: path.to_path_buf(),
                reason: e.to_string(),
            })?
            .to_rgb8(),
        None => super::sample::padlock(),
    };
    let (width, height) = picture.dimensions();
    let out_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| DemoError::Output { path, source }
    };
    atomic::create_dir(out, Access::Shared).map_err(out_err(out))?;
    let original = out.join("original.png");
    let png = png_uncompressed(&picture).map_err(|e| DemoError::Input {
        path: original.clone(),
        reason: e.to_string(),
    })?;
    atomic::write(&original, &png, Access::Shared).map_err(out_err(&original))?;

    // A private scratch folder for the relay and both homes.
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let scratch = std::env::temp_dir().join(format!(
        "pqxdh-lab-demo-{}-{:08x}",
        std::process::id(),
        rand::rng().random::<u32>()
    ));
    let result = run_in(&scratch, &original, out, width, height, &mut rng);
    let _ = fs::remove_dir_all(&scratch);
    let Relayed {
        server_view,
        decrypted,
        sent,
    } = result?;

    let decrypted_bytes = fs::read(&decrypted).map_err(out_err(&decrypted))?;
    let demo = ImageDemo {
        width,
        height,
        original,
        server_view,
        decrypted,
        original_sha256: sha256(&png),
        decrypted_sha256: sha256(&decrypted_bytes),
        blob_sha256: sent.blob_sha256,
        file_len: png.len() as u64,
        blob_len: sent.blob_len,
        message_len: sent.message_len,
        message_type: sent.message_type,
    };
    if demo.original_sha256 != demo.decrypted_sha256 {
        return Err(DemoError::Mismatch);
    }
    Ok(demo)
}

/// What the trip through the relay left: the two pictures it wrote, and
/// what Alice's send reported.
struct Relayed {
    server_view: PathBuf,
    decrypted: PathBuf,
    sent: SendSummary,
}

fn run_in(
    scratch: &Path,
    original: &Path,
    out: &Path,
    width: u32,
    height: u32,
    rng: &mut ChaCha20Rng,
) -> Result<Relayed, DemoError> {
    let relay = DirRelay::open(scratch.join("relay")).map_err(ShareError::from)?;
    let homes = scratch.join("homes");
    share::init(&homes, &relay, "alice", 1, rng)?;
    share::init(&homes, &relay, "bob", 1, rng)?;
    let mut alice = Account::load(&homes, "alice", &relay, demo_now, rng)?;
    let sent = share::send(&mut alice, "bob", original, &mut |_, _| {})?;

    // What the server holds, before Bob collects it.
    let blob_path = relay.blob_path(&sent.blob_id);
    let blob = fs::read(&blob_path).map_err(|source| DemoError::Output {
        path: blob_path.clone(),
        source,
    })?;
    let view = server_view(&blob, width, height).ok_or(DemoError::Mismatch)?;
    let server_view_path = out.join("server-view.png");
    let view_png = png_uncompressed(&view).map_err(|e| DemoError::Input {
        path: server_view_path.clone(),
        reason: e.to_string(),
    })?;
    atomic::write(&server_view_path, &view_png, Access::Shared).map_err(|source| {
        DemoError::Output {
            path: server_view_path.clone(),
            source,
        }
    })?;

    let inbox = scratch.join("bob-received");
    let mut bob = Account::load(&homes, "bob", &relay, demo_now, rng)?;
    let report = share::receive(&mut bob, &inbox, &mut |_, _, _| {})?;
    if let Some((_, e)) = report.failures.into_iter().next() {
        return Err(e.into());
    }
    let received = report.files.first().ok_or(DemoError::Mismatch)?;
    let decrypted = out.join("decrypted.png");
    let bytes = fs::read(&received.path).map_err(|source| DemoError::Output {
        path: received.path.clone(),
        source,
    })?;
    atomic::write(&decrypted, &bytes, Access::Shared).map_err(|source| DemoError::Output {
        path: decrypted.clone(),
        source,
    })?;
    Ok(Relayed {
        server_view: server_view_path,
        decrypted,
        sent,
    })
}

/// The demo's report, as printed by `pqxdh-lab demo image` and example 17.
pub fn describe(d: &ImageDemo, seed: u64) -> String {
    let name = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    format!(
        "Image demo, seed {seed}: Alice sends Bob a {w}×{h} picture through a relay folder.\n\
         \n\
         Alice's file     {orig:<16} {file_len:>7} bytes  SHA-256 {o}\n\
         the relay holds  the blob         {blob_len:>7} bytes  SHA-256 {b}\n\
         Bob's file       {dec:<16} {file_len:>7} bytes  SHA-256 {dd}\n\
         \n\
         {view} draws the blob's first {w}×{h}×3 bytes as pixels: noise.\n\
         The blob's key reached Bob inside a {message_len}-byte {kind}.\n\
         Original and decrypted are {same}.\n",
        w = d.width,
        h = d.height,
        orig = name(&d.original),
        view = name(&d.server_view),
        dec = name(&d.decrypted),
        file_len = d.file_len,
        blob_len = d.blob_len,
        message_len = d.message_len,
        kind = d.message_type.libsignal_name(),
        o = hex::encode(d.original_sha256),
        b = hex::encode(d.blob_sha256),
        dd = hex::encode(d.decrypted_sha256),
        same = if d.original_sha256 == d.decrypted_sha256 {
            "identical"
        } else {
            "DIFFERENT"
        },
    )
}
