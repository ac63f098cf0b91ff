"""What is rendered once and reused (course.caching) never shows one visitor another's page,
and what browsers and proxies may keep: anonymous lesson pages (ETag, 304) and static files
under fingerprinted addresses; pages of a signed-in user stay out of shared caches."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import form_fields, signed_in

from course.accounts.models import Role
from course.contentstore import content

pytestmark = pytest.mark.content("tiny")

MODULE = "/modules/first-edit-a-thon"
LESSON = f"{MODULE}/lessons/why-a-partner"
TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def mark_done(client, lesson: str = LESSON) -> None:
    token = form_fields(client, lesson)["csrf_token"]
    assert client.post(f"{lesson}/done", data={"csrf_token": token}).status_code == 303


def test_each_learner_sees_their_own_progress_and_form_token_around_the_shared_lesson(
    app, create_user
):
    create_user("ada@example.org")
    create_user("bea@example.org")
    ada, bea = signed_in(app, "ada@example.org"), signed_in(app, "bea@example.org")
    mark_done(ada)

    pages = {name: c.get(LESSON).get_data(as_text=True) for name, c in (("ada", ada), ("bea", bea))}

    assert 'class="done-mark"' in pages["ada"] and "Mark as done and go on" not in pages["ada"]
    assert 'class="done-mark"' not in pages["bea"] and "Mark as done and go on" in pages["bea"]
    assert TOKEN_RE.findall(pages["ada"])[0] != TOKEN_RE.findall(pages["bea"])[0]
    title = re.compile(r"<h1>(.+?)</h1>")
    assert title.search(pages["ada"]).group(1) == title.search(pages["bea"]).group(1)


def test_a_page_kept_for_one_learner_carries_each_learners_own_form_token(app, create_user):
    """Two learners at the same point get the same kept page, each with their session's
    token: the other's is refused."""
    create_user("ada@example.org")
    create_user("bea@example.org")
    ada, bea = signed_in(app, "ada@example.org"), signed_in(app, "bea@example.org")
    bea_token = TOKEN_RE.findall(bea.get(LESSON).get_data(as_text=True))[0]
    ada_page = ada.get(LESSON).get_data(as_text=True)
    ada_token = TOKEN_RE.findall(ada_page)[0]

    assert ada_token != bea_token
    assert set(TOKEN_RE.findall(ada_page)) == {ada_token}  # every form on the page
    assert ada.post(f"{LESSON}/done", data={"csrf_token": bea_token}).status_code == 400
    assert ada.post(f"{LESSON}/done", data={"csrf_token": ada_token}).status_code == 303


def test_module_and_catalogue_pages_follow_the_learners_progress(app, create_user):
    create_user("ada@example.org")
    ada = signed_in(app, "ada@example.org")
    steps = re.compile(r"(\d+) of (\d+) steps done")
    before = [
        steps.search(ada.get(page).get_data(as_text=True)).group(1) for page in (MODULE, "/modules")
    ]

    mark_done(ada)

    after = [
        steps.search(ada.get(page).get_data(as_text=True)).group(1) for page in (MODULE, "/modules")
    ]
    assert before == ["0", "0"] and after == ["1", "1"]


def test_the_header_is_kept_per_kind_of_visitor(app, client, create_user):
    """A trainer's links, rendered first, never reach a learner or a visitor."""
    create_user("tess@example.org", role=Role.TRAINER)
    create_user("ada@example.org")
    trainer, learner = signed_in(app, "tess@example.org"), signed_in(app, "ada@example.org")

    assert "Course files" in trainer.get(LESSON).get_data(as_text=True)
    learner_page = learner.get(LESSON).get_data(as_text=True)
    visitor_page = client.get(LESSON).get_data(as_text=True)

    assert "Course files" not in learner_page and "My learning" in learner_page
    assert "Course files" not in visitor_page and "My learning" not in visitor_page
    assert "Sign in" in visitor_page and "Sign in" not in learner_page


