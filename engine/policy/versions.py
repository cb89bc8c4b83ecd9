"""Two clocks: the law's editions and the encoding's own version (docs/dev/architecture.md, Versioning).

Editions. A rule or an element may carry ``editions: [ids]`` (absent = every edition of the
instrument). Each edition then has its own rule set, compiled once (engine.policy.compile), and a query is
answered with the rules of the edition in force on its as-of date (engine.answer.query).

Encoding version. CI has no git history to compare with, yet must notice a change to what answers
are computed from that no changelog entry describes. So the newest changelog entry records a
fingerprint: the sha256 of the rules, parameters, vocabulary and edition data as they stood when the
entry was written. When the files no longer hash to it, something changed since that version was
recorded: ``accountability validate`` fails until someone bumps ``encoding.version``, adds a
changelog entry naming the eIds and saying why, and records the new fingerprint (``accountability
version --fingerprint`` prints it).

What the fingerprint covers is what answers depend on; documentation fields (rule notes, parameter
rationales, questions, sources and option descriptions, vocabulary descriptions, edition notes) are
left out so that improving an explanation for readers does not demand a new version. Texts and their
translations are covered by the per-article review fingerprint instead
(engine.policy.review_fingerprint), which covers the documentation fields as well: a reviewer judges
the notes and rationales too.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.files.safe_yaml import load_yaml_file
from engine.files.schemas import schema_problems
from engine.policy.layout import article_file
from engine.problems import Problem, ProblemsError

if TYPE_CHECKING:
    from engine.policy.model import Policy

# keys that only explain things to readers: dropped (at any depth) before hashing
DOCUMENTATION_KEYS = frozenset({"note", "rationale", "question", "sources", "description"})
EDITION_KEYS = ("id", "issued_year", "effective_from", "effective_to", "unknown_commencement")
# what answers read from an article besides its rules
ANSWER_KEYS = ("periods", "computed_facts", "open_points", "answer")
FINGERPRINT_COMMAND = "accountability version --fingerprint"
_SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")


# --- editions ------------------------------------------------------------------------------------


# --- the encoding's fingerprint ------------------------------------------------------------------


def _without_documentation(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: _without_documentation(v) for k, v in value.items() if k not in DOCUMENTATION_KEYS
        }
    if isinstance(value, list):
        return [_without_documentation(v) for v in value]
    return value


def fingerprint_material(
    instrument: dict[str, Any],
    articles: list[dict[str, Any]],
    parameters: dict[str, Any],
    vocabulary: dict[str, Any],
    presentation: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything an answer is computed from, order-normalised (moving a rule is not a change)."""
    rules = sorted(
        (_without_documentation(r) for a in articles for r in a.get("rules", [])),
        key=lambda r: str(r.get("id")),
    )
    return {
        "editions": [{k: e.get(k) for k in EDITION_KEYS} for e in instrument.get("editions", [])],
        "element_editions": {
            e["eid"]: e["editions"]
            for a in articles
            for e in a.get("elements", [])
            if "editions" in e
        },
        "rules": rules,
        "answers": {
            a.get("eid"): {k: _without_documentation(a[k]) for k in ANSWER_KEYS if k in a}
            for a in articles
            if any(k in a for k in ANSWER_KEYS)
        },
        "calendar": instrument.get("calendar"),
        "presentation": _without_documentation(presentation or {}),
        "parameters": sorted(
            (_without_documentation(p) for p in parameters.get("parameters", [])),
            key=lambda p: str(p.get("id")),
        ),
        "vocabulary": {
            "domains": sorted(
                (_without_documentation(d) for d in vocabulary.get("domains", [])),
                key=lambda d: str(d.get("name")),
            ),
            "predicates": sorted(
                (_without_documentation(p) for p in vocabulary.get("predicates", [])),
                key=lambda p: str(p.get("name")),
            ),
        },
    }


