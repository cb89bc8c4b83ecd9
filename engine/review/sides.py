"""The two sides of a diff: a policy folder, a checkout, or a git revision materialised read-only.

A git revision is exported with ``git archive`` into a temporary folder; the repository's work tree,
index and refs are never touched, so a reviewer can compare ``HEAD~1`` with ``HEAD`` in the middle
of their own edits. Only policy data and case files come from a revision: both sides are evaluated
by the engine installed now, so the diff shows what the *encoding* change does, not what an engine
change does.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import tarfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from engine.files.reader import path_kind
from engine.files.safe_yaml import load_yaml_file
from engine.policy.load import read_policy
from engine.policy.model import Policy
from engine.policy.versions import policy_fingerprint
from engine.problems import Problem, ProblemsError, errors, excerpt

POLICY_ROOT = "policy"  # a checkout keeps its instrument folders here
CASE_FOLDERS = ("examples", "tests/fixtures")  # where case files live in a checkout
CASE_SUFFIXES = (".yaml", ".yml", ".json")
BUNDLE_FILE = "bundle.json"  # the fixture bundle: every fixture of the folder again, in one file


@dataclass
class Side:
    spec: str  # what the user typed: a folder or a revision
    label: str  # how reports name it: "HEAD~1 (1a2b3c4d5e)" or the folder
    kind: str  # "directory" | "git"
    commit: str | None
    policy_dir: Path
    tree: Path | None  # the checkout the policy sits in (where its cases are), if any
    policy: Policy
    versioning: list[Problem] = field(default_factory=list)  # unrecorded encoding changes

    def describe(self) -> dict[str, Any]:
        return {
            "spec": self.spec,
            "label": self.label,
            "kind": self.kind,
            "commit": self.commit,
            "instrument": self.policy.id,
            "document_number": self.policy.instrument["document_number"],
            "encoding_version": self.policy.version,
            "fingerprint": policy_fingerprint(self.policy),
            "newest_changelog_entry": self.policy.instrument["encoding"]["changelog"][-1],
            "editions": [
                {k: e[k] for k in ("id", "effective_from", "effective_to", "status")}
                for e in self.policy.instrument["editions"]
            ],
            "versioning_problems": [p.format() for p in self.versioning],
        }


def instrument_dir(checkout: Path, policy_path: str | None = None) -> Path | None:
    """The policy folder of a checkout: ``policy_path`` inside it, or the one instrument folder
    under ``policy/`` (None when there is none, or several and no ``policy_path``).

    ``policy_path`` must stay inside the checkout: an absolute path, ``..`` or a link leading out
    would load an outside folder under the revision's name."""
    if policy_path is not None:
        folder = checkout / policy_path
        inside = (
            not Path(policy_path).is_absolute()
            and ".." not in Path(policy_path).parts
            and folder.resolve().is_relative_to(checkout.resolve())
        )
        if not inside:
            raise ProblemsError.one(
                "<command line>",
                "--policy-path",
                f"'{excerpt(policy_path)}' leads outside the checkout or revision",
                "a relative path inside it, such as policy/<instrument>",
                code="outside",
            )
        return folder if (folder / "instrument.yaml").is_file() else None
    found = sorted(p.parent for p in (checkout / POLICY_ROOT).glob("*/instrument.yaml"))
    return found[0] if len(found) == 1 else None


def open_side(spec: str, workdir: Path, repo: Path, policy_path: str | None = None) -> Side:
    """``spec`` is an existing folder (a policy folder or a checkout) or a revision of the git
    repository ``repo``; a revision is exported under ``workdir``. In a checkout or revision the
    policy is ``policy_path``, or by default the one instrument folder under ``policy/``."""
    where = f"{policy_path}/" if policy_path else f"{POLICY_ROOT}/<instrument>/"
    path = Path(spec)
    if path.is_dir():
        if (path / "instrument.yaml").is_file():
            return _load(spec, str(path), "directory", None, path, None)
        policy_dir = instrument_dir(path, policy_path)
        if policy_dir is not None:
            return _load(spec, str(path), "directory", None, policy_dir, path)
        raise ProblemsError.one(
            spec,
            "",
            "folder holds no policy",
            f"a policy folder (with instrument.yaml) or a checkout with {where}",
        )
    commit = resolve_revision(repo, spec)
    tree = workdir / commit[:12]
    if not tree.exists():
        export_revision(repo, commit, tree, (policy_path or POLICY_ROOT, *CASE_FOLDERS))
    policy_dir = instrument_dir(tree, policy_path)
    if policy_dir is None:
        raise ProblemsError.one(
            spec,
            policy_path or POLICY_ROOT,
            f"revision {commit[:10]} has no {where}instrument.yaml",
            "a revision that contains the policy (see --policy-path)",
        )
    return _load(spec, f"{spec} ({commit[:10]})", "git", commit, policy_dir, tree)


