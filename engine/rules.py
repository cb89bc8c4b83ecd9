"""From the policy's article files and vocabulary to one checked Datalog program.

Rules live next to the text they encode; this module is the only bridge between that YAML and the rule
language, so that a static-check error is always reported at the line of the article file where the
Datalog was written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.datalog import PredicateSig, Program, RuleSource, compile_program
from engine.problems import Problem, ProblemsError

if TYPE_CHECKING:
    from engine.policy import Policy


def vocabulary_signatures(vocabulary: dict) -> dict[str, PredicateSig]:
    """vocabulary.yaml → the engine's predicate signatures (domains reduced to their base types)."""
    bases = {d["name"]: d["base"] for d in vocabulary["domains"]}
    return {
        p["name"]: PredicateSig(
            name=p["name"],
            arity=len(p["args"]),
            kind=p["kind"],
            arg_names=tuple(a["name"] for a in p["args"]),
            arg_types=tuple(bases.get(a["domain"], "symbol") for a in p["args"]),
            acyclic=bool(p.get("acyclic", False)),
        )
        for p in vocabulary["predicates"]
    }


def rule_sources(policy: Policy) -> list[RuleSource]:
    """Every rule of every article, located at the first character of its Datalog text."""
    from engine.policy import article_file

    sources = []
    for article in policy.articles:
        doc = policy.docs[article_file(article["eid"])]
        for i, rule in enumerate(article["rules"]):
            line, column = doc.text_start(("rules", i, "datalog"))
            sources.append(
                RuleSource(
                    id=rule["id"],
                    text=rule["datalog"],
                    file=doc.file,
                    line=line or 1,
                    column=column or 1,
                    cites=tuple(rule["cites"]),
                    reads=dict(rule["reads"]),
                    displaces=tuple(rule.get("displaces", ())),
                )
            )
    return sources


def compile_policy_rules(policy: Policy) -> tuple[Program | None, list[Problem]]:
    """The compiled program and its problems (warnings included); None when there are errors."""
    try:
        program = compile_program(
            rule_sources(policy), vocabulary_signatures(policy.vocabulary), name=policy.id
        )
    except ProblemsError as exc:
        return None, exc.problems
    return program, list(program.warnings)
