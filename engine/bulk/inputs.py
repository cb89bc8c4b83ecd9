"""The cases of a batch, read lazily from case files, folders of them and JSON Lines files.

A provincial review is thousands of records, so nothing here holds more than one input line or
file at a time: the batch reads, answers and writes in a stream. Every case gets a key (its file,
or ``file:line`` in a JSON Lines file) that names it in the output and lets ``--resume`` skip it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from engine.files.reader import DEFAULT_LIMITS, Limits, read_input_bytes
from engine.problems import Problem, ProblemsError

CASE_SUFFIXES = (".yaml", ".yml", ".json")
LINES_SUFFIXES = (".jsonl", ".ndjson")


@dataclass(frozen=True)
class CaseInput:
    """One case to answer: its key, the name problems give it, and its bytes (or why it has none)."""

    key: str
    name: str
    raw: bytes = b""
    json_syntax: bool = False
    problems: tuple[Problem, ...] = ()


def input_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Each input file in order: a file as given, a folder's case and JSON Lines files sorted by
    path (hidden files and folders passed by)."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                relative = found.relative_to(path).parts
                if any(part.startswith(".") for part in relative):
                    continue
                if found.is_file() and found.suffix.lower() in CASE_SUFFIXES + LINES_SUFFIXES:
                    yield found
        else:
            yield path


def read_cases(paths: Iterable[str | Path]) -> Iterator[CaseInput]:
    """Every case of the inputs, one at a time; an unreadable file or line is a case with problems
    (reported in the output), never the end of the run."""
    for path in input_files(paths):
        name = path.as_posix()
        if path.suffix.lower() in LINES_SUFFIXES:
            yield from _lines(path, name)
            continue
        try:
            raw = read_input_bytes(path, name)
        except ProblemsError as exc:
            yield CaseInput(name, name, problems=tuple(exc.problems))
            continue
        yield CaseInput(name, name, raw, json_syntax=path.suffix.lower() == ".json")


def lines_of(stream: Iterable[bytes], name: str) -> Iterator[CaseInput]:
    """The cases of a JSON Lines stream (a file or a request body), one per non-empty line."""
    for number, raw in enumerate(stream, start=1):
        case = case_from_line(raw, name, number)
        if case is not None:
            yield case


def case_from_line(raw: bytes, name: str, number: int) -> CaseInput | None:
    """The case on line ``number`` of ``name`` (None for an empty line); a line longer than a case
    file may be is refused alone."""
    key = f"{name}:{number}"
    limit = DEFAULT_LIMITS.max_bytes
    if len(raw) > limit + 2:
        problem = Problem(
            name,
            number,
            None,
            "",
            f"line is more than {limit} bytes",
            f"at most {limit} bytes per case",
            code="too-large",
        )
        return CaseInput(key, key, problems=(problem,))
    if not raw.strip():
        return None
    return CaseInput(key, key, raw, json_syntax=True)


def _lines(path: Path, name: str) -> Iterator[CaseInput]:
    try:
        read_input_bytes(path, name, Limits(max_bytes=0))  # only: a regular readable file?
    except ProblemsError as exc:
        if not any(p.code == "too-large" for p in exc.problems):  # not a regular readable file
            yield CaseInput(name, name, problems=tuple(exc.problems))
            return
    with path.open("rb") as handle:
        yield from lines_of(_bounded_lines(handle, DEFAULT_LIMITS.max_bytes + 3), name)


def _bounded_lines(handle, limit: int) -> Iterator[bytes]:
    """The lines of a binary file, each cut after ``limit`` bytes (the rest skipped), so that one
    endless line cannot fill the memory."""
    while True:
        line = handle.readline(limit)
        if not line:
            return
        if not line.endswith(b"\n") and len(line) == limit:
            while True:  # skip the rest of an overlong line
                rest = handle.readline(limit)
                if not rest or rest.endswith(b"\n"):
                    break
        yield line


def count_cases(paths: Iterable[str | Path]) -> int:
    """How many cases the inputs hold (for the progress bar's ETA): files, plus the non-empty
    lines of JSON Lines files, counted without parsing."""
    total = 0
    for path in input_files(paths):
        if path.suffix.lower() in LINES_SUFFIXES and path.is_file():
            try:
                with path.open("rb") as handle:
                    total += sum(1 for line in handle if line.strip())
            except OSError:
                total += 1
        else:
            total += 1
    return total
