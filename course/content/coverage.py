"""How complete each language is: what ``content check`` and the trainer preview show."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Course


@dataclass(frozen=True)
class Coverage:
    """For one language: how many items of each kind exist in it, and how many are outdated."""

    language: str
    modules: tuple[int, int]
    lessons: tuple[int, int]
    outdated_lessons: int
    quizzes: tuple[int, int]
    outdated_quizzes: int
    initiatives: tuple[int, int]
    badges: tuple[int, int]

    @property
    def complete(self) -> bool:
        counts = (self.modules, self.lessons, self.quizzes, self.initiatives, self.badges)
        return all(have == total for have, total in counts) and not (
            self.outdated_lessons or self.outdated_quizzes
        )

    def __str__(self) -> str:
        def part(name: str, counts: tuple[int, int], outdated: int = 0) -> str:
            late = f" ({outdated} outdated)" if outdated else ""
            return f"{counts[0]}/{counts[1]} {name}{late}"

        return f"{self.language}: " + ", ".join(
            [
                part("modules", self.modules),
                part("lessons", self.lessons, self.outdated_lessons),
                part("quizzes", self.quizzes, self.outdated_quizzes),
                part("initiatives", self.initiatives),
                part("badges", self.badges),
            ]
        )


def coverage(course: Course, language: str) -> Coverage:
    """Count what exists in ``language`` (a module's source language counts as present)."""
    lessons = [lesson for module in course.modules for lesson in module.lessons]
    quizzes = [quiz for module in course.modules for quiz in module.quizzes]
    return Coverage(
        language=language,
        modules=(sum(language in m.texts for m in course.modules), len(course.modules)),
        lessons=(sum(language in lesson.versions for lesson in lessons), len(lessons)),
        outdated_lessons=sum(
            lesson.versions[language].outdated for lesson in lessons if language in lesson.versions
        ),
        quizzes=(sum(language in q.languages for q in quizzes), len(quizzes)),
        outdated_quizzes=sum(language in q.outdated for q in quizzes),
        initiatives=(
            sum(language in i.texts for i in course.initiatives.values()),
            len(course.initiatives),
        ),
        badges=(sum(language in b.names for b in course.badges), len(course.badges)),
    )
