"""What one evaluation produced, and the body bindings explanations ask for afterwards."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .joins import PARTIAL_MIN, Store, body_pipeline, run, unify_head
from .plan import Plan

SMALL = 64  # tuples: a relation an explanation scans first whatever it binds


@dataclass
class Result:
    """The materialised relations of one case, in internal values.

    Body bindings are not recorded while evaluating (for a large recursive program they would
    dwarf the model); ``body_rows`` recomputes them for one rule, or for one head tuple of it,
    over the final relations when an explanation or a coverage report needs them.
    """

    plan: Plan
    relations: dict[str, set[tuple]] = field(default_factory=dict)
    # predicate of a recursive component → tuple → the round of the component's fixpoint that
    # first derived it (the other derived tuples are all of round 0)
    rank: dict[str, dict[tuple, int]] = field(default_factory=dict)
    # derived predicates computed (all, unless ``outputs`` limited the evaluation)
    evaluated: set[str] = field(default_factory=set)
    store: Store | None = None  # indexes built while evaluating, reused by explanations
    # (rule index, head) → the body rows producing that head, when another evaluation holds
    # them (a joint evaluation of many cases: engine.datalog.batch); None: computed here
    bodies: Callable[[int, tuple], list[tuple]] | None = field(
        default=None, repr=False, compare=False
    )

    def __getstate__(self) -> dict:
        # Between processes only the relations travel: the receiver holds the same program and
        # reattaches its plan (``attach``); indexes are rebuilt on demand.
        state = dict(self.__dict__)
        state["store"] = None
        state["plan"] = None
        state["bodies"] = None
        return state

    def attach(self, plan: Plan) -> Result:
        if self.plan is None:
            self.plan = plan
        elif self.plan.fingerprint != plan.fingerprint:
            raise ValueError("this result was computed by another program")
        return self

    def body_holds(self, rule_index: int) -> bool:
        """Whether the rule's body has a binding that holds in the model. A body with a positive
        atom over an empty relation holds nowhere, which is most rules in most cases: that is
        answered without running the body."""
        relations = self.relations
        if any(not relations.get(pred) for pred, _ in self.plan.rules[rule_index].positives):
            return False
        return bool(self.body_rows(rule_index))

    def body_rows(self, rule_index: int, head: tuple | None = None) -> list[tuple]:
        """Every binding of the rule's body columns (``RulePlan.columns``) that holds in the model,
        or only those that produce ``head``; unordered."""
        if head is not None and self.bodies is not None:
            return self.bodies(rule_index, head)  # keyed by head: a head no row gives has none
        rule = self.plan.rules[rule_index]
        start: dict = {}
        if head is not None:
            found = unify_head(rule.head[1], head)
            if found is None:
                return []
            start = found
        bound = tuple(start)
        sizes = [len(self.relations.get(pred) or ()) for pred, _terms in rule.positives]
        small = (
            tuple(size <= SMALL for size in sizes) if sizes and max(sizes) >= PARTIAL_MIN else None
        )
        pipeline, reorder = body_pipeline(self.plan, rule_index, bound, small)
        if self.store is None:
            self.store = Store(self.relations)
        rows = run(pipeline, self.store, None, start=tuple(start.values()))
        if reorder is None:
            return list(rows)
        return [reorder(r) for r in rows]
