"""One output line per case: its answer, or the located problems that kept it from being answered.

The same records serve the batch command's JSON Lines file and the service's batch endpoint, so
that a program reading either sees one shape. The first line of a batch file is a header naming
the command, the policy and the options the answers were computed under: ``--resume`` continues a
file only under the same ones, and only a file that starts with such a header is ever replaced.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from engine.datalog.errors import EvaluationError, EvaluationTimeout
from engine.dates.calendar import CalendarCoverageError
from engine.problems import Problem, ProblemsError, excerpt

HEADER_KEY = "accountability_batch"
FORMAT = 1  # the version of the record shapes below


def answer_record(key: str, answer: dict[str, Any]) -> dict[str, Any]:
    return {"case": key, "answer": answer}


def problem_record(key: str, problems: list[Problem] | tuple[Problem, ...]) -> dict[str, Any]:
    return {"case": key, "problems": [p.to_dict() for p in problems]}


def header_record(options: dict[str, Any]) -> dict[str, Any]:
    return {HEADER_KEY: FORMAT, **options}


def line(record: dict[str, Any]) -> bytes:
    """A record as one JSON line in UTF-8 (keys sorted: the same answer is the same bytes).

    The line is what ``json.dumps(record, ensure_ascii=False, sort_keys=True,
    separators=(",", ":"))`` writes, encoded, byte for byte; orjson writes it about seven times
    faster for the records answers make (text, integers, booleans, lists and mappings with text
    keys; no floats). A value orjson does not take (an integer beyond 64 bits, a key that is not
    text) is left to the standard library. The line stays bytes from the worker that answers it
    to the file or response that holds it: a 20 kB answer is not decoded and encoded again on
    the way."""
    try:
        return orjson.dumps(record, option=orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE)
    except TypeError:
        text = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return (text + "\n").encode()


def problems_of(exc: BaseException, name: str = "<case>") -> list[Problem]:
    """What kept a case from being answered, as located problems: refusals carry their own; the
    engine's run-time failures are named; anything else is an internal error in one line (no
    traceback ever leaves the process)."""

    def problem(where: str, message: str, expected: str = "", code: str = "run-time") -> Problem:
        return Problem(name, None, None, where, message, expected, code=code)

    if isinstance(exc, ProblemsError):
        return list(exc.problems)
    if isinstance(exc, EvaluationTimeout):
        return [problem("time limit", excerpt(str(exc), 200), "a smaller case")]
    if isinstance(exc, EvaluationError):
        return [problem(f"rule {exc.rule_id}", excerpt(exc.message, 200))]
    if isinstance(exc, RecursionError):
        return [problem("", "the input is nested too deeply to process", "flatter input")]
    if isinstance(exc, MemoryError):
        return [problem("", "ran out of memory: the input is too large", "a smaller input")]
    if isinstance(exc, CalendarCoverageError):
        return [problem("calendar", excerpt(str(exc), 300), "a calendar file covering the date")]
    return [
        problem(
            "internal error",
            f"{type(exc).__name__}: {excerpt(str(exc), 200)}",
            "no internal error: please report it",
            code="internal",
        )
    ]
