"""libyaml reads content YAML as the pure-Python parser does: same values, lines and errors."""

from __future__ import annotations

from typing import Any

import pytest

from course.content import yamlfile
from course.content.yamlfile import Map, Seq, YamlError, parse_yaml

DOCUMENTS = [
    "",
    "# only a comment\n",
    "title: x\nitems:\n  - one\n  - {id: a, text: A}\n",
    "a: {b: 1,\n  c: [2,\n    3]}\nd: |\n  block\n  text\n",
    "a: 1\r\nb:\r\n  - 2\r\n",
    "a: &kept 1\nb: 2\n",  # an anchor nobody refers to is harmless
    "a: &x 1\nb: *x\n",
    "a: &x {k: 1}\nb: *x\n",
    "a: &x [1]\nb:\n  - *x\n",
    "&r [*r]\n",
    "&k a: 1\n*k : 2\n",
    "a: *nowhere\n",
    "a: &x 1\nb: &x 2\n",
    "a: &x 1\na: *x\n",  # a duplicate key and an alias: the alias is reported, as always
    "a: 1\na: 2\n",
    "a: !foo x\n",
    "a: !!str x\n",
    "? [a]\n: 1\n",
    "base: {a: 1}\nother:\n  <<: {a: 2}\n",
    "a: 1\n---\nb: 2\n",
    "a: [1, 2\nb: 3\n",
]


def _outcome(text: str) -> Any:
    try:
        return _with_lines(parse_yaml(text))
    except YamlError as error:
        return ("error", error.line, error.message)


def _with_lines(value: Any) -> Any:
    if isinstance(value, Map):
        return (
            "map",
            value.line,
            {k: (value.line_of(k), _with_lines(v)) for k, v in value.items()},
        )
    if isinstance(value, Seq):
        return (
            "seq",
            value.line,
            [(value.line_of(i), _with_lines(v)) for i, v in enumerate(value)],
        )
    return value


@pytest.mark.skipif(yamlfile.CParser is None, reason="PyYAML built without libyaml")
@pytest.mark.parametrize("text", DOCUMENTS)
def test_libyaml_and_the_pure_parser_agree(text, monkeypatch):
    fast = _outcome(text)
    monkeypatch.setattr(yamlfile, "CParser", None)
    assert fast == _outcome(text)


@pytest.mark.parametrize(
    ("text", "line"), [("a: &x {k: 1}\nb: *x\n", 2), ("&r [*r]\n", 1), ("&k a: 1\n*k : 2\n", 2)]
)
def test_an_alias_that_libyaml_would_expand_is_refused_on_its_line(text, line):
    with pytest.raises(YamlError, match="aliases") as error:
        parse_yaml(text)
    assert error.value.line == line
