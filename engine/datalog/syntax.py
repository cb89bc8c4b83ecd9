"""The parsed form of a Datalog program: terms, atoms, body conditions and rules.

Every node keeps its location in the source file so that static checks can point at the exact spot.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from .declarations import RuleSource

Value = str | int


@dataclass(frozen=True)
class Var:
    """A variable. Each ``_`` gets its own name (``_#1``, ``_#2``…) and ``anonymous=True``."""

    name: str
    anonymous: bool = False

    def __str__(self) -> str:
        return "_" if self.anonymous else self.name


@dataclass(frozen=True)
class Const:
    """A constant: ``str`` for atoms and quoted strings (one value space), ``int`` for integers."""

    value: Value
    quoted: bool = False  # written as "…" (kept only to print the rule back as written)

    def __str__(self) -> str:
        return format_value(self.value, quoted=self.quoted)


Term = Var | Const


@dataclass(frozen=True)
class Pos:
    file: str
    line: int
    column: int


@dataclass(frozen=True)
class Atom:
    predicate: str
    args: tuple[Term, ...]
    pos: Pos = field(compare=False, hash=False)

    @property
    def arity(self) -> int:
        return len(self.args)

    def __str__(self) -> str:
        if not self.args:
            return self.predicate
        return f"{self.predicate}({', '.join(str(a) for a in self.args)})"


@dataclass(frozen=True)
class Positive:
    atom: Atom

    @property
    def pos(self) -> Pos:
        return self.atom.pos

    def __str__(self) -> str:
        return str(self.atom)


@dataclass(frozen=True)
class Negated:
    atom: Atom
    pos: Pos = field(compare=False, hash=False)

    def __str__(self) -> str:
        return f"not {self.atom}"


COMPARISON_OPS = ("=", "!=", "<", "<=", ">", ">=")


@dataclass(frozen=True)
class Comparison:
    op: str  # one of COMPARISON_OPS
    left: Term
    right: Term
    pos: Pos = field(compare=False, hash=False)

    def __str__(self) -> str:
        return f"{self.left} {self.op} {self.right}"


Condition = Positive | Negated | Comparison


@dataclass(frozen=True)
class Rule:
    """One clause. ``body`` is in written order; ``ordered_body`` in evaluation order."""

    id: str
    head: Atom
    body: tuple[Condition, ...]
    source: RuleSource = field(compare=False, hash=False)
    pos: Pos = field(compare=False, hash=False)
    text: str = field(default="", compare=False, hash=False)  # the clause as written

    @property
    def cites(self) -> tuple[str, ...]:
        return self.source.cites

    @property
    def reads(self) -> dict[str, str]:
        return self.source.reads

    @property
    def displaces(self) -> tuple[str, ...]:
        return self.source.displaces

    @property
    def is_fact(self) -> bool:
        return not self.body

    @functools.cached_property
    def ordered_body(self) -> tuple[Condition, ...]:
        """Positive atoms, then comparisons, then negations.

        pyDatalog answers wrongly when a negation or comparison comes before the atoms binding its
        variables (``~q(X) & p(X)`` returns nothing), so this order is the only one ever compiled,
        and
        explanations walk the body in the same order.
        """
        return (
            tuple(c for c in self.body if isinstance(c, Positive))
            + tuple(c for c in self.body if isinstance(c, Comparison))
            + tuple(c for c in self.body if isinstance(c, Negated))
        )

    def __str__(self) -> str:
        return self._printed

    @functools.cached_property
    def _printed(self) -> str:  # a rule is immutable: print it once (explanations cite it often)
        if not self.body:
            return f"{self.head}."
        return f"{self.head} :- {', '.join(str(c) for c in self.body)}."


def format_value(value: Value, *, quoted: bool | None = None) -> str:
    """Print a value as Datalog text: bare when it is a plain lower-case atom, quoted otherwise."""
    if isinstance(value, int):
        return str(value)
    if quoted is None:
        quoted = not is_plain_atom(value)
    if not quoted:
        return value
    escaped = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    )
    return f'"{escaped}"'


_PLAIN_ATOM = re.compile(r"[a-z][A-Za-z0-9_]*")


def is_plain_atom(text: str) -> bool:
    return _PLAIN_ATOM.fullmatch(text) is not None and text != "not"


def variables(term_list) -> list[Var]:
    return [t for t in term_list if isinstance(t, Var)]
