"""The initiatives catalogue and one page per initiative; open to everyone."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import get_locale

from ..content.loader import initiatives_citing
from ..content.model import Initiative
from ..contentstore import course
from .vocabulary import FORMAT_NAMES, REGION_NAMES

bp = Blueprint("library", __name__, url_prefix="/initiatives", template_folder="templates")


def _matches(initiative: Initiative, region: str, kind: str, language: str) -> bool:
    return (
        (not region or region in initiative.regions)
        and (not kind or kind in initiative.formats)
        and (not language or language in initiative.languages)
    )


@bp.get("")
def catalogue() -> str:
    """All initiatives, filtered by region, format and working language (a GET form)."""
    region = request.args.get("region", "")
    kind = request.args.get("format", "")
    language = request.args.get("language", "")
    initiatives = list(course().initiatives.values())
    worked_in = sorted({code for i in initiatives for code in i.languages})
    shown = [i for i in initiatives if _matches(i, region, kind, language)]
    ui = str(get_locale())
    shown.sort(key=lambda i: (i.texts.get(ui) or next(iter(i.texts.values()))).name.lower())
    return render_template(
        "library/catalogue.html",
        initiatives=shown,
        total=len(initiatives),
        regions=REGION_NAMES,
        formats=FORMAT_NAMES,
        worked_in=worked_in,
        chosen={"region": region, "format": kind, "language": language},
    )


@bp.get("/<initiative_id>")
def initiative(initiative_id: str) -> str:
    """One initiative: what happened, figures and lessons learned, sources, lessons citing it."""
    found = course().initiatives.get(initiative_id)
    if found is None:
        abort(404)
    return render_template(
        "library/initiative.html",
        initiative=found,
        regions=REGION_NAMES,
        formats=FORMAT_NAMES,
        citing=initiatives_citing(course(), initiative_id),
    )
