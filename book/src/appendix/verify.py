#!/usr/bin/env python3
# ANCHOR: header
"""Check a pqxdh-lab transcript without libsignal.

Usage:
    cargo run -- transcript --seed 7 --format json > seed-7.json
    python3 verify.py seed-7.json          # or: ... --format json | python3 verify.py

Needs Python 3.9 or newer and two packages from PyPI:
    pip install cryptography kyber-py
`cryptography` gives X25519 and HKDF; `kyber-py` gives Kyber1024 as submitted to
NIST's round 3, the KEM behind libsignal's type byte 0x08 (not ML-KEM, which
differs). The XEdDSA signatures are checked by hand below: no package offers
libsignal's variant of them.

It checks every key pair, both signatures, every DH, SS by decapsulation, the
KDF, AD, Bob's own values and what the two wire messages carry, one line per
value. The first check that fails prints FAIL with the value's name and ends
the script with exit status 1. Exit status 2: the input is not JSON, or a
package is missing.
"""

import hashlib
import json
import sys

try:
    from cryptography.hazmat.primitives.asymmetric.x25519 import (
        X25519PrivateKey,
        X25519PublicKey,
    )
    from cryptography.hazmat.primitives.hashes import SHA256
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    from kyber_py.kyber import Kyber1024
except ImportError as missing:
    print(f"verify.py needs: pip install cryptography kyber-py ({missing})", file=sys.stderr)
    sys.exit(2)

# libsignal's HKDF info string (libsignal-protocol src/ratchet.rs:20-21).
KDF_INFO = b"WhisperText_X25519_SHA-256_CRYSTALS-KYBER-1024"


class Failed(Exception):
    """A check failed: `name` is the transcript value that is wrong."""

    def __init__(self, name, why):
        super().__init__(f"{name}: {why}")
        self.name, self.why = name, why


def ok(name, what):
    print(f"ok   {name:<23} {what}")


def expect_equal(name, transcript_bytes, computed, how):
    if transcript_bytes != computed:
        raise Failed(name, f"the transcript's value is not {how}")
    ok(name, f"= {how}")


# ANCHOR_END: header


# ANCHOR: reading
class Transcript:
    """The JSON document; `get` returns a value's bytes after checking its shape."""

    def __init__(self, doc):
        if not isinstance(doc, dict) or not isinstance(doc.get("values"), dict):
            raise Failed("values", "missing: is this `transcript --format json` output?")
        self.doc = doc

    def has(self, name):
        return name in self.doc["values"]

    def get(self, name, length, type_byte=None, table="values"):
        label = name if table == "values" else f"{table}.{name}"
        values = self.doc.get(table)
        hex_value = values.get(name) if isinstance(values, dict) else None
        if not isinstance(hex_value, str):
            raise Failed(label, "missing")
        try:
            value = bytes.fromhex(hex_value)
        except ValueError:
            raise Failed(label, "is not hex") from None
        if length is not None and len(value) != length:
            raise Failed(label, f"has {len(value)} bytes, expected {length}")
        if type_byte is not None and value[0] != type_byte:
            raise Failed(label, f"starts with {value[0]:#04x}, not type byte {type_byte:#04x}")
        return value

    def curve_public(self, name):
        return self.get(name, 33, 0x05)  # libsignal: 0x05 ‖ 32-byte u-coordinate

    def curve_private(self, name):
        return self.get(name, 32)


# ANCHOR_END: reading


# ANCHOR: curve_keys
def x25519_public(private):
    # public_bytes(Raw, Raw) rather than public_bytes_raw(), which needs
    # cryptography 40 or later; Debian 12's python3-cryptography is 38.
    public = X25519PrivateKey.from_private_bytes(private).public_key()
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def x25519(private, public, name):
    """X25519 of a 32-byte private key and a libsignal public key (0x05 ‖ 32 bytes)."""
    try:
        peer = X25519PublicKey.from_public_bytes(public[1:])
        return X25519PrivateKey.from_private_bytes(private).exchange(peer)
    except ValueError as e:  # e.g. a low-order point: the result would be all zeros
        raise Failed(name, f"X25519 refuses the public key: {e}") from None


def check_curve_key_pair(t, name):
    public = t.curve_public(name)
    if x25519_public(t.curve_private(f"{name}.priv")) != public[1:]:
        raise Failed(name, f"is not the public key of {name}.priv")
    ok(name, f"is {name}.priv's public key")
    return public


# ANCHOR_END: curve_keys


