"""Per-rule cases: for every rule a case that makes it fire, and for each condition one where it fails."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engine.datalog.syntax import Atom, Comparison, Const, Negated, Positive, Var
from generators.cases.domain import (
    FALLBACK_STEPS,
    FLIP,
    MAX_OVERRIDES,
    OPTIONAL_DEFAULTS,
    PARAM_PREDICATES,
    PER_TOP_GOAL,
    REPAIR_STEPS,
    SEARCH_STEPS,
    VARIANT_STEPS,
    VERIFICATIONS,
)
from generators.cases.naming import _variant_sentence, condition_slug, fill, rule_variables
from generators.cases.realise import Realiser
from generators.cases.solver import (
    Solver,
    State,
    Unrepresentable,
    _Budget,
    _matches,
    fact_text,
    param_value,
    with_member,
    without,
)

if TYPE_CHECKING:
    from engine.policy.model import Policy


@dataclass
class Mode:
    """How the target rule is solved: as written, or with condition ``index`` changed."""

    kind: str  # "fires" | "skip" | "flip" | "negate"
    index: int = -1  # position in the rule body (0-based)


@dataclass
class Found:
    """A verified candidate: its bindings, choices, case file and what holds in its model."""

    subst: dict
    state: State
    case: dict
    as_of: str
    parameters: dict
    holds: bool  # the rule's conclusion
    failing: list[int] = field(default_factory=list)  # body conditions false under the bindings


def condition_holds(cond, subst: dict, model, solver: Solver) -> bool:
    if isinstance(cond, Comparison):
        return solver.comparisons_hold([cond], subst, all_bound=True)
    pattern = tuple(
        None if isinstance(t, Var) and t.anonymous else solver.walk(t, subst)
        for t in cond.atom.args
    )
    present = not any(isinstance(v, Var) for v in pattern) and any(
        _matches(pattern, row) for row in model.tuples(cond.atom.predicate)
    )
    return present if isinstance(cond, Positive) else not present


class RuleGenerator:
    """Searches, writes and verifies the cases of one rule at a time."""

    def __init__(self, solver: Solver, realiser: Realiser):
        self.solver = solver
        self.realiser = realiser

    def search(
        self,
        rule,
        mode: Mode,
        pins: dict,
        case_id: str,
        title: dict,
        *,
        readings: tuple = (),
        keep: bool = False,
    ) -> tuple[Found | None, str]:
        """The first verified candidate for ``rule`` under ``mode``, or None and the last reason.

        Fewest readings changed first. For a fires case negated conditions guide the search, and as
        a last resort are left to the check of the evaluated case (where a blocked one may be
        repaired); variants start from a case that works, so the check suffices. A variant where
        other conditions fail too is kept as a fallback, returned when no cleaner one turns up.
        """
        solver = self.solver
        outputs = sorted(
            {rule.head.predicate}
            | {
                c.atom.predicate
                for c in rule.body
                if not isinstance(c, Comparison) and solver.kinds.get(c.atom.predicate) == "derived"
            }
        )
        start, most = len(readings), len(readings) + MAX_OVERRIDES
        if mode.kind == "fires":
            levels = [(n, True, SEARCH_STEPS) for n in range(start, most + 1)]
            levels.append((most, False, SEARCH_STEPS))
        else:
            levels = [(start, False, VARIANT_STEPS), (most, False, VARIANT_STEPS)]
        seen: set = set()
        reason, tried, fallback = "", 0, None
        for max_overrides, strict, budget in levels:
            solver.reset(budget, max_overrides)
            try:
                for subst, state in self.solutions(rule, mode, pins, strict, readings, keep):
                    key = (state.facts, state.overrides, state.forbidden)
                    if key in seen:
                        continue
                    seen.add(key)
                    tried += 1
                    found, why = self.verify(rule, mode, subst, state, outputs, case_id, title)
                    if found is not None and len(found.failing) <= (mode.kind != "fires"):
                        return found, ""
                    if found is not None and fallback is None:
                        fallback = found  # look a little further for a cleaner one, not much
                        solver.budget = min(solver.budget, solver.steps + FALLBACK_STEPS)
                    reason = why or reason
                    if tried >= VERIFICATIONS:
                        return fallback, reason
            except _Budget:
                reason = reason or "search budget exhausted"
            if fallback is not None:
                return fallback, ""
        return None, reason

    def solutions(self, rule, mode: Mode, pins: dict, strict: bool, readings: tuple, keep: bool):
        """Candidate solutions, from the parameter ``readings`` given (for a variant, those of its
        fires case, kept unchanged when ``keep``, so that it differs only in the condition changed)."""
        solver = self.solver
        used = frozenset(v for v in pins.values() if isinstance(v, str))
        state = State(used=used, overrides=readings)
        body = list(rule.body)
        changed = body[mode.index] if mode.kind == "skip" else None
        for pid, value in readings if keep else ():
            if (
                isinstance(changed, Positive)
                and changed.atom.predicate in PARAM_PREDICATES
                and solver.walk(changed.atom.args[0], pins) == pid
            ):
                continue  # the reading this variant is about
            state = self.keep_reading(state, pid, value)
        if mode.kind == "skip":
            cond = body.pop(mode.index)
            pred = cond.atom.predicate
            pattern = solver.ground(cond.atom.args, pins, wildcard=True)
            if pred in PARAM_PREDICATES:
                state = without(
                    state, solver.params[pattern[0]], pred, *pattern, solver.defaults[pattern[0]]
                )
                if state is None:
                    return
            else:
                state = state.barred(pred, pattern)
        elif mode.kind == "flip":
            cond = body[mode.index]
            body[mode.index] = Comparison(FLIP[cond.op], cond.left, cond.right, cond.pos)
        elif mode.kind == "negate":  # the negated conclusion becomes a goal
            body = [Positive(body[mode.index].atom)] + body[: mode.index] + body[mode.index + 1 :]
        each = None if mode.kind == "fires" or not pins else PER_TOP_GOAL
        yield from solver.solve_body(body, dict(pins), state, 0, strict=strict, each=each)

    def keep_reading(self, state: State, pid: str, value) -> State:
        """Pin a parameter's reading so that neither the search nor a repair changes it."""
        if self.solver.params[pid]["type"] != "list":
            # a boolean is an int to Python, but its fact reads "true"/"false" (fact_text)
            plain_int = isinstance(value, int) and not isinstance(value, bool)
            return state.pinned(pid, "eq", value if plain_int else fact_text(value))
        allowed = self.solver.params[pid].get("items", {}).get("enum", [])
        for item in allowed:
            state = state.pinned(pid, "has" if item in value else "lacks", item)
        return state

    def verify(self, rule, mode: Mode, subst, state, outputs, case_id, title, repairs: int = 3):
        """Write the candidate as a case, evaluate it, check the rule's conditions one by one."""
        try:
            case, as_of, overrides, doc = self.realiser.case(state, case_id, title)
        except Unrepresentable as exc:
            return None, str(exc)
        model = self.realiser.model(case, as_of, overrides, outputs, doc)
        truth = [condition_holds(c, subst, model, self.solver) for c in rule.body]
        target = None if mode.kind == "fires" else mode.index
        if target is not None and truth[target]:
            wrong = [target]
        elif target is None and not all(truth):
            wrong = [i for i, ok in enumerate(truth) if not ok]
        else:
            others = [i for i, ok in enumerate(truth) if not ok and i != target]
            if others and repairs > 0:  # a cleaner variant may be one repair away
                repaired = self._repaired(rule, mode, subst, state, model, others)
                if repaired is not None:
                    better, _ = self.verify(
                        rule, mode, subst, repaired, outputs, case_id, title, repairs - 1
                    )
                    if better is not None and len(better.failing) < 1 + len(others):
                        return better, ""
            holds = model.holds(rule.head.predicate, self.solver.ground(rule.head.args, subst))
            failing = ([] if target is None else [target]) + others
            return Found(dict(subst), state, case, as_of, overrides, holds, failing), ""
        reason = "; ".join(
            f"condition {i + 1} ({rule.body[i]}) {'still holds' if i == target else 'fails'}"
            for i in wrong
        )
        repaired = self._repaired(rule, mode, subst, state, model, wrong) if repairs > 0 else None
        if repaired is None:
            return None, reason
        return self.verify(rule, mode, subst, repaired, outputs, case_id, title, repairs - 1)

    # repairs --------------------------------------------------------------------------------------

    def _repaired(self, rule, mode, subst, state, model, wrong) -> State | None:
        """A candidate close to this one where the wrong conditions may come out right.

        A conclusion that holds but must not: leave out a fact the case had only by default, take
        another reading of a parameter nothing relied on, or make true a negated condition inside
        its derivation. A conclusion that must hold but does not: follow the engine's why-not.
        """
        must_hold, must_not = [], []
        for i in wrong:
            cond = rule.body[i]
            if isinstance(cond, Comparison):
                continue
            pattern = tuple(
                None if isinstance(t, Var) and t.anonymous else self.solver.walk(t, subst)
                for t in cond.atom.args
            )
            if any(isinstance(v, Var) for v in pattern):
                continue
            pred = cond.atom.predicate
            changed_target = mode.kind != "fires" and i == mode.index
            if isinstance(cond, Positive) != changed_target:
                if None not in pattern and self.solver.kinds.get(pred) == "derived":
                    must_hold.append((pred, pattern))
            else:
                rows = sorted(model.tuples(pred), key=repr)
                must_not += [(pred, row) for row in rows if _matches(pattern, row)]
        changed = state
        for pred, row in must_not:
            changed = self._break_by_removal(model.explain(pred, row), changed)
        if changed == state:
            for pred, row in must_not:
                changed = self._break_by_negation(model.explain(pred, row), changed)
        for pred, args in must_hold:
            changed = self._unblock(model, pred, args, changed)
        return None if changed == state else changed

    def _pinned(self, state: State, pred: str, pid: str, item) -> bool:
        """Whether something relied on the reading that makes ``pred(pid, item)`` hold."""
        if pred == "param_member":
            return (pid, "has", item) in state.pins
        return any(p == pid and h == "eq" for p, h, _ in state.pins)

    def _break_by_removal(self, derivation, state: State) -> State:
        """Leave out a default fact the derivation rests on, else change a reading it rests on."""
        leaves = [d for d in _walk_derivation(derivation) if d.rule is None]
        for d in leaves:
            fact = (d.predicate, tuple(d.args))
            if d.predicate in OPTIONAL_DEFAULTS and fact not in state.facts:
                return state.barred(*fact)
        for d in leaves:
            if d.predicate in PARAM_PREDICATES:
                pid, item = d.args
                if not self._pinned(state, d.predicate, pid, item):
                    definition, default = self.solver.params[pid], self.solver.defaults[pid]
                    changed = without(state, definition, d.predicate, pid, item, default)
                    if changed is not None:
                        return changed
        return state

    def _break_by_negation(self, derivation, state: State) -> State:
        solver = self.solver
        for d in _walk_derivation(derivation):
            for c in d.conditions if d.rule is not None else ():
                if c.kind != "negation":
                    continue
                args = tuple(
                    Var(f"_n{i}", True) if v is None else Const(v) for i, v in enumerate(c.args)
                )
                steps, budget = solver.steps, solver.budget
                solver.steps, solver.budget = 0, REPAIR_STEPS
                try:
                    for _, st in solver.solve_atom(
                        Atom(c.predicate, args, d.rule.pos), {}, state, 0
                    ):
                        return st
                except _Budget:
                    pass
                finally:
                    solver.steps, solver.budget = steps, budget
        return state

    def _unblock(self, model, predicate: str, args: tuple, state: State) -> State:
        """Follow the engine's why-not: set the reading a rule waits for, or break its blocker."""
        for why in model.why_not(predicate, args):
            cond = why.rule.ordered_body[why.failed_index]
            if why.failed_kind == "negation" and why.blocked_by is not None:
                changed = self._break_by_removal(why.blocked_by, state)
                if changed != state:
                    return changed
            elif isinstance(cond, Positive) and cond.atom.predicate in ("param", "param_member"):
                pid, item = (
                    t.value if isinstance(t, Const) else why.bindings.get(t.name)
                    for t in cond.atom.args
                )
                if pid not in self.solver.params or item is None:
                    continue
                definition, default = self.solver.params[pid], self.solver.defaults[pid]
                if cond.atom.predicate == "param_member":
                    if (pid, "lacks", item) not in state.pins:
                        changed = with_member(state, definition, pid, item, default)
                        if changed is not None:
                            return changed
                elif not any(p == pid and h == "eq" and v != item for p, h, v in state.pins):
                    value = param_value(definition, item)
                    if value is not None:
                        return state.override(pid, value, default).pinned(pid, "eq", item)
        return state


