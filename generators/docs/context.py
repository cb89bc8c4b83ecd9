"""Indexes over the loaded Policy that several pages need (which rules cite an eId, which parameters
touch it, …), computed once so that every page answers the same question the same way."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.datalog import Negated, Positive
from engine.review.status import STATE_LABELS, ArticleReview, review_statuses
from generators.docs.fixtures import FixtureRef

if TYPE_CHECKING:
    from engine.policy.model import Policy
    from generators.docs.examples import ExampleRun

# where each generated page lives, relative to the docs root
ARTICLES_INDEX = "articles/index.md"
TRACEABILITY = "traceability.md"
VOCABULARY = "vocabulary.md"
DEPENDENCIES = "dependencies.md"
PARAMETERS = "parameters/index.md"
ANOMALIES = "anomalies.md"
NORMALISATION = "normalisation.md"
CHANGELOG = "changelog.md"
PROCEDURE = "procedure.md"
FIXTURES = "fixtures/index.md"
EXAMPLES_INDEX = "examples/index.md"


def article_page(eid: str) -> str:
    return f"articles/{eid}.md"


def example_page(stem: str) -> str:
    return f"examples/{stem}.md"


def parameter_page(pid: str) -> str:
    """One page per interpretation parameter."""
    return f"parameters/{pid}.md"


def fixtures_page_of(article_eid: str) -> str:
    """The fixtures of one article (grouped by the first article a fixture exercises)."""
    return f"fixtures/{article_eid}.md"


KIND_LABELS = {
    "normative": ("规范性条款", "normative"),
    "definitional": ("定义性条款", "definitional"),
    "procedural": ("程序性条款", "procedural"),
    "programmatic": ("纲领性条款", "programmatic"),
    "commendation": ("奖励条款", "commendation"),
}
REVIEW_LABELS = STATE_LABELS  # reviewed, stale, draft


@dataclass
class SiteContext:
    policy: Policy
    fixtures: list[FixtureRef]
    project_root: Path
    cli_help: str = ""  # `accountability --help`, given by the command line
    examples: list[ExampleRun] = field(default_factory=list)

    @cached_property
    def element_order(self) -> dict[str, int]:
        """Every eId (articles and their elements) → its position in the document."""
        order: dict[str, int] = {}
        for article in self.policy.articles:
            order[article["eid"]] = len(order)
            for element in article["elements"]:
                order[element["eid"]] = len(order)
        return order

    def sort_eids(self, eids) -> list[str]:
        return sorted(set(eids), key=lambda e: (self.element_order.get(e, 10**6), e))

    @cached_property
    def reviews(self) -> dict[str, ArticleReview]:
        """Article eId → its review read against the article now (reviewed, stale or draft)."""
        return {s.eid: s for s in review_statuses(self.policy)}

    @cached_property
    def rule_owner(self) -> dict[str, str]:
        """Rule id → the eId of the article whose file holds it (where its anchor is)."""
        return {r["id"]: a["eid"] for a in self.policy.articles for r in a["rules"]}

    @cached_property
    def rules_by_eid(self) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for rule in self.policy.rules:
            for eid in rule["cites"]:
                out[eid].append(rule)
        return dict(out)

    @cached_property
    def displaced_by(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for rule in self.policy.rules:
            for displaced in rule.get("displaces", []):
                out[displaced].append(rule["id"])
        return dict(out)

    @cached_property
    def fixtures_by_eid(self) -> dict[str, list[FixtureRef]]:
        out: dict[str, list[FixtureRef]] = defaultdict(list)
        for fixture in self.fixtures:
            for eid in fixture.eids:
                out[eid].append(fixture)
        return dict(out)

    @cached_property
    def rules_by_parameter(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for rule in self.policy.rules:
            for pid in rule.get("parameters", []):
                out[pid].append(rule["id"])
        return dict(out)

    def parameters_for_article(self, article: dict[str, Any]) -> list[dict[str, Any]]:
        """Parameters that list this article or one of its elements, or that its rules read."""
        eids = {article["eid"]} | {e["eid"] for e in article["elements"]}
        used = {pid for r in article["rules"] for pid in r.get("parameters", [])}
        return [
            p
            for p in self.policy.parameters["parameters"]
            if eids.intersection(p["affects"]) or p["id"] in used
        ]

    def parameters_for_element(self, eid: str) -> list[dict[str, Any]]:
        """Parameters that list this element, or that a rule citing it reads."""
        used = {pid for r in self.rules_by_eid.get(eid, []) for pid in r.get("parameters", [])}
        return [
            p
            for p in self.policy.parameters["parameters"]
            if eid in p["affects"] or p["id"] in used
        ]

    @cached_property
    def anomalies_by_eid(self) -> dict[str, list[dict[str, Any]]]:
        """eId → the drafting anomalies found there (article files only)."""
        out: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for article in self.policy.articles:
            for anomaly in article["anomalies"]:
                out[anomaly["eid"]].append(anomaly)
        return dict(out)

    def parameters_at(self, eid: str) -> list[dict[str, Any]]:
        """Parameters that list exactly this place among what they affect (an anomaly's readings)."""
        return [p for p in self.policy.parameters["parameters"] if eid in p["affects"]]

    @cached_property
    def fixture_article(self) -> dict[str, str]:
        """Fixture id → the article whose fixtures page lists it (the first article it exercises)."""
        out = {}
        for fixture in self.fixtures:
            eids = self.sort_eids(fixture.eids)
            article = self.policy.article_of.get(eids[0]) if eids else None
            out[fixture.id] = article["eid"] if article else self.policy.articles[0]["eid"]
        return out

    @cached_property
    def fired_by(self) -> dict[str, list[FixtureRef]]:
        """Rule id → the fixtures in which it fired."""
        out: dict[str, list[FixtureRef]] = defaultdict(list)
        for fixture in self.fixtures:
            for rule_id in fixture.fired_rules:
                out[rule_id].append(fixture)
        return dict(out)

    @cached_property
    def normalisation_by_eid(self) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for entry in self.policy.normalisation["entries"]:
            out[entry["eid"]].append(entry)
        return dict(out)

    def article_fixtures(self, article: dict[str, Any]) -> list[FixtureRef]:
        eids = {article["eid"]} | {e["eid"] for e in article["elements"]}
        return [f for f in self.fixtures if eids.intersection(f.eids)]

    def article_examples(self, article: dict[str, Any]) -> list[ExampleRun]:
        eids = {article["eid"]} | {e["eid"] for e in article["elements"]}
        return [x for x in self.examples if eids.intersection(x.cited)]

    @cached_property
    def predicate_rules(self) -> dict[str, dict[str, list[str]]]:
        """Predicate → {"defined": ids of rules concluding it, "used": ids of rules using it}."""

        out: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"defined": [], "used": []})
        for rule in self.policy.program.rules:
            defined = out[rule.head.predicate]["defined"]
            if rule.id not in defined:
                defined.append(rule.id)
            for cond in rule.body:
                if isinstance(cond, Positive | Negated):
                    used = out[cond.atom.predicate]["used"]
                    if rule.id not in used:
                        used.append(rule.id)
        return dict(out)
