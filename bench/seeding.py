"""A realistic database: learners, graded attempts and awards, through the application's services.

Learners and awards go through the services that the server itself uses; attempts, 200,000 of
them, are graded by the real grader and bulk-inserted, which is the one place the bench writes
learning's table directly. Seeding also times one award's issuance (issue, bake the PNG, bake
the SVG) and returns what the load needs: a lesson, a quiz, its answers and a baked image.
"""

from __future__ import annotations

import os
import random
import secrets
import statistics
import time
from typing import Any

from argon2 import PasswordHasher
from flask import Flask
from sqlalchemy import insert

from bench.common import LEARNER_EMAIL, PASSWORD, Run, log
from course import create_app
from course.accounts import services as accounts
from course.accounts.models import Role, User
from course.badges import services as badges
from course.clock import now
from course.content.model import Badge, Course, Module, Quiz
from course.contentstore import course
from course.db import insert_ignoring_duplicates
from course.extensions import db
from course.learning.grading import grade
from course.learning.models import ModuleCompletion, QuizAttempt

TIMED_AWARDS, WARM_UP = 60, 10  # awards timed after the seeded ones; the first few not counted


def seed(run: Run) -> dict[str, Any]:
    """Learners, graded attempts and awards as the plan says; returns what the load needs."""
    os.environ.update(run.env)
    app, plan = _app(), run.plan
    random.seed(7)
    with app.test_request_context(base_url=run.base):
        shipped = course()
        quizzes = [(m, q) for m in shipped.modules for q in m.quizzes]
        ids = _learners(plan.learners)
        _attempts(plan.attempts, ids, quizzes)
        badge = next(b for b in shipped.badges if len(b.modules) == 1)
        _awards(ids[: plan.awards], badge)
        timings = _timed_awards(ids[plan.awards : plan.awards + TIMED_AWARDS], badge, shipped)
        sample = badges.awards_of(db.session.get(User, ids[1])) or badges.awards_of(
            db.session.get(User, ids[0])
        )
        (run.instance / "baked.png").write_bytes(badges.baked_png(sample[0], badge))
        module, quiz = quizzes[0]
        return {
            "award_ms": statistics.median(timings[WARM_UP:]),
            "award_ms_mean": statistics.fmean(timings[WARM_UP:]),
            "module": module.id,
            "lesson": module.lessons[0].id,
            "quiz": quiz.id,
            "version": quiz.content_hash[:12],
            "answers": {f"q-{q.id}": q.options[0].id for q in quiz.questions},
        }


def _app() -> Flask:
    """The course app, with real argon2 at cheap parameters: default-cost hashes take minutes."""
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return create_app()


def _learners(count: int) -> list[int]:
    """``count`` learners who can sign in; their ids."""
    ids = []
    for n in range(count):
        user = accounts.create_user(LEARNER_EMAIL.format(n), f"Learner {n}", PASSWORD, Role.LEARNER)
        ids.append(user.id)
        if n % 1000 == 999:
            db.session.commit()
    db.session.commit()
    log(f"seeded {count} learners")
    return ids


def _attempts(count: int, ids: list[int], quizzes: list[tuple[Module, Quiz]]) -> None:
    """``count`` attempts at random quizzes with random answers, graded, in batches of 5,000."""
    rows = []
    for _ in range(count):
        module, quiz = random.choice(quizzes)
        rows.append(_attempt(ids, module, quiz))
        if len(rows) == 5000:
            db.session.execute(insert(QuizAttempt), rows)
            db.session.commit()
            rows = []
    if rows:
        db.session.execute(insert(QuizAttempt), rows)
        db.session.commit()
    log(f"seeded {count} attempts")


def _attempt(ids: list[int], module: Module, quiz: Quiz) -> dict[str, Any]:
    """A random learner's attempt at ``quiz`` with random answers, as a row."""
    answers = {q.id: (random.choice(q.options).id,) for q in quiz.questions}
    result = grade(quiz, answers)
    return {
        "user_id": random.choice(ids),
        "module_id": module.id,
        "quiz_id": quiz.id,
        "content_hash": quiz.content_hash,
        "form_token": secrets.token_urlsafe(18),
        "answers": {k: list(v) for k, v in answers.items()},
        "correct": result.correct,
        "total": result.total,
        "score": result.score,
        "passed": result.passed,
        "language": "en",
        "submitted_at": now(),
    }


def _complete(user_id: int, badge: Badge) -> User:
    """``user_id`` completes the one module of ``badge``; the user."""
    insert_ignoring_duplicates(
        ModuleCompletion,
        user_id=user_id,
        module_id=badge.modules[0],
        content_hash="bench",
        completed_at=now(),
    )
    return db.session.get(User, user_id)


def _awards(ids: list[int], badge: Badge) -> None:
    """Each of ``ids`` completes the module of ``badge`` and is awarded what it earned."""
    for user_id in ids:
        badges.award_earned(_complete(user_id, badge))
    db.session.commit()
    log(f"seeded {len(ids)} awards")


def _timed_awards(ids: list[int], badge: Badge, shipped: Course) -> list[float]:
    """Milliseconds of one award each: issue, bake the PNG, bake the SVG."""
    timings = []
    for user_id in ids:
        user = _complete(user_id, badge)
        start = time.perf_counter()
        award = badges.issue(user, badge, shipped)
        badges.baked_png(award, badge)
        badges.baked_svg(award, badge)
        timings.append((time.perf_counter() - start) * 1000)
    db.session.commit()
    return timings
