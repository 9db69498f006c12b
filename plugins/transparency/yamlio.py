"""YAML reading that keeps line numbers, so errors can point at the line to fix.

Scalars are read with YAML 1.2's core schema, not PyYAML's YAML 1.1: `015` is 15 (1.1 reads
octal 13), `1:30` is text (1.1 reads base 60: 90), and `yes`, `no`, `on`, `off` are text
(1.1 reads them as true and false). What an officer typed is never silently turned into
another number; text where a number or true/false belongs is refused by the loader with a
hint.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml


class LinedDict(dict[str, object]):
    """A mapping that remembers the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LinedList(list[object]):
    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        if 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return self.line


class DuplicateKeyError(yaml.YAMLError):
    def __init__(self, key: str, line: int) -> None:
        self.key = key
        self.line = line
        super().__init__(f"the key '{key}' appears twice")


# libyaml's parser where it is installed (PyYAML wheels include it): about ten times faster.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# The base is chosen at run time, so the checker cannot know it (valid-type) and sees Any (misc).
class _Loader(_Base):  # type: ignore[misc,valid-type]
    pass


# YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution), plus dates, which
# our own code validates, and '<<' merge keys.
_CORE = (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)"
     r"|\.(?:nan|NaN|NAN))$", "-+0123456789."),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:timestamp", r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ].*)?$", "0123456789"),
    ("tag:yaml.org,2002:merge", r"^(?:<<)$", "<"),
)
_Loader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in _CORE:
    _Loader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int:
    """An integer as YAML 1.2 reads it: decimal (leading zeros and all), 0o octal, 0x hex."""
    text = str(loader.construct_scalar(node))
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text, 10)


def _construct_float(loader: _Loader, node: yaml.ScalarNode) -> float:
    text = str(loader.construct_scalar(node)).lower()
    if text.endswith("inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    return float(text)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LinedDict:
    loader.flatten_mapping(node)
    result = LinedDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        if key in result:
            raise DuplicateKeyError(key, key_node.start_mark.line + 1)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LinedList:
    result = LinedList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_timestamp_as_text(loader: _Loader, node: yaml.ScalarNode) -> str:
    # Dates are validated by our own code, which gives better messages than YAML's.
    return str(loader.construct_scalar(node))


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)


class YamlReadError(Exception):
    def __init__(self, message: str, line: int | None, hint: str) -> None:
        self.message = message
        self.line = line
        self.hint = hint
        super().__init__(message)


def read_yaml(path: Path) -> Any:
    """Read a YAML file, raising YamlReadError with a line number and a hint."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise YamlReadError(
            f"the file is not valid UTF-8 text (byte {exc.start} cannot be read)", None,
            "save the file as UTF-8 (in most editors: Save As, Encoding: UTF-8)") from exc
    if not text.strip():
        raise YamlReadError("the file is empty", None,
                            "fill it in following docs/data-format.md, or delete the folder")
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader derives from a safe loader
    except DuplicateKeyError as exc:
        raise YamlReadError(str(exc), exc.line, "remove or rename one of the two entries") from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise YamlReadError(f"the YAML cannot be read: {exc.problem or exc}", line,
                            "check indentation (spaces, not tabs), colons after keys, and quotes "
                            "around text containing ':' or '#'") from exc