def _walk_derivation(derivation):
    """Every node of a derivation tree, breadth first (the conclusion, then its conditions …)."""
    todo = [derivation]
    while todo:
        d = todo.pop(0)
        yield d
        todo.extend(c.derivation for c in d.conditions if c.derivation is not None)


@dataclass
class Generation:
    fixtures: list[dict]
    not_generated: dict[str, str]  # rule id → reason
    skipped_variants: list[dict]  # {"rule", "condition": {"index", "text"}, "reason"}


def generate_rule_fixtures(policy: Policy) -> list[dict]:
    """Every generated fixture, sorted by id (``generate`` also says what was not generated)."""
    return sorted(generate(policy).fixtures, key=lambda f: f["id"])


def generate(policy: Policy, rule_ids: Iterable[str] | None = None) -> Generation:
    """Every rule's fires case and condition variants (of ``rule_ids`` only, when given), with the
    rules no case makes fire and the variants that could not be made, each with the reason."""
    solver = Solver(policy)
    gen = RuleGenerator(solver, Realiser(solver))
    constants = _policy_constants(solver)
    fixtures, not_generated, skipped = [], {}, []
    wanted = None if rule_ids is None else set(rule_ids)
    for rule in sorted(policy.program.rules, key=lambda r: r.id):
        if wanted is not None and rule.id not in wanted:
            continue
        title = {"zh": f"规则{rule.id}的生成案例", "en": f"Generated case for rule {rule.id}"}
        fires_id = f"{rule.id}--fires"
        found, reason = gen.search(rule, Mode("fires"), {}, fires_id, title)
        if found is None:
            not_generated[rule.id] = reason or "no case file makes every condition hold"
            continue
        reading = {
            lang: fill(rule.reads.get(lang, str(rule)), found.subst, solver)
            for lang in ("zh", "en")
        }
        sentence = {
            "zh": f"规则{rule.id}的最小适用情形：{reading['zh']}",
            "en": f"Minimal case in which rule {rule.id} applies: {reading['en']}",
        }
        head = solver.ground(rule.head.args, found.subst)
        fixtures.append(_fixture(rule, fires_id, "applies", None, sentence, found, head))
        pins = {}
        for name in rule_variables(rule):
            value = solver.walk(Var(name), found.subst)
            if not isinstance(value, Var):
                pins[name] = value
        for index, cond in enumerate(rule.body):
            condition = {"index": index + 1, "text": str(cond)}
            variant_id = f"{rule.id}--without-{index + 1}-{condition_slug(cond)}"
            variant, why = _variant(gen, rule, index, pins, variant_id, title, found, constants)
            if variant is None:
                skipped.append({"rule": rule.id, "condition": condition, "reason": why})
                continue
            head = solver.ground(rule.head.args, variant.subst)
            sentence = _variant_sentence(rule, index, variant, head)
            fixtures.append(
                _fixture(rule, variant_id, "does_not_apply", condition, sentence, variant, head)
            )
    return Generation(fixtures, not_generated, skipped)


