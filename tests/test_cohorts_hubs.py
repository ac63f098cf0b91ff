"""Hubs: made by admins (web and CLI), a public page of open cohorts, a coordinators'
dashboard of counts with cells under 5 hidden; and privacy: export, deletion, archiving."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from helpers import PASSWORD, complete_module, csrf_token, signed_in, submit

from course.accounts.models import Role, User
from course.cohorts import membership, services
from course.cohorts.models import Cohort, Hub, HubCoordinator, Membership
from course.contentstore import course
from course.extensions import db

pytestmark = [
    pytest.mark.content("tiny"),
    pytest.mark.settings(LOGIN_LIMIT_PER_ADDRESS="1000 per hour"),
]
TODAY = date.today()


def hub_with_cohort(app, runner, create_user, members: int, slug="iberocoop"):
    """A hub coordinated by Coco, who leads its one cohort, which ``members`` learners joined."""
    if not db_has_user(app, "tess@example.org"):
        create_user("tess@example.org", role=Role.TRAINER, name="Tess")
    create_user(f"coco-{slug}@example.org", name="Coco")
    result = runner.invoke(
        args=[
            "hubs",
            "create",
            slug.capitalize(),
            "--kind",
            "linguistic",
            "--language",
            "fr",
            "--area",
            "Ibero-America",
            "--description",
            "fr:Un hub.",
            "--slug",
            slug,
        ]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["hubs", "add-coordinator", slug, f"coco-{slug}@example.org"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        hub = services.find_hub(slug)
        coco = db.session.query(User).filter_by(email=f"coco-{slug}@example.org").one()
        cohort = services.create_cohort(
            coco, f"{slug} workshop", "fr", ["first-edit-a-thon"], TODAY, TODAY, hub=hub
        )
        db.session.commit()
        cohort_id, code = cohort.id, cohort.code
    learners = []
    for n in range(members):
        email = f"{slug}{n}@example.org"
        create_user(email, name=f"{slug} learner {n}")
        with app.app_context():
            membership.join(db.session.query(User).filter_by(email=email).one(), code)
            db.session.commit()
        learners.append(email)
    return cohort_id, learners


def db_has_user(app, email):
    with app.app_context():
        return db.session.query(User).filter_by(email=email).count() > 0


def test_cli_creates_hubs_lists_and_changes_coordinators(app, runner, create_user):
    hub_with_cohort(app, runner, create_user, 0)
    listed = runner.invoke(args=["hubs", "list"]).output
    assert "iberocoop\tlinguistic\tIberocoop\tcoco-iberocoop@example.org" in listed
    again = runner.invoke(args=["hubs", "create", "Iberocoop", "--kind", "regional"])
    assert again.exit_code != 0 and "already exists" in again.output
    bidi = runner.invoke(args=["hubs", "create", "Evil\u202ehub", "--kind", "regional"])
    assert bidi.exit_code != 0 and "visible characters" in bidi.output
    gone = runner.invoke(
        args=["hubs", "remove-coordinator", "iberocoop", "coco-iberocoop@example.org"]
    )
    assert gone.exit_code == 0
    with app.app_context():
        assert db.session.query(HubCoordinator).count() == 0


def test_the_public_page_lists_open_cohorts_only(app, runner, create_user, client):
    cohort_id, _ = hub_with_cohort(app, runner, create_user, 0)
    page = client.get("/hubs/iberocoop").get_data(as_text=True)
    assert "Iberocoop" in page and "Linguistic hub" in page and "Un hub." in page
    assert "iberocoop workshop" in page
    with app.app_context():
        db.session.get(Cohort, cohort_id).joining_open = False
        db.session.commit()
    assert "iberocoop workshop" not in client.get("/hubs/iberocoop").get_data(as_text=True)
    assert client.get("/hubs/nowhere").status_code == 404
    assert "Iberocoop" in client.get("/hubs").get_data(as_text=True)


def test_the_hub_dashboard_hides_counts_under_five(app, runner, create_user):
    small, _ = hub_with_cohort(app, runner, create_user, 3, "small")
    big, learners = hub_with_cohort(app, runner, create_user, 6, "big")
    for email in learners[:5]:
        complete_module(app, signed_in(app, email), "first-edit-a-thon")
    coco_small = signed_in(app, "coco-small@example.org")
    page = coco_small.get("/hubs/small/dashboard").get_data(as_text=True)
    assert "small workshop" in page and page.count("fewer than 5") >= 3
    assert "small learner" not in page  # never a member's name
    coco_big = signed_in(app, "coco-big@example.org")
    page = coco_big.get("/hubs/big/dashboard").get_data(as_text=True)
    assert "<td>6</td>" in page and "<td>5</td>" in page  # members; completed (and badges)
    assert TODAY.strftime("%Y-%m") in page  # trends by month
    assert "big learner" not in page


def test_coordinators_see_only_their_own_hub(app, runner, create_user):
    hub_with_cohort(app, runner, create_user, 0, "one")
    hub_with_cohort(app, runner, create_user, 0, "two")
    coco = signed_in(app, "coco-one@example.org")
    assert coco.get("/hubs/one/dashboard").status_code == 200
    assert coco.get("/hubs/two/dashboard").status_code == 404
    assert signed_in(app, "tess@example.org").get("/hubs/one/dashboard").status_code == 404
    assert app.test_client().get("/hubs/one/dashboard").status_code == 302
    for path in ("/hubs/new", "/hubs/one/coordinators"):
        assert coco.get(path).status_code == 403


def test_an_admin_creates_a_hub_and_names_a_coordinator_on_the_web(app, create_user):
    create_user("root@example.org", role=Role.ADMIN, name="Root")
    create_user("coco@example.org", name="Coco")
    admin = signed_in(app, "root@example.org")
    bad = submit(admin, "/hubs/new", {"name": "x" * 200, "kind": "regional", "languages": ["fr"]})
    assert bad.status_code == 400
    made = submit(
        admin,
        "/hubs/new",
        {
            "name": "CEE Hub",
            "kind": "regional",
            "languages": ["en", "fr"],
            "area": "Central and Eastern Europe",
            "description-en": "Organizers of CEE.",
            "description-fr": "Les organisateurs de CEE.",
        },
    )
    assert made.status_code == 303 and made.headers["Location"] == "/hubs/cee-hub/coordinators"
    submit(admin, "/hubs/cee-hub/coordinators", {"email": "coco@example.org"})
    assert signed_in(app, "coco@example.org").get("/hubs/cee-hub/dashboard").status_code == 200
    with app.app_context():
        hub = db.session.query(Hub).one()
        assert hub.descriptions == {"en": "Organizers of CEE.", "fr": "Les organisateurs de CEE."}


def test_a_coordinator_starts_a_cohort_in_their_hub_only(app, runner, create_user):
    hub_with_cohort(app, runner, create_user, 0, "one")
    hub_with_cohort(app, runner, create_user, 0, "two")
    coco = signed_in(app, "coco-one@example.org")
    form = coco.get("/cohorts/new").get_data(as_text=True)
    assert ">One<" in form and ">Two<" not in form
    with app.app_context():
        two = services.find_hub("two").id
    refused = submit(
        coco,
        "/cohorts/new",
        {
            "name": "Sneaky",
            "hub": str(two),
            "language": "fr",
            "modules": ["first-edit-a-thon"],
            "starts_on": TODAY.isoformat(),
            "ends_on": TODAY.isoformat(),
        },
    )
    assert refused.status_code == 400
    with app.app_context():
        assert db.session.query(Cohort).filter_by(name="Sneaky").count() == 0


def test_export_lists_memberships_and_messages_and_deletion_removes_memberships(
    app, runner, create_user
):
    cohort_id, learners = hub_with_cohort(app, runner, create_user, 1)
    coco = signed_in(app, "coco-iberocoop@example.org")
    submit(coco, f"/cohorts/{cohort_id}/announce", {"body": "See you on Saturday."})
    learner = signed_in(app, learners[0])
    data = json.loads(learner.get("/account/export").get_data(as_text=True))
    assert data["cohort_memberships"][0]["cohort"] == "iberocoop workshop"
    assert data["cohort_messages_received"][0]["message"] == "See you on Saturday."
    assert "@" not in json.dumps(data["cohort_messages_received"])
    deleted = submit(learner, "/account/delete", {"password": PASSWORD, "understood": "y"})
    assert deleted.status_code == 303
    with app.app_context():
        assert db.session.query(Membership).count() == 0


def test_archiving_keeps_counts_and_drops_member_views_after_the_retention_period(
    app, runner, create_user
):
    cohort_id, learners = hub_with_cohort(app, runner, create_user, 5)
    complete_module(app, signed_in(app, learners[0]), "first-edit-a-thon")
    tess = signed_in(app, "coco-iberocoop@example.org")  # Coco leads the cohort
    path = f"/cohorts/{cohort_id}"
    tess.post(f"{path}/manage", data={"csrf_token": csrf_token(tess, path), "action": "archive"})
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        assert cohort.archived_at and not cohort.joining_open
        assert cohort.summary["members"] == 5 and cohort.summary["completed"] == 1
    assert "iberocoop learner 0" in tess.get(path).get_data(as_text=True)  # still within it
    assert runner.invoke(args=["hubs", "purge"]).output.startswith("Purged 0")
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        cohort.archived_at = cohort.archived_at - timedelta(days=91)
        db.session.commit()
    page = tess.get(path).get_data(as_text=True)
    assert "iberocoop learner 0" not in page and "only its counts are kept" in page
    assert runner.invoke(args=["hubs", "purge"]).output.startswith("Purged 1")
    with app.app_context():
        assert db.session.query(Membership).count() == 0
    assert "<td>5</td>" in tess.get("/hubs/iberocoop/dashboard").get_data(as_text=True)


@pytest.mark.content("shipped")
def test_the_hub_dashboard_shows_the_skills_map_of_its_members_once_there_are_five(
    app, runner, create_user
):
    create_user("coco@example.org", name="Coco")
    runner.invoke(args=["hubs", "create", "CEE", "--kind", "regional", "--slug", "cee"])
    runner.invoke(args=["hubs", "add-coordinator", "cee", "coco@example.org"])
    with app.app_context():
        coco = db.session.query(User).filter_by(email="coco@example.org").one()
    coco_client = signed_in(app, "coco@example.org")
    with app.app_context():
        first = course().modules[0].id
        cohort = services.create_cohort(
            db.session.get(User, coco.id),
            "Riga",
            "en",
            [first],
            TODAY,
            TODAY,
            hub=services.find_hub("cee"),
        )
        db.session.commit()
        code = cohort.code
    for n in range(5):
        create_user(f"cee{n}@example.org", name=f"CEE {n}")
        with app.app_context():
            membership.join(
                db.session.query(User).filter_by(email=f"cee{n}@example.org").one(), code
            )
            db.session.commit()
    page = coco_client.get("/hubs/cee/dashboard").get_data(as_text=True)
    assert "No skills map to show" not in page
