"""The course as a learner meets it. Views look things up, call a service, and render.

Anonymous visitors can read and try everything; their progress lives in their session until
they sign up or in. Nothing here ever shows one learner another learner's data: every query
is filtered by the signed-in user.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import partial
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import gettext as _

from ..accounts.auth import current_user, has_session, login_required
from ..caching import conditional, kept_page
from ..content.model import Module, Quiz
from ..contentstore import course
from ..errors import keeps_input, refusal, refusal_message
from ..transactions import begin_write, reads_first
from . import guest, quizflow, services
from .drawing import apply_layout
from .grading import InvalidAnswers, grade, parse_answers
from .navigation import (
    current_language,
    current_record,
    find_lesson,
    find_module,
    find_quiz,
    lesson_tag,
    neighbours,
    step_url,
    viewer_kind,
)
from .progress import ModuleProgress, progress, progress_document, shown

bp = Blueprint("learning", __name__, template_folder="templates")

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@bp.context_processor
def learning_helpers() -> dict[str, object]:
    """Give learning's templates ``step_url``."""
    return {"step_url": step_url}


@bp.before_app_request
def keep_guest_progress() -> None:
    """After a visitor signs up or in, record what they did before in their account.

    This writes while serving a GET, so its transaction begins as a write transaction,
    before the request's first query: a deferred one would read, then fail at once with
    "database is locked" if another request were writing (see ``course.db``).
    """
    if request.method == "GET" and guest.has_guest_data() and has_session():
        begin_write()
        user = current_user()
        if user is not None:
            guest.move_to_account(user, course())


@bp.get("/modules")
def catalogue() -> str:
    """Every module with its outcomes, duration, languages and (signed in) progress."""
    items = progress(course(), current_record())
    page = partial(render_template, "learning/catalogue.html", progress=items)
    return kept_page(("catalogue", viewer_kind(), shown(items)), page)


@bp.get("/modules/<module_id>")
def module(module_id: str) -> str:
    """A module: outcomes, lessons with done marks, quizzes, progress and "continue"."""
    item = ModuleProgress(find_module(module_id), current_record())
    page = partial(render_template, "learning/module.html", item=item)
    return kept_page(("module", viewer_kind(), shown([item])), page)


@bp.get("/modules/<module_id>/continue")
def resume(module_id: str) -> Response:
    """Go to the first unfinished step of a module."""
    found = find_module(module_id)
    return redirect(step_url(found, ModuleProgress(found, current_record()).next_step))


@bp.get("/modules/<module_id>/lessons/<lesson_id>")
def lesson(module_id: str, lesson_id: str) -> Response | str:
    """A lesson in the learner's language, or in the source language with a notice.

    A visitor who is not signed in may keep the page and ask whether it changed (ETag, 304).
    """
    found, item = find_lesson(module_id, lesson_id)
    record = current_record()
    before, after = neighbours(found, item)
    initiatives = [course().initiatives[i] for i in item.initiatives if i in course().initiatives]
    context = {"item": ModuleProgress(found, record), "lesson": item, "initiatives": initiatives}
    render = partial(render_template, "learning/lesson.html", **context, before=before, after=after)
    key = ("lesson", viewer_kind(), shown([context["item"]]), item.id)
    page = partial(kept_page, key, render)
    if has_session() or "_flashes" in session:
        return page()
    return conditional(partial(lesson_tag, found, item, record), page)


@bp.post("/modules/<module_id>/lessons/<lesson_id>/done")
@reads_first
def lesson_done(module_id: str, lesson_id: str) -> Response:
    """Mark a lesson as done, then go on to the next step."""
    found, item = find_lesson(module_id, lesson_id)
    user = current_user()
    language = current_language() if current_language() in item.versions else found.source
    if user is None:
        guest.mark_done(found, item, language)
        record = guest.record()
    else:
        if services.mark_lesson_done(user, found, item, language):
            flash(_("You completed this module. Well done!"), "success")
        record = services.load_record(user)
    following = neighbours(found, item)[1]
    next_step = following or ModuleProgress(found, record).next_step
    return redirect(step_url(found, next_step), code=303)


def _quiz_form(
    module: Module,
    quiz: Quiz,
    error: str | None = None,
    status: int = 200,
    chosen: dict[str, tuple[str, ...]] | None = None,
) -> tuple[str, int]:
    # The form sent keeps its draw; otherwise the visitor's open form (drawn on first visit).
    token = request.form.get("form_token", "") if request.method == "POST" else ""
    layout = quizflow.submitted_draw(quiz, token) if token else None
    if layout is None:  # a new draw is committed before the page is rendered
        token, layout = quizflow.open_form(quiz)
    page = render_template(
        "learning/quiz.html",
        module=module,  # no progress on this page: the learner's record is not read
        quiz=apply_layout(quiz, layout),
        form_token=token,
        version=quiz.content_hash[:12],
        error=error,
        chosen=chosen or {},
    )
    return page, status


