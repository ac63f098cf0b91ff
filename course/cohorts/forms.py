"""Hub and cohort forms: sizes and characters are checked here, before anything is stored."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    Field,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from .models import ANNOUNCEMENT_MAX, AREA_MAX, NAME_MAX, SIZE_MAX
from .services import clean_text


class Visible:
    """Refuse control and bidi-override characters and oversized text; tidy what is kept."""

    def __init__(self, limit: int, one_line: bool = True) -> None:
        self.limit, self.one_line = limit, one_line

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if not (field.data or "").strip():
            field.data = ""
            return
        try:
            field.data = clean_text(field.data, self.limit, one_line=self.one_line)
        except ValueError as error:
            raise ValidationError(str(error)) from None


class JoinForm(FlaskForm):
    """The consent screen: the code again and an explicit agreement."""

    code = StringField(
        _l("Cohort code"), validators=[DataRequired(_l("Enter the code.")), Length(max=40)]
    )
    agree = BooleanField(
        _l("I agree that this cohort's leads see what is listed above."),
        validators=[DataRequired(_l("Tick the box to join."))],
    )


class CohortForm(FlaskForm):
    """Start a cohort. The module choices and hubs are filled in by the view."""

    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Give the cohort a name.")), Visible(NAME_MAX)],
        render_kw={"maxlength": NAME_MAX},
    )
    hub = SelectField(_l("Hub"), choices=[], validate_choice=True)
    language = SelectField(_l("Language"), choices=[])
    modules = SelectMultipleField(
        _l("Modules"), choices=[], validators=[DataRequired(_l("Choose at least one module."))]
    )
    starts_on = DateField(_l("Starts on"), validators=[InputRequired(_l("Enter a date."))])
    ends_on = DateField(_l("Ends on"), validators=[InputRequired(_l("Enter a date."))])
    max_size = IntegerField(
        _l("Largest number of members (optional)"),
        validators=[
            Optional(),
            NumberRange(1, SIZE_MAX, _l("Between %(min)s and %(max)s.")),
        ],
    )


class LeadForm(FlaskForm):
    """Add a co-lead by their account's address."""

    email = EmailField(
        _l("Email address of the co-lead"), validators=[DataRequired(), Length(max=254)]
    )


class AnnouncementForm(FlaskForm):
    body = TextAreaField(
        _l("Message"),
        validators=[DataRequired(_l("Write a message.")), Visible(ANNOUNCEMENT_MAX, False)],
        render_kw={"maxlength": ANNOUNCEMENT_MAX, "rows": 6},
    )


class HubForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Give the hub a name.")), Visible(NAME_MAX)],
        render_kw={"maxlength": NAME_MAX},
    )
    kind = SelectField(_l("Kind"), choices=[])
    languages = SelectMultipleField(_l("Languages"), choices=[])
    area = StringField(
        _l("Region or theme"), validators=[Visible(AREA_MAX)], render_kw={"maxlength": AREA_MAX}
    )


class CoordinatorForm(FlaskForm):
    email = EmailField(
        _l("Email address of the coordinator"), validators=[DataRequired(), Length(max=254)]
    )


class ActionForm(FlaskForm):
    """A button only: close or open joining, a new code, archive, leave."""
