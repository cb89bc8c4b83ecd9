"""The only module that touches pyDatalog: clauses built through its Python API, evaluated per case.

How the pyDatalog 0.22.4 traps are made impossible here:

* Recursion: pyDatalog never sees a recursive clause. Each rule becomes one non-recursive clause
  ``body_<rule>(columns…) <= atoms & comparisons & negations`` over *materialised* relations;
  Python drives
  the fixpoint of a recursive component semi-naively (one clause variant per recursive body atom,
  reading
  the previous round's delta). Right recursion over a cycle, which never finishes inside pyDatalog
  (and
  cannot be interrupted: its Cython loop ignores signals), thus cannot arise, and the time limit is
  checked
  between rounds and between queries.
* Body order: the clause body is always positive atoms, then comparisons, then negations.
* Undeclared predicates: every relation is inserted into the thread's database when the program is
  loaded, so a predicate without facts answers "no tuples" instead of raising AttributeError.
* Names: every pyDatalog predicate is ``dl<fingerprint>_rel_<name>`` (or ``_delta_``/``_body_``);
names in
  the language are ``[a-z][A-Za-z0-9_]*``, so they never hold the ``.``, ``]`` or ``~`` pyDatalog
  interprets,
  never collide with ``_pyD_`` internals or with another program in the same thread. Constants are
  always
  ``Const`` and variables ``Var`` objects, so a string that looks like a variable stays a string.
* State per thread: pyDatalog keeps its database in a thread-local ``Logic``; we load each program
once per
  thread and never share a ``Logic`` between threads (``Logic(handle)`` is a shallow copy that
  leaks facts).
* Isolation between cases: every fact asserted for a case (input, derived, delta) is retracted in a
  ``finally`` block, so the next case starts from the rules alone, even after an error or a timeout.
"""

from __future__ import annotations

import threading
import time

from pyDatalog import pyEngine
from pyDatalog.Logic import Logic

from .errors import EvaluationError, EvaluationTimeout
from .joins import join_order
from .plan import Plan, PlanTerm, RulePlan
from .result import Result

