"""The shipped course keeps its structural promises (issue: the course itself)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from course.accounts import services as accounts
from course.accounts.models import Role
from course.badges.models import Award
from course.config import PROJECT_ROOT
from course.content.coverage import coverage
from course.content.loader import load_course
from course.contentstore import course
from course.extensions import db
from course.learning import services as learning

LANGUAGES = ("en", "fr")


@pytest.fixture(scope="module")
def loaded():
    return load_course(PROJECT_ROOT / "modules", PROJECT_ROOT / "badges", LANGUAGES)


@pytest.fixture(scope="module")
def shipped(loaded):
    return loaded[0]


def words(path: str) -> int:
    text = Path(path).read_text(encoding="utf-8")
    body = re.sub(r"(?ms)\A---.*?^---", "", text)
    body = re.sub(r"(?m)^\[\^[^\]]+\]:.*$", "", body)
    return len(body.split())


def test_content_check_is_clean_and_complete_in_both_languages(loaded):
    course, report = loaded
    assert [str(p) for p in report.problems] == []
    for language in LANGUAGES:
        assert coverage(course, language).complete, str(coverage(course, language))


def test_six_modules_each_with_three_to_five_lessons_and_a_quiz(shipped):
    assert len(shipped.modules) >= 6
    for module in shipped.modules:
        assert 3 <= len(module.lessons) <= 5, module.id
        assert len(module.quizzes) >= 1, module.id
        for language in LANGUAGES:
            assert len(module.texts[language].outcomes) >= 2, (module.id, language)


def test_lessons_are_500_to_1200_words_and_cite_sources(shipped):
    for module in shipped.modules:
        for lesson in module.lessons:
            english = lesson.versions["en"]
            assert 500 <= words(english.path) <= 1200, (module.id, lesson.id, words(english.path))
            for language in LANGUAGES:
                html = lesson.versions[language].html
                assert re.search(r'<div class="footnote">.*href="https?://', html, re.S), (
                    lesson.id,
                    language,
                )
                assert "<h2>Sources</h2>" in html, (lesson.id, language)


def test_every_lesson_draws_on_a_documented_initiative_present_in_both_languages(shipped):
    for module in shipped.modules:
        for lesson in module.lessons:
            assert lesson.initiatives, lesson.id
            for initiative in lesson.initiatives:
                assert set(LANGUAGES) <= set(shipped.initiatives[initiative].texts), initiative
            for language in LANGUAGES:
                html = lesson.versions[language].html
                assert 'href="/initiatives/' in html, (lesson.id, language)


def test_the_library_holds_at_least_twelve_initiatives_in_both_languages(shipped):
    complete = [i for i in shipped.initiatives.values() if set(LANGUAGES) <= set(i.texts)]
    assert len(complete) >= 12
    for initiative in complete:
        assert initiative.sources and all(s.url.startswith("http") for s in initiative.sources)


def test_quizzes_ask_six_to_ten_from_a_pool_half_as_large_again_with_feedback_everywhere(shipped):
    """Each attempt asks 6 to 10 questions, drawn from a pool of at least 1.5 times that."""
    for module in shipped.modules:
        for quiz in module.quizzes:
            asked = quiz.draw or len(quiz.questions)
            assert 6 <= asked <= 10, quiz.id
            assert len(quiz.questions) >= 1.5 * asked, quiz.id
            for question in quiz.questions:
                for language in LANGUAGES:
                    assert question.texts[language].explanation, (quiz.id, question.id, language)
                    for option in question.options:
                        assert option.texts[language].feedback, (quiz.id, question.id, option.id)


def test_a_badge_per_module_and_a_capstone_requiring_all_six(shipped):
    module_ids = {m.id for m in shipped.modules}
    covered = {m for badge in shipped.badges if len(badge.modules) == 1 for m in badge.modules}
    assert covered == module_ids
    capstone = [b for b in shipped.badges if set(b.modules) == module_ids]
    assert len(capstone) == 1
    for badge in shipped.badges:
        assert {"svg", "png"} <= set(badge.images), badge.id
        assert set(LANGUAGES) <= set(badge.names), badge.id


@pytest.mark.content("shipped")
def test_the_whole_course_ends_with_the_capstone_badge(app):
    """Every lesson done and every quiz passed with its correct answers: all seven badges."""
    with app.test_request_context():
        user = accounts.create_user("ada@example.org", "Ada", "a long passphrase", Role.LEARNER)
        for module in course().modules:
            for lesson in module.lessons:
                learning.mark_lesson_done(user, module, lesson, "fr")
            for quiz in module.quizzes:
                right = {q.id: tuple(o.id for o in q.options if o.correct) for q in quiz.questions}
                result = learning.record_attempt(
                    user, module, quiz, right, f"form-{quiz.id}"[:64], "fr"
                )
                assert result.grade.score == 100
        db.session.commit()
        earned = {award.badge_id for award in db.session.query(Award).filter_by(user_id=user.id)}
    assert "glam-gender-organizer" in earned and len(earned) == 7
