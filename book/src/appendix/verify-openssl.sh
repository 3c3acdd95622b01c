#!/bin/sh
# Check a pqxdh-lab transcript with OpenSSL 3, jq, xxd and bc:
#   cargo run -- transcript --seed 7 --format json > seed-7.json
#   sh verify-openssl.sh seed-7.json
# It checks every curve key pair, both XEdDSA signatures, every DH (Alice's and
# Bob's), the KDF, AD and what the wire messages carry. OpenSSL has no Kyber1024
# round 3 (libsignal's type byte 0x08): SS is taken from the transcript, and the
# output says so on a TRUST line. The first check that fails prints FAIL with the
# value's name and ends the script with exit status 1.
set -eu

for tool in openssl jq xxd bc; do
    command -v "$tool" > /dev/null || { echo "verify-openssl.sh needs $tool" >&2; exit 2; }
done
openssl version | grep -q '^OpenSSL 3' || { echo "verify-openssl.sh needs OpenSSL 3" >&2; exit 2; }
[ $# -eq 1 ] && jq -e '.values | type == "object"' "$1" > /dev/null 2>&1 ||
    { echo "usage: sh verify-openssl.sh TRANSCRIPT.json (transcript --format json)" >&2; exit 2; }
json=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { printf 'ok    %-23s %s\n' "$1" "$2"; }
trust() { printf 'TRUST %-23s %s\n' "$1" "$2"; }
fail() { printf 'FAIL %s: %s\n' "$1" "$2"; exit 1; }

# A value's hex from .values (or from another table), or FAIL if it is missing.
value() {
    found=$(jq -r --arg table "${2:-values}" --arg name "$1" '.[$table][$name] // empty' "$json")
    [ -n "$found" ] || { echo "FAIL $1: missing" >&2; exit 1; }
    case $found in *[!0-9a-f]*) echo "FAIL $1: is not lowercase hex" >&2; exit 1 ;; esac
    echo "$found"
}
same() { # NAME TRANSCRIPT_HEX COMPUTED_HEX HOW (an empty TRANSCRIPT_HEX: value said FAIL)
    [ -n "$2" ] || exit 1
    [ "$2" = "$3" ] && ok "$1" "= $4" || fail "$1" "the transcript's value is not $4"
}
bin() { xxd -r -p > "$tmp/$1"; } # hex on stdin → the file $tmp/$1
hex() { xxd -p | tr -d '\n'; }    # bytes on stdin → one line of hex

# --- Curve keys. OpenSSL reads X25519 keys as DER: a fixed header, then the 32 raw
# bytes (libsignal's public keys carry a 0x05 type byte first: cut it).
x25519_private() { echo "302e020100300506032b656e04220420$1" | bin "$2"; }
x25519_public() { echo "302a300506032b656e032100${1#05}" | bin "$2"; }

