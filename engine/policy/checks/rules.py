"""The rules compile with the vocabulary, and every displacement names a real rule."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.policy.checks.articles import _article_doc
from engine.policy.compile import compile_edition_programs
from engine.problems import Problem

if TYPE_CHECKING:
    from engine.policy.model import Policy


def check_rules(policy: Policy) -> list[Problem]:
    """Compile the rules with the vocabulary; every static-check problem is located in its article file."""

    programs, problems = compile_edition_programs(policy)  # one program per edition
    if programs is not None:
        policy.programs_by_edition.update(programs)  # compiled once: the check's programs are used
    problems = list(problems)
    ids = {r["id"] for r in policy.rules}
    for article in policy.articles:
        doc = _article_doc(policy, article)
        for i, rule in enumerate(article["rules"]):
            for j, other in enumerate(rule.get("displaces", [])):
                if other not in ids:
                    problems.append(
                        doc.problem(
                            ("rules", i, "displaces", j),
                            f"rule {rule['id']} displaces unknown rule {other}",
                            "the id of a rule of this policy",
                        )
                    )
                elif other == rule["id"]:
                    problems.append(
                        doc.problem(
                            ("rules", i, "displaces", j),
                            f"rule {rule['id']} displaces itself",
                            "another rule's id",
                        )
                    )
    return problems
