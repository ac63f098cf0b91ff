"""An accepted contribution written as files of the curated library (``modules/initiatives/``):
``<id>.yaml`` for facts and sources, ``<id>.<language>.md`` for the text.

The text is plain text, so Markdown punctuation in it is escaped; the result is rendered
with the course's own Markdown and sanitizer before anything is written, and refused if the
sanitizer would remove anything, so ``content check`` accepts the files as they are.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import yaml
from flask_babel import force_locale
from flask_babel import gettext as _

from ..content.markup import RenderError, render_markdown
from ..content.vocabulary import FORMATS
from . import choices
from .entries import years_label
from .models import Contribution, Status

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ESCAPED = re.compile(r"([\\`*_\[\]{}!|<>])")
LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])", re.MULTILINE)


class ExportError(Exception):
    """The entry cannot be written as library files; the message says why."""


def slug(title: str) -> str:
    """A file id from a title: ``Wikigap à Lomé`` -> ``wikigap-a-lome``."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60].strip("-")


def escape(text: str) -> str:
    """Plain text as Markdown that shows exactly that text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    text = ESCAPED.sub(r"\\\1", text)
    return LINE_START.sub(lambda m: m[1] + "\\" + m[2], text)


def _dump(data: object) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def _facts(item: Contribution) -> dict[str, object]:
    lists = item.lists()
    kinds = {k: str(v) for k, v in choices.PARTNER_KINDS.items()}
    facts: dict[str, object] = {
        "language": item.written_in,
        "years": years_label(item),
        "regions": [item.region],
        "formats": [code for code in lists["formats"] if code in FORMATS],
        "languages": lists["languages"],
        "wikimedia": [item.wikimedia],
    }
    if lists["partners"]:
        facts["partners"] = [
            f"{p['name']} ({kinds[p['kind']]})" if p.get("kind") else p["name"]
            for p in lists["partners"]
        ]
    facts["sources"] = [
        {"id": f"outcome-{n}", "title": _outcome_title(outcome), "url": outcome["url"]}
        for n, outcome in enumerate(lists["outcomes"], start=1)
    ]
    return facts


def _outcome_title(outcome: dict[str, object]) -> str:
    title = f"{choices.METRICS[str(outcome['metric'])]}: {outcome['figure']}"
    return f"{title} ({outcome['measured']})" if outcome.get("measured") else title


def _body(item: Contribution) -> str:
    lists = item.lists()
    who = item.contributor_name or _("a contributor")
    reviewed = item.reviewed_at.date().isoformat() if item.reviewed_at else ""
    parts = [
        escape(
            _(
                "Contributed by %(who)s to the course's initiatives library, reviewed on "
                "%(date)s; text under CC BY-SA 4.0.",
                who=who,
                date=reviewed,
            )
        )
    ]
    sections = (
        (_("What was done"), item.activities),
        (_("Audience"), item.audience),
    )
    parts += [f"## {title}\n\n{escape(text)}" for title, text in sections if text.strip()]
    outcomes = [
        f"- {escape(_outcome_title(outcome))}[^outcome-{n}]"
        for n, outcome in enumerate(lists["outcomes"], start=1)
    ]
    if outcomes:
        parts.append(f"## {_('Outcomes')}\n\n" + "\n".join(outcomes))
    for title, text in (
        (_("Self-reported figures"), item.self_reported),
        (_("What worked"), item.worked),
        (_("What did not work"), item.did_not_work),
        (_("Advice for others"), item.advice),
        (_("Public contact"), item.contact),
    ):
        if text.strip():
            parts.append(f"## {title}\n\n{escape(text)}")
    notes = [
        f"[^outcome-{n}]: {escape(_outcome_title(o))}, <{o['url']}>"
        for n, o in enumerate(lists["outcomes"], start=1)
    ]
    return "\n\n".join(parts) + "\n\n" + "\n".join(notes) + "\n"


def initiative_files(item: Contribution, initiative_id: str) -> dict[str, str]:
    """File name -> content for ``item``, checked the way ``content check`` will read it."""
    if item.status != Status.ACCEPTED:
        raise ExportError("only accepted entries are exported")
    if not ID_RE.fullmatch(initiative_id):
        raise ExportError(f"'{initiative_id}' is not an id (lower-case letters, digits, hyphens)")
    with force_locale(item.written_in):
        facts = _facts(item)
        front = {
            "name": item.title,
            "summary": item.summary,
            "places": ", ".join(p for p in (item.city, choices.country_name(item.country)) if p),
        }
        body = _body(item)
    if not facts["formats"]:
        raise ExportError("its only format is 'other': choose one of the library's formats")
    if not facts["sources"]:
        raise ExportError("it has no sourced outcome, and a library entry needs a source")
    try:
        rendered = render_markdown(body, None, item.written_in)
    except RenderError as error:
        raise ExportError(str(error)) from None
    if rendered.removed:
        raise ExportError("the text would lose: " + "; ".join(m for m, _ in rendered.removed))
    return {
        f"{initiative_id}.yaml": _dump(facts),
        f"{initiative_id}.{item.written_in}.md": f"---\n{_dump(front)}---\n{body}",
    }


def write(files: dict[str, str], folder: Path, overwrite: bool = False) -> list[Path]:
    """Write ``files`` into ``folder``; refuse to replace existing files unless asked."""
    paths = [folder / name for name in files]
    existing = [p.name for p in paths if p.exists()]
    if existing and not overwrite:
        raise ExportError(f"{', '.join(existing)} already exist (use --force to replace)")
    folder.mkdir(parents=True, exist_ok=True)
    for path in paths:
        path.write_text(files[path.name], encoding="utf-8")
    return paths
