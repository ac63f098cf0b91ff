"""Skills services: a learner's skills, their self-assessment, and the maps of many learners.

This package owns the self-assessments (``SelfAssessment``); what learners answered and the
badges they hold come from learning's and badges' services. The maps take a set of learner
ids, so that any group (all learners today; cohorts and hubs later) gets the same map.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete, select, update

from ..accounts.models import Role, User
from ..badges.services import held_badges
from ..clock import aware, iso, now
from ..content.model import Badge, Course, Lesson, Module, Quiz, Skill, SkillLevel
from ..contentstore import course
from ..db import insert_ignoring_duplicates
from ..extensions import db
from ..learning.outcomes import Window
from ..learning.services import question_history, question_results
from .aggregate import (
    SkillsMap,
    Timeline,
    build_map,
    build_timeline,
    levels_by_learner,
    levels_over_time,
)
from .models import SelfAssessment
from .rules import Answered, answered, badge_level, badge_levels, question_skills, shown_levels

Ratings = Mapping[str, tuple[int | None, int | None]]  # skill id -> (before, after)


def quizzes(content: Course) -> list[Quiz]:
    return [quiz for module in content.modules for quiz in module.quizzes]


@dataclass(frozen=True)
class MySkill:
    """One skill of the framework as one learner stands with it."""

    skill: Skill
    level: SkillLevel | None  #: the highest level shown; None: missing
    answers: Answered  #: their results on the questions of it they were asked
    questions: int  #: how many questions of the course assess it
    badges: tuple[Badge, ...]  #: badges they hold that certify it
    lessons: tuple[tuple[Module, Lesson], ...]  #: lessons that teach it
    before: int | None = None
    after: int | None = None


def my_skills(user: User) -> list[MySkill]:
    """Every skill of the framework with the level ``user`` has shown (see :mod:`.rules`),
    the evidence, their self-assessment and the lessons that teach it."""
    content = course()
    framework = content.skills
    if framework is None:
        return []
    skills_of = question_skills(content)
    totals = Counter(skills_of.values())
    results = question_results(user, quizzes(content))
    answers = answered({q: (r.first, r.latest) for q, r in results.items()}, skills_of)
    held = [badge_id for _user, badge_id, _at in held_badges({user.id})]
    certified = badge_levels(content, framework)
    levels = shown_levels(answers, badge_level(held, certified))
    by_order = {level.order: level for level in framework.levels}
    ratings = self_assessments(user)
    mine = []
    for skill in framework.skills:
        rating = ratings.get(skill.id)
        mine.append(
            MySkill(
                skill,
                by_order.get(levels.get(skill.id, 0)),
                answers.get(skill.id, Answered(total=totals[skill.id])),
                totals[skill.id],
                tuple(b for b in content.badges if b.id in held and skill.id in certified[b.id]),
                tuple(_teaching(content, skill.id)),
                rating.before if rating else None,
                rating.after if rating else None,
            )
        )
    return mine


def _teaching(content: Course, skill_id: str) -> Iterator[tuple[Module, Lesson]]:
    for module in content.modules:
        for lesson in module.lessons:
            if skill_id in lesson.skills:
                yield module, lesson


def self_assessments(user: User) -> dict[str, SelfAssessment]:
    """``user``'s own ratings, by skill id."""
    rows = db.session.scalars(select(SelfAssessment).where(SelfAssessment.user_id == user.id))
    return {row.skill_id: row for row in rows}


def shares_self_assessment(user: User) -> bool:
    """Whether ``user`` lets their ratings count in group maps."""
    return any(row.share for row in self_assessments(user).values())


def save_self_assessment(user: User, ratings: Ratings, share: bool) -> None:
    """Store ``user``'s ratings (a skill rated neither before nor after is removed) and their
    choice to share them, for every skill they rated. Values are checked by the caller."""
    moment = now()
    for skill_id, (before, after) in ratings.items():
        mine = (SelfAssessment.user_id == user.id, SelfAssessment.skill_id == skill_id)
        if before is None and after is None:
            db.session.execute(delete(SelfAssessment).where(*mine))
            continue
        values = {"before": before, "after": after, "share": share, "updated_at": moment}
        if not insert_ignoring_duplicates(
            SelfAssessment, user_id=user.id, skill_id=skill_id, **values
        ):
            db.session.execute(update(SelfAssessment).where(*mine).values(**values))
    db.session.execute(
        update(SelfAssessment).where(SelfAssessment.user_id == user.id).values(share=share)
    )
    db.session.flush()


