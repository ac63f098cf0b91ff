"""Short write transactions: a request that reads or renders slowly does not hold the write
lock, so another learner's quiz submission is recorded meanwhile (see ``course.db``)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask, before_render_template
from helpers import form_fields, right_answers, signed_in

from course.accounts.models import User
from course.contentstore import course
from course.extensions import db
from course.learning.models import QuizAttempt

pytestmark = [
    pytest.mark.content("tiny"),
    # Were the lock held, the submission would give up after this and answer 503.
    pytest.mark.settings(SQLITE_BUSY_TIMEOUT_MS=2000),
]

MODULE = "first-edit-a-thon"
QUIZ = f"/modules/{MODULE}/quizzes/first-edit-a-thon-check"
#: Long enough never to be reached unless something is broken; no test asserts a duration.
SAFETY = 60


@pytest.fixture
def learners(app: Flask, create_user: Callable[..., int]) -> tuple[Any, Any]:
    create_user("ada@example.org")
    create_user("bea@example.org")
    return signed_in(app, "ada@example.org"), signed_in(app, "bea@example.org")


@pytest.fixture
def held_render(app: Flask) -> Iterator[tuple[threading.Event, threading.Event]]:
    """Rendering the quiz page stops, its request still open, until ``release`` is set."""
    holding, release = threading.Event(), threading.Event()

    def hold(_sender: Flask, template: Any, context: dict[str, Any], **_: Any) -> None:
        if template.name == "learning/quiz.html" and threading.current_thread().name == "A":
            holding.set()
            release.wait(SAFETY)

    before_render_template.connect(hold, app)
    yield holding, release
    release.set()
    before_render_template.disconnect(hold, app)


def attempts_of(app: Flask, email: str) -> int:
    with app.app_context():
        user = db.session.scalars(db.select(User).where(User.email == email)).one()
        return db.session.query(QuizAttempt).filter_by(user_id=user.id).count()


def a_request_held_mid_render(request: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    answers: list[Any] = []
    thread = threading.Thread(target=lambda: answers.append(request()), name="A")
    thread.start()
    return thread, answers


@pytest.mark.parametrize("what", ["opens the quiz", "sends no answer"])
def test_a_request_held_mid_render_does_not_delay_another_learners_submission(
    app, learners, held_render, what
):
    """Request A (Ada) stops in the middle of rendering the quiz form, its transaction open:
    after drawing her questions, or after refusing a submission without answers. Meanwhile
    Bea's submission is graded and recorded; before short write transactions, A held the
    write lock until its response was rendered and B gave up with 503."""
    ada, bea = learners
    holding, release = held_render
    with app.app_context():
        quiz = course().module(MODULE).quiz("first-edit-a-thon-check")
    bea_form = right_answers(bea, QUIZ, quiz)
    if what == "opens the quiz":
        thread, answered = a_request_held_mid_render(lambda: ada.get(QUIZ))
    else:
        fields = form_fields(ada, QUIZ)
        thread, answered = a_request_held_mid_render(lambda: ada.post(QUIZ, data=fields))
    assert holding.wait(SAFETY), "request A never reached its template"

    sent = bea.post(QUIZ, data=bea_form)

    assert thread.is_alive() and not answered, "A was still rendering"
    assert sent.status_code == 303, sent.status_code
    assert attempts_of(app, "bea@example.org") == 1
    release.set()
    thread.join(SAFETY)
    assert answered[0].status_code == (200 if what == "opens the quiz" else 400)
    assert attempts_of(app, "ada@example.org") == 0


def test_marking_a_lesson_done_while_another_request_renders(app, learners, held_render):
    """The same for "mark as done": its mark and the completion decision are written while
    another learner's quiz page is held mid-render."""
    ada, bea = learners
    holding, release = held_render
    thread, answered = a_request_held_mid_render(lambda: ada.get(QUIZ))
    assert holding.wait(SAFETY)
    lesson = f"/modules/{MODULE}/lessons/why-a-partner"
    token = form_fields(bea, lesson)["csrf_token"]

    done = bea.post(f"{lesson}/done", data={"csrf_token": token})

    assert thread.is_alive() and done.status_code == 303
    assert 'class="done-mark"' in bea.get(lesson).get_data(as_text=True)
    release.set()
    thread.join(SAFETY)
    assert answered[0].status_code == 200
