"""The issuer's signing keys, kept in ``instance/keys/`` with owner-only permissions.

Keys are Ed25519 (for the eddsa-rdfc-2022 proofs of Open Badges 3.0). One key is current and
signs new awards; older keys are kept, and still published, so that every badge ever issued
keeps verifying after a rotation.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .multibase import multikey_from_public

INDEX = "keys.json"


class NoSigningKey(RuntimeError):
    """No usable signing key: run ``course badges keygen``."""


@dataclass(frozen=True)
class SigningKey:
    #: The Multikey form of the public key (z6Mk…), also the key's id in the issuer profile.
    multikey: str
    created: str
    current: bool
    private: Ed25519PrivateKey

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()


class KeyStore:
    """Reads and writes the keys of one installation."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _index(self) -> list[dict[str, object]]:
        path = self.folder / INDEX
        return json.loads(path.read_text()) if path.exists() else []

    def all(self) -> list[SigningKey]:
        """Every key, current first."""
        keys = []
        for entry in self._index():
            pem = (self.folder / str(entry["file"])).read_bytes()
            private = serialization.load_pem_private_key(pem, password=None)
            assert isinstance(private, Ed25519PrivateKey)
            keys.append(
                SigningKey(
                    str(entry["multikey"]), str(entry["created"]), bool(entry["current"]), private
                )
            )
        return sorted(keys, key=lambda k: not k.current)

    def current(self) -> SigningKey:
        for key in self.all():
            if key.current:
                return key
        raise NoSigningKey("no badge signing key: run `course badges keygen`")

    def generate(self) -> SigningKey:
        """Create a key and make it the current one; earlier keys are kept as retired."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        private = Ed25519PrivateKey.generate()
        multikey = multikey_from_public(private.public_key())
        name = f"ed25519-{multikey[-12:]}.pem"
        fd = os.open(self.folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as file:
            file.write(
                private.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
        created = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        index = [{**entry, "current": False} for entry in self._index()]
        index.append({"multikey": multikey, "file": name, "created": created, "current": True})
        temporary = self.folder / f".{INDEX}.tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as file:
            json.dump(index, file, indent=2)
        os.replace(temporary, self.folder / INDEX)  # atomic: never a half-written index
        return self.current()
