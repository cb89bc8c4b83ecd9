"""Read untrusted YAML and JSON (policy files, cases, calendars, request bodies) safely, keeping
where every value came from.

PyYAML's ``safe_load`` is safe against code execution but still silently keeps the last of two duplicate
keys, expands aliases without bound (a "billion laughs" file exhausts memory) and turns ``2023-01-01`` into a
``date`` object that JSON Schema cannot see as a string. A legal text must not lose a duplicated clause
silently, so this loader builds the values itself, in one pass over libyaml's parser events (no node
tree: composing one and walking it took twice as long), refuses duplicates, anchors, aliases, merge
keys and every explicit tag (``!!python/object`` as much as ``!!timestamp``), keeps dates as strings,
and records a line and column for every JSON path so that every later error (schema,
cross-reference, rule) can point at the exact spot.

Hostile input must cost a located problem, never a crash or the machine: the bytes come through
``engine.files.reader`` (regular files only, size-limited), and this module bounds what they may hold
(``Limits``: nesting depth, number of values, integer size, the years a date may name) and refuses
control characters, so that no loader exception (a reader error on a NUL byte, a recursion error on a
thousand ``[``, a value error on a 5,000-digit integer) ever escapes as anything but a problem.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from engine.files.reader import DEFAULT_LIMITS, Limits, read_input_bytes, too_large
from engine.problems import Problem, ProblemsError, excerpt

MAX_FILE_BYTES = DEFAULT_LIMITS.max_bytes  # the largest article is a few KiB

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
    # a document read by the JSON fast path has no positions until a problem asks for one: this
    # reads the text again the full way to find them
    reread: Callable[[], SourceDoc] | None = field(default=None, repr=False, compare=False)

    def part(self, path: Iterable[str | int]) -> SourceDoc:
        """The value at ``path`` as a document of its own that still reports positions in this file."""
        base = self.base + tuple(path)
        data = self.data
        for key in tuple(path):
            data = data[key]
        return SourceDoc(
            self.file, data, self.positions, self.block_scalars, self.lines, base, self.reread
        )

    def _located(self) -> None:
        """Fill in the positions of a document read by the JSON fast path (shared with its
        parts, which hold the same dictionaries)."""
        reread, self.reread = self.reread, None
        if reread is not None and not self.positions:
            try:
                full = reread()
            except ProblemsError:  # not expected: the fast path took only what this accepts
                return
            self.positions.update(full.positions)
            self.block_scalars.update(full.block_scalars)

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
        if self.reread is not None:
            self._located()
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


def load_yaml_file(
    path: Path, display: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> SourceDoc:
    """Load one YAML (or JSON, by its suffix) file; raise ProblemsError listing every problem in it."""
    name = display or str(path)
    raw = read_input_bytes(path, name, limits)
    return load_yaml_bytes(raw, name, limits, json_syntax=Path(path).suffix.lower() == ".json")


JSON_MEDIA_TYPES = ("application/json",)
YAML_MEDIA_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")


def load_body(
    raw: bytes,
    name: str = "<request body>",
    media_type: str = "application/json",
    limits: Limits = DEFAULT_LIMITS,
) -> SourceDoc:
    """A request body (JSON, or YAML with its media type) read exactly like a file of that kind."""
    kind = media_type.split(";", 1)[0].strip().lower()
    if kind not in JSON_MEDIA_TYPES + YAML_MEDIA_TYPES:
        raise ProblemsError.one(
            name,
            "",
            f"media type {excerpt(kind)} is not accepted",
            "one of " + ", ".join(JSON_MEDIA_TYPES + YAML_MEDIA_TYPES),
            code="media-type",
        )
    return load_yaml_bytes(raw, name, limits, json_syntax=kind in JSON_MEDIA_TYPES)


def load_yaml_bytes(
    raw: bytes, name: str, limits: Limits = DEFAULT_LIMITS, *, json_syntax: bool = False
) -> SourceDoc:
    """Bytes → document: size, UTF-8, then (``json_syntax``) JSON's own grammar, then YAML."""
    if len(raw) > limits.max_bytes:
        raise too_large(name, limits, len(raw))
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
    if json_syntax:
        fast = _plain_json(text, name, limits)
        if fast is not None:
            return fast
        _check_json(text, name)
        # Valid JSON can hold a raw tab only as whitespace between tokens, which YAML forbids;
        # swapping each for a space keeps every line and column, so positions stay right.
        text = text.replace("\t", " ")
    return load_yaml_text(text, name, limits, json_numbers=json_syntax)


