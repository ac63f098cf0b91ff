"""Time in one place: the current moment, and datetimes made comparable and printable.

SQLite hands back naive datetimes for columns stored in UTC; PostgreSQL hands back aware
ones. Everything that compares or prints a stored moment goes through ``aware`` first.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload


def now() -> datetime:
    """The current moment, in UTC, timezone-aware."""
    return datetime.now(UTC)


@overload
def aware(moment: datetime) -> datetime: ...
@overload
def aware(moment: None) -> None: ...
def aware(moment: datetime | None) -> datetime | None:
    """``moment`` with UTC as its zone when it has none (as SQLite returns it)."""
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with its offset, as exports and APIs print moments."""
    return aware(moment).isoformat()
