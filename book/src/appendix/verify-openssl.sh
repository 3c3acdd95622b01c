#!/bin/sh
# Recompute DH1 and the KDF of a pqxdh-lab transcript with openssl, jq and xxd.
#   cargo run -- transcript --seed 7 --format json > seed-7.json
#   sh verify-openssl.sh seed-7.json
set -eu
json=$1
value() { jq -r ".values[\"$1\"]" "$json"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# DH1 = X25519(IK_A.priv, SPK_B). openssl wants keys in DER: a fixed header, then
# the 32 raw bytes (libsignal's public keys carry a 0x05 type byte first: cut it).
echo "302e020100300506032b656e04220420$(value IK_A.priv)" | xxd -r -p > "$tmp/ik_a.der"
echo "302a300506032b656e032100$(value SPK_B | cut -c3-)" | xxd -r -p > "$tmp/spk_b.der"
dh1=$(openssl pkeyutl -derive -keyform DER -inkey "$tmp/ik_a.der" \
      -peerform DER -peerkey "$tmp/spk_b.der" | xxd -p -c 64)

# secret_input = 0xFF×32 ‖ DH1 ‖ DH2 ‖ DH3 [‖ DH4] ‖ SS, from the transcript's own values.
ff=ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
dh4=$(jq -r '.values.DH4 // ""' "$json")
secret_input="$ff$dh1$(value DH2)$(value DH3)$dh4$(value SS)"

# HKDF-SHA256 over secret_input (no salt = 32 zero bytes), 96 bytes of output.
okm=$(openssl kdf -keylen 96 -kdfopt digest:SHA256 -kdfopt "hexkey:$secret_input" \
      -kdfopt "info:$(jq -r .kdf_info "$json")" HKDF | tr -d ':\n' | tr 'A-F' 'a-f')

expected_okm="$(value root_key)$(value chain_key)$(value pqr_key)"
[ "$dh1" = "$(value DH1)" ] && echo "ok   DH1" || { echo "FAIL DH1"; exit 1; }
[ "$secret_input" = "$(value secret_input)" ] && echo "ok   secret_input" || { echo "FAIL secret_input"; exit 1; }
[ "$okm" = "$expected_okm" ] && echo "ok   root_key ‖ chain_key ‖ pqr_key" || { echo "FAIL KDF"; exit 1; }
