//! The exercises, in the book's order: what each one asks for, which chapter
//! it belongs to, and a hint for every value the checker compares.
//!
//! An exercise's number is the number of the example of its chapter
//! (`07_dh` goes with chapter II.7 and `examples/07_dh.rs`; Part III's
//! chapters are examples 14–17, Part IV's attack labs 18–26 and Part V's
//! chapters 27–32), so a learner meets no new numbering.

use std::fmt;

/// A chapter of the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chapter {
    /// "II" to "V".
    pub part: &'static str,
    pub number: u8,
    /// As in the book's table of contents (a test keeps them equal).
    pub title: &'static str,
    /// The chapter's source under `book/src/`, without `.md`; the built
    /// book has the page at `book/book/{page}.html`.
    pub page: &'static str,
}

impl fmt::Display for Chapter {
    /// "Part II, chapter 7: The Diffie-Hellman computations".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Part {}, chapter {}: {}",
            self.part, self.number, self.title
        )
    }
}

/// One value an exercise prints, and what to try when it is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Value {
    /// The name the program prints it under (`DH1 = …`), from the spec where
    /// the spec has one.
    pub name: &'static str,
    pub hint: &'static str,
}

/// One exercise: a program in `exercises/` with `todo!()`s to fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exercise {
    /// The program's name and file stem: `07_dh` is `exercises/07_dh.rs`.
    pub name: &'static str,
    pub chapter: Chapter,
    /// What the learner makes, in one line.
    pub goal: &'static str,
    /// The values the program prints, in the order it prints them.
    pub values: &'static [Value],
}

impl Exercise {
    /// The names of the values it prints, for messages: "DH1, DH2, DH3".
    pub fn value_names(&self) -> String {
        self.values
            .iter()
            .map(|v| v.name)
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn value(&self, name: &str) -> Option<&'static Value> {
        self.values.iter().find(|v| v.name == name)
    }
}

const fn part2(number: u8, title: &'static str, page: &'static str) -> Chapter {
    Chapter {
        part: "II",
        number,
        title,
        page,
    }
}

const fn part3(number: u8, title: &'static str, page: &'static str) -> Chapter {
    Chapter {
        part: "III",
        number,
        title,
        page,
    }
}

const fn part4(number: u8, title: &'static str, page: &'static str) -> Chapter {
    Chapter {
        part: "IV",
        number,
        title,
        page,
    }
}

const fn part5(number: u8, title: &'static str, page: &'static str) -> Chapter {
    Chapter {
        part: "V",
        number,
        title,
        page,
    }
}

const IDENTITY_KEYS: Chapter = part2(2, "Identity keys", "part2/02-identity-keys");

const FORGED_BUNDLE_HINT: &str = "Decode the bytes (ServerBundle::decode), read IK_B, SPK_B \
and PQSPK_B with libsignal (PublicKey::deserialize, kem::PublicKey::deserialize), verify both \
signatures with the bundle's IK_B, then compare that IK_B with the one Alice checked by safety \
number. Print one of: genuine, bad SPK_B signature, bad PQSPK_B signature, other identity.";

const RATCHET_STEP_HINT: &str = "One DH ratchet step (libsignal's src/ratchet/keys.rs:192-216, \
RootKey::create_chain): HKDF-SHA256(salt = the current root key, IKM = the DH output, info = \
\"WhisperRatchet\") to 64 bytes; the new root key is bytes 0..32, the new chain key bytes 32..64.";

const LEDGER_HINT: &str = "Cut the senders into runs (messages in a row from one party). Each \
run is one sending chain, made from a DH of a fresh key pair, drawn by its sender when the previous \
run's first message arrived, and the other party's newest key (Alice's first run: her key A1 and \
SPK_B). The thief copies the victim's current ratchet private key, its chains and its root key. \
That key made the chain of the victim's latest run, or of its next run if a run of the other party \
has started since. The thief reads every message after K on that chain and on the chains before \
it, and on the next chain, whose DH uses that private key; every later chain comes from two key \
pairs it never had, and from there on the root key is out of its reach (src/session_cipher.rs:\
696-730).";

const NONCE_HINT: &str = "nonce_i = seven 0x00 bytes ‖ i as a u32, big-endian (i.to_be_bytes()) \
‖ one flag byte, 0x01 on the last segment and 0x00 on every other (src/share/stream.rs).";

