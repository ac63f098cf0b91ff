"""Organizers share initiatives and trainers review them: drafts, submissions, decisions,
the log, the public page, and the export back into the course files."""

from __future__ import annotations

import re

import pytest
from helpers import csrf_token, signed_in, submit

from course.accounts.models import Role
from course.cli.content import content_group
from course.extensions import db
from course.library.models import Contribution, ContributionEvent, Status

SHARE = "/initiatives/share"


def entry(**overrides: object) -> dict[str, object]:
    """A complete contribution in French with two sourced outcomes, as the form posts it."""
    data: dict[str, object] = {
        "written_in": "fr",
        "title": "WikiGap à Lomé",
        "summary": "Deux jours d’écriture sur des Togolaises, avec la bibliothèque nationale.",
        "start_date": "2026-03-07",
        "end_date": "2026-03-08",
        "country": "TG",
        "city": "Lomé",
        "region": "africa",
        "languages": ["fr", "ee"],
        "formats": ["edit-a-thon"],
        "wikimedia": "Wikimedia Togo",
        "partners-0-name": "Bibliothèque nationale du Togo",
        "partners-0-kind": "library",
        "audience": "Étudiantes et bibliothécaires",
        "activities": "Nous avons écrit des biographies de Togolaises.\n\nLa bibliothèque a prêté ses fonds.",
        "outcomes-0-metric": "articles-created",
        "outcomes-0-figure": "25",
        "outcomes-0-url": "https://outreachdashboard.wmflabs.org/courses/WikiGap/Lome_2026",
        "outcomes-0-measured": "2026-03-09",
        "outcomes-1-metric": "participants",
        "outcomes-1-figure": "18",
        "outcomes-1-url": "https://meta.wikimedia.org/wiki/Event:WikiGap_Lome_2026",
        "self_reported": "Trois participantes éditent encore un mois plus tard.",
        "worked": "Les fonds de la bibliothèque.",
        "did_not_work": "Le wifi.",
        "advice": "Prévoyez des clés 4G.",
        "show_name": "y",
        "licence": "y",
        "action": "submit",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def share(client, **overrides):
    """Post the share form; return the response."""
    return submit(client, SHARE, entry(**overrides))


def only_id(app) -> int:
    with app.app_context():
        return db.session.query(Contribution).one().id


def decide(trainer, contribution_id: int, decision: str, comment: str = ""):
    path = f"/initiatives/review/{contribution_id}"
    return submit(trainer, path, {"decision": decision, "comment": comment})


def test_sharing_needs_an_account(client):
    response = client.get(SHARE)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_draft_saves_with_nothing_required(app, create_user):
    create_user()
    ada = signed_in(app)
    response = share(ada, title="Brouillon", summary=None, country="", action="save", licence=None)
    assert response.status_code == 303
    page = ada.get("/initiatives/mine").get_data(as_text=True)
    assert "Brouillon" in page and "Draft" in page
    with app.app_context():
        assert db.session.query(Contribution).one().status == Status.DRAFT


def test_a_submission_lists_what_it_still_needs_and_saves_nothing(app, create_user):
    create_user()
    ada = signed_in(app)
    response = share(
        ada,
        title="",
        licence=None,
        **{
            "outcomes-0-url": None,
            "outcomes-0-metric": None,
            "outcomes-0-figure": None,
            "outcomes-1-url": None,
            "outcomes-1-metric": None,
            "outcomes-1-figure": None,
            "outcomes-0-measured": None,
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This is needed to submit." in page
    assert "Give at least one outcome with its source." in page
    assert "Submitting needs your agreement to the licence." in page
    assert "Wikimedia Togo" in page  # what was typed is still there
    with app.app_context():
        assert db.session.query(Contribution).count() == 0


def test_an_outcome_needs_its_source(app, create_user):
    create_user()
    ada = signed_in(app)
    response = share(ada, **{"outcomes-1-url": ""})
    assert response.status_code == 400
    assert "Put figures without a source under self-reported figures." in response.get_data(
        as_text=True
    )


def test_review_round_trip_with_a_logged_history(app, create_user, trainer):
    create_user()
    ada = signed_in(app)
    assert share(ada).status_code == 303
    item = only_id(app)
    queue = trainer.get("/initiatives/review").get_data(as_text=True)
    assert "WikiGap à Lomé" in queue
    assert decide(trainer, item, "request_changes").status_code == 400  # a comment is needed
    assert (
        decide(trainer, item, "request_changes", "Ajoutez le lien du tableau de bord.").status_code
        == 303
    )
    mine = ada.get(f"/initiatives/mine/{item}").get_data(as_text=True)
    assert "Changes requested" in mine and "Ajoutez le lien du tableau de bord." in mine
    assert ada.get(f"/initiatives/contributed/{item}").status_code == 404  # not published yet
    edit = f"/initiatives/mine/{item}/edit"
    assert submit(ada, edit, entry(advice="Prévoyez des clés 4G et du café.")).status_code == 303
    assert decide(trainer, item, "accept").status_code == 303
    page = ada.get(f"/initiatives/contributed/{item}").get_data(as_text=True)
    assert "Contributed by Ada, reviewed on" in page
    assert "Reported by the organizers, without a public source." in page
    assert 'href="https://meta.wikimedia.org/wiki/Event:WikiGap_Lome_2026"' in page
    assert "Prévoyez des clés 4G et du café." in page
    with app.app_context():
        actions = [
            e.action for e in db.session.query(ContributionEvent).order_by(ContributionEvent.id)
        ]
    assert actions == [
        "created",
        "submitted",
        "changes_requested",
        "edited",
        "submitted",
        "accepted",
    ]
    history = trainer.get(f"/initiatives/review/{item}").get_data(as_text=True)
    assert "Tess" in history and "Ajoutez le lien du tableau de bord." in history
    assert ada.get(edit).status_code == 303  # accepted: no longer editable


def test_a_rejection_needs_a_reason_that_the_contributor_sees(app, create_user, trainer):
    create_user()
    ada = signed_in(app)
    share(ada)
    item = only_id(app)
    assert decide(trainer, item, "reject", "").status_code == 400
    assert decide(trainer, item, "reject", "Hors sujet.").status_code == 303
    page = ada.get(f"/initiatives/mine/{item}").get_data(as_text=True)
    assert "Not accepted" in page and "Hors sujet." in page
    assert decide(trainer, item, "accept").status_code == 400  # no longer waiting


def test_only_trainers_review(app, create_user):
    create_user()
    ada = signed_in(app)
    share(ada)
    assert ada.get("/initiatives/review").status_code == 403
    assert ada.get(f"/initiatives/review/{only_id(app)}").status_code == 403
    token = csrf_token(ada, "/initiatives/mine")
    response = ada.post(
        f"/initiatives/review/{only_id(app)}", data={"csrf_token": token, "decision": "accept"}
    )
    assert response.status_code == 403


def accepted_entry(app, create_user, trainer) -> int:
    create_user()
    ada = signed_in(app)
    share(ada)
    item = only_id(app)
    decide(trainer, item, "accept")
    return item


@pytest.mark.content("readme")
def test_an_accepted_entry_exports_to_files_that_content_check_accepts(
    app, create_user, trainer, runner, tmp_path
):
    item = accepted_entry(app, create_user, trainer)
    folder = tmp_path / "content" / "modules" / "initiatives"
    result = runner.invoke(args=["initiatives", "export", str(item), "--to", str(folder)])
    assert result.exit_code == 0, result.output
    assert (folder / "wikigap-a-lome.yaml").exists()
    text = (folder / "wikigap-a-lome.fr.md").read_text()
    assert "## Ce qui a été fait" in text or "## What was done" in text
    assert "<https://meta.wikimedia.org/wiki/Event:WikiGap_Lome_2026>" in text
    check = runner.invoke(content_group, ["check", "--modules", str(folder.parent)])
    assert "0 errors" in check.output, check.output
    again = runner.invoke(args=["initiatives", "export", str(item), "--to", str(folder)])
    assert again.exit_code != 0 and "already exist" in again.output


def test_only_accepted_entries_export(app, create_user, runner, tmp_path):
    create_user()
    share(signed_in(app))
    result = runner.invoke(args=["initiatives", "export", str(only_id(app)), "--to", str(tmp_path)])
    assert result.exit_code != 0 and "only accepted entries are exported" in result.output
    assert runner.invoke(args=["initiatives", "export", "999"]).exit_code != 0


def test_the_trainer_sees_the_review_link(app, trainer):
    assert "/initiatives/review" in trainer.get("/").get_data(as_text=True)
    assert re.search(
        r"Initiatives to review", trainer.get("/initiatives/review").get_data(as_text=True)
    )
    _ = Role
