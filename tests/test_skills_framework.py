"""The skills framework: read and checked with path:line, published as pages and as a CASE
package whose identifiers never change, and pointed at by lessons, questions and badges."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from markupsafe import escape

from course.config import PROJECT_ROOT
from course.content.case import case_package
from course.content.loader import load_course

LANGUAGES = ("en", "fr")
DATA = Path(__file__).parent / "data" / "skills"


def shipped():
    course, report = load_course(PROJECT_ROOT / "modules", PROJECT_ROOT / "badges", LANGUAGES)
    assert not report.errors
    return course


# --- the shipped framework -------------------------------------------------------------------


def test_every_lesson_question_and_badge_of_the_shipped_course_points_at_skills():
    course = shipped()
    framework = course.skills
    assert framework is not None and 12 <= len(framework.skills) <= 24
    assert [level.id for level in framework.levels] == ["aware", "practised", "leads"]
    for module in course.modules:
        for lesson in module.lessons:
            assert lesson.skills, lesson.id
        for quiz in module.quizzes:
            for question in quiz.questions:
                assert framework.skill(question.skill), (quiz.id, question.id)
    for badge in course.badges:
        assert badge.skills, badge.id
    for skill in framework.skills:
        for language in LANGUAGES:
            assert skill.names[language] and skill.statements[language], (skill.id, language)


def test_identifiers_are_uuids_used_once():
    framework = shipped().skills
    identifiers = [framework.identifier]
    identifiers += [g.identifier for g in framework.groups]
    identifiers += [s.identifier for s in framework.skills]
    assert len(set(identifiers)) == len(identifiers)
    for identifier in identifiers:
        assert str(uuid.UUID(identifier)) == identifier


# --- bad framework files: each problem with its path and line --------------------------------


def course_with(tmp_path: Path, case: str):
    """The README example course with the files of ``tests/data/skills/<case>`` over it."""
    from content_examples import write_examples

    modules, badges = write_examples(tmp_path)
    (badges / "skills.fr.yaml").unlink()
    shutil.copytree(DATA / case, tmp_path, dirs_exist_ok=True)
    return load_course(modules, badges, ("en",))


def problems(report, root: Path) -> list[str]:
    return [str(p).replace(f"{root}/", "") for p in report.problems]


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("duplicate-skill", "badges/skills.yaml:12: duplicate skill id 'find-a-partner'"),
        ("unknown-group", "badges/skills.yaml:10: unknown group 'partner'"),
        (
            "unknown-level",
            "badges/first-edit-a-thon.yaml:17: unknown level 'leads': the skills "
            "framework has no such level",
        ),
        (
            "unknown-level",
            "badges/first-edit-a-thon.yaml:18: unknown skill 'run-a-campaign' "
            "(skills are listed in skills.yaml)",
        ),
        (
            "unknown-skill",
            "modules/01-first-edit-a-thon/01-why-a-partner.en.md:5: unknown skill "
            "'find-partners' (skills are listed in badges/skills.yaml)",
        ),
        (
            "unknown-skill",
            "modules/01-first-edit-a-thon/quizzes/check.en.yaml:19: unknown skill 'host-an-event'",
        ),
        ("unassessed", "badges/skills.yaml:12: warning: no question assesses 'sign-an-agreement'"),
    ],
)
def test_a_bad_framework_or_pointer_is_reported_at_its_line(tmp_path, case, expected):
    _, report = course_with(tmp_path, case)
    assert expected in problems(report, tmp_path)


def test_the_readme_example_framework_is_clean(tmp_path):
    from content_examples import write_examples

    modules, badges = write_examples(tmp_path)
    course, report = load_course(modules, badges, LANGUAGES)
    assert report.problems == []
    assert course.badges[0].skills == (("find-a-partner", "aware"),)
    assert course.modules[0].lessons[0].skills == ("find-a-partner",)


# --- published: pages and the CASE package -----------------------------------------------------


def path_of(url: str) -> str:
    return url.removeprefix("http://localhost")


@pytest.mark.content("shipped")
def test_the_framework_has_a_page_per_group_and_per_skill_in_both_languages(client):
    english = client.get("/skills").get_data(as_text=True)
    french = client.get("/skills", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Skills for gender-focused GLAM partnerships" in english
    assert "Compétences pour les partenariats GLAM consacrés au genre" in french
    framework = shipped().skills
    for group in framework.groups:
        page = client.get(f"/skills/groups/{group.id}", headers={"Accept-Language": "fr"})
        assert escape(group.names["fr"]) in page.get_data(as_text=True)
    for skill in framework.skills:
        for language in LANGUAGES:
            page = client.get(f"/skills/{skill.id}", headers={"Accept-Language": language})
            assert page.status_code == 200
            assert escape(skill.statements[language]) in page.get_data(as_text=True)
    assert client.get("/skills/no-such-skill").status_code == 404
    assert client.get("/skills/groups/no-such-group").status_code == 404


@pytest.mark.content("shipped")
def test_a_skill_page_lists_the_lessons_that_teach_it_and_the_badges_that_certify_it(client):
    page = client.get("/skills/recognize-skills").get_data(as_text=True)
    assert "/modules/measuring-reporting/lessons/recognizing-skills" in page
    assert "/badges/measure-and-share" in page and "/badges/glam-gender-organizer" in page
    assert "Aware" in page


@pytest.mark.content("shipped")
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_case_package_items_match_the_pages(client, language):
    package = client.get(f"/skills/framework.json?lang={language}").get_json()
    document, items = package["CFDocument"], package["CFItems"]
    framework = shipped().skills
    assert document["identifier"] == framework.identifier
    assert document["language"] == language
    assert len(items) == len(framework.groups) + len(framework.skills)
    for item in items:
        assert item["language"] == language and item["lastChangeDateTime"]
        assert client.get(f"{path_of(item['uri'])}?lang={language}").get_json() == item
        if item["CFItemType"] == "Skill":
            skill = framework.skill(item["humanCodingScheme"])
            assert item["identifier"] == skill.identifier
            assert item["fullStatement"] == skill.statements[language]
            page = client.get(f"/skills/{skill.id}", headers={"Accept-Language": language})
            assert escape(item["fullStatement"]) in page.get_data(as_text=True)
            assert item["identifier"] in page.get_data(as_text=True)
        else:
            group = framework.group(item["humanCodingScheme"])
            assert item["CFItemType"] == "Skill group" and item["identifier"] == group.identifier
    parents = {
        a["originNodeURI"]["identifier"]: a["destinationNodeURI"]["identifier"]
        for a in package["CFAssociations"]
        if a["associationType"] == "isChildOf"
    }
    for skill in framework.skills:
        assert parents[skill.identifier] == framework.group(skill.group).identifier
    for group in framework.groups:
        assert parents[group.identifier] == framework.identifier
    first = package["CFAssociations"][0]
    assert client.get(path_of(first["uri"])).get_json()["identifier"] == first["identifier"]


def test_identifiers_never_change_when_texts_change(tmp_path):
    badges = tmp_path / "badges"
    shutil.copytree(PROJECT_ROOT / "badges", badges)
    texts = badges / "skills.en.yaml"
    texts.write_text(
        texts.read_text()
        .replace("Skills for gender-focused GLAM partnerships", "GLAM and gender skills")
        .replace("Can check who holds the rights", "Can find out who holds the rights")
    )
    before = shipped().skills
    after, report = load_course(PROJECT_ROOT / "modules", badges, ("en",))
    assert not report.errors
    old = case_package("https://example.org", before, "en", "Course")
    new = case_package("https://example.org", after.skills, "en", "Course")
    assert new["CFDocument"]["title"] != old["CFDocument"]["title"]
    assert [i["fullStatement"] for i in new["CFItems"]] != [
        i["fullStatement"] for i in old["CFItems"]
    ]
    for part in ("CFItems", "CFAssociations"):
        assert [i["identifier"] for i in new[part]] == [i["identifier"] for i in old[part]]
    assert new["CFDocument"]["identifier"] == old["CFDocument"]["identifier"]


def test_the_edition_an_award_was_issued_in_is_read_from_its_credential():
    from course.badges.editions import award_language

    credential = '{"credentialSubject": {"achievement": {"inLanguage": "fr"}}}'
    assert award_language(credential, "en") == "fr"
    assert award_language('{"credentialSubject": {"achievement": {}}}', "en") == "en"
    assert award_language("", "en") == "en"


@pytest.mark.browser
@pytest.mark.content("shipped")
def test_the_framework_pages_are_accessible_in_both_languages(new_context):
    from helpers import assert_accessible

    for language in LANGUAGES:
        page = new_context(locale=language).new_page()
        page.goto("/skills")
        assert_accessible(page)
        page.locator("a[href^='/skills/groups/']").first.click()
        assert_accessible(page)
        page.locator("main a[href^='/skills/']:not([href*='/groups/'])").first.click()
        assert page.locator("h2").first.is_visible()
        assert_accessible(page)
