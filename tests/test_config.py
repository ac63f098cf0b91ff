"""Configuration: layered sources, validation that says what to fix, a side-effect-free factory."""

from __future__ import annotations

import pytest

from course import ConfigError, create_app
from course.config import from_environment

GOOD_KEY = "k" * 8 + "0123456789abcdefghijklmnopqrstuv"


@pytest.fixture
def instance(tmp_path, monkeypatch):
    path = tmp_path / "instance"
    path.mkdir()
    monkeypatch.setenv("COURSE_INSTANCE_PATH", str(path))
    for name in ("COURSE_SECRET_KEY", "COURSE_BASE_URL", "COURSE_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return path


def test_refuses_to_start_without_a_secret_key(instance):
    with pytest.raises(ConfigError, match="course init"):
        create_app()


@pytest.mark.parametrize(
    "key", ["dev", "changeme", "short-key", "CHANGE_ME_TO_A_COMPLEX_RANDOM_SECRET"]
)
def test_refuses_weak_or_published_keys(instance, key):
    with pytest.raises(ConfigError, match="too short or publicly known"):
        create_app({"SECRET_KEY": key})


def test_every_problem_is_reported_at_once(instance):
    with pytest.raises(ConfigError) as error:
        create_app({"BASE_URL": "course.example.org/path", "RATELIMIT_STORAGE": "carrier-pigeon"})
    message = str(error.value)
    assert "SECRET_KEY" in message and "BASE_URL" in message and "RATELIMIT_STORAGE" in message


def test_layers_defaults_then_instance_file_then_environment(instance, monkeypatch):
    (instance / "config.py").write_text(
        f"SECRET_KEY = {GOOD_KEY!r}\nBASE_URL = 'https://from-file.example'\nMAIL_PORT = 2525\n"
    )
    app = create_app()
    assert app.config["BASE_URL"] == "https://from-file.example"
    assert app.config["MAIL_PORT"] == 2525
    assert app.config["LANGUAGES"] == ["en", "fr"]

    monkeypatch.setenv("COURSE_BASE_URL", "https://from-env.example")
    monkeypatch.setenv("COURSE_MAIL_PORT", "587")
    monkeypatch.setenv("COURSE_DATABASE_URL", "postgresql://u@db.example/course")
    app = create_app()
    assert app.config["BASE_URL"] == "https://from-env.example"
    assert app.config["MAIL_PORT"] == 587
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/course"


def test_environment_values_are_checked():
    with pytest.raises(ConfigError, match="COURSE_MAIL_PORT must be a whole number"):
        from_environment({"COURSE_MAIL_PORT": "twenty-five"})
    with pytest.raises(ConfigError, match="COURSE_MAIL_USE_SSL must be true or false"):
        from_environment({"COURSE_MAIL_USE_SSL": "maybe"})
    assert from_environment({"COURSE_MAIL_USE_SSL": "yes"}) == {"MAIL_USE_SSL": True}


def test_the_factory_writes_nothing_and_connects_to_nothing(instance):
    create_app({"SECRET_KEY": GOOD_KEY})
    assert list(instance.iterdir()) == []


def test_production_cookies_are_secure_and_host_bound(instance, tmp_path):
    app = create_app(
        {
            "SECRET_KEY": GOOD_KEY,
            "BASE_URL": "https://course.example.org",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        }
    )
    assert not app.debug
    client = app.test_client()
    response = client.get("/login", base_url="https://course.example.org")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-course_session=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert flag in cookie
    assert "Domain" not in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert app.config["MAX_CONTENT_LENGTH"] == 2 * 1024 * 1024
