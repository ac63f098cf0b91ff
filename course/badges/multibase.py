"""Multibase (base58btc, prefix ``z``) and Multikey encodings of Ed25519 keys."""

from __future__ import annotations

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

ED25519_PUB = b"\xed\x01"  # multicodec prefix of an Ed25519 public key


def encode(data: bytes) -> str:
    return "z" + base58.b58encode(data).decode()


def decode(value: str) -> bytes:
    if not value.startswith("z"):
        raise ValueError("only base58btc multibase (z…) is supported")
    return base58.b58decode(value[1:])


def multikey_from_public(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return encode(ED25519_PUB + raw)


def public_from_multikey(value: str) -> Ed25519PublicKey:
    data = decode(value)
    if not data.startswith(ED25519_PUB) or len(data) != 34:
        raise ValueError("not an Ed25519 Multikey")
    return Ed25519PublicKey.from_public_bytes(data[2:])