def _policy_constants(solver: Solver) -> set[tuple]:
    """Conclusions that hold for every case under every reading: the policy states them outright."""
    pure = {
        pred
        for pred in solver.static
        if all(
            c.atom.predicate not in PARAM_PREDICATES
            for r in solver.by_head[pred]
            for c in r.body
            if not isinstance(c, Comparison)
        )
    }
    if not pure:
        return set()
    model = solver.program.evaluate({}, outputs=sorted(pure))
    return {(pred, row) for pred in pure for row in model.tuples(pred)}


def _variant(
    gen: RuleGenerator,
    rule,
    index: int,
    pins: dict,
    variant_id: str,
    title,
    fires: Found,
    constants,
) -> tuple[Found | None, str]:
    """The case for ``rule`` with condition ``index`` failing, or None and why there is none."""
    solver = gen.solver
    cond = rule.body[index]
    if isinstance(cond, Positive):
        pred = cond.atom.predicate
        if pred in solver.domain.always_present:
            return None, solver.domain.always_present[pred]
        if (pred, solver.ground(cond.atom.args, pins, wildcard=True)) in constants:
            return None, "本政策对任何案件都规定此结论 / the policy states it for every case"
        if pred == "param_int" and not solver.params[solver.walk(cond.atom.args[0], pins)].get(
            "nullable"
        ):
            return None, (
                "该整数参数总有取值，见比较条件的变体 / the parameter always has a value "
                "(see the variant of the comparison)"
            )
        mode = Mode("skip", index)
        attempts = [(pins, True)]
        failed = f"no case file leaves out {cond} while the other conditions hold"
    elif isinstance(cond, Negated):  # making a conclusion hold may take another reading
        mode = Mode("negate", index)
        own = {t.name for t in cond.atom.args if isinstance(t, Var)}
        attempts = [(pins, True), ({k: v for k, v in pins.items() if k not in own}, True)]
        attempts.append(({}, False))
        failed = f"no case file makes {cond.atom} hold while the other conditions hold"
    else:  # re-choose one variable of the comparison: the case's own values before computed ones
        mode = Mode("flip", index)
        names = [t.name for t in (cond.left, cond.right) if isinstance(t, Var)]
        names.sort(key=lambda n: _variable_rank(rule, n, solver))
        attempts = [({k: v for k, v in pins.items() if k != name}, True) for name in names]
        attempts.append(({}, True))
        failed = f"no case file reverses {cond} while the other conditions hold"
    last = ""
    for attempt, keep in attempts:
        found, why = gen.search(
            rule, mode, attempt, variant_id, title, readings=fires.state.overrides, keep=keep
        )
        if found is not None:
            return found, ""
        last = why or last
    return None, f"{failed} ({last})" if last else failed


def _variable_rank(rule, name: str, solver: Solver) -> int:
    """0 for a value the case states, 1 a conclusion, 2 a computed date, 3 a parameter."""
    for cond in rule.body:
        if isinstance(cond, Positive) and any(
            isinstance(t, Var) and t.name == name for t in cond.atom.args
        ):
            pred = cond.atom.predicate
            if pred in PARAM_PREDICATES:
                return 3
            if pred in solver.domain.computed:
                return 2
            return 1 if solver.kinds.get(pred) == "derived" else 0
    return 4


def _fixture(rule, fid, polarity, condition, sentence, found: Found, head: tuple) -> dict:
    return {
        "id": fid,
        "source": "generated",
        "rule": rule.id,
        "eids": list(rule.cites),
        "polarity": polarity,
        "condition": condition,
        "sentence": sentence,
        "as_of": found.as_of,
        "parameters": found.parameters,
        "case": found.case,
        "target": {"predicate": rule.head.predicate, "args": list(head), "holds": found.holds},
    }
