"""Badge pages and documents.

Public: the hosted OB 2.0 documents, the OB 3.0 credentials, issuer profile and status list,
baked images, and each award's page. Learners: "My badges". Trainers and admins: awards per
badge and revocation.
"""

from __future__ import annotations

import json
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _

from ..accounts.auth import current_user, login_required, role_required
from ..accounts.models import Role
from ..content.model import Badge
from ..contentstore import course
from . import documents, privacy, services
from .forms import RevokeForm, ShowNameForm
from .models import Award
from .sharing import linkedin_url, verification_qr

bp = Blueprint("badges", __name__, template_folder="templates")

JSONLD = "application/ld+json"


def _json(document: dict[str, object], status: int = 200, mimetype: str = JSONLD) -> Response:
    response = current_app.response_class(
        json.dumps(document, ensure_ascii=False, indent=2), status=status, mimetype=mimetype
    )
    response.headers["Access-Control-Allow-Origin"] = "*"  # verifiers fetch from anywhere
    return response


def _badge(badge_id: str) -> Badge:
    found = course().badge(badge_id)
    if found is None:
        abort(404)
    return found


def _award(uid: str) -> tuple[Award, Badge]:
    award = services.find(uid)
    if award is None:
        abort(404)
    badge = course().badge(award.badge_id)
    if badge is None:
        abort(404)
    return award, badge


# --- documents for verifiers and backpacks -------------------------------------------------


@bp.get("/badges/issuer")
def ob3_issuer() -> Response:
    """The OB 3.0 issuer Profile with every signing key, current and retired."""
    keys = [key.multikey for key in services.keystore().all()]
    return _json(documents.ob3_issuer_profile(services.issuer(), keys))


@bp.get("/badges/ob2/issuer")
def ob2_issuer() -> Response:
    return _json(documents.ob2_issuer(services.issuer()))


@bp.get("/badges/ob2/classes/<badge_id>")
def ob2_badge_class(badge_id: str) -> Response:
    return _json(documents.ob2_badge_class(services.issuer(), _badge(badge_id)))


@bp.get("/badges/classes/<badge_id>/image.<kind>")
def artwork(badge_id: str, kind: str) -> Response:
    badge = _badge(badge_id)
    if kind not in badge.images:
        abort(404)
    response = send_file(Path(badge.images[kind]), max_age=3600)
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@bp.get("/badges/ob2/assertions/<uid>")
def ob2_assertion(uid: str) -> Response:
    """The hosted assertion; 410 Gone with the reason once revoked."""
    award, badge = _award(uid)
    if award.revoked_at:
        return _json(
            documents.ob2_revoked(services.issuer(), uid, award.revocation_reason or ""), 410
        )
    return _json(documents.ob2_assertion(services.issuer(), services.facts(award, badge)))


