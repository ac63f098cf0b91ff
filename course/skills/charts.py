"""Server-side SVG charts of the skills maps: no JavaScript, one ``role="img"`` with a title.

A chart only draws what the table beside it says in words, and screen readers read the
table (the chart's description points at it). Nothing hidden in the table (counts of 1 to
4 learners) appears in a chart either.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext
from markupsafe import Markup, escape

from ..templating import localized
from .aggregate import SkillsMap, Timeline

#: One colour per level, lowest first (blues, darker for higher levels).
LEVEL_COLOURS = ("#9ecae1", "#4292c6", "#08519c", "#08306b")
TEXT = "#1b1b1b"
MUTED = "#6b6b6b"
LABEL_WIDTH = 260
BAR_WIDTH = 400
ROW = 24
NAME_MAX = 38


def _name(text: str) -> str:
    return text if len(text) <= NAME_MAX else text[: NAME_MAX - 1] + "…"


def _svg(
    chart_id: str, title: str, described_by: str, width: int, height: int, body: Iterable[str]
) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{chart_id}-title" aria-describedby="{escape(described_by)}">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
    )
    # Every text and attribute value above went through escape(); the numbers are ours.
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704


def _text(x: float, y: float, text: str, **attributes: str) -> str:
    extra = "".join(
        f' {key.replace("_", "-")}="{escape(value)}"' for key, value in attributes.items()
    )
    return f'<text x="{x:g}" y="{y:g}" fill="{TEXT}" font-size="12"{extra}>{escape(text)}</text>'


def map_chart(skills_map: SkillsMap, fallback: str, title: str, described_by: str) -> Markup:
    """Per skill, the share of learners at each level as a stacked bar."""
    rows = skills_map.rows
    height = ROW * (len(rows) + 2)
    body = []
    for index, level in enumerate(skills_map.levels):  # the legend, on the first line
        x = LABEL_WIDTH + index * 130
        colour = LEVEL_COLOURS[min(index, len(LEVEL_COLOURS) - 1)]
        body.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{colour}"/>')
        body.append(_text(x + 18, 15, localized(level.names, fallback).value))
    for index, row in enumerate(rows):
        y = ROW * (index + 1) + 6
        name = localized(row.skill.names, fallback).value
        body.append(_text(0, y + 13, _name(name)))
        x = float(LABEL_WIDTH)
        if row.share is None:
            body.append(_text(x, y + 13, gettext("fewer than 5"), fill=MUTED))
            continue
        complete = all(count is not None for count in row.at_level)
        parts = list(zip(row.at_level, LEVEL_COLOURS, strict=False)) if complete else []
        parts = parts or [(row.have, LEVEL_COLOURS[0])]
        for count, colour in parts:
            width = BAR_WIDTH * (count or 0) / max(skills_map.learners, 1)
            body.append(f'<rect x="{x:g}" y="{y}" width="{width:g}" height="16" fill="{colour}"/>')
            x += width
        body.append(_text(x + 6, y + 13, f"{row.share} %"))
    return _svg("map-chart", title, described_by, LABEL_WIDTH + BAR_WIDTH + 60, height, body)


def timeline_chart(timeline: Timeline, fallback: str, title: str, described_by: str) -> Markup:
    """Skills × months: each cell darker as more of the learners of the time had shown it."""
    cell = 36
    rows = timeline.rows
    width = LABEL_WIDTH + cell * len(timeline.months) + 10
    body = [
        _text(LABEL_WIDTH + cell * i + cell / 2, 14, month[2:], text_anchor="middle")
        for i, month in enumerate(timeline.months)
    ]
    for index, row in enumerate(rows):
        y = ROW * (index + 1)
        body.append(_text(0, y + 15, _name(localized(row.skill.names, fallback).value)))
        for i, count in enumerate(row.counts):
            x = LABEL_WIDTH + cell * i
            learners = timeline.learners[i]
            if count is None:
                fill = "#e0e0e0"
            else:
                share = count / learners if learners else 0
                fill = LEVEL_COLOURS[min(int(share * 4), 3)] if count else "#ffffff"
            body.append(
                f'<rect x="{x + 1}" y="{y + 1}" width="{cell - 2}" height="{ROW - 2}" '
                f'fill="{fill}" stroke="#c8c8c8"/>'
            )
    height = ROW * (len(rows) + 1) + 4
    return _svg("timeline-chart", title, described_by, width, height, body)
