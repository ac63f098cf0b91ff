"""Rendered Markdown is cached per document version: a second load renders nothing and gives
the same course and the same problems; a change, a vanished link target, a new renderer, a
deleted or corrupted cache all lead to rendering again, never to a stale page. The whole
course is kept too, and read back only while no file, language or code changed."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from content_examples import write_examples

from course.config import PROJECT_ROOT
from course.content import cache as cache_module
from course.content import fields
from course.content.cache import COURSE_FILE, FolderCache
from course.content.loader import load_course
from course.contentstore import ContentStore, cache_folder, load_cached

LANGUAGES = ("en", "fr")


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The body of every document rendered while the test runs (a hook on the renderer)."""
    bodies: list[str] = []
    real = fields.render_markdown

    def counting(text, rewrite=None, language="en"):
        bodies.append(text)
        return real(text, rewrite, language)

    monkeypatch.setattr(fields, "render_markdown", counting)
    return bodies


@pytest.fixture
def course_dirs(tmp_path: Path) -> tuple[Path, Path]:
    """The README's example course, with an image in its first lesson."""
    modules, badges = write_examples(tmp_path / "content")
    lesson = modules / "01-first-edit-a-thon" / "01-why-a-partner.en.md"
    lesson.write_text(lesson.read_text() + "\n![A chart](media/chart.png)\n")
    (lesson.parent / "media").mkdir(exist_ok=True)
    (lesson.parent / "media" / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return modules, badges


def load(dirs: tuple[Path, Path], folder: Path | None):
    """Load with a fresh cache object on ``folder`` (None: no cache); course, problems, cache."""
    cache = FolderCache(folder) if folder else None
    course, report = load_course(*dirs, LANGUAGES, cache)
    return course, [str(problem) for problem in report.problems], cache


def test_a_second_load_renders_nothing_and_gives_the_same_course(course_dirs, tmp_path, renders):
    first, problems, cache = load(course_dirs, tmp_path / "cache")
    assert cache.rendered == len(renders) > 0 and cache.reused == 0
    renders.clear()
    second, again, cache = load(course_dirs, tmp_path / "cache")
    assert renders == [] and cache.rendered == 0 and cache.reused > 0
    assert second == first and again == problems


def test_problems_are_reported_on_a_cache_hit_with_their_lines(tmp_path, renders):
    """The broken course: removed HTML, unknown links and images, every path:line again."""
    root = tmp_path / "broken"
    shutil.copytree(PROJECT_ROOT / "tests" / "data" / "broken", root)
    dirs = (root / "modules", root / "badges")
    _, uncached, _ = load(dirs, None)
    assert any("sanitizer removes it" in p for p in uncached)
    assert any("link to unknown" in p for p in uncached)
    renders.clear()
    load(dirs, tmp_path / "cache")
    renders.clear()
    _, cached, cache = load(dirs, tmp_path / "cache")
    assert cached == uncached and cache.reused > 0 and renders == []


def test_a_changed_file_is_rendered_again_and_only_it(course_dirs, tmp_path, renders):
    load(course_dirs, tmp_path / "cache")
    lesson = course_dirs[0] / "01-first-edit-a-thon" / "01-why-a-partner.fr.md"
    lesson.write_text(lesson.read_text() + "\nUne phrase de plus.\n")
    renders.clear()
    course, problems, _ = load(course_dirs, tmp_path / "cache")
    assert len(renders) == 1 and "Une phrase de plus." in renders[0]
    html = course.module("first-edit-a-thon").lessons[0].versions["fr"].html
    assert "Une phrase de plus." in html
    assert (course, problems) == load(course_dirs, None)[:2]


def test_a_cached_page_whose_image_is_gone_is_rendered_again_and_reported(
    course_dirs, tmp_path, renders
):
    """Rendering depends on other files too: each link is checked again on a cache hit."""
    first, _, _ = load(course_dirs, tmp_path / "cache")
    assert 'src="/modules/first-edit-a-thon/media/chart.png"' in (
        first.module("first-edit-a-thon").lessons[0].versions["en"].html
    )
    (course_dirs[0] / "01-first-edit-a-thon" / "media" / "chart.png").unlink()
    renders.clear()
    _, problems, _ = load(course_dirs, tmp_path / "cache")
    assert len(renders) == 1
    assert sum("unknown image 'media/chart.png'" in p for p in problems) == 1
    assert problems == load(course_dirs, None)[1]


def test_a_deleted_cache_folder_is_rebuilt(course_dirs, tmp_path, renders):
    first, _, cache = load(course_dirs, tmp_path / "cache")
    shutil.rmtree(tmp_path / "cache")
    renders.clear()
    second, _, cache = load(course_dirs, tmp_path / "cache")
    assert len(renders) == cache.rendered > 0 and second == first
    assert len(list((tmp_path / "cache").rglob("*.json"))) == cache.rendered


@pytest.mark.parametrize(
    "damage",
    [b"", b"{not json", b"\xff\xfe", b"[]", b'{"key": "another", "html": "<p>x</p>"}'],
)
def test_a_corrupted_entry_is_ignored_and_rewritten(course_dirs, tmp_path, renders, damage):
    first, _, _ = load(course_dirs, tmp_path / "cache")
    entries = sorted((tmp_path / "cache").rglob("*.json"))
    for entry in entries:
        entry.write_bytes(damage)
    renders.clear()
    second, _, cache = load(course_dirs, tmp_path / "cache")
    assert cache.rendered == len(entries) == len(renders) and second == first
    assert all(json.loads(entry.read_bytes())["html"] for entry in entries)


def test_a_wrongly_shaped_entry_with_the_right_key_is_ignored(course_dirs, tmp_path, renders):
    first, _, _ = load(course_dirs, tmp_path / "cache")
    entry = next((tmp_path / "cache").rglob("*.json"))
    data = json.loads(entry.read_bytes())
    entry.write_text(json.dumps({**data, "links": [["link", 3]]}))
    renders.clear()
    second, _, _ = load(course_dirs, tmp_path / "cache")
    assert len(renders) == 1 and second == first


def test_a_new_renderer_renders_everything_again(course_dirs, tmp_path, renders, monkeypatch):
    load(course_dirs, tmp_path / "cache")
    count = len(renders)
    monkeypatch.setattr(cache_module, "_RENDERER", "a newer renderer")
    renders.clear()
    load(course_dirs, tmp_path / "cache")
    assert len(renders) == count


def test_a_cache_that_cannot_be_written_changes_nothing(course_dirs, tmp_path):
    (tmp_path / "cache").write_text("a file where the folder should be")
    course, problems, cache = load(course_dirs, tmp_path / "cache")
    assert cache.rendered > 0 and (course, problems) == load(course_dirs, None)[:2]


def test_the_whole_course_is_read_back_while_no_file_changes(course_dirs, tmp_path, renders):
    folder = tmp_path / "cache"
    first, report, cache = load_cached(*course_dirs, LANGUAGES, folder, write=True)
    assert not cache.whole and renders
    renders.clear()
    second, again, cache = load_cached(*course_dirs, LANGUAGES, folder, write=True)
    assert cache.whole and renders == [] and cache.reused == 0
    assert second == first and again.problems == report.problems


def test_a_change_to_any_file_or_to_the_languages_loads_the_course_again(
    course_dirs, tmp_path, renders
):
    folder = tmp_path / "cache"
    load_cached(*course_dirs, LANGUAGES, folder, write=True)
    (course_dirs[1] / "first-edit-a-thon.yaml").write_text("id: [broken\n")
    course, report, cache = load_cached(*course_dirs, LANGUAGES, folder, write=True)
    assert not cache.whole and cache.reused > 0
    fresh, fresh_report = load_course(*course_dirs, LANGUAGES)
    assert course == fresh and report.problems == fresh_report.problems and report.errors
    _, _, cache = load_cached(*course_dirs, ("en",), folder, write=True)
    assert not cache.whole


@pytest.mark.parametrize("damage", [b"", b"not a pickle", pickle.dumps(("key", 1, []))])
def test_a_damaged_or_foreign_whole_course_is_ignored(course_dirs, tmp_path, damage):
    folder = tmp_path / "cache"
    first, _, _ = load_cached(*course_dirs, LANGUAGES, folder, write=True)
    (folder / COURSE_FILE).write_bytes(damage)
    second, _, cache = load_cached(*course_dirs, LANGUAGES, folder, write=True)
    assert not cache.whole and second == first
    assert load_cached(*course_dirs, LANGUAGES, folder, write=True)[2].whole


def test_reading_only_writes_nothing(course_dirs, tmp_path):
    course, _, cache = load_cached(*course_dirs, LANGUAGES, tmp_path / "cache", write=False)
    assert cache.rendered > 0 and not (tmp_path / "cache").exists()
    assert course == load_course(*course_dirs, LANGUAGES)[0]


@pytest.mark.content("readme")
def test_content_check_writes_the_cache_and_the_server_only_reads_it(app, runner, renders):
    """The factory writes nothing (tests/test_config.py); check fills instance/cache/content."""
    folder = cache_folder(app)
    assert folder.is_relative_to(app.instance_path) and not folder.exists()
    result = runner.invoke(args=["content", "check"])
    assert "0 errors" in result.output and renders and any(folder.rglob("*.json"))
    renders.clear()
    store = ContentStore(
        Path(app.config["MODULES_DIR"]),
        Path(app.config["BADGES_DIR"]),
        app.config["LANGUAGES"],
        auto_reload=False,
        cache_dir=folder,
    )
    assert store.load().errors == [] and renders == [] and store.cache.whole
    result = runner.invoke(args=["content", "check", "--no-cache"])
    assert "0 errors" in result.output and renders != []


def test_course_init_renders_the_course_into_the_cache(tmp_path):
    """scripts/serve runs `course init` before gunicorn, so a server starts warm."""
    modules, badges = write_examples(tmp_path / "content")
    translations = tmp_path / "translations"  # init compiles them: not in the work tree
    shutil.copytree(PROJECT_ROOT / "translations", translations)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("COURSE_")},
        "COURSE_INSTANCE_PATH": str(tmp_path / "instance"),
        "COURSE_MODULES_DIR": str(modules),
        "COURSE_BADGES_DIR": str(badges),
        "COURSE_TRANSLATIONS_DIR": str(translations),
    }
    command = [sys.executable, "-m", "course.commandline", "init"]
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert "Course content: 4 documents rendered, 0 unchanged." in first.stdout
    folder = tmp_path / "instance" / "cache" / "content"
    assert len(list(folder.rglob("*.json"))) == 4 and (folder / "course.pickle").is_file()
    lesson = modules / "01-first-edit-a-thon" / "01-why-a-partner.fr.md"
    lesson.write_text(lesson.read_text() + "\nUne phrase de plus.\n")
    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert "Course content: 1 documents rendered, 3 unchanged." in second.stdout
    third = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert "Course content: unchanged since it was last rendered." in third.stdout