def shared_ratings(user_ids: Collection[int]) -> dict[tuple[int, str], int]:
    """(learner, skill) -> their latest own rating (after, else before), for learners who
    chose to share it."""
    rows = db.session.scalars(
        select(SelfAssessment).where(
            SelfAssessment.user_id.in_(list(user_ids)), SelfAssessment.share.is_(True)
        )
    )
    ratings = {}
    for row in rows:
        value = row.after if row.after is not None else row.before
        if value is not None:
            ratings[row.user_id, row.skill_id] = value
    return ratings


def learner_ids() -> set[int]:
    """Every learner of this server (trainers and admins are not counted)."""
    return set(db.session.scalars(select(User.id).where(User.role == Role.LEARNER)))


@dataclass(frozen=True)
class MapFilter:
    """Which evidence a map counts: answers in ``language``, from ``start`` to ``end``
    (dates, both included, UTC); None leaves that side open."""

    language: str | None = None
    start: date | None = None
    end: date | None = None

    def window(self) -> Window:
        since = datetime.combine(self.start, time(), UTC) if self.start else None
        until = datetime.combine(self.end + timedelta(days=1), time(), UTC) if self.end else None
        return Window(since, until, self.language)


def group_map(user_ids: Collection[int], selection: MapFilter | None = None) -> SkillsMap | None:
    """The skills map of the learners among ``user_ids`` who answered a question within
    ``selection``: their answers there and the badges issued to them in its period, with the
    self-assessments they shared. None when the course has no skills framework."""
    content = course()
    if content.skills is None:
        return None
    window = (selection or MapFilter()).window()
    outcomes = list(question_history(user_ids, quizzes(content), window))
    learners = {outcome.user_id for outcome in outcomes}
    held = [h for h in held_badges(learners) if _within(h[2], window)]
    levels = levels_by_learner(content, outcomes, held)
    return build_map(content.skills, sorted(learners), levels, shared_ratings(learners))


def _within(moment: datetime, window: Window) -> bool:
    moment = aware(moment)
    return (window.since is None or moment >= window.since) and (
        window.until is None or moment < window.until
    )


def site_timeline(months: int = 12, today: date | None = None) -> Timeline | None:
    """Which skills this server's learners had shown by the end of each of the last
    ``months`` months (the current one included). None without a skills framework."""
    content = course()
    if content.skills is None:
        return None
    learners = learner_ids()
    ends = month_ends(today or now().date(), months)
    snapshots = levels_over_time(
        content,
        question_history(learners, quizzes(content)),
        held_badges(learners),
        [end for _label, end in ends],
    )
    by_month = [(label, *shot) for (label, _end), shot in zip(ends, snapshots, strict=True)]
    return build_timeline(content.skills, by_month)


def month_ends(today: date, months: int) -> list[tuple[str, datetime]]:
    """("YYYY-MM", the first moment after it) for the last ``months`` months, oldest first."""
    year, month = today.year, today.month
    ends = []
    for _ in range(months):
        after = date(year + month // 12, month % 12 + 1, 1)
        ends.append((f"{year:04d}-{month:02d}", datetime.combine(after, time(), UTC)))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return ends[::-1]


def export_data(user: User) -> dict[str, object]:
    """The skills part of "download my data": the learner's own ratings."""
    return {
        "skills_self_assessment": [
            {
                "skill": row.skill_id,
                "before": row.before,
                "after": row.after,
                "shared": row.share,
                "updated_at": iso(row.updated_at),
            }
            for row in sorted(self_assessments(user).values(), key=lambda r: r.skill_id)
        ]
    }


def forget(user: User) -> None:
    """Delete ``user``'s ratings with their account (the foreign key cascades too)."""
    db.session.execute(delete(SelfAssessment).where(SelfAssessment.user_id == user.id))
