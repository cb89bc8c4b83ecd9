"""Read untrusted YAML (policy and case files) safely, keeping where every value came from.

PyYAML's ``safe_load`` is safe against code execution but still silently keeps the last of two duplicate
keys, expands aliases without bound (a "billion laughs" file exhausts memory) and turns ``2023-01-01`` into a
``date`` object that JSON Schema cannot see as a string. A legal text must not lose a duplicated clause
silently, so this loader composes the node tree itself, refuses duplicates, anchors, aliases and merge keys,
keeps dates as strings, and records a line and column for every JSON path so that every later error
(schema, cross-reference, rule) can point at the exact spot.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from engine.problems import Problem, ProblemsError

MAX_FILE_BYTES = (
    1024 * 1024
)  # the largest article is a few KiB; anything near a MiB is not a policy file

PathKey = tuple[str | int, ...]


# libyaml's parser when PyYAML was built with it (the PyPI wheels are): ten times faster than the pure
# Python one, which matters because every policy load and every fixture reads these files.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _NoDatesLoader(_BaseLoader):
    """SafeLoader without the timestamp resolver: dates stay ISO strings, as the schemas expect."""


_NoDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class SourceDoc:
    """A loaded document together with the position of every value in it."""

    file: str
    data: Any
    positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    block_scalars: set[PathKey] = field(default_factory=set)  # values written as | or > blocks
    lines: list[str] = field(default_factory=list)
    base: PathKey = ()  # for a part of a larger document: where that part sits in it

    def part(self, path: Iterable[str | int]) -> SourceDoc:
        """The value at ``path`` as a document of its own that still reports positions in this file."""
        base = self.base + tuple(path)
        data = self.data
        for key in tuple(path):
            data = data[key]
        return SourceDoc(self.file, data, self.positions, self.block_scalars, self.lines, base)

    def text_start(self, path: Iterable[str | int]) -> tuple[int | None, int | None]:
        """Where the characters of a string value begin, so errors inside it can be located.

        A block scalar (``|``) starts on the line after its indicator; a quoted one after its quote.
        """
        key = tuple(path)
        line, col = self.position(key)
        if line is None:
            return (None, None)
        if key in self.block_scalars:
            if line < len(self.lines):
                content = self.lines[line]  # the next line (0-based index = 1-based line)
                return (line + 1, len(content) - len(content.lstrip(" ")) + 1)
            return (line + 1, 1)
        source_line = self.lines[line - 1] if line - 1 < len(self.lines) else ""
        if col is not None and source_line[col - 1 : col] in ("'", '"'):
            return (line, col + 1)
        return (line, col)

    def position(self, path: Iterable[str | int]) -> tuple[int | None, int | None]:
        """Line/column of the value at ``path`` or of its nearest ancestor that exists."""
        key = self.base + tuple(path)
        while True:
            if key in self.positions:
                return self.positions[key]
            if not key:
                return (None, None)
            key = key[:-1]

    def problem(
        self, path: Iterable[str | int], message: str, expected: str = "", **kw: Any
    ) -> Problem:
        path = tuple(path)
        line, col = self.position(path)
        return Problem(self.file, line, col, json_path(self.base + path), message, expected, **kw)


def json_path(path: Iterable[str | int]) -> str:
    """``("elements", 2, "text", "zh")`` → ``$.elements[2].text.zh``."""
    out = "$"
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.isidentifier():
            out += f".{part}"
        else:
            out += "[" + json.dumps(part, ensure_ascii=False) + "]"
    return out


def load_yaml_file(path: Path, display: str | None = None) -> SourceDoc:
    """Load one YAML (or JSON) file; raise ProblemsError listing every problem found in it."""
    name = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ProblemsError.one(
            name, "", f"cannot read file: {exc.strerror}", "a readable file"
        ) from exc
    return load_yaml_bytes(raw, name)


def load_yaml_bytes(raw: bytes, name: str) -> SourceDoc:
    if len(raw) > MAX_FILE_BYTES:
        raise ProblemsError.one(
            name,
            "",
            f"file is {len(raw)} bytes",
            f"at most {MAX_FILE_BYTES} bytes",
            code="too-large",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ProblemsError(
            [
                Problem(
                    name,
                    line,
                    col,
                    "",
                    f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
                    "UTF-8 text",
                    code="encoding",
                )
            ]
        ) from exc
    text = text.removeprefix("\ufeff")
    return load_yaml_text(text, name)


def load_yaml_text(text: str, name: str) -> SourceDoc:
    problems: list[Problem] = []
    try:
        _refuse_anchors_and_aliases(text, name, problems)
        if problems:
            raise ProblemsError(problems)
        nodes = list(yaml.compose_all(text, Loader=_NoDatesLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise ProblemsError(
            [
                Problem(
                    name,
                    line,
                    col,
                    "",
                    f"YAML syntax error: {exc.problem or exc}",
                    "well-formed YAML",
                    code="yaml-syntax",
                )
            ]
        ) from exc
    if len(nodes) != 1:
        raise ProblemsError.one(
            name,
            "$",
            f"file holds {len(nodes)} YAML documents",
            "exactly one document",
            code="documents",
        )
    doc = SourceDoc(name, None, lines=text.split("\n"))
    constructor = _NoDatesLoader("")
    doc.data = _build(nodes[0], (), doc, constructor, problems)
    if problems:
        raise ProblemsError(problems)
    return doc


def _refuse_anchors_and_aliases(text: str, name: str, problems: list[Problem]) -> None:
    """Aliases can multiply a small file into gigabytes and hide where a value was written: refuse them."""
    for event in yaml.parse(text, Loader=_NoDatesLoader):
        mark = event.start_mark
        if isinstance(event, yaml.AliasEvent):
            problems.append(
                Problem(
                    name,
                    mark.line + 1,
                    mark.column + 1,
                    "",
                    f"YAML alias *{event.anchor} is not allowed",
                    "every value written out in full (no anchors or aliases)",
                    code="alias",
                )
            )
        elif getattr(event, "anchor", None):
            problems.append(
                Problem(
                    name,
                    mark.line + 1,
                    mark.column + 1,
                    "",
                    f"YAML anchor &{event.anchor} is not allowed",
                    "every value written out in full (no anchors or aliases)",
                    code="alias",
                )
            )


_PLAIN_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


def _build(
    node: yaml.Node,
    path: PathKey,
    doc: SourceDoc,
    constructor: yaml.SafeLoader,
    problems: list[Problem],
) -> Any:
    doc.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if not isinstance(node, yaml.ScalarNode) and node.tag not in _PLAIN_COLLECTION_TAGS:
        problems.append(
            doc.problem(
                path, f"YAML tag {node.tag} is not allowed", "plain YAML (no tags)", code="tag"
            )
        )
        return None
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key_mark = key_node.start_mark
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(
                    Problem(
                        doc.file,
                        key_mark.line + 1,
                        key_mark.column + 1,
                        json_path(path),
                        "a mapping key is not a plain value",
                        "a string key",
                        code="key-type",
                    )
                )
                continue
            if key_node.tag == "tag:yaml.org,2002:merge":
                problems.append(
                    Problem(
                        doc.file,
                        key_mark.line + 1,
                        key_mark.column + 1,
                        json_path(path),
                        "YAML merge key << is not allowed",
                        "every key written out",
                        code="alias",
                    )
                )
                continue
            key = constructor.construct_object(key_node)
            if not isinstance(key, str):
                key = str(key_node.value)
            if key in result:
                first = doc.positions.get(path + (key,), (None, None))
                problems.append(
                    Problem(
                        doc.file,
                        key_mark.line + 1,
                        key_mark.column + 1,
                        json_path(path + (key,)),
                        f"duplicate key '{key}' (first at line {first[0]})",
                        "each key once per mapping",
                        code="dup-key",
                    )
                )
                continue
            result[key] = _build(value_node, path + (key,), doc, constructor, problems)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(item, path + (i,), doc, constructor, problems)
            for i, item in enumerate(node.value)
        ]
    if node.style in ("|", ">"):
        doc.block_scalars.add(path)
    try:
        return constructor.construct_object(node)
    except yaml.constructor.ConstructorError as exc:
        problems.append(
            doc.problem(
                path, f"cannot read value: {exc.problem}", "a plain YAML scalar", code="scalar"
            )
        )
        return None
