"""The one in-memory Policy that everything else reads (engine, generators, CLI).

Loading is all-or-nothing: every file is read safely, validated against its JSON Schema, then checked
across files (eIds, citations, parameters, review fingerprints, the source round trip, the rules). A policy
with any error is refused with every problem listed, so nothing downstream ever sees half a regulation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from engine.files.locations import DEFAULT_POLICY_DIR, REPO_ROOT  # noqa: F401
from engine.files.safe_yaml import SourceDoc, load_yaml_file
from engine.files.schemas import schema_problems
from engine.policy import checks as policy_checks
from engine.problems import Problem, ProblemsError, errors

# file kind → file name inside the policy folder (articles are found through instrument.yaml)
SINGLE_FILES = {
    "instrument": "instrument.yaml",
    "vocabulary": "vocabulary.yaml",
    "parameters": "parameters.yaml",
    "normalisation": "normalisation.yaml",
}


@dataclass
class Policy:
    root: Path
    instrument: dict[str, Any]
    articles: list[dict[str, Any]]
    vocabulary: dict[str, Any]
    parameters: dict[str, Any]
    normalisation: dict[str, Any]
    docs: dict[str, SourceDoc]  # file name relative to root → loaded document (for locations)
    warnings: list[Problem] = field(default_factory=list)
    programs_by_edition: dict[str, Any] = field(default_factory=dict, repr=False)  # see program_for

    @property
    def id(self) -> str:
        return self.instrument["id"]

    @property
    def version(self) -> str:
        return self.instrument["encoding"]["version"]

    @cached_property
    def elements(self) -> dict[str, dict[str, Any]]:
        """eId → element, for every paragraph, point and lead-in, in document order."""
        return {e["eid"]: e for a in self.articles for e in a["elements"]}

    @cached_property
    def eids(self) -> set[str]:
        """Every citable eId: articles and their elements."""
        return {a["eid"] for a in self.articles} | set(self.elements)

    @cached_property
    def article_of(self) -> dict[str, dict[str, Any]]:
        """eId (article or element) → its article."""
        out = {}
        for a in self.articles:
            out[a["eid"]] = a
            for e in a["elements"]:
                out[e["eid"]] = a
        return out

    @cached_property
    def parameter_index(self) -> dict[str, dict[str, Any]]:
        return {p["id"]: p for p in self.parameters["parameters"]}

    @property
    def rules(self) -> list[dict[str, Any]]:
        return [r for a in self.articles for r in a["rules"]]

    @cached_property
    def rule_index(self) -> dict[str, dict[str, Any]]:
        return {r["id"]: r for r in self.rules}

    # --- editions (issue 6): one compiled program per edition, built once ---------------------
    @property
    def program(self):
        """The compiled rules of the newest edition (loading already proved they compile)."""
        return self.program_for(self.instrument["editions"][-1]["id"])

    def program_for(self, edition_id: str):
        """The compiled rules of one edition; editions with the same rules share one program."""
        if not self.programs_by_edition:
            from engine.policy.compile import compile_edition_programs

            programs, problems = compile_edition_programs(self)
            if programs is None:
                raise ProblemsError(problems)
            self.programs_by_edition.update(programs)
        return self.programs_by_edition[edition_id]

    def rules_in(self, edition_id: str) -> list[dict[str, Any]]:
        """The rules of one edition (a rule without ``editions`` belongs to all)."""
        from engine.policy.versions import rules_in_edition

        return rules_in_edition(self.articles, edition_id)

    def evaluate(
        self,
        case,
        as_of=None,
        parameters: dict[str, Any] | None = None,
        calendar_file=None,
        *,
        backend: str | None = None,
    ):
        """Answer one case (path, mapping or loaded document): who is responsible, and why.

        ``as_of`` picks the edition in force and is "today" for running time limits; ``parameters``
        overrides interpretation parameters by id; ``calendar_file`` supplies holidays the built-in
        calendar does not cover; ``backend`` picks the evaluator (``"native"`` by default, or
        ``"pydatalog"``: the same answer, slower).
        """
        from engine.answer.build import build_answer
        from engine.answer.query import evaluate

        return build_answer(evaluate(self, case, as_of, parameters, calendar_file, backend=backend))


def article_file(eid: str) -> str:
    """``art_7`` → ``articles/art_07.yaml`` (zero-padded so files sort in legal order)."""
    return f"articles/art_{int(eid.split('_')[1]):02d}.yaml"


def read_policy(root: Path, versioning: str = "error") -> tuple[Policy | None, list[Problem]]:
    """Load and check a policy folder; return it (when error-free) and every problem, warnings included.

    ``versioning`` is the severity of an encoding change not recorded in the changelog (see
    engine.policy.versions): "error" for ``validate`` and CI, "warning" to use the policy regardless.
    """
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
            doc = load_yaml_file(path, display=_display(path))
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
    problems.extend(policy_checks.check_article_files(root, article_eids, _display))
    for eid in article_eids:
        rel = article_file(eid)
        if (root / rel).is_file():
            load(rel, "article")
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
        docs=docs,
    )
    problems.extend(policy_checks.check_policy(policy))
    if not errors(problems):  # the version check (issue 6) hashes rules that are known to load
        from engine.policy.versions import check_encoding_version

        problems.extend(check_encoding_version(policy, versioning))
    policy.warnings = [p for p in problems if p.severity != "error"]
    if errors(problems):
        return None, problems
    return policy, problems


def load_policy(path: str | Path = DEFAULT_POLICY_DIR) -> Policy:
    """The checked Policy, or ProblemsError naming every problem (warnings stay on ``policy.warnings``).

    A change not yet recorded in the encoding's changelog is only a warning here: its author must be
    able to run the change before writing it up; ``accountability validate`` refuses it.
    """
    policy, problems = read_policy(Path(path), versioning="warning")
    if policy is None:
        raise ProblemsError(errors(problems) or problems)
    return policy


def _display(path: Path) -> str:
    """Paths relative to the working directory when possible: short, and clickable in editors."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


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
