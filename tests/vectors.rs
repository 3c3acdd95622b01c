//! The committed vectors under tests/vectors/ are `pqxdh-lab transcript
//! --format json` output. Regenerating them must give the same bytes: a change
//! in libsignal, the RNG streams or the schema shows up here first.
//!
//! After an intended change, rewrite them with
//!   PQXDH_LAB_UPDATE_VECTORS=1 cargo test --test vectors
//! and review the diff like code.

mod common;

use std::path::PathBuf;

const VECTORS: &[(u64, bool, &str)] = &[
    (1, false, "seed-1.json"),
    (1, true, "seed-1-one-time-prekey.json"),
    (2, false, "seed-2.json"),
    (2, true, "seed-2-one-time-prekey.json"),
];

#[test]
fn committed_vectors_regenerate_byte_for_byte() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let update = std::env::var_os("PQXDH_LAB_UPDATE_VECTORS").is_some();
    for &(seed, one_time_prekey, file) in VECTORS {
        let path = dir.join(file);
        let fresh = common::transcript_json_bytes(seed, one_time_prekey);
        if update {
            std::fs::write(&path, &fresh).unwrap();
            continue;
        }
        let committed = std::fs::read(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (see this file's header)", path.display()));
        assert!(
            committed == fresh,
            "{file} no longer matches a fresh run; if the change is intended, regenerate \
             (see this file's header) and review the diff"
        );
    }
}
