"""From the policy's article files and vocabulary to one checked Datalog program.

Rules live next to the text they encode; this module is the only bridge between that YAML and the rule
language, so that a static-check error is always reported at the line of the article file where the
Datalog was written.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from engine.datalog import PredicateSig, Program, RuleSource, compile_program
from engine.datalog.rule_json import rules_from_json
from engine.policy.editions import edition_ids, in_edition
from engine.policy.layout import article_file
from engine.problems import Problem, ProblemsError

if TYPE_CHECKING:
    from engine.policy.model import Policy


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


def rule_sources(policy: Policy, edition: str | None = None) -> list[RuleSource]:
    """Every rule of every article (of one edition, if given), located at its Datalog text."""
    sources = []
    located = policy.precompiled["rule_locations"] if policy.precompiled else None
    for article in policy.articles:
        doc = None if located else policy.docs[article_file(article["eid"])]
        for i, rule in enumerate(article["rules"]):
            if edition is not None and not in_edition(rule, edition):
                continue
            if doc is None:
                file, line, column = located[rule["id"]]
            else:
                file = doc.file
                line, column = doc.text_start(("rules", i, "datalog"))
            sources.append(
                RuleSource(
                    id=rule["id"],
                    text=rule["datalog"],
                    file=file,
                    line=line or 1,
                    column=column or 1,
                    cites=tuple(rule["cites"]),
                    reads=dict(rule["reads"]),
                    displaces=tuple(rule.get("displaces", ())),
                )
            )
    return sources


def compile_policy_rules(
    policy: Policy, edition: str | None = None
) -> tuple[Program | None, list[Problem]]:
    """The compiled program (of one edition's rules, if given) and its problems; None on errors."""
    name = policy.id if edition is None else f"{policy.id}@{edition}"
    sources = rule_sources(policy, edition)
    try:
        program = compile_program(
            sources,
            vocabulary_signatures(policy.vocabulary),
            name=name,
            parsed=_cached_parse(policy, sources),
        )
    except ProblemsError as exc:
        return None, exc.problems
    return program, list(program.warnings)


def _cached_parse(policy: Policy, sources: list[RuleSource]):
    """The parsed rules of ``sources`` from the policy cache, or None (parse them)."""
    if not policy.precompiled:
        return None
    stored = policy.precompiled["rules"]
    try:
        data = [item for s in sources for item in stored[s.id]]
        return rules_from_json(data, sources), []
    except (KeyError, TypeError, ValueError):
        return None


# --- one program per edition ---------------------------------------------------------------------


def compile_edition_programs(policy: Policy) -> tuple[dict[str, Program] | None, list[Problem]]:
    """Edition id → its compiled program; editions with the same rules share one compilation.

    The real instrument has one edition and no edition tags, so this compiles exactly once. An error
    found in only some editions says which; a warning is kept only if every edition's program has it
    (an input unused by the old edition's rules but read by the new one's is not unused).
    """

    editions = edition_ids(policy.instrument)
    groups: dict[tuple[str, ...], list[str]] = {}
    for edition in editions:
        key = tuple(r["id"] for r in policy.rules if in_edition(r, edition))
        groups.setdefault(key, []).append(edition)
    programs: dict[str, Program] = {}
    found: list[tuple[list[str], list[Problem]]] = []
    failed = False
    for members in groups.values():
        only = None if len(groups) == 1 else members[0]
        program, problems = compile_policy_rules(policy, only)
        found.append((members, problems))
        if program is None:
            failed = True
        else:
            programs.update(dict.fromkeys(members, program))
    merged: list[Problem] = []
    every = [set(problems) for _, problems in found]
    for _members, problems in found:
        for p in problems:
            if p in merged or (p.severity != "error" and not all(p in s for s in every)):
                continue
            holders = [e for m, ps in found if p in ps for e in m]
            if len(groups) > 1 and len(holders) < len(editions) and p.severity == "error":
                p = replace(p, message=f"{p.message} (edition(s) {', '.join(holders)})")
            if p not in merged:
                merged.append(p)
    return (None if failed else programs), merged
