"""Values at the API versus inside the engine, and one total order over them.

Only ``str`` and ``int`` exist in the language. ``bool`` and ``float`` are refused at the door
because
pyDatalog hashes ``1``, ``1.0`` and ``True`` to one constant. Dates travel as ISO strings at the
API and as
integer day numbers inside, so that ``<`` means "earlier".
"""

from __future__ import annotations

import datetime as _dt
import re

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# A type family decides what may be compared or joined with what; "symbol" and "string" hold the
# same
# Python str values (Soufflé's symbol semantics: `a` and "a" are one value).
FAMILY = {"symbol": "text", "string": "text", "integer": "integer", "date": "date"}


def parse_date(text: str) -> int | None:
    """ISO ``YYYY-MM-DD`` → day number, or None when the text is not such a date."""
    if not isinstance(text, str) or not _ISO_DATE.fullmatch(text):
        return None
    try:
        return _dt.date.fromisoformat(text).toordinal()
    except ValueError:
        return None


def format_date(day: int) -> str:
    return _dt.date.fromordinal(day).isoformat()


def check_value(value: object, arg_type: str | None) -> str | None:
    """Why ``value`` is not acceptable for an argument of ``arg_type`` (None when it is)."""
    if type(value) is bool:
        return f"{value!r} is a boolean; the language has no booleans (pyDatalog treats True as 1)"
    if isinstance(value, float):
        return f"{value!r} is a float; the language has no floats"
    if type(value) not in (str, int):
        return f"{value!r} is a {type(value).__name__}; only str and int values exist"
    family = FAMILY.get(arg_type or "")
    if family == "text" and not isinstance(value, str):
        return f"{value!r} is not a string (argument type {arg_type})"
    if family == "integer" and not isinstance(value, int):
        return f"{value!r} is not an integer"
    if family == "date" and parse_date(value) is None:  # type: ignore[arg-type]
        return f"{value!r} is not an ISO date YYYY-MM-DD"
    return None


def to_internal(value, arg_type: str | None):
    return parse_date(value) if arg_type == "date" else value


def to_external(value, arg_type: str | None):
    return format_date(value) if arg_type == "date" and isinstance(value, int) else value


def sort_key(value) -> tuple:
    """Integers before strings, each in natural order: total even for untyped mixed columns."""
    return (0, value, "") if isinstance(value, int) else (1, 0, value)


def tuple_key(values: tuple) -> tuple:
    return tuple(sort_key(v) for v in values)
