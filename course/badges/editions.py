"""What a badge's documents say about skills and languages.

A badge is one achievement with an edition per language it has a name in: an OB 2.0
BadgeClass per language (``@language``, ``related`` linking the other editions) and an
OB 3.0 achievement with ``inLanguage`` and ``related``. The issuer's language keeps the
addresses badges always had; other languages add ``/<language>`` (OB 2.0) or
``/editions/<language>`` (the achievement's page). Each edition aligns the badge with the
skills it certifies, in its language, and its criteria say in words which skills and how.

The skills framework and the modules come from the loaded course, so these functions run
inside the application (as every caller of the documents does). ``edition_views`` serves the
editions' own addresses.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flask_babel import force_locale, gettext

from ..content.case import item_uri, skill_page
from ..content.model import Alignment, Badge, Course, pick
from ..contentstore import course

if TYPE_CHECKING:
    from .documents import Issuer


def languages(badge: Badge) -> tuple[str, ...]:
    """The languages the badge has editions in: those it has a name in."""
    return tuple(badge.names)


def text(texts: Mapping[str, str], language: str, fallback: str) -> str:
    return pick(texts, language, fallback)[1] if texts else ""


def ob2_class_id(issuer: Issuer, badge: Badge, language: str) -> str:
    base = issuer.url(f"/badges/ob2/classes/{badge.id}")
    return base if language == issuer.language else f"{base}/{language}"


def achievement_id(issuer: Issuer, badge: Badge, language: str) -> str:
    base = issuer.url(f"/badges/{badge.id}")
    return base if language == issuer.language else f"{base}/editions/{language}"


def award_language(credential: str, default: str) -> str:
    """The edition an award was issued in, as its signed credential says (else ``default``)."""
    try:
        language = json.loads(credential)["credentialSubject"]["achievement"]["inLanguage"]
    except (ValueError, KeyError, TypeError):
        return default
    return language if isinstance(language, str) else default


def alignment(entry: Alignment) -> dict[str, str]:
    """A free-form alignment of the badge file, in the terms both specifications share."""
    fields = {
        "targetName": entry.name,
        "targetUrl": entry.url,
        "targetDescription": entry.description,
        "targetFramework": entry.framework,
        "targetCode": entry.code,
    }
    return {key: value for key, value in fields.items() if value}


def skill_alignments(
    issuer: Issuer, badge: Badge, language: str, ob3: bool, content: Course | None = None
) -> list[dict[str, Any]]:
    """The badge's skills as alignments: to the public skill page (OB 2.0) or to its CASE
    item (OB 3.0, ``targetType: CFItem``), named in ``language``."""
    framework = (content or course()).skills
    if framework is None:
        return []
    found = []
    title = text(framework.titles, language, framework.source)
    for claim in badge.skills:
        skill = framework.skill(claim.skill)
        if skill is None:
            continue
        target = {
            "targetName": text(skill.names, language, framework.source),
            "targetUrl": skill_page(issuer.base_url, skill),
            "targetDescription": text(skill.statements, language, framework.source),
            "targetFramework": title,
            "targetCode": skill.id,
        }
        if ob3:
            target = {"type": ["Alignment"], **target, "targetType": "CFItem"}
            target["targetUrl"] = item_uri(issuer.base_url, skill.identifier)
        found.append(target)
    return found


def criteria(issuer: Issuer, badge: Badge, language: str, content: Course | None = None) -> str:
    """The badge's criteria in ``language``, then which skills it certifies and how."""
    content = content or course()
    written = text(badge.criteria, language, issuer.language)
    framework = content.skills
    if framework is None or not badge.skills:
        return written
    modules = [m for m in (content.module(i) for i in badge.modules) if m is not None]
    marks = sorted({quiz.pass_mark for m in modules for quiz in m.quizzes})
    sentences = [written]
    with force_locale(language):
        for level in framework.levels:
            names = [
                text(skill.names, language, framework.source)
                for claim in badge.skills
                if claim.level == level.id and (skill := framework.skill(claim.skill))
            ]
            if names:
                sentences.append(
                    gettext(
                        "It certifies these skills at the level “%(level)s”: %(skills)s.",
                        level=text(level.names, language, framework.source),
                        skills=", ".join(names),
                    )
                )
        sentences.append(
            gettext(
                "The learner completed the lessons that teach them and passed the quiz of each "
                "module, whose questions assess them, with at least %(mark)d%% of the answers "
                "right.",
                mark=marks[0] if marks else 0,
            )
        )
    return " ".join(sentences)


def ob2_editions(issuer: Issuer, badge: Badge, language: str) -> dict[str, Any]:
    """``@language``, ``related`` and ``alignment`` of the OB 2.0 BadgeClass in ``language``."""
    found: dict[str, Any] = {"@language": language}
    others = [lang for lang in languages(badge) if lang != language]
    if others:
        found["related"] = [
            {"id": ob2_class_id(issuer, badge, other), "@language": other} for other in others
        ]
    aligned = [alignment(a) for a in badge.alignments]
    aligned += skill_alignments(issuer, badge, language, ob3=False)
    if aligned:
        found["alignment"] = aligned
    return found


def ob3_editions(issuer: Issuer, badge: Badge, language: str) -> dict[str, Any]:
    """``inLanguage``, ``related`` and ``alignment`` of the OB 3.0 achievement."""
    found: dict[str, Any] = {"inLanguage": language}
    others = [lang for lang in languages(badge) if lang != language]
    if others:
        found["related"] = [
            {"id": achievement_id(issuer, badge, other), "type": ["Related"], "inLanguage": other}
            for other in others
        ]
    aligned = [{"type": ["Alignment"], **alignment(a)} for a in badge.alignments]
    aligned += skill_alignments(issuer, badge, language, ob3=True)
    if aligned:
        found["alignment"] = aligned
    return found
