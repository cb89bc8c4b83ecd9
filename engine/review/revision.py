"""Which git revision a sign-off is of: the commit the policy folder sits at, read without writing.

A review record names the commit its encoding was taken from, so that ``review diff`` can later show
everything that changed since. Git is asked read-only (``GIT_OPTIONAL_LOCKS=0``: not even the index
is refreshed), always with an argument list, never through a shell. Outside a git checkout, or
without git, there is no revision to record, and the review simply records none.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess | None:
    try:
        return subprocess.run(
            ["git", "-C", str(cwd), *args],
            capture_output=True,
            check=False,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
        )
    except OSError:  # no git: nothing to record
        return None


def repository_of(path: Path) -> Path | None:
    """The top folder of the git work tree holding ``path``, or None."""
    done = _git(Path(path), "rev-parse", "--show-toplevel")
    if done is None or done.returncode != 0:
        return None
    return Path(done.stdout.decode().strip())


def head_commit(repo: Path) -> str | None:
    """The full id of the commit checked out in ``repo`` (None in a repository without commits)."""
    done = _git(repo, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    if done is None or done.returncode != 0:
        return None
    return done.stdout.decode().strip()


def file_at(repo: Path, commit: str, relative: str) -> bytes | None:
    """A file's bytes at ``commit`` (``relative`` to the repository top), or None when absent."""
    done = _git(repo, "show", f"{commit}:{relative}")
    if done is None or done.returncode != 0:
        return None
    return done.stdout


def relative_to_repo(repo: Path, path: Path) -> str:
    """``path`` relative to the repository top, with forward slashes (as git names files)."""
    return Path(path).resolve().relative_to(Path(repo).resolve()).as_posix()
