"""Abduction over the rules: the facts and readings under which a goal holds, searched in a fixed order."""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from engine.answer.query import EARLIEST_DAY as NO_WINDOW  # a look-back window without a limit
from engine.datalog.syntax import Atom, Comparison, Const, Negated, Positive, Var
from generators.cases.domain import (
    CHECK_DEPTH,
    DATES,
    INTS,
    MAX_DEPTH,
    OPEN_KINDS,
    PARAM_PREDICATES,
    PER_BINDING,
    PER_RULE,
    SEARCH_STEPS,
    case_domain,
)

if TYPE_CHECKING:
    from engine.policy.model import Policy

# ── values tried ────────────────────────────────────────────────────────────────────────────────


# ── predicates by origin ────────────────────────────────────────────────────────────────────────


# ── search limits ───────────────────────────────────────────────────────────────────────────────


class Unrepresentable(Exception):
    """A candidate fact set that no case file (with an as-of date and parameters) can produce."""


class _Budget(Exception):
    """The search level has used its expansions."""


class State(NamedTuple):
    """What a search has chosen so far (immutable: every choice makes a new state)."""

    facts: frozenset = frozenset()  # (predicate, args): facts of the case and computed ones
    derived: frozenset = frozenset()  # (predicate, args) established while solving
    overrides: tuple = ()  # sorted (parameter id, value): readings other than the defaults
    pins: frozenset = frozenset()  # (parameter id, "eq" | "has" | "lacks", value) relied on
    forbidden: frozenset = frozenset()  # (predicate, args with None as wildcard) barred
    used: frozenset = frozenset()  # constants in use (fresh names avoid them)

    def with_fact(self, fact: tuple) -> State:
        values = {v for v in fact[1] if isinstance(v, str)}
        return self._replace(facts=self.facts | {fact}, used=self.used | values)

    def override(self, pid: str, value: Any, default: Any) -> State:
        """Another reading of a parameter (no override when it is the default again)."""
        items = dict(self.overrides)
        value = tuple(value) if isinstance(value, list) else value
        if value == (tuple(default) if isinstance(default, list) else default):
            items.pop(pid, None)
        else:
            items[pid] = value
        return self._replace(overrides=tuple(sorted(items.items())))

    def pinned(self, pid: str, how: str, value: Any) -> State:
        return self._replace(pins=self.pins | {(pid, how, value)})

    def barred(self, predicate: str, pattern: tuple) -> State:
        return self._replace(forbidden=self.forbidden | {(predicate, pattern)})


def _matches(pattern: tuple, args: tuple) -> bool:
    return all(p is None or p == a for p, a in zip(pattern, args, strict=True))


# ── the solver ──────────────────────────────────────────────────────────────────────────────────


