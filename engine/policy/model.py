"""The one in-memory Policy that everything else reads: the checked files and indexes over them."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from engine.datalog import Program
from engine.datalog.syntax import Var
from engine.files.safe_yaml import SourceDoc
from engine.policy.compile import compile_edition_programs
from engine.policy.editions import rules_in_edition
from engine.policy.readings import parameters_mentioned
from engine.policy.review_fingerprint import review_fingerprint
from engine.policy.versions import policy_fingerprint
from engine.problems import Problem, ProblemsError


@dataclass
class Policy:
    """A checked policy folder: built only by ``engine.policy.load``, read by everything else.

    It holds data and indexes over it, and compiles its rules on first use; it does not evaluate
    cases (that is ``engine.answer``), so the policy layer never depends on the layers above it.
    """

    root: Path
    instrument: dict[str, Any]
    articles: list[dict[str, Any]]
    vocabulary: dict[str, Any]
    parameters: dict[str, Any]
    normalisation: dict[str, Any]
    presentation: dict[str, Any]
    docs: dict[str, SourceDoc]  # file name relative to root → loaded document (for locations)
    warnings: list[Problem] = field(default_factory=list)
    programs_by_edition: dict[str, Any] = field(default_factory=dict, repr=False)  # see program_for
    # from the policy cache (engine.policy.cache): where each rule's text starts, its parsed rules
    precompiled: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    @property
    def id(self) -> str:
        return self.instrument["id"]

    @property
    def version(self) -> str:
        return self.instrument["encoding"]["version"]

    @cached_property
    def fingerprint(self) -> str:
        """The encoding fingerprint: what every answer is computed from (engine.policy.versions)."""
        return policy_fingerprint(self)

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

    @cached_property
    def review_fingerprints(self) -> dict[str, dict[str, Any]]:
        """Article eId → the fingerprint of everything a review of it covers, as it stands now."""
        parameters = self.parameters["parameters"]
        return {a["eid"]: review_fingerprint(a, parameters) for a in self.articles}

    @property
    def rules(self) -> list[dict[str, Any]]:
        return [r for a in self.articles for r in a["rules"]]

    @cached_property
    def rule_index(self) -> dict[str, dict[str, Any]]:
        return {r["id"]: r for r in self.rules}

    # --- one compiled program per edition, built once ------------------------------------------
    @property
    def program(self) -> Program:
        """The compiled rules of the newest edition (loading already proved they compile)."""
        return self.program_for(self.instrument["editions"][-1]["id"])

    def program_for(self, edition_id: str) -> Program:
        """The compiled rules of one edition; editions with the same rules share one program."""
        if not self.programs_by_edition:
            programs, problems = compile_edition_programs(self)
            if programs is None:
                raise ProblemsError(problems)
            self.programs_by_edition.update(programs)
        return self.programs_by_edition[edition_id]

    def rules_in(self, edition_id: str) -> list[dict[str, Any]]:
        """The rules of one edition (a rule without ``editions`` belongs to all)."""
        return rules_in_edition(self.articles, edition_id)

    # --- what answers need besides the rules: periods, open points, section readings, labels -----
    @cached_property
    def periods(self) -> list[dict[str, Any]]:
        """The procedural time limits, in the order of the articles that set them."""
        return [p for a in self.articles for p in a.get("periods", [])]

    @cached_property
    def computed_facts(self) -> list[dict[str, Any]]:
        """Facts computed before the rules run (date windows), in article order."""
        return [f for a in self.articles for f in a.get("computed_facts", [])]

    @cached_property
    def open_point_definitions(self) -> list[dict[str, Any]]:
        """Every open point the articles define, each with the eId of its article."""
        return [{**o, "article": a["eid"]} for a in self.articles for o in a.get("open_points", [])]

    @cached_property
    def open_points_by_predicate(self) -> dict[str, dict[str, Any]]:
        """The open points raised per tuple of a predicate, by that predicate."""
        return {d["predicate"]: d for d in self.open_point_definitions if "predicate" in d}

    @cached_property
    def predicate_descriptions(self) -> dict[str, dict[str, str]]:
        """Each predicate's description in both languages, by name."""
        return {name: p["description"] for name, p in self.predicate_index.items()}

    @cached_property
    def computed_fact_names(self) -> frozenset[str]:
        """The facts the engine computes for a case (windows and the like), not the record's."""
        return frozenset(f["fact"] for f in self.computed_facts)

    @cached_property
    def answer_config(self) -> dict[str, dict[str, Any]]:
        """Answer section → how it reads the parameters (each section set by one article)."""
        return {k: v for a in self.articles for k, v in a.get("answer", {}).items()}

    @cached_property
    def parameters_outside_rules(self) -> set[str]:
        """The parameters read by what the engine computes besides the rules: periods, windows,
        answer sections, open points, the calendar and editions."""
        parts: list[Any] = [self.instrument.get("calendar"), self.instrument["editions"]]
        for article in self.articles:
            parts += [
                article.get(k) for k in ("periods", "computed_facts", "open_points", "answer")
            ]
        return parameters_mentioned(parts) & set(self.parameter_index)

    @cached_property
    def whole_article_paragraphs(self) -> frozenset[str]:
        """The eIds of paragraphs that are their article's only element: cited as the article."""
        return frozenset(
            a["elements"][0]["eid"]
            for a in self.articles
            if len(a["elements"]) == 1 and a["elements"][0]["kind"] == "para"
        )

    @cached_property
    def predicate_index(self) -> dict[str, dict[str, Any]]:
        """Predicate name → its declaration in the vocabulary (an answer names thousands of facts
        by their predicate's reading)."""
        return {p["name"]: p for p in self.vocabulary["predicates"]}

    @cached_property
    def argument_domains(self) -> dict[str, tuple[str, ...]]:
        """Predicate → the domains of its arguments (how an answer names each argument)."""
        return {
            p["name"]: tuple(a["domain"] for a in p["args"]) for p in self.vocabulary["predicates"]
        }

    @cached_property
    def argument_names(self) -> dict[str, tuple[tuple[str, ...], dict[str, str]]]:
        """Predicate → the names of its arguments, and each name's domain (how a fact is put
        into words by its predicate's reading)."""
        return {
            p["name"]: (
                tuple(a["name"] for a in p["args"]),
                {a["name"]: a["domain"] for a in p["args"]},
            )
            for p in self.vocabulary["predicates"]
        }

    @cached_property
    def rule_variable_domains(self) -> dict[str, dict[str, str]]:
        """Rule id → each variable of its clauses → the domain of the first argument position it
        fills (head or body): how a reading names a variable it has no value for."""
        out: dict[str, dict[str, str]] = {}
        for clause in self.program.rules:
            found = out.setdefault(clause.id.split("#")[0], {})
            atoms = [clause.head] + [c.atom for c in clause.body if hasattr(c, "atom")]
            for atom in atoms:
                domains = self.argument_domains.get(atom.predicate, ())
                for term, domain in zip(atom.args, domains, strict=False):
                    if isinstance(term, Var):
                        found.setdefault(term.name, domain)
        return out

    @cached_property
    def domain_index(self) -> dict[str, dict[str, Any]]:
        """Domain name → its entry in the vocabulary."""
        return {d["name"]: d for d in self.vocabulary["domains"]}

    def domain_description(self, domain: str) -> dict[str, str]:
        """A domain's description in Chinese and English (empty when it has none)."""
        return dict(self.domain_index.get(domain, {}).get("description", {}))

    def domain_labels(self, domain: str) -> dict[str, dict[str, str]]:
        """A domain's values with their names, in the vocabulary's order (empty if it has none)."""
        return dict(self.domain_index.get(domain, {}).get("labels", {}))

    @cached_property
    def labels(self) -> dict[str, dict[str, str]]:
        """Value → its name in Chinese and English: the vocabulary's labels and the periods'."""
        out: dict[str, dict[str, str]] = {}
        for domain in self.vocabulary["domains"]:
            out.update(domain.get("labels", {}))
        for period in self.periods:
            out[period["id"]] = period["label"]
        return out