def _load(
    spec: str, label: str, kind: str, commit: str | None, policy_dir: Path, tree: Path | None
) -> Side:
    """Load a side: an unrecorded encoding change is reported in the diff, any other error refuses
    the side."""
    policy, problems = read_policy(policy_dir, versioning="warning")
    if kind == "git":  # name files inside the revision, not inside the temporary export
        problems = [replace(p, file=_inside(p.file, tree, label)) for p in problems]
    if policy is None:
        found = errors(problems) or problems
        raise ProblemsError([replace(p, message=f"[{label}] {p.message}") for p in found])
    versioning = [p for p in problems if p.code.startswith("encoding-")]
    return Side(spec, label, kind, commit, policy_dir, tree, policy, versioning)


def _inside(file: str, tree: Path | None, label: str) -> str:
    try:
        return f"{label}:" + Path(file).resolve().relative_to(tree.resolve()).as_posix()
    except (ValueError, AttributeError):
        return file


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(
            ["git", "-C", str(repo), *args],
            capture_output=True,
            check=False,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},  # never refresh the index: read-only
        )
    except OSError as exc:
        raise ProblemsError.one(
            str(repo),
            "",
            f"cannot run git: {exc}",
            "git on PATH to compare revisions (folders need no git)",
        ) from exc


def resolve_revision(repo: Path, revision: str) -> str:
    """The full commit id of ``revision`` in ``repo``; a located problem when it is neither a folder
    nor a revision (so a mistyped folder name is not silently read as a branch)."""
    if revision.startswith("-"):
        raise ProblemsError.one(
            revision,
            "",
            "not a folder or a git revision",
            "a policy folder, a checkout, or a revision such as HEAD~1",
        )
    result = _git(repo, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    if result.returncode != 0:
        raise ProblemsError.one(
            revision,
            "",
            f"neither an existing folder nor a revision of the git repository {repo}",
            "a policy folder, a checkout, or a revision such as HEAD~1 or a commit id",
        )
    return result.stdout.decode().strip()


def export_revision(repo: Path, commit: str, dest: Path, paths: tuple[str, ...]) -> None:
    """Extract the files under ``paths`` at ``commit`` into ``dest`` with ``git archive``.

    Read-only for the repository; the archive is unpacked with tarfile's "data" filter, which
    refuses absolute paths, links out of the folder and device files.
    """
    result = _git(repo, "archive", "--format=tar", commit)
    if result.returncode != 0:
        raise ProblemsError.one(
            commit,
            "",
            "git archive failed: " + result.stderr.decode(errors="replace").strip(),
            "a readable commit",
        )
    wanted = tuple(p.strip("/") for p in paths)
    dest.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(result.stdout)) as archive:
        members = [
            m
            for m in archive.getmembers()
            if any(m.name == p or m.name.startswith(p + "/") for p in wanted)
        ]
        archive.extractall(dest, members=members, filter="data")


# --- cases ---------------------------------------------------------------------------------------


@dataclass
class CaseSpec:
    """One case to run under both sides: the case, and the date and readings it is run with."""

    key: str  # stable name: a path relative to its checkout, or "policy example <id>"
    source: str  # "file" | "fixture" | "policy example"
    case: dict[str, Any]
    as_of: str | None  # recorded with the case (fixtures, policy examples); None: the diff's date
    parameters: dict[str, Any]
    eids: tuple[str, ...] = ()  # the provisions a fixture or worked example is about
    article: str | None = None  # the article a fixture or worked example belongs to


def case_specs_in_file(path: Path, key: str, *, strict: bool = False) -> list[CaseSpec]:
    """A case file (case + people) or a fixture file (``case:`` holding one, with ``as_of`` and
    ``parameters``); anything else yields nothing (a fixture bundle, a README).

    ``strict`` (cases the user named): a file that cannot be read, is empty or holds a duplicate
    key is refused rather than skipped, since a diff that silently leaves a case out would report
    that nothing changed for it."""
    try:
        data = load_yaml_file(path).data
    except ProblemsError:
        if strict:
            raise
        return []
    if strict and (data is None or data == {} or data == []):
        raise ProblemsError.one(
            str(path), "", "the file is empty", "a case or fixture file", code="empty"
        )
    if not isinstance(data, dict) or not isinstance(data.get("case"), dict):
        return []
    if "people" in data:
        return [CaseSpec(key, "file", data, None, {})]
    inner = data["case"]
    if "people" in inner and "case" in inner:
        return [
            CaseSpec(
                key,
                "fixture",
                inner,
                data.get("as_of"),
                dict(data.get("parameters") or {}),
                tuple(str(e) for e in data.get("eids") or ()),
                data.get("article") if isinstance(data.get("article"), str) else None,
            )
        ]
    return []