class Solver:
    """Abduction over one policy's rules: the policy-wide tables and the current search's limits."""

    def __init__(self, policy: Policy):
        self.policy = policy
        self.program = policy.program
        self.domain = case_domain(policy)
        self.params = policy.parameter_index
        self.defaults = {pid: p["default"] for pid, p in self.params.items()}
        self.by_head: dict[str, list] = defaultdict(list)
        for rule in self.program.rules:
            self.by_head[rule.head.predicate].append(rule)
        self.kinds = {name: sig.kind for name, sig in self.program.predicates.items()}
        self.static = static_predicates(self.program.rules)
        self._instance = itertools.count()  # renames each use of a rule apart
        self.start_cache: dict[tuple, str | None] = {}
        self.reset(SEARCH_STEPS, 0)

    def reset(self, budget: int, max_overrides: int) -> None:
        """A new search level: its own budget, and a fresh memo so that no rule's search depends
        on which rules were searched before it."""
        self.steps, self.budget, self.max_overrides = 0, budget, max_overrides
        self.max_depth = MAX_DEPTH
        self._proved: dict = {}

    def _count_step(self) -> None:
        self.steps += 1
        if self.steps > self.budget:
            raise _Budget

    # terms ----------------------------------------------------------------------------------------

    @staticmethod
    def walk(term, subst: dict):
        """The value of a term (``str``/``int``), or the unbound variable it stands for."""
        while isinstance(term, Var) and term.name in subst:
            term = subst[term.name]
        if isinstance(term, Var):
            return term
        return term.value if isinstance(term, Const) else term

    def ground(self, terms, subst: dict, *, wildcard: bool = False) -> tuple:
        out = []
        for t in terms:
            v = self.walk(t, subst)
            if isinstance(v, Var):
                if not wildcard:
                    raise ValueError(f"unbound variable {v.name}")
                out.append(None)
            else:
                out.append(v)
        return tuple(out)

    @staticmethod
    def bind(subst: dict, var: Var, value) -> dict:
        new = dict(subst)
        new[var.name] = value
        return new

    def unify_args(self, terms, values: tuple, subst: dict) -> dict | None:
        for t, v in zip(terms, values, strict=True):
            w = self.walk(t, subst)
            if isinstance(w, Var):
                subst = self.bind(subst, w, v)
            elif w != v:
                return None
        return subst

    def unify_head(self, head_terms, goal_terms, subst: dict) -> dict | None:
        for h, g in zip(head_terms, goal_terms, strict=True):
            hv, gv = self.walk(h, subst), self.walk(g, subst)
            if isinstance(hv, Var) and isinstance(gv, Var):
                if hv.name != gv.name:
                    subst = self.bind(subst, hv, gv)
            elif isinstance(hv, Var):
                subst = self.bind(subst, hv, gv)
            elif isinstance(gv, Var):
                subst = self.bind(subst, gv, hv)
            elif hv != gv:
                return None
        return subst

    def comparisons_hold(self, comparisons, subst: dict, *, all_bound: bool = False) -> bool:
        for c in comparisons:
            left, right = self.walk(c.left, subst), self.walk(c.right, subst)
            if isinstance(left, Var) or isinstance(right, Var):
                if all_bound:
                    return False
                continue
            if not compare(c.op, left, right):
                return False
        return True

    # bodies ---------------------------------------------------------------------------------------

    def solve_body(
        self, body, subst: dict, state: State, depth: int, *, strict: bool = True, each=None
    ) -> Iterator[tuple[dict, State]]:
        """Solutions of a rule body. ``strict=False`` leaves its negated conditions to the check
        of the evaluated case; ``each`` caps the solutions taken of every goal (for goals whose
        variables are all pinned, another solution of an earlier goal cannot help a later one)."""
        positives = [c.atom for c in body if isinstance(c, Positive)]
        comparisons = [c for c in body if isinstance(c, Comparison)]
        negations = [c.atom for c in body if isinstance(c, Negated)] if strict else []
        yield from self._positives(positives, comparisons, negations, subst, state, depth, each)

    def _positives(self, atoms, comparisons, negations, subst, state, depth, each):
        if not self.comparisons_hold(comparisons, subst):
            return
        if not atoms:
            state = self._bar_negations(negations, subst, state)
            if state is not None:
                yield subst, state
            return
        i = min(range(len(atoms)), key=lambda k: self._order_key(atoms[k], k, subst))
        rest = atoms[:i] + atoms[i + 1 :]
        for n, (s, st) in enumerate(self.solve_atom(atoms[i], subst, state, depth)):
            if each is not None and n >= each:
                return
            yield from self._positives(rest, comparisons, negations, s, st, depth, each)

    def _order_key(self, atom: Atom, index: int, subst: dict) -> tuple:
        """Most constrained goal first: policy constants, the goal with most arguments known,
        facts before conclusions, then the order written."""
        if not atom.args:
            return (0, 0.0, 0, 0, index)
        bound = sum(not isinstance(self.walk(t, subst), Var) for t in atom.args)
        static = atom.predicate in self.static
        derived = self.kinds.get(atom.predicate) == "derived" and not static
        return (0 if static else 1, -bound / len(atom.args), int(derived), -bound, index)

    def _bar_negations(self, negations, subst: dict, state: State) -> State | None:
        """Negated conditions: none may already hold, and what would make them hold is barred."""
        for atom in negations:
            pattern = self.ground(atom.args, subst, wildcard=True)
            pred = atom.predicate
            if pred in PARAM_PREDICATES:
                if self._rows(pred, pattern, state, 0):
                    return None
                continue
            if self.kinds.get(pred) == "derived":
                if self._rows(pred, pattern, state, CHECK_DEPTH):
                    return None
            elif any(p == pred and _matches(pattern, args) for p, args in state.facts):
                return None
            state = state.barred(pred, pattern)
        return state

    def is_barred(self, fact: tuple, state: State) -> bool:
        pred, args = fact
        return any(p == pred and _matches(pattern, args) for p, pattern in state.forbidden)

    # what already follows (a small top-down prover, every sub-goal remembered) ------------------

    def _rows(self, pred: str, pattern: tuple, state: State, depth: int) -> list[tuple]:
        """Tuples of ``pred`` matching ``pattern`` (None = any) that follow from the state."""
        key = (pred, pattern, state.facts, state.derived, state.overrides, depth)
        found = self._proved.get(key)
        if found is not None:
            return found
        self._count_step()
        rows: set[tuple] = set()
        if pred in PARAM_PREDICATES:
            rows = {
                row for row in self.param_rows(pred, pattern[0], state) if _matches(pattern, row)
            }
        elif self.kinds.get(pred) != "derived":
            rows = {args for p, args in state.facts if p == pred and _matches(pattern, args)}
        else:
            rows = {args for p, args in state.derived if p == pred and _matches(pattern, args)}
            if depth > 0:
                for rule in self.by_head[pred]:
                    local = _bind_head(rule.head.args, pattern)
                    if local is None:
                        continue
                    for env in self._prove_body(list(rule.body), local, state, depth - 1):
                        rows.add(
                            tuple(
                                t.value if isinstance(t, Const) else env[t.name]
                                for t in rule.head.args
                            )
                        )
        found = sorted(rows, key=repr)
        self._proved[key] = found
        return found

    def _prove_body(self, body: list, local: dict, state: State, depth: int):
        """Environments satisfying ``body``, taking the most bound condition first."""

        def value(t):
            return t.value if isinstance(t, Const) else local.get(t.name)

        def bound(t) -> bool:
            return isinstance(t, Const) or (not t.anonymous and t.name in local)

        def terms(c):
            return (c.left, c.right) if isinstance(c, Comparison) else c.atom.args

        ready = [
            c
            for c in body
            if not isinstance(c, Positive)
            and all(bound(t) or (isinstance(t, Var) and t.anonymous) for t in terms(c))
        ]
        for cond in ready:
            if isinstance(cond, Comparison):
                if not compare(cond.op, value(cond.left), value(cond.right)):
                    return
            else:
                pattern = tuple(value(t) if bound(t) else None for t in cond.atom.args)
                if self._rows(cond.atom.predicate, pattern, state, depth):
                    return
        body = [c for c in body if not any(c is r for r in ready)]
        positives = [c for c in body if isinstance(c, Positive)]
        if not positives:
            if not body:
                yield local
            return
        best = max(positives, key=lambda c: sum(map(bound, c.atom.args)) / max(1, len(c.atom.args)))
        rest = [c for c in body if c is not best]
        pattern = tuple(value(t) if bound(t) else None for t in best.atom.args)
        for row in self._rows(best.atom.predicate, pattern, state, depth):
            extended = dict(local)
            if all(
                extended.setdefault(t.name, v) == v
                for t, v in zip(best.atom.args, row, strict=True)
                if isinstance(t, Var) and not t.anonymous
            ):
                yield from self._prove_body(rest, extended, state, depth)

    # goals ----------------------------------------------------------------------------------------

    def solve_atom(self, atom: Atom, subst: dict, state: State, depth: int):
        self._count_step()
        pred = atom.predicate
        if pred in PARAM_PREDICATES:
            yield from self.solve_param(atom, subst, state)
        elif self.kinds[pred] == "derived":
            yield from self.solve_derived(atom, subst, state, depth)
        else:
            yield from self.solve_input(atom, subst, state)

    def solve_input(self, atom: Atom, subst: dict, state: State):
        """A fact of the case: an existing one, or a new one (unless barred or clashing)."""
        pred = atom.predicate
        kinds = self.domain.position_kinds.get(pred)
        if kinds is None:
            return
        key = self.domain.keys.get(pred)
        if key is not None:
            known = [self.walk(atom.args[i], subst) for i in key]
            if not any(isinstance(v, Var) for v in known):
                same = [
                    args
                    for p, args in state.facts
                    if p == pred and all(args[i] == v for i, v in zip(key, known, strict=True))
                ]
                if same:  # a case file holds one fact per key: unify with it or fail
                    s = self.unify_args(atom.args, same[0], subst)
                    if s is not None:
                        yield s, state
                    return
        yield from self._assign(atom, 0, subst, state, kinds)

    def _assign(self, atom: Atom, i: int, subst: dict, state: State, kinds: tuple):
        if i == len(atom.args):
            args = self.ground(atom.args, subst)
            fact = (atom.predicate, args)
            if fact in state.facts:
                yield subst, state
            elif self.allowed(fact, state):
                state = state.with_fact(fact)
                if atom.predicate == "done" and not any(
                    p == "due" and a[:2] == args[:2] for p, a in state.facts
                ):  # a completion date is recorded only with the start of its period
                    companion = ("due", args)
                    if not self.allowed(companion, state):
                        return
                    state = state.with_fact(companion)
                yield subst, state
            return
        value = self.walk(atom.args[i], subst)
        if not isinstance(value, Var):
            if self.valid(kinds[i], value, atom, subst):
                yield from self._assign(atom, i + 1, subst, state, kinds)
            return
        for candidate in self.candidates(kinds[i], atom, subst, state):
            yield from self._assign(atom, i + 1, self.bind(subst, value, candidate), state, kinds)

    def candidates(self, kind, atom: Atom, subst: dict, state: State) -> list:
        """Values tried for an unknown, in order: a fresh name before reusing one."""
        if isinstance(kind, tuple):
            return list(kind)
        if kind in OPEN_KINDS:
            return [self.fresh(kind, state, subst)] + self.existing(kind, state)
        if kind == "date":
            existing = sorted({v for _, args in state.facts for v in args if v in DATES})
            return existing + [d for d in DATES if d not in existing]
        if kind == "window":
            return [NO_WINDOW, *DATES]
        if kind == "int":
            return list(INTS)
        if kind == "point":
            return list(self.domain.fault_points)
        if kind == "subject":  # due/done: "case" for Art. 15 periods, the appellant for appeals
            if self.walk(atom.args[0], subst) in self.domain.decision_periods:
                return [self.fresh("person", state, subst)] + self.existing("person", state)
            return ["case"]
        return []

    def valid(self, kind, value, atom: Atom, subst: dict) -> bool:
        if isinstance(kind, tuple):
            return value in kind
        if kind in OPEN_KINDS:
            return isinstance(value, str) and re.fullmatch(r"[a-z][a-z0-9_]*", value) is not None
        if kind in ("date", "window"):
            return isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None
        if kind == "int":
            return isinstance(value, int) and 0 <= value <= 1000
        if kind == "point":
            return value in self.domain.fault_points
        if kind == "subject":
            if self.walk(atom.args[0], subst) not in self.domain.decision_periods:
                return value == "case"
            return value != "case" and self.valid("person", value, atom, subst)
        return False

    def fresh(self, kind: str, state: State, subst: dict) -> str:
        taken = state.used | {v for v in subst.values() if isinstance(v, str)}
        return next(
            f"{OPEN_KINDS[kind]}{n}"
            for n in itertools.count(1)
            if f"{OPEN_KINDS[kind]}{n}" not in taken
        )

    def existing(self, kind: str, state: State) -> list[str]:
        found = set()
        for pred, args in state.facts:
            for value, k in zip(args, self.domain.position_kinds.get(pred, ()), strict=False):
                if k == kind or (k == "subject" and kind == "person" and value != "case"):
                    found.add(value)
        return sorted(found)

    def allowed(self, fact: tuple, state: State) -> bool:
        pred, args = fact
        if self.is_barred(fact, state):
            return False
        key = self.domain.keys.get(pred)
        if key is not None:
            k = tuple(args[i] for i in key)
            if any(p == pred and tuple(a[i] for i in key) == k for p, a in state.facts):
                return False
        if pred in ("parent", "spouse") and args[0] == args[1]:
            return False
        return not (pred == "parent" and self._ancestor(args[1], args[0], state))

    @staticmethod
    def _ancestor(person: str, of: str, state: State) -> bool:
        """Whether ``of`` is an ancestor of ``person`` (a new link the other way makes a cycle)."""
        todo, seen = [person], set()
        while todo:
            x = todo.pop()
            for p, args in state.facts:
                if p == "parent" and args[0] == x and args[1] not in seen:
                    if args[1] == of:
                        return True
                    seen.add(args[1])
                    todo.append(args[1])
        return False

    def solve_derived(self, atom: Atom, subst: dict, state: State, depth: int):
        """Reuse an established conclusion, else derive it through each rule in program order.

        Each rule offers only its first few solutions (per conclusion and in all): later ones differ
        in details the caller cannot see, and backtracking into them makes the search explode.
        Policy constants are few and are all offered.
        """
        pred = atom.predicate
        reused = 0
        # the conclusions of this predicate, in the order of all conclusions (sorted by repr)
        for _p, args in sorted((d for d in state.derived if d[0] == pred), key=repr):
            if reused >= PER_RULE:
                break
            s = self.unify_args(atom.args, args, subst)
            if s is not None:
                reused += 1
                yield s, state
        if depth >= self.max_depth:
            return
        goal = [self.walk(t, subst) for t in atom.args]
        limited = pred not in self.static
        for rule in self.by_head[pred]:
            if any(
                isinstance(h, Const) and not isinstance(g, Var) and h.value != g
                for h, g in zip(rule.head.args, goal, strict=True)
            ):
                continue
            k = next(self._instance)
            head, body = rename(rule.head, k), [rename_condition(c, k) for c in rule.body]
            s = self.unify_head(head.args, atom.args, subst)
            if s is None:
                continue
            per_conclusion: dict[tuple, int] = defaultdict(int)
            total = 0
            for s2, st2 in self.solve_body(body, s, state, depth + 1):
                fact = (pred, self.ground(head.args, s2))
                if self.is_barred(fact, st2) or (limited and per_conclusion[fact] >= PER_BINDING):
                    continue
                per_conclusion[fact] += 1
                total += 1
                if fact not in st2.derived:
                    st2 = st2._replace(derived=st2.derived | {fact})
                yield s2, st2
                if limited and total >= PER_RULE:
                    break

    # interpretation parameters --------------------------------------------------------------------

    def value(self, pid: str, state: State):
        return dict(state.overrides).get(pid, self.defaults[pid])

    def param_rows(self, pred: str, pid, state: State) -> list[tuple]:
        """The parameter facts of ``pid`` under the state's readings (as parameter_facts writes)."""
        if pid not in self.params:
            return []
        current = self.value(pid, state)
        if pred == "param_member":
            return [(pid, str(v)) for v in current]
        if current is None:
            return []
        return [(pid, current if pred == "param_int" else fact_text(current))]

    def _may_override(self, pid: str, state: State) -> bool:
        overridden = {p for p, _ in state.overrides}
        return pid in overridden or len(overridden) < self.max_overrides

    def solve_param(self, atom: Atom, subst: dict, state: State):
        """Read the parameter (and pin the reading relied on), or take another reading."""
        pid = self.walk(atom.args[0], subst)
        if isinstance(pid, Var) or pid not in self.params:
            return
        definition = self.params[pid]
        target = self.walk(atom.args[1], subst)
        if atom.predicate == "param_member":
            items = [str(v) for v in self.value(pid, state)]
            if isinstance(target, Var):
                for item in items:
                    if (pid, "lacks", item) not in state.pins:
                        yield self.bind(subst, target, item), state.pinned(pid, "has", item)
            elif target in items:
                if (pid, "lacks", target) not in state.pins:
                    yield subst, state.pinned(pid, "has", target)
            elif (pid, "lacks", target) not in state.pins and self._may_override(pid, state):
                changed = with_member(state, definition, pid, target, self.defaults[pid])
                if changed is not None:
                    yield subst, changed
            return
        current = self.value(pid, state)
        if atom.predicate == "param_int":
            options = [current] if current is not None else []
        else:
            current = fact_text(current)
            options = [current] + [o for o in param_options(definition) if o != current]
        if not isinstance(target, Var):
            options = [target]
        for option in options:
            if any(p == pid and how == "eq" and v != option for p, how, v in state.pins):
                continue
            s = self.bind(subst, target, option) if isinstance(target, Var) else subst
            st = state.pinned(pid, "eq", option)
            if option == current:
                yield s, st
            elif self._may_override(pid, state):
                python = param_value(definition, option)
                if python is not None:
                    yield s, st.override(pid, python, self.defaults[pid])


