"""The "share your initiative" form: plain text, web links, fixed lists, and size limits.

Every field is optional while a draft is saved; :func:`missing_for_submission` lists what a
submission also needs. Text fields refuse markup outright (they are plain text, escaped on
every page and escaped again when exported as Markdown); links must be ``http``/``https``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from ..content.initiativefiles import is_web_url
from . import choices
from .models import SHORT_MAX, SUMMARY_MAX, TEXT_MAX, TITLE_MAX, URL_MAX

MAX_OUTCOMES = 20
MAX_PARTNERS = 10
MAX_FIGURE = 10**9
MARKUP_RE = re.compile(r"<\s*[A-Za-z/!?]")
_TOO_LONG = _l("At most %(max)d characters.")


def plain_text(form: Form, field: Any) -> None:
    """Refuse HTML tags and invisible control characters in a text field."""
    value = field.data or ""
    if MARKUP_RE.search(value):
        raise ValidationError(_l("Write plain text: HTML tags are not accepted."))
    if any(unicodedata.category(ch) in {"Cc", "Cf"} and ch not in "\n\r\t" for ch in value):
        raise ValidationError(_l("Use only visible characters."))


def web_url(form: Form, field: Any) -> None:
    """Accept only an ``http``/``https`` address without spaces or angle brackets."""
    value = (field.data or "").strip()
    field.data = value
    if value and (not is_web_url(value) or re.search(r"[\s<>\"\\]", value)):
        raise ValidationError(_l("Give a web address starting with https:// or http://."))


def _text(label: Any, limit: int, area: bool = False, description: Any = "") -> Any:
    kind = TextAreaField if area else StringField
    return kind(
        label,
        validators=[Optional(), Length(max=limit, message=_TOO_LONG), plain_text],
        description=description,
        render_kw={"maxlength": limit, **({"rows": 6} if area else {})},
    )


class OutcomeForm(Form):
    """One figure with the public page it comes from."""

    metric = SelectField(_l("What was counted"), validate_choice=False)
    figure = IntegerField(
        _l("Figure"),
        validators=[Optional(), NumberRange(0, MAX_FIGURE, _l("A whole number, 0 or more."))],
        render_kw={"inputmode": "numeric"},
    )
    url = StringField(
        _l("Source (a web address)"),
        validators=[Optional(), Length(max=URL_MAX, message=_TOO_LONG), web_url],
        render_kw={"maxlength": URL_MAX, "type": "url"},
    )
    measured = DateField(_l("Date measured"), validators=[Optional()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.metric.choices = [("", "—"), *((k, str(v)) for k, v in choices.METRICS.items())]

    def validate_metric(self, field: Any) -> None:
        if field.data and field.data not in choices.METRICS:
            raise ValidationError(_l("Choose from the list."))

    def is_empty(self) -> bool:
        return not (self.metric.data or self.figure.data is not None or self.url.data)


class PartnerForm(Form):
    """One partner institution and its kind."""

    name = _text(_l("Partner institution"), SHORT_MAX)
    kind = SelectField(_l("Kind of institution"), validate_choice=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [("", "—"), *((k, str(v)) for k, v in choices.PARTNER_KINDS.items())]

    def validate_kind(self, field: Any) -> None:
        if field.data and field.data not in choices.PARTNER_KINDS:
            raise ValidationError(_l("Choose from the list."))


class ContributionForm(FlaskForm):
    """Everything an organizer tells about their initiative."""

    written_in = SelectField(_l("Language this text is written in"))
    title = _text(_l("Title"), TITLE_MAX)
    summary = _text(_l("Summary"), SUMMARY_MAX, description=_l("One or two sentences."))
    start_date = DateField(_l("Start date"), validators=[Optional()])
    end_date = DateField(_l("End date"), validators=[Optional()])
    country = SelectField(_l("Country"))
    city = _text(_l("City or place"), SHORT_MAX)
    region = SelectField(_l("Region"))
    languages = SelectMultipleField(
        _l("Languages of the activities"),
        description=_l("Hold Ctrl (or Cmd) to choose several."),
        render_kw={"size": 6},
    )
    formats = SelectMultipleField(_l("Format"))
    wikimedia = _text(
        _l("Wikimedia side"), SHORT_MAX, description=_l("Affiliate, user group or project.")
    )
    partners = FieldList(FormField(PartnerForm), min_entries=2, max_entries=MAX_PARTNERS)
    audience = _text(_l("Audience"), TEXT_MAX, area=True)
    activities = _text(_l("What was done"), TEXT_MAX, area=True)
    outcomes = FieldList(FormField(OutcomeForm), min_entries=3, max_entries=MAX_OUTCOMES)
    self_reported = _text(
        _l("Self-reported figures"),
        TEXT_MAX,
        area=True,
        description=_l("Figures with no public source; the page shows them as self-reported."),
    )
    worked = _text(_l("What worked"), TEXT_MAX, area=True)
    did_not_work = _text(_l("What did not work"), TEXT_MAX, area=True)
    advice = _text(_l("Advice for others"), TEXT_MAX, area=True)
    contact = _text(
        _l("Public contact (optional)"),
        SHORT_MAX,
        description=_l("Shown to everyone: a wiki user page or an address you want public."),
    )
    show_name = BooleanField(_l("Show my display name with this initiative"))
    licence = BooleanField(
        _l("I publish this text under the Creative Commons Attribution-ShareAlike 4.0 licence")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        languages = choices.language_choices()
        self.written_in.choices = languages
        self.languages.choices = languages
        self.country.choices = [("", "—"), *choices.country_choices()]
        self.region.choices = [("", "—"), *choices.region_choices()]
        self.formats.choices = choices.format_choices()

    def validate_end_date(self, field: Any) -> None:
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_l("The end date comes after the start date."))

    def validate_outcomes(self, field: Any) -> None:
        for row in field:
            if not row.form.is_empty() and not (
                row.form.metric.data and row.form.figure.data is not None and row.form.url.data
            ):
                raise ValidationError(
                    _l(
                        "Each outcome needs what was counted, the figure and its source. "
                        "Put figures without a source under self-reported figures."
                    )
                )


def missing_for_submission(form: ContributionForm) -> list[tuple[Any, Any]]:
    """(field, message) for each thing a submission needs that a draft may leave out."""
    missing = []
    for name in ("title", "summary", "country", "region", "wikimedia", "activities"):
        if not (form[name].data or "").strip():
            missing.append((form[name], _l("This is needed to submit.")))
    for name in ("languages", "formats"):
        if not form[name].data:
            missing.append((form[name], _l("Choose at least one.")))
    if not form.start_date.data:
        missing.append((form.start_date, _l("This is needed to submit.")))
    if all(row.form.is_empty() for row in form.outcomes):
        missing.append((form.outcomes, _l("Give at least one outcome with its source.")))
    if not form.licence.data:
        missing.append((form.licence, _l("Submitting needs your agreement to the licence.")))
    return missing
