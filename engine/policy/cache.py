"""A cache of loaded, checked and parsed policies, so that a command answers in a fraction of a
second instead of reading, validating and compiling ~700 KB of YAML on every run.

An entry is keyed by the content of every file of the policy folder and of the schema folder, by
where the policy is shown from (file names in messages), and by the engine's own code (the sha256
of its source files): any change to any of them is a different key, so an entry is never stale.
It is stored under the user's cache folder (``$ACCOUNTABILITY_CACHE_DIR``, else
``$XDG_CACHE_HOME/accountability``, else ``~/.cache/accountability``) as JSON that is checked
before use: a first line naming the format, the key and the sha256 of the body, then the body.
An entry that is corrupt, truncated, of another key or format, or malformed in any way, is
ignored and rebuilt; nothing in it is executed or unpickled. Only a policy that loaded without
error is stored. ``ACCOUNTABILITY_CACHE_DIR=off`` turns the cache off.

What the entry holds: the policy's data (as checked at load time), its warnings, where each rule's
Datalog text starts, and the parsed rules (``engine.datalog.rule_json``). On a hit the YAML
documents themselves (positions for error messages) are read only if something asks for them.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.datalog.rule_json import rules_to_json
from engine.files.project import display_path, schema_dir
from engine.files.safe_yaml import load_yaml_file
from engine.policy.compile import rule_sources
from engine.policy.model import Policy
from engine.problems import Problem

if TYPE_CHECKING:
    from engine.files.safe_yaml import SourceDoc

FORMAT = "accountability-policy-cache 1"
ENV = "ACCOUNTABILITY_CACHE_DIR"
KEEP = 16  # entries kept in the cache folder, newest first
DATA_KEYS = ("instrument", "articles", "vocabulary", "parameters", "normalisation", "presentation")


def cache_dir() -> Path | None:
    """The folder entries live in, or None when the cache is turned off."""
    configured = os.environ.get(ENV)
    if configured:
        return None if configured.strip().lower() == "off" else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "accountability"


@cache
def engine_digest() -> str:
    """The sha256 of the engine's source files: a code change makes every old entry foreign."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".lark") and path.is_file():
            digest.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


# files under a policy folder (or the schemas) worth keying an entry on: a policy has a few dozen;
# a folder named by mistake (``--policy /``) is not hashed file by file before it is refused
MAX_KEYED_FILES = 2000


def entry_key(root: Path) -> str:
    """The key of the entry for the policy folder ``root`` as it is now."""
    digest = hashlib.sha256()
    digest.update(f"{FORMAT}\0{engine_digest()}\0{display_path(root)}\0".encode())
    if not (root / "instrument.yaml").is_file():
        raise OSError("not a policy folder: no entry")
    for label, folder in (("policy", root), ("schema", schema_dir())):
        paths = []
        for path in folder.rglob("*"):
            paths.append(path)
            if len(paths) > MAX_KEYED_FILES:  # not a policy: read (and refused) without a key
                raise OSError(f"more than {MAX_KEYED_FILES} files under {folder}")
        for path in sorted(paths):
            if path.is_file() and not path.is_symlink():
                data = path.read_bytes()
                rel = path.relative_to(folder).as_posix()
                digest.update(f"{label}/{rel}\0{len(data)}\0".encode())
                digest.update(data)
    return digest.hexdigest()


def _entry_path(folder: Path, key: str) -> Path:
    return folder / f"policy-{key[:32]}.json"


