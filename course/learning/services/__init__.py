"""Learning services: mark lessons done, record graded attempts, complete modules, progress.

This package owns the tables of what learners did (``LessonDone``, ``QuizAttempt``,
``ModuleCompletion``): other features ask these functions (``best_scores``,
``completed_modules``, ``quiz_statistics``, ``export_data``) and never query them. The open
quiz draws (``QuizDraw``) are ``draws``'s.

"Only once" is the database's job: lesson marks, attempts (per form) and completions have
unique constraints, and inserts that would break one do nothing instead of failing, so two
tabs, a double click or fifty concurrent submissions never record anything twice.
"""

from .recording import (
    AttemptResult,
    asked,
    complete_if_done,
    mark_lesson_done,
    record_attempt,
    recorded_attempt,
)
from .records import (
    attempt_by_token,
    attempts,
    best_scores,
    completed_modules,
    export_data,
    first_attempts,
    load_record,
    load_records,
    own_attempt,
    recent_attempt_times,
)
from .results import question_history, question_results, quiz_statistics

__all__ = [
    "AttemptResult",
    "asked",
    "attempt_by_token",
    "attempts",
    "best_scores",
    "complete_if_done",
    "completed_modules",
    "export_data",
    "first_attempts",
    "load_record",
    "load_records",
    "mark_lesson_done",
    "own_attempt",
    "question_history",
    "question_results",
    "quiz_statistics",
    "recent_attempt_times",
    "record_attempt",
    "recorded_attempt",
]
