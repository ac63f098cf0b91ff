"""The cohorts blueprint, shared by its view modules, and the access checks they all use."""

from __future__ import annotations

from flask import Blueprint, abort, current_app

from ..accounts.auth import current_user
from ..accounts.models import User
from .models import Cohort, Hub
from .services import coordinates, find_cohort, find_hub, leads

bp = Blueprint("cohorts", __name__, template_folder="templates")


def signed_in() -> User:
    """The signed-in user (views using this are ``login_required``)."""
    user = current_user()
    assert user is not None
    return user


def led_cohort(cohort_id: int) -> Cohort:
    """The cohort if the signed-in user leads it; 404 otherwise (as if it did not exist)."""
    cohort = find_cohort(cohort_id)
    if cohort is None or not leads(current_user(), cohort):
        abort(404)
    return cohort


def coordinated_hub(slug: str) -> Hub:
    """The hub if the signed-in user coordinates it (or is an admin); 404 otherwise."""
    hub = find_hub(slug)
    user = current_user()
    if hub is None or user is None or not (user.is_admin or coordinates(user, hub)):
        abort(404)
    return hub


def limit(setting: str):  # noqa: ANN201 - a Flask-Limiter limit value
    """A limit read from the settings when the request comes."""
    return lambda: current_app.config[setting]
