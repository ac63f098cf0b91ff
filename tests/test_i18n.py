"""French and English from the first page, and catalogs that cannot silently fall behind."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from helpers import PASSWORD, csrf_token, login

from course.config import PROJECT_ROOT

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def extracted_messages() -> dict[str, set[str]]:
    """Run the extraction `make translations` runs; map each message to the files it is in."""
    with (PROJECT_ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str, set[str]] = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(PROJECT_ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault(msgid, set()).add(filename)
    return found


def french_catalog():
    path = PROJECT_ROOT / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
    return read_po(BytesIO(path.read_bytes()), locale="fr")


def test_every_message_has_a_french_translation():
    catalog = french_catalog()
    missing = []
    for msgid in extracted_messages():
        entry = catalog.get(msgid)
        strings = entry.string if entry else None
        complete = (
            entry and not entry.fuzzy and (all(strings) if isinstance(strings, tuple) else strings)
        )
        if not complete:
            missing.append(msgid)
    assert missing == [], "run `make translations` and translate these"


def test_french_placeholders_match_the_english_ones():
    placeholder = re.compile(r"%\(\w+\)[sd]|\{\{ *\w+ *\}\}")
    for entry in french_catalog():
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        expected = set(placeholder.findall(ids[-1]))
        for string in strings:
            assert set(placeholder.findall(string)) == expected, entry.id


def test_extraction_covers_every_template_folder_and_python_file():
    extracted_files = {name for files in extracted_messages().values() for name in files}
    translatable = re.compile(r"\b_\(|gettext\(|_l\(|\{% *trans")
    for path in sorted((PROJECT_ROOT / "course").rglob("*")):
        if path.suffix not in {".py", ".html", ".txt"} or "migrations" in path.parts:
            continue
        if translatable.search(path.read_text()):
            relative = str(path.relative_to(PROJECT_ROOT))
            assert relative in extracted_files, f"babel.cfg does not extract {relative}"


def test_english_by_default_and_french_from_the_browser(client):
    english = client.get("/").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in english
    assert "How it works" in english
    french = client.get("/", headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"})
    page = french.get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in page
    assert "How it works" not in page
    assert "Créer un compte" in page


def test_the_switcher_remembers_a_choice_and_returns_to_the_same_page(client):
    response = client.post(
        "/language", data={"lang": "fr", "next": "/login", "csrf_token": csrf_token(client, "/")}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/login"
    page = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="fr"' in page


def test_a_saved_preference_beats_the_browser_and_follows_the_learner(app, create_user):
    create_user()
    laptop = app.test_client()
    login(laptop)
    laptop.post("/language", data={"lang": "fr", "csrf_token": csrf_token(laptop, "/")})
    phone = app.test_client()
    login(phone)
    page = phone.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="fr"' in page


def test_an_unknown_language_changes_nothing(client):
    client.post("/language", data={"lang": "xx", "csrf_token": csrf_token(client, "/")})
    assert '<html lang="en"' in client.get("/").get_data(as_text=True)


@pytest.mark.settings(LANGUAGES=["en", "fr", "ar"])
def test_right_to_left_languages_turn_the_page(client):
    page = client.get("/", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page


def test_emails_are_written_in_the_learners_language(app, client, mailbox):
    client.post("/language", data={"lang": "fr", "csrf_token": csrf_token(client, "/")})
    client.post(
        "/register",
        data={
            "display_name": "Awa",
            "email": "awa@example.org",
            "password": PASSWORD,
            "csrf_token": csrf_token(client, "/register"),
        },
    )
    message = mailbox.to("awa@example.org")[-1]
    assert "Awa" in message.get_payload(decode=True).decode()
    assert message["Subject"] != "Confirm your email address"
