"""The evaluation plan: rules reduced to plain tuples that the pyDatalog backend turns into clauses.

Plain data (picklable, hashable) so that worker processes and threads can rebuild pyDatalog state
from it,
and so that its fingerprint names the pyDatalog predicates of one program apart from any other.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .checks import Analysis
from .syntax import Comparison, Const, Negated, Positive, Rule, Var
from .values import to_internal

# A term in the plan: ("var", name) | ("anon", name) | ("const", internal value)
PlanTerm = tuple[str, object]
PlanAtom = tuple[str, tuple[PlanTerm, ...]]  # (predicate, terms)


@dataclass(frozen=True)
class RulePlan:
    index: int
    rule_id: str
    component: int
    head: PlanAtom
    columns: tuple[str, ...]  # variables of the positive atoms, first occurrence order
    positives: tuple[PlanAtom, ...]
    comparisons: tuple[tuple[str, PlanTerm, PlanTerm], ...]
    negations: tuple[PlanAtom, ...]
    recursive_positions: tuple[
        int, ...
    ]  # positives whose predicate is in this rule's own component


@dataclass(frozen=True)
class Plan:
    arities: tuple[tuple[str, int], ...]  # every predicate, sorted
    inputs: tuple[str, ...]
    components: tuple[tuple[str, ...], ...]  # dependencies first
    recursive_components: frozenset[int]
    rules: tuple[RulePlan, ...]
    fingerprint: str
    # the cases of a batch evaluated together (``batch.case_plan``): every relation holds all the
    # cases' tuples, and nearly every index over one is needed whole by some rule
    joint: bool = False

    def rules_of(self, component: int) -> list[RulePlan]:
        return [r for r in self.rules if r.component == component]


def build_plan(rules: list[Rule], analysis: Analysis) -> Plan:
    sigs = analysis.signatures
    component_of = {p: k for k, comp in enumerate(analysis.components) for p in comp}
    recursive_components = frozenset(
        component_of[p] for p in analysis.recursive if p in component_of
    )
    rule_plans = []
    for index, rule in enumerate(rules):
        var_types = analysis.var_types.get(rule.id, {})

        def atom_plan(atom, _var_types=var_types):
            types = sigs[atom.predicate].arg_types if atom.predicate in sigs else ()
            terms = []
            for i, term in enumerate(atom.args):
                arg_type = types[i] if i < len(types) else None
                terms.append(_term(term, arg_type))
            return (atom.predicate, tuple(terms))

        def side(term, other, _var_types=var_types):
            other_type = _var_types.get(other.name) if isinstance(other, Var) else None
            return _term(term, other_type if isinstance(term, Const) else None)

        ordered = rule.ordered_body
        positives = tuple(atom_plan(c.atom) for c in ordered if isinstance(c, Positive))
        columns: list[str] = []
        for _pred, terms in positives:
            for kind, name in terms:
                if kind in ("var", "anon") and name not in columns:
                    columns.append(name)  # type: ignore[arg-type]
        comparisons = tuple(
            (c.op, side(c.left, c.right), side(c.right, c.left))
            for c in ordered
            if isinstance(c, Comparison)
        )
        negations = tuple(atom_plan(c.atom) for c in ordered if isinstance(c, Negated))
        component = component_of[rule.head.predicate]
        recursive_positions = tuple(
            i
            for i, (pred, _terms) in enumerate(positives)
            if component in recursive_components and component_of.get(pred) == component
        )
        rule_plans.append(
            RulePlan(
                index,
                rule.id,
                component,
                atom_plan(rule.head),
                tuple(columns),
                positives,
                comparisons,
                negations,
                recursive_positions,
            )
        )
    arities = tuple(sorted((name, sig.arity) for name, sig in sigs.items()))
    inputs = tuple(sorted(name for name, sig in sigs.items() if sig.kind == "input"))
    body = repr((arities, inputs, tuple(analysis.components), tuple(rule_plans)))
    fingerprint = hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]
    return Plan(
        arities,
        inputs,
        tuple(analysis.components),
        recursive_components,
        tuple(rule_plans),
        fingerprint,
    )


def _term(term, arg_type: str | None) -> PlanTerm:
    if isinstance(term, Var):
        return ("anon" if term.anonymous else "var", term.name)
    return (
        "const",
        to_internal(term.value, arg_type) if isinstance(term.value, str) else term.value,
    )
