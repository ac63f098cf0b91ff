"""Warnings about quizzes a test-wise learner could pass without reading the lessons.

Each rule names a pattern such a learner exploits (see "What content check warns about" in
``modules/README.md``): the correct option is the longest, true/false answers lean one way,
the correct option repeats a distinctive word of the prompt, a prompt seen in another module,
a pool barely larger than what each attempt draws. They read the loaded course for texts and
answer keys, and the quiz files again only for the lines to report.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .model import Course, Module, Question, QuestionType, Quiz
from .problems import Report
from .quizzes import QUIZ_RE
from .words import content_words, normalized
from .yamlfile import Map, Seq, YamlError, parse_yaml

#: A pattern needs this many questions of its kind before it is one.
MIN_QUESTIONS = 3
POOL_FACTOR = 1.5
CHOICES = (QuestionType.SINGLE, QuestionType.MULTIPLE)


@dataclass(frozen=True)
class QuizFile:
    """One language file of a loaded quiz, for the lines of its fields and questions."""

    path: Path
    language: str
    data: Map

    def line(self, key: str) -> int:
        return self.data.line_of(key)

    def question_line(self, question_id: str) -> int:
        entries = self.data.get("questions")
        if isinstance(entries, Seq):
            for entry in entries:
                if isinstance(entry, Map) and entry.get("id") == question_id:
                    return entry.line
        return self.line("questions")


def check_quizzes(report: Report, modules_dir: Path, course: Course) -> None:
    """Report every predictable key of the course's quizzes as a warning."""
    prompts: dict[tuple[str, str], tuple[Module, str, QuizFile]] = {}
    for module in course.modules:
        for quiz, files in _quiz_files(modules_dir, module):
            source = files[module.source]
            _check_true_false(report, quiz, source)
            _check_pool(report, quiz, source)
            for quiz_file in files.values():
                _check_lengths(report, quiz, quiz_file)
                _check_wording(report, quiz, quiz_file)
                _check_repeated(report, module, quiz, quiz_file, prompts)


