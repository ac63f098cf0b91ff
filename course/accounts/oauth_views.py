"""Pages of "Sign in with Wikimedia" and of how badges identify a learner.

The factory registers this blueprint only when Wikimedia is configured, so an unconfigured
server has exactly the pages it had before. Every refusal of a callback is a
400 page with a translated message, and the request's transaction is rolled back.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
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

from ..errors import refusal
from ..i18n import supported
from ..ratelimit import limiter
from ..security import safe_next
from . import forms, identities, recipients, wikimedia
from .auth import current_user, login_required, role_required, sign_in
from .models import Role
from .services import AccountError, InvalidToken

bp = Blueprint("wikimedia", __name__, template_folder="templates")

Page = str | Response | tuple[str, int]


@bp.post("/login/wikimedia")
def start_sign_in() -> Page:
    """Go to Wikimedia to sign in (or sign up) with a Wikimedia account."""
    if current_user():
        return redirect(url_for("accounts.settings"), code=303)
    if not forms.EmptyForm().validate_on_submit():
        return redirect(url_for("accounts.login"), code=303)
    return wikimedia.start("login", next_url=safe_next(request.form.get("next")))


@bp.post("/account/wikimedia/link")
@login_required
def start_link() -> Page:
    """Go to Wikimedia to link that account to mine."""
    if not forms.EmptyForm().validate_on_submit():
        return redirect(url_for("accounts.settings"), code=303)
    return wikimedia.start("link", user=current_user())


@bp.get("/login/wikimedia/callback")
def callback() -> Page:
    """Where Wikimedia sends the browser back: sign in, or link, or a refusal."""
    try:
        flow, profile = wikimedia.finish()
        if flow.get("purpose") == "link":
            user = current_user()
            if user is None or user.id != flow.get("user"):
                raise wikimedia.WikimediaRefused(wikimedia.stale_message())
            identities.link(user, profile)
            flash(_("Your Wikimedia account is linked."), "success")
            return redirect(url_for("accounts.settings"), code=303)
        user = identities.account_for(profile, supported(str(get_locale())))
    except wikimedia.WikimediaRefused as error:
        return render_template("accounts/wikimedia_refused.html", message=str(error)), 400
    sign_in(user)
    target = safe_next(flow.get("next")) or url_for("learning.my_learning")
    return redirect(target, code=303)


@bp.post("/account/wikimedia/unlink")
@login_required
def unlink() -> Page:
    """Unlink my Wikimedia account, if I can still sign in with my email and password."""
    if forms.EmptyForm().validate_on_submit() and not refusal():
        try:
            identities.unlink(current_user())
        except AccountError as error:
            flash(str(error), "error")
        else:
            flash(_("Your Wikimedia account is no longer linked."), "success")
    return redirect(url_for("accounts.settings"), code=303)


@bp.route("/account/badges-identity", methods=["GET", "POST"])
# Each POST emails an address someone typed: as many per client address as reset links.
# Checked before login_required, whose query would open the transaction first.
@limiter.limit(lambda: current_app.config["RESET_LIMIT_PER_ADDRESS"], methods=["POST"])
@login_required
def badge_identity() -> Page:
    """Choose how badges name me: a confirmed email, or my Wikimedia user page."""
    user = current_user()
    if user.email and user.wikimedia is None:
        abort(404)  # an email account: its badges name its address, as always
    form = forms.BadgeEmailForm()
    if form.validate_on_submit() and not refusal():
        recipients.request_badge_email(user, form.email.data)
        return redirect(url_for("accounts.check_inbox", reason="badge-email"), code=303)
    page = render_template(
        "accounts/badge_identity.html",
        form=form,
        choice=forms.EmptyForm(),
        recipient=recipients.badge_recipient(user),
        wikimedia_user_page=user.wikimedia and wikimedia.user_page_url(user.wikimedia.username),
    )
    return (page, 400) if request.method == "POST" else page


@bp.post("/account/badges-identity/<choice>")
@login_required
def choose(choice: str) -> Page:
    """Badges name me by my user page (``user-page``) or by my email (``email``)."""
    if choice not in {"user-page", "email"}:
        abort(404)
    if forms.EmptyForm().validate_on_submit() and not refusal():
        try:
            if choice == "user-page":
                recipients.choose_user_page(current_user())
            else:
                recipients.choose_email(current_user())
        except AccountError as error:
            flash(str(error), "error")
        else:
            flash(_("Your choice is saved: your badges will name you this way."), "success")
    return redirect(url_for("wikimedia.badge_identity"), code=303)


@bp.route("/account/badges-identity/confirm", methods=["GET", "POST"])
@login_required
def confirm_badge_email() -> Page:
    """Confirm the address from the emailed link (the button posts; opening does not)."""
    form = forms.ConfirmForm()
    if form.validate_on_submit() and not refusal():
        try:
            recipients.confirm_badge_email(current_user(), request.args.get("token", ""))
        except (InvalidToken, recipients.AddressTaken) as error:
            return render_template("accounts/wikimedia_refused.html", message=str(error)), 400
        flash(_("Your email address is confirmed: your badges will name you by it."), "success")
        return redirect(url_for("wikimedia.badge_identity"), code=303)
    return render_template(
        "accounts/confirm.html",
        form=form,
        csrf_failed=g.get("csrf_failed"),
        button=_("Confirm this address for my badges"),
    )


@bp.get("/admin/wikimedia-accounts")
@role_required(Role.ADMIN)
def linked_accounts() -> str:
    """Administrators: every linked Wikimedia account, with its ``blocked`` flag."""
    rows = identities.linked_identities()
    return render_template("accounts/wikimedia_accounts.html", rows=rows)
