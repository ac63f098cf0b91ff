"""Content YAML is read strictly: what the author wrote is what the course uses."""

from __future__ import annotations

import pytest

from course.content.yamlcheck import scalars, truncations
from course.content.yamlfile import MAX_YAML_BYTES, YamlError, parse_yaml


def test_scalars_stay_the_exact_text_written():
    data = parse_yaml("a: no\nb: on\nc: 1.10\nd: 2024-01-01\ne: 0x1A\nf: ~\ng: NO\n")
    assert data == {
        "a": "no",
        "b": "on",
        "c": "1.10",
        "d": "2024-01-01",
        "e": "0x1A",
        "f": "~",
        "g": "NO",
    }


def test_lines_are_kept_for_every_key_and_item():
    data = parse_yaml("title: x\nitems:\n  - one\n  - two\n")
    assert data.line_of("items") == 2 and data["items"].line_of(1) == 4


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("a: 1\nb: 2\na: 3\n", 3, "duplicate key 'a'"),
        ("a: &anchor 1\nb: *anchor\n", 2, "aliases"),
        ("a: !!python/object/apply:os.system ['true']\n", 1, "unsupported YAML tag"),
        ("base: {a: 1}\nother:\n  <<: {a: 2}\n", 3, "merge keys"),
        ("a: [1, 2\nb: 3\n", 2, "YAML syntax error"),
        ("a:\n\tb: 1\n", 2, "YAML syntax error"),
    ],
)
def test_unsafe_or_ambiguous_yaml_is_refused_with_its_line(text, line, message):
    with pytest.raises(YamlError) as error:
        parse_yaml(text)
    assert error.value.line == line
    assert message in error.value.message


def test_oversized_yaml_is_refused_before_parsing():
    with pytest.raises(YamlError, match="larger than"):
        parse_yaml("a: " + "x" * MAX_YAML_BYTES)


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("prompt: Who runs #WikiGap?\n", [1]),
        ("a: 1\ntext: Yes #right\n", [2]),
        ("outcomes:\n  - quote texts #always\n", [2]),
        ("name:\n  fr: Un titre #coupé\n", [2]),
        ("summary: two\n  lines, the second one cut # here\n", [2]),
        ("unknown_field: several words # cut\n", [1]),
    ],
)
def test_a_text_cut_by_a_comment_is_found_on_its_line(text, lines):
    assert [line for line, _ in truncations(text)] == lines


@pytest.mark.parametrize(
    "text",
    [
        "# a whole-line comment\nprompt: Who runs it?\n",
        'prompt: "Who runs #WikiGap?" # after a quoted text\n',
        "tags: [a, b] # after a list bracket\n",
        "options: # a key with no value\n  - x\n",
        "explanation: |\n  a block keeps # as text\n",
        "id: q-one # an id\ncorrect: true # a boolean\nminutes: 5 # a number\n",
        "url: https://example.org/page#part\n",
    ],
)
def test_a_comment_that_cuts_no_text_is_fine(text):
    assert truncations(text) == []


def test_front_matter_cuts_are_counted_from_the_first_line_of_the_file():
    assert [line for line, _ in truncations("title: A #cut\n", offset=1)] == [2]


def test_scalars_know_their_keys_and_lines():
    found = scalars('questions:\n  - id: q1\n    prompt: "Two\n      lines"\n')
    prompt = next(s for s in found if s.value == "Two lines")
    assert prompt.keys == ("questions", "prompt")
    assert (prompt.line, prompt.end_line, prompt.plain) == (3, 4, False)
