"""The one way an input file's bytes are read: policy files, cases, calendars, fixtures, diff cases.

Every file the engine reads may come from someone else, so reading it must not hang, exhaust memory
or wander off: a FIFO would block ``read`` for ever, ``/dev/zero`` never ends, a case symlinked to a
system file would have its lines quoted back in error messages. So a file is read only when it is
a regular file (not a FIFO, device, socket or folder); a symbolic link only when it leads inside the
project checkout (or the installed policy data) or inside the folder of the path given; and never
more than the size limit plus one byte, which is enough to say that it is too large. The bytes are
then parsed by ``engine.files.safe_yaml``, which applies the limits on structure and values.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from engine.files.project import find_project, installed_data
from engine.problems import ProblemsError

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one input document may hold. The defaults are far above any real policy file or case
    (the largest article is a few KiB, a large case a few hundred KiB) and far below what would
    take the machine down."""

    max_bytes: int = MIB
    max_depth: int = 64  # nesting of mappings and sequences; the case format needs 6
    max_nodes: int = 250_000  # values in one document (a 1 MiB file of one-digit items has ~500k)
    max_int: int = 2**53 - 1  # the integers every JSON reader represents exactly
    min_year: int = 1900  # dates outside these years are typing errors, never a case
    max_year: int = 2200


DEFAULT_LIMITS = Limits()


def read_input_bytes(
    path: str | Path, display: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> bytes:
    """The bytes of one input file, or ProblemsError saying why it cannot be read.

    ``display`` is how problems name the file (default: the path as given).
    """
    path = Path(path)
    name = display or str(path)
    real = _resolve(path, name)
    _check_link(path, real, name)
    try:
        fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise _unreadable(name, exc) from exc
    try:
        info = os.fstat(fd)
        mode = info.st_mode
        if not stat.S_ISREG(mode):
            raise ProblemsError.one(
                name,
                "",
                f"not a regular file (a {mode_kind(mode)})",
                "a regular file",
                code="not-a-file",
            )
        chunks: list[bytes] = []
        remaining = limits.max_bytes + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, MIB))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError as exc:
        raise _unreadable(name, exc) from exc
    finally:
        os.close(fd)
    raw = b"".join(chunks)
    if len(raw) > limits.max_bytes:
        raise too_large(name, limits, max(info.st_size, len(raw)))
    return raw


def too_large(name: str, limits: Limits, size: int) -> ProblemsError:
    """``size``: the bytes known to be there (a file still growing may hold more)."""
    return ProblemsError.one(
        name,
        "",
        f"file is {size} bytes",
        f"at most {limits.max_bytes} bytes",
        code="too-large",
    )


def _resolve(path: Path, name: str) -> Path:
    try:
        return path.resolve(strict=True)
    except FileNotFoundError as exc:
        raise ProblemsError.one(
            name, "", "cannot read file: no such file", "a readable file", code="unreadable"
        ) from exc
    except ValueError as exc:  # a NUL character: no file system can hold such a name
        raise ProblemsError.one(
            name,
            "",
            "cannot read file: the path holds a NUL character",
            "a file path without NUL characters",
            code="unreadable",
        ) from exc
    except (OSError, RuntimeError) as exc:  # a symlink loop is a RuntimeError before 3.13
        raise ProblemsError.one(
            name,
            "",
            f"cannot read file: the path cannot be resolved ({unresolvable_reason(exc)})",
            "a readable file",
            code="unreadable",
        ) from exc


def unresolvable_reason(exc: Exception) -> str:
    """Why a path could not be resolved, in the system's words when it gave any (a name too long,
    a permission refused); a loop of symbolic links otherwise (Python before 3.13 raises a bare
    RuntimeError for one)."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower() if exc.strerror[:1].isupper() else exc.strerror
    return "a loop of symbolic links"


def _check_link(path: Path, real: Path, name: str) -> None:
    """A symbolic link may lead only inside the project, the installed data, or the folder of the
    path as given; anywhere else it is refused, whatever the file holds."""
    folder = Path(os.path.abspath(path)).parent
    try:
        own = folder.resolve()
    except (OSError, RuntimeError):
        own = folder
    if real.parent == own or real.is_relative_to(own):
        return
    roots = [installed_data().resolve()]
    project = find_project()
    if project is not None:
        roots.append(project.root.resolve())
    if any(real.is_relative_to(root) for root in roots):
        return
    raise ProblemsError.one(
        name,
        "",
        "a symbolic link that leads outside the project and outside its own folder",
        "a file inside the project checkout or in the folder named (or a link to one)",
        code="link-outside",
    )


def _unreadable(name: str, exc: OSError) -> ProblemsError:
    reason = exc.strerror or type(exc).__name__
    return ProblemsError.one(
        name, "", f"cannot read file: {reason}", "a readable file", code="unreadable"
    )


def path_kind(path: Path) -> str | None:
    """What a path names, in words ("folder", "named pipe", "file" …), None when nothing is
    there: a refusal that says "a named pipe" tells more than "no such file"."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    return "file" if stat.S_ISREG(mode) else mode_kind(mode)


def mode_kind(mode: int) -> str:
    """What a file that is not a regular one is, in words (for a refusal)."""
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"
