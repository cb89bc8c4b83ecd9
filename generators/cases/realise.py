"""From a solution of the solver to a real case file: facts completed, dates chosen, checked.

A solution is a set of facts and parameter readings. A case file cannot say everything a set of facts
can (an act is mentioned only with its handling chain …), and the engine computes some facts itself
(periods' due dates, look-back windows), so this picks the procedure dates, anchors and as-of date
that make the engine compute exactly the facts wanted, then checks the file as any case file is.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from engine.answer.periods import done_field, period_rule
from engine.answer.query import EARLIEST_DAY as NO_WINDOW  # a look-back window without a limit
from engine.answer.query import query_facts
from engine.case.load import load_case
from engine.dates.calendar import official_calendar
from engine.dates.counting import compute_due
from engine.policy.editions import edition_in_force
from engine.policy.parameters import resolve_parameters
from engine.policy.readings import parameters_named
from engine.problems import ProblemsError
from generators.cases.domain import AS_OF_DEFAULT, WINDOW_MONTHS
from generators.cases.from_facts import case_from_facts
from generators.cases.solver import Solver, State, Unrepresentable, _matches

if TYPE_CHECKING:
    pass


def complete(
    facts: dict[str, set],
    forbidden: frozenset,
    more_people: set,
    taken: frozenset,
    position_kinds: dict[str, tuple],
) -> dict[str, set]:
    """Add what a case file cannot leave out (every act mentioned is an act, a collective decision
    has a decision maker and a vote …) and the case file's defaults (people are staff) unless
    barred."""
    facts = defaultdict(set, {p: set(rows) for p, rows in facts.items()})
    names = set(taken) | {
        v for rows in facts.values() for row in rows for v in row if isinstance(v, str)
    }

    def barred(pred: str, args: tuple) -> bool:
        return any(p == pred and _matches(pattern, args) for p, pattern in forbidden)

    def add(pred: str, args: tuple, why: str) -> None:
        if args in facts[pred]:
            return
        if barred(pred, args):
            raise Unrepresentable(f"{pred}{args!r} cannot be left out: {why}")
        facts[pred].add(args)

    def fresh(prefix: str) -> str:
        name = next(f"{prefix}{n}" for n in itertools.count(1) if f"{prefix}{n}" not in names)
        names.add(name)
        return name

    def values(kind: str) -> set:
        return {
            v
            for pred, rows in list(facts.items())
            for row in rows
            for v, k in zip(row, position_kinds.get(pred, ()), strict=False)
            if k == kind
        }

    decisions = (
        {d for d, _ in facts["decision_maker"]}
        | {d for d, _ in facts["presiding"]}
        | {d for d, _, _ in facts["vote"]}
    )
    for d in sorted(decisions):
        if not any(dd == d for _, dd in facts["collective_decision"]):
            add("collective_decision", (fresh("a"), d), "a decision belongs to an act")
    for _a, d in sorted(facts["collective_decision"]):
        makers = sorted(p for dd, p in facts["decision_maker"] if dd == d)
        if not makers:
            makers = [fresh("p")]
            add("decision_maker", (d, makers[0]), "a collective decision has a decision maker")
        if not any(dd == d for dd, _, _ in facts["vote"]):
            options = [(d, makers[0], v) for v in ("for", "against", "abstain", "absent")]
            allowed = [o for o in options if not barred("vote", o)]
            add("vote", (allowed or options)[0], "a collective decision records at least one vote")
    for a, _p in sorted(facts["duty_of_post"]):
        add("inaction", (a,), "a duty is looked up only for an act of inaction")
    for (a,) in sorted(facts["inaction"]):
        if not any(aa == a for aa, _ in facts["duty_of_post"]):
            add("duty_of_post", (a, fresh("post")), "the unperformed duty must belong to some post")
    for pred in ("inspectors", "team_size", "certificate", "inspecting_officer"):
        for row in sorted(facts[pred]):
            add("inspection", (row[0],), f"{pred} is recorded only for an inspection")
    for row in sorted(facts["sign_off"]):
        add("outgoing_document", (row[0],), "a sign-off is recorded only for an outgoing document")
    for a, s, leader in sorted(facts["objected"]):
        add("instruction", (a, leader, s), "an objection answers an instruction")
    for a, leader, s in sorted(facts["instruction_not_causal"]):
        add("instruction", (a, leader, s), "only an instruction can have led to the fault or not")
    for pred in ("tenure_from", "tenure_to"):
        for p, post, _d in sorted(facts[pred]):
            add("holds_post", (p, post), "a tenure is a tenure of a post held")
    if facts["report_statement"] and not facts["report_proposal"]:
        choice = next((v for v in ("yes", "no") if not barred("report_proposal", (v,))), "yes")
        add("report_proposal", (choice,), "a findings report says whether it proposed a handling")
    for a, leader in sorted(facts["manifestly_unlawful"]):
        if not any(i[0] == a and i[1] == leader for i in facts["instruction"]):
            add("instruction", (a, leader, fresh("p")), "only an instruction can be unlawful")
    for row in sorted(facts["point_confirmed"]):
        add("point_alleged", row, "a confirmed point is an alleged point")
    for a in sorted(values("act")):
        add("act", (a,), "every act mentioned in a case file is an act")
    for p in sorted(values("person") | set(more_people)):
        if not barred("staff", (p,)):
            facts["staff"].add((p,))
    return facts


def add_months(day: str, months: int) -> str:
    d = date.fromisoformat(day)
    month = d.month - 1 + months
    year, month = d.year + month // 12, month % 12 + 1
    last = 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31
    return date(year, month, min(d.day, last)).isoformat()


class Realiser:
    """Write a solution as a case file, an as-of date and parameter overrides; evaluate it."""

    def __init__(self, solver: Solver):

        self.solver = solver
        self.policy = solver.policy
        self.calendar = official_calendar()

    def case(self, state: State, case_id: str, title: dict) -> tuple[dict, str, dict, Any]:
        """(case, as_of, parameters, checked document), or Unrepresentable saying why not."""
        facts: dict[str, set] = defaultdict(set)
        for pred, args in state.facts:
            facts[pred].add(args)
        computed = {p: facts.pop(p, set()) for p in self.solver.domain.computed}
        appellants = {s for p in ("due", "done") for _, s, _ in computed[p] if s != "case"}
        facts = complete(
            facts, state.forbidden, appellants, state.used, self.solver.domain.position_kinds
        )
        overrides = {pid: (list(v) if isinstance(v, tuple) else v) for pid, v in state.overrides}
        try:
            case = case_from_facts(facts, case_id=case_id, title=title)
        except ValueError as exc:
            raise Unrepresentable(str(exc)) from exc
        self._procedure(case, computed, resolve_parameters(self.policy.parameter_index, overrides))
        for fact, definition in self.solver.domain.windows.items():
            (window,) = next(iter(computed[fact]), (NO_WINDOW,))
            if window == NO_WINDOW:
                continue
            for pid in parameters_named(definition["months_before"]):
                if overrides.get(pid) not in (None, WINDOW_MONTHS):
                    raise Unrepresentable("the look-back window is fixed by another reading")
                overrides[pid] = WINDOW_MONTHS
            case["case"][definition["anchor"]] = add_months(window, WINDOW_MONTHS)
        (as_of,) = next(iter(computed["today"]), (AS_OF_DEFAULT,))
        try:
            doc = load_case(case)
        except ProblemsError as exc:
            raise Unrepresentable(exc.problems[0].format()) from exc
        return case, as_of, dict(sorted(overrides.items())), doc

    def _procedure(self, case: dict, computed: dict, values: dict) -> None:
        """Procedure dates whose computed periods end on the due dates wanted (the policy's period
        definitions say which field starts each period and which records it as done)."""
        due = {(t, s): d for t, s, d in computed["due"]}
        done = {(t, s): d for t, s, d in computed["done"]}
        for (t, s), d in sorted(done.items()):
            if (t, s) not in due:
                raise Unrepresentable(f"done({t}, {s}, {d}) is recorded only with its start date")
        definitions = {d["id"]: d for d in self.policy.periods}
        proc = case.get("procedure", {})
        decisions = []
        for (t, s), due_day in sorted(due.items()):
            definition = definitions.get(t)
            if definition is None:
                raise Unrepresentable(f"no period {t} in the policy")
            start = self.start_for(period_rule(definition, values), due_day)
            if start is None:
                raise Unrepresentable(f"no start date makes the {t} period end on {due_day}")
            finished = done.get((t, s))
            finished_field = done_field(definition, values)
            if definition["per"] == "case":
                proc[definition["start"]] = start
                if finished:
                    if proc.get(finished_field, finished) != finished:
                        raise Unrepresentable(f"{finished_field} and done({t}) differ")
                    proc[finished_field] = finished
            else:
                decisions.append(
                    {"person": s, definition["start"]: start}
                    | ({finished_field: finished} if finished else {})
                )
        if decisions:
            proc["decisions"] = decisions
        order = ["discovered_on", "initial_review_done_on", "reported_to_party_group_on"]
        order += ["filing_decision_on", "investigation_closed_on", "statements_heard"]
        order += ["findings_report", "decisions"]
        if proc:
            case["procedure"] = {k: proc[k] for k in order if k in proc}

    def start_for(self, rule, due_day: str) -> str | None:
        """The latest start date whose period ends on ``due_day`` (None if none does)."""
        key = (rule, due_day)
        if key not in self.solver.start_cache:
            target = date.fromisoformat(due_day)
            found = None
            for back in range(90):
                start = target - timedelta(days=back)
                try:
                    if compute_due(rule, start, self.calendar).due == target:
                        found = start.isoformat()
                        break
                except ValueError:  # beyond the calendar's coverage
                    break
            self.solver.start_cache[key] = found
        return self.solver.start_cache[key]

    def model(self, case: dict, as_of: str, overrides: dict, outputs: list[str], doc=None):
        """The rules' model of the case, its facts built exactly as a query builds them
        (engine.answer.query.query_facts); only the predicates asked for are evaluated, which is
        what makes generation fast."""
        doc = doc if doc is not None else load_case(case)
        values = resolve_parameters(self.policy.parameter_index, overrides)
        edition, _ = edition_in_force(self.policy, as_of, values)
        facts = query_facts(self.policy, doc.data, values, as_of).facts
        return self.policy.program_for(edition["id"]).evaluate(facts, outputs=outputs)
