"""Badge forms: a learner's choice to show their name, a trainer's revocation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length

#: The longest revocation reason; verifiers show it as written.
REASON_MAX = 500


class ShowNameForm(FlaskForm):
    """Whether an award's public page shows its holder's display name."""

    show_name = BooleanField()


class RevokeForm(FlaskForm):
    """Revoke an award: a reason that verifiers will see, and an explicit confirmation."""

    reason = TextAreaField(
        _l("Reason, shown to anyone who checks this badge"),
        validators=[DataRequired(), Length(max=REASON_MAX)],
        render_kw={"maxlength": REASON_MAX, "rows": 3},
    )
    confirm = BooleanField(
        _l("I confirm: this badge is revoked for good."), validators=[DataRequired()]
    )