class _NotPlain(Exception):
    """The JSON text needs the full reading (see ``_plain_json``)."""


def _refuse_float(_text: str) -> float:
    raise _NotPlain


def _pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
    if len({key for key, _ in items}) != len(items) or any(len(key) > _MAX_KEY for key, _ in items):
        raise _NotPlain
    return dict(items)


_MAX_KEY = 1000  # characters: YAML reads a longer key as no key at all


def _plain_json(text: str, name: str, limits: Limits) -> SourceDoc | None:
    """The document of a JSON text read by the JSON parser alone (about 25 times faster than the
    YAML reading below), when the text holds only what both readings give the same value: no
    escape, no number with a fraction or exponent (YAML reads ``1e5`` as text), no repeated or
    overlong key, no control or bidirectional character, and well within the limits on values and
    nesting. Anything else returns None and is read the full way, which gives the located
    problems; so does asking such a document for a position (``SourceDoc.reread``)."""
    if "\\" in text or _DISALLOWED.search(text) or _BIDI.search(text):
        return None
    try:
        data = json.loads(
            text, parse_float=_refuse_float, parse_constant=_refuse_float, object_pairs_hook=_pairs
        )
    except (ValueError, RecursionError, _NotPlain):
        return None
    strict = replace(limits, max_nodes=limits.max_nodes // 2, max_depth=limits.max_depth - 2)
    if not _plain_values(data, strict):
        return None
    doc = SourceDoc(name, data)
    text = text.replace("\t", " ")
    doc.lines = text.split("\n")
    doc.reread = lambda: load_yaml_text(text, name, limits, json_numbers=True)
    return doc


def _plain_values(data: Any, limits: Limits) -> bool:
    """Whether the values JSON gave for a text ``_plain_json`` accepted are what
    ``document_from_data`` would keep as they are, without a problem: within the limits on
    values and nesting, no integer too large, no date outside the years. Checked, not copied
    (``document_from_data`` builds a new document, a third of a small case's reading). Text needs
    no check of its characters here: the JSON text held no escape and no refused character, so no
    key or value can."""
    count = 0
    pending: list[tuple[Any, int]] = [(data, 0)]
    while pending:
        value, depth = pending.pop()
        count += 1
        if type(value) is dict:
            if depth >= limits.max_depth:
                return False
            for key, item in value.items():
                if len(key) == 10 and value_problem(key, limits):  # a date: within the years?
                    return False
                pending.append((item, depth + 1))
        elif type(value) is list:
            if depth >= limits.max_depth:
                return False
            pending.extend((item, depth + 1) for item in value)
        elif (type(value) is not str or len(value) == 10) and value_problem(value, limits):
            return False
        if count > limits.max_nodes:
            return False
    return True


def _check_json(text: str, name: str) -> None:
    """JSON is read as YAML (to keep positions and refuse duplicates), but must first be JSON."""

    def refuse_constant(constant: str) -> None:
        raise ValueError(f"{constant} is not a JSON number")

    try:
        json.loads(text, parse_constant=refuse_constant, parse_int=lambda digits: 0)
    except json.JSONDecodeError as exc:
        raise ProblemsError(
            [
                Problem(
                    name,
                    exc.lineno,
                    exc.colno,
                    "",
                    f"JSON syntax error: {exc.msg}",
                    "well-formed JSON",
                    code="json-syntax",
                )
            ]
        ) from exc
    except ValueError as exc:
        raise ProblemsError.one(
            name, "", f"JSON value error: {excerpt(str(exc))}", "finite numbers", code="json-syntax"
        ) from exc
    except RecursionError as exc:
        raise _too_deep(name, None, None) from exc


# What YAML itself accepts in a stream (tab, newline, carriage return, the printable characters),
# minus the C1 controls and NEL, which no policy file or case needs and terminals obey.
_DISALLOWED = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def load_yaml_text(
    text: str, name: str, limits: Limits = DEFAULT_LIMITS, *, json_numbers: bool = False
) -> SourceDoc:
    """Text → document with positions. ``json_numbers``: the text is JSON, whose numbers are read
    by JSON's grammar (``1e5`` is a number there; YAML 1.1 reads it as text)."""
    bad = _DISALLOWED.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise ProblemsError(
            [
                Problem(
                    name,
                    line,
                    col,
                    "",
                    f"character U+{ord(bad.group()):04X} is not allowed (a control character)",
                    "printable text (tabs and line breaks allowed)",
                    code="character",
                )
            ]
        )
    doc = SourceDoc(name, None, lines=text.split("\n"))
    problems: list[Problem] = []
    refused: list[Problem] = []  # anchors and aliases: reported alone, before anything else
    loader = _NoDatesLoader(text)
    try:
        doc.data, documents = _build_from_events(
            loader, doc, text, limits, problems, refused, json_numbers
        )
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        if "nesting depth" in str(exc.problem):  # libyaml's own limit, met while scanning ahead
            raise _too_deep(name, line, col, limits.max_depth) from exc
        raise ProblemsError(
            [
                Problem(
                    name,
                    line,
                    col,
                    "",
                    f"YAML syntax error: {excerpt(str(exc.problem or exc), 120)}",
                    "well-formed YAML",
                    code="yaml-syntax",
                )
            ]
        ) from exc
    except yaml.YAMLError as exc:  # a reader error: position only, as an offset
        position = getattr(exc, "position", None)
        line = col = None
        if isinstance(position, int):
            line = text.count("\n", 0, position) + 1
            col = position - (text.rfind("\n", 0, position) + 1) + 1
        raise ProblemsError(
            [
                Problem(
                    name,
                    line,
                    col,
                    "",
                    f"YAML cannot be read: {excerpt(getattr(exc, 'reason', '') or exc, 120)}",
                    "well-formed YAML",
                    code="yaml-syntax",
                )
            ]
        ) from exc
    finally:
        loader.dispose()
    if refused:
        raise ProblemsError(refused)
    if documents != 1:
        raise ProblemsError.one(
            name,
            "$",
            f"file holds {documents} YAML documents",
            "exactly one document",
            code="documents",
        )
    if problems:
        raise ProblemsError(problems)
    return doc


def _too_deep(
    name: str, line: int | None, col: int | None, limit: int | None = None
) -> ProblemsError:
    limit_text = f"at most {limit} levels of nesting" if limit else "less deeply nested data"
    return ProblemsError(
        [Problem(name, line, col, "", "nested too deeply", limit_text, code="too-deep")]
    )


# --- values ---------------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_MAX_INT_TEXT = 64  # characters of an integer literal worth converting at all (with _ and 0x…)
# Characters refused inside a value even when escaped (``"\u001b"``): controls other than tab and
# line breaks, lone surrogates, and the bidirectional overrides that make text read backwards.
_BAD_IN_VALUE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]"
)


