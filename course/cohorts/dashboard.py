"""What leads and coordinators see: member table, funnel, drop-off, item analysis, hub trends.

Everything is computed from what ``course.learning.services`` says of the members (their
records, their first attempts) and their awards (``course.badges.services``), each read for
all members at once: the same few queries for a workshop's forty as for a hub's thousands.
Hub figures are aggregates in which any count under :data:`SMALL` is hidden.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..badges import services as badges
from ..clock import aware, now
from ..content.model import Course, Module, Quiz
from ..learning import services as learning
from ..learning.progress import ModuleProgress
from . import items
from .models import Cohort, Membership

#: Aggregates under this many learners are shown as "fewer than 5".
SMALL = 5
STAGES = ("joined", "started", "halfway", "quiz_passed", "completed")


@dataclass
class MemberRow:
    """One member as the cohort's leads see them: never their email nor their answers."""

    user_id: int
    name: str
    joined_at: datetime
    progress: list[ModuleProgress]
    first_scores: dict[str, int]
    badges: list[str]
    #: Modules whose due date has passed without the member completing them.
    behind: list[str] = field(default_factory=list)

    @property
    def percent(self) -> int:
        steps = sum(p.steps for p in self.progress)
        return 100 * sum(p.steps_done for p in self.progress) // steps if steps else 0

    @property
    def completed(self) -> bool:
        return all(p.module.id in p.record.completed for p in self.progress)

    @staticmethod
    def lessons_done(progress: ModuleProgress) -> int:
        """How many lessons of this module the member marked done."""
        return sum(map(progress.lesson_done, progress.module.lessons))

    @property
    def started(self) -> bool:
        return any(p.steps_done or p.record.best_scores for p in self.progress)


def cohort_modules(cohort: Cohort, course: Course) -> list[Module]:
    """The modules ``cohort`` follows that the course still has, in the cohort's order."""
    return [m for m in (course.module(mid) for mid in cohort.modules) if m is not None]


def first_attempts(members: list[Membership], quizzes: list[Quiz]) -> dict[tuple[int, str], Any]:
    """Each member's first attempt at each quiz they tried, by (user id, quiz id)."""
    return learning.first_attempts([m.user_id for m in members], [q.id for q in quizzes])


def member_rows(
    cohort: Cohort,
    members: list[Membership],
    course: Course,
    firsts: dict[tuple[int, str], Any] | None = None,
) -> list[MemberRow]:
    """The member table of ``cohort`` (``firsts``: :func:`first_attempts`, if already read)."""
    modules = cohort_modules(cohort, course)
    quizzes = [q for module in modules for q in module.quizzes]
    firsts = first_attempts(members, quizzes) if firsts is None else firsts
    badge_ids = {b.id for b in course.badges if set(b.modules) & set(cohort.modules)}
    today = now().date()
    records = learning.load_records([m.user_id for m in members])
    held: dict[int, set[str]] = {}
    for holder, badge_id, _issued in badges.held_badges(records):
        held.setdefault(holder, set()).add(badge_id)
    rows = []
    for member in members:
        record = records[member.user_id]
        row = MemberRow(
            user_id=member.user_id,
            name=member.user.display_name,
            joined_at=member.joined_at,
            progress=[ModuleProgress(m, record) for m in modules],
            first_scores={
                q.id: firsts[member.user_id, q.id].score
                for q in quizzes
                if (member.user_id, q.id) in firsts
            },
            badges=sorted(held.get(member.user_id, set()) & badge_ids),
        )
        row.behind = [
            mid
            for mid, due in cohort.due_dates.items()
            if date.fromisoformat(due) < today and mid not in record.completed
        ]
        rows.append(row)
    return sorted(rows, key=lambda r: r.name.casefold())


def funnel(rows: list[MemberRow]) -> dict[str, int]:
    """Joined → started → half-way → a quiz passed → every module completed."""
    return {
        "joined": len(rows),
        "started": sum(r.started for r in rows),
        "halfway": sum(r.percent >= 50 for r in rows),
        "quiz_passed": sum(
            any(p.record.passed & {q.id for q in p.module.quizzes} for p in r.progress)
            for r in rows
        ),
        "completed": sum(r.completed for r in rows),
    }


@dataclass(frozen=True)
class Step:
    """One lesson or quiz of a module, with how many members got through it."""

    module: Module
    lesson_id: str | None
    quiz: Quiz | None
    done: int
    #: How many fewer members got through this step than through the one before.
    dropped: int