def fingerprint(
    instrument: dict[str, Any],
    articles: list[dict[str, Any]],
    parameters: dict[str, Any],
    vocabulary: dict[str, Any],
    presentation: dict[str, Any] | None = None,
) -> str:
    material = fingerprint_material(instrument, articles, parameters, vocabulary, presentation)
    canonical = json.dumps(material, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def policy_fingerprint(policy: Policy) -> str:
    return fingerprint(
        policy.instrument,
        policy.articles,
        policy.parameters,
        policy.vocabulary,
        policy.presentation,
    )


def fingerprint_of_dir(root: str | Path) -> str:
    """The fingerprint of a policy folder read straight from its files.

    Works when ``validate`` fails because the fingerprint is stale (exactly when the value to
    record is needed), so it reads the files with the safe loader and checks their schemas, but
    nothing across files.
    """
    root = Path(root)
    instrument = _schema_checked(root / "instrument.yaml", "instrument")
    articles = [
        _schema_checked(root / article_file(eid), "article") for eid in instrument["articles"]
    ]
    parameters = _schema_checked(root / "parameters.yaml", "parameters")
    vocabulary = _schema_checked(root / "vocabulary.yaml", "vocabulary")
    presentation_file = root / "presentation.yaml"
    presentation = (
        _schema_checked(presentation_file, "presentation") if presentation_file.exists() else None
    )
    return fingerprint(instrument, articles, parameters, vocabulary, presentation)


def _schema_checked(path: Path, kind: str) -> Any:
    """A file's data once it is safe to read and fits its schema (what the fingerprint reads)."""
    doc = load_yaml_file(path)
    problems = schema_problems(doc, kind)
    if problems:
        raise ProblemsError(problems)
    return doc.data


# --- the changelog check -------------------------------------------------------------------------


def semver(text: str) -> tuple[int, int, int] | None:
    """``"1.10.0"`` → ``(1, 10, 0)``, so versions compare as numbers (never as strings)."""
    match = _SEMVER.match(text or "")
    return tuple(int(g) for g in match.groups()) if match else None  # type: ignore[return-value]


def check_encoding_version(policy: Policy, severity: str = "error") -> list[Problem]:
    """The encoding version, its changelog and the recorded fingerprint must agree with the files.

    ``severity`` is "error" for ``validate`` (CI) and "warning" when a policy is only loaded to be
    used: an unrecorded change must not stop its author from running the tests of that very change.
    """
    doc = policy.docs["instrument.yaml"]
    encoding = policy.instrument["encoding"]
    changelog = encoding["changelog"]
    problems: list[Problem] = []

    def report(path: tuple, message: str, expected: str, code: str) -> None:
        problems.append(doc.problem(path, message, expected, severity=severity, code=code))

    for i in range(1, len(changelog)):
        prev, cur = changelog[i - 1], changelog[i]
        old, new = semver(prev["version"]), semver(cur["version"])
        if old is not None and new is not None and new <= old:
            report(
                ("encoding", "changelog", i, "version"),
                f"changelog entry {cur['version']} follows {prev['version']}",
                "versions that increase from the oldest entry (first) to the newest (last)",
                "encoding-version-order",
            )
        if cur["date"] < prev["date"]:
            report(
                ("encoding", "changelog", i, "date"),
                f"changelog entry {cur['version']} is dated {cur['date']}, before the entry above "
                "it "
                f"({prev['version']}, {prev['date']})",
                "dates that do not go back in time, oldest entry first",
                "encoding-version-order",
            )
    newest_index = len(changelog) - 1
    newest = changelog[newest_index]
    if newest["version"] != encoding["version"]:
        report(
            ("encoding", "version"),
            f"encoding.version is {encoding['version']} but the newest (last) changelog entry is "
            f"{newest['version']}",
            f"a changelog entry for {encoding['version']} at the end of encoding.changelog",
            "encoding-version-entry",
        )
    current = policy_fingerprint(policy)
    recorded = newest.get("fingerprint")
    how = (
        "bump encoding.version, add a changelog entry naming the eIds it touches and why, and "
        "record "
        f"`fingerprint: {current}` in it (printed by `{FINGERPRINT_COMMAND}`)"
    )
    if recorded is None:
        report(
            ("encoding", "changelog", newest_index),
            f"the newest changelog entry ({newest['version']}) records no fingerprint of the rules "
            "and parameters it describes",
            f"`fingerprint: {current}` in that entry (`{FINGERPRINT_COMMAND}` prints it)",
            "encoding-unrecorded",
        )
    elif recorded != current:
        report(
            ("encoding", "changelog", newest_index, "fingerprint"),
            f"rules, parameters, vocabulary or edition data changed since v{newest['version']} was "
            f"recorded (fingerprint {recorded[:12]}… recorded, {current[:12]}… now)",
            how,
            "encoding-unrecorded",
        )
    return problems