# a number as JSON writes it (RFC 8259, section 6); in JSON text every other plain scalar is
# true, false or null
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?\Z")


def _out_of_range(written: str, value: Any) -> bool:
    """A number written with digits that reads as infinite, or as zero though a digit is not."""
    if not isinstance(value, float) or written.lstrip("+-").lower() in (".inf", ".nan"):
        return False
    if not math.isfinite(value):
        return True
    mantissa = written.lower().split("e", 1)[0]
    return value == 0 and any(c in "123456789" for c in mantissa)


def _whole_number(value: Any) -> Any:
    """A number written with a zero fraction (``2.0``, ``1e3``) as the integer it equals, anything
    else as it is: JSON Schema counts such a number as an integer, and the engine's values hold
    integers, never floats. A fraction (``1.5``) stays a float, which every schema refuses with its
    place."""
    if type(value) is float and value.is_integer():
        return int(value)
    return value


def value_problem(value: Any, limits: Limits = DEFAULT_LIMITS) -> tuple[str, str] | None:
    """What is wrong with one scalar value (message, expected), or None. Shared by the YAML
    builder and by mappings handed over from Python."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        if abs(value) > limits.max_int:
            return (
                f"integer with {len(str(abs(value)))} digits is too large",
                f"an integer between -{limits.max_int} and {limits.max_int}",
            )
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return (f"{value} is not a finite number", "a finite number")
        return None
    if isinstance(value, str):
        bad = _BAD_IN_VALUE.search(value)
        if bad:
            return (
                f"text holds the control character U+{ord(bad.group()):04X}",
                "text without control characters",
            )
        if _ISO_DATE.fullmatch(value):
            year = int(value[:4])
            if not limits.min_year <= year <= limits.max_year:
                return (
                    f"date {value} is outside the years {limits.min_year}–{limits.max_year}",
                    f"a date from {limits.min_year}-01-01 to {limits.max_year}-12-31",
                )
        return None
    return (f"a value of type {type(value).__name__}", "text, a number, true/false or null")


def _marked(name: str, mark: Any, path: str, message: str, expected: str, *, code: str) -> Problem:
    """A problem at one of the parser's marks (whose line and column count from 0)."""
    return Problem(name, mark.line + 1, mark.column + 1, path, message, expected, code=code)


