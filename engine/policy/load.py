"""The one in-memory Policy that everything else reads (engine, generators, CLI).

Loading is all-or-nothing: every file is read safely, validated against its JSON Schema, then checked
across files (eIds, citations, parameters, review fingerprints, the source round trip, the rules). A policy
with any error is refused with every problem listed, so nothing downstream ever sees half a regulation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.files.project import default_policy_dir, display_path
from engine.files.safe_yaml import SourceDoc, load_yaml_file
from engine.policy.cache import load_cached, store
from engine.policy.layout import SINGLE_FILES, article_file
from engine.policy.model import Policy
from engine.problems import Problem, ProblemsError, errors


def read_policy(
    root: Path, versioning: str = "error", stale_review: str | None = None
) -> tuple[Policy | None, list[Problem]]:
    """Load and check a policy folder; return it (when error-free) and every problem, warnings included.

    ``versioning`` is the severity of an encoding change not recorded in the changelog (see
    engine.policy.versions) and of a reviewed article changed since its review (see
    engine.policy.checks.reviews): "error" for ``validate`` and CI, "warning" to use the policy
    regardless. ``stale_review`` sets the latter apart (default: as ``versioning``): a sign-off
    must check everything but the staleness it is about to resolve.
    """
    # lazy: a policy from the cache needs neither JSON Schema nor the checks
    from engine.files.schemas import schema_problems
    from engine.policy.checks import check_article_files, check_policy
    from engine.policy.checks.reviews import STALE_CODE
    from engine.policy.versions import check_encoding_version

    root = Path(root)
    problems: list[Problem] = []
    if not root.is_dir():
        return None, [
            Problem(
                str(root),
                None,
                None,
                "",
                "policy folder not found",
                "a folder with instrument.yaml",
            )
        ]
    docs: dict[str, SourceDoc] = {}

    def load(rel: str, kind: str) -> None:
        path = root / rel
        try:
            doc = load_yaml_file(path, display=display_path(path))
        except ProblemsError as exc:
            problems.extend(exc.problems)
            return
        prefix = (lambda p: eid_at(doc.data, p)) if kind == "article" else None
        found = schema_problems(doc, kind, prefix)
        problems.extend(found)
        if not found:
            docs[rel] = doc

    for kind, rel in SINGLE_FILES.items():
        load(rel, kind)
    instrument = docs.get("instrument.yaml")
    article_eids = list(instrument.data["articles"]) if instrument else []
    problems.extend(check_article_files(root, article_eids, display_path))
    for eid in article_eids:
        rel = article_file(eid)
        if (root / rel).exists() or (root / rel).is_symlink():
            load(rel, "article")  # a FIFO, a folder or a link out is refused by the reader
    if errors(problems) or any(rel not in docs for rel in SINGLE_FILES.values()):
        return None, problems
    articles = [docs[article_file(eid)].data for eid in article_eids if article_file(eid) in docs]
    if len(articles) != len(article_eids):
        return None, problems
    policy = Policy(
        root=root,
        instrument=docs["instrument.yaml"].data,
        articles=articles,
        vocabulary=docs["vocabulary.yaml"].data,
        parameters=docs["parameters.yaml"].data,
        normalisation=docs["normalisation.yaml"].data,
        presentation=docs["presentation.yaml"].data,
        docs=docs,
    )
    problems.extend(check_policy(policy, stale_review=stale_review or versioning))
    # the version check hashes rules that are known to load; a stale review does not stop it
    if not errors([p for p in problems if p.code != STALE_CODE]):
        problems.extend(check_encoding_version(policy, versioning))
    policy.warnings = [p for p in problems if p.severity != "error"]
    if errors(problems):
        return None, problems
    return policy, problems


def load_policy(path: str | Path | None = None) -> Policy:
    """The checked Policy, or ProblemsError naming every problem (warnings stay on ``policy.warnings``).

    ``path`` defaults to the policy of the project the command runs in, else to the one installed
    with the engine (engine.files.project). A policy loaded before from the same files, by the
    same engine, comes from the cache (engine.policy.cache) without being read again. A change not yet recorded in the encoding's changelog,
    or made to an article after its review, is only a warning here: its author must be able to run
    the change before writing it up and having it reviewed; ``accountability validate`` refuses it.
    """
    root = Path(path) if path is not None else default_policy_dir()
    if root.is_dir():
        cached = load_cached(root)
        if cached is not None:
            return cached
    policy, problems = read_policy(root, versioning="warning")
    if policy is None:
        raise ProblemsError(errors(problems) or problems)
    store(root, policy)
    return policy


def eid_at(data: Any, path: tuple) -> str | None:
    """The eId a JSON path falls in (element or article), to name it in problems."""
    if not isinstance(data, dict):
        return None
    if len(path) >= 2 and path[0] == "elements" and isinstance(path[1], int):
        elements = data.get("elements")
        if isinstance(elements, list) and path[1] < len(elements):
            element = elements[path[1]]
            if isinstance(element, dict) and isinstance(element.get("eid"), str):
                return element["eid"]
    eid = data.get("eid")
    return eid if isinstance(eid, str) else None
