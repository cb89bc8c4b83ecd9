"""Worked examples under each article are real cases: valid case files, real eIds, known readings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.case.load import case_problems
from engine.files.schemas import schema_problems
from engine.policy.checks.articles import _article_doc
from engine.policy.parameters import resolve_parameters
from engine.problems import Problem, ProblemsError

if TYPE_CHECKING:
    from engine.policy.model import Policy


def check_examples(policy: Policy) -> list[Problem]:
    """Worked examples must be valid cases citing real eIds, under parameters that exist."""

    problems = []
    seen: dict[str, str] = {}
    for article in policy.articles:
        doc = _article_doc(policy, article)
        for i, example in enumerate(article.get("examples", [])):
            base = ("examples", i)
            if example["id"] in seen:
                problems.append(
                    doc.problem(
                        base + ("id",),
                        f"duplicate example id {example['id']} (also in {seen[example['id']]})",
                        "a unique example id",
                    )
                )
            seen[example["id"]] = doc.file
            for j, eid in enumerate(example["eids"]):
                if eid not in policy.eids:
                    problems.append(
                        doc.problem(
                            base + ("eids", j),
                            f"example {example['id']} names {eid}, which does not exist",
                            "an eId of this policy",
                        )
                    )
            case = doc.part(base + ("case",))
            found = schema_problems(case, "case") or case_problems(case)
            problems.extend(found)
            try:
                resolve_parameters(policy.parameter_index, example.get("parameters"))
            except ProblemsError as exc:
                problems.extend(
                    doc.problem(base + ("parameters",), p.message, p.expected) for p in exc.problems
                )
    return problems