_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_MAP, _SEQ, _SKIP = 0, 1, 2
_EXPECT_KEY = object()  # a mapping frame waiting for its next key
_SKIP_VALUE = object()  # a mapping frame whose last key was refused: its value is not built
_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"


def _build_from_events(
    loader: yaml.SafeLoader,
    doc: SourceDoc,
    doc_text: str,
    limits: Limits,
    problems: list[Problem],
    refused: list[Problem],
    json_numbers: bool = False,
) -> tuple[Any, int]:
    """The first document's value and the number of documents, built in one pass over the
    parser's events, before anything is expanded: aliases could multiply a small file into
    gigabytes (they are refused, as are anchors, tags and merge keys), and nesting or sheer
    number of values could exhaust memory, so both are counted as the events arrive. The value
    of a refused key, of a tagged collection and of any later document is consumed, never built.
    """
    name = doc.file
    positions = doc.positions
    resolvers = _NoDatesLoader.yaml_implicit_resolvers
    wildcard = resolvers.get(None, [])
    max_depth, max_nodes = limits.max_depth, limits.max_nodes
    get_event = loader.get_event
    stack: list[list[Any]] = []
    depth = nodes = documents = 0
    root: Any = None
    # a value holds a character the text itself does not only through an escape ("\\u001b"),
    # and the text was checked for control characters, not for the bidirectional overrides
    escapes = "\\" in doc_text or _BIDI.search(doc_text) is not None

    def resolve(value: str, implicit: tuple[bool, bool]) -> str:
        if not implicit[0]:
            return _STR_TAG
        if json_numbers and _JSON_NUMBER.match(value):
            return _INT_TAG if value.lstrip("-").isdigit() else _FLOAT_TAG
        for tag, regexp in resolvers.get(value[:1], []) + wildcard:
            if regexp.match(value):
                return tag
        return _STR_TAG

    def scalar_value(event: yaml.ScalarEvent, path: PathKey) -> Any:
        value = event.value
        tag = resolve(value, event.implicit)
        if tag == _STR_TAG:
            # text can only be wrong through a character or as a date (see value_problem)
            wrong = value_problem(value, limits) if escapes or len(value) == 10 else None
        elif tag == _INT_TAG and len(value) > _MAX_INT_TEXT:
            problems.append(
                doc.problem(
                    path,
                    f"integer of {len(value)} characters is too large",
                    f"an integer between -{limits.max_int} and {limits.max_int}",
                    code="value",
                )
            )
            return None
        else:
            node = yaml.ScalarNode(tag, value, event.start_mark, event.end_mark, event.style)
            try:
                value = loader.construct_object(node)
            except (yaml.constructor.ConstructorError, ValueError, OverflowError) as exc:
                reason = getattr(exc, "problem", None) or type(exc).__name__
                problems.append(
                    doc.problem(
                        path,
                        f"cannot read value: {excerpt(reason, 120)}",
                        "a plain YAML scalar",
                        code="scalar",
                    )
                )
                return None
            if tag == _FLOAT_TAG and _out_of_range(event.value, value):
                problems.append(
                    doc.problem(
                        path,
                        f"the number {excerpt(event.value, 40)} is beyond what can be represented",
                        "a number between -1e308 and 1e308, and not closer to zero than 1e-300",
                        code="value",
                    )
                )
                return None
            value = _whole_number(value)
            wrong = value_problem(value, limits)
        if wrong:
            problems.append(doc.problem(path, wrong[0], wrong[1], code="value"))
            return None
        return value

    def key_problem(event: yaml.ScalarEvent, path: PathKey, mapping: dict) -> str | None:
        """The key as written (``1:`` and ``true:`` are the keys "1" and "true"), or None when
        it is refused (the problem is noted)."""
        mark = event.start_mark
        key = str(event.value)
        tag = event.tag
        if tag == _MERGE_TAG or (tag is None and resolve(key, event.implicit) == _MERGE_TAG):
            problems.append(
                _marked(
                    name,
                    mark,
                    json_path(path),
                    "YAML merge key << is not allowed",
                    "every key written out",
                    code="alias",
                )
            )
            return None
        wrong = value_problem(key, limits) if escapes or len(key) == 10 else None
        if tag is not None:
            wrong = (f"YAML tag {excerpt(tag)} is not allowed", "plain YAML (no tags)")
        if wrong:
            problems.append(
                _marked(
                    name,
                    mark,
                    json_path(path),
                    f"mapping key: {wrong[0]}",
                    wrong[1],
                    code="value",
                )
            )
            return None
        if key in mapping:
            first = positions.get(path + (key,), (None, None))
            problems.append(
                _marked(
                    name,
                    mark,
                    json_path(path + (key,)),
                    f"duplicate key '{excerpt(key)}' (first at line {first[0]})",
                    "each key once per mapping",
                    code="dup-key",
                )
            )
            return None
        return key

    while True:
        event = get_event()
        kind = type(event)
        mark = event.start_mark
        if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            depth -= 1
            frame = stack[-1]
            if frame[0] == _SKIP:
                frame[1] -= 1
                if frame[1]:
                    continue
            stack.pop()
            continue
        starts = kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent
        if not (starts or kind is yaml.ScalarEvent or kind is yaml.AliasEvent):
            if kind is yaml.DocumentStartEvent:
                documents += 1
            elif kind is yaml.StreamEndEvent:
                return root, documents
            continue
        # a node: counted, and checked for what is refused wherever it stands
        nodes += 1
        if nodes > max_nodes:
            raise ProblemsError(
                [
                    _marked(
                        name,
                        mark,
                        "",
                        f"more than {max_nodes} values",
                        f"at most {max_nodes} values in one document",
                        code="too-large",
                    )
                ]
            )
        if starts:
            depth += 1
            if depth > max_depth:
                raise _too_deep(name, mark.line + 1, mark.column + 1, max_depth)
        if kind is yaml.AliasEvent:
            refused.append(
                _marked(
                    name,
                    mark,
                    "",
                    f"YAML alias *{excerpt(event.anchor)} is not allowed",
                    "every value written out in full (no anchors or aliases)",
                    code="alias",
                )
            )
        elif event.anchor:
            refused.append(
                _marked(
                    name,
                    mark,
                    "",
                    f"YAML anchor &{excerpt(event.anchor)} is not allowed",
                    "every value written out in full (no anchors or aliases)",
                    code="alias",
                )
            )
        # where the node goes
        frame = stack[-1] if stack else None
        if frame is None:
            if documents > 1:  # a later document: consumed, not built
                if starts:
                    stack.append([_SKIP, 1])
                continue
            path: PathKey = ()
        elif frame[0] == _SKIP:
            if starts:
                frame[1] += 1
            continue
        elif frame[0] == _SEQ:
            path = frame[2] + (len(frame[1]),)
        else:
            state = frame[3]
            if state is _EXPECT_KEY:
                if kind is yaml.ScalarEvent:
                    key = key_problem(event, frame[2], frame[1])
                    frame[3] = _SKIP_VALUE if key is None else key
                    continue
                if starts:
                    problems.append(
                        _marked(
                            name,
                            mark,
                            json_path(frame[2]),
                            "a mapping key is not a plain value",
                            "a string key",
                            code="key-type",
                        )
                    )
                    stack.append([_SKIP, 1])
                frame[3] = _SKIP_VALUE
                continue
            frame[3] = _EXPECT_KEY
            if state is _SKIP_VALUE:
                if starts:
                    stack.append([_SKIP, 1])
                continue
            path = frame[2] + (state,)
        positions[path] = (mark.line + 1, mark.column + 1)
        tag = None if kind is yaml.AliasEvent else event.tag
        if tag is not None:
            problems.append(
                doc.problem(
                    path,
                    f"YAML tag {excerpt(tag)} is not allowed",
                    "plain YAML (no tags)",
                    code="tag",
                )
            )
            value = None
            if starts:
                stack.append([_SKIP, 1])
        elif kind is yaml.MappingStartEvent:
            value = {}
            stack.append([_MAP, value, path, _EXPECT_KEY])
        elif kind is yaml.SequenceStartEvent:
            value = []
            stack.append([_SEQ, value, path])
        elif kind is yaml.ScalarEvent:
            if event.style in ("|", ">"):
                doc.block_scalars.add(path)
            value = scalar_value(event, path)
        else:
            value = None  # an alias, refused above
        # attach to the parent (a new collection is attached before its content is built)
        if frame is None:
            root = value
        elif frame[0] == _SEQ:
            frame[1].append(value)
        else:
            frame[1][path[-1]] = value