def load_cached(root: Path) -> Policy | None:
    """The policy stored for ``root`` as it is now, or None (no entry, unusable entry, cache off)."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        key = entry_key(root)
        raw = _entry_path(folder, key).read_bytes()
    except OSError:
        return None
    try:
        return _policy_from(root, key, raw)
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, UnicodeDecodeError):
        return None  # corrupt or foreign: ignored, and overwritten by the next store


def store(root: Path, policy: Policy) -> None:
    """Remember a policy that loaded without error; a cache folder that cannot be written to is
    no error (the next run loads the policy again)."""
    import tempfile  # lazy: only a miss writes an entry (2 ms at every start otherwise)

    folder = cache_dir()
    if folder is None:
        return
    try:
        body = _body(policy)
    except (KeyError, ValueError, TypeError):
        return  # e.g. a rule that is in no edition was never parsed: not worth an entry
    try:
        key = entry_key(root)
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        header = {"format": FORMAT, "key": key, "sha256": hashlib.sha256(text).hexdigest()}
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, temporary = tempfile.mkstemp(prefix=".policy-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(json.dumps(header).encode("utf-8") + b"\n" + text)
            os.replace(temporary, _entry_path(folder, key))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        _prune(folder)
    except OSError:
        return


def _prune(folder: Path) -> None:
    """Keep the ``KEEP`` newest entries: every edit of a policy, and every revision that ``diff``
    or ``review`` loads from a temporary folder, makes a new one."""
    entries = sorted(folder.glob("policy-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        old.unlink(missing_ok=True)


def _body(policy: Policy) -> dict[str, Any]:
    parsed: dict[str, list] = {}
    seen: set[str] = set()
    for program in policy.programs_by_edition.values():
        for rule in program.rules:
            if rule.id not in seen:
                seen.add(rule.id)
                parsed.setdefault(rule.source.id, []).extend(rules_to_json([rule]))
    sources = rule_sources(policy)
    missing = [s.id for s in sources if s.id not in parsed]
    if missing:
        raise KeyError(missing[0])
    return {
        **{name: getattr(policy, name) for name in DATA_KEYS},
        "documents": {rel: doc.file for rel, doc in policy.docs.items()},
        "warnings": [asdict(p) for p in policy.warnings],
        "rule_locations": {s.id: [s.file, s.line, s.column] for s in sources},
        "rules": parsed,
    }


def _policy_from(root: Path, key: str, raw: bytes) -> Policy:
    newline = raw.index(b"\n")
    header = json.loads(raw[:newline])
    text = raw[newline + 1 :]
    if not isinstance(header, dict) or header.get("format") != FORMAT or header.get("key") != key:
        raise ValueError("an entry of another format or key")
    if header.get("sha256") != hashlib.sha256(text).hexdigest():
        raise ValueError("a damaged entry")
    body = json.loads(text)
    if not isinstance(body, dict):
        raise ValueError("not an entry")
    for name in DATA_KEYS:
        expected = list if name == "articles" else dict
        if not isinstance(body[name], expected):
            raise ValueError(f"{name} of the wrong type")
    documents = body["documents"]
    if not isinstance(documents, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in documents.items()
    ):
        raise ValueError("documents of the wrong type")
    warnings = [Problem(**_problem_fields(p)) for p in body["warnings"]]
    locations = body["rule_locations"]
    rules = body["rules"]
    if not isinstance(locations, dict) or not isinstance(rules, dict):
        raise ValueError("rules of the wrong type")
    for file, line, column in locations.values():
        if not (isinstance(file, str) and type(line) is int and type(column) is int):
            raise ValueError("a rule location of the wrong type")
    policy = Policy(
        root=root,
        **{name: body[name] for name in DATA_KEYS},
        docs=LazyDocs(root, documents),  # type: ignore[arg-type]
        warnings=warnings,
    )
    policy.precompiled = {"rule_locations": locations, "rules": rules}
    return policy


def _problem_fields(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError("a warning of the wrong type")
    fields = {k: value[k] for k in ("file", "where", "message", "expected", "severity", "code")}
    if not all(isinstance(v, str) for v in fields.values()):
        raise ValueError("a warning of the wrong type")
    for k in ("line", "column"):
        if value[k] is not None and not isinstance(value[k], int):
            raise ValueError("a warning of the wrong type")
        fields[k] = value[k]
    return fields


class LazyDocs(Mapping):
    """The policy's documents (text with the position of every value), read on first use only:
    a cached policy needs them just to locate a problem in a file, which answers rarely do."""

    def __init__(self, root: Path, files: dict[str, str]):
        self._root = root
        self._files = dict(files)
        self._loaded: dict[str, SourceDoc] = {}

    def __getitem__(self, rel: str) -> SourceDoc:
        found = self._loaded.get(rel)
        if found is None:
            if rel not in self._files:
                raise KeyError(rel)
            found = self._loaded[rel] = load_yaml_file(self._root / rel, display=self._files[rel])
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)
