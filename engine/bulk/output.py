"""The batch's output files, written without ever costing data.

A batch writes only files it created: a JSON Lines file whose first line is a batch header, a CSV
whose first row is the summary's columns, or a new file. Anything else at the path is refused
before a case is read. ``--resume`` continues a file of the same policy and options after its last
complete line (a half-written last line from a killed run is cut off); without it the file is
started again. One writer at a time (engine.files.output's lock beside the file).
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from engine.bulk.records import HEADER_KEY, header_record, line
from engine.bulk.summary import CSV_COLUMNS
from engine.files.output import TEMP_PREFIX, TEMP_SUFFIX, folder_lock
from engine.problems import ProblemsError

COMMAND = "batch"
_HEADER_PROBE = 1 << 16  # a header line is far shorter


def _not_ours(path: Path, why: str) -> ProblemsError:
    return ProblemsError.one(
        str(path),
        COMMAND,
        f"{why}; a batch never replaces a file it did not create",
        "a new file, or the output of an earlier batch",
        code="not-ours",
    )


def _first_line(path: Path) -> bytes:
    if path.is_symlink() or not path.is_file():
        raise _not_ours(path, "not a regular file")
    with path.open("rb") as handle:
        return handle.readline(_HEADER_PROBE)


def check_output(path: Path, header: dict[str, Any], resume: bool) -> None:
    """Refuse ``path`` unless it is new or a batch output; with ``resume``, unless its header is
    the same (same policy, same options)."""
    if not path.exists() and not path.is_symlink():
        return
    try:
        found = json.loads(_first_line(path))
    except ValueError:
        found = None
    if not isinstance(found, dict) or HEADER_KEY not in found:
        raise _not_ours(path, "the file is not the output of a batch")
    if resume and found != header_record(header):
        raise ProblemsError.one(
            str(path),
            "--resume",
            "the file was written under another policy or other options",
            "the same policy (fingerprint), --as-of, --param, --calendar and --explain as the "
            "run it continues (or no --resume to start again)",
            code="resume-mismatch",
        )


def check_summary(path: Path) -> None:
    """Refuse a summary path holding anything but an earlier batch summary."""
    if not path.exists() and not path.is_symlink():
        return
    expected = (",".join(CSV_COLUMNS) + "\r\n").encode()
    if _first_line(path) != expected:
        raise _not_ours(path, "the file is not a batch summary")


def done_records(path: Path) -> Iterator[dict[str, Any]]:
    """The records already in an output file, after cutting off a half-written last line (one
    without its line break: what an interrupted run leaves). A complete line that is not a record
    was not written by a batch: the file is then refused as it is, before anything is cut. Read
    twice, checked then yielded, so that no more than one record is held at a time."""
    if not path.exists():
        return
    with path.open("r+b") as handle:
        handle.readline()  # the header
        good = handle.tell()
        for number, raw in enumerate(iter(handle.readline, b""), start=2):
            if not raw.endswith(b"\n"):
                break
            if _record(raw) is None:
                raise _not_ours(path, f"line {number} is not a line a batch writes")
            good = handle.tell()
        handle.truncate(good)
        handle.seek(0)
        handle.readline()
        for raw in iter(handle.readline, b""):
            record = _record(raw)
            assert record is not None  # checked above
            yield record


def _record(raw: bytes) -> dict[str, Any] | None:
    try:
        record = json.loads(raw)
    except ValueError:
        return None
    return record if isinstance(record, dict) and isinstance(record.get("case"), str) else None


@contextmanager
def batch_output(path: Path, header: dict[str, Any], resume: bool) -> Iterator[IO[bytes]]:
    """The output file to append lines to, held under its lock: continued (``resume``) or new."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with folder_lock(path, COMMAND):
        check_output(path, header, resume)
        if resume and path.exists():
            handle = path.open("ab")
        else:
            handle = path.open("wb")
            handle.write(line(header_record(header)))
        with handle:
            yield handle


@contextmanager
def summary_output(path: Path) -> Iterator[csv.writer]:
    """A CSV writer whose rows replace ``path`` in one rename when the block ends normally."""
    path.parent.mkdir(parents=True, exist_ok=True)
    check_summary(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
    try:
        with open(fd, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(CSV_COLUMNS)
            yield writer
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