# ANCHOR: edwards
# XEdDSA signs on the twisted Edwards curve -x² + y² = 1 + d·x²·y² over the field
# of p elements, the curve that Curve25519 maps to (RFC 7748 §4.1; RFC 8032 §5.1).
P = 2**255 - 19
Q = 2**252 + 27742317777372353535851937790883648493  # order of the base point
D = -121665 * pow(121666, -1, P) % P
SQRT_MINUS_1 = pow(2, (P - 1) // 4, P)
NEUTRAL = (0, 1)


def add(a, b):
    """Point addition in affine coordinates; the formula also doubles a point."""
    (x1, y1), (x2, y2) = a, b
    t = D * x1 * x2 * y1 * y2 % P
    return (
        (x1 * y2 + x2 * y1) * pow(1 + t, -1, P) % P,
        (y1 * y2 + x1 * x2) * pow(1 - t, -1, P) % P,
    )


def multiply(k, point):
    result = NEUTRAL
    while k:
        if k & 1:
            result = add(result, point)
        point = add(point, point)
        k >>= 1
    return result


def negate(point):
    return (-point[0] % P, point[1])


def encode(point):
    """32 bytes: y little-endian, x's lowest bit (its "sign") in the top bit."""
    x, y = point
    return (y | (x & 1) << 255).to_bytes(32, "little")


def point_from_y(y, sign):
    """The curve point with this y whose x has lowest bit `sign`, or None."""
    xx = (y * y - 1) * pow(D * y * y + 1, -1, P) % P
    x = pow(xx, (P + 3) // 8, P)  # a square root of xx, if xx has one (p ≡ 5 mod 8)
    if x * x % P != xx:
        x = x * SQRT_MINUS_1 % P
    if x * x % P != xx or (x == 0 and sign == 1):
        return None
    return (x, y) if x & 1 == sign else (-x % P, y)


BASE = point_from_y(4 * pow(5, -1, P) % P, 0)


def montgomery_to_edwards(u, sign):
    """The birational map y = (u - 1) / (u + 1); the u-coordinate does not fix x's sign."""
    if u % P == P - 1:
        return None
    return point_from_y((u - 1) * pow(u + 1, -1, P) % P, sign)


def signature_holds(a_point, message, r_bytes, s):
    """Schnorr's equation, as in EdDSA: R = s·B - h·A, h = SHA-512(R ‖ A ‖ M) mod q."""
    h = int.from_bytes(hashlib.sha512(r_bytes + encode(a_point) + message).digest(), "little")
    r_check = add(multiply(s, BASE), multiply(h % Q, negate(a_point)))
    return encode(r_check) == r_bytes


# ANCHOR_END: edwards


# ANCHOR: xeddsa
def xeddsa_verify_libsignal(public, message, signature):
    """XEdDSA as libsignal verifies it (libsignal-core src/curve/curve25519.rs:110-148).

    An X25519 public key is only a u-coordinate: it names two Edwards points, A and
    -A. The XEdDSA paper makes the signer use the one whose sign bit is 0. libsignal
    signs with whichever its private key gives and stores that point's sign bit in
    the top bit of the signature's last byte, a bit that is always 0 in s
    (curve25519.rs:54-57, 104-106). The verifier takes the sign from there.
    """
    u = int.from_bytes(public[1:], "little") & (2**255 - 1)
    a_point = montgomery_to_edwards(u, signature[63] >> 7)
    s_bytes = signature[32:63] + bytes([signature[63] & 0x7F])
    if a_point is None or s_bytes[31] & 0xE0:  # s must stay below 2^253
        return False
    return signature_holds(a_point, message, signature[:32], int.from_bytes(s_bytes, "little"))


def xeddsa_verify_as_written(public, message, signature):
    """xeddsa_verify as the XEdDSA paper writes it (revision 1: sections 2.3 and 3).

    convert_mont fixes the sign bit to 0, and s must be below 2^|q| = 2^253.
    """
    u = int.from_bytes(public[1:], "little")
    s = int.from_bytes(signature[32:], "little")
    if u >= P or s >= 2**253:
        return False
    a_point = montgomery_to_edwards(u, 0)
    return a_point is not None and signature_holds(a_point, message, signature[:32], s)


def check_signature(t, name, signed_name, ik_b):
    signature = t.get(name, 64)
    signed = t.get(signed_name, None)
    if not xeddsa_verify_libsignal(ik_b, signed, signature):
        raise Failed(name, f"is not IK_B's XEdDSA signature over {signed_name}")
    ok(name, f"is IK_B's XEdDSA signature over {signed_name} ({len(signed)} B with type byte)")
    sign = signature[63] >> 7
    literal = "accepts" if xeddsa_verify_as_written(ik_b, signed, signature) else "rejects"
    print(f"{'':<28} (sign bit {sign}: a verifier written from the XEdDSA paper {literal} it)")


# ANCHOR_END: xeddsa


# ANCHOR: kyber
# A Kyber1024 secret key (round 3, Algorithm 7) is sk' (1536 B) ‖ pk (1568 B) ‖
# H(pk) (32 B) ‖ z (32 B); libsignal puts its type byte 0x08 in front of it.
def check_kyber_key_pair(t):
    public = t.get("PQSPK_B", 1569, 0x08)
    secret = t.get("PQSPK_B.priv", 3169, 0x08)[1:]
    if secret[1536:3104] != public[1:]:
        raise Failed("PQSPK_B", "is not the public key inside PQSPK_B.priv")
    if secret[3104:3136] != hashlib.sha3_256(public[1:]).digest():
        raise Failed("PQSPK_B.priv", "does not hold SHA3-256 of its public key")
    ok("PQSPK_B", "is the public key inside PQSPK_B.priv")


def decapsulate(t):
    """SS = Kyber1024-Decaps(PQSPK_B.priv, CT), after making sure CT is not rejected."""
    secret = t.get("PQSPK_B.priv", 3169, 0x08)[1:]
    ciphertext = t.get("CT", 1569, 0x08)[1:]
    shared_secret = Kyber1024.decaps(secret, ciphertext)
    # A ciphertext that does not decrypt still gives 32 bytes (implicit rejection):
    # a hash of z and CT. Refuse that value rather than compare it.
    z = secret[-32:]
    rejection = hashlib.shake_256(z + hashlib.sha3_256(ciphertext).digest()).digest(32)
    if shared_secret == rejection:
        raise Failed("CT", "does not decapsulate under PQSPK_B.priv (Kyber rejects it)")
    return shared_secret


# ANCHOR_END: kyber


# ANCHOR: kdf
def derive(dhs, shared_secret):
    """libsignal's KDF (ratchet.rs:17-39, 60-90): HKDF-SHA256, no salt, 96 bytes out."""
    secret_input = b"\xff" * 32 + b"".join(dhs) + shared_secret
    okm = HKDF(algorithm=SHA256(), length=96, salt=None, info=KDF_INFO).derive(secret_input)
    return [
        ("secret_input", secret_input, "0xFF×32 ‖ DH1 ‖ … ‖ SS"),
        ("root_key", okm[:32], "HKDF-SHA256 bytes 0..32"),
        ("chain_key", okm[32:64], "HKDF-SHA256 bytes 32..64"),
        ("pqr_key", okm[64:], "HKDF-SHA256 bytes 64..96"),
    ]


# ANCHOR_END: kdf


# ANCHOR: wire
def protobuf_fields(data, name):
    """Field number → value (an int or bytes); enough protobuf for these two messages."""
    fields, i = {}, 0

    def varint():
        nonlocal i
        number, shift = 0, 0
        while True:
            byte = data[i]
            i += 1
            number |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                return number

    try:
        while i < len(data):
            key = varint()
            if key & 7 == 0:
                value = varint()
            elif key & 7 == 2:
                length = varint()
                value, i = data[i : i + length], i + length
                if i > len(data):
                    raise IndexError
            else:
                raise Failed(name, f"field {key >> 3} has an unexpected wire type")
            fields[key >> 3] = value
    except IndexError:
        raise Failed(name, "ends in the middle of a field") from None
    return fields


def check_wire(t, one_time_prekey):
    """The bytes that crossed the server carry the values checked above."""
    bundle = protobuf_fields(t.get("bundle", None), "bundle")
    carried = {3: "IK_B", 5: "SPK_B", 6: "SPK_B.sig", 8: "PQSPK_B", 9: "PQSPK_B.sig"}
    if one_time_prekey:
        carried[11] = "OPK_B"
    for field, name in carried.items():
        if bundle.get(field) != t.get(name, None):
            raise Failed("bundle", f"field {field} is not {name}")
    ok("bundle", "carries " + ", ".join(carried.values()))

    message = t.get("prekey_message", None)
    if message[:1] != b"\x44":  # version 4, PQXDH (libsignal-protocol src/protocol.rs:307)
        raise Failed("prekey_message", "does not start with version byte 0x44")
    fields = protobuf_fields(message[1:], "prekey_message")
    for field, name in {2: "EK_A", 3: "IK_A", 8: "CT"}.items():
        if fields.get(field) != t.get(name, None):
            raise Failed("prekey_message", f"field {field} is not {name}")
    # The prekey ids Alice names: the signed prekey's, the Kyber prekey's, the one-time one's.
    for field, bundle_field in {6: 4, 7: 7, 1: 10}.items():
        if fields.get(field) != bundle.get(bundle_field):
            why = f"field {field} is not the prekey id in bundle field {bundle_field}"
            raise Failed("prekey_message", why)
    ok("prekey_message", "carries EK_A, IK_A, CT and the ids of the bundle's prekeys")


# ANCHOR_END: wire


# ANCHOR: main
def verify(t):
    if t.doc.get("kdf_info") != KDF_INFO.decode():
        raise Failed("kdf_info", f"is not libsignal's {KDF_INFO.decode()!r}")
    one_time_prekey = t.has("OPK_B")
    if t.doc.get("one_time_prekey") != one_time_prekey:
        raise Failed("one_time_prekey", "disagrees with the presence of OPK_B")

    # Every public key belongs to its private key.
    curve_keys = ["IK_A", "IK_B", "SPK_B", "EK_A"] + (["OPK_B"] if one_time_prekey else [])
    key = {name: check_curve_key_pair(t, name) for name in curve_keys}
    check_kyber_key_pair(t)

    # Bob's prekeys are signed by IK_B, over the serialized key (libsignal session.rs:191-203).
    check_signature(t, "SPK_B.sig", "SPK_B", key["IK_B"])
    check_signature(t, "PQSPK_B.sig", "PQSPK_B", key["IK_B"])

    # Alice's DHs (spec section 3.3), from her private keys.
    formulas = [
        ("DH1", "IK_A.priv", "SPK_B"),
        ("DH2", "EK_A.priv", "IK_B"),
        ("DH3", "EK_A.priv", "SPK_B"),
    ] + ([("DH4", "EK_A.priv", "OPK_B")] if one_time_prekey else [])
    if not one_time_prekey and t.has("DH4"):
        raise Failed("DH4", "is present although no one-time prekey OPK_B was used")
    dhs = []
    for name, private, public in formulas:
        dh = x25519(t.curve_private(private), key[public], name)
        expect_equal(name, t.get(name, 32), dh, f"X25519({private}, {public})")
        dhs.append(dh)

    shared_secret = decapsulate(t)
    expect_equal("SS", t.get("SS", 32), shared_secret, "Kyber1024-Decaps(PQSPK_B.priv, CT)")

    for name, value, how in derive(dhs, shared_secret):
        expect_equal(name, t.get(name, len(value)), value, how)

    expect_equal("AD", t.get("AD", 66), key["IK_A"] + key["IK_B"], "IK_A ‖ IK_B")

    # Bob's side (spec section 3.4): the same DHs from his private keys.
    bob_formulas = [
        ("DH1", "SPK_B.priv", "IK_A"),
        ("DH2", "IK_B.priv", "EK_A"),
        ("DH3", "SPK_B.priv", "EK_A"),
    ] + ([("DH4", "OPK_B.priv", "EK_A")] if one_time_prekey else [])
    bob_dhs = []
    for name, private, public in bob_formulas:
        dh = x25519(t.curve_private(private), key[public], f"bob_values.{name}")
        bob_value = t.get(name, 32, table="bob_values")
        expect_equal(f"bob_values.{name}", bob_value, dh, f"X25519({private}, {public})")
        bob_dhs.append(dh)
    bob_ss = t.get("SS", 32, table="bob_values")
    expect_equal("bob_values.SS", bob_ss, shared_secret, "Kyber1024-Decaps(PQSPK_B.priv, CT)")
    for name, value, how in derive(bob_dhs, bob_ss):
        bob_value = t.get(name, len(value), table="bob_values")
        expect_equal(f"bob_values.{name}", bob_value, value, how)

    check_wire(t, one_time_prekey)


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else "-"
    try:
        with open(source) if source != "-" else sys.stdin as stream:
            doc = json.load(stream)
    except (OSError, ValueError) as e:
        print(f"verify.py: cannot read a JSON transcript from {source}: {e}", file=sys.stderr)
        sys.exit(2)
    try:
        verify(Transcript(doc))
    except Failed as failure:
        print(f"FAIL {failure.name}: {failure.why}")
        sys.exit(1)
    print("every check passed")


if __name__ == "__main__":
    main()
# ANCHOR_END: main
