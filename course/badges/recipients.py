"""Who an award names, besides an email: a Wikimedia user page URL, hashed like an email.

Pure functions: no Flask, no database. OB 2.0 calls the type ``url``; OB 3.0's
IdentifierTypeEnum has no URL type, and its schema allows ``ext:`` extensions for exactly
that, so credentials say ``ext:url``.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote, unquote, urlsplit

#: How each recipient type is named in an OB 3.0 ``identifier``.
OB3_IDENTITY_TYPES = {"email": "emailAddress", "url": "ext:url"}


def is_url(identity: str) -> bool:
    """Whether a claimed identity is a URL (else it is taken for an email address)."""
    return identity.strip().lower().startswith(("https://", "http://"))


def normal_user_page(url: str) -> str:
    """A user page URL in one spelling: spaces as underscores, non-ASCII percent-encoded.

    So the address bar's ``User:Zoé_Dupont`` and the encoded ``User:Zo%C3%A9_Dupont`` hash
    alike. Scheme and host are lower-cased; the title keeps its case (MediaWiki's does).
    """
    parts = urlsplit(url.strip())
    path = quote(unquote(parts.path).replace(" ", "_"), safe="/:@!$'()*,;~._-")
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}"


def url_recipient_hash(url: str, salt: str) -> str:
    """The salted SHA-256 of a user page URL, in its normal spelling (never lower-cased)."""
    return "sha256$" + hashlib.sha256((normal_user_page(url) + salt).encode()).hexdigest()
