"""Many cases in one evaluation: the program rewritten with a case argument on every atom.

Evaluating a case costs a few microseconds per rule whatever the case holds (235 rules for the
real policy), and a case of ~100 facts does little work per rule. ``case_plan`` rewrites the plan
so that every predicate carries the case's number as an extra first argument and every rule joins
on it: one evaluation then computes a few hundred cases at once, each rule runs once for all of
them, and the per-case results are split off afterwards (measured: docs/engine/performance.md).

Rules never see each other's cases: every atom of a rewritten body, negated ones included, shares
the case variable, so a tuple of case 3 is only ever derived from tuples of case 3, and a negation
in case 3 only asks about case 3. A rule with no positive atom (a fact, or a body of comparisons
and negations only) reads the ``_cases`` input (one tuple per case) so that it still holds once
per case. Names cannot clash with the program's: predicates of the language start with a lower-case
letter (``_cases`` cannot be written), and ``_#case`` is no variable the grammar accepts.

A derived relation is split off per case only when one of the batch's cases first reads it
(``SplitRelations``), for all the batch's cases at once: a caller that reads a few predicates of each
model (``evaluate_batch(apply=…)``) does not pay for splitting the other hundred.
"""

from __future__ import annotations

import hashlib
import threading
import weakref
from dataclasses import replace
from functools import partial
from operator import itemgetter

from .errors import EvaluationError, EvaluationTimeout
from .joins import Store, body_pipeline, run, unify_head
from .memo import Memo
from .plan import Plan, PlanAtom, RulePlan
from .result import Result

CASES = "_cases"
CASE_VAR = ("var", "_#case")

_PLANS: Memo = Memo(64)


def case_plan(plan: Plan) -> Plan:
    """``plan`` with the case argument added (memoised per program)."""
    found = _PLANS.get(plan.fingerprint)
    if found is None:
        rules = tuple(_rule(rule) for rule in plan.rules)
        arities = tuple(sorted([(name, arity + 1) for name, arity in plan.arities] + [(CASES, 1)]))
        inputs = tuple(sorted([*plan.inputs, CASES]))
        body = repr(("batched", arities, inputs, plan.components, rules))
        found = Plan(
            arities,
            inputs,
            plan.components,
            plan.recursive_components,
            rules,
            hashlib.sha256(body.encode("utf-8")).hexdigest()[:16],
            joint=True,
        )
        _PLANS.put(plan.fingerprint, found)
    return found


def _atom(atom: PlanAtom) -> PlanAtom:
    pred, terms = atom
    return (pred, (CASE_VAR, *terms))


def _rule(rule: RulePlan) -> RulePlan:
    positives = tuple(_atom(a) for a in rule.positives) or ((CASES, (CASE_VAR,)),)
    return replace(
        rule,
        head=_atom(rule.head),
        columns=(CASE_VAR[1], *rule.columns),
        positives=positives,
        negations=tuple(_atom(a) for a in rule.negations),
    )


def evaluate_cases(
    evaluate,
    plan: Plan,
    cases: list[dict[str, set[tuple]]],
    needed: set[int],
    *,
    program: str,
    time_limit: float,
) -> list[Result | Exception]:
    """One result (or the exception of that case) per case, in order.

    ``evaluate`` is a backend's single-case function; it runs the rewritten plan once over all
    cases. The batch gets ``time_limit`` per case in all; if it runs out, or meets a run-time
    error, the cases are evaluated one by one, so that only the case at fault fails, with its own
    limit and its own message.
    """
    if not cases:
        return []
    if len(cases) == 1:
        return [_single(evaluate, plan, cases[0], needed, program, time_limit)]
    merged: dict[str, set[tuple]] = {CASES: {(i,) for i in range(len(cases))}}
    for i, facts in enumerate(cases):
        for name, tuples in facts.items():
            target = merged.setdefault(name, set())
            target.update(map((i,).__add__, tuples))  # (i, *t) for each t, in C
    try:
        big = evaluate(
            case_plan(plan), merged, needed, program=program, time_limit=time_limit * len(cases)
        )
    except (EvaluationTimeout, EvaluationError):
        return [_single(evaluate, plan, facts, needed, program, time_limit) for facts in cases]
    return _split(plan, big, cases)


def _single(evaluate, plan, facts, needed, program, time_limit) -> Result | Exception:
    try:
        return evaluate(plan, facts, needed, program=program, time_limit=time_limit)
    except (EvaluationTimeout, EvaluationError) as error:
        return error


def _split(plan: Plan, big: Result, cases: list[dict[str, set[tuple]]]) -> list[Result]:
    splitter = _Splitter(big, len(cases))
    bodies = _JointBodies(big)
    results = []
    for i, facts in enumerate(cases):
        result = Result(plan)
        result.bodies = partial(bodies.rows, i)
        relations = SplitRelations(splitter)
        for name in plan.inputs:  # the case's converted facts, shared: never added to
            dict.__setitem__(relations, name, facts.get(name) or set())
        result.relations = relations
        result.evaluated = set(big.evaluated)
        splitter.parts.append(weakref.ref(relations))
        results.append(result)
    for name, ranks in big.rank.items():
        split: list[dict[tuple, int]] = [{} for _ in cases]
        for t, r in ranks.items():
            split[t[0]][t[1:]] = r
        for result, part in zip(results, split, strict=True):
            result.rank[name] = part
    return results