@bp.get("/badges/credentials/<uid>")
def ob3_credential(uid: str) -> Response:
    """The signed OpenBadgeCredential, as issued (revocation shows in the status list).

    Once its holder deleted their account: 410 Gone with the revocation, no credential.
    """
    award = _award(uid)[0]
    if privacy.forgotten(award):
        reason = award.revocation_reason or ""
        return _json(documents.ob3_withdrawn(services.issuer(), uid, award.id, reason), 410)
    response = current_app.response_class(award.credential, mimetype="application/vc+ld+json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    if request.args.get("download"):
        response.headers["Content-Disposition"] = f'attachment; filename="badge-{uid[:8]}.json"'
    return response


@bp.get("/badges/status/1")
def status_list() -> Response:
    """The signed revocation list (W3C Bitstring Status List) of every award."""
    return _json(services.status_list(), mimetype="application/vc+ld+json")


@bp.get("/badges/awards/<uid>/baked.<kind>")
def baked(uid: str, kind: str) -> Response:
    """The badge image with the OB 2.0 assertion and the OB 3.0 credential inside."""
    award, badge = _award(uid)
    if kind not in badge.images or award.revoked_at:
        abort(404)
    data = services.baked_png(award, badge) if kind == "png" else services.baked_svg(award, badge)
    response = current_app.response_class(
        data, mimetype="image/png" if kind == "png" else "image/svg+xml"
    )
    response.headers["Content-Disposition"] = f'attachment; filename="badge-{badge.id}.{kind}"'
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


# --- people's pages ------------------------------------------------------------------------


@bp.get("/badges/<badge_id>")
def badge_page(badge_id: str) -> str:
    """What a badge stands for and how to earn it (the criteria page)."""
    return render_template("badges/badge.html", badge=_badge(badge_id))


@bp.get("/awards/<uid>")
def award_page(uid: str) -> str:
    """An award's public page: what, by whom, when, whether still valid; never an email."""
    award, badge = _award(uid)
    page_url = url_for("badges.award_page", uid=uid, _external=True)
    return render_template(
        "badges/award.html",
        qr=verification_qr(uid),
        award=award,
        badge=badge,
        status=services.status(award),
        holder=services.holder_name(award),
        mine=current_user() is not None and current_user().id == award.user_id,
        page_url=page_url,
        linkedin=linkedin_url(award, badge, page_url),
        issuer=services.issuer(),
        forgotten=privacy.forgotten(award),
    )


@bp.get("/awards/<uid>/certificate")
def certificate(uid: str) -> str:
    """A printable certificate of the award, with its QR code for verification."""
    award, badge = _award(uid)
    return render_template(
        "badges/certificate.html",
        award=award,
        badge=badge,
        status=services.status(award),
        holder=services.holder_name(award),
        issuer=services.issuer(),
        qr=verification_qr(uid),
        verify_url=url_for("verification.verify_page", award=uid, _external=True),
    )


@bp.get("/awards/<uid>/evidence")
def evidence(uid: str) -> str | tuple[str, int]:
    """What the learner completed to earn the badge (the evidence linked from both formats)."""
    award, badge = _award(uid)
    if privacy.forgotten(award):
        return render_template("badges/withdrawn.html", award=award, badge=badge), 410
    entries = json.loads(award.evidence or "[]")
    return render_template("badges/evidence.html", award=award, badge=badge, entries=entries)


@bp.get("/my-badges")
@login_required
def my_badges() -> str:
    """Every badge I earned, with its downloads and whether my name shows."""
    awards = services.awards_of(current_user())
    pairs = [(a, course().badge(a.badge_id)) for a in awards]
    return render_template(
        "badges/my_badges.html",
        awards=[(a, b, services.status(a)) for a, b in pairs if b is not None],
        form=ShowNameForm(),
    )


@bp.post("/my-badges/<uid>/name")
@login_required
def show_name(uid: str) -> Response:
    """Choose whether an award's public page shows my display name."""
    award = services.find(uid)
    if award is None or award.user_id != current_user().id:
        abort(404)  # someone else's award looks like no award at all
    form = ShowNameForm()
    if form.validate_on_submit():
        services.set_show_name(award, bool(form.show_name.data))
        flash(_("Your choice is saved."), "success")
    return redirect(url_for("badges.my_badges"), code=303)


@bp.get("/api/v1/me/awards")
def api_awards() -> Response | tuple[Response, int]:
    """My awards with the URLs of each of their forms."""
    user = current_user()
    if user is None:
        return jsonify(error="not_signed_in", message="Sign in to see your awards."), 401
    result = []
    for award in services.awards_of(user):
        result.append(
            {
                "id": award.uid,
                "badge": award.badge_id,
                "status": services.status(award),
                "issued_at": documents.timestamp(award.issued_at),
                "expires_at": documents.timestamp(award.expires_at) if award.expires_at else None,
                "ob2_assertion": url_for("badges.ob2_assertion", uid=award.uid, _external=True),
                "ob3_credential": url_for("badges.ob3_credential", uid=award.uid, _external=True),
                "baked_png": url_for("badges.baked", uid=award.uid, kind="png", _external=True),
                "baked_svg": url_for("badges.baked", uid=award.uid, kind="svg", _external=True),
                "public_page": url_for("badges.award_page", uid=award.uid, _external=True),
            }
        )
    return jsonify(awards=result)


# --- trainers ------------------------------------------------------------------------------


@bp.get("/trainer/badges")
@role_required(Role.TRAINER, Role.ADMIN)
def trainer_badges() -> str:
    """Every badge with how many times it was awarded."""
    counts = {b.id: len(services.awards_of_badge(b.id)) for b in course().badges}
    return render_template("badges/trainer_badges.html", badges=course().badges, counts=counts)


@bp.get("/trainer/badges/<badge_id>")
@role_required(Role.TRAINER, Role.ADMIN)
def trainer_awards(badge_id: str) -> str:
    """The awards of one badge, newest first, with a revoke action each."""
    badge = _badge(badge_id)
    rows = [(a, u, services.status(a)) for a, u in services.awards_of_badge(badge_id)]
    return render_template("badges/trainer_awards.html", badge=badge, rows=rows)


@bp.route("/trainer/awards/<uid>/revoke", methods=["GET", "POST"])
@role_required(Role.TRAINER, Role.ADMIN)
def revoke(uid: str) -> Response | str | tuple[str, int]:
    """Revoke an award with a reason, after confirmation; logged for audit."""
    award, badge = _award(uid)
    form = RevokeForm()
    if form.validate_on_submit():
        services.revoke(award, current_user(), form.reason.data.strip())
        flash(_("The badge is revoked."), "success")
        return redirect(url_for("badges.trainer_awards", badge_id=badge.id), code=303)
    page = render_template("badges/revoke.html", award=award, badge=badge, form=form)
    return (page, 400) if request.method == "POST" else page
