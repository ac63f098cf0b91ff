"""Join codes people can read off a projector and type: no 0/O, 1/I/L, 2/Z, 5/S, 8/B, 6/G.

Pure: no Flask, no database. A code is eight characters from :data:`ALPHABET`, shown as two
groups of four (``ACDE-FHJK``); typing is forgiving about case, spaces and hyphens.
"""

from __future__ import annotations

import secrets

#: 22 letters and digits that no common typeface lets one mistake for another.
ALPHABET = "ACDEFHJKMNPQRTUVWXY347"
LENGTH = 8


def new_code() -> str:
    """A fresh random code (22⁸ ≈ 5.5 × 10¹⁰ possibilities), without its hyphen."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize(raw: str | None) -> str | None:
    """The code typed in ``raw`` in stored form, or None if it cannot be one."""
    cleaned = "".join((raw or "")[:40].split()).replace("-", "").upper()
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def display(code: str) -> str:
    """``code`` as people read it: ``ACDE-FHJK``."""
    return f"{code[:4]}-{code[4:]}"
