"""Interpretation parameters for one query: defaults from the policy, overrides from the user.

Every reading the text leaves open is a parameter (parameters.yaml). A query may override any of them;
an unknown name or a value the parameter does not allow is refused with a clear error rather than
silently ignored, because a misspelt override would otherwise give an answer under the wrong reading.
"""

from __future__ import annotations

import re
from typing import Any

from engine.files.reader import DEFAULT_LIMITS
from engine.problems import Problem, ProblemsError, did_you_mean, excerpt


def resolve_parameters(
    definitions: dict[str, dict], overrides: dict[str, Any] | None
) -> dict[str, Any]:
    """Defaults with ``overrides`` applied; ProblemsError naming every bad override."""
    values = {pid: p["default"] for pid, p in definitions.items()}
    problems: list[Problem] = []
    for pid, value in (overrides or {}).items():
        if pid not in definitions:
            problems.append(
                Problem(
                    "<parameters>",
                    None,
                    None,
                    excerpt(pid),
                    f"unknown interpretation parameter {excerpt(pid)}"
                    + did_you_mean(pid, definitions),
                    "one of the ids in parameters.yaml (see `accountability parameters`)",
                )
            )
            continue
        found = parameter_value_problems(definitions[pid], value, _Where(), (pid,))
        problems.extend(found)
        if not found:
            values[pid] = value
    if problems:
        raise ProblemsError(problems)
    return values


def parse_overrides(texts: list[str], definitions: dict[str, dict]) -> dict[str, Any]:
    """``NAME=VALUE`` overrides from the command line or a query string, by name. A name given
    twice is refused: which of two readings was meant cannot be told."""
    overrides: dict[str, Any] = {}
    for text in texts:
        name, value = parse_override(text, definitions)
        if name in overrides:
            raise ProblemsError.one(
                "<command line>",
                f"--param {excerpt(name)}",
                f"{excerpt(name)} is given more than once",
                "each parameter at most once",
            )
        overrides[name] = value
    return overrides


def parse_override(text: str, definitions: dict[str, dict]) -> tuple[str, Any]:
    """``NAME=VALUE`` from the command line, typed by the parameter's declared type. An integer is
    ASCII digits with an optional sign (``int()`` alone would also take ``1_000`` and other
    scripts' digits); a list item may not be empty (``a,,b`` or a trailing comma is a slip)."""
    if "=" not in text:
        raise ProblemsError.one(
            "<command line>", "--param", f"'{excerpt(text)}' is not NAME=VALUE", "NAME=VALUE"
        )
    name, raw = (part.strip() for part in text.split("=", 1))
    kind = definitions.get(name, {}).get("type")
    value: Any = raw
    if kind == "boolean":
        value = {"true": True, "false": False}.get(raw.lower(), raw)
    elif kind == "integer":
        value = None if raw.lower() in ("null", "none", "") else _int_or_raw(raw)
    elif kind == "list":
        items = [item.strip() for item in raw.split(",")] if raw else []
        if "" in items:
            raise ProblemsError.one(
                "<command line>",
                f"--param {excerpt(name)}",
                f"'{excerpt(raw)}' has an empty item",
                "items separated by single commas, e.g. a,b (nothing after the = for no items)",
            )
        value = items
    return name, value


_INTEGER = re.compile(r"[+-]?[0-9]{1,40}")  # 40 digits: far beyond any integer a parameter allows


def _int_or_raw(raw: str) -> Any:
    return int(raw) if _INTEGER.fullmatch(raw) else raw


class _Where:
    """Locates override problems: they come from a query, not from a file."""

    def problem(self, path: tuple, message: str, expected: str = "", **kw: Any) -> Problem:
        where = str(path[0]) + "".join(f"[{part}]" for part in path[1:])
        return Problem("<parameters>", None, None, where, message, expected, **kw)


def parameter_value_problems(param: dict, value: Any, doc, path: tuple) -> list[Problem]:
    """Whether ``value`` is allowed for ``param``; shared by the policy check and per-query overrides.

    Every value is held to the reader's limits too (an integer a JSON reader represents exactly),
    and every item of a list to the list's ``items`` (``enum``, ``type``): a misspelt item would
    otherwise silently drop a reading."""
    kind = param["type"]
    shown = excerpt(repr(value))
    if kind == "enum":
        allowed = [o["value"] for o in param["options"]]
        if not _hashable(value) or value not in allowed:
            return [
                doc.problem(
                    path,
                    f"{shown} is not an option of {param['id']}" + did_you_mean(value, allowed),
                    "one of " + ", ".join(map(repr, allowed)),
                )
            ]
    elif kind == "integer":
        if value is None and param.get("nullable"):
            return []
        if not isinstance(value, int) or isinstance(value, bool):
            return [
                doc.problem(path, f"{shown} is not an integer", f"an integer for {param['id']}")
            ]
        low, high = param.get("minimum"), param.get("maximum")
        limit = DEFAULT_LIMITS.max_int
        low = -limit if low is None else low
        high = limit if high is None else high
        if not low <= value <= high:
            return [
                doc.problem(
                    path,
                    f"{excerpt(str(value))} is out of range for {param['id']}",
                    f"between {low} and {high}",
                )
            ]
    elif kind == "boolean":
        if not isinstance(value, bool):
            return [doc.problem(path, f"{shown} is not true/false", f"a boolean for {param['id']}")]
    elif kind == "list":
        if not isinstance(value, list):
            return [doc.problem(path, f"{shown} is not a list", f"a list for {param['id']}")]
        return _item_problems(param, value, doc, path)
    return []


def _item_problems(param: dict, value: list, doc, path: tuple) -> list[Problem]:
    items = param.get("items") or {}
    allowed = items.get("enum")
    kind = {"string": str, "integer": int, "boolean": bool}.get(items.get("type"))
    problems = []
    for i, item in enumerate(value):
        if (kind is not None and not isinstance(item, kind)) or (
            allowed is not None and (not _hashable(item) or item not in allowed)
        ):
            expected = (
                "one of " + ", ".join(map(str, allowed))
                if allowed is not None
                else f"items of type {items.get('type')}"
            )
            problems.append(
                doc.problem(
                    (*path, i),
                    f"item {excerpt(repr(item))} is not allowed in {param['id']}"
                    + did_you_mean(item, allowed or ()),
                    expected,
                )
            )
        elif item in value[:i]:
            problems.append(
                doc.problem(
                    (*path, i), f"item {excerpt(repr(item))} is listed twice", "each item once"
                )
            )
    return problems


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True