def discover_cases(side: Side, explicit: list[Path] | None, repo: Path) -> dict[str, CaseSpec]:
    """Every case of one side, by key. Explicit paths (files or folders) replace the defaults: the
    checkout's examples/ and tests/fixtures/ (for a bare policy folder, this repository's if it is
    the same instrument) and the worked examples in the policy's article files."""
    if explicit:
        return explicit_cases(explicit)
    if side.tree is not None:
        roots = [(side.tree / folder, side.tree) for folder in CASE_FOLDERS]
    elif side.policy.id in _instrument_ids(repo):
        roots = [(repo / folder, repo) for folder in CASE_FOLDERS]
    else:  # a bare folder of another instrument: this repository's cases are not about it
        roots = []
    found = _cases_under(roots, strict=False)
    for article in side.policy.articles:
        for example in article.get("examples", []):
            key = f"policy example {example['id']}"
            found[key] = CaseSpec(
                key,
                "policy example",
                example["case"],
                example.get("as_of"),
                dict(example.get("parameters") or {}),
                tuple(example.get("eids") or ()),
                article["eid"],
            )
    return found


def explicit_cases(paths: list[Path]) -> dict[str, CaseSpec]:
    """The cases in the files and folders the user named, by key; ProblemsError when one is
    missing, unreadable, empty or not a case, or a named folder holds none."""
    roots: list[tuple[Path, Path | None]] = [(Path(p), None) for p in paths]
    _check_explicit(roots)
    return _cases_under(roots, strict=True)


def _cases_under(roots: list[tuple[Path, Path | None]], *, strict: bool) -> dict[str, CaseSpec]:
    found: dict[str, CaseSpec] = {}
    for root, base in roots:
        files = (
            [root]
            if root.is_file()
            else sorted(
                p
                for p in root.rglob("*")
                if p.suffix in CASE_SUFFIXES
                and p.is_file()
                and p.name != BUNDLE_FILE
                and not any(part.startswith(".") for part in p.relative_to(root).parts)
            )
            if root.is_dir()
            else []
        )
        problems: list[Problem] = []
        named = 0
        for path in files:
            key = path.relative_to(base).as_posix() if base else str(path)
            try:
                specs = case_specs_in_file(path, key, strict=strict)
            except ProblemsError as exc:
                problems.extend(exc.problems)
                continue
            if strict and root.is_file() and not specs:
                problems.append(
                    Problem(
                        str(path),
                        None,
                        None,
                        "",
                        "neither a case (case + people) nor a fixture (case: holding one)",
                        "a case or fixture file",
                        code="not-a-case",
                    )
                )
            named += len(specs)
            for spec in specs:
                found[spec.key] = spec
        if problems:
            raise ProblemsError(problems)
        if strict and root.is_dir() and not named:
            raise ProblemsError.one(
                str(root),
                "",
                "the folder holds no case or fixture file",
                "case files",
                code="empty",
            )
    return found


def _check_explicit(roots: list[tuple[Path, Path | None]]) -> None:
    """Every path given with --cases exists: a mistyped one must not shrink the case set."""
    missing = [
        Problem(
            str(path),
            None,
            None,
            "--cases",
            f"a {kind}, not a case file or folder" if kind else "no such file or folder",
            "a case file or folder",
        )
        for path, _ in roots
        if (kind := path_kind(path)) not in ("file", "folder")
    ]
    if missing:
        raise ProblemsError(missing)


def _instrument_ids(checkout: Path) -> set[str]:
    """The ids of the instruments under a checkout's ``policy/``."""
    ids = set()
    for path in sorted((checkout / POLICY_ROOT).glob("*/instrument.yaml")):
        try:
            data = load_yaml_file(path).data
        except ProblemsError:
            continue
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            ids.add(data["id"])
    return ids


def merged_cases(old: dict[str, CaseSpec], new: dict[str, CaseSpec]) -> list[CaseSpec]:
    """The cases both sides are run on: every key of either side, NEW's version when both have it,
    and each distinct (case, date, readings) once."""
    seen: set[str] = set()
    out = []
    for key in sorted(set(old) | set(new)):
        spec = new.get(key) or old[key]
        identity = json.dumps(
            [spec.case, spec.as_of, spec.parameters], sort_keys=True, ensure_ascii=False
        )
        if identity not in seen:
            seen.add(identity)
            out.append(spec)
    return out
