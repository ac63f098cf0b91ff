"""Bad input and abuse in the initiatives library: markup, hostile links, oversized fields and
rows, daily limits, other people's drafts, and deleting an account."""

from __future__ import annotations

import json

import pytest
from helpers import PASSWORD, csrf_token, signed_in, submit

from course.extensions import db
from course.library.models import Contribution, ContributionEvent, Status

SHARE = "/initiatives/share"
URL = "https://meta.wikimedia.org/wiki/Event:WikiGap_Lome_2026"


def entry(**overrides: object) -> dict[str, object]:
    """A complete submission (see test_library.entry), with ``overrides``."""
    data: dict[str, object] = {
        "written_in": "fr",
        "title": "WikiGap à Lomé",
        "summary": "Deux jours d’écriture.",
        "start_date": "2026-03-07",
        "country": "TG",
        "city": "Lomé",
        "region": "africa",
        "languages": ["fr"],
        "formats": ["edit-a-thon"],
        "wikimedia": "Wikimedia Togo",
        "activities": "Des biographies de Togolaises.",
        "outcomes-0-metric": "participants",
        "outcomes-0-figure": "18",
        "outcomes-0-url": URL,
        "licence": "y",
        "action": "submit",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def count(app, model=Contribution) -> int:
    with app.app_context():
        return db.session.query(model).count()


@pytest.fixture
def ada(app, create_user):
    create_user()
    return signed_in(app)


@pytest.mark.parametrize(
    "field, value",
    [
        ("title", "<script>alert(1)</script>"),
        ("activities", 'Bonjour <img src=x onerror="alert(1)">'),
        ("advice", "<a href='javascript:alert(1)'>ici</a>"),
        ("city", "Lomé\u202e"),
    ],
)
def test_markup_in_a_text_field_is_refused_with_a_clear_message(app, ada, field, value):
    response = submit(ada, SHARE, entry(**{field: value}))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Write plain text: HTML tags are not accepted." in page or "visible characters" in page
    assert "<script>alert" not in page and "<img src=x" not in page
    assert count(app) == 0


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,hi",
        "ftp://example.org/x",
        "https://a b.org",
        "//example.org",
    ],
)
def test_only_http_and_https_sources_are_accepted(app, ada, url):
    response = submit(ada, SHARE, entry(**{"outcomes-0-url": url}))
    assert response.status_code == 400
    assert "Give a web address starting with https:// or http://." in response.get_data(
        as_text=True
    )


def test_a_10_kb_url_is_a_400_that_keeps_the_rest(app, ada):
    response = submit(ada, SHARE, entry(**{"outcomes-0-url": URL + "?" + "a" * 10_000}))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "At most 2000 characters." in page
    assert "Wikimedia Togo" in page and "Des biographies de Togolaises." in page