def _plain_text(value: str) -> bool:
    """Whether a text needs no other check (``value_problem``): no refused character, no date."""
    return _BAD_IN_VALUE.search(value) is None and (
        len(value) != 10 or _ISO_DATE.fullmatch(value) is None
    )


def document_from_data(data: Any, name: str, limits: Limits = DEFAULT_LIMITS) -> SourceDoc:
    """A document from values handed over in Python (a case given as a mapping), held to the same
    limits as a file. ``datetime.date`` values, which ``yaml.safe_load`` gives for unquoted dates,
    become ISO strings; a date with a time, and any type a file cannot hold, is refused."""
    reading = _FromData(SourceDoc(name, None), limits)
    reading.doc.data = reading.convert(data, (), 0)
    if reading.problems:
        raise ProblemsError(reading.problems)
    return reading.doc


class _FromData:
    """One document's values converted and checked (``document_from_data``): the count of values
    so far and the problems found are the state. (A recursive closure would refer to itself, a
    cycle only the cyclic collector frees, for every case a batch reads.)"""

    __slots__ = ("doc", "limits", "problems", "count")

    def __init__(self, doc: SourceDoc, limits: Limits):
        self.doc = doc
        self.limits = limits
        self.problems: list[Problem] = []
        self.count = 0

    def convert(self, value: Any, path: PathKey, depth: int) -> Any:
        limits, doc, problems = self.limits, self.doc, self.problems
        self.count += 1
        if self.count > limits.max_nodes:
            raise ProblemsError.one(
                doc.file,
                json_path(path),
                f"more than {limits.max_nodes} values",
                f"at most {limits.max_nodes} values in one document",
                code="too-large",
            )
        if isinstance(value, dict | list | tuple) and depth >= limits.max_depth:
            raise ProblemsError.one(
                doc.file,
                json_path(path),
                "nested too deeply",
                f"at most {limits.max_depth} levels of nesting",
                code="too-deep",
            )
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            for key, item in value.items():
                if type(key) is not str or not _plain_text(key):
                    if not isinstance(key, str):
                        problems.append(
                            doc.problem(
                                path,
                                f"a mapping key of type {type(key).__name__} ({excerpt(key)})",
                                "text keys",
                                code="key-type",
                            )
                        )
                        continue
                    wrong = value_problem(key, limits)
                    if wrong:
                        problems.append(doc.problem(path, f"mapping key: {wrong[0]}", wrong[1]))
                        continue
                if type(item) is str and self.count < limits.max_nodes and _plain_text(item):
                    # most values: plain text, taken as it is without a path built for it
                    self.count += 1
                    out[key] = item
                    continue
                out[key] = self.convert(item, path + (key,), depth + 1)
            return out
        if isinstance(value, list | tuple):
            return [self.convert(item, path + (i,), depth + 1) for i, item in enumerate(value)]
        if isinstance(value, datetime):
            problems.append(
                doc.problem(
                    path,
                    f"a date with a time of day ({excerpt(value.isoformat())})",
                    "a date: datetime.date or YYYY-MM-DD",
                    code="value",
                )
            )
            return None
        if isinstance(value, date):
            value = value.isoformat()
        value = _whole_number(value)
        wrong = value_problem(value, limits)
        if wrong:
            problems.append(doc.problem(path, wrong[0], wrong[1], code="value"))
            return None
        return value
