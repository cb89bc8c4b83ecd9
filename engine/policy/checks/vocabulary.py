"""The vocabulary: unique domains and predicates, arguments typed by declared domains."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from engine.problems import Problem

if TYPE_CHECKING:
    from engine.policy.model import Policy


def check_vocabulary(policy: Policy) -> list[Problem]:
    problems = []
    doc = policy.docs["vocabulary.yaml"]
    domains = Counter(d["name"] for d in policy.vocabulary["domains"])
    for i, d in enumerate(policy.vocabulary["domains"]):
        if domains[d["name"]] > 1:
            problems.append(
                doc.problem(
                    ("domains", i, "name"), f"duplicate domain {d['name']}", "a unique domain name"
                )
            )
    names = Counter(p["name"] for p in policy.vocabulary["predicates"])
    for i, pred in enumerate(policy.vocabulary["predicates"]):
        if names[pred["name"]] > 1:
            problems.append(
                doc.problem(
                    ("predicates", i, "name"),
                    f"duplicate predicate {pred['name']}",
                    "a unique predicate name",
                )
            )
        for j, arg in enumerate(pred["args"]):
            if arg["domain"] not in domains:
                problems.append(
                    doc.problem(
                        ("predicates", i, "args", j, "domain"),
                        f"unknown domain {arg['domain']}",
                        "a domain declared under domains",
                    )
                )
        if pred.get("acyclic") and len(pred["args"]) != 2:
            problems.append(
                doc.problem(
                    ("predicates", i, "acyclic"),
                    f"{pred['name']} is declared acyclic but has {len(pred['args'])} arguments",
                    "a binary relation",
                )
            )
    return problems
