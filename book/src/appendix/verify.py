#!/usr/bin/env python3
"""Recompute a pqxdh-lab transcript's DH values and KDF without libsignal.

Usage:
    cargo run -- transcript --seed 7 --format json > seed-7.json
    python3 verify.py seed-7.json          # or: ... --format json | python3 verify.py

Needs the `cryptography` package (pip install cryptography). Exits 0 when every
recomputed value equals the transcript's, 1 otherwise.
"""

import json
import sys

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def dh(values, private_name, public_name):
    """X25519 of a private key (32 bytes) and a libsignal public key (0x05 || 32 bytes)."""
    private = X25519PrivateKey.from_private_bytes(bytes.fromhex(values[private_name]))
    public_bytes = bytes.fromhex(values[public_name])
    assert public_bytes[0] == 0x05, f"{public_name} is not a curve key"
    return private.exchange(X25519PublicKey.from_public_bytes(public_bytes[1:]))


def main():
    doc = json.load(open(sys.argv[1]) if len(sys.argv) > 1 else sys.stdin)
    v = doc["values"]
    checks = []

    def check(name, computed):
        ok = computed.hex() == v[name]
        checks.append(ok)
        print(f"{'ok  ' if ok else 'FAIL'} {name}")

    # Alice's Diffie-Hellman values (spec section 3.3).
    dhs = [
        dh(v, "IK_A.priv", "SPK_B"),  # DH1 = DH(IK_A, SPK_B)
        dh(v, "EK_A.priv", "IK_B"),  # DH2 = DH(EK_A, IK_B)
        dh(v, "EK_A.priv", "SPK_B"),  # DH3 = DH(EK_A, SPK_B)
    ]
    if "OPK_B" in v:
        dhs.append(dh(v, "EK_A.priv", "OPK_B"))  # DH4 = DH(EK_A, OPK_B)
    for i, value in enumerate(dhs, start=1):
        check(f"DH{i}", value)

    # The KDF: F = 32 x 0xFF, the DHs, SS last; HKDF-SHA256, zero salt, 96 bytes.
    secret_input = b"\xff" * 32 + b"".join(dhs) + bytes.fromhex(v["SS"])
    check("secret_input", secret_input)
    okm = HKDF(algorithm=SHA256(), length=96, salt=None, info=doc["kdf_info"].encode()).derive(
        secret_input
    )
    check("root_key", okm[:32])
    check("chain_key", okm[32:64])
    check("pqr_key", okm[64:])

    sys.exit(0 if all(checks) else 1)


if __name__ == "__main__":
    main()
