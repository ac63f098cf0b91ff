"""Skills maps of many learners: counts per skill and level, with small cells hidden. Pure.

No count of 1 to 4 learners is ever shown ("fewer than 5"): a trainer who knows who is in a
small group could otherwise tell what one person has shown or said of themselves. Zero is
shown (no one has the skill: that is what a map of missing skills is for). Within a row the
counts add up to the number of learners, so when exactly one cell is hidden the smallest
other one is hidden too, else subtraction would give it away; the share of learners who
have a skill is shown only when the count of those who lack it is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..clock import aware
from ..content.model import Course, Skill, SkillLevel, SkillsFramework
from ..learning.outcomes import QuestionOutcome, first_and_latest
from .rules import Held, answered, badge_level, badge_levels, question_skills, shown_levels

#: Counts below this (and above zero) are never shown.
SMALLEST_SHOWN = 5
#: Top of the self-assessment scale, whose 1 means "new to this" and 2 the first level.
SCALE_TOP = 4

Levels = Mapping[int, Mapping[str, int]]  # learner id -> {skill id: level order shown}


def levels_by_learner(
    content: Course, outcomes: Iterable[QuestionOutcome], held: Iterable[Held]
) -> dict[int, dict[str, int]]:
    """Per learner, the level of each skill shown (see :mod:`.rules`) by these outcomes
    (oldest first) and held badges."""
    framework = content.skills
    if framework is None:
        return {}
    by_learner: dict[int, list[QuestionOutcome]] = defaultdict(list)
    for outcome in outcomes:
        by_learner[outcome.user_id].append(outcome)
    badges: dict[int, list[str]] = defaultdict(list)
    for user_id, badge_id, _at in held:
        badges[user_id].append(badge_id)
    skills_of, certified = question_skills(content), badge_levels(content, framework)
    levels = {}
    for user_id in by_learner.keys() | badges.keys():
        results = first_and_latest(by_learner.get(user_id, ()))
        pairs = {q: (r.first, r.latest) for q, r in results.items()}
        mine = badge_level(badges.get(user_id, ()), certified)
        levels[user_id] = shown_levels(answered(pairs, skills_of), mine)
    return levels


def levels_over_time(
    content: Course,
    outcomes: Iterable[QuestionOutcome],
    held: Iterable[Held],
    ends: Sequence[datetime],
) -> list[tuple[int, dict[int, dict[str, int]]]]:
    """For each moment of ``ends`` (ascending): how many learners had answered a question
    before it, and every learner's levels from what came before it. One pass over the
    evidence in time order; only learners with new evidence are worked out again."""
    framework = content.skills
    if framework is None:
        return [(0, {}) for _end in ends]
    skills_of, certified = question_skills(content), badge_levels(content, framework)
    events = [(aware(o.at), o.user_id, o.question_id, o.right) for o in outcomes]
    events += [(aware(at), user_id, None, badge_id) for user_id, badge_id, at in held]
    events.sort(key=lambda event: event[0])
    results: dict[int, dict[str, tuple[bool, bool]]] = defaultdict(dict)
    badges: dict[int, list[str]] = defaultdict(list)
    levels: dict[int, dict[str, int]] = {}
    snapshots, changed, index = [], set(), 0
    for end in ends:
        while index < len(events) and events[index][0] < end:
            _at, user_id, question_id, value = events[index]
            index += 1
            changed.add(user_id)
            if question_id is None:
                badges[user_id].append(value)
                continue
            earlier = results[user_id].get(question_id)
            results[user_id][question_id] = (earlier[0] if earlier else value, value)
        for user_id in changed:
            mine = badge_level(badges.get(user_id, ()), certified)
            levels[user_id] = shown_levels(answered(results.get(user_id, {}), skills_of), mine)
        changed.clear()
        snapshots.append((len(results), dict(levels)))
    return snapshots


def hide_small(count: int) -> int | None:
    """``count``, or None when it is 1 to 4."""
    return None if 0 < count < SMALLEST_SHOWN else count


def hide_row(counts: list[int], total: int) -> list[int | None]:
    """Counts of ``total`` learners (levels, then those without the skill) with small ones
    hidden and none derivable: nothing at all below 5 learners; the last count also when
    the learners with the skill are 1 to 4; a second cell when only one is hidden."""
    if total < SMALLEST_SHOWN:
        return [None] * len(counts)
    hidden = {i for i, count in enumerate(counts) if 0 < count < SMALLEST_SHOWN}
    if 0 < total - counts[-1] < SMALLEST_SHOWN:
        hidden.add(len(counts) - 1)
    if len(hidden) == 1:
        others = sorted((count, i) for i, count in enumerate(counts) if i not in hidden)
        hidden.update(i for _count, i in others[:1])
    return [None if i in hidden else count for i, count in enumerate(counts)]


@dataclass(frozen=True)
class MapRow:
    """One skill of a group map; None wherever a count would be under 5."""

    skill: Skill
    #: Per level, lowest first: learners whose highest level shown is this one.
    at_level: tuple[int | None, ...]
    missing: int | None
    have: int | None
    share: int | None  #: percent of the group's learners who have it, rounded
    raters: int | None  #: learners who shared a self-assessment of it
    self_rated: float | None  #: their mean self-assessment (1–4)
    shown: float | None  #: the same learners' mean level shown, on the same scale
    gap: float | None  #: self_rated - shown: positive when they rate themselves higher


@dataclass(frozen=True)
class SkillsMap:
    learners: int
    levels: tuple[SkillLevel, ...]
    rows: tuple[MapRow, ...]


def build_map(
    framework: SkillsFramework,
    learners: Collection[int],
    levels: Levels,
    ratings: Mapping[tuple[int, str], int],
) -> SkillsMap:
    """The map of ``learners`` from their levels shown and their shared self-assessments."""
    rows = []
    for skill in framework.skills:
        orders = [levels.get(user, {}).get(skill.id, 0) for user in learners]
        counts = [sum(order == level.order for order in orders) for level in framework.levels]
        *at_level, missing = hide_row([*counts, orders.count(0)], len(learners))
        have = None if missing is None else len(learners) - missing
        share = None if have is None or not learners else round(100 * have / len(learners))
        raters = [user for user in learners if (user, skill.id) in ratings]
        self_rated = shown = gap = None
        if len(raters) >= SMALLEST_SHOWN:
            self_rated = sum(ratings[user, skill.id] for user in raters) / len(raters)
            shown = sum(_on_scale(levels.get(u, {}).get(skill.id, 0)) for u in raters) / len(raters)
            gap = self_rated - shown
        rows.append(
            MapRow(
                skill,
                tuple(at_level),
                missing,
                have,
                share,
                None if len(learners) < SMALLEST_SHOWN else hide_small(len(raters)),
                self_rated,
                shown,
                gap,
            )
        )
    return SkillsMap(len(learners), framework.levels, tuple(rows))


def _on_scale(order: int) -> int:
    """A level shown on the self-assessment scale: none 1, aware 2, practised 3, leads 4."""
    return min(order + 1, SCALE_TOP)


@dataclass(frozen=True)
class TimelineRow:
    skill: Skill
    #: Per month: learners who had shown it (at any level) by the month's end; None: 1 to 4,
    #: or any number while fewer than 5 learners had answered a question.
    counts: tuple[int | None, ...]
    #: Now: "present" (5 or more learners), "missing" (none), else "few".
    status: str


@dataclass(frozen=True)
class Timeline:
    months: tuple[str, ...]  #: "YYYY-MM", oldest first
    learners: tuple[int, ...]  #: learners who had answered a question by each month's end
    rows: tuple[TimelineRow, ...]


def build_timeline(
    framework: SkillsFramework, months: Iterable[tuple[str, int, Levels]]
) -> Timeline:
    """The site's skills over time, from (month, learners, levels by learner) oldest first."""
    labels, learners, have = [], [], defaultdict(list)
    for label, count, levels in months:
        labels.append(label)
        learners.append(count)
        for skill in framework.skills:
            have[skill.id].append(sum(1 for mine in levels.values() if mine.get(skill.id)))
    rows = []
    for skill in framework.skills:
        counts = [
            None if total < SMALLEST_SHOWN else hide_small(count)
            for count, total in zip(have[skill.id], learners, strict=True)
        ]
        last = counts[-1] if counts else None
        status = "few" if last is None else "missing" if last == 0 else "present"
        rows.append(TimelineRow(skill, tuple(counts), status))
    return Timeline(tuple(labels), tuple(learners), tuple(rows))