/// Every exercise, in the order of the book.
pub const EXERCISES: &[Exercise] = &[
    Exercise {
        name: "02_identity_key",
        chapter: IDENTITY_KEYS,
        goal: "make Alice's identity key pair IK_A from her stream of the seed",
        values: &[
            Value {
                name: "IK_A",
                hint: "IdentityKeyPair::generate(&mut rng) makes the pair; \
                       .identity_key().serialize() is libsignal's encoding: the type byte \
                       0x05, then the 32-byte X25519 public key (33 bytes).",
            },
            Value {
                name: "IK_A.priv",
                hint: ".private_key().serialize() gives the 32-byte private key.",
            },
        ],
    },
    Exercise {
        name: "02_safety_number",
        chapter: IDENTITY_KEYS,
        goal: "compute Alice and Bob's safety number by hand, with SHA-512",
        values: &[
            Value {
                name: "IK_A.digits",
                hint: "hash = SHA-512(0x00 0x00 ‖ IK_A ‖ \"alice\" ‖ IK_A) (IK_A serialized, 33 \
                       bytes), then 5199 more rounds of hash = SHA-512(hash ‖ IK_A). Of the \
                       last hash, take six chunks of 5 bytes; each, read as a big-endian \
                       number, mod 100000, printed as 5 digits (libsignal's src/fingerprint.rs:42-64, \
                       161-192).",
            },
            Value {
                name: "IK_B.digits",
                hint: "The same with IK_B and the id \"bob\".",
            },
            Value {
                name: "safety_number",
                hint: "Both 30-digit halves, the smaller one first (src/fingerprint.rs:32-40): \
                       that is why both phones show the same 60 digits.",
            },
        ],
    },
    Exercise {
        name: "03_signed_prekey",
        chapter: part2(
            3,
            "The signed prekey and its signature",
            "part2/03-signed-prekey",
        ),
        goal: "sign SPK_B with IK_B, and verify the signature",
        values: &[
            Value {
                name: "SPK_B.sig",
                hint: "ik_b.private_key().calculate_signature(message, &mut rng), where the \
                       message is SPK_B serialized, type byte 0x05 included (the spec's \
                       EncodeEC, §3.2). XEdDSA draws 64 random bytes from rng (spec §2.2), so \
                       use the rng given.",
            },
            Value {
                name: "verifies",
                hint: "ik_b.public_key().verify_signature(message, &signature): true for the \
                       bytes that were signed.",
            },
            Value {
                name: "verifies_without_type_byte",
                hint: "The same check over spk_b.public_key.public_key_bytes() (the 32 bytes \
                       without 0x05) must be false: the signature covers the encoding.",
            },
        ],
    },
    Exercise {
        name: "04_kyber_prekey",
        chapter: part2(4, "The Kyber prekey", "part2/04-kyber-prekey"),
        goal: "make Bob's Kyber1024 prekey PQSPK_B and sign it",
        values: &[
            Value {
                name: "PQSPK_B",
                hint: "kem::KeyPair::generate(kem::KeyType::Kyber1024, &mut rng); \
                       .public_key.serialize() is 0x08 ‖ 1568 bytes.",
            },
            Value {
                name: "PQSPK_B.sig",
                hint: "Signed like SPK_B, with IK_B's private key, over the serialized Kyber \
                       key: type byte 0x08 included (the spec's EncodeKEM).",
            },
        ],
    },
    Exercise {
        name: "05_bundle_field",
        chapter: part2(
            5,
            "The prekey bundle and the server",
            "part2/05-prekey-bundle",
        ),
        goal: "write two fields of Bob's bundle in protobuf, by hand",
        values: &[
            Value {
                name: "field_1",
                hint: "registration_id as field 1: the key byte (1 << 3) | 0 = 0x08 (field 1, \
                       wire type 0, a varint), then the number as a varint: 7 bits at a time, \
                       lowest first, the top bit set on every byte but the last.",
            },
            Value {
                name: "field_3",
                hint: "identity_key as field 3, wire type 2 (length-delimited): the key byte \
                       (3 << 3) | 2 = 0x1a, the length 33 as a varint, then IK_B's 33 bytes.",
            },
        ],
    },
    Exercise {
        name: "06_forged_bundle",
        chapter: part2(
            6,
            "Alice verifies, and her ephemeral key",
            "part2/06-alice-verifies",
        ),
        goal: "of four bundles from a server, tell the genuine one from three forgeries",
        values: &[
            Value {
                name: "bundle_1",
                hint: FORGED_BUNDLE_HINT,
            },
            Value {
                name: "bundle_2",
                hint: FORGED_BUNDLE_HINT,
            },
            Value {
                name: "bundle_3",
                hint: FORGED_BUNDLE_HINT,
            },
            Value {
                name: "bundle_4",
                hint: FORGED_BUNDLE_HINT,
            },
        ],
    },
    Exercise {
        name: "07_dh",
        chapter: part2(7, "The Diffie-Hellman computations", "part2/07-dh"),
        goal: "compute Alice's DH1, DH2 and DH3 with libsignal",
        values: &[
            Value {
                name: "DH1",
                hint: "DH1 = DH(IK_A, SPK_B): Alice's identity private key with Bob's signed \
                       prekey (PrivateKey::calculate_agreement).",
            },
            Value {
                name: "DH2",
                hint: "DH2 = DH(EK_A, IK_B): Alice's ephemeral private key with Bob's \
                       identity key.",
            },
            Value {
                name: "DH3",
                hint: "DH3 = DH(EK_A, SPK_B): Alice's ephemeral private key with Bob's signed \
                       prekey.",
            },
        ],
    },
    Exercise {
        name: "08_kyber_encapsulation",
        chapter: part2(8, "Kyber encapsulation", "part2/08-kyber-encapsulation"),
        goal: "encapsulate to PQSPK_B as Alice, and decapsulate as Bob",
        values: &[
            Value {
                name: "CT",
                hint: "pqspk_b.encapsulate(&mut rng) returns (SS, CT); CT, 0x08 ‖ 1568 bytes, \
                       is what Alice sends.",
            },
            Value {
                name: "SS",
                hint: "The 32-byte shared secret from the same call: it never leaves Alice.",
            },
            Value {
                name: "SS_decapsulated",
                hint: "Bob: his Kyber secret key's decapsulate(&ct) gives the same 32 bytes.",
            },
        ],
    },
    Exercise {
        name: "09_kdf",
        chapter: part2(9, "The KDF and the derived secret", "part2/09-kdf"),
        goal: "build the KDF input and split HKDF's 96 bytes into three keys",
        values: &[
            Value {
                name: "secret_input",
                hint: "F ‖ DH1 ‖ DH2 ‖ DH3 ‖ SS, where F is 32 bytes of 0xFF (spec §2.2): \
                       160 bytes, SS last.",
            },
            Value {
                name: "root_key",
                hint: "Hkdf::<Sha256>::new(None, &secret_input), then expand(info, &mut okm) \
                       with info = \"WhisperText_X25519_SHA-256_CRYSTALS-KYBER-1024\" and okm \
                       96 bytes; root_key is bytes 0..32.",
            },
            Value {
                name: "chain_key",
                hint: "Bytes 32..64 of the same 96.",
            },
            Value {
                name: "pqr_key",
                hint: "Bytes 64..96 of the same 96.",
            },
        ],
    },
    Exercise {
        name: "10_associated_data",
        chapter: part2(
            10,
            "The first message, byte by byte",
            "part2/10-first-message",
        ),
        goal: "build AD, the identity information every MAC covers, on both sides",
        values: &[
            Value {
                name: "AD",
                hint: "AD = EncodeEC(IK_A) ‖ EncodeEC(IK_B) (spec §3.3): both identity keys \
                       serialized (33 bytes each), Alice's first.",
            },
            Value {
                name: "AD.bob",
                hint: "Bob builds the same 66 bytes from his side: the sender's key (IK_A, \
                       from the message) first, his own second.",
            },
        ],
    },
    Exercise {
        name: "10_first_message_field",
        chapter: part2(
            10,
            "The first message, byte by byte",
            "part2/10-first-message",
        ),
        goal: "read two fields of Alice's first message, by hand",
        values: &[
            Value {
                name: "base_key",
                hint: "Skip the version byte 0x44, then read field after field: a varint key \
                       (field number = key >> 3, wire type = key & 7); wire type 0 is one \
                       varint, wire type 2 a varint length and that many bytes. base_key is \
                       field 2: EK_A, 33 bytes.",
            },
            Value {
                name: "registration_id",
                hint: "Field 5, wire type 0: Alice's registration id, a varint (print it as a \
                       decimal number).",
            },
        ],
    },
    Exercise {
        name: "11_bob",
        chapter: part2(11, "Bob's side", "part2/11-bob"),
        goal: "as Bob, from the first message and his private keys, compute DH1–DH3 and SS",
        values: &[
            Value {
                name: "DH1",
                hint: "Bob: DH1 = DH(SPK_B, IK_A): his signed prekey's private key with \
                       Alice's identity key from the message (message.identity_key()).",
            },
            Value {
                name: "DH2",
                hint: "DH2 = DH(IK_B, EK_A): his identity private key with Alice's ephemeral \
                       key, message.base_key().",
            },
            Value {
                name: "DH3",
                hint: "DH3 = DH(SPK_B, EK_A).",
            },
            Value {
                name: "SS",
                hint: "His Kyber secret key's decapsulate(ct), with ct = \
                       message.kyber_ciphertext().",
            },
        ],
    },
    Exercise {
        name: "14_message_key",
        chapter: part3(1, "Sessions after the handshake", "part3/01-sessions"),
        goal: "derive the keys of Alice's first message from her sending chain key",
        values: &[
            Value {
                name: "cipher_key",
                hint: "seed = HMAC-SHA256(key = CK, message = [0x01]); then \
                       HKDF-SHA256(salt = none, IKM = seed, info = \"WhisperMessageKeys\") to 80 \
                       bytes: cipher_key is bytes 0..32 (libsignal's src/ratchet/keys.rs:89-112, \
                       141-176).",
            },
            Value {
                name: "mac_key",
                hint: "Bytes 32..64 of the same 80. The checker tests it against the MAC on \
                       Alice's real first message.",
            },
            Value {
                name: "iv",
                hint: "Bytes 64..80 of the same 80: the AES-256-CBC IV.",
            },
            Value {
                name: "next_chain_key",
                hint: "HMAC-SHA256(key = CK, message = [0x02]): the chain moves on, and the old \
                       CK is dropped.",
            },
        ],
    },
    Exercise {
        name: "15_stream_nonce",
        chapter: part3(2, "Encrypting a file with STREAM", "part3/02-stream"),
        goal: "build the AES-GCM nonce of every segment of a file",
        values: &[
            Value {
                name: "nonce_0",
                hint: NONCE_HINT,
            },
            Value {
                name: "nonce_1",
                hint: NONCE_HINT,
            },
            Value {
                name: "nonce_2",
                hint: NONCE_HINT,
            },
            Value {
                name: "nonce_3",
                hint: NONCE_HINT,
            },
            Value {
                name: "nonce_66051",
                hint: NONCE_HINT,
            },
        ],
    },
    Exercise {
        name: "18_server_learns",
        chapter: part4(1, "A forged signed prekey", "part4/01-forged-signed-prekey"),
        goal: "as a server that forged SPK_B, compute what it learns, and try for the key",
        values: &[
            Value {
                name: "attacker.DH1",
                hint: "DH1 = DH(IK_A, SPK_B), and the server's key SPK_M stands where SPK_B \
                       was: the server computes it from its side, with SPK_M.priv and Alice's \
                       public IK_A (spk_m.private_key.calculate_agreement(&ik_a)).",
            },
            Value {
                name: "attacker.DH3",
                hint: "DH3 = DH(EK_A, SPK_B): SPK_M.priv with EK_A, the base key in Alice's \
                       first message.",
            },
            Value {
                name: "attacker.chain_key",
                hint: "The KDF of exercise 09_kdf with 32 zero bytes where DH2 and SS go (the \
                       server has neither): F ‖ DH1 ‖ 0×32 ‖ DH3 ‖ 0×32, HKDF-SHA256 with no \
                       salt and info \"WhisperText_X25519_SHA-256_CRYSTALS-KYBER-1024\" to 96 \
                       bytes; the chain key is bytes 32..64.",
            },
            Value {
                name: "attacker.has_alices_key",
                hint: "Compare the guessed chain key with the one in Alice's session \
                       (room.alice_chain_key_with_forged_spk()) and print true or false.",
            },
        ],
    },
    Exercise {
        name: "22_x3dh",
        chapter: part4(
            5,
            "Harvest now, decrypt later",
            "part4/05-harvest-now-decrypt-later",
        ),
        goal: "with DH1–DH3 from a broken X25519, derive keys as PQXDH without SS and as X3DH",
        values: &[
            Value {
                name: "attacker.root_key",
                hint: "libsignal's PQXDH KDF with SS left out: HKDF-SHA256(salt = none, IKM = \
                       0xFF×32 ‖ DH1 ‖ DH2 ‖ DH3, info = \
                       \"WhisperText_X25519_SHA-256_CRYSTALS-KYBER-1024\") to 96 bytes; the \
                       root key is bytes 0..32. It is not the room's root_key: SS is missing.",
            },
            Value {
                name: "x3dh.root_key",
                hint: "X3DH, as libsignal derived it before PQXDH: the same IKM, 0xFF×32 ‖ DH1 \
                       ‖ DH2 ‖ DH3, with info \"WhisperText\" and 64 bytes of output; the root \
                       key is bytes 0..32.",
            },
            Value {
                name: "x3dh.chain_key",
                hint: "Bytes 32..64 of the same 64.",
            },
        ],
    },
    Exercise {
        name: "28_dh_ratchet",
        chapter: part5(2, "The Diffie-Hellman ratchet", "part5/02-dh-ratchet"),
        goal: "take the first two DH ratchet steps of the conversation, as Alice and as Bob",
        values: &[
            Value {
                name: "root_key.1",
                hint: RATCHET_STEP_HINT,
            },
            Value {
                name: "chain_key.A1",
                hint: RATCHET_STEP_HINT,
            },
            Value {
                name: "root_key.2",
                hint: "Bob's step, as message 1 arrives: DH(B1, A1) with his fresh key pair B1 \
                       and Alice's ratchet key A1, salted with root_key.1, the root key of the \
                       first step (not the handshake's).",
            },
            Value {
                name: "chain_key.B1",
                hint: "Bytes 32..64 of Bob's step: the chain his reply, message 2, is sent on.",
            },
        ],
    },
    Exercise {
        name: "30_ledger",
        chapter: part5(
            4,
            "Forward secrecy and healing, with the ledger",
            "part5/04-forward-secrecy",
        ),
        goal: "predict which messages a thief of one party's session reads, against the ledger",
        values: &[
            Value {
                name: "ping_pong.bob.6",
                hint: LEDGER_HINT,
            },
            Value {
                name: "ping_pong.alice.6",
                hint: "Alice received message 6, the first of a run of Bob's: she drew a fresh \
                       key pair as it arrived, and made the chain of her next run with it. The \
                       thief holds that key.",
            },
            Value {
                name: "bursts.bob.5",
                hint: "Message 5 is in the middle of Bob's run: the stolen sending chain goes \
                       on after it, and the run after his uses his current key.",
            },
            Value {
                name: "bursts.alice.8",
                hint: "Alice sent message 8 in the middle of her run: the rest of that run, \
                       then Bob's next run, made with her current key.",
            },
            Value {
                name: "alice_only.alice.4",
                hint: "One run only: no reply ever brings Alice a new ratchet key, so she never \
                       takes a DH ratchet step (src/session_cipher.rs:696-730).",
            },
        ],
    },
];

