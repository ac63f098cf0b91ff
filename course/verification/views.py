"""The verification page, its JSON API and the bulk check. Open to everyone, rate-limited."""

from __future__ import annotations

import csv
import io
import itertools

from flask import Blueprint, Response, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from ..errors import keeps_input, refusal, refusal_message
from ..extensions import csrf
from ..ratelimit import limiter
from .services import verify_award_id, verify_sent
from .verdict import EXPLANATIONS, TITLES, Verdict

bp = Blueprint("verification", __name__, template_folder="templates")

MAX_BULK_ROWS = 200
MAX_BULK_FILES = 20
MAX_EMAIL = 1000  # an email (254 at most) or a Wikimedia user page URL


def _limit() -> str:
    return current_app.config["VERIFY_LIMIT_PER_ADDRESS"]


def _cost() -> int:
    """What a request takes from the verify budget: one per image or text checked.

    A bulk check costs one per image and one for its CSV of links (each link is looked up in
    our records, not cryptographically checked, and a CSV holds at most MAX_BULK_ROWS).
    """
    if request.endpoint != "verification.bulk":
        return 1
    images = sum(1 for f in request.files.getlist("images")[:MAX_BULK_FILES] if f.filename)
    links = request.files.get("links")
    return max(1, images + (1 if links is not None and links.filename else 0))


#: One budget per address for the page, the API and bulk checks together.
shared_verify_limit = limiter.shared_limit(_limit, scope="verify", cost=_cost)
shared_bulk_limit = limiter.shared_limit(_limit, scope="verify", cost=_cost, methods=["POST"])


def _verdict_from(upload: FileStorage | None, text: str | None, email: str | None) -> Verdict:
    """Read whatever was sent and decide; bad input becomes a verdict, never an error."""
    data = _read(upload) if upload is not None and upload.filename else None
    return verify_sent(data, text, (email or "")[:MAX_EMAIL])


def _read(upload: FileStorage) -> bytes:
    # Close at once: large uploads are spooled to an anonymous temporary file.
    try:
        return upload.read()
    finally:
        upload.close()


def _render(
    verdict: Verdict | None, status: int = 200, problem: str | None = None, **form: str
) -> tuple[str, int]:
    page = render_template(
        "verification/verify.html",
        verdict=verdict,
        problem=problem,
        titles=TITLES,
        explanations=EXPLANATIONS,
        form=form,
        max_megabytes=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024),
        max_identity=MAX_EMAIL,
    )
    return page, status


@bp.get("/verify")
def verify_page() -> tuple[str, int]:
    """The verification form; ``?award=<id>`` (from a QR code) checks that award at once."""
    uid = request.args.get("award", "")
    if uid:
        return _render(verify_award_id(uid))
    return _render(None)


@bp.post("/verify")
@keeps_input
@shared_verify_limit
def verify_form() -> tuple[str, int]:
    """Check an uploaded image, or a pasted link, credential or JWT.

    Refused (an expired form, a storage fault, too many checks), the form comes back with the
    text and address as sent; an image cannot be put back in a file field.
    """
    email = request.form.get("email", "")
    text = request.form.get("text", "")
    if refusal():
        return _render(None, 400, refusal_message(), text=text[:5000], email=email[:MAX_EMAIL])
    verdict = _verdict_from(request.files.get("file"), text, email)
    return _render(verdict, text=text[:5000], email=email[:MAX_EMAIL])


def _cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type"
    response.headers["Access-Control-Max-Age"] = "86400"
    return response


@bp.route("/api/v1/verify", methods=["OPTIONS"])
def api_preflight() -> Response:
    """The CORS preflight of the JSON API."""
    return _cors(Response(status=204))


@bp.post("/api/v1/verify")
@csrf.exempt  # a public API without cookies: partner sites call it cross-origin
@shared_verify_limit
def api_verify() -> tuple[Response, int]:
    """JSON in, JSON out; a well-formed request answers 200 whatever the verdict."""
    if request.mimetype == "application/json":
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return _cors(jsonify(error="bad_request", message="Send a JSON object.")), 400
        email = body.get("email") if isinstance(body.get("email"), str) else None
        sent = [key for key in ("url", "credential", "jwt") if key in body]
        if len(sent) != 1:
            return _cors(
                jsonify(error="bad_request", message="Send exactly one of url, credential or jwt.")
            ), 400
        value = body[sent[0]]
        if sent[0] == "credential" and isinstance(value, dict):
            value = current_app.json.dumps(value)
        if not isinstance(value, str):
            return _cors(jsonify(error="bad_request", message=f"{sent[0]} must be a string.")), 400
        verdict = _verdict_from(None, value, email)
    elif request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            return _cors(
                jsonify(error="bad_request", message="Send the image in the field 'file'.")
            ), 400
        verdict = _verdict_from(upload, None, request.form.get("email"))
    else:
        return _cors(
            jsonify(error="unsupported_media_type", message="Send JSON or multipart/form-data.")
        ), 415
    return _cors(jsonify(verdict.as_dict())), 200


def _bulk_rows() -> list[tuple[str, Verdict]]:
    email = None
    rows: list[tuple[str, Verdict]] = []
    links = request.files.get("links")
    if links is not None and links.filename:
        try:
            text = _read(links).decode("utf-8-sig")
        except UnicodeDecodeError:
            return [(links.filename, Verdict("unreadable", detail="the CSV file is not UTF-8"))]
        # csv.Error (a cell over csv.field_size_limit(), say) is the caller's to answer.
        for line in itertools.islice(csv.reader(io.StringIO(text)), MAX_BULK_ROWS):
            cell = next((c.strip() for c in line if c.strip()), "")
            if cell and not cell.lower().startswith(("link", "url")):
                rows.append((cell[:300], _verdict_from(None, cell, email)))
    for upload in request.files.getlist("images")[:MAX_BULK_FILES]:
        if upload.filename:
            rows.append((upload.filename[:200], _verdict_from(upload, None, email)))
    return rows


def _csv_safe(value: str) -> str:
    # Spreadsheets run cells that start with these as formulas.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _csv_response(rows: list[tuple[str, Verdict]]) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["item", "status", "badge", "issued_on", "expires_on", "revocation_reason"])
    for item, verdict in rows:
        writer.writerow(
            [
                _csv_safe(str(v or ""))
                for v in (
                    item,
                    verdict.status,
                    (verdict.badge or {}).get("name"),
                    verdict.issued_on,
                    verdict.expires_on,
                    verdict.revocation_reason,
                )
            ]
        )
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="badge-checks.csv"'},
    )


def _bulk_error(message: str) -> tuple[str, int]:
    page = render_template("verification/bulk.html", rows=None, titles=TITLES, error=message)
    return page, 400


@bp.route("/verify/bulk", methods=["GET", "POST"])
@shared_bulk_limit
def bulk() -> Response | tuple[str, int]:
    """Check many award links (a CSV) or images at once; results as a table or CSV."""
    if request.method == "GET":
        return render_template("verification/bulk.html", rows=None, titles=TITLES), 200
    try:
        rows = _bulk_rows()
    except csv.Error:
        return _bulk_error(
            _(
                "This CSV file cannot be read: one of its cells is far too long, or it is not a CSV file. Put one badge link per line."
            )
        )
    if not rows:
        return _bulk_error(_("Choose a CSV file of links or one or more badge images."))
    if request.form.get("format") == "csv":
        return _csv_response(rows)
    return render_template("verification/bulk.html", rows=rows, titles=TITLES), 200
