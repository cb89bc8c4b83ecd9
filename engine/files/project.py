"""Where commands read and write: the project checkout they run in, or the copy installed with them.

A command must follow the project it is run in, not the place the engine happens to be installed:
a second checkout running the first one's virtual environment must validate, document and test its
own policy, and a plain ``pip install .`` must still answer cases from any folder. So:

* a *project* is a checkout: the nearest folder at or above the working directory whose
  ``pyproject.toml`` names this distribution and which has ``policy/`` and ``schema/``;
* the *installed data* is the ``policy/`` and ``schema/`` that came with the engine: packaged inside
  it by a non-editable install (``engine/bundled/``), or the engine's own checkout otherwise.

Reading commands (``query``, ``validate``, ``parameters``) use the project when there is one and the
installed data otherwise; writing commands (``fixtures``, ``docs build``) require a project and
never write into the install location.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from engine.problems import ProblemsError

DISTRIBUTION = "wenshui-accountability"  # [project] name in pyproject.toml
ENGINE_DIR = Path(__file__).resolve().parents[1]
BUNDLED_DIR = ENGINE_DIR / "bundled"  # policy/ and schema/, copied in by the wheel build (setup.py)


@dataclass(frozen=True)
class Project:
    """A checkout of this project: every folder a command reads from or writes to."""

    root: Path

    @property
    def policy_root(self) -> Path:
        return self.root / "policy"

    @property
    def schema_dir(self) -> Path:
        return self.root / "schema"

    @property
    def examples_dir(self) -> Path:
        return self.root / "examples"

    @property
    def fixtures_dir(self) -> Path:
        return self.root / "tests" / "fixtures"

    @property
    def docs_dir(self) -> Path:
        return self.root / "docs"

    @property
    def staging_dir(self) -> Path:
        return self.root / "build" / "docs"

    @property
    def site_dir(self) -> Path:
        return self.root / "site"

    @property
    def mkdocs_config(self) -> Path:
        return self.root / "mkdocs.yml"


def is_project(folder: Path) -> bool:
    """Whether ``folder`` is a checkout of this project (its pyproject.toml names it)."""
    pyproject = folder / "pyproject.toml"
    if not (pyproject.is_file() and (folder / "policy").is_dir() and (folder / "schema").is_dir()):
        return False
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    project = data.get("project")
    return isinstance(project, dict) and project.get("name") == DISTRIBUTION


def find_project(start: Path | None = None) -> Project | None:
    """The project containing ``start`` (default: the working directory), or None."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if is_project(folder):
            return Project(folder)
    return None


def require_project(command: str, start: Path | None = None) -> Project:
    """The current project, or a refusal saying that ``command`` writes into a checkout only."""
    project = find_project(start)
    if project is None:
        raise ProblemsError.one(
            str(start or Path.cwd()),
            command,
            f"not inside a checkout of {DISTRIBUTION}: `{command}` reads and writes the files of "
            "a project checkout, never those of the installed engine",
            "a working directory inside a checkout (with pyproject.toml, policy/ and schema/)",
        )
    return project


@cache
def installed_data() -> Path:
    """The folder holding the ``policy/`` and ``schema/`` that came with the engine."""
    if (BUNDLED_DIR / "schema").is_dir():
        return BUNDLED_DIR
    return ENGINE_DIR.parent  # running from a checkout, or an editable install of one


def data_root(start: Path | None = None) -> Path:
    """Where reading commands find ``policy/`` and ``schema/``: the project, else the installed data."""
    project = find_project(start)
    return project.root if project is not None else installed_data()


@cache
def _schema_dir_for(cwd: str) -> Path:
    return data_root(Path(cwd)) / "schema"


def schema_dir() -> Path:
    """The JSON Schemas that go with the policy being read (the project's own, when in one).
    Worked out once per working directory (asked for every case a batch reads)."""
    return _schema_dir_for(os.getcwd())


def default_policy_dir(start: Path | None = None) -> Path:
    """The one instrument folder under ``policy/`` of the project (or the installed data).

    With several instruments there is no default: the command asks for ``--policy``.
    """
    root = data_root(start) / "policy"
    found = sorted(p.parent for p in root.glob("*/instrument.yaml"))
    if len(found) == 1:
        return found[0]
    raise ProblemsError.one(
        str(root),
        "--policy",
        f"{len(found)} instrument folders under {root}, so there is no default",
        "--policy POLICY_DIR naming one of them",
    )


def display_path(path: Path) -> str:
    """A path relative to the working directory when it is inside it: short and machine-neutral."""
    here = Path.cwd().resolve()
    try:
        resolved = Path(path).resolve()
    except (OSError, RuntimeError):  # a link loop: the path as given names it well enough
        return str(path)
    if here == Path(here.anchor):
        return str(resolved)  # relative to the root of the file system reads oddly
    try:
        return resolved.relative_to(here).as_posix()
    except ValueError:
        return str(path)
