"""The course as loaded from files: immutable objects, no database, no request.

Texts that translators write are kept per language (``texts[lang]``); ids, answer keys and
settings exist once. ``source`` is the language a module was written in, and the language
every other one falls back to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Any, NamedTuple


def frozen_map(data: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    return MappingProxyType(dict(data or {}))


class Reveal(StrEnum):
    """When a result page shows the correct option and explanation of a wrong answer."""

    PASSED = "passed"  # once the learner has passed the quiz
    ALWAYS = "always"  # at once, for practice quizzes


class QuestionType(StrEnum):
    SINGLE = "single"  # exactly one correct option
    MULTIPLE = "multiple"  # select all that apply
    TRUE_FALSE = "true_false"  # options "true" and "false"


@dataclass(frozen=True)
class OptionText:
    text: str
    feedback: str


@dataclass(frozen=True)
class Option:
    id: str
    correct: bool
    texts: Mapping[str, OptionText]


@dataclass(frozen=True)
class QuestionText:
    prompt: str
    explanation: str


@dataclass(frozen=True)
class Question:
    id: str
    type: QuestionType
    options: tuple[Option, ...]
    texts: Mapping[str, QuestionText]
    #: False keeps the options in the file's order (ordered scales).
    shuffle: bool = True
    #: The topic this question belongs to, for ``draw`` per group.
    group: str | None = None
    #: The id of the skill (in the course's skills framework) this question assesses.
    skill: str | None = None

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(frozen=True)
class Quiz:
    id: str
    module_id: str
    pass_mark: int  #: percent of the questions to get right
    questions: tuple[Question, ...]
    languages: tuple[str, ...]
    #: SHA-256 of the source file: an attempt records which version it answered.
    content_hash: str
    titles: Mapping[str, str] = field(default_factory=frozen_map)
    #: Translations made from an older version of the source file.
    outdated: tuple[str, ...] = ()
    #: How many questions an attempt asks, drawn from ``questions``; None: all of them.
    draw: int | None = None
    #: Per group, how many of its questions an attempt asks (questions of other groups: all).
    draw_groups: Mapping[str, int] = field(default_factory=frozen_map)
    #: False asks the drawn questions in the file's order.
    shuffle_questions: bool = True
    reveal: Reveal = Reveal.PASSED
    #: Minutes to wait after an attempt before the next one; None: no wait.
    retake_after: int | None = None
    #: Attempts allowed in any 24 hours; None: unlimited.
    max_attempts_per_day: int | None = None


@dataclass(frozen=True)
class LessonVersion:
    """A lesson in one language."""

    language: str
    title: str
    minutes: int
    html: str
    path: str
    #: Hash of this file; a translation names the hash of the source it was made from.
    content_hash: str
    #: For a translation, whether the source changed since it was translated.
    outdated: bool = False


@dataclass(frozen=True)
class Lesson:
    id: str
    order: int
    initiatives: tuple[str, ...]
    versions: Mapping[str, LessonVersion]
    #: Ids of the skills this lesson teaches.
    skills: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModuleText:
    title: str
    summary: str
    outcomes: tuple[str, ...]
    audience: str


@dataclass(frozen=True)
class Module:
    id: str
    order: int
    source: str
    minutes: int
    prerequisites: tuple[str, ...]
    tags: tuple[str, ...]
    initiatives: tuple[str, ...]
    texts: Mapping[str, ModuleText]
    lessons: tuple[Lesson, ...]
    quizzes: tuple[Quiz, ...]
    folder: str
    #: SHA-256 over every file of the module.
    content_hash: str

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.texts)

    def lesson(self, lesson_id: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)

    def quiz(self, quiz_id: str) -> Quiz | None:
        return next((quiz for quiz in self.quizzes if quiz.id == quiz_id), None)


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    url: str


@dataclass(frozen=True)
class InitiativeText:
    name: str
    summary: str
    places: str
    html: str


@dataclass(frozen=True)
class Initiative:
    id: str
    years: str
    regions: tuple[str, ...]
    formats: tuple[str, ...]
    languages: tuple[str, ...]  #: languages the initiative worked in
    wikimedia: tuple[str, ...]
    partners: tuple[str, ...]
    sources: tuple[Source, ...]
    texts: Mapping[str, InitiativeText]


@dataclass(frozen=True)
class Alignment:
    name: str
    url: str
    description: str = ""
    framework: str = ""
    code: str = ""


@dataclass(frozen=True)
class Badge:
    id: str
    names: Mapping[str, str]
    descriptions: Mapping[str, str]
    criteria: Mapping[str, str]
    modules: tuple[str, ...]
    min_score: int | None
    images: Mapping[str, str]  #: "svg"/"png" -> path of the artwork file
    valid_for: timedelta | None
    tags: tuple[str, ...]
    alignments: tuple[Alignment, ...]
    #: The skills it certifies, each at a level of the skills framework.
    skills: tuple[BadgeSkill, ...] = ()


class BadgeSkill(NamedTuple):
    """A skill a badge certifies: (skill id, level id)."""

    skill: str
    level: str


@dataclass(frozen=True)
class SkillLevel:
    """A level of mastery (aware, practised, leads); ``order`` counts from 1, lowest first."""

    id: str
    order: int
    names: Mapping[str, str]
    descriptions: Mapping[str, str]


@dataclass(frozen=True)
class Skill:
    id: str
    group: str  #: the id of its :class:`SkillGroup`
    #: A UUID that never changes, even when the texts do: the CASE ``CFItem`` identifier.
    identifier: str
    names: Mapping[str, str]
    #: Per language, one sentence saying what a person with this skill can do.
    statements: Mapping[str, str]


@dataclass(frozen=True)
class SkillGroup:
    id: str
    identifier: str  #: stable UUID, as for :class:`Skill`
    names: Mapping[str, str]
    descriptions: Mapping[str, str]
    skills: tuple[str, ...]  #: ids of its skills, in the framework's order


@dataclass(frozen=True)
class SkillsFramework:
    """``badges/skills.yaml`` with its texts: the skills the course teaches and certifies."""

    identifier: str  #: stable UUID of the CASE ``CFDocument``
    source: str  #: the language its texts were written in
    updated: str  #: ISO date of the last change, for CASE ``lastChangeDateTime``
    titles: Mapping[str, str]
    descriptions: Mapping[str, str]
    levels: tuple[SkillLevel, ...]
    groups: tuple[SkillGroup, ...]
    skills: tuple[Skill, ...]

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.titles)

    def skill(self, skill_id: str) -> Skill | None:
        return next((s for s in self.skills if s.id == skill_id), None)

    def level(self, level_id: str) -> SkillLevel | None:
        return next((level for level in self.levels if level.id == level_id), None)

    def group(self, group_id: str) -> SkillGroup | None:
        return next((g for g in self.groups if g.id == group_id), None)


@dataclass(frozen=True)
class Course:
    modules: tuple[Module, ...] = ()
    badges: tuple[Badge, ...] = ()
    initiatives: Mapping[str, Initiative] = field(default_factory=frozen_map)
    skills: SkillsFramework | None = None

    def module(self, module_id: str) -> Module | None:
        return next((m for m in self.modules if m.id == module_id), None)

    def badge(self, badge_id: str) -> Badge | None:
        return next((b for b in self.badges if b.id == badge_id), None)


def pick(texts: Mapping[str, Any], language: str, fallback: str) -> tuple[str, Any]:
    """The text in ``language`` if there is one, else in ``fallback``: (language used, text)."""
    if language in texts:
        return language, texts[language]
    if fallback in texts:
        return fallback, texts[fallback]
    first = next(iter(texts))
    return first, texts[first]
