"""Account pages. Each view parses a form, calls one service, and renders or redirects."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from ..errors import keeps_input, refusal
from ..i18n import supported
from ..ratelimit import address_budget, limiter
from ..security import safe_next
from . import devices, forms, identities, services
from .auth import current_user, login_required, sign_in, sign_out

bp = Blueprint("accounts", __name__, template_folder="templates")

Page = str | Response | tuple[str, int]


def _form_page(template: str, form: Any, **context: Any) -> Page:
    # A submitted form that failed validation answers 400, so the request rolls back.
    page = render_template(template, form=form, csrf_failed=g.get("csrf_failed"), **context)
    return (page, 400) if request.method == "POST" else page


def _limit(setting: str) -> Callable[[], str]:
    return lambda: current_app.config[setting]


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(**address_budget("SIGNUP_LIMIT_PER_ADDRESS"), methods=["POST"])
@keeps_input
def register() -> Page:
    """Sign up. The answer is the same whether or not the address already has an account."""
    if current_user():
        return redirect(url_for("accounts.settings"))
    form = forms.RegisterForm()
    if request.method == "GET":
        form.cohort.data = request.args.get("cohort", "")[:40]
    notice = _cohort_notice(form.cohort.data)  # (what joining shows, its signed ticket)
    carry = {"cohort": notice[1]} if notice and notice[1] else {}
    error = None
    if form.validate_on_submit() and not refusal():
        if carry and not form.cohort_consent.data:
            error = _("Tick the box to join the cohort, or sign up without joining.")
        else:
            services.register(
                form.display_name.data,
                form.email.data,
                form.password.data,
                supported(str(get_locale())),
                carry=carry,
            )
            return redirect(url_for("accounts.check_inbox", reason="register"), code=303)
    return _form_page("accounts/register.html", form, cohort_notice=notice, error=error)


def _cohort_notice(code: str | None) -> tuple[Any, str | None] | None:
    """What the cohorts feature says of a code brought to sign-up (``course_signup_notice``)."""
    describe = current_app.extensions.get("course_signup_notice")
    return describe(code[:40]) if describe and code else None


@bp.get("/check-your-inbox")
def check_inbox() -> str:
    """Where sign-up and password reset land: the same page whatever happened."""
    return render_template("accounts/check_inbox.html", reason=request.args.get("reason"))


def _link_token() -> str:
    # Emailed links carry their token in the query string, which the access log leaves out.
    return request.args.get("token", "")


@bp.route("/confirm", methods=["GET", "POST"])
def confirm() -> Page:
    """Confirm an address from the emailed link (the button posts; opening the link does not)."""
    token = _link_token()
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        try:
            user = services.confirm_email(token)
        except services.InvalidToken as error:
            return render_template("accounts/link_invalid.html", message=str(error)), 400
        sign_in(user)
        flash(_("Your email address is confirmed. Welcome!"), "success")
        target = url_for("main.home")
        for hook in current_app.extensions.get("course_confirmation_hooks", ()):
            target = hook(user, request.args) or target  # e.g. join the cohort of the link
        return redirect(target, code=303)
    return _form_page("accounts/confirm.html", form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    **address_budget("LOGIN_LIMIT_PER_ADDRESS"), methods=["POST"], exempt_when=devices.is_trusted
)
@limiter.limit(
    _limit("LOGIN_LIMIT_PER_ACCOUNT"),
    methods=["POST"],
    key_func=devices.account_key,
    exempt_when=devices.is_trusted,
)
@limiter.limit(
    _limit("LOGIN_LIMIT_PER_DEVICE"),
    methods=["POST"],
    key_func=devices.device_key,
    exempt_when=devices.is_untrusted,
)
@keeps_input
def login() -> Page:
    """Sign in with email and password.

    A browser that signed in to the account before has a budget of attempts of its own, so
    strangers guessing the password elsewhere cannot lock the owner out (``devices``).
    """
    form = forms.LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"))
        form.cohort.data = request.args.get("cohort", "")[:40]  # a workshop's larger budget
    error = None
    if form.validate_on_submit() and not refusal():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.EmailNotConfirmed as problem:
            # The new confirmation link must be sent, so this answer commits.
            return render_template("accounts/login.html", form=form, error=str(problem))
        except services.InvalidCredentials as problem:
            error = str(problem)
        else:
            sign_in(user)
            target = safe_next(form.next.data) or url_for("learning.my_learning")
            return devices.remember(redirect(target, code=303), user.email)
    return _form_page("accounts/login.html", form, error=error)


@bp.post("/logout")
def logout() -> Response:
    """Sign out this browser."""
    if forms.EmptyForm().validate_on_submit():
        sign_out()
        flash(_("You are signed out."), "success")
    return redirect(url_for("main.home"), code=303)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_limit("RESET_LIMIT_PER_ADDRESS"), methods=["POST"])
@keeps_input
def reset_request() -> Page:
    """Ask for a password-reset link by email."""
    form = forms.ResetRequestForm()
    if form.validate_on_submit() and not refusal():
        services.request_password_reset(form.email.data)
        return redirect(url_for("accounts.check_inbox", reason="reset"), code=303)
    return _form_page("accounts/reset_request.html", form)


@bp.route("/reset/password", methods=["GET", "POST"])
@keeps_input
def reset_password() -> Page:
    """Choose a new password from the emailed link, then sign in."""
    token = _link_token()
    try:
        services.user_from_token(token, "reset")
    except services.InvalidToken as error:
        return render_template("accounts/link_invalid.html", message=str(error)), 400
    form = forms.NewPasswordForm()
    if form.validate_on_submit() and not refusal():
        user = services.reset_password(token, form.password.data)
        sign_in(user)
        flash(_("Your password has been changed."), "success")
        return devices.remember(redirect(url_for("main.home"), code=303), user.email)
    return _form_page("accounts/reset_password.html", form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
@keeps_input
def settings() -> Page:
    """The account page: name, language, and links to the other account actions."""
    user = current_user()
    form = forms.ProfileForm(obj=user)
    if form.validate_on_submit() and not refusal():
        services.update_profile(user, form.display_name.data)
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("accounts.settings"), code=303)
    return _form_page("accounts/settings.html", form, can_unlink=identities.can_unlink(user))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@keeps_input
def change_password() -> Page:
    """Change the password; every other signed-in browser is signed out."""
    form = forms.ChangePasswordForm()
    error = None
    if form.validate_on_submit() and not refusal():
        user = current_user()
        try:
            services.change_password(user, form.current_password.data, form.password.data)
        except services.InvalidCredentials as problem:
            error = str(problem)
        else:
            sign_in(user)
            flash(_("Your password has been changed. Other devices are signed out."), "success")
            return redirect(url_for("accounts.settings"), code=303)
    return _form_page("accounts/change_password.html", form, error=error)


@bp.get("/account/export")
@login_required
def export() -> Response:
    """Download everything the course keeps about me, as JSON."""
    user = current_user()
    data = services.export_data(user)
    for exporter in current_app.extensions.get("course_exporters", ()):
        data.update(exporter(user))  # each feature adds what it keeps about the user
    data = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(
        data,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="my-course-data.json"'},
    )


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
@keeps_input
def delete() -> Page:
    """Delete my account, after my password (if it has one) and an explicit confirmation."""
    form = forms.DeleteAccountForm()
    if not current_user().password_hash:
        del form.password  # a Wikimedia account with no password: the box is enough
    error = None
    if form.validate_on_submit() and not refusal():
        try:
            services.delete_account(current_user(), form.password.data if form.password else "")
        except services.InvalidCredentials as problem:
            error = str(problem)
        else:
            sign_out()
            flash(_("Your account has been deleted."), "success")
            return devices.forget(redirect(url_for("main.home"), code=303))
    return _form_page("accounts/delete.html", form, error=error)
