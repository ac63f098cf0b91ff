"""Quiz files: the source holds ids, answer keys and texts; translations hold texts only.

``quizzes/<name>.<lang>.yaml``. A translation repeats the question and option ids of the
source and gives their texts; it cannot change types, answer keys or the pass mark.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from . import model
from .fields import LANG, Fields, read_yaml
from .model import Option, OptionText, Question, QuestionText, QuestionType, Quiz, Reveal
from .problems import Report
from .translation import check_source_version
from .yamlfile import Map

QUIZ_RE = re.compile(rf"^(?P<name>[a-z0-9][a-z0-9-]*)\.{LANG}\.yaml$")

SOURCE_QUIZ = {"id", "title", "pass_mark", "draw", "questions", "shuffle_questions", "reveal"}
SOURCE_QUIZ |= {"retake_after", "max_attempts_per_day"}
SOURCE_QUESTION = {"id", "type", "prompt", "explanation", "options", "shuffle", "group", "skill"}
SOURCE_OPTION = {"id", "text", "correct", "feedback"}
TRANSLATED_QUIZ = {"source", "title", "questions"}
TRANSLATED_QUESTION = {"id", "prompt", "explanation", "options"}
TRANSLATED_OPTION = {"id", "text", "feedback"}
MAX_QUESTIONS = 100
MAX_OPTIONS = 12


def _check_answer_key(
    report: Report, path: Path, line: int, kind: QuestionType, options: list[Option]
) -> None:
    correct = sum(option.correct for option in options)
    if kind is QuestionType.SINGLE and correct != 1:
        report.error(
            path, line, f"a single-choice question needs exactly one correct option, not {correct}"
        )
    elif kind is QuestionType.MULTIPLE and correct == 0:
        report.error(path, line, "a multiple-choice question needs at least one correct option")
    elif kind is QuestionType.TRUE_FALSE:
        if sorted(option.id for option in options) != ["false", "true"]:
            report.error(
                path, line, "a true/false question has exactly the options 'true' and 'false'"
            )
        elif correct != 1:
            report.error(path, line, "a true/false question needs exactly one correct option")
    if kind is not QuestionType.TRUE_FALSE and len(options) < 2:
        report.error(path, line, "a question needs at least two options")


def _unique(
    report: Report, path: Path, fields: Fields, key: str, entries: list[Map], what: str
) -> list[Map]:
    seen: set[str] = set()
    kept = []
    for index, entry in enumerate(entries):
        entry_id = entry.get("id")
        if isinstance(entry_id, str) and entry_id in seen:
            report.error(path, fields.item_line(key, index), f"duplicate {what} id '{entry_id}'")
            continue
        if isinstance(entry_id, str):
            seen.add(entry_id)
        kept.append(entry)
    return kept


def _read_source_question(
    report: Report, path: Path, entry: Map, language: str, skills: Collection[str]
) -> Question:
    """One question of a source quiz file, with its options and answer key checked."""
    question = Fields(report, path, entry, SOURCE_QUESTION)
    if (skill := question.identifier("skill", required=False)) and skill not in skills:
        question.error("skill", f"unknown skill '{skill}'")
    try:
        kind = QuestionType(question.text("type"))
    except ValueError:
        question.error("type", "'type' must be single, multiple or true_false")
        kind = QuestionType.SINGLE
    option_entries = _unique(report, path, question, "options", question.items("options"), "option")
    if len(option_entries) > MAX_OPTIONS:
        question.error("options", f"a question has at most {MAX_OPTIONS} options")
    options = []
    for option_entry in option_entries:
        option = Fields(report, path, option_entry, SOURCE_OPTION)
        option_id = option.identifier("id")
        texts = OptionText(
            option.text("text", kind is not QuestionType.TRUE_FALSE), option.text("feedback")
        )
        options.append(
            Option(option_id, bool(option.boolean("correct")), model.frozen_map({language: texts}))
        )
    _check_answer_key(report, path, entry.line, kind, options)
    shuffle = question.boolean("shuffle", required=False)
    return Question(
        id=question.identifier("id"),
        type=kind,
        options=tuple(options),
        texts=model.frozen_map(
            {language: QuestionText(question.text("prompt"), question.text("explanation"))}
        ),
        shuffle=shuffle is not False,
        group=question.identifier("group", required=False) or None,
        skill=skill or None,
    )


def _settings(quiz: Fields, questions: list[Question]) -> dict[str, Any]:
    """The quiz's drawing, reveal and retake settings, as :class:`Quiz` fields."""
    value, groups = quiz.data.get("draw"), {}
    draw = None if isinstance(value, Map) else quiz.integer("draw", False, 1, MAX_QUESTIONS)
    if draw is not None and draw > len(questions):
        quiz.error("draw", f"'draw' asks for {draw} questions but the quiz has {len(questions)}")
    if isinstance(value, Map):  # draw: {group: N}
        per_group = Fields(quiz.report, quiz.path, value, set(value), "group")
        for group in value:
            size = sum(q.group == group for q in questions)
            count = per_group.integer(group, minimum=1, maximum=MAX_QUESTIONS) or 0
            if count > size:
                per_group.error(group, f"'draw' asks {count} of group '{group}', which has {size}")
            groups[group] = count
    reveal = quiz.text("reveal", required=False) or Reveal.PASSED.value
    if reveal not in set(Reveal):
        quiz.error("reveal", "'reveal' must be passed or always")
    return {
        "draw": draw,
        "draw_groups": model.frozen_map(groups),
        "shuffle_questions": quiz.boolean("shuffle_questions", required=False) is not False,
        "reveal": Reveal(reveal) if reveal in set(Reveal) else Reveal.PASSED,
        "retake_after": quiz.integer("retake_after", False, minimum=1, maximum=525_600),
        "max_attempts_per_day": quiz.integer("max_attempts_per_day", False, minimum=1),
    }