class _JointBodies:
    """The body bindings of the batch's rules, for the explanations of all its cases at once.

    An explanation asks for the bindings of a rule's body that produce one head tuple of one
    case (``Result.body_rows``); asked case by case, each rule's body would run once per case and
    head, which costs more than evaluating the cases did. Here a rule's body runs once over the
    joint relations, on the first question about it from any case of the batch, and its rows
    are kept by case and head tuple: the rows of case ``i`` are exactly those the case's own
    body would give, since every atom of a joint body shares the case argument."""

    def __init__(self, big: Result):
        self.big = big
        self.rules: dict[int, dict[tuple, list[tuple]]] = {}
        self.lock = threading.Lock()

    def rows(self, case: int, rule_index: int, head: tuple) -> list[tuple]:
        """The bindings (in the original rule's column order) that give ``head`` in ``case``;
        a new list, which the caller may sort."""
        by_head = self.rules.get(rule_index)
        if by_head is None:
            if unify_head(self.big.plan.rules[rule_index].head[1], (case, *head)) is None:
                return []  # no row gives it: not worth running the body for (yet)
            with self.lock:
                by_head = self.rules.get(rule_index)
                if by_head is None:
                    by_head = self.rules[rule_index] = self._run(rule_index)
        return list(by_head.get((case, *head), ()))

    def _run(self, rule_index: int) -> dict[tuple, list[tuple]]:
        big = self.big
        rule = big.plan.rules[rule_index]
        pipeline, reorder = body_pipeline(big.plan, rule_index, ())
        if big.store is None:
            big.store = Store(big.relations, partial=False)
        found = run(pipeline, big.store, None)
        rows = found if reorder is None else map(reorder, found)
        # the joint head is (case, *head): each of its terms read off a row of the joint columns
        where = [
            (False, value) if kind == "const" else (True, rule.columns.index(value))
            for kind, value in rule.head[1]
        ]
        by_head: dict[tuple, list[tuple]] = {}
        if len(where) > 1 and all(is_slot for is_slot, _ in where):
            # most heads: variables only, read off in C (a tuple: the case and at least one more)
            key_of = itemgetter(*[v for _, v in where])
            for row in rows:
                by_head.setdefault(key_of(row), []).append(row[1:])
            return by_head
        for row in rows:
            key = tuple([row[v] if is_slot else v for is_slot, v in where])
            by_head.setdefault(key, []).append(row[1:])
        return by_head


class _Splitter:
    """The derived relations of one joint evaluation, each split into the cases' relations the
    first time any case reads it (and then dropped from the joint result). It holds the cases'
    relations weakly: a case's model lets go of them (and, with the last, of this) as usual,
    without a reference cycle for the collector to find."""

    def __init__(self, big: Result, count: int):
        self.joint = {name: big.relations[name] for name in big.evaluated}
        self.pending = set(self.joint)
        self.parts: list[weakref.ref] = []
        self.count = count
        self.lock = threading.Lock()

    def split(self, name: str) -> None:
        with self.lock:
            if name not in self.pending:
                return
            parts: list[set[tuple]] = [set() for _ in range(self.count)]
            adders = [part.add for part in parts]
            for t in self.joint.pop(name):
                adders[t[0]](t[1:])
            for ref, part in zip(self.parts, parts, strict=True):
                relations = ref()
                if relations is not None:
                    dict.__setitem__(relations, name, part)
            self.pending.discard(name)

    def split_all(self) -> None:
        for name in sorted(self.pending):
            self.split(name)


class SplitRelations(dict):
    """One case's relations out of a joint evaluation: its input relations from the start, each
    derived one split off (for every case of the batch) when first read. Reads by key (``[]``,
    ``get``, ``in``) split only that relation; anything that lists the relations splits them all;
    a pickled copy is a plain dictionary of all of them."""

    __slots__ = ("_splitter", "__weakref__")

    def __init__(self, splitter: _Splitter):
        super().__init__()
        self._splitter = splitter

    # A relation is stored in every case's dictionary before it leaves ``pending`` (under the
    # splitter's lock), so a reader that checks ``pending`` first and the dictionary second
    # never misses it, whichever thread splits it meanwhile.

    def _ready(self, name: object) -> None:
        if name in self._splitter.pending:
            self._splitter.split(name)

    def __missing__(self, name: str) -> set[tuple]:
        self._ready(name)
        if dict.__contains__(self, name):
            return dict.__getitem__(self, name)
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        return name in self._splitter.pending or dict.__contains__(self, name)

    def get(self, name: str, default=None):
        if not dict.__contains__(self, name):
            self._ready(name)
        return dict.get(self, name, default)

    def _whole(self) -> None:
        if self._splitter.pending:
            self._splitter.split_all()

    def __iter__(self):
        self._whole()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._whole()
        return dict.__len__(self)

    def keys(self):
        self._whole()
        return dict.keys(self)

    def values(self):
        self._whole()
        return dict.values(self)

    def items(self):
        self._whole()
        return dict.items(self)

    def copy(self) -> dict:
        self._whole()
        return dict(dict.items(self))

    def __eq__(self, other: object) -> bool:
        self._whole()
        if isinstance(other, SplitRelations):
            other._whole()
        return dict.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __repr__(self) -> str:
        self._whole()
        return dict.__repr__(self)

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self):
        return (dict, (self.copy(),))
