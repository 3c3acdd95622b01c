//! The CLI edge of `share` and `demo`: picks folders, draws progress bars,
//! prints results and turns errors into messages. No cryptography here.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::SystemTime;

use indicatif::{ProgressBar, ProgressStyle};
use pqxdh_lab::cli_share::{DemoArgs, DemoCommand, ShareArgs, ShareCommand};
use pqxdh_lab::demo;
use pqxdh_lab::share::{self, Account, DirRelay, inspect};
use rand::TryRngCore;
use rand::rngs::OsRng;

/// Files smaller than this finish before a bar would be readable.
const PROGRESS_MIN_BYTES: u64 = 8 << 20;

fn data_dir(sub: &str) -> Result<PathBuf, String> {
    dirs::data_dir()
        .map(|d| d.join("pqxdh-lab").join(sub))
        .ok_or_else(|| format!("no user data folder is known on this system; pass --{sub}"))
}

fn bar(total: u64) -> Option<ProgressBar> {
    if total < PROGRESS_MIN_BYTES || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{msg} {bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    Some(bar)
}

pub fn share(args: ShareArgs) -> Result<ExitCode, String> {
    if let ShareCommand::Inspect { path } = &args.command {
        return inspect_object(path);
    }
    let relay_dir = match args.relay {
        Some(dir) => dir,
        None => data_dir("relay")?,
    };
    let home = match args.home {
        Some(dir) => dir,
        None => data_dir("home")?,
    };
    let relay = DirRelay::open(&relay_dir).map_err(|e| e.to_string())?;
    // Real use draws every key from the operating system's generator.
    let mut rng = OsRng.unwrap_err();
    match args.command {
        ShareCommand::Init {
            name,
            one_time_prekeys,
        } => {
            let s = share::init(&home, &relay, &name, one_time_prekeys, &mut rng)
                .map_err(|e| format!("init {name}: {e}"))?;
            println!("{name} is ready.");
            println!("  private keys: {} (owner-only)", s.home.display());
            println!("  published on {}:", relay_dir.display());
            println!("    IK   {}", hex::encode(&s.identity_key));
            println!("    SPK  id {} (signed)", s.signed_pre_key_id);
            println!("    PQSPK id {} (Kyber1024, signed)", s.kyber_pre_key_id);
            println!("    {} one-time prekeys OPK", s.one_time_pre_keys);
        }
        ShareCommand::Send { from, to, file } => {
            let total = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
            let bar = bar(total);
            if let Some(bar) = &bar {
                bar.set_message("encrypting");
            }
            let s = Account::load(&home, &from, &relay, SystemTime::now, &mut rng)
                .and_then(|mut account| {
                    share::send(&mut account, &to, &file, &mut |done, _| {
                        if let Some(bar) = &bar {
                            bar.set_position(done);
                        }
                    })
                })
                .map_err(|e| format!("send {} to {to}: {e}", file.display()))?;
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            if s.first_contact {
                println!(
                    "First contact: PQXDH with {to}'s bundle ({}).",
                    if s.used_one_time_prekey {
                        "with a one-time prekey, so DH1–DH4 and Kyber"
                    } else {
                        "no one-time prekey left, so DH1–DH3 and Kyber"
                    }
                );
            }
            println!(
                "Sent {} ({} bytes) to {to}: blob {} ({} bytes, SHA-256 {}), key in a {} ({} bytes).",
                file.display(),
                s.plaintext_len,
                s.blob_id,
                s.blob_len,
                hex::encode(s.blob_sha256),
                s.message_type.libsignal_name(),
                s.message_len
            );
        }
        ShareCommand::Receive { name, out } => {
            let mut current: Option<ProgressBar> = None;
            let report = Account::load(&home, &name, &relay, SystemTime::now, &mut rng)
                .and_then(|mut account| {
                    share::receive(&mut account, &out, &mut |file, done, total| {
                        if current.is_none() {
                            current = bar(total);
                            if let Some(bar) = &current {
                                bar.set_message(format!("decrypting {file}"));
                            }
                        }
                        if let Some(bar) = &current {
                            bar.set_position(done);
                            if done >= total {
                                bar.finish_and_clear();
                                current = None;
                            }
                        }
                    })
                })
                .map_err(|e| format!("receive as {name}: {e}"))?;
            for f in &report.files {
                println!(
                    "Received {} ({} bytes) from {} in a {}.",
                    f.path.display(),
                    f.size,
                    f.from,
                    f.message_type.libsignal_name()
                );
            }
            if report.files.is_empty() && report.failures.is_empty() {
                println!("Nothing waiting for {name}.");
            }
            for (id, e) in &report.failures {
                eprintln!(
                    "pqxdh-lab: receive as {name}: message {id} refused: {e}\n  \
                     (it stays on the relay as {}; delete that file to discard it)",
                    relay.message_path(&name, id).display()
                );
            }
            if !report.failures.is_empty() {
                return Ok(ExitCode::FAILURE);
            }
        }
        ShareCommand::Inspect { .. } => unreachable!("handled above"),
    }
    Ok(ExitCode::SUCCESS)
}

fn inspect_object(path: &Path) -> Result<ExitCode, String> {
    let i = inspect::inspect(path).map_err(|e| format!("inspect {}: {e}", path.display()))?;
    println!("{}: {} ({} bytes)", path.display(), i.kind, i.size);
    println!("What the server can read:");
    let width = i
        .lines
        .iter()
        .map(|l| l.label.chars().count())
        .max()
        .unwrap_or(0);
    for l in &i.lines {
        println!("  {:width$}  {}", l.label, l.value);
    }
    println!("What it cannot:");
    for h in &i.hidden {
        println!("  - {h}");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn demo(args: DemoArgs) -> Result<ExitCode, String> {
    match args.command {
        DemoCommand::Image { input, out, seed } => {
            let d = demo::image::run(input.as_deref(), &out, seed)
                .map_err(|e| format!("demo image: {e}"))?;
            print!("{}", demo::image::describe(&d, seed));
        }
    }
    Ok(ExitCode::SUCCESS)
}
