"""Account forms. Limits are checked here, before any password is hashed or row written."""

from __future__ import annotations

import unicodedata

from flask_babel import LazyString, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, ValidationError

from . import services
from .models import DISPLAY_NAME_MAX, EMAIL_MAX, PASSWORD_MAX, PASSWORD_MIN


class NormalizedEmail:
    """Check an address and replace the field's data with its canonical form."""

    def __call__(self, form: FlaskForm, field: EmailField) -> None:
        try:
            field.data = services.normalize_email(field.data or "")
        except ValueError:
            raise ValidationError(_l("Enter an email address such as name@example.org.")) from None


def printable_name(form: FlaskForm, field: StringField) -> None:
    """Refuse control and bidi-override characters that could disguise a name."""
    field.data = (field.data or "").strip()
    if any(
        unicodedata.category(ch) in {"Cc", "Cf"} and ch not in "\u200c\u200d" for ch in field.data
    ):
        raise ValidationError(_l("Use only visible characters in your name."))


def _email() -> EmailField:
    return EmailField(
        _l("Email address"),
        validators=[
            DataRequired(_l("Enter your email address.")),
            Length(max=EMAIL_MAX, message=_l("An email address has at most %(max)d characters.")),
            NormalizedEmail(),
        ],
        render_kw={"autocomplete": "email", "maxlength": EMAIL_MAX},
    )


def _password_hint() -> str:
    return gettext(
        "At least %(min)d characters. A few unrelated words make a strong password.",
        min=PASSWORD_MIN,
    )


def _new_password(label: str = "") -> PasswordField:
    return PasswordField(
        label or _l("Password"),
        validators=[
            InputRequired(_l("Choose a password.")),
            Length(
                min=PASSWORD_MIN,
                max=PASSWORD_MAX,
                message=_l("Use between %(min)d and %(max)d characters."),
            ),
        ],
        description=LazyString(_password_hint),
        render_kw={"autocomplete": "new-password", "maxlength": PASSWORD_MAX},
    )


def _current_password(label: str = "") -> PasswordField:
    return PasswordField(
        label or _l("Password"),
        validators=[
            InputRequired(_l("Enter your password.")),
            Length(max=PASSWORD_MAX, message=_l("A password has at most %(max)d characters.")),
        ],
        render_kw={"autocomplete": "current-password", "maxlength": PASSWORD_MAX},
    )


def _display_name() -> StringField:
    return StringField(
        _l("Display name"),
        validators=[
            DataRequired(_l("Enter the name to show on the course.")),
            Length(max=DISPLAY_NAME_MAX, message=_l("A name has at most %(max)d characters.")),
            printable_name,
        ],
        description=_l("Shown on your badges only if you choose so."),
        render_kw={"autocomplete": "name", "maxlength": DISPLAY_NAME_MAX},
    )


class RegisterForm(FlaskForm):
    display_name = _display_name()
    email = _email()
    password = _new_password()
    #: A cohort's join code: sign up, confirm, and land in the cohort.
    cohort = HiddenField()
    cohort_consent = BooleanField(_l("I agree that the cohort's leads see what is listed above."))


class LoginForm(FlaskForm):
    email = _email()
    password = _current_password()
    next = HiddenField()
    #: A cohort's join code, which raises the address's sign-in budget (course.ratelimit).
    cohort = HiddenField()


class ResetRequestForm(FlaskForm):
    email = _email()


class NewPasswordForm(FlaskForm):
    password = _new_password(_l("New password"))


class ChangePasswordForm(FlaskForm):
    current_password = _current_password(_l("Current password"))
    password = _new_password(_l("New password"))
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[EqualTo("password", _l("The two new passwords differ."))],
        render_kw={"autocomplete": "new-password", "maxlength": PASSWORD_MAX},
    )


class ProfileForm(FlaskForm):
    display_name = _display_name()


class DeleteAccountForm(FlaskForm):
    password = _current_password()
    understood = BooleanField(
        # A whole sentence on one line, as translators see it.
        _l("I understand that my account and progress will be erased, and my badges revoked."),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )


class ConfirmForm(FlaskForm):
    """A button only: links in emails confirm by POST, so mail scanners cannot click them."""


class EmptyForm(FlaskForm):
    """A button only, for state changes such as signing out."""


class BadgeEmailForm(FlaskForm):
    """The address a Wikimedia account's badges should name, confirmed by an emailed link."""

    email = _email()
