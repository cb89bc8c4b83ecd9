"""A tiny, engine-independent syntax tree for Datalog programs used by the external checks.

The conformance adapter parses the suites' foreign surface syntax into it, the differential test
generates it, and both render it twice: as text in our language (for ``engine.datalog``) and as ASP
text (for clingo, the reference). Keeping it separate from ``engine.datalog.syntax`` means a bug in
the engine's parser cannot hide itself by also shaping what we compare against.

Arithmetic (``Expr``) and floats can be represented so that the engine is shown the construct and
has to reject it itself; clingo is never asked about them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

Value = str | int | float


@dataclass(frozen=True)
class Var:
    name: str  # "_" is anonymous

    @property
    def anonymous(self) -> bool:
        return self.name == "_"


@dataclass(frozen=True)
class Const:
    value: Value


@dataclass(frozen=True)
class Expr:
    """Arithmetic as written, kept only to be shown to the engine (which must reject it)."""

    parts: tuple  # Terms and operator strings, in written order


Term = Var | Const | Expr


@dataclass(frozen=True)
class Atom:
    predicate: str
    args: tuple[Term, ...] = ()


@dataclass(frozen=True)
class Literal:
    atom: Atom
    negated: bool = False


@dataclass(frozen=True)
class Compare:
    op: str  # = != < <= > >=
    left: Term
    right: Term


Condition = Literal | Compare


@dataclass(frozen=True)
class Clause:
    head: Atom
    body: tuple[Condition, ...] = ()

    @property
    def is_fact(self) -> bool:
        return not self.body


# ----------------------------------------------------------------------------------------------
# queries


def term_vars(term: Term) -> list[Var]:
    if isinstance(term, Var):
        return [term]
    if isinstance(term, Expr):
        return [v for part in term.parts if not isinstance(part, str) for v in term_vars(part)]
    return []


def atom_vars(atom: Atom) -> list[Var]:
    return [v for arg in atom.args for v in term_vars(arg)]


def body_predicates(clause: Clause) -> set[str]:
    return {c.atom.predicate for c in clause.body if isinstance(c, Literal)}


def has_arithmetic(clause: Clause) -> bool:
    terms = list(clause.head.args)
    for cond in clause.body:
        terms.extend(cond.atom.args if isinstance(cond, Literal) else (cond.left, cond.right))
    return any(isinstance(t, Expr) for t in terms)


def has_float(clause: Clause) -> bool:
    def floats(term: Term) -> bool:
        if isinstance(term, Const):
            return isinstance(term.value, float)
        if isinstance(term, Expr):
            return any(floats(p) for p in term.parts if not isinstance(p, str))
        return False

    terms = list(clause.head.args)
    for cond in clause.body:
        terms.extend(cond.atom.args if isinstance(cond, Literal) else (cond.left, cond.right))
    return any(floats(t) for t in terms)


def negation_only_variables(clause: Clause) -> set[str]:
    """Named variables that occur under ``not`` and nowhere else in the body.

    Our language rejects these (it makes the author write ``_`` or bind the variable); Nemo reads
    them as existentially quantified inside the negation.
    """
    positive: set[str] = set()
    negated: set[str] = set()
    for cond in clause.body:
        names = (
            {v.name for v in atom_vars(cond.atom)}
            if isinstance(cond, Literal)
            else {v.name for t in (cond.left, cond.right) for v in term_vars(t)}
        )
        if isinstance(cond, Literal) and not cond.negated:
            positive |= names
        elif isinstance(cond, Literal):
            negated |= names
    return {n for n in negated - positive if n != "_"}


# ---------------------------------------------------------------------------------------- our
# language

_PLAIN_NAME = re.compile(r"[a-z][A-Za-z0-9_]*")


def render_value(value: Value) -> str:
    """A constant in our syntax: strings always quoted (``"San Francisco"`` and ``"1"`` survive)."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r}: the suites' booleans have no spelling in our language")
    if isinstance(value, int | float):
        return repr(value)
    escaped = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    )
    return f'"{escaped}"'


def render_term(term: Term) -> str:
    if isinstance(term, Var):
        return term.name
    if isinstance(term, Const):
        return render_value(term.value)
    return " ".join(p if isinstance(p, str) else render_term(p) for p in term.parts)


def render_atom(atom: Atom) -> str:
    if not _PLAIN_NAME.fullmatch(atom.predicate):
        raise ValueError(f"{atom.predicate!r} is not a predicate name in our language")
    if not atom.args:
        return atom.predicate
    return f"{atom.predicate}({', '.join(render_term(a) for a in atom.args)})"


def render_condition(cond: Condition) -> str:
    if isinstance(cond, Literal):
        return ("not " if cond.negated else "") + render_atom(cond.atom)
    return f"{render_term(cond.left)} {cond.op} {render_term(cond.right)}"


def render_clause(clause: Clause) -> str:
    if clause.is_fact:
        return f"{render_atom(clause.head)}."
    return f"{render_atom(clause.head)} :- {', '.join(render_condition(c) for c in clause.body)}."


def render_facts(predicate: str, rows) -> str:
    """Facts of one predicate as program clauses, one per line, in a stable order."""
    return "\n".join(
        render_clause(Clause(Atom(predicate, tuple(Const(v) for v in row)))) for row in rows
    )
