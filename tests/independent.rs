//! A transcript must be recomputable without libsignal: this test reads the
//! binary's JSON output and redoes every derivation with independent code
//! (x25519-dalek for X25519, pqc_kyber for Kyber1024 round 3, and HKDF written
//! out here from RFC 5869 over HMAC-SHA256).

mod common;

use hmac::{Hmac, Mac};
use serde_json::Value as Json;
use sha2::Sha256;
use x25519_dalek::{PublicKey, StaticSecret};

fn transcript_json(seed: u64, one_time_prekey: bool) -> Json {
    serde_json::from_slice(&common::transcript_json_bytes(seed, one_time_prekey))
        .expect("valid JSON")
}

fn bytes(doc: &Json, map: &str, name: &str) -> Vec<u8> {
    let hex = doc[map][name]
        .as_str()
        .unwrap_or_else(|| panic!("{map}.{name} missing"));
    hex::decode(hex).expect("lowercase hex")
}

fn x25519(private: &[u8], public_with_type_byte: &[u8]) -> Vec<u8> {
    assert_eq!(public_with_type_byte[0], 0x05, "curve keys start with 0x05");
    let secret = StaticSecret::from(<[u8; 32]>::try_from(private).unwrap());
    let public = PublicKey::from(<[u8; 32]>::try_from(&public_with_type_byte[1..]).unwrap());
    secret.diffie_hellman(&public).as_bytes().to_vec()
}

fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

/// RFC 5869: Extract with a zero salt, then Expand to `len` bytes.
fn hkdf_sha256(ikm: &[u8], info: &[u8], len: usize) -> Vec<u8> {
    let prk = hmac_sha256(&[0u8; 32], &[ikm]);
    let mut okm = Vec::new();
    let mut t = Vec::new();
    for counter in 1u8.. {
        if okm.len() >= len {
            break;
        }
        t = hmac_sha256(&prk, &[&t, info, &[counter]]);
        okm.extend_from_slice(&t);
    }
    okm.truncate(len);
    okm
}

fn recompute(seed: u64, one_time_prekey: bool) {
    let doc = transcript_json(seed, one_time_prekey);
    let v = |name: &str| bytes(&doc, "values", name);
    assert_eq!(doc["seed"], seed);
    assert_eq!(doc["kem"], "kyber1024");

    // Every curve public key is its private key times the base point.
    let mut curve_keys = vec!["IK_A", "IK_B", "SPK_B", "EK_A"];
    if one_time_prekey {
        curve_keys.push("OPK_B");
    }
    for name in curve_keys {
        let secret = StaticSecret::from(<[u8; 32]>::try_from(v(&format!("{name}.priv"))).unwrap());
        assert_eq!(
            PublicKey::from(&secret).as_bytes()[..],
            v(name)[1..],
            "{name} does not match {name}.priv"
        );
    }

    // Alice's four DHs.
    let mut dhs = vec![
        x25519(&v("IK_A.priv"), &v("SPK_B")),
        x25519(&v("EK_A.priv"), &v("IK_B")),
        x25519(&v("EK_A.priv"), &v("SPK_B")),
    ];
    if one_time_prekey {
        dhs.push(x25519(&v("EK_A.priv"), &v("OPK_B")));
    }
    for (i, dh) in dhs.iter().enumerate() {
        let name = format!("DH{}", i + 1);
        assert_eq!(dh, &v(&name), "{name}");
    }
    assert_eq!(doc["values"].get("DH4").is_some(), one_time_prekey);

    // Bob's side of the same DHs, from his private keys.
    assert_eq!(x25519(&v("SPK_B.priv"), &v("IK_A")), dhs[0]);
    assert_eq!(x25519(&v("IK_B.priv"), &v("EK_A")), dhs[1]);
    assert_eq!(x25519(&v("SPK_B.priv"), &v("EK_A")), dhs[2]);

    // Kyber1024 (round 3): Bob's secret key opens CT to SS.
    let (ct, sk) = (v("CT"), v("PQSPK_B.priv"));
    assert_eq!((ct[0], sk[0]), (0x08, 0x08), "Kyber1024 type byte");
    let ss = pqc_kyber::decapsulate(&ct[1..], &sk[1..]).expect("decapsulates");
    assert_eq!(ss.to_vec(), v("SS"), "SS");

    // The KDF.
    let mut secret_input = vec![0xFF; 32];
    for dh in &dhs {
        secret_input.extend_from_slice(dh);
    }
    secret_input.extend_from_slice(&ss);
    assert_eq!(secret_input, v("secret_input"));
    let info = doc["kdf_info"].as_str().unwrap();
    assert_eq!(info, "WhisperText_X25519_SHA-256_CRYSTALS-KYBER-1024");
    let okm = hkdf_sha256(&secret_input, info.as_bytes(), 96);
    assert_eq!(okm[..32], v("root_key"), "root_key");
    assert_eq!(okm[32..64], v("chain_key"), "chain_key");
    assert_eq!(okm[64..], v("pqr_key"), "pqr_key");
    // The spec's 32-byte SK is the root key.
    assert_eq!(
        hkdf_sha256(&secret_input, info.as_bytes(), 32),
        v("root_key")
    );

    assert_eq!(v("AD"), [v("IK_A"), v("IK_B")].concat());

    // Bob's own values are the same bytes.
    let bob = |name: &str| bytes(&doc, "bob_values", name);
    for name in [
        "DH1",
        "DH2",
        "DH3",
        "SS",
        "secret_input",
        "root_key",
        "chain_key",
        "pqr_key",
    ] {
        assert_eq!(bob(name), v(name), "Bob's {name}");
    }
    if one_time_prekey {
        assert_eq!(bob("DH4"), v("DH4"));
    }

    // The first message carries EK_A, IK_A and CT, and the server's bundle carries Bob's keys.
    let message = v("prekey_message");
    let contains = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
    for name in ["EK_A", "IK_A", "CT"] {
        assert!(contains(&message, &v(name)), "message lacks {name}");
    }
    let bundle = v("bundle");
    for name in ["IK_B", "SPK_B", "SPK_B.sig", "PQSPK_B", "PQSPK_B.sig"] {
        assert!(contains(&bundle, &v(name)), "bundle lacks {name}");
    }
    assert_eq!(doc["truth_check"]["passed"], true);
    assert_eq!(doc["wire_scan"]["clean"], true);
}

#[test]
fn the_json_transcript_recomputes_without_libsignal() {
    for seed in [1, 2, 31337] {
        recompute(seed, false);
        recompute(seed, true);
    }
}

#[test]
fn the_independent_hkdf_matches_rfc5869_test_case_3() {
    // RFC 5869 A.3: SHA-256, zero-length salt and info (a zero-length salt is
    // HashLen zeros, as the spec and libsignal use it).
    let ikm = [0x0bu8; 22];
    let okm = hkdf_sha256(&ikm, b"", 42);
    assert_eq!(
        hex::encode(okm),
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"
    );
}
