"""The names, in the reader's language, of the words initiatives are filed under.

The words themselves are fixed by :mod:`course.content.vocabulary`; a test checks that every
word has a name here."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: Region code -> its translated name.
REGION_NAMES = {
    "global": _l("Global or online"),
    "africa": _l("Africa"),
    "asia": _l("Asia"),
    "europe": _l("Europe"),
    "latin-america": _l("Latin America and the Caribbean"),
    "middle-east": _l("Middle East and North Africa"),
    "north-america": _l("North America"),
    "oceania": _l("Oceania"),
}

#: Format code -> its translated name.
FORMAT_NAMES = {
    "edit-a-thon": _l("Edit-a-thon"),
    "campaign": _l("Campaign"),
    "content-donation": _l("Content donation"),
    "residency": _l("Residency"),
    "photo-campaign": _l("Photo or image campaign"),
    "contest": _l("Writing contest"),
    "training": _l("Training and mentoring"),
    "conference": _l("Conference or workshop"),
    "tool": _l("Data and tools"),
}