# ── helpers ─────────────────────────────────────────────────────────────────────────────────────


def _bind_head(terms, pattern: tuple) -> dict | None:
    """The variables of a rule head bound by a goal pattern; None when a constant clashes."""
    local: dict = {}
    for t, v in zip(terms, pattern, strict=True):
        if v is None:
            continue
        if isinstance(t, Const):
            if t.value != v:
                return None
        elif local.setdefault(t.name, v) != v:
            return None
    return local


def static_predicates(rules) -> set[str]:
    """Derived predicates that depend on no fact of a case, only on the policy and its readings."""
    static: set[str] = set()
    changed = True
    while changed:
        changed = False
        for pred in sorted({r.head.predicate for r in rules} - static):
            if all(
                isinstance(c, Comparison)
                or c.atom.predicate in PARAM_PREDICATES
                or c.atom.predicate in static
                for r in rules
                if r.head.predicate == pred
                for c in r.body
            ):
                static.add(pred)
                changed = True
    return static


def rename(atom: Atom, k: int) -> Atom:
    return Atom(atom.predicate, tuple(_rename_term(t, k) for t in atom.args), atom.pos)


def _rename_term(term, k: int):
    return Var(f"{term.name}~{k}", term.anonymous) if isinstance(term, Var) else term


def rename_condition(cond, k: int):
    if isinstance(cond, Positive):
        return Positive(rename(cond.atom, k))
    if isinstance(cond, Negated):
        return Negated(rename(cond.atom, k), cond.pos)
    return Comparison(cond.op, _rename_term(cond.left, k), _rename_term(cond.right, k), cond.pos)


