"""Writing output folders without ever costing data: the site, the staging folder, the fixtures.

A command that writes a folder replaces what is there, so it must be sure the folder is its own:
``docs build --out policy`` once emptied the policy. The rules, for every writing command:

* **Only its own folder.** A folder is written only when it does not exist, is empty, or holds the
  marker file (``.accountability-output``) a previous run of the same kind of command left there.
  The project's own output locations (``site/``, ``build/docs/``, ``tests/fixtures/``) count as its
  own, marker or not: they exist for nothing else.
* **Atomically.** A file is written to a temporary file in the same folder and renamed over the old
  one; a whole folder is built in a temporary folder beside it and swapped in with one rename
  (``renameat2(RENAME_EXCHANGE)`` where the kernel has it). Ctrl-C removes the temporary; a killed
  process leaves only a hidden temporary, which the next run removes and readers ignore.
* **One writer at a time.** A lock file beside the folder (``.NAME.lock``, ``flock``) refuses a
  second command writing the same folder while the first runs.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from engine.files.project import find_project
from engine.files.reader import Limits, read_input_bytes, unresolvable_reason
from engine.problems import ProblemsError

MARKER = ".accountability-output"
# what the marker tells a person of the folder, unless the command says otherwise
REPLACES_ALL = "generated output: the command replaces everything in this folder"
TEMP_PREFIX = ".tmp-"  # a file being written; hidden, so readers and mkdocs pass it by
TEMP_SUFFIX = ".part"  # and no reader's suffix (.yaml, .json, .md)
_MARKER_LIMITS = Limits(max_bytes=4096)


def resolved(path: Path) -> Path:
    """The path with its links followed; a link loop (or a name too long) is the caller's
    mistake, named as such."""
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError) as exc:
        raise ProblemsError.one(
            str(path),
            "",
            f"the path cannot be resolved ({unresolvable_reason(exc)})",
            "a path that names a place: no link loop, no over-long name",
            code="not-ours",
        ) from None


def same_path(a: Path, b: Path) -> bool:
    """Whether two paths name the same place once their links are followed."""
    return resolved(a) == resolved(b)


def check_folder(folder: Path, kind: str, command: str, *, reserved: bool = False) -> Path:
    """Refuse ``folder`` unless it is ours to write (see the module notes); touches nothing.

    ``kind`` names what the folder holds (``site``, ``staging``, ``fixtures``): a marker of another
    kind is refused too, so that the site is never built over the staging folder. ``reserved``: the
    project's own output location, written even without a marker. Returns the resolved folder.
    """
    folder = Path(folder)
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise ProblemsError.one(
            str(folder),
            command,
            "not a folder (a file or a symbolic link is never replaced)",
            "a new, empty or previously generated folder",
            code="not-ours",
        )
    folder = folder.resolve()
    source = _source_folder_at(folder)
    if source is not None:
        raise ProblemsError.one(
            str(folder),
            command,
            f"the folder is, holds or lies inside the project's {source}/, which commands only read",
            "a folder outside policy/, schema/, docs/, examples/ and the code",
            code="not-ours",
        )
    if folder.is_dir():
        found = _marker_kind(folder)
        if found not in (None, kind):
            raise ProblemsError.one(
                str(folder),
                command,
                f"the folder holds generated output of another kind ({found})",
                f"a folder for {kind} output (a new or empty one)",
                code="not-ours",
            )
        count = sum(1 for _ in folder.iterdir())
        if found is None and not reserved and count:
            raise ProblemsError.one(
                str(folder),
                command,
                f"the folder is not empty ({count} entries) and was not written by this command "
                f"(no {MARKER} marker): it is left untouched",
                "a new or empty folder, or one a previous run of this command wrote",
                code="not-ours",
            )
    return folder


# the folders of a checkout that hold what the project is made of: never an output folder
SOURCE_FOLDERS = ("policy", "schema", "docs", "examples", "engine", "generators", "bench")


def _source_folder_at(folder: Path) -> str | None:
    """The source folder of the current project that ``folder`` is, holds or lies inside."""
    project = find_project()
    if project is None:
        return None
    root = project.root.resolve()
    if root.is_relative_to(folder):
        return "checkout"
    for name in SOURCE_FOLDERS:
        source = root / name
        if folder.is_relative_to(source):
            return name
    return None


def claim_folder(
    folder: Path, kind: str, command: str, *, reserved: bool = False, note: str = REPLACES_ALL
) -> Path:
    """``check_folder``, then create the folder if needed and mark it ours (call with its lock
    held). Returns the resolved folder."""
    folder = check_folder(folder, kind, command, reserved=reserved)
    folder.mkdir(parents=True, exist_ok=True)
    write_marker(folder, kind, command, note)
    return folder


@contextmanager
def output_folder(
    folder: Path, kind: str, command: str, *, reserved: bool = False, note: str = REPLACES_ALL
) -> Iterator[Path]:
    """Check, lock and claim ``folder`` for the duration of the block; yields the resolved path.
    A refused folder is refused before anything is written, even the lock beside it."""
    folder = check_folder(folder, kind, command, reserved=reserved)
    with folder_lock(folder, command):
        yield claim_folder(folder, kind, command, reserved=reserved, note=note)


def write_marker(folder: Path, kind: str, command: str, note: str = REPLACES_ALL) -> None:
    """The marker that makes ``folder`` the command's output; ``note`` tells a person who opens
    it what the command does with the folder."""
    text = json.dumps(
        {
            "kind": kind,
            "written_by": command,
            "note": note,
        },
        ensure_ascii=False,
        indent=1,
    )
    target = folder / MARKER
    current = target.read_text(encoding="utf-8") if target.is_file() else None
    if current != text + "\n":
        write_atomically(target, (text + "\n").encode("utf-8"))


def _marker_kind(folder: Path) -> str | None:
    path = folder / MARKER
    if not path.exists() and not path.is_symlink():
        return None
    try:
        data = json.loads(read_input_bytes(path, str(path), _MARKER_LIMITS))
    except (ProblemsError, ValueError, RecursionError):
        return "unreadable marker"
    kind = data.get("kind") if isinstance(data, dict) else None
    return kind if isinstance(kind, str) else "unreadable marker"


@contextmanager
def folder_lock(folder: Path, command: str) -> Iterator[None]:
    """Hold the lock of ``folder`` (a ``.NAME.lock`` file beside it) or refuse at once."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    lock_path = folder.parent / f".{folder.name}.lock"
    while True:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise
            raise ProblemsError.one(
                str(folder),
                command,
                f"another command is writing this folder (lock {lock_path.name})",
                "one writer at a time: wait for the other to finish",
                code="locked",
            ) from None
        try:  # the holder before us may have removed the file after we opened it: retry
            same = os.stat(lock_path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        yield
    finally:
        with suppress(FileNotFoundError):
            os.unlink(lock_path)
        os.close(fd)


def write_atomically(target: Path, data: bytes) -> None:
    """Write ``target`` through a temporary file in its folder and a rename: a reader sees the old
    file or the new one, never half of one; an interruption removes the temporary."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp's 0600 would hide a published site's files
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def remove_temporaries(folder: Path) -> list[Path]:
    """Remove the temporary files a killed run left in ``folder`` (call with its lock held)."""
    removed = []
    if folder.is_dir():
        for path in sorted(folder.rglob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}")):
            if path.is_file() and not path.is_symlink():
                path.unlink()
                removed.append(path)
    return removed


@contextmanager
def replacement_folder(
    folder: Path, kind: str, command: str, note: str = REPLACES_ALL
) -> Iterator[Path]:
    """A new, empty folder beside ``folder`` to build into; swapped in place of ``folder`` when the
    block ends normally, removed when it does not. Call with ``folder`` claimed and locked."""
    folder = Path(folder)
    parent = folder.parent
    prefix = f".{folder.name}.tmp-"
    for stale in parent.glob(prefix + "*"):  # left by a killed run (we hold the lock)
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)
    build = Path(tempfile.mkdtemp(dir=parent, prefix=prefix))
    try:
        os.chmod(build, 0o777 & ~_umask())
        yield build
        write_marker(build, kind, command, note)
        if folder.exists():
            _exchange(build, folder)  # build now holds the old content
            shutil.rmtree(build)
        else:
            os.rename(build, folder)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> None:
    """Swap two folders in one step where the kernel can (Linux ``renameat2``); else two renames,
    between which a killed process leaves the old content under a hidden temporary name."""
    libc_name = ctypes.util.find_library("c")
    renameat2 = (
        getattr(ctypes.CDLL(libc_name, use_errno=True), "renameat2", None) if libc_name else None
    )
    if renameat2 is not None:
        result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
        if result == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
            raise OSError(code, os.strerror(code), str(b))
    aside = Path(tempfile.mkdtemp(dir=b.parent, prefix=f".{b.name}.tmp-"))
    os.rmdir(aside)
    os.rename(b, aside)
    os.rename(a, b)
    os.rename(aside, a)
