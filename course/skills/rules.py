"""Which level of each skill a learner has shown: pure functions over the course and evidence.

The rules (the README's "Skills" section says the same in words):

- a valid badge (neither revoked nor expired) shows every skill it certifies at the level it
  certifies, and every level below;
- quiz answers show the framework's first level (*aware*) of a skill when more than half of
  the course's questions assessing it were right the latest time each was asked (a question
  never asked counts as not right, so one lucky answer does not show a skill that four
  questions assess). Quizzes never show more: practising and leading happen outside the
  course;
- the level shown is the highest of these. First-try results are reported beside it (how
  much the learner knew before the course taught it) but do not change it.

Levels are counted by their ``order`` (1 for the lowest); 0 means not shown.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from ..content.model import Course, SkillsFramework

#: A held badge as the badges feature reports it: (holder id, badge id, issued at).
Held = tuple[int, str, datetime]


@dataclass(frozen=True)
class Answered:
    """One learner's results on the questions of one skill: how many they were asked, how
    many were right the first and the latest time, out of how many the course has."""

    asked: int = 0
    first_right: int = 0
    latest_right: int = 0
    total: int = 0

    @property
    def shown(self) -> bool:
        """Whether these answers show the first level: most of all its questions right the
        latest time."""
        return self.total > 0 and 2 * self.latest_right > self.total


def question_skills(content: Course) -> dict[str, str]:
    """Question id -> the skill it assesses, for every question that names one."""
    return {
        question.id: question.skill
        for module in content.modules
        for quiz in module.quizzes
        for question in quiz.questions
        if question.skill
    }


def badge_levels(content: Course, framework: SkillsFramework) -> dict[str, dict[str, int]]:
    """Badge id -> {skill id: order of the level it certifies}."""
    orders = {level.id: level.order for level in framework.levels}
    return {
        badge.id: {claim.skill: orders.get(claim.level, 0) for claim in badge.skills}
        for badge in content.badges
    }


def answered(
    results: Mapping[str, tuple[bool, bool]], skills_of: Mapping[str, str]
) -> dict[str, Answered]:
    """Per skill, from {question id: (right first time, right latest time)}; ``skills_of``
    maps every question of the course to its skill."""
    totals = Counter(skills_of.values())
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for question_id, (first, latest) in results.items():
        if skill := skills_of.get(question_id):
            count = counts[skill]
            count[0] += 1
            count[1] += first
            count[2] += latest
    return {skill: Answered(*count, totals[skill]) for skill, count in counts.items()}


def badge_level(
    badge_ids: Iterable[str], certified: Mapping[str, Mapping[str, int]]
) -> dict[str, int]:
    """Per skill, the highest level these badges certify."""
    best: dict[str, int] = {}
    for badge_id in badge_ids:
        for skill, order in certified.get(badge_id, {}).items():
            best[skill] = max(best.get(skill, 0), order)
    return best


def shown_levels(
    answers: Mapping[str, Answered], badges: Mapping[str, int], first_level: int = 1
) -> dict[str, int]:
    """Per skill, the level shown (skills shown at no level left out)."""
    levels = {skill: first_level for skill, result in answers.items() if result.shown}
    for skill, order in badges.items():
        levels[skill] = max(levels.get(skill, 0), order)
    return {skill: order for skill, order in levels.items() if order > 0}
