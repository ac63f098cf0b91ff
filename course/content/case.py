"""The skills framework as a CASE 1.0 package (1EdTech Competencies and Academic Standards
Exchange), and the addresses of its skills: pure functions of the framework and a base URL.

Every identifier is stable: documents, groups and skills carry the UUIDs of ``skills.yaml``,
and each ``isChildOf`` association a UUID derived from the two it links, so re-publishing the
framework after its texts changed gives the same identifiers.
"""

from __future__ import annotations

import uuid
from typing import Any

from .model import Skill, SkillGroup, SkillsFramework, pick

SKILL_TYPE = "Skill"
GROUP_TYPE = "Skill group"


def skill_page(base_url: str, skill: Skill) -> str:
    """The public page of a skill (what OB 2.0 alignments point at)."""
    return f"{base_url.rstrip('/')}/skills/{skill.id}"


def group_page(base_url: str, group: SkillGroup) -> str:
    return f"{base_url.rstrip('/')}/skills/groups/{group.id}"


def item_uri(base_url: str, identifier: str) -> str:
    """The CASE item (JSON) of a skill or group, by its UUID (what OB 3.0 alignments use)."""
    return f"{base_url.rstrip('/')}/skills/items/{identifier}"


def package_uri(base_url: str) -> str:
    return f"{base_url.rstrip('/')}/skills/framework.json"


def timestamp(framework: SkillsFramework) -> str:
    return f"{framework.updated}T00:00:00+00:00"


def _link(title: str, identifier: str, uri: str) -> dict[str, str]:
    return {"title": title, "identifier": identifier, "uri": uri}


def case_item(
    base_url: str, framework: SkillsFramework, node: Skill | SkillGroup, language: str
) -> dict[str, Any]:
    """One ``CFItem``: a skill (its statement) or a group (its description)."""
    is_skill = isinstance(node, Skill)
    used, name = pick(node.names, language, framework.source)
    statement = pick(node.statements if is_skill else node.descriptions, used, framework.source)
    return {
        "identifier": node.identifier,
        "uri": item_uri(base_url, node.identifier),
        "fullStatement": statement[1],
        "abbreviatedStatement": name,
        "humanCodingScheme": node.id,
        "CFItemType": SKILL_TYPE if is_skill else GROUP_TYPE,
        "language": used,
        "lastChangeDateTime": timestamp(framework),
        "CFDocumentURI": _document_link(base_url, framework, language),
    }


def _document_link(base_url: str, framework: SkillsFramework, language: str) -> dict[str, str]:
    title = pick(framework.titles, language, framework.source)[1]
    return _link(title, framework.identifier, package_uri(base_url))


def _child_of(
    base_url: str,
    framework: SkillsFramework,
    child: dict[str, Any],
    parent: dict[str, str],
    language: str,
) -> dict[str, Any]:
    identifier = str(
        uuid.uuid5(uuid.UUID(child["identifier"]), f"isChildOf {parent['identifier']}")
    )
    return {
        "identifier": identifier,
        "uri": f"{base_url.rstrip('/')}/skills/associations/{identifier}",
        "associationType": "isChildOf",
        "originNodeURI": _link(child["abbreviatedStatement"], child["identifier"], child["uri"]),
        "destinationNodeURI": parent,
        "lastChangeDateTime": timestamp(framework),
        "CFDocumentURI": _document_link(base_url, framework, language),
    }


def case_package(
    base_url: str, framework: SkillsFramework, language: str, creator: str
) -> dict[str, Any]:
    """The whole framework as a CASE 1.0 ``CFPackage`` in ``language`` (with fallbacks)."""
    used, title = pick(framework.titles, language, framework.source)
    groups = [case_item(base_url, framework, group, language) for group in framework.groups]
    skills = [case_item(base_url, framework, skill, language) for skill in framework.skills]
    document = _document_link(base_url, framework, language)
    by_group = {item["humanCodingScheme"]: item for item in groups}
    associations = [_child_of(base_url, framework, group, document, language) for group in groups]
    for skill, item in zip(framework.skills, skills, strict=True):
        parent = by_group[skill.group]
        link = _link(parent["abbreviatedStatement"], parent["identifier"], parent["uri"])
        associations.append(_child_of(base_url, framework, item, link, language))
    return {
        "CFDocument": {
            "identifier": framework.identifier,
            "uri": package_uri(base_url),
            "creator": creator,
            "title": title,
            "description": pick(framework.descriptions, used, framework.source)[1],
            "officialSourceURL": f"{base_url.rstrip('/')}/skills",
            "language": used,
            "adoptionStatus": "Implemented",
            "lastChangeDateTime": timestamp(framework),
            "CFPackageURI": document,
        },
        "CFItems": groups + skills,
        "CFAssociations": associations,
    }
