"""What the parsed tree of a YAML file cannot show: where each scalar sits in the raw text.

YAML ends an unquoted (plain) scalar where `` #`` starts a comment, without any error, so
``prompt: Who runs #WikiGap?`` gives the text "Who runs". :func:`truncations` finds such
cuts by reading PyYAML's event marks against the raw line. :func:`scalars` lists every scalar
with its key path and its lines, so that other checks can report the line of a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

#: libyaml's parser when PyYAML was built with it (much faster); events only, nothing built.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
COMMENT_AFTER = re.compile(r"[ \t]+#")
#: Fields whose values are texts that people read (a value with a space is a text too).
TEXT_KEYS = frozenset(
    {
        "title",
        "summary",
        "outcomes",
        "audience",
        "prompt",
        "explanation",
        "text",
        "feedback",
        "name",
        "places",
        "description",
        "criteria",
        "note",
        "wikimedia",
        "partners",
        "avoid",
    }
)
_LANGUAGE_KEY = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")


@dataclass(frozen=True)
class Scalar:
    """One scalar of a YAML text; lines count from 1, ``end_column`` from 0."""

    keys: tuple[str, ...]  #: the mapping keys above it (list positions are left out)
    value: str
    plain: bool  #: written without quotes and not as a | or > block
    is_key: bool
    line: int
    end_line: int
    end_column: int

    @property
    def is_text(self) -> bool:
        """Whether this is the value of a text field: a known text key, or words with spaces."""
        if self.is_key:
            return False
        if " " in self.value.strip() or any(key in TEXT_KEYS for key in self.keys):
            return True
        last = self.keys[-1] if self.keys else ""
        return last != "id" and bool(_LANGUAGE_KEY.fullmatch(last))


@dataclass
class _Open:
    """A mapping or list being read: the keys above it and, for a mapping, where it is."""

    keys: tuple[str, ...]
    mapping: bool
    expects_key: bool = True
    key: str = ""

    def place(self, value: str) -> tuple[tuple[str, ...], bool]:
        """The key path of the next node inside, and whether it is a key."""
        if not self.mapping:
            return self.keys, False
        if self.expects_key:
            self.expects_key, self.key = False, value
            return self.keys, True
        self.expects_key = True
        return (*self.keys, self.key), False


def scalars(text: str) -> list[Scalar]:
    """Every scalar of a YAML document, in order; [] when the text is not valid YAML."""
    found: list[Scalar] = []
    stack: list[_Open] = []
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            is_scalar = isinstance(event, yaml.ScalarEvent)
            if is_scalar or isinstance(event, yaml.AliasEvent | yaml.CollectionStartEvent):
                value = event.value if is_scalar else ""
                keys, is_key = stack[-1].place(value) if stack else ((), False)
            if is_scalar:
                start, end = event.start_mark, event.end_mark
                found.append(
                    Scalar(
                        keys,
                        value,
                        not event.style,
                        is_key,
                        start.line + 1,
                        end.line + 1,
                        end.column,
                    )
                )
            elif isinstance(event, yaml.CollectionStartEvent):
                stack.append(_Open(keys, isinstance(event, yaml.MappingStartEvent)))
            elif isinstance(event, yaml.CollectionEndEvent):
                stack.pop()
    except yaml.YAMLError:
        return []
    return found


def truncations(text: str, offset: int = 0) -> list[tuple[int, str]]:
    """(line, message) for each text that a `` #`` comment cut short on its last line.

    A whole-line comment, or a comment after a quoted text, a list bracket or a key with no
    value, loses nothing and is fine. ``offset`` is added to each line (front matter).
    """
    lines = text.split("\n")
    cuts = []
    for scalar in scalars(text):
        if not scalar.plain or not scalar.is_text or not scalar.value:
            continue
        rest = lines[scalar.end_line - 1][scalar.end_column :]
        if COMMENT_AFTER.match(rest):
            cuts.append(
                (
                    scalar.end_line + offset,
                    f"this text stops before '{rest.strip()[:30]}': YAML reads ' #' as the "
                    "start of a comment; put the whole text in double quotes",
                )
            )
    return cuts
