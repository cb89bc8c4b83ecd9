"""clingo at its strongest for many small cases: one Control, one grounding for a whole batch.

Grounding the policy's ~235 rules afresh for every case is most of what "clingo per case" costs, so
comparing against it flatters our engine. Here the program is rewritten the way
``engine/datalog/batch.py`` rewrites the plan for ``evaluate_batch``: every atom gets the case
number as an extra first argument, every rule joins on it, and a rule with no positive atom reads
``bench_case(C)`` (one fact per case) so that it still holds once per case. Many cases are then
grounded and solved in one call; reading the atoms back into Python (per case, as sets of tuples)
is timed separately, since a caller that only needs a yes/no or a count would not pay it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import clingo
import clingo_reference
from program_ast import Atom, Clause, Compare, Const, Literal, Var

CASE_PREDICATE = "bench_case"
CASE_VARIABLE = "BenchCase"


def batched_text(rules) -> str:
    """The engine's parsed rules as ASP text with a case argument on every atom."""
    case = Var(CASE_VARIABLE)
    clauses = []
    for clause in clingo_reference.clauses_from_engine(rules):
        if any(
            isinstance(t, Var) and t.name == CASE_VARIABLE
            for c in (clause.head, *[getattr(b, "atom", None) for b in clause.body])
            if c is not None
            for t in c.args
        ):
            raise ValueError(f"a rule already uses the variable {CASE_VARIABLE}")
        body = []
        for cond in clause.body:
            if isinstance(cond, Literal):
                body.append(Literal(_with(cond.atom, case), negated=cond.negated))
            else:
                assert isinstance(cond, Compare)
                body.append(cond)
        if not any(isinstance(c, Literal) and not c.negated for c in body):
            body.insert(0, Literal(Atom(CASE_PREDICATE, (case,))))
        clauses.append(Clause(_with(clause.head, case), tuple(body)))
    return clingo_reference.asp_program(clauses)


def _with(atom: Atom, first) -> Atom:
    return Atom(atom.predicate, (first, *atom.args))


def batched_facts(cases: Iterable[Mapping[str, Iterable[tuple]]]) -> str:
    lines = []
    for i, facts in enumerate(cases):
        lines.append(f"{CASE_PREDICATE}({i}).")
        for predicate, rows in facts.items():
            for row in rows:
                atom = Atom(predicate, (Const(i), *(Const(v) for v in row)))
                lines.append(clingo_reference._atom(atom) + ".")
    return "\n".join(lines)


def solve_batch(
    text: str, cases: list[Mapping[str, Iterable[tuple]]], *, read_back: bool
) -> list[dict[str, set[tuple]]] | int:
    """Ground and solve ``cases`` together: per case ``{predicate: tuples}`` when ``read_back``,
    else only the number of the one model found (clingo has built it; no atom crosses into
    Python)."""
    control = clingo.Control(["--warn=none", "--models=0"])
    control.add("base", [], text + "\n" + batched_facts(cases))
    control.ground([("base", [])])
    if not read_back:
        models = []
        control.solve(on_model=lambda model: models.append(model.number))
        assert len(models) == 1, f"clingo found {len(models)} models; the program is not stratified"
        return models[0]
    found: list = []
    with control.solve(yield_=True) as handle:
        for model in handle:
            per_case: list[dict[str, set[tuple]]] = [{} for _ in cases]
            for symbol in model.symbols(atoms=True):
                arguments = symbol.arguments
                if symbol.name == CASE_PREDICATE:
                    continue
                row = tuple(clingo_reference._python_value(a) for a in arguments[1:])
                per_case[arguments[0].number].setdefault(symbol.name, set()).add(row)
            found.append(per_case)
    assert len(found) == 1, f"clingo found {len(found)} models; the program is not stratified"
    return found[0]