def drop_off(cohort: Cohort, rows: list[MemberRow], course: Course) -> list[Step]:
    """Each step of the cohort's modules in order, with members through it and the drop."""
    steps: list[Step] = []
    before = len(rows)
    for module in cohort_modules(cohort, course):
        for lesson in module.lessons:
            done = sum((module.id, lesson.id) in r.progress[0].record.lessons for r in rows)
            steps.append(Step(module, lesson.id, None, done, max(before - done, 0)))
            before = done
        for quiz in module.quizzes:
            done = sum(quiz.id in r.progress[0].record.passed for r in rows)
            steps.append(Step(module, None, quiz, done, max(before - done, 0)))
            before = done
    return steps


def item_analysis(
    cohort: Cohort, members: list[Membership], course: Course, language: str | None
) -> list[tuple[Quiz, list[items.QuestionCounts]]]:
    """Per quiz of the cohort's modules, each question's counts over members' first tries."""
    quizzes = [q for module in cohort_modules(cohort, course) for q in module.quizzes]
    firsts = first_attempts(members, quizzes)
    return [
        (quiz, items.count(quiz, [a for (_u, q), a in firsts.items() if q == quiz.id], language))
        for quiz in quizzes
    ]


# --- aggregates for hubs and archives ----------------------------------------------------


def summary(cohort: Cohort, rows: list[MemberRow]) -> dict[str, object]:
    """Counts only, kept when the cohort is archived: members, completions, badges, months."""
    joined = Counter(aware(r.joined_at).strftime("%Y-%m") for r in rows)
    completed: Counter[str] = Counter()
    for row in rows:
        for p in row.progress:
            when = p.record.completed.get(p.module.id)
            if when is not None:
                completed[aware(when).strftime("%Y-%m")] += 1
    return {
        "members": len(rows),
        "completed": sum(r.completed for r in rows),
        "badges": sum(len(r.badges) for r in rows),
        "joined_by_month": dict(joined),
        "completed_by_month": dict(completed),
    }


def shown(count: int | None) -> int | None:
    """``count`` as a hub may show it: None (shown as "fewer than 5") when under :data:`SMALL`."""
    return count if count is not None and count >= SMALL else None


def trends(summaries: list[dict[str, object]]) -> list[tuple[str, int | None, int | None]]:
    """(month, members who joined, modules completed) over the hub's cohorts, small hidden."""
    joined: Counter[str] = Counter()
    completed: Counter[str] = Counter()
    for item in summaries:
        joined.update(item.get("joined_by_month") or {})  # type: ignore[arg-type]
        completed.update(item.get("completed_by_month") or {})  # type: ignore[arg-type]
    months = sorted(set(joined) | set(completed))
    return [(m, shown(joined[m]), shown(completed[m])) for m in months]


# --- CSV ---------------------------------------------------------------------------------


def _cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula (names come from people)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def _csv(header: list[str], lines: list[list[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_cell(h) for h in header])
    writer.writerows([[_cell(v) for v in line] for line in lines])
    return out.getvalue()


def members_csv(cohort: Cohort, rows: list[MemberRow], course: Course) -> str:
    """The member table as CSV: one line per member, columns per module and quiz."""
    modules = cohort_modules(cohort, course)
    header = ["name", "joined", "percent", "completed_all", "badges", "behind"]
    for module in modules:
        header += [f"{module.id}: lessons done", f"{module.id}: completed"]
        for quiz in module.quizzes:
            header += [f"{quiz.id}: first score", f"{quiz.id}: best score"]
    lines = []
    for r in rows:
        line: list[object] = [
            r.name,
            aware(r.joined_at).date().isoformat(),
            r.percent,
            "yes" if r.completed else "no",
            " ".join(r.badges),
            " ".join(r.behind),
        ]
        for p in r.progress:
            when = p.record.completed.get(p.module.id)
            line += [
                sum(map(p.lesson_done, p.module.lessons)),
                aware(when).date().isoformat() if when else "",
            ]
            for quiz in p.module.quizzes:
                line += [r.first_scores.get(quiz.id, ""), p.best_score(quiz) or ""]
        lines.append(line)
    return _csv(header, lines)


def items_csv(analysis: list[tuple[Quiz, list[items.QuestionCounts]]]) -> str:
    """The item analysis as CSV: one line per option of each question shown."""
    lines: list[list[object]] = []
    for quiz, questions in analysis:
        for q in questions:
            if q.asked < SMALL:
                continue
            for option_id, chosen in q.chosen.items():
                lines.append(
                    [quiz.id, q.question_id, q.asked, 100 * q.right // q.asked, option_id, chosen]
                )
    return _csv(
        ["quiz", "question", "first_attempts", "first_try_right_percent", "option", "chosen"], lines
    )
