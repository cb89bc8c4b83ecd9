"""The fixtures that exercise each provision, as the documentation sees them.

Fixtures are written by ``generators.fixtures`` into ``tests/fixtures/`` (committed). The site only
needs to know, for each one, its id, its one-sentence description and the eIds it exercises, so this
module reads just that and nothing else: any ``*.yaml``/``*.yml``/``*.json`` file below the fixtures
folder whose top level is a mapping with ``id``, ``eids`` and ``sentence`` (``{zh, en}``;
``description`` is accepted as a synonym) is one fixture; ``polarity`` and ``fired_rules`` are read
when present (schema/fixture.schema.json). Other files (the bundle of all fixtures, a case or
expected answer kept beside a fixture) are not fixtures and are skipped. When the folder does not
exist yet, there are simply no fixtures.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.files.reader import Limits, read_input_bytes
from engine.files.safe_yaml import load_yaml_file
from engine.problems import Problem, ProblemsError, excerpt

SUFFIXES = (".yaml", ".yml", ".json")
BUNDLE_LIMITS = Limits(max_bytes=64 * 1024 * 1024)  # the bundle repeats every fixture and answer
POLARITIES = ("applies", "does_not_apply")


@dataclass(frozen=True)
class FixtureRef:
    id: str
    sentence: dict[str, str]  # {"zh": …, "en": …}: what the fixture shows, in one sentence
    eids: tuple[str, ...]  # the eIds it exercises
    path: str  # the fixture file, relative to the repository root (POSIX separators)
    polarity: str | None = None  # "applies" | "does_not_apply": shows the provision applying or not
    fired_rules: tuple[str, ...] = ()  # rules the engine fired on the fixture's case
    source: str = "authored"  # "authored" | "generated" | "witness" (schema/fixture.schema.json)


def read_fixtures(
    directory: Path,
    repo_root: Path,
    cache: dict[str, Any] | None = None,
    digests: dict[Path, str] | None = None,
) -> list[FixtureRef]:
    """Every fixture below ``directory``, sorted by id; ``[]`` when the folder is absent.

    ``cache`` (file digest → the few fields read here, or None for a file that is not a fixture)
    spares re-parsing a thousand unchanged YAML files on every build; it is updated in place and
    left holding the files read this time only, so that it does not grow with every change.
    ``digests`` (path → digest, what ``add_bundled`` returns) spares hashing those files again.
    """
    directory = Path(directory)
    used: set[str] = set()
    found: dict[str, FixtureRef] = {}
    problems: list[Problem] = []
    for path in fixture_files(directory):
        data = _load_cached(path, cache, used, digests or {})
        if not _is_fixture(data):
            continue
        shown = _relative(path, repo_root)
        sentence = data.get("sentence", data.get("description"))
        if isinstance(sentence, str):
            sentence = {"zh": sentence, "en": sentence}
        if not (isinstance(sentence, dict) and {"zh", "en"} <= set(sentence)):
            problems.append(
                Problem(
                    shown,
                    None,
                    None,
                    "$.sentence",
                    "fixture sentence is not {zh, en}",
                    "a one-sentence description in Chinese and English",
                )
            )
            continue
        fixture = FixtureRef(
            id=str(data["id"]),
            sentence={"zh": str(sentence["zh"]), "en": str(sentence["en"])},
            eids=tuple(sorted({str(e) for e in data["eids"]}, key=_eid_order)),
            path=shown,
            polarity=data.get("polarity") if data.get("polarity") in POLARITIES else None,
            fired_rules=tuple(sorted({str(r) for r in data.get("fired_rules") or []})),
            source=str(data.get("source") or "authored"),
        )
        if fixture.id in found:
            problems.append(
                Problem(
                    shown,
                    None,
                    None,
                    "$.id",
                    f"fixture id {fixture.id} used twice (also in {found[fixture.id].path})",
                    "unique fixture ids",
                )
            )
            continue
        found[fixture.id] = fixture
    if cache is not None:
        for key in [k for k in cache if k not in used]:
            del cache[key]
    if problems:
        raise ProblemsError(problems)
    return [found[k] for k in sorted(found)]


def fixtures_by_eid(fixtures: list[FixtureRef]) -> dict[str, list[FixtureRef]]:
    out: dict[str, list[FixtureRef]] = {}
    for fixture in fixtures:
        for eid in fixture.eids:
            out.setdefault(eid, []).append(fixture)
    return out


def fixture_files(directory: Path) -> list[Path]:
    """The files below ``directory`` that may be fixtures, in a stable order (hidden ones left out)."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    return sorted(
        p
        for p in directory.rglob("*")
        if p.suffix in SUFFIXES
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(directory).parts)
    )


