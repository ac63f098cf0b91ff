"""The documented format: the README example loads cleanly, and the server uses content right."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from content_examples import example_files, write_examples
from helpers import login

from course import ContentError, create_app
from course.accounts.models import Role
from course.config import PROJECT_ROOT
from course.content.loader import load_course


def test_the_readme_example_is_complete_and_loads_without_a_single_problem(tmp_path):
    files = example_files()
    assert {
        "modules/01-first-edit-a-thon/module.yaml",
        "badges/first-edit-a-thon.yaml",
        "modules/01-first-edit-a-thon/quizzes/check.fr.yaml",
    } <= set(files)
    course, report = load_course(*write_examples(tmp_path), ["en", "fr"])
    assert [str(p) for p in report.problems] == []
    module = course.module("first-edit-a-thon")
    assert module.texts["fr"].title.startswith("Votre premier")
    assert [lesson.id for lesson in module.lessons] == ["why-a-partner"]
    assert module.lessons[0].initiatives == ("wikigap",)
    quiz = module.quizzes[0]
    assert quiz.languages == ("en", "fr") and quiz.outdated == ()
    assert course.badge("first-edit-a-thon").modules == ("first-edit-a-thon",)
    assert course.initiatives["wikigap"].texts["fr"].name == "#WikiGap"


def test_content_show_prints_the_course_with_ids_and_answer_keys(runner, tmp_path):
    modules, badges = write_examples(tmp_path)
    result = runner.invoke(
        args=["content", "show", "--json", "--modules", str(modules), "--badges", str(badges)]
    )
    data = json.loads(result.output)
    question = data["modules"][0]["quizzes"][0]["questions"][0]
    assert question["id"] == "q-host"
    assert [(o["id"], o["correct"]) for o in question["options"]] == [
        ("embassy", True),
        ("alone", False),
    ]
    assert data["badges"][0]["id"] == "first-edit-a-thon"
    assert data["initiatives"]["wikigap"]["sources"][0]["url"].startswith("https://")


def test_hashes_change_when_a_file_changes(tmp_path):
    modules, badges = write_examples(tmp_path)
    before, _ = load_course(modules, badges, ["en"])
    quiz_file = modules / "01-first-edit-a-thon" / "quizzes" / "check.en.yaml"
    quiz_file.write_text(quiz_file.read_text().replace("pass_mark: 50", "pass_mark: 60"))
    after, _ = load_course(modules, badges, ["en"])
    assert before.modules[0].content_hash != after.modules[0].content_hash
    assert before.modules[0].quizzes[0].content_hash != after.modules[0].quizzes[0].content_hash


def test_the_server_refuses_to_start_with_broken_content(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_INSTANCE_PATH", str(tmp_path))
    broken = PROJECT_ROOT / "tests" / "data" / "broken"
    with pytest.raises(ContentError) as error:
        create_app(
            {
                "TESTING": True,
                "MODULES_DIR": str(broken / "modules"),
                "BADGES_DIR": str(broken / "badges"),
            }
        )
    expected = [
        line
        for line in (broken / "expected.txt").read_text().splitlines()
        if ": warning: " not in line
        and "huge" not in line
        and line.startswith(("modules/", "badges/"))
    ]
    reported = str(error.value).replace(f"{broken}/", "")
    for line in expected:
        assert line in reported


@pytest.mark.content("readme")
@pytest.mark.settings(DEBUG=True)
def test_debug_mode_reloads_content_when_a_file_changes(app, client, content_dirs):
    modules = Path(content_dirs["MODULES_DIR"])
    app.debug = True
    app.extensions["course_content"].auto_reload = True
    assert "#WikiGap" in client.get("/initiatives").get_data(as_text=True)
    text = modules / "initiatives" / "wikigap.en.md"
    text.write_text(text.read_text().replace('name: "#WikiGap"', 'name: "WikiGap renamed"'))
    os.utime(text, (time.time() + 5, time.time() + 5))
    app.extensions["course_content"]._checked = 0.0  # as if a second had passed
    assert "WikiGap renamed" in client.get("/initiatives").get_data(as_text=True)


@pytest.mark.content("readme")
@pytest.mark.parametrize(
    ("role", "status"), [(None, 302), (Role.LEARNER, 403), (Role.TRAINER, 200), (Role.ADMIN, 200)]
)
def test_only_trainers_and_admins_preview_modules(client, create_user, role, status):
    if role:
        create_user("someone@example.org", role=role)
        login(client, "someone@example.org")
    for path in ("/trainer/modules", "/trainer/modules/first-edit-a-thon?lang=fr"):
        assert client.get(path).status_code == status


@pytest.mark.content("readme")
def test_the_preview_shows_answer_keys_feedback_and_translation_status(trainer):
    client = trainer  # signed in as Tess, a trainer
    table = client.get("/trainer/modules").get_data(as_text=True)
    assert "up to date" in table and "first-edit-a-thon-check" in table
    page = client.get("/trainer/modules/first-edit-a-thon?lang=fr").get_data(as_text=True)
    assert "Pourquoi un partenaire local" in page
    assert "Exact, c&#39;est ainsi que les organisateurs le décrivent." in page
    assert 'class="correct"' in page
    assert client.get("/trainer/modules/no-such-module").status_code == 404


@pytest.mark.content("readme")
def test_the_catalogue_filters_by_region_format_and_language(client):
    assert "#WikiGap" in client.get("/initiatives?region=africa").get_data(as_text=True)
    assert "#WikiGap" not in client.get("/initiatives?region=oceania").get_data(as_text=True)
    assert "#WikiGap" in client.get("/initiatives?format=contest&language=sv").get_data(
        as_text=True
    )
    assert "#WikiGap" not in client.get("/initiatives?format=residency").get_data(as_text=True)
    page = client.get("/initiatives/wikigap", headers={"Accept-Language": "fr"}).get_data(
        as_text=True
    )
    assert "Des ambassades dans plus de 60 pays" in page
    assert "https://www.government.se/government-policy/wikigap/" in page
    assert "Pourquoi un partenaire local" in page  # the lesson that cites it
    assert client.get("/initiatives/unknown").status_code == 404