/// The exercise a learner means: its exact name, a path to its file, or a
/// prefix that fits only one (`07` or `07_d` for `07_dh`).
pub fn find(wanted: &str) -> Result<&'static Exercise, String> {
    let wanted = wanted.trim();
    // `exercises/07_dh.rs` or `07_dh.rs`: the file's stem.
    let stem = std::path::Path::new(wanted)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(wanted);
    if let Some(e) = EXERCISES.iter().find(|e| e.name == stem) {
        return Ok(e);
    }
    let fits: Vec<&Exercise> = EXERCISES
        .iter()
        .filter(|e| {
            e.name.starts_with(stem) || e.name.split_once('_').map(|(_, t)| t) == Some(stem)
        })
        .collect();
    match fits.as_slice() {
        [one] => Ok(one),
        [] => Err(format!(
            "there is no exercise {wanted:?}; `pqxdh-lab exercises` lists them"
        )),
        many => Err(format!(
            "{wanted:?} could be {}; say which",
            many.iter().map(|e| e.name).collect::<Vec<_>>().join(" or ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_in_the_books_order() {
        let names: Vec<&str> = EXERCISES.iter().map(|e| e.name).collect();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(names, sorted, "sorted by name, which is the book's order");
        assert!(EXERCISES.len() >= 12);
    }

    #[test]
    fn every_exercise_checks_something_and_hints_at_it() {
        for e in EXERCISES {
            assert!(!e.values.is_empty(), "{}", e.name);
            for v in e.values {
                assert!(v.hint.len() > 10, "{}: {}", e.name, v.name);
                assert!(!v.name.contains(' ') && !v.name.contains('='), "{}", v.name);
            }
        }
    }

    #[test]
    fn a_learner_can_name_an_exercise_loosely() {
        assert_eq!(find("07_dh").unwrap().name, "07_dh");
        assert_eq!(find("07").unwrap().name, "07_dh");
        assert_eq!(find("exercises/07_dh.rs").unwrap().name, "07_dh");
        assert_eq!(find("dh").unwrap().name, "07_dh");
        let e = find("02").unwrap_err();
        assert!(e.contains("02_identity_key or 02_safety_number"), "{e}");
        let e = find("99_nothing").unwrap_err();
        assert!(e.contains("`pqxdh-lab exercises` lists them"), "{e}");
    }
}
