"""Cohorts: creating one, joining with the link or the code (signed in or while signing up),
consent, leaving, and what a forged, closed, ended or full code does (nothing)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from content_examples import write_course, write_pool_module
from helpers import PASSWORD, csrf_token, login, signed_in, submit

from course.accounts.models import Role, User
from course.cohorts import codes, membership, services
from course.cohorts.models import Cohort, Membership
from course.extensions import db

pytestmark = pytest.mark.settings(LOGIN_LIMIT_PER_ADDRESS="1000 per hour")

TODAY = date.today()


@pytest.fixture
def content_dirs(tmp_path):
    """The tiny course and a second module, "pools", so that a cohort can follow two."""
    dirs = write_course(tmp_path / "content")
    write_pool_module(Path(dirs["MODULES_DIR"]))
    return dirs


def make_cohort(app, lead_email="tess@example.org", **fields) -> tuple[int, str]:
    """A cohort led by ``lead_email`` straight through the service: (id, code)."""
    with app.app_context():
        lead = db.session.query(User).filter_by(email=lead_email).one()
        cohort = services.create_cohort(
            lead,
            fields.pop("name", "Edit-a-thon Lyon"),
            fields.pop("language", "fr"),
            fields.pop("modules", ["first-edit-a-thon", "pools"]),
            fields.pop("starts_on", TODAY),
            fields.pop("ends_on", TODAY + timedelta(days=30)),
            **fields,
        )
        db.session.commit()
        return cohort.id, cohort.code


def members_of(app, cohort_id: int) -> set[int]:
    with app.app_context():
        rows = db.session.query(Membership).filter_by(cohort_id=cohort_id)
        return {row.user_id for row in rows}


def join(client, code: str, agree: bool = True):
    data = {"code": code, **({"agree": "y"} if agree else {})}
    return client.post("/cohorts/join", data={"csrf_token": csrf_token(client, "/cohorts"), **data})


# --- codes -------------------------------------------------------------------------------


def test_codes_have_no_characters_people_confuse_and_forgive_typing():
    assert not set("0O1IL2Z5S8B6G") & set(codes.ALPHABET)
    code = codes.new_code()
    assert len(code) == 8 and set(code) <= set(codes.ALPHABET)
    assert codes.normalize(f" {codes.display(code).lower()} ") == code
    assert codes.normalize("ABCD-EFG0") is None and codes.normalize("x" * 1000) is None


# --- creating ----------------------------------------------------------------------------


def test_a_trainer_creates_a_french_cohort_for_two_modules_and_projects_its_qr_code(app, trainer):
    page = trainer.get("/cohorts/new").get_data(as_text=True)
    assert 'name="modules"' in page and 'name="due-pools"' in page
    response = submit(
        trainer,
        "/cohorts/new",
        {
            "name": "Wikigap Lyon",
            "hub": "",
            "language": "fr",
            "modules": ["first-edit-a-thon", "pools"],
            "due-pools": (TODAY + timedelta(days=7)).isoformat(),
            "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY + timedelta(days=14)).isoformat(),
            "max_size": "40",
        },
    )
    assert response.status_code == 303
    projector = trainer.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        cohort = db.session.query(Cohort).one()
        assert cohort.language == "fr" and cohort.modules == ["first-edit-a-thon", "pools"]
        assert cohort.due_dates == {"pools": (TODAY + timedelta(days=7)).isoformat()}
        assert cohort.max_size == 40
    assert codes.display(cohort.code) in projector
    assert "<svg" in projector and "QR code to join this cohort" in projector
    assert f"/cohorts/join?code={codes.display(cohort.code)}" in projector


def test_learners_cannot_start_cohorts(client, create_user):
    create_user()
    login(client)
    assert client.get("/cohorts/new").status_code == 403


@pytest.mark.parametrize(
    "name",
    ["x" * 121, "Evil \u202egnp.exe", "Tab\x07bell", "   "],
)
def test_oversized_names_control_characters_and_bidi_overrides_are_refused(app, trainer, name):
    response = submit(
        trainer,
        "/cohorts/new",
        {
            "name": name,
            "hub": "",
            "language": "en",
            "modules": ["pools"],
            "starts_on": TODAY.isoformat(),
            "ends_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.query(Cohort).count() == 0


def test_extra_spaces_in_names_are_tidied(app, trainer):
    cohort_id, _code = make_cohort(app, name="  Art+Feminism \n  Lyon  ")
    with app.app_context():
        assert db.session.get(Cohort, cohort_id).name == "Art+Feminism Lyon"


# --- joining -----------------------------------------------------------------------------


def test_joining_shows_exactly_what_leads_see_and_needs_explicit_consent(app, trainer, create_user):
    cohort_id, code = make_cohort(app)
    ada = create_user()
    client = signed_in(app)
    page = client.get(f"/cohorts/join?code={codes.display(code)}").get_data(as_text=True)
    for seen in ("display name", "quiz scores", "badges", "never see your email"):
        assert seen in page
    refused = join(client, code, agree=False)
    assert refused.status_code == 400 and "Tick the box to join." in refused.get_data(as_text=True)
    assert members_of(app, cohort_id) == set()
    assert join(client, code.lower()).status_code == 303
    assert members_of(app, cohort_id) == {ada}
    assert join(client, code).status_code == 302  # already in: nothing changes
    assert members_of(app, cohort_id) == {ada}
    assert "Edit-a-thon Lyon" in client.get("/cohorts").get_data(as_text=True)


def test_typing_the_code_works_without_javascript(app, trainer, create_user):
    _cohort_id, code = make_cohort(app)
    create_user()
    client = signed_in(app)
    form = client.get("/cohorts/join").get_data(as_text=True)
    assert 'method="get"' in form and 'name="code"' in form and "<script" not in form
    page = client.get("/cohorts/join", query_string={"code": f" {code[:4]} {code[4:]} "})
    assert page.status_code == 200 and "Join Edit-a-thon Lyon" in page.get_data(as_text=True)


def test_a_visitor_is_offered_to_sign_up_or_sign_in_with_the_code(app, trainer, client):
    _cohort_id, code = make_cohort(app)
    page = client.get(f"/cohorts/join?code={code}").get_data(as_text=True)
    shown = codes.display(code)
    assert f"/register?cohort={shown}" in page
    assert f"/login?cohort={shown}" in page


@pytest.mark.parametrize("problem", ["forged", "closed", "ended", "full", "archived", "replaced"])
def test_a_bad_code_gets_a_translated_message_and_changes_nothing(
    app, trainer, create_user, problem
):
    cohort_id, code = make_cohort(app, max_size=1)
    create_user("bea@example.org")
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        if problem == "closed":
            cohort.joining_open = False
        elif problem == "ended":
            cohort.starts_on = TODAY - timedelta(days=9)
            cohort.ends_on = TODAY - timedelta(days=1)
        elif problem == "full":
            bea = db.session.query(User).filter_by(email="bea@example.org").one()
            membership.join(bea, code)
        elif problem == "archived":
            from course.cohorts import lifecycle

            lifecycle.archive(cohort)
        elif problem == "replaced":
            services.regenerate_code(cohort)
        db.session.commit()
    if problem == "forged":
        code = "ACDEFHJK" if code != "ACDEFHJK" else "KJHFEDCA"
    before = members_of(app, cohort_id)
    ada = create_user(name="Ada")
    client = signed_in(app)
    client.post("/language", data={"lang": "fr", "csrf_token": csrf_token(client, "/")})
    for response in (client.get(f"/cohorts/join?code={code}"), join(client, code)):
        assert response.status_code == 400
        text = response.get_data(as_text=True)
        assert any(
            message in text
            for message in (
                "Aucune cohorte",
                "est terminée",
                "est fermée",
                "est complète",
            )
        ), text
    assert members_of(app, cohort_id) == before and ada not in before


def test_signing_up_with_the_code_confirms_and_lands_in_the_cohort(app, trainer, client, mailbox):
    cohort_id, code = make_cohort(app)
    form = client.get(f"/register?cohort={codes.display(code)}").get_data(as_text=True)
    assert "Joining Edit-a-thon Lyon" in form and "never see your email" in form
    fields = {
        "display_name": "Awa",
        "email": "awa@example.org",
        "password": PASSWORD,
        "cohort": codes.display(code),
    }
    token = csrf_token(client, f"/register?cohort={code}")
    missing = client.post("/register", data={"csrf_token": token, **fields})
    assert missing.status_code == 400 and "Tick the box to join" in missing.get_data(as_text=True)
    assert 'value="awa@example.org"' in missing.get_data(as_text=True)
    signed = client.post("/register", data={"csrf_token": token, **fields, "cohort_consent": "y"})
    assert signed.status_code == 303
    link = mailbox.last_link("awa@example.org")
    assert "cohort=" in link
    path = link.removeprefix("http://localhost")
    confirmed = client.post(path, data={"csrf_token": csrf_token(client, path)})
    assert confirmed.status_code == 303
    assert confirmed.headers["Location"] == f"/cohorts/{cohort_id}"
    with app.app_context():
        awa = db.session.query(User).filter_by(email="awa@example.org").one()
        assert members_of(app, cohort_id) == {awa.id}
    assert "Leave this cohort" in client.get(f"/cohorts/{cohort_id}").get_data(as_text=True)


def test_a_confirmation_link_with_a_forged_cohort_ticket_joins_nothing(
    app, trainer, client, mailbox
):
    cohort_id, code = make_cohort(app)
    submit(
        client,
        "/register",
        {"display_name": "Awa", "email": "awa@example.org", "password": PASSWORD},
    )
    path = mailbox.last_link("awa@example.org").removeprefix("http://localhost")
    path += f"&cohort={code}"  # not signed: the sign-up never agreed to anything
    assert client.post(path, data={"csrf_token": csrf_token(client, path)}).status_code == 303
    assert members_of(app, cohort_id) == set()


def test_a_cohort_closed_before_confirmation_says_so_and_joins_nothing(
    app, trainer, client, mailbox
):
    cohort_id, code = make_cohort(app)
    token = csrf_token(client, f"/register?cohort={code}")
    client.post(
        "/register",
        data={
            "csrf_token": token,
            "display_name": "Awa",
            "email": "awa@example.org",
            "password": PASSWORD,
            "cohort": code,
            "cohort_consent": "y",
        },
    )
    with app.app_context():
        db.session.get(Cohort, cohort_id).joining_open = False
        db.session.commit()
    path = mailbox.last_link("awa@example.org").removeprefix("http://localhost")
    confirmed = client.post(
        path, data={"csrf_token": csrf_token(client, path)}, follow_redirects=True
    )
    assert "closed to new members" in confirmed.get_data(as_text=True)
    assert members_of(app, cohort_id) == set()


def test_leaving_removes_the_member_from_every_view(app, trainer, create_user):
    cohort_id, code = make_cohort(app)
    create_user(name="Ada")
    ada = signed_in(app)
    join(ada, code)
    assert "Ada" in trainer.get(f"/cohorts/{cohort_id}").get_data(as_text=True)
    leave = ada.post(
        f"/cohorts/{cohort_id}/leave", data={"csrf_token": csrf_token(ada, f"/cohorts/{cohort_id}")}
    )
    assert leave.status_code == 303
    assert members_of(app, cohort_id) == set()
    for path in ("", "/attendance", "/members.csv"):
        assert "Ada" not in trainer.get(f"/cohorts/{cohort_id}{path}").get_data(as_text=True)
    assert ada.get(f"/cohorts/{cohort_id}").status_code == 404


def test_a_learner_can_be_in_several_cohorts(app, trainer, create_user):
    first, code1 = make_cohort(app, name="One")
    second, code2 = make_cohort(app, name="Two")
    ada = create_user()
    client = signed_in(app)
    join(client, code1)
    join(client, code2)
    assert members_of(app, first) == members_of(app, second) == {ada}


def test_lead_tools_close_reopen_regenerate_and_add_a_co_lead(app, trainer, create_user):
    cohort_id, code = make_cohort(app)
    create_user("cleo@example.org", role=Role.TRAINER, name="Cleo")
    path = f"/cohorts/{cohort_id}"

    def act(action):
        return trainer.post(
            f"{path}/manage", data={"csrf_token": csrf_token(trainer, path), "action": action}
        )

    act("close")
    with app.app_context():
        assert not db.session.get(Cohort, cohort_id).joining_open
    act("open")
    act("code")
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        assert cohort.joining_open and cohort.code != code
    submit(trainer, f"{path}/leads", {"email": "cleo@example.org"})
    cleo = signed_in(app, "cleo@example.org")
    assert "Funnel" in cleo.get(path).get_data(as_text=True)
    assert re.search(r"Tess, Cleo|Cleo, Tess", trainer.get(path).get_data(as_text=True))
