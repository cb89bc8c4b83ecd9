"""JSON Schema validation of every file kind, turned into located, readable problems.

The schemas in ``schema/`` are the contract legal officers and other implementations can read; this module
only loads them and translates jsonschema's errors into ``Problem``s that say where (line, column, JSON path)
and what was expected, so that one bad file yields every problem at once rather than the first.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from engine.files.project import schema_dir
from engine.files.safe_yaml import SourceDoc, json_path
from engine.problems import Problem, did_you_mean, excerpt

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError
    from referencing import Registry

# Schema ids live under the documentation site's address (mkdocs.yml site_url), where schema/ is
# published; the project's own validation resolves them from the local files, never the network.
BASE_URI = "https://wenshui-accountability.readthedocs.io/schema/"


def schema_uri(kind: str) -> str:
    """The ``$id`` of a file kind's schema, as answers and fixtures name it in ``$schema``."""
    return f"{BASE_URI}{kind}.schema.json"


@cache
def _documents_in(folder: Path) -> tuple[tuple[str, dict], ...]:
    """Every schema of the folder with its ``$id``, read once."""
    out = []
    for path in sorted(folder.glob("*.schema.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        out.append((contents["$id"], contents))
    return tuple(out)


@cache
def _schema_in(folder: Path, kind: str) -> dict[str, Any]:
    """One kind's schema, read once for both validators and the problems' wording."""
    return json.loads((folder / f"{kind}.schema.json").read_text(encoding="utf-8"))


@cache
def _registry_in(folder: Path) -> Registry:
    from referencing import Registry, Resource  # lazy: only for reporting problems

    return Registry().with_resources(
        (uri, Resource.from_contents(contents)) for uri, contents in _documents_in(folder)
    )


def validator(kind: str) -> Draft202012Validator:
    """The validator for one file kind (``article``, ``case`` …), built once per schema folder.
    It is the reference: its errors are what problems are made of."""
    return _validator_in(schema_dir(), kind)


@cache
def _validator_in(folder: Path, kind: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator  # lazy: only for reporting problems

    # The schemas are the project's own files, checked against the metaschema by the tests
    # (tests/test_schemas.py): checking them again on every run cost 80 ms of each command.
    return Draft202012Validator(
        _schema_in(folder, kind),
        registry=_registry_in(folder),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


@cache
def _screen_in(folder: Path, kind: str) -> jsonschema_rs.Validator:
    """A compiled validator of the same schema (jsonschema-rs), used only to say "valid" fast.

    The Python validator takes about 2 ms per act of a case and 120 ms to import; most documents
    are valid, and for those the compiled one answers in microseconds. A document it rejects is
    validated again by the Python validator, whose errors make the problems, so a message never
    depends on which validator ran. The two are held to the same verdict by the tests.
    """
    return jsonschema_rs.validator_for(
        _schema_in(folder, kind),
        registry=jsonschema_rs.Registry(list(_documents_in(folder))),
        validate_formats=True,
        offline=True,
    )


def screened_valid(data: Any, kind: str) -> bool:
    """True when the compiled validator accepts ``data`` (False also when it cannot read it, e.g.
    a value JSON has no type for: the Python validator then decides)."""
    try:
        return _screen_in(schema_dir(), kind).is_valid(data)
    except (ValueError, TypeError, jsonschema_rs.ValidationError):
        return False


_MEMO: dict[tuple, list[Problem]] = {}
_MEMO_SIZE = 256


def schema_problems(doc: SourceDoc, kind: str, where_prefix=None) -> list[Problem]:
    """Every schema violation in ``doc``; ``where_prefix(path)`` may name the eId a path falls in.

    Validation is the slowest step of loading a policy, and the same unchanged files are loaded again
    and again (tests, fixtures, the docs build), so results are remembered by file content.
    """
    if screened_valid(doc.data, kind):
        return []
    key = (
        (kind, str(schema_dir()), doc.file, doc.base, hash("\n".join(doc.lines)))
        if doc.lines
        else None
    )
    if key is not None and key in _MEMO:
        return list(_MEMO[key])
    problems = _schema_problems(doc, kind, where_prefix) or _screen_problems(
        doc, kind, where_prefix
    )
    if key is not None:
        if len(_MEMO) >= _MEMO_SIZE:
            _MEMO.pop(next(iter(_MEMO)))
        _MEMO[key] = list(problems)
    return problems


def _schema_problems(doc: SourceDoc, kind: str, where_prefix=None) -> list[Problem]:
    problems = []
    for error in sorted(validator(kind).iter_errors(doc.data), key=_error_key):
        for leaf in _leaves(error):
            line, col, where = _located(doc, tuple(leaf.absolute_path), where_prefix)
            message, expected = describe(leaf)
            problems.append(Problem(doc.file, line, col, where, message, expected, code="schema"))
    return _dedupe(problems)


def _located(doc: SourceDoc, path: tuple, where_prefix=None) -> tuple[int | None, int | None, str]:
    """Line, column and JSON path of ``path`` in ``doc`` (with the eId it falls in, if known)."""
    line, col = doc.position(path)
    where = json_path(doc.base + path)
    prefix = where_prefix(path) if where_prefix else None
    return line, col, f"{prefix} {where}" if prefix else where


def _screen_problems(doc: SourceDoc, kind: str, where_prefix=None) -> list[Problem]:
    """What the compiled validator rejects and the reference accepts. Python's ``re`` lets ``$``
    match before a final newline, so the reference takes ``"p1\\n"`` for an id of the form
    ``^[a-z0-9]+$``; JSON Schema's (ECMA-262) patterns do not, and neither does this project."""
    try:
        errors = list(_screen_in(schema_dir(), kind).iter_errors(doc.data))
    except (ValueError, TypeError):
        return []
    problems = []
    for error in errors:
        line, col, where = _located(doc, tuple(error.instance_path), where_prefix)
        pattern = (
            _schema_at(kind, error.schema_path) if error.schema_path[-1:] == ["pattern"] else None
        )
        if isinstance(pattern, str):
            message = f"{_show(error.instance)} does not have the required form"
            expected = f"a string matching {pattern}"
        else:
            message, expected = excerpt(error.message, 200), ""
        problems.append(Problem(doc.file, line, col, where, message, expected, code="schema"))
    return _dedupe(problems)


def _schema_at(kind: str, schema_path) -> Any:
    """The schema value at ``schema_path`` inside the kind's own file (None past a ``$ref``)."""
    node: Any = _schema_in(schema_dir(), kind)
    try:
        for step in schema_path:
            node = node[step]
    except (KeyError, IndexError, TypeError):
        return None
    return node


def _error_key(error: ValidationError) -> tuple:
    return (tuple(str(p) for p in error.absolute_path), error.validator, str(error.message))


def _leaves(error: ValidationError) -> list[ValidationError]:
    """For anyOf/oneOf, report the branch that got furthest instead of a vague 'not valid under any'."""
    if error.validator in ("anyOf", "oneOf") and error.context:
        deepest = max(len(e.absolute_path) for e in error.context)
        chosen = [e for e in error.context if len(e.absolute_path) == deepest]
        if deepest > len(error.absolute_path):
            return chosen
    return [error]


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen, out = set(), []
    for p in problems:
        key = (p.line, p.column, p.where, p.message)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def describe(error: ValidationError) -> tuple[str, str]:
    """A short 'what is wrong' and 'what was expected' for one jsonschema error."""
    v, value, schema = error.validator, error.validator_value, error.schema
    instance = error.instance
    shown = _show(instance)
    if v == "required":
        missing = [k for k in value if isinstance(instance, dict) and k not in instance]
        return (
            f"missing property {', '.join(missing)}",
            f"the required properties {', '.join(value)}",
        )
    if v == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        extra = (
            sorted(k for k in instance if k not in allowed) if isinstance(instance, dict) else []
        )
        shown_keys = ", ".join(excerpt(k) for k in extra[:5]) + (" …" if len(extra) > 5 else "")
        hint = did_you_mean(extra[0], allowed) if len(extra) == 1 else ""
        return (f"unknown property {shown_keys}{hint}", f"only {', '.join(allowed)}")
    if v == "type":
        types = value if isinstance(value, list) else [value]
        return (f"{shown} is of type {_json_type(instance)}", f"type {' or '.join(types)}")
    if v == "pattern":
        return (f"{shown} does not have the required form", f"a string matching {value}")
    if v == "enum":
        hint = did_you_mean(instance, value)
        return (
            f"{shown} is not an allowed value{hint}",
            "one of " + ", ".join(_show(x) for x in value),
        )
    if v == "const":
        return (f"{shown} is not allowed here", _show(value))
    if v in ("minItems", "minLength"):
        return (
            f"{shown} is too short",
            f"at least {value} {'items' if v == 'minItems' else 'characters'}",
        )
    if v in ("maxItems", "maxLength"):
        return (f"{shown} is too long", f"at most {value}")
    if v in ("minimum", "maximum"):
        return (f"{shown} is out of range", f"{'≥' if v == 'minimum' else '≤'} {value}")
    if v == "format":
        wanted = {"date": "a real calendar date written YYYY-MM-DD"}.get(value, f"a valid {value}")
        return (f"{shown} is not a valid {value}", wanted)
    if v in ("anyOf", "oneOf"):
        branches = [_branch(s) for s in value]
        return (f"{shown} matches none of the allowed forms", "either " + " or ".join(branches))
    return (excerpt(error.message, 200), "")


def _branch(schema: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "type" in schema:
        return str(schema["type"])
    if "enum" in schema:
        return "one of " + ", ".join(map(str, schema["enum"]))
    if "const" in schema:
        return _show(schema["const"])
    if "required" in schema:
        return "an entry with " + " and ".join(f"`{key}`" for key in schema["required"])
    return "a valid value"


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _show(value: Any) -> str:
    return excerpt(json.dumps(value, ensure_ascii=False), 60)
