"""Finding one's way in the course, for the learning views.

A module, lesson or quiz by its id (404 when there is none), the current visitor's record
and language, and where each step of a module is.
"""

from __future__ import annotations

import time

from flask import abort, request, session, url_for
from flask_babel import get_locale

from ..accounts.auth import current_viewer
from ..caching import course_version, etag
from ..content.model import Lesson, Module, Quiz
from ..contentstore import course
from . import guest, services
from .progress import ModuleProgress, Record


def find_module(module_id: str) -> Module:
    """The module with this id; 404 if there is none."""
    found = course().module(module_id)
    if found is None:
        abort(404)
    return found


def find_lesson(module_id: str, lesson_id: str) -> tuple[Module, Lesson]:
    """The module and its lesson with these ids; 404 if either is unknown."""
    module = find_module(module_id)
    lesson = module.lesson(lesson_id)
    if lesson is None:
        abort(404)
    return module, lesson


def find_quiz(module_id: str, quiz_id: str) -> tuple[Module, Quiz]:
    """The module and its quiz with these ids; 404 if either is unknown."""
    module = find_module(module_id)
    quiz = module.quiz(quiz_id)
    if quiz is None:
        abort(404)
    return module, quiz


def current_record() -> Record:
    """What the signed-in learner did, or else what this browser's visitor did."""
    viewer = current_viewer()  # its id is all load_record reads: no ORM user needed
    return services.load_record(viewer) if viewer else guest.record()  # type: ignore[arg-type]


def viewer_kind() -> tuple[bool, str | None]:
    """What every page shows of who is signed in: whether someone is, and their role."""
    viewer = current_viewer()
    return (viewer is not None, viewer.role.value if viewer else None)


def current_language() -> str:
    """The language of this request."""
    return str(get_locale())


def step_url(module: Module, step: Lesson | Quiz | None) -> str:
    """Where a step of a module is; the module page once every step is done."""
    if isinstance(step, Lesson):
        return url_for("learning.lesson", module_id=module.id, lesson_id=step.id)
    if isinstance(step, Quiz):
        return url_for("learning.quiz", module_id=module.id, quiz_id=step.id)
    return url_for("learning.module", module_id=module.id)


def neighbours(module: Module, step: Lesson | Quiz) -> tuple[Lesson | Quiz | None, ...]:
    """The steps before and after ``step`` in ``module`` (lessons, then quizzes)."""
    steps: list[Lesson | Quiz] = [*module.lessons, *module.quizzes]
    index = steps.index(step)
    before = steps[index - 1] if index > 0 else None
    after = steps[index + 1] if index + 1 < len(steps) else None
    return before, after


def lesson_tag(module: Module, lesson: Lesson, record: Record) -> str:
    """The ETag of a lesson page for a visitor who is not signed in: it names the course as
    loaded, the language, whether the visitor marked the lesson done, and their session's
    form token, renewed each hour (well within its lifetime)."""
    return etag(
        request.full_path,
        current_language(),
        course_version(),
        ModuleProgress(module, record).lesson_done(lesson),
        session.get("csrf_token"),
        int(time.time() // 3600),
    )
