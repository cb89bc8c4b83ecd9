"""Interpretation parameters: defaults among their own options, and rules naming only parameters that exist."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from engine.policy.checks.articles import _article_doc
from engine.policy.parameters import parameter_value_problems
from engine.problems import Problem

if TYPE_CHECKING:
    from engine.policy.model import Policy


def check_parameters(policy: Policy) -> list[Problem]:
    """Defaults must be allowed values; rules may only depend on parameters that exist."""
    problems = []
    doc = policy.docs["parameters.yaml"]
    for i, p in enumerate(policy.parameters["parameters"]):
        problems.extend(
            parameter_value_problems(p, p["default"], doc, ("parameters", i, "default"))
        )
        if p["type"] == "enum":
            values = Counter(o["value"] for o in p["options"])
            for value, n in values.items():
                if n > 1:
                    problems.append(
                        doc.problem(
                            ("parameters", i, "options"),
                            f"option {value!r} listed {n} times",
                            "each option once",
                        )
                    )
        confirm = p.get("confirm_when_relied_on")
        for j, value in enumerate(confirm.get("values", []) if confirm else []):
            problems.extend(
                parameter_value_problems(
                    p, value, doc, ("parameters", i, "confirm_when_relied_on", "values", j)
                )
            )
    for article in policy.articles:
        adoc = _article_doc(policy, article)
        for i, rule in enumerate(article["rules"]):
            for j, pid in enumerate(rule.get("parameters", [])):
                if pid not in policy.parameter_index:
                    problems.append(
                        adoc.problem(
                            ("rules", i, "parameters", j),
                            f"rule {rule['id']} depends on unknown parameter {pid}",
                            "a parameter id from parameters.yaml",
                        )
                    )
    return problems