def read_source_quiz(
    report: Report, path: Path, module_id: str, language: str, skills: Collection[str] = ()
) -> Quiz | None:
    """Read a source quiz file; None when it has errors (all of them reported)."""
    data = read_yaml(report, path)
    if data is None:
        return None
    errors_before = len(report.errors)
    quiz = Fields(report, path, data, SOURCE_QUIZ)
    quiz_id = quiz.identifier("id")
    title = quiz.text("title", required=False, max_length=200)
    pass_mark = quiz.integer("pass_mark", minimum=1, maximum=100)
    entries = _unique(report, path, quiz, "questions", quiz.items("questions"), "question")
    if not entries and "questions" in data:
        quiz.error("questions", "a quiz needs at least one question")
    if len(entries) > MAX_QUESTIONS:
        quiz.error("questions", f"a quiz has at most {MAX_QUESTIONS} questions")
    questions = [_read_source_question(report, path, e, language, skills) for e in entries]
    settings = _settings(quiz, questions)
    if len(report.errors) > errors_before:
        return None
    return Quiz(
        id=quiz_id,
        module_id=module_id,
        pass_mark=pass_mark or 0,
        questions=tuple(questions),
        **settings,
        languages=(language,),
        content_hash=hashlib.sha256(path.read_bytes()).hexdigest(),
        titles=model.frozen_map({language: title} if title else {}),
    )


