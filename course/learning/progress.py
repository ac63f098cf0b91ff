"""A learner's progress in the course's terms: pure dataclasses over what they did.

A :class:`Record` holds what one learner (or this browser's visitor) did; a
:class:`ModuleProgress` reads one module through it. Nothing here touches the request or the
database: ``services.load_record`` and ``guest.record`` fill records from either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..clock import iso
from ..content.model import Course, Lesson, Module, Quiz


@dataclass
class Record:
    """What one learner (or this browser's visitor) has done, in the course's terms."""

    lessons: set[tuple[str, str]] = field(default_factory=set)  #: (module, lesson)
    best_scores: dict[str, int] = field(default_factory=dict)  #: quiz -> best score
    passed: set[str] = field(default_factory=set)  #: quizzes passed at least once
    completed: dict[str, datetime] = field(default_factory=dict)  #: module -> when


@dataclass(frozen=True)
class ModuleProgress:
    """A module seen through one learner's record."""

    module: Module
    record: Record

    def lesson_done(self, lesson: Lesson) -> bool:
        """Whether the learner marked ``lesson`` as done (in any language)."""
        return (self.module.id, lesson.id) in self.record.lessons

    def quiz_passed(self, quiz: Quiz) -> bool:
        """Whether the learner passed ``quiz`` at least once."""
        return quiz.id in self.record.passed

    def best_score(self, quiz: Quiz) -> int | None:
        """The learner's best score at ``quiz``, None if they never tried it."""
        return self.record.best_scores.get(quiz.id)

    @property
    def steps(self) -> int:
        return len(self.module.lessons) + len(self.module.quizzes)

    @property
    def steps_done(self) -> int:
        return sum(map(self.lesson_done, self.module.lessons)) + sum(
            map(self.quiz_passed, self.module.quizzes)
        )

    @property
    def percent(self) -> int:
        return 100 * self.steps_done // self.steps if self.steps else 0

    @property
    def completed_at(self) -> datetime | None:
        return self.record.completed.get(self.module.id)

    @property
    def started(self) -> bool:
        return self.steps_done > 0 or any(
            quiz.id in self.record.best_scores for quiz in self.module.quizzes
        )

    @property
    def next_step(self) -> Lesson | Quiz | None:
        """The first lesson not done, else the first quiz not passed, else None."""
        for lesson in self.module.lessons:
            if not self.lesson_done(lesson):
                return lesson
        for quiz in self.module.quizzes:
            if not self.quiz_passed(quiz):
                return quiz
        return None


def shown(items: list[ModuleProgress]) -> tuple[Any, ...]:
    """Everything of the learner's record that pages about these modules can show: the key
    under which such a page is kept (``course.caching.kept_page``)."""
    return tuple(
        (
            item.module.id,
            tuple(map(item.lesson_done, item.module.lessons)),
            tuple((item.best_score(quiz), item.quiz_passed(quiz)) for quiz in item.module.quizzes),
            item.completed_at,
        )
        for item in items
    )


def progress(course: Course, record: Record) -> list[ModuleProgress]:
    """Each module of ``course`` with the learner's progress in it."""
    return [ModuleProgress(module, record) for module in course.modules]


def progress_document(course: Course, record: Record) -> list[dict[str, Any]]:
    """Each module's progress as the API gives it (``GET /api/v1/me/progress``)."""
    return [_module_document(item) for item in progress(course, record)]


def _module_document(item: ModuleProgress) -> dict[str, Any]:
    lessons = item.module.lessons
    return {
        "id": item.module.id,
        "lessons": [{"id": lesson.id, "done": item.lesson_done(lesson)} for lesson in lessons],
        "lessons_done": sum(map(item.lesson_done, lessons)),
        "lessons_total": len(lessons),
        "quizzes": [
            {
                "id": quiz.id,
                "best_score": item.best_score(quiz),
                "passed": item.quiz_passed(quiz),
                "pass_mark": quiz.pass_mark,
            }
            for quiz in item.module.quizzes
        ],
        "percent": item.percent,
        "completed_at": iso(item.completed_at) if item.completed_at else None,
    }
