"""A strict YAML reader for content files, which keeps the line of every value.

PyYAML's usual loaders turn ``no`` into False, ``1.10`` into 1.1 and ``2024-01-01`` into a
date, keep the last of two duplicate keys, expand aliases without limit and construct
Python objects from tags. Here every scalar stays the exact string the author wrote (the
schema decides what is a number or a boolean), duplicate keys, aliases and tags are errors,
and each mapping and list remembers the line of each of its entries.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import BaseConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

try:  # libyaml's parser, in PyYAML's wheels: the same events, about seven times faster
    from yaml._yaml import CParser
except ImportError:  # pragma: no cover - a PyYAML built without libyaml
    CParser = None

MAX_YAML_BYTES = 256 * 1024


class YamlError(ValueError):
    """A file that is not acceptable YAML; ``line`` counts from 1."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class Map(dict):  # type: ignore[type-arg]
    """A mapping that knows its own line and the line of each key."""

    line: int = 0
    lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


class Seq(list):  # type: ignore[type-arg]
    """A list that knows its own line and the line of each item."""

    line: int = 0
    lines: list[int]

    def line_of(self, index: int) -> int:
        return self.lines[index] if index < len(self.lines) else self.line


class _StrictComposer(Composer):
    def compose_node(self, parent: Node | None, index: Any) -> Node:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise YamlError(event.start_mark.line + 1, "YAML aliases (*name) are not supported")
        return super().compose_node(parent, index)


class _StrictLoader(Reader, Scanner, Parser, _StrictComposer, BaseConstructor, BaseResolver):
    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        _StrictComposer.__init__(self)
        BaseConstructor.__init__(self)
        BaseResolver.__init__(self)


if CParser is not None:

    class _FastLoader(CParser, BaseResolver):  # type: ignore[misc]
        """libyaml's parser and composer, both in C. The composer expands an alias (*name)
        into the node it names, so aliases are found afterwards (:func:`_shares_nodes`)."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            BaseResolver.__init__(self)


def _fast_node(text: str) -> Node | None | bool:
    """The document's node through libyaml, or False on any problem (the slower parser then
    says what it is, in the words and with the lines that authors always got)."""
    if CParser is None:
        return False
    loader = _FastLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError:
        return False
    finally:
        loader.dispose()
    return False if node is not None and _shares_nodes(node) else node


def _shares_nodes(root: Node) -> bool:
    """Whether a node appears twice under ``root``: what libyaml made of an alias."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return True
        seen.add(id(node))
        if isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            stack.extend(child for pair in node.value for child in pair)
    return False


def _build(node: Node) -> Any:
    line = node.start_mark.line + 1
    if node.tag not in (
        BaseResolver.DEFAULT_SCALAR_TAG,
        BaseResolver.DEFAULT_SEQUENCE_TAG,
        BaseResolver.DEFAULT_MAPPING_TAG,
    ):
        raise YamlError(line, f"unsupported YAML tag {node.tag}")
    if isinstance(node, ScalarNode):
        return node.value
    if isinstance(node, SequenceNode):
        items = Seq(_build(child) for child in node.value)
        items.line, items.lines = line, [child.start_mark.line + 1 for child in node.value]
        return items
    assert isinstance(node, MappingNode)
    mapping = Map()
    mapping.line, mapping.lines = line, {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode):
            raise YamlError(key_node.start_mark.line + 1, "keys must be plain words")
        key = key_node.value
        if key == "<<":
            raise YamlError(key_node.start_mark.line + 1, "YAML merge keys (<<) are not supported")
        if key in mapping:
            raise YamlError(key_node.start_mark.line + 1, f"duplicate key '{key}'")
        mapping[key] = _build(value_node)
        mapping.lines[key] = key_node.start_mark.line + 1
    return mapping


def parse_yaml(text: str) -> Any:
    """Parse one YAML document strictly (see the module docstring); None when empty."""
    if len(text.encode()) > MAX_YAML_BYTES:
        raise YamlError(1, f"file is larger than {MAX_YAML_BYTES // 1024} KB")
    fast = _fast_node(text)
    if fast is not False:
        return None if fast is None else _build(fast)
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
    except YamlError:
        raise
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlError(line, f"YAML syntax error: {error.problem or error.context}") from None
    except yaml.YAMLError as error:
        raise YamlError(1, f"YAML error: {error}") from None
    finally:
        loader.dispose()
    return None if node is None else _build(node)