def add_translation(
    report: Report, path: Path, quiz: Quiz, language: str, source_path: Path
) -> Quiz:
    """``quiz`` with the texts of a translation file (its language listed as outdated if so).

    A translation whose ids differ from the source is an error and is not used.
    """
    data = read_yaml(report, path)
    if data is None:
        return quiz
    errors_before = len(report.errors)
    fields = Fields(report, path, data, TRANSLATED_QUIZ)
    outdated = check_source_version(report, path, fields, source_path)
    title = fields.text("title", required=False, max_length=200)
    entries = {e.get("id"): e for e in fields.items("questions")}
    _same_ids(
        report,
        path,
        data.line_of("questions"),
        "question",
        [q.id for q in quiz.questions],
        list(entries),
    )
    questions = [
        _translated_question(report, path, q, entries.get(q.id), language) for q in quiz.questions
    ]
    if len(report.errors) > errors_before:
        return quiz
    titles = _with(quiz.titles, language, title) if title else quiz.titles
    return dataclasses.replace(
        quiz,
        questions=tuple(questions),
        languages=(*quiz.languages, language),
        titles=titles,
        outdated=(*quiz.outdated, language) if outdated else quiz.outdated,
    )


def _translated_question(
    report: Report, path: Path, question: Question, entry: Map | None, language: str
) -> Question:
    """``question`` with the texts of its translation ``entry`` (unchanged without one)."""
    if entry is None:
        return question
    translated = Fields(report, path, entry, TRANSLATED_QUESTION)
    option_entries = {e.get("id"): e for e in translated.items("options")}
    what, option_ids = f"option (question '{question.id}')", [o.id for o in question.options]
    _same_ids(report, path, entry.line, what, option_ids, list(option_entries))
    options = []
    for option in question.options:
        option_entry = option_entries.get(option.id)
        if option_entry is None:
            options.append(option)
            continue
        option_fields = Fields(report, path, option_entry, TRANSLATED_OPTION)
        text = OptionText(
            option_fields.text("text", question.type is not QuestionType.TRUE_FALSE),
            option_fields.text("feedback"),
        )
        options.append(Option(option.id, option.correct, _with(option.texts, language, text)))
    text = QuestionText(translated.text("prompt"), translated.text("explanation"))
    return dataclasses.replace(
        question, options=tuple(options), texts=_with(question.texts, language, text)
    )


def _same_ids(
    report: Report, path: Path, line: int, what: str, source: list[str], translated: list[object]
) -> None:
    missing = [i for i in source if i not in translated]
    extra = [str(i) for i in translated if i not in source]
    found = (("missing", missing), ("unknown", extra))
    details = "; ".join(f"{label} {', '.join(ids)}" for label, ids in found if ids)
    if details:
        report.error(path, line, f"{what} ids differ from the source: {details}")


def _with(texts: Mapping[str, object], language: str, value: object) -> Mapping[str, object]:
    return model.frozen_map({**texts, language: value})


def read_quizzes(
    report: Report,
    folder: Path,
    module_id: str,
    source_language: str,
    languages: tuple[str, ...],
    skills: Collection[str] = (),
) -> list[Quiz]:
    """Every quiz of a module folder's ``quizzes/``, with its translations; ``skills``: the
    ids of the skills framework, which questions may name."""
    quiz_folder = folder / "quizzes"
    if not quiz_folder.is_dir():
        return []
    files: dict[str, dict[str, Path]] = {}
    for path in sorted(quiz_folder.iterdir()):
        match = QUIZ_RE.fullmatch(path.name)
        if match is None:
            report.warn(path, 0, "unexpected file: quizzes are named like check.en.yaml")
            continue
        files.setdefault(match["name"], {})[match["lang"]] = path
    quizzes = []
    for name, paths in files.items():
        source = paths.get(source_language)
        if source is None:
            report.error(
                next(iter(paths.values())),
                0,
                f"quiz '{name}' has no {source_language} version, the module's source language",
            )
            continue
        quiz = read_source_quiz(report, source, module_id, source_language, skills)
        if quiz is None:
            continue
        for language, path in paths.items():
            if language != source_language:
                quiz = add_translation(report, path, quiz, language, source)
        for language in languages:
            if language not in paths:
                report.warn(source, 0, f"no {language} translation of this quiz")
        quizzes.append(quiz)
    return quizzes