def test_a_1_mb_submission_is_a_400_and_the_saved_draft_is_unchanged(app, ada):
    assert submit(ada, SHARE, entry(action="save")).status_code == 303
    with app.app_context():
        item = db.session.query(Contribution).one()
        item_id, saved = item.id, item.activities
    edit = f"/initiatives/mine/{item_id}/edit"
    response = submit(ada, edit, entry(activities="x" * 1_000_000, advice="Nouveau conseil"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "At most 5000 characters." in page and "Nouveau conseil" in page
    with app.app_context():
        assert db.session.get(Contribution, item_id).activities == saved


def test_500_outcome_rows_are_a_400_that_keeps_the_first_rows(app, ada):
    rows = {}
    for n in range(500):
        rows |= {
            f"outcomes-{n}-metric": "participants",
            f"outcomes-{n}-figure": str(n),
            f"outcomes-{n}-url": f"{URL}?{n}",
        }
    response = submit(ada, SHARE, entry(**rows))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "At most 20 rows: the extra rows were not kept." in page
    assert f"{URL}?19" in page and f'{URL}?20"' not in page
    assert count(app) == 0


def test_a_request_over_the_server_limit_is_a_413(app, ada):
    token = csrf_token(ada, SHARE)
    response = ada.post(SHARE, data={"csrf_token": token, "activities": "x" * 3_000_000})
    assert response.status_code == 413


@pytest.mark.settings(LIBRARY_SUBMISSIONS_PER_DAY=2)
def test_submissions_per_account_per_day_are_limited(app, ada):
    assert submit(ada, SHARE, entry()).status_code == 303
    assert submit(ada, SHARE, entry()).status_code == 303
    response = submit(ada, SHARE, entry(title="Troisième"))
    assert response.status_code == 429
    assert "Troisième" in response.get_data(as_text=True)  # still in the form
    assert count(app) == 2


def test_a_new_accounts_first_submission_waits_for_review(app, ada):
    submit(ada, SHARE, entry())
    with app.app_context():
        assert db.session.query(Contribution).one().status == Status.SUBMITTED
    assert "WikiGap à Lomé" not in ada.get("/initiatives").get_data(as_text=True)
    assert "WikiGap à Lomé" not in ada.get("/initiatives.json").get_data(as_text=True)


def contributions_of_two(app, create_user):
    """Ada's draft and Bob's draft; return (ada, bob, ada's id)."""
    create_user()
    create_user("bob@example.org")
    ada, bob = signed_in(app), signed_in(app, "bob@example.org")
    submit(ada, SHARE, entry(action="save", title="Le brouillon d’Ada"))
    submit(bob, SHARE, entry(action="save", title="Le brouillon de Bob"))
    with app.app_context():
        return (
            ada,
            bob,
            db.session.query(Contribution).filter_by(title="Le brouillon d’Ada").one().id,
        )


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/initiatives/mine/{id}"),
        ("get", "/initiatives/mine/{id}/edit"),
        ("post", "/initiatives/mine/{id}/edit"),
        ("post", "/initiatives/mine/{id}/delete"),
        ("get", "/initiatives/contributed/{id}"),
    ],
)
def test_nobody_else_sees_or_changes_a_draft(app, create_user, method, path):
    ada, bob, ada_id = contributions_of_two(app, create_user)
    target = path.format(id=ada_id)
    if method == "get":
        response = bob.get(target)
    else:
        data = entry(title="Volé", action="save")
        response = bob.post(
            target, data={**data, "csrf_token": csrf_token(bob, "/initiatives/mine")}
        )
    assert response.status_code == 404
    assert "Le brouillon d’Ada" not in bob.get("/initiatives/mine").get_data(as_text=True)
    assert ada.get(target.replace("/delete", "")).status_code in (200, 404)
    with app.app_context():
        assert db.session.get(Contribution, ada_id).title == "Le brouillon d’Ada"


def test_reviewers_do_not_see_drafts(app, create_user, trainer):
    _, _, ada_id = contributions_of_two(app, create_user)
    assert trainer.get(f"/initiatives/review/{ada_id}").status_code == 404
    assert "Le brouillon" not in trainer.get("/initiatives/review").get_data(as_text=True)


def test_deleting_an_account_removes_drafts_and_anonymizes_published_entries(
    app, create_user, trainer
):
    create_user()
    ada = signed_in(app)
    submit(ada, SHARE, entry(title="Publié", show_name="y", contact="User:Ada"))
    submit(ada, SHARE, entry(title="Brouillon", action="save"))
    with app.app_context():
        published = db.session.query(Contribution).filter_by(title="Publié").one().id
    submit(trainer, f"/initiatives/review/{published}", {"decision": "accept"})
    assert "Contributed by Ada" in ada.get(f"/initiatives/contributed/{published}").get_data(
        as_text=True
    )
    exported = json.loads(ada.get("/account/export").get_data(as_text=True))
    assert {i["title"] for i in exported["initiatives"]} == {"Publié", "Brouillon"}
    response = submit(ada, "/account/delete", {"password": PASSWORD, "understood": "y"})
    assert response.status_code in (302, 303)
    with app.app_context():
        rows = db.session.query(Contribution).all()
        assert [(r.title, r.owner_id, r.contributor_name, r.contact) for r in rows] == [
            ("Publié", None, None, "")
        ]
        assert all(e.actor_name != "Ada" for e in db.session.query(ContributionEvent))
    page = trainer.get(f"/initiatives/contributed/{published}").get_data(as_text=True)
    assert "Contributed by a contributor" in page and "Ada" not in page


def test_reviewers_cannot_rewrite_a_contributors_text(app, create_user, trainer):
    create_user()
    ada = signed_in(app)
    submit(ada, SHARE, entry())
    with app.app_context():
        item = db.session.query(Contribution).one().id
    token = csrf_token(trainer, "/initiatives/review")
    rewritten = entry(title="Réécrit", action="save")
    for path in (f"/initiatives/mine/{item}/edit", f"/initiatives/mine/{item}"):
        assert trainer.get(path).status_code == 404
    response = trainer.post(
        f"/initiatives/mine/{item}/edit", data={**rewritten, "csrf_token": token}
    )
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Contribution, item).title == "WikiGap à Lomé"
        assert count(app, ContributionEvent) == 2  # created, submitted: nothing else happened


def test_an_expired_form_comes_back_with_what_was_typed(app, ada):
    response = ada.post(SHARE, data={**entry(), "csrf_token": "expired"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This form had expired. What you typed is still here" in page
    assert "Des biographies de Togolaises." in page
    assert count(app) == 0
