"""What cohort leads see and do: dashboard, item analysis, CSV, attendance, announcements;
and who may see it: every lead route checked with two cohorts, a member and a stranger."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from content_examples import write_course, write_pool_module
from helpers import complete_module, csrf_token, signed_in, submit
from sqlalchemy import event

from course.accounts.models import Role, User
from course.cohorts import membership, services
from course.cohorts.models import Announcement, Cohort
from course.extensions import db

pytestmark = pytest.mark.settings(LOGIN_LIMIT_PER_ADDRESS="1000 per hour")

TODAY = date.today()
LEAD_ROUTES = ["", "/projector", "/items", "/items.csv", "/members.csv", "/attendance", "/announce"]


@pytest.fixture
def content_dirs(tmp_path):
    dirs = write_course(tmp_path / "content")
    write_pool_module(Path(dirs["MODULES_DIR"]))
    return dirs


def new_cohort(app, lead="tess@example.org", **fields) -> tuple[int, str]:
    with app.app_context():
        user = db.session.query(User).filter_by(email=lead).one()
        cohort = services.create_cohort(
            user,
            fields.pop("name", "Edit-a-thon Lyon"),
            fields.pop("language", "fr"),
            fields.pop("modules", ["first-edit-a-thon", "pools"]),
            TODAY - timedelta(days=10),
            TODAY + timedelta(days=10),
            **fields,
        )
        db.session.commit()
        return cohort.id, cohort.code


def add_members(app, create_user, code: str, names: list[str]) -> dict[str, object]:
    """Learners who joined the cohort of ``code``, each signed in on a client, by name."""
    clients = {}
    for name in names:
        email = f"{name.lower()}@example.org"
        create_user(email, name=name)
        with app.app_context():
            membership.join(db.session.query(User).filter_by(email=email).one(), code)
            db.session.commit()
        clients[name] = signed_in(app, email)
    return clients


@pytest.fixture
def two_cohorts(app, trainer, create_user):
    """Tess leads "Lyon" with Ada and Bea; Cleo (another trainer) leads "Dakar" with Dia."""
    lyon, lyon_code = new_cohort(app)
    create_user("cleo@example.org", role=Role.TRAINER, name="Cleo")
    dakar, dakar_code = new_cohort(app, "cleo@example.org", name="Dakar")
    members = add_members(app, create_user, lyon_code, ["Ada", "Bea"])
    members |= add_members(app, create_user, dakar_code, ["Dia"])
    return {
        "lyon": lyon,
        "dakar": dakar,
        "members": members,
        "cleo": signed_in(app, "cleo@example.org"),
    }


@pytest.mark.parametrize("route", LEAD_ROUTES)
def test_only_a_cohorts_leads_reach_its_lead_pages(app, trainer, two_cohorts, route):
    lyon, dakar = two_cohorts["lyon"], two_cohorts["dakar"]
    assert trainer.get(f"/cohorts/{lyon}{route}").status_code == 200
    assert trainer.get(f"/cohorts/{dakar}{route}").status_code == 404  # another lead's cohort
    assert two_cohorts["cleo"].get(f"/cohorts/{lyon}{route}").status_code == 404
    ada = two_cohorts["members"]["Ada"]
    expected = 200 if route == "" else 404  # a member sees her own page, not the lead's
    page = ada.get(f"/cohorts/{lyon}{route}")
    assert page.status_code == expected
    assert "Bea" not in page.get_data(as_text=True)  # never another member's details
    assert ada.get(f"/cohorts/{dakar}{route}").status_code == 404
    assert app.test_client().get(f"/cohorts/{lyon}{route}").status_code == 302  # sign in first
    assert trainer.get(f"/cohorts/99999{route}").status_code == 404


@pytest.mark.parametrize("route", ["/manage", "/leads", "/announce", "/leave"])
def test_state_changes_on_another_cohort_are_refused_and_change_nothing(
    app, trainer, two_cohorts, route
):
    dakar = two_cohorts["dakar"]
    data = {
        "csrf_token": csrf_token(trainer, "/cohorts"),
        "action": "archive",
        "email": "tess@example.org",
        "body": "Hello",
    }
    assert trainer.post(f"/cohorts/{dakar}{route}", data=data).status_code == 404
    with app.app_context():
        cohort = db.session.get(Cohort, dakar)
        assert cohort.archived_at is None and cohort.joining_open
        assert db.session.query(Announcement).count() == 0
    assert len(membership_ids(app, dakar)) == 1


def membership_ids(app, cohort_id):
    from course.cohorts.models import Membership

    with app.app_context():
        return [m.user_id for m in db.session.query(Membership).filter_by(cohort_id=cohort_id)]


def test_dashboard_shows_progress_funnel_due_dates_and_drop_off(app, trainer, create_user):
    cohort_id, code = new_cohort(app, due_dates={"pools": TODAY - timedelta(days=1)})
    members = add_members(app, create_user, code, ["Ada", "Bea", "Cyd"])
    complete_module(app, members["Ada"], "first-edit-a-thon")
    complete_module(app, members["Ada"], "pools")
    complete_module(app, members["Bea"], "first-edit-a-thon")
    page = trainer.get(f"/cohorts/{cohort_id}").get_data(as_text=True)
    for name in ("Ada", "Bea", "Cyd"):
        assert name in page
    assert "@example.org" not in page  # never an email address
    funnel = page[page.index("Funnel") : page.index("Download the member table")]
    counts = [int(n) for n in __import__("re").findall(r"<td>(\d+)</td>", funnel)]
    assert counts == [3, 2, 2, 2, 1]  # joined, started, half-way, a quiz passed, all done
    assert "2 members behind" in page  # Bea and Cyd missed the pools due date
    assert "Drop-off per step" in page


def test_member_csv_has_one_line_per_member_and_neutralizes_formulas(app, trainer, create_user):
    cohort_id, code = new_cohort(app)
    members = add_members(app, create_user, code, ["Ada"])
    create_user("evil@example.org", name="=HYPERLINK(1)")
    with app.app_context():
        membership.join(db.session.query(User).filter_by(email="evil@example.org").one(), code)
        db.session.commit()
    complete_module(app, members["Ada"], "first-edit-a-thon")
    response = trainer.get(f"/cohorts/{cohort_id}/members.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["name"] for r in rows] == ["'=HYPERLINK(1)", "Ada"]
    ada = rows[1]
    assert ada["first-edit-a-thon: completed"] == TODAY.isoformat()
    assert ada["first-edit-a-thon-check: first score"] == "100"
    assert ada["badges"] == "first-edit-a-thon"


def test_item_analysis_counts_first_tries_hides_small_groups_and_filters_by_language(
    app, trainer, create_user
):
    cohort_id, code = new_cohort(app)
    names = ["Ada", "Bea", "Cyd", "Dia", "Eve"]
    members = add_members(app, create_user, code, names)
    path = f"/cohorts/{cohort_id}/items"
    for name in names[:4]:
        complete_module(app, members[name], "first-edit-a-thon")
    assert "Fewer than 5 first attempts: not shown." in trainer.get(path).get_data(as_text=True)
    complete_module(app, members["Eve"], "first-edit-a-thon")
    page = trainer.get(path).get_data(as_text=True)
    assert "Right the first time: 100 % of 5." in page
    rows = list(csv.DictReader(io.StringIO(trainer.get(f"{path}.csv").get_data(as_text=True))))
    assert rows and {r["first_attempts"] for r in rows} == {"5"}
    assert sum(int(r["chosen"]) for r in rows if r["option"] == rows[0]["option"]) == 5
    french = trainer.get(path, query_string={"language": "fr"}).get_data(as_text=True)
    assert "Right the first time" not in french  # they all answered in English


def test_attendance_list_is_printable_and_lists_completions(app, trainer, create_user):
    cohort_id, code = new_cohort(app)
    members = add_members(app, create_user, code, ["Ada", "Bea"])
    complete_module(app, members["Ada"], "first-edit-a-thon")
    page = trainer.get(f"/cohorts/{cohort_id}/attendance").get_data(as_text=True)
    assert f"completed {TODAY.isoformat()}" in page and "Bea" in page
    assert 'class="no-print' in page


@pytest.mark.settings(COHORT_ANNOUNCE_LIMIT="2 per day")
def test_announcements_reach_my_learning_and_the_inbox_and_are_rate_limited(
    app, trainer, create_user, mailbox, caplog
):
    cohort_id, code = new_cohort(app)
    members = add_members(app, create_user, code, ["Ada", "Bea"])
    caplog.set_level("INFO", logger="course.cohorts.lifecycle")
    path = f"/cohorts/{cohort_id}/announce"
    sent = submit(trainer, path, {"body": "Bring your laptop.\nRoom 2 at 10:00."})
    assert sent.status_code == 303
    page = members["Ada"].get("/my-learning").get_data(as_text=True)
    assert "Bring your laptop.<br>Room 2 at 10:00." in page and "Edit-a-thon Lyon" in page
    assert (
        "Bring your laptop." in mailbox.to("bea@example.org")[-1].get_payload(decode=True).decode()
    )
    assert "sent to cohort" in caplog.text and "@example.org" not in caplog.text
    assert submit(trainer, path, {"body": "Second"}).status_code == 303
    third = submit(trainer, path, {"body": "Third message kept"})
    assert third.status_code == 429
    assert "Third message kept" in third.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Announcement).count() == 2
    bidi = submit(trainer, path, {"body": "Hi \u202e there"})
    assert bidi.status_code in (400, 429)


def test_a_learner_outside_the_cohort_does_not_see_its_announcements(app, trainer, two_cohorts):
    submit(trainer, f"/cohorts/{two_cohorts['lyon']}/announce", {"body": "Lyon only"})
    assert "Lyon only" not in two_cohorts["members"]["Dia"].get("/my-learning").get_data(
        as_text=True
    )
    assert "Lyon only" in two_cohorts["members"]["Ada"].get("/my-learning").get_data(as_text=True)


def statements_for(app, client, path: str) -> int:
    """How many SQL statements the server ran to answer ``path``."""
    seen = []

    def count(*_args):
        seen.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_the_dashboard_reads_as_much_for_twelve_members_as_for_six(app, trainer, create_user):
    """Every member's record, first tries and badges are read for all members at once."""
    cohort_id, code = new_cohort(app)
    names = ["Ada", "Bea", "Cyd", "Dee", "Eve", "Fay", "Gus", "Hal", "Ida", "Jo", "Kim", "Lou"]
    first = add_members(app, create_user, code, names[:6])
    for client in first.values():
        complete_module(app, client, "first-edit-a-thon")
    six = statements_for(app, trainer, f"/cohorts/{cohort_id}")

    for client in add_members(app, create_user, code, names[6:]).values():
        complete_module(app, client, "first-edit-a-thon")

    assert statements_for(app, trainer, f"/cohorts/{cohort_id}") == six
