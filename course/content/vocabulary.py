"""Controlled words used to file initiatives (their names per language live with the
library feature, in :mod:`course.library.vocabulary`)."""

from __future__ import annotations

REGIONS = (
    "global",
    "africa",
    "asia",
    "europe",
    "latin-america",
    "middle-east",
    "north-america",
    "oceania",
)

FORMATS = (
    "edit-a-thon",
    "campaign",
    "content-donation",
    "residency",
    "photo-campaign",
    "contest",
    "training",
    "conference",
    "tool",
)