@bp.get("/modules/<module_id>/quizzes/<quiz_id>")
@reads_first
def quiz(module_id: str, quiz_id: str) -> tuple[str, int]:
    """The quiz as a plain form: no answer or feedback reaches the browser before submission.

    Each attempt draws its questions and their options' order; a reload shows the same draw
    (kept in a short write transaction of its own, see ``draws.open_draw``). While a retake limit
    holds, a page says when the next attempt opens.
    """
    found, item = find_quiz(module_id, quiz_id)
    opens_at = quizflow.opens_at(item)
    if opens_at is not None:
        return _wait_page(found, item, opens_at, 200)
    return _quiz_form(found, item)


def _wait_page(module: Module, quiz: Quiz, opens_at: datetime, status: int) -> tuple[str, int]:
    item = ModuleProgress(module, current_record())
    return render_template("learning/wait.html", item=item, quiz=quiz, opens_at=opens_at), status


@bp.post("/modules/<module_id>/quizzes/<quiz_id>")
@keeps_input
@reads_first  # reads, checks and grades before taking the write lock (see course.db)
def submit_quiz(module_id: str, quiz_id: str) -> Response | tuple[str, int]:
    """Grade the answers on the server, record the attempt once, and show the result."""
    found, item = find_quiz(module_id, quiz_id)
    if refusal():  # expired page or storage fault: nothing recorded, the choices come back
        chosen = {q.id: tuple(request.form.getlist(f"q-{q.id}")) for q in item.questions}
        return _quiz_form(found, item, refusal_message(), 400, chosen)
    form_token = request.form.get("form_token", "")
    if not TOKEN_RE.fullmatch(form_token):
        abort(400)
    layout = quizflow.submitted_draw(item, form_token)
    if layout is None:  # no longer open: sent again after it was recorded, or outdated
        recorded = quizflow.already_recorded(item, form_token)
        if recorded is not None:  # the same form sent again: its result
            return _to_result(found, item, recorded)
    if request.form.get("version") != item.content_hash[:12] or layout is None:
        flash(_("This quiz was updated after you opened it. Please answer it again."), "error")
        return redirect(url_for("learning.quiz", module_id=found.id, quiz_id=item.id), 303)
    opens_at = quizflow.opens_at(item)
    if opens_at is not None:
        return _wait_page(found, item, opens_at, 429)
    asked = apply_layout(item, layout)
    try:  # an answer to a question this attempt did not draw is refused too
        answers = parse_answers(asked, request.form)
    except InvalidAnswers:
        current_app.logger.info("Refused quiz answers for %s/%s", found.id, item.id)
        return _quiz_form(
            found,
            item,
            _(
                "These answers do not belong to this quiz, so nothing "
                "was recorded. Please answer again."
            ),
            400,
        )
    if not any(answers.values()):
        return _quiz_form(found, item, _("Answer at least one question before you submit."), 400)
    language = current_language() if current_language() in item.languages else found.source
    user = quizflow.learner()
    if user is None:
        guest.add_attempt(found, item, answers, form_token, grade(asked, answers), language, layout)
        return _to_result(found, item, {})
    result = services.record_attempt(
        user, found, item, answers, form_token, language, layout, asked
    )
    if result.completed_module:
        flash(_("You completed this module. Well done!"), "success")
    return _to_result(found, item, {"attempt": result.attempt_id})


def _to_result(module: Module, quiz: Quiz, args: dict[str, int]) -> Response:
    return redirect(
        url_for("learning.quiz_result", module_id=module.id, quiz_id=quiz.id, **args), code=303
    )


@bp.get("/modules/<module_id>/quizzes/<quiz_id>/result")
def quiz_result(module_id: str, quiz_id: str) -> str:
    """Score, pass or fail, and feedback on each question of one of my attempts."""
    found, item = find_quiz(module_id, quiz_id)
    attempt_id = request.args.get("attempt", type=int)
    if attempt_id is not None and not 0 < attempt_id < 2**31:
        abort(404)  # no such attempt, nor an id the database's integers can hold
    shown = quizflow.shown_attempt(item, attempt_id)
    if shown is None:
        abort(404)
    answers, layout, history, changed = shown
    asked, result = quizflow.graded(item, layout, answers)
    record = current_record()
    return render_template(
        "learning/result.html",
        item=ModuleProgress(found, record),
        quiz=asked,
        result=result,
        history=history,
        history_limit=quizflow.HISTORY,
        changed=changed,
        reveal=quizflow.reveals(item, record),
        opens_at=quizflow.opens_at(item),
    )


@bp.get("/my-learning")
@login_required
def my_learning() -> str:
    """Every module's progress, where to pick up, and news from one's cohorts."""
    user = current_user()
    hooks = current_app.extensions.get("course_my_learning_notices", ())
    return render_template(
        "learning/my_learning.html",
        progress=progress(course(), current_record()),
        notices=[notice for hook in hooks for notice in hook(user)] if user else [],
    )


@bp.get("/modules/<module_id>/media/<path:filename>")
def media(module_id: str, filename: str) -> Response:
    """Images and files of a module's media/ folder (send_from_directory refuses ../)."""
    found = find_module(module_id)
    response = send_from_directory(Path(found.folder) / "media", filename, max_age=3600)
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@bp.get("/api/v1/me/progress")
def api_progress() -> Response | tuple[Response, int]:
    """My progress as JSON (session authentication)."""
    user = current_user()
    if user is None:
        return jsonify(error="not_signed_in", message="Sign in to see your progress."), 401
    return jsonify(modules=progress_document(course(), services.load_record(user)))