def test_kept_fragments_follow_the_language(client):
    english = client.get(LESSON, headers={"Accept-Language": "en"}).get_data(as_text=True)
    french = client.get(LESSON, headers={"Accept-Language": "fr"}).get_data(as_text=True)

    assert "Skip to content" in english and "Mon apprentissage" not in english
    assert "Aller au contenu" in french and "Skip to content" not in french
    assert "Se connecter" in french
    assert re.search(r"<h1>(.*?)</h1>", english).group(1) != re.search(
        r"<h1>(.*?)</h1>", french
    ).group(1)


def test_a_lesson_changed_on_disk_is_rendered_again_once_reloaded(app, client):
    path = f"{MODULE}/lessons/english-only"
    assert "no translation yet" in client.get(path).get_data(as_text=True)
    with app.app_context():
        folder = Path(content().modules_dir) / "01-first-edit-a-thon"
        (folder / "03-english-only.en.md").write_text(
            "---\ntitle: Only in English\nminutes: 2\n---\nRewritten since.\n"
        )
        content().load()

    page = client.get(path).get_data(as_text=True)

    assert "Rewritten since." in page and "no translation yet" not in page


def test_a_visitor_may_keep_a_lesson_page_and_is_told_when_it_changed(client):
    first = client.get(LESSON)
    tag = first.headers["ETag"]
    assert first.status_code == 200
    assert set(first.headers["Cache-Control"].split(", ")) == {"private", "no-cache"}
    assert {"Cookie", "Accept-Language"} <= set(first.headers["Vary"].split(", "))

    again = client.get(LESSON, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == tag
    weakened = client.get(LESSON, headers={"If-None-Match": f"W/{tag}"})  # as gzip proxies do
    assert weakened.status_code == 304

    token = TOKEN_RE.search(first.get_data(as_text=True)).group(1)
    assert client.post(f"{LESSON}/done", data={"csrf_token": token}).status_code == 303
    client.get(MODULE)  # the flashed message, if any, is shown and gone
    changed = client.get(LESSON, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    assert 'class="done-mark"' in changed.get_data(as_text=True)
    french = client.get(
        LESSON, headers={"If-None-Match": changed.headers["ETag"], "Accept-Language": "fr"}
    )
    assert french.status_code == 200, "another language is another page"


def test_a_kept_page_still_sends_its_form(client):
    """The form token of a page answered with 304 is still accepted."""
    first = client.get(LESSON)
    assert client.get(LESSON, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    token = TOKEN_RE.search(first.get_data(as_text=True)).group(1)
    assert client.post(f"{LESSON}/done", data={"csrf_token": token}).status_code == 303


def test_pages_of_a_signed_in_learner_are_never_kept_by_shared_caches(app, create_user):
    create_user("ada@example.org")
    ada = signed_in(app, "ada@example.org")

    page = ada.get(LESSON, headers={"If-None-Match": "*"})

    assert page.status_code == 200 and "ETag" not in page.headers
    assert page.headers["Cache-Control"] == "private, no-store"


def test_static_files_have_fingerprinted_addresses_kept_for_a_year(app, client, create_user):
    address = re.search(
        r'href="(/static/style\.css\?v=[0-9a-f]+)"', client.get(LESSON).get_data(as_text=True)
    ).group(1)
    create_user("ada@example.org")
    ada = signed_in(app, "ada@example.org")

    for who in (client, ada):  # the same for everyone, so public even with a session
        kept = who.get(address)
        assert kept.status_code == 200
        assert set(kept.headers["Cache-Control"].split(", ")) == {
            "public",
            "max-age=31536000",
            "immutable",
        }
    plain = client.get("/static/style.css")
    assert plain.status_code == 200 and plain.data == kept.data
    assert set(plain.headers["Cache-Control"].split(", ")) == {"public", "max-age=3600"}
    old = client.get("/static/style.css?v=0123456789ab")
    assert old.status_code == 200 and "immutable" not in old.headers["Cache-Control"]
