"""When a learner may take a quiz again: a pure function of the quiz and their attempt times.

Unlimited by default. ``retake_after`` (minutes) makes the learner wait after each attempt;
``max_attempts_per_day`` allows that many attempts in any 24 hours.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from ..clock import aware
from ..content.model import Quiz

DAY = timedelta(days=1)


def next_attempt_at(quiz: Quiz, previous: Iterable[datetime], now: datetime) -> datetime | None:
    """When the next attempt at ``quiz`` opens, or None if it is open at ``now``."""
    times = sorted(aware(moment) for moment in previous)
    opens: list[datetime] = []
    if quiz.retake_after and times:
        opens.append(times[-1] + timedelta(minutes=quiz.retake_after))
    if quiz.max_attempts_per_day:
        recent = [moment for moment in times if moment > now - DAY]
        if len(recent) >= quiz.max_attempts_per_day:
            opens.append(recent[-quiz.max_attempts_per_day] + DAY)
    latest = max(opens, default=None)
    return latest if latest is not None and latest > now else None
