"""What a learner did: lessons marked done, quiz attempts (append-only), completed modules,
and the quiz draws they have open.

Ids of modules, lessons and quizzes come from the course files; they are stable by rule
(see modules/README.md), so rows refer to them by id rather than by foreign key.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

ID = String(64)


class LessonDone(db.Model):
    """A lesson a learner marked as done, once."""

    __tablename__ = "lesson_done"
    __table_args__ = (UniqueConstraint("user_id", "module_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[str] = mapped_column(ID)
    lesson_id: Mapped[str] = mapped_column(ID)
    #: The language the learner read it in; progress counts whatever the language.
    language: Mapped[str] = mapped_column(String(16))
    done_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class QuizAttempt(db.Model):
    """One graded submission of a quiz. Rows are only ever added, never changed."""

    __tablename__ = "quiz_attempt"
    #: A form is recorded once, however often it is sent (double clicks, replays).
    __table_args__ = (UniqueConstraint("user_id", "form_token"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[str] = mapped_column(ID)
    quiz_id: Mapped[str] = mapped_column(ID, index=True)
    #: SHA-256 of the quiz file the answers were given to.
    content_hash: Mapped[str] = mapped_column(String(64))
    form_token: Mapped[str] = mapped_column(String(64))
    #: {question id: [option ids]} as submitted.
    answers: Mapped[dict[str, list[str]]] = mapped_column(JSON)
    #: The questions this attempt asked, in order, each with its option ids in the order
    #: shown: [[question id, [option ids]], …]. The score is over these. None: an attempt
    #: from before question pools, which asked every question in the file's order.
    questions: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    correct: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    score: Mapped[int] = mapped_column(Integer)  #: percent, rounded down
    passed: Mapped[bool] = mapped_column(Boolean)
    language: Mapped[str] = mapped_column(String(16))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class QuizDraw(db.Model):
    """The questions and order drawn for a quiz form a learner has open, until they submit it.

    One per learner and quiz: reloading the page shows the same draw; recording the attempt
    removes it, so the next attempt draws again.
    """

    __tablename__ = "quiz_draw"
    __table_args__ = (UniqueConstraint("user_id", "quiz_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    quiz_id: Mapped[str] = mapped_column(ID)
    #: SHA-256 of the quiz file drawn from: a draw from another version is drawn again.
    content_hash: Mapped[str] = mapped_column(String(64))
    form_token: Mapped[str] = mapped_column(String(64))
    #: Per question asked, its index in the file then its options' indices, in order.
    layout: Mapped[list[list[int]]] = mapped_column(JSON)
    drawn_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ModuleCompletion(db.Model):
    """A module a learner completed: all lessons done and all quizzes passed. Once only."""

    __tablename__ = "module_completion"
    __table_args__ = (UniqueConstraint("user_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[str] = mapped_column(ID)
    #: The version of the module the learner completed.
    content_hash: Mapped[str] = mapped_column(String(64))
    completed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