_COMPARISON = {"=": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


class _Loaded:
    """One program's pyDatalog objects in the current thread."""

    def __init__(self, plan: Plan):
        ns = f"dl{plan.fingerprint}"
        self.guard_name = f"{ns}_guard"
        self.rel: dict[str, object] = {}
        self.delta: dict[str, object] = {}
        for name, arity in plan.arities:
            self.rel[name] = _declare(f"{ns}_rel_{name}", arity)
            self.delta[name] = _declare(f"{ns}_delta_{name}", arity)
        self.queries: dict[tuple[int, int], object] = {}
        for rule in plan.rules:
            if not rule.positives and not rule.comparisons and not rule.negations:
                continue  # a fact: no query needed
            variants = rule.recursive_positions or (-1,)
            for variant in variants:
                name = f"{ns}_body_{rule.index}_{variant + 1}"
                head = pyEngine.Literal(name, [pyEngine.Var(c) for c in rule.columns])
                body = self._body(rule, delta_at=variant)
                pyEngine.assert_(pyEngine.Clause(head, body))
                self.queries[(rule.index, variant)] = head

    def _body(self, rule: RulePlan, delta_at: int) -> list:
        literals = []
        order = join_order(rule.positives, first=delta_at if delta_at >= 0 else 0)
        for k, i in enumerate(order):
            pred, terms = rule.positives[i]
            store = self.delta if i == delta_at else self.rel
            literals.append(pyEngine.Literal(store[pred], [_term(t) for t in terms]))
            if k == 0:
                literals.append(self._guard(terms))
        for op, left, right in rule.comparisons:
            literals.append(pyEngine.Literal(_COMPARISON[op], [_term(left), _term(right)]))
        for pred, terms in rule.negations:
            name = "~" + self.rel[pred].name
            literals.append(pyEngine.Literal(name, [_term(t) for t in terms]))
        return literals

    def _guard(self, terms) -> object:
        """A literal that checks the deadline once per tuple of the outermost loop of the join."""
        names = list(dict.fromkeys(v for kind, v in terms if kind != "const"))
        literal = pyEngine.Literal(self.guard_name, [pyEngine.Var(v) for v in names])
        literal.pred.prim = _guard_primitive
        return literal


class _Expired(Exception):  # noqa: N818 - internal signal, turned into EvaluationTimeout
    pass


def _guard_primitive(literal, subgoal) -> None:
    """pyDatalog primitive: true, unless this thread's deadline has passed.

    pyDatalog's query loop is compiled (Cython) and ignores signals; a primitive is Python code it
    calls, so raising here is the one way to stop a long query from inside.
    """
    if time.monotonic() > _local.deadline:
        raise _Expired
    subgoal.fact(True)


def _declare(name: str, arity: int):
    pred = pyEngine.Pred(name, arity)
    pred.prearity = arity
    pyEngine.insert(pred)
    return pred


def _term(term: PlanTerm):
    kind, value = term
    if kind == "const":
        return pyEngine.Const(value)
    return pyEngine.Var(value)


_local = threading.local()


def _loaded(plan: Plan) -> _Loaded:
    """This thread's pyDatalog objects for ``plan``, loading them on first use.

    Reloads when someone else reset the thread's pyDatalog database (``pyDatalog.clear()``).
    """
    logic = Logic(True)  # get or create this thread's Logic without clearing it
    cache = getattr(_local, "cache", None)
    if cache is None or cache[0] is not logic.Db:
        cache = (logic.Db, {})
        _local.cache = cache
    programs = cache[1]
    loaded = programs.get(plan.fingerprint)
    if loaded is None:
        loaded = programs[plan.fingerprint] = _Loaded(plan)
    return loaded


class _Store:
    """Facts asserted for one evaluation, all retracted at the end."""

    def __init__(self):
        self.asserted: list = []

    def add(self, pred, values: tuple) -> None:
        clause = pyEngine.Clause(pyEngine.Literal(pred, [pyEngine.Const(v) for v in values]), [])
        pyEngine.assert_(clause)
        self.asserted.append(clause)

    def clear(self) -> None:
        for clause in self.asserted:
            pyEngine.retract(clause)
        self.asserted = []


def evaluate(
    plan: Plan, facts: dict[str, set[tuple]], needed: set[int], *, program: str, time_limit: float
) -> Result:
    """Materialise the components in ``needed`` for one case's ``facts`` (internal values)."""
    deadline = time.monotonic() + time_limit
    _local.deadline = deadline
    loaded = _loaded(plan)
    result = Result(plan)
    store = _Store()
    try:
        for name in plan.inputs:
            tuples = facts.get(name, set())
            result.relations[name] = set(tuples)
            pred = loaded.rel[name]
            for values in tuples:
                store.add(pred, values)
        for k, component in enumerate(plan.components):
            if k not in needed:
                continue
            _component(plan, loaded, store, result, k, deadline, program, time_limit)
            result.evaluated.update(component)
    finally:
        store.clear()
    return result


def _component(plan, loaded, store, result, k, deadline, program, time_limit) -> None:
    rules = plan.rules_of(k)
    for name in plan.components[k]:
        result.relations[name] = set()
        if k in plan.recursive_components:
            result.rank[name] = {}
    exit_rules = [r for r in rules if not r.recursive_positions]
    recursive_rules = [r for r in rules if r.recursive_positions]
    delta: dict[str, set[tuple]] = {}
    for rule in exit_rules:
        _check_time(deadline, program, time_limit, rule)
        for head in _apply(plan, loaded, result, rule, -1, program, time_limit):
            _new(result, delta, rule.head[0], head, 0)
    round_no = 0
    delta_store = _Store()
    try:
        while delta and recursive_rules:
            round_no += 1
            _publish(loaded, store, delta_store, delta)
            fresh: dict[str, set[tuple]] = {}
            for rule in recursive_rules:
                for position in rule.recursive_positions:
                    _check_time(deadline, program, time_limit, rule)
                    for head in _apply(plan, loaded, result, rule, position, program, time_limit):
                        _new(result, fresh, rule.head[0], head, round_no)
            delta = fresh
        _publish(loaded, store, delta_store, delta)
    finally:
        delta_store.clear()


def _new(
    result: Result, delta: dict[str, set[tuple]], pred: str, head: tuple, round_no: int
) -> None:
    if head in result.relations[pred]:
        return
    result.relations[pred].add(head)
    ranks = result.rank.get(pred)
    if ranks is not None:
        ranks[head] = round_no
    delta.setdefault(pred, set()).add(head)


def _publish(
    loaded: _Loaded, store: _Store, delta_store: _Store, delta: dict[str, set[tuple]]
) -> None:
    """Make new tuples visible to later queries: in the full relation and as this round's delta."""
    delta_store.clear()
    for pred, tuples in delta.items():
        for values in tuples:
            store.add(loaded.rel[pred], values)
            delta_store.add(loaded.delta[pred], values)


def _apply(
    plan: Plan,
    loaded: _Loaded,
    result: Result,
    rule: RulePlan,
    variant: int,
    program: str,
    time_limit: float,
) -> list[tuple]:
    """Bindings of the rule body → the head tuples they produce."""
    query = loaded.queries.get((rule.index, variant))
    if query is None:  # a fact
        rows = [()]
    else:
        try:
            answer = query.ask()
        except _Expired:
            raise EvaluationTimeout(program, time_limit, f"rule {rule.rule_id}") from None
        except TypeError as error:
            raise EvaluationError(
                program,
                rule.rule_id,
                f"a comparison met values of different types ({error}); declare argument types in "
                "the vocabulary so that such rules are rejected before evaluation",
            ) from None
        rows = [()] if answer is True else answer
    positions = {name: i for i, name in enumerate(rule.columns)}
    heads = []
    for row in rows:
        heads.append(tuple(row[positions[v]] if kind == "var" else v for kind, v in rule.head[1]))
    return heads


def _check_time(deadline: float, program: str, time_limit: float, rule: RulePlan) -> None:
    if time.monotonic() > deadline:
        raise EvaluationTimeout(program, time_limit, f"rule {rule.rule_id}")
