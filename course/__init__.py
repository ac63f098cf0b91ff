"""The course server: a self-paced course on gender-gap GLAM partnerships, with badges.

``create_app`` only reads and checks configuration and wires the parts together: it writes
no file and opens no connection. Preparing an installation is ``course init``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from . import config as settings
from .accounts.auth import current_viewer, has_session, init_auth
from .accounts.cli import users
from .accounts.identities import export_data as wikimedia_export
from .accounts.oauth_views import bp as wikimedia_bp
from .accounts.views import bp as accounts_bp
from .accounts.wikimedia import init_wikimedia
from .accounts.wikimedia import is_enabled as wikimedia_enabled
from .authoring.views import bp as authoring_bp
from .badges.cli import badges_group
from .badges.edition_views import bp as badge_editions_bp
from .badges.jsonld import check_pins
from .badges.privacy import export_data as badges_export
from .badges.privacy import forget_holder
from .badges.services import award_earned
from .badges.views import bp as badges_bp
from .cli import init_command
from .cli.content import content_group
from .cohorts import membership as cohorts
from .cohorts.cli import hubs_group
from .cohorts.views import bp as cohorts_bp
from .config import ConfigError
from .contentstore import ContentError, init_content
from .db import init_db
from .errors import init_errors
from .extensions import csrf
from .i18n import init_i18n
from .learning.services import export_data as learning_export
from .learning.views import bp as learning_bp
from .library.cli import initiatives_group
from .library.services import export_data as library_export
from .library.services import forget as forget_contributor
from .library.views import bp as library_bp
from .main.views import bp as main_bp
from .openapi import bp as openapi_bp
from .ratelimit import init_ratelimit
from .security import init_security
from .skills.public import bp as skills_public_bp
from .skills.services import export_data as skills_export
from .skills.services import forget as forget_ratings
from .skills.views import bp as skills_bp
from .skills.views import group_map_html
from .templating import init_templating
from .verification.views import bp as verification_bp

__all__ = ["ConfigError", "ContentError", "create_app"]


def create_app(
    test_config: dict[str, Any] | None = None,
    *,
    load_content: bool = True,
    require_secret_key: bool = True,
) -> Flask:
    """Build the application: defaults, then ``instance/config.py``, then ``COURSE_*``.

    A server refuses broken content and a missing key at start-up. The ``course`` command
    (:mod:`course.commandline`) asks for neither, so that ``course init`` can run before a
    key exists and ``course content check`` can report on broken content.
    """
    app = _configured_app(test_config, require_secret_key)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True  # lighter pages
    init_security(app, has_session=has_session)
    init_ratelimit(app)  # before the database hooks: its counters commit on their own
    init_db(app)
    init_auth(app)
    init_wikimedia(app)  # "Sign in with Wikimedia", only when configured
    init_i18n(app, saved_language=saved_language)
    csrf.init_app(app)
    init_content(app, load_now=load_content)
    init_templating(app)
    init_errors(app)
    _register_features(app)
    check_pins()
    return app


def _configured_app(test_config: dict[str, Any] | None, require_secret_key: bool) -> Flask:
    """A bare app with its settings read in layers and checked."""
    instance_path = os.environ.get("COURSE_INSTANCE_PATH") or str(
        settings.PROJECT_ROOT / "instance"
    )
    app = Flask(
        __name__, instance_path=str(Path(instance_path).resolve()), instance_relative_config=True
    )
    app.config.update(settings.DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(settings.from_environment(os.environ))
    if test_config:
        app.config.update(test_config)
    if app.config.get("TESTING") and not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secrets.token_urlsafe(48)

    problems = settings.validate(app.config)
    if problems and (require_secret_key or not _only_missing_key(problems)):
        raise ConfigError("The course server cannot start:\n- " + "\n- ".join(problems))
    app.config.update(settings.derived(app.config, app.instance_path))
    return app


def _register_features(app: Flask) -> None:
    """Blueprints, the hooks through which features hear of each other, and commands."""
    app.register_blueprint(main_bp)
    app.register_blueprint(accounts_bp)
    if wikimedia_enabled(app):  # unconfigured, none of its pages exists
        app.register_blueprint(wikimedia_bp)
    app.register_blueprint(authoring_bp)
    app.register_blueprint(library_bp)
    app.register_blueprint(learning_bp)
    app.register_blueprint(openapi_bp)
    app.register_blueprint(badges_bp)
    app.register_blueprint(verification_bp)
    app.register_blueprint(cohorts_bp)
    app.register_blueprint(skills_public_bp)
    app.register_blueprint(badge_editions_bp)
    app.register_blueprint(skills_bp)
    app.extensions["course_exporters"] = [
        wikimedia_export,
        learning_export,
        badges_export,
        library_export,
        skills_export,
    ]
    app.extensions["course_completion_hooks"] = [award_earned]
    # A Wikimedia account chose how badges name it: award what was waiting.
    app.extensions["course_recipient_hooks"] = [award_earned]
    app.extensions["course_deletion_hooks"] = [forget_holder, forget_contributor, forget_ratings]
    app.extensions["course_group_skills_map"] = group_map_html  # for cohorts and hubs
    app.cli.add_command(init_command)
    app.cli.add_command(users)
    app.cli.add_command(content_group)
    app.cli.add_command(badges_group)
    app.cli.add_command(initiatives_group)
    app.cli.add_command(hubs_group)
    app.extensions["course_exporters"].append(cohorts.export_data)
    app.extensions["course_deletion_hooks"].append(cohorts.forget)
    # Cohorts, heard of without being imported: a join code at sign-up and the landing after
    # confirmation (accounts), a workshop's budget (ratelimit), announcements (learning).
    app.extensions["course_signup_notice"] = cohorts.signup_notice
    app.extensions["course_confirmation_hooks"] = [cohorts.after_confirmation]
    app.extensions["course_code_budget"] = cohorts.code_budget
    app.extensions["course_my_learning_notices"] = [cohorts.my_learning_notices]


def saved_language() -> str | None:
    """The signed-in person's saved interface language, if any (for :mod:`course.i18n`)."""
    viewer = current_viewer()
    return viewer.locale if viewer else None


def _only_missing_key(problems: list[str]) -> bool:
    """Commands such as ``init`` run before a key exists; a server (even ``flask run``) never."""
    return all(problem.startswith("SECRET_KEY is not set") for problem in problems)
