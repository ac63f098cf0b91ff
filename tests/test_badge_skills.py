"""Badges say which skills they certify, in both formats, and exist in every language."""

from __future__ import annotations

import dataclasses
import json

import pytest
from helpers import Learner, complete_module, csrf_token, signed_in
from markupsafe import escape

from course.badges import documents, services
from course.config import PROJECT_ROOT
from course.contentstore import course

SHARED = PROJECT_ROOT.parent / "shared" / "openbadges"
BADGE = "first-edit-a-thon"

pytestmark = pytest.mark.content("tiny")


@pytest.fixture
def awarded(completed_learner):
    ada = completed_learner(BADGE)
    return ada.client, ada.award()


def credential_of(client, award) -> dict:
    return json.loads(client.get(f"/badges/credentials/{award.uid}").get_data(as_text=True))


def test_the_ob2_badge_class_aligns_with_the_public_skill_page(client):
    badge_class = client.get(f"/badges/ob2/classes/{BADGE}").get_json()
    skill = next(a for a in badge_class["alignment"] if a.get("targetCode") == "find-a-partner")
    assert skill == {
        "targetName": "Find a local partner",
        "targetUrl": "http://localhost/skills/find-a-partner",
        "targetDescription": "Can explain what a local partner brings to an edit-a-thon and find one.",
        "targetFramework": "Skills for GLAM partnerships",
        "targetCode": "find-a-partner",
    }
    assert client.get("/skills/find-a-partner").status_code == 200
    narrative = badge_class["criteria"]["narrative"]
    assert "Find a local partner" in narrative and "“Aware”" in narrative
    assert "at least 50% of the answers right" in narrative


def test_the_ob3_achievement_aligns_with_the_case_item(client, awarded):
    client, award = awarded
    achievement = credential_of(client, award)["credentialSubject"]["achievement"]
    skill = next(a for a in achievement["alignment"] if a.get("targetCode") == "find-a-partner")
    assert skill["type"] == ["Alignment"] and skill["targetType"] == "CFItem"
    assert skill["targetName"] == "Find a local partner"
    item = client.get(skill["targetUrl"].removeprefix("http://localhost")).get_json()
    package = client.get("/skills/framework.json").get_json()
    assert item in package["CFItems"] and item["humanCodingScheme"] == "find-a-partner"
    assert "Find a local partner" in achievement["criteria"]["narrative"]


def test_each_language_is_an_edition_that_links_the_others(client):
    english = client.get(f"/badges/ob2/classes/{BADGE}").get_json()
    french = client.get(f"/badges/ob2/classes/{BADGE}/fr").get_json()
    assert english["@language"] == "en" and french["@language"] == "fr"
    assert english["related"] == [{"id": french["id"], "@language": "fr"}]
    assert french["related"] == [{"id": english["id"], "@language": "en"}]
    assert french["name"] == "Premier atelier d'écriture avec un partenaire"
    assert "Trouver un partenaire local" in [a.get("targetName") for a in french["alignment"]]
    assert "« Connaît »" in french["criteria"]["narrative"].replace("\u00a0", " ")
    page = client.get(french["criteria"]["id"].removeprefix("http://localhost"))
    assert '<html lang="fr"' in page.get_data(as_text=True)
    assert client.get(f"/badges/ob2/classes/{BADGE}/de").status_code == 404
    assert client.get(f"/badges/{BADGE}/editions/de").status_code == 404


def test_the_ob3_achievement_names_its_language_and_its_other_editions(client, awarded):
    client, award = awarded
    achievement = credential_of(client, award)["credentialSubject"]["achievement"]
    assert achievement["inLanguage"] == "en"
    assert achievement["related"] == [
        {
            "id": f"http://localhost/badges/{BADGE}/editions/fr",
            "type": ["Related"],
            "inLanguage": "fr",
        }
    ]
    assert client.get(f"/badges/{BADGE}/editions/fr").status_code == 200


@pytest.mark.skipif(
    not SHARED.is_dir(), reason="1EdTech's JSON Schema is read from ../shared/openbadges"
)
def test_a_french_edition_credential_passes_1edtechs_json_schema(app, awarded):
    import jsonschema

    _, award = awarded
    schema = json.loads((SHARED / "schemas/ob_v3p0_achievementcredential_schema.json").read_text())
    with app.test_request_context():
        badge = course().badge(BADGE)
        facts = dataclasses.replace(services.facts(award, badge), language="fr")
        credential = documents.ob3_credential(services.issuer(), facts)
        assertion = documents.ob2_assertion(services.issuer(), facts)
    credential["proof"] = [{"type": "DataIntegrityProof"}]
    jsonschema.validate(credential, schema, cls=jsonschema.Draft201909Validator)
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["inLanguage"] == "fr" and achievement["id"].endswith("/editions/fr")
    assert credential["name"] == "Premier atelier d'écriture avec un partenaire"
    assert assertion["badge"] == f"http://localhost/badges/ob2/classes/{BADGE}/fr"


def test_the_award_page_lists_the_skills_in_the_visitors_language(client, awarded):
    client, award = awarded
    english = client.get(f"/awards/{award.uid}").get_data(as_text=True)
    assert "Find a local partner" in english and "/skills/find-a-partner" in english
    assert f'href="/badges/{BADGE}/editions/fr"' in english
    french = client.get(f"/awards/{award.uid}", headers={"Accept-Language": "fr"})
    text = french.get_data(as_text=True)
    assert "Trouver un partenaire local" in text
    assert escape("Sait expliquer ce qu’un partenaire local apporte") in text


def test_an_award_is_issued_in_the_edition_of_the_learners_language(app, create_user):
    """Ada chose French: her credential is the French edition, and so is her assertion's badge."""
    ada = Learner(app, create_user("ada@example.org"), "ada@example.org", None)
    ada.client = signed_in(app, ada.email)
    token = csrf_token(ada.client, "/")
    switched = ada.client.post("/language", data={"csrf_token": token, "lang": "fr", "next": "/"})
    assert switched.status_code == 303
    complete_module(app, ada.client, BADGE)
    award = ada.award()
    achievement = credential_of(ada.client, award)["credentialSubject"]["achievement"]
    assert achievement["inLanguage"] == "fr"
    assert [edition["inLanguage"] for edition in achievement["related"]] == ["en"]
    assertion = ada.client.get(f"/badges/ob2/assertions/{award.uid}").get_json()
    assert assertion["badge"].endswith(f"/badges/ob2/classes/{BADGE}/fr")
