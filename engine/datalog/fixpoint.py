"""Semi-naive evaluation of a program, component by component, over hash-indexed relations.

The default evaluator (``backend="native"``): rule bodies run as compiled hash joins
(``joins.py``) instead of pyDatalog queries, because asserting every tuple into pyDatalog and
querying it back cost 10 ms per case of the real policy and 991 s on the largest conformance
case (docs/dev/architecture.md, "The rule language"). pyDatalog stays available as ``backend="pydatalog"``, and the
tests hold both to the same models.

1. Derived predicates are grouped into strongly connected components (dependencies first);
   negation inside a component is rejected statically, so a negated relation is always complete.
2. A component's exit rules (no atom of the component itself in the body) run once: round 0.
3. Then each round runs, for every recursive rule, one variant per body atom of the component,
   reading that atom from the previous round's new tuples (the delta) and every other atom from
   the relations as they stood at the end of the previous round. New tuples join the relations
   and their indexes only when the round ends, so every tuple of round r is derived from tuples of
   earlier rounds: its rank, which explanations use to never explain a tuple by itself.
"""

from __future__ import annotations

from .errors import EvaluationError
from .joins import Deadline, Pipeline, Store, compile_body, identity, run
from .memo import Memo
from .plan import Plan, RulePlan
from .result import Result


class Compiled:
    """A program's bodies compiled for evaluation, and its rules grouped by component."""

    def __init__(self, plan: Plan):
        self.bodies: dict[tuple[int, int], Pipeline] = {}
        for rule in plan.rules:
            for variant in rule.recursive_positions or (-1,):
                self.bodies[(rule.index, variant)] = compile_body(rule, delta_at=variant)
        self.exit_rules: list[list[RulePlan]] = [[] for _ in plan.components]
        self.recursive_rules: list[list[RulePlan]] = [[] for _ in plan.components]
        # per component, its exit rules with their pipeline and the relations their positive
        # atoms read: a rule one of whose relations is empty cannot derive anything and is
        # skipped without running (about half of the policy's rules for a typical case)
        self.exits: list[list[tuple[RulePlan, Pipeline, tuple[str, ...]]]] = [
            [] for _ in plan.components
        ]
        for rule in plan.rules:
            group = self.recursive_rules if rule.recursive_positions else self.exit_rules
            group[rule.component].append(rule)
            if not rule.recursive_positions:
                reads = tuple(dict.fromkeys(pred for pred, _terms in rule.positives))
                self.exits[rule.component].append((rule, self.bodies[(rule.index, -1)], reads))


_COMPILED: Memo = Memo(64)


def compiled_for(plan: Plan) -> Compiled:
    """Compiled once per program (keyed by the plan's fingerprint), then reused by every case."""
    found = _COMPILED.get(plan.fingerprint)
    if found is None:
        found = _COMPILED.put(plan.fingerprint, Compiled(plan))
    return found


def evaluate(
    plan: Plan, facts: dict[str, set[tuple]], needed: set[int], *, program: str, time_limit: float
) -> Result:
    """Materialise the components in ``needed`` for one case's ``facts`` (internal values)."""
    deadline = Deadline(program, time_limit)
    # the input sets are shared, not copied: evaluation never adds to an input relation
    relations = {name: facts.get(name) or set() for name in plan.inputs}
    # a joint evaluation indexes relations whole: a pass for the few cases one rule asks about
    # would be work done again when the next rule asks about the others (measured)
    store = Store(relations, partial=not plan.joint)
    result = Result(plan, relations, store=store)
    compiled = compiled_for(plan)
    for k, component in enumerate(plan.components):
        if k not in needed:
            continue
        try:
            _component(plan, compiled, store, result, k, deadline)
        except EvaluationError as error:
            if error.program:
                raise
            raise EvaluationError(program, error.rule_id, error.message) from None
        result.evaluated.update(component)
    return result


def _component(
    plan: Plan, compiled: Compiled, store: Store, result: Result, k: int, deadline
) -> None:
    relations = store.relations
    if k not in plan.recursive_components:
        # no rule of the component reads it: every exit rule adds to the relation directly
        for name in plan.components[k]:
            relations[name] = set()
        for rule, pipeline, reads in compiled.exits[k]:
            for pred in reads:
                if not relations[pred]:
                    break
            else:
                deadline.where = rule.rule_id  # run() checks the deadline before each chunk
                rows = run(pipeline, store, deadline)
                if rows:
                    store.add(
                        rule.head[0],
                        rows if pipeline.head is identity else set(map(pipeline.head, rows)),
                    )
        return
    recursive_component = True
    for name in plan.components[k]:
        store.relations[name] = set()
        if recursive_component:
            result.rank[name] = {}
    fresh: dict[str, set[tuple]] = {}
    for rule, pipeline, reads in compiled.exits[k]:
        for pred in reads:
            if not relations[pred]:
                break
        else:
            _collect(rule, pipeline, store, deadline, fresh, None)
    delta = _close_round(store, result, fresh, 0)
    recursive = compiled.recursive_rules[k]
    round_no = 0
    while delta and recursive:
        round_no += 1
        fresh = {}
        for rule in recursive:
            for position in rule.recursive_positions:
                tuples = delta.get(rule.positives[position][0])
                if tuples:
                    _collect(
                        rule,
                        compiled.bodies[(rule.index, position)],
                        store,
                        deadline,
                        fresh,
                        tuples,
                    )
        delta = _close_round(store, result, fresh, round_no)


def _collect(
    rule: RulePlan, pipeline: Pipeline, store: Store, deadline: Deadline, fresh, delta
) -> None:
    deadline.where = rule.rule_id  # run() checks the deadline before each chunk of rows
    rows = run(pipeline, store, deadline, delta=delta if delta is not None else ())
    pred = rule.head[0]
    if pipeline.head is not identity:
        rows = set(map(pipeline.head, rows))
    rows -= store.relations[pred]
    if rows:
        fresh.setdefault(pred, set()).update(rows)


def _close_round(
    store: Store, result: Result, fresh: dict[str, set[tuple]], round_no: int
) -> dict[str, set[tuple]]:
    for pred, tuples in fresh.items():
        ranks = result.rank.get(pred)
        if ranks is not None:
            ranks.update(dict.fromkeys(tuples, round_no))
        store.extend(pred, tuples)
    return fresh
