"""The initiatives library for readers: search and facets, one page per initiative.

Routes of the same blueprint live in :mod:`.contribute` (organizers), :mod:`.review`
(trainers) and :mod:`.opendata` (CSV, JSON, Atom); importing them here registers them.
"""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import get_locale

from ..content.loader import initiatives_citing
from ..contentstore import course
from . import choices, contribute, opendata, review, services  # noqa: F401 (their routes)
from .blueprint import bp
from .browse import Results, browse, page_url, value_label
from .vocabulary import FORMAT_NAMES, REGION_NAMES

__all__ = ["bp"]


@bp.get("/initiatives")
def catalogue() -> str:
    """Every initiative, searched and filtered by plain GET links and forms, paged."""
    results = browse(request.args, str(get_locale()))
    return render_template(
        "library/catalogue.html",
        results=results,
        regions=REGION_NAMES,
        formats=FORMAT_NAMES,
        worked_in=_languages_listed(results),
        page_url=page_url,
        value_label=value_label,
    )


def _languages_listed(results: Results) -> list[str]:
    listed = {
        o.value for facet, _, options in results.facets if facet == "language" for o in options
    }
    return sorted(listed | ({results.chosen["language"]} - {""}))


@bp.get("/initiatives/<initiative_id>")
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


@bp.get("/initiatives/contributed/<int:contribution_id>")
def contributed(contribution_id: int) -> str:
    """An accepted contribution, labelled as contributed, with its review date."""
    item = services.published(contribution_id)
    if item is None:
        abort(404)
    return render_template("library/contributed.html", item=item, **contribute.facts(item))