check_key_pair() { # NAME: the public key must be what OpenSSL derives from NAME.priv
    public=$(value "$1")
    case $public in 05*) ;; *) fail "$1" "does not start with the type byte 05" ;; esac
    [ ${#public} -eq 66 ] || fail "$1" "is not 33 bytes"
    x25519_private "$(value "$1.priv")" priv.der
    derived=$(openssl pkey -inform DER -in "$tmp/priv.der" -pubout -outform DER | tail -c 32 | hex)
    [ "05$derived" = "$public" ] || fail "$1" "is not the public key of $1.priv"
    ok "$1" "is $1.priv's public key"
}

dh() { # PRIVATE_NAME PUBLIC_NAME → X25519(private, public) as hex
    x25519_private "$(value "$1")" priv.der
    x25519_public "$(value "$2")" pub.der
    openssl pkeyutl -derive -keyform DER -inkey "$tmp/priv.der" \
        -peerform DER -peerkey "$tmp/pub.der" | hex
}

one_time_prekey=$(jq -r '.values | has("OPK_B")' "$json")
[ "$(jq -r .one_time_prekey "$json")" = "$one_time_prekey" ] ||
    fail one_time_prekey "disagrees with the presence of OPK_B"
curve_keys="IK_A IK_B SPK_B EK_A"
[ "$one_time_prekey" = true ] && curve_keys="$curve_keys OPK_B"
for name in $curve_keys; do check_key_pair "$name"; done

# --- The Kyber key pair: a round-3 secret key holds sk' (1536 B) ‖ pk (1568 B) ‖
# SHA3-256(pk) ‖ z. OpenSSL can check that PQSPK_B is the pk inside; that the rest
# of the secret key belongs to it only decapsulation would show.
pqspk_b=$(value PQSPK_B)
pqspk_b_priv=$(value PQSPK_B.priv)
inner_pk=$(echo "$pqspk_b_priv" | cut -c 3075-6210)
inner_hash=$(echo "$pqspk_b_priv" | cut -c 6211-6274)
[ "08$inner_pk" = "$pqspk_b" ] || fail PQSPK_B "is not the public key inside PQSPK_B.priv"
echo "$inner_pk" | bin pk
[ "$(openssl dgst -sha3-256 -binary "$tmp/pk" | hex)" = "$inner_hash" ] ||
    fail PQSPK_B.priv "does not hold SHA3-256 of its public key"
ok PQSPK_B "is the public key inside PQSPK_B.priv"

# --- XEdDSA. libsignal's signatures are Ed25519 signatures by the Edwards form of
# IK_B: y = (u - 1) / (u + 1) mod 2^255 - 19, with x's sign bit carried in the top
# bit of the signature's last byte (libsignal-core src/curve/curve25519.rs:104-117).
# OpenSSL does no field arithmetic on its command line, so bc computes y.
reverse_bytes() { echo "$1" | fold -w2 | sed -n '1!G;h;$p' | tr -d '\n'; }
edwards_y() { # u, little-endian hex → y, little-endian hex
    y=$(BC_LINE_LENGTH=0 bc << EOF
p = 2^255 - 19
/* w(b, x) = b^x mod p, by square and multiply (POSIX bc names are one letter) */
define w(b, x) {
    auto r
    r = 1
    while (x > 0) {
        if (x % 2 == 1) r = r * b % p
        b = b * b % p
        x = x / 2
    }
    return (r)
}
ibase = 16
u = $(reverse_bytes "$1" | tr a-f A-F)
ibase = A
u = u % 2^255 % p
/* u = -1 has no Edwards point: libsignal refuses it, so do we */
if (u == p - 1) u = -1
if (u >= 0) (u - 1 + p) * w(u + 1, p - 2) % p
if (u < 0) -1
EOF
)
    [ "$y" != -1 ] || return 1
    y=$(echo "obase = 16; $y" | BC_LINE_LENGTH=0 bc | tr A-F a-f)
    while [ ${#y} -lt 64 ]; do y="0$y"; done
    reverse_bytes "$y"
}

check_signature() { # SIGNATURE_NAME SIGNED_NAME
    signature=$(value "$1")
    [ ${#signature} -eq 128 ] || fail "$1" "is not 64 bytes"
    last=${signature#"${signature%??}"}
    sign=$((0x$last >> 7))
    y=$(edwards_y "$(value IK_B | cut -c 3-)") || fail "$1" "IK_B has no Edwards form"
    top=${y#"${y%??}"}
    edwards=${y%??}$(printf '%02x' $((0x$top | sign << 7)))
    echo "302a300506032b6570032100$edwards" | bin ed.der
    echo "${signature%??}$(printf '%02x' $((0x$last & 127)))" | bin sig
    value "$2" | bin signed
    openssl pkeyutl -verify -pubin -keyform DER -inkey "$tmp/ed.der" -rawin \
        -in "$tmp/signed" -sigfile "$tmp/sig" > /dev/null 2>&1 ||
        fail "$1" "is not IK_B's XEdDSA signature over $2"
    ok "$1" "is IK_B's XEdDSA signature over $2 (Edwards sign bit $sign)"
}
check_signature SPK_B.sig SPK_B
check_signature PQSPK_B.sig PQSPK_B

# --- Alice's DHs (spec section 3.3), and Bob's from his private keys (section 3.4).
dh1=$(dh IK_A.priv SPK_B)
same DH1 "$(value DH1)" "$dh1" "X25519(IK_A.priv, SPK_B)"
dh2=$(dh EK_A.priv IK_B)
same DH2 "$(value DH2)" "$dh2" "X25519(EK_A.priv, IK_B)"
dh3=$(dh EK_A.priv SPK_B)
same DH3 "$(value DH3)" "$dh3" "X25519(EK_A.priv, SPK_B)"
dh4=
if [ "$one_time_prekey" = true ]; then
    dh4=$(dh EK_A.priv OPK_B)
    same DH4 "$(value DH4)" "$dh4" "X25519(EK_A.priv, OPK_B)"
elif jq -e '.values | has("DH4")' "$json" > /dev/null; then
    fail DH4 "is present although no one-time prekey OPK_B was used"
fi
b1=$(dh SPK_B.priv IK_A)
same bob_values.DH1 "$(value DH1 bob_values)" "$b1" "X25519(SPK_B.priv, IK_A)"
b2=$(dh IK_B.priv EK_A)
same bob_values.DH2 "$(value DH2 bob_values)" "$b2" "X25519(IK_B.priv, EK_A)"
b3=$(dh SPK_B.priv EK_A)
same bob_values.DH3 "$(value DH3 bob_values)" "$b3" "X25519(SPK_B.priv, EK_A)"
b4=
if [ "$one_time_prekey" = true ]; then
    b4=$(dh OPK_B.priv EK_A)
    same bob_values.DH4 "$(value DH4 bob_values)" "$b4" "X25519(OPK_B.priv, EK_A)"
fi

# --- SS: taken from the transcript (no round-3 Kyber in OpenSSL).
ss=$(value SS)
[ ${#ss} -eq 64 ] || fail SS "is not 32 bytes"
[ "$(value SS bob_values)" = "$ss" ] || fail bob_values.SS "differs from Alice's SS"
trust SS "taken from the transcript: OpenSSL has no Kyber1024 round 3 to decapsulate CT"

# --- The KDF: HKDF-SHA256 over 0xFF×32 ‖ DH1 ‖ DH2 ‖ DH3 [‖ DH4] ‖ SS, no salt
# (= 32 zero bytes), 96 bytes of output: root_key ‖ chain_key ‖ pqr_key.
kdf_info=WhisperText_X25519_SHA-256_CRYSTALS-KYBER-1024 # libsignal src/ratchet.rs:20-21
[ "$(jq -r .kdf_info "$json")" = "$kdf_info" ] || fail kdf_info "is not libsignal's $kdf_info"
ff=ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
hkdf() {
    openssl kdf -keylen 96 -kdfopt digest:SHA256 -kdfopt "hexkey:$1" \
        -kdfopt "info:$kdf_info" HKDF | tr -d ':\n' | tr A-F a-f
}
check_kdf() { # TABLE PREFIX SECRET_INPUT
    same "$2secret_input" "$(value secret_input "$1")" "$3" "0xFF×32 ‖ DH1 ‖ … ‖ SS"
    okm=$(hkdf "$3")
    root_key=$(echo "$okm" | cut -c 1-64)
    chain_key=$(echo "$okm" | cut -c 65-128)
    pqr_key=$(echo "$okm" | cut -c 129-192)
    same "$2root_key" "$(value root_key "$1")" "$root_key" "HKDF-SHA256 bytes 0..32"
    same "$2chain_key" "$(value chain_key "$1")" "$chain_key" "HKDF-SHA256 bytes 32..64"
    same "$2pqr_key" "$(value pqr_key "$1")" "$pqr_key" "HKDF-SHA256 bytes 64..96"
}
check_kdf values "" "$ff$dh1$dh2$dh3$dh4$ss"
check_kdf bob_values bob_values. "$ff$b1$b2$b3$b4$ss"

same AD "$(value AD)" "$(value IK_A)$(value IK_B)" "IK_A ‖ IK_B"

# --- The wire: each message contains the field (protobuf tag byte = field number × 8
# + 2, then the length) with the transcript's value. The protobuf is not parsed
# here, and the prekey ids are not compared: verify.py does both.
carries() { # MESSAGE FIELD_NUMBER VALUE_NAME
    field_hex=$(value "$3")
    length=$((${#field_hex} / 2))
    if [ "$length" -lt 128 ]; then
        varint=$(printf '%02x' "$length")
    else
        varint=$(printf '%02x%02x' $((length % 128 + 128)) $((length / 128)))
    fi
    case $(value "$1") in
    *"$(printf '%02x' $(($2 * 8 + 2)))$varint$field_hex"*) ;;
    *) fail "$1" "has no field $2 holding $3" ;;
    esac
}
for field in "3 IK_B" "5 SPK_B" "6 SPK_B.sig" "8 PQSPK_B" "9 PQSPK_B.sig"; do
    carries bundle $field
done
[ "$one_time_prekey" = true ] && carries bundle 11 OPK_B
ok bundle "carries IK_B, SPK_B and PQSPK_B with their signatures"
for field in "2 EK_A" "3 IK_A" "8 CT"; do carries prekey_message $field; done
ok prekey_message "carries EK_A, IK_A and CT"

echo "every check passed; SS is taken on trust (TRUST above)"
