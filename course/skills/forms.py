"""The self-assessment form (checked strictly: one bad field and nothing is stored) and the
filters of the skills map (a GET form)."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Protocol

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional, ValidationError

from .models import SCALE

#: Fields that travel with the ratings and are not ratings.
OTHER_FIELDS = {"csrf_token", "share"}
WHEN = ("before", "after")


class Posted(Protocol):
    """A submitted form, as Werkzeug's ``MultiDict`` offers it."""

    def __iter__(self) -> Iterator[str]: ...
    def getlist(self, key: str) -> list[str]: ...


class InvalidSelfAssessment(ValueError):
    """A submission that is not one learner rating known skills on the scale: refused whole."""


def parse_self_assessment(
    form: Posted, skill_ids: Collection[str]
) -> tuple[dict[str, tuple[int | None, int | None]], bool]:
    """({skill id: (before, after)}, share) from fields ``before-<skill>``, ``after-<skill>``
    (empty: not rated, else 1 to 4) and the ``share`` checkbox.

    Raises :class:`InvalidSelfAssessment` for a value off the scale, an unknown skill, a
    repeated field, or any other field, such as one naming a learner: a form only ever
    rates its sender's own skills.
    """
    ratings: dict[str, list[int | None]] = {}
    for name in form:
        values = form.getlist(name)
        if len(values) != 1:
            raise InvalidSelfAssessment(f"{name[:64]!r} sent {len(values)} times")
        if name in OTHER_FIELDS:
            if name == "share" and values[0] != "1":
                raise InvalidSelfAssessment("share is a checkbox whose value is 1")
            continue
        when, _, skill_id = name.partition("-")
        if when not in WHEN or skill_id not in skill_ids:
            raise InvalidSelfAssessment(f"unknown field {name[:64]!r}")
        ratings.setdefault(skill_id, [None, None])[WHEN.index(when)] = _rating(values[0])
    return {skill: (before, after) for skill, (before, after) in ratings.items()}, ("share" in form)


def _rating(value: str) -> int | None:
    if value == "":
        return None
    if not (value.isascii() and value.isdigit() and int(value) in SCALE):
        raise InvalidSelfAssessment(f"{value[:8]!r} is not on the scale 1 to 4")
    return int(value)


class MapFilterForm(FlaskForm):
    """Which answers a skills map counts: language and period (read from the query string;
    a GET form changes nothing, so it has no CSRF token). WTForms' own messages, such as
    "Not a valid date value", come translated through Flask-WTF."""

    class Meta:
        csrf = False

    language = SelectField(_l("Language answered in"), default="", validators=[Optional()])
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To (included)"), validators=[Optional()])

    def __init__(self, formdata: object, languages: list[tuple[str, str]]) -> None:
        super().__init__(formdata=formdata)
        self.language.choices = [("", _l("All languages")), *languages]

    def validate_end(self, field: DateField) -> None:
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The end of the period comes before its start."))