BUNDLE = "bundle.json"  # written by ``accountability fixtures`` beside the fixture files


def add_bundled(directory: Path, cache: dict[str, Any]) -> dict[Path, str]:
    """Add to ``cache`` the entries of the fixture files the bundle beside them repeats; return
    the digests computed on the way (path, as ``fixture_files`` names it → digest), which
    ``read_fixtures`` then need not compute again.

    The bundle records each file's sha256 (``files``); a file whose bytes have that digest was
    written from the bundle's entry in the same run, so the entry is what parsing the file would
    give, at a small part of the cost (one JSON document instead of a thousand YAML files). A file
    that differs, or that the bundle does not list, is left to be parsed; an unreadable or
    malformed bundle adds nothing (``read_fixtures`` reports it, if it claims to be a fixture)."""
    path = Path(directory) / BUNDLE
    if not path.is_file():
        return {}
    try:
        raw = read_input_bytes(path, str(path), BUNDLE_LIMITS)
        data = json.loads(raw.decode("utf-8"))
    except (ProblemsError, OSError, UnicodeDecodeError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict) or _is_fixture(data):
        return {}
    files, fixtures = data.get("files"), data.get("fixtures")
    if not isinstance(files, dict) or not isinstance(fixtures, list):
        return {}
    digests = {path: hashlib.sha256(raw).hexdigest()}
    by_id = {f["id"]: f for f in fixtures if _is_fixture(f)}
    root = Path(directory).resolve()
    for rel, listed in files.items():
        if not (isinstance(rel, str) and isinstance(listed, dict)):
            continue
        entry = by_id.get(listed.get("id"))
        file = (root / rel).resolve()
        if entry is None or root not in file.parents or not file.is_file():
            continue  # only files below the bundle's folder
        digest = digests[Path(directory) / rel] = _digest(file)
        if digest == listed.get("sha256"):
            cache[digest] = _kept(entry)
    cache[digests[path]] = None  # the bundle itself is not a fixture
    return digests


_KEPT = ("id", "eids", "sentence", "description", "polarity", "fired_rules", "source")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _kept(data: Any) -> dict[str, Any] | None:
    return {k: data[k] for k in _KEPT if k in data} if _is_fixture(data) else None


def _load_cached(path: Path, cache: dict[str, Any] | None, used: set[str], digests):
    if cache is None:
        return _load(path)
    key = digests.get(path) or _digest(path)
    used.add(key)
    if key not in cache:
        cache[key] = _kept(_load(path))
    return cache[key]


def _load(path: Path):
    if path.suffix == ".json":
        # JSON is parsed as JSON: the bundle repeats every fixture (megabytes), and the YAML
        # composer is slow
        raw = read_input_bytes(path, str(path), BUNDLE_LIMITS)
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise ProblemsError(
                [
                    Problem(
                        str(path),
                        None,
                        None,
                        "",
                        f"not valid JSON: {excerpt(str(exc), 120)}",
                        "a JSON document",
                    )
                ]
            ) from exc
    return load_yaml_file(path).data


def _is_fixture(data) -> bool:
    return (
        isinstance(data, dict)
        and isinstance(data.get("id"), str)
        and isinstance(data.get("eids"), list)
        and ("sentence" in data or "description" in data)
    )


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _eid_order(eid: str) -> tuple:
    """Legal order: Article 2 before Article 10, the lead-in before point 1."""
    parts = []
    for piece in eid.replace("__", "_").split("_"):
        parts.append((0, int(piece), "") if piece.isdigit() else (1, 0, piece))
    return tuple(parts)