def compare(op: str, left, right) -> bool:
    """A comparison as the engine makes it (ISO dates compare as text in the same order)."""
    if type(left) is not type(right):
        return op == "!="
    return {
        "=": left == right,
        "!=": left != right,
        "<": left < right,
        "<=": left <= right,
        ">": left > right,
        ">=": left >= right,
    }[op]


def fact_text(value) -> str:
    """A parameter value as engine.case.facts.parameter_facts writes it into a fact."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def param_options(definition: dict) -> list[str]:
    if definition["type"] == "boolean":
        return ["true", "false"]
    return [o["value"] for o in definition.get("options", [])]


def param_value(definition: dict, text):
    """The parameter value (as an override) for a fact's text; None when it is not one."""
    if definition["type"] == "boolean":
        return {"true": True, "false": False}.get(text)
    if definition["type"] == "integer":
        ok = isinstance(text, int) and text >= definition.get("minimum", 0)
        return text if ok else None
    return text if text in param_options(definition) else None


def with_member(state: State, definition: dict, pid: str, item: str, default) -> State | None:
    """The reading of a list parameter with ``item`` added (None if it cannot hold it)."""
    allowed = definition.get("items", {}).get("enum", [])
    if item not in allowed:
        return None
    current = [str(v) for v in (dict(state.overrides).get(pid, default))]
    new = [v for v in allowed if v in current or v == item]
    return state.override(pid, new, default).pinned(pid, "has", item)


def without(state: State, definition: dict, pred: str, pid: str, item, default) -> State | None:
    """A reading under which the fact ``pred(pid, item)`` does not hold (None if none exists)."""
    if pred == "param_member":
        current = [str(v) for v in (dict(state.overrides).get(pid, default))]
        return state.override(pid, [v for v in current if v != item], default).pinned(
            pid, "lacks", item
        )
    if pred == "param_int":
        if not definition.get("nullable"):
            return None
        return state.override(pid, None, default).pinned(pid, "eq", None)
    others = [o for o in param_options(definition) if o != item]
    if not others:
        return None
    return state.override(pid, param_value(definition, others[0]), default).pinned(
        pid, "eq", others[0]
    )


# ── from a solution to a case file ──────────────────────────────────────────────────────────────


# ── one rule ────────────────────────────────────────────────────────────────────────────────────


# ── the fixtures ────────────────────────────────────────────────────────────────────────────────