def _quiz_files(modules_dir: Path, module: Module) -> Iterator[tuple[Quiz, dict[str, QuizFile]]]:
    """Each loaded quiz of ``module`` with its files by language (unreadable ones left out).

    Paths start with ``modules_dir``, as the loader's do (``module.folder`` is resolved).
    """
    folder = modules_dir / Path(module.folder).name / "quizzes"
    by_name: dict[str, dict[str, QuizFile]] = {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        match = QUIZ_RE.fullmatch(path.name)
        try:
            data = parse_yaml(path.read_text(encoding="utf-8-sig")) if match else None
        except (OSError, UnicodeDecodeError, YamlError):
            continue
        if isinstance(data, Map):
            by_name.setdefault(match["name"], {})[match["lang"]] = QuizFile(
                path, match["lang"], data
            )
    for files in by_name.values():
        source = files.get(module.source)
        quiz = module.quiz(str(source.data.get("id"))) if source else None
        if quiz is not None:
            yield quiz, {lang: f for lang, f in files.items() if lang in quiz.languages}


def _longest_is_correct(question: Question, language: str) -> bool:
    lengths = sorted(
        ((len(option.texts[language].text), option.correct) for option in question.options),
        reverse=True,
    )
    return lengths[0][1] and (len(lengths) < 2 or lengths[0][0] > lengths[1][0])


def _check_lengths(report: Report, quiz: Quiz, quiz_file: QuizFile) -> None:
    """The correct option is the longest in more than half of the choice questions.

    Lengths are compared within one language: each language file is checked on its own.
    """
    questions = [q for q in quiz.questions if q.type in CHOICES]
    longest = [q.id for q in questions if _longest_is_correct(q, quiz_file.language)]
    if len(questions) >= MIN_QUESTIONS and len(longest) > len(questions) / 2:
        report.warn(
            quiz_file.path,
            quiz_file.line("questions"),
            f"the correct option is the longest in {len(longest)} of {len(questions)} "
            f"questions ({', '.join(longest)}): a learner who picks the longest passes; "
            "write distractors as long as the answer",
        )


def _check_true_false(report: Report, quiz: Quiz, source: QuizFile) -> None:
    """True/false answers are more than two thirds one way."""
    answers = [
        next(option.id for option in question.options if option.correct)
        for question in quiz.questions
        if question.type is QuestionType.TRUE_FALSE
    ]
    if len(answers) < MIN_QUESTIONS:
        return
    for answer in ("true", "false"):
        count = answers.count(answer)
        if count > len(answers) * 2 / 3:
            report.warn(
                source.path,
                source.line("questions"),
                f"{count} of {len(answers)} true/false questions have the answer '{answer}': "
                "a learner who always answers it passes; balance them",
            )


def _check_pool(report: Report, quiz: Quiz, source: QuizFile) -> None:
    """A pool smaller than 1.5 times ``draw``, or than a group's draw (smaller than the draw
    itself is an error already)."""
    pools = []
    if quiz.draw is not None:
        pools.append(("", quiz.draw, len(quiz.questions), source.line("draw")))
    groups = source.data.get("draw")
    for group, count in quiz.draw_groups.items():
        size = sum(question.group == group for question in quiz.questions)
        line = groups.line_of(group) if isinstance(groups, Map) else source.line("draw")
        pools.append((f" of group '{group}'", count, size, line))
    for what, draw, size, line in pools:
        needed = math.ceil(draw * POOL_FACTOR)
        if draw <= size < needed:
            report.warn(
                source.path,
                line,
                f"the pool{what} has {size} questions for a draw of {draw}: hold at least "
                f"{needed}, so that a retake asks different questions",
            )


def _check_wording(report: Report, quiz: Quiz, quiz_file: QuizFile) -> None:
    """A correct option shares a distinctive word with the prompt that no distractor has.

    Distinctive: not a stop word, not short, and used in no other question of the quiz (a
    word of the quiz's theme, such as "women", gives nothing away).
    """
    language = quiz_file.language
    words = {q.id: _question_words(q, language) for q in quiz.questions}
    for question in quiz.questions:
        if question.type not in CHOICES:
            continue
        elsewhere = set().union(*(w for qid, w in words.items() if qid != question.id))
        prompt = content_words(question.texts[language].prompt)
        correct, distractors = set(), set()
        for option in question.options:
            target = correct if option.correct else distractors
            target |= content_words(option.texts[language].text)
        shared = sorted((prompt & correct) - distractors - elsewhere)
        if shared:
            report.warn(
                quiz_file.path,
                quiz_file.question_line(question.id),
                f"question '{question.id}': the prompt and the correct option share "
                f"{', '.join(repr(w) for w in shared)}, which no other option has",
            )


def _question_words(question: Question, language: str) -> set[str]:
    words = content_words(question.texts[language].prompt)
    for option in question.options:
        words |= content_words(option.texts[language].text)
    return words


def _check_repeated(
    report: Report,
    module: Module,
    quiz: Quiz,
    quiz_file: QuizFile,
    prompts: dict[tuple[str, str], tuple[Module, str, QuizFile]],
) -> None:
    """The same prompt (after normalizing) in two modules."""
    for question in quiz.questions:
        key = (quiz_file.language, normalized(question.texts[quiz_file.language].prompt))
        first = prompts.setdefault(key, (module, question.id, quiz_file))
        if first[0].id != module.id:
            other_module, other_id, other_file = first
            report.warn(
                quiz_file.path,
                quiz_file.question_line(question.id),
                f"question '{question.id}' has the same prompt as question '{other_id}' of "
                f"module '{other_module.id}' ({other_file.path.name}:"
                f"{other_file.question_line(other_id)}): ask each thing in one module",
            )
