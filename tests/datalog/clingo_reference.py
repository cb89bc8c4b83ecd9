"""clingo as the reference evaluator: render a ``program_ast`` program as ASP, read its model.

A stratified Datalog program with negation has exactly one stable model, its perfect model, so
clingo's single answer set is the model our engine must produce. Values are mapped so that both
sides mean the same:

* every ``str`` becomes an ASP *string* (``"a"``), never an ASP constant, because our ``a`` and
  ``"a"`` are one value; every ``int`` an ASP number. ASP orders numbers before strings and strings
  by their bytes, as our engine does (ints first, str by code point — the same for UTF-8).
* ``_`` under ``not`` is projected by clingo ("no tuple for any value"), as in our language.

clingo is a test-time dependency only (pyproject ``dev`` extra).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import clingo
from program_ast import Atom, Clause, Compare, Condition, Const, Expr, Literal, Term, Value, Var


class NotExpressible(ValueError):
    """The program uses something (arithmetic, floats) that we never ask clingo about."""


def asp_value(value: Value) -> str:
    if isinstance(value, bool | float):
        raise NotExpressible(f"{value!r} has no counterpart in our language")
    if isinstance(value, int):
        return str(value)
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _term(term: Term) -> str:
    if isinstance(term, Var):
        return term.name
    if isinstance(term, Const):
        return asp_value(term.value)
    assert isinstance(term, Expr)
    raise NotExpressible("arithmetic is not part of our language")


def _atom(atom: Atom) -> str:
    if not atom.args:
        return atom.predicate
    return f"{atom.predicate}({','.join(_term(a) for a in atom.args)})"


def _condition(cond: Condition) -> str:
    if isinstance(cond, Literal):
        return ("not " if cond.negated else "") + _atom(cond.atom)
    assert isinstance(cond, Compare)
    return f"{_term(cond.left)}{cond.op}{_term(cond.right)}"


def asp_clause(clause: Clause) -> str:
    if clause.is_fact:
        return f"{_atom(clause.head)}."
    return f"{_atom(clause.head)} :- {', '.join(_condition(c) for c in clause.body)}."


def asp_facts(facts: Mapping[str, Iterable[tuple]]) -> str:
    lines = []
    for predicate, rows in facts.items():
        for row in rows:
            lines.append(_atom(Atom(predicate, tuple(Const(v) for v in row))) + ".")
    return "\n".join(lines)


def _python_value(symbol: clingo.Symbol):
    if symbol.type == clingo.SymbolType.Number:
        return symbol.number
    if symbol.type == clingo.SymbolType.String:
        return symbol.string
    if symbol.type == clingo.SymbolType.Function and not symbol.arguments:
        return symbol.name
    return str(symbol)


def asp_program(clauses: Iterable[Clause]) -> str:
    return "\n".join(asp_clause(c) for c in clauses)


def solve(clauses: Iterable[Clause], facts: Mapping[str, Iterable[tuple]]) -> dict[str, set[tuple]]:
    """The unique model of a stratified program: ``{predicate: set of tuples}`` (absent = empty).

    Raises ``AssertionError`` if clingo finds no model or several (not stratified: a generator bug).
    """
    return solve_text(asp_program(clauses), facts)


def solve_text(program: str, facts: Mapping[str, Iterable[tuple]]) -> dict[str, set[tuple]]:
    """As ``solve``, for a program rendered once with ``asp_program`` (the benchmark's case)."""
    control = clingo.Control(["--warn=none", "--models=0"])
    control.add("base", [], program + "\n" + asp_facts(facts))
    control.ground([("base", [])])
    models: list[dict[str, set[tuple]]] = []
    with control.solve(yield_=True) as handle:
        for model in handle:
            found: dict[str, set[tuple]] = {}
            for symbol in model.symbols(atoms=True):
                row = tuple(_python_value(a) for a in symbol.arguments)
                found.setdefault(symbol.name, set()).add(row)
            models.append(found)
    assert len(models) == 1, f"clingo found {len(models)} models; the program is not stratified"
    return models[0]


def clauses_from_engine(rules) -> list[Clause]:
    """``engine.datalog.Rule`` objects (as parsed by our engine) → clauses clingo can be given.

    Used where the program exists only in our language (the policy, in the benchmark). Date
    arguments stay ISO ``YYYY-MM-DD`` strings on the clingo side; ASP compares strings by their
    bytes, which for ISO dates is calendar order, so ``D1 < D2`` means the same on both sides.
    """
    from engine.datalog import Comparison, Negated, Positive
    from engine.datalog import Const as EngineConst

    def term(t) -> Term:
        if isinstance(t, EngineConst):
            return Const(t.value)
        return Var("_" if t.anonymous else t.name)

    def atom(a) -> Atom:
        return Atom(a.predicate, tuple(term(t) for t in a.args))

    clauses = []
    for rule in rules:
        body: list[Condition] = []
        for cond in rule.body:
            if isinstance(cond, Positive):
                body.append(Literal(atom(cond.atom)))
            elif isinstance(cond, Negated):
                body.append(Literal(atom(cond.atom), negated=True))
            else:
                assert isinstance(cond, Comparison)
                body.append(Compare(cond.op, term(cond.left), term(cond.right)))
        clauses.append(Clause(atom(rule.head), tuple(body)))
    return clauses
