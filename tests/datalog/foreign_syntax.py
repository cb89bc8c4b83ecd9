"""Parse the rule texts of the datalog-conformance suites, in each source system's own conventions.

The suites keep each rule as its source system wrote it (after light harvesting), so one string can
mean different things depending on where it came from:

* **Soufflé** (``souffle/…``) and **crepe** (``crepe/…``): every identifier in an argument position
  is a *variable*, whatever its case (``A(a, b, a+b) :- R(a,b).``, ``T(x1,x3) :- R(x1,a,x2),
  R(x2,a,x3).``); constants are ``"quoted"`` symbols and numbers. crepe clauses have no final ``.``
  and guard comparisons in parentheses (``(n <= 25)``).
* **Nemo** (``nemo/…``): Nemo writes variables ``?X``; the harvester dropped the ``?``, so an
  identifier starting with an upper-case letter is a variable, a lower-case one a constant.
* **manual** (``manual/…``, the suite's own cases, verified against gunray): Prolog convention, as
  ours — upper-case initial or ``_`` → variable, lower-case → constant (``result(1-2-3) :-
  seed(x).``).

Predicate names may be capitalised in every dialect (``J1(X,Y,Z)``, ``Ok()``); renaming them is the
adapter's job, not this module's. Arithmetic is kept as ``Expr`` so that our engine gets to reject
it itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from program_ast import Atom, Clause, Compare, Condition, Const, Expr, Literal, Term, Var

IDENTIFIERS_ARE_VARIABLES = "identifiers-are-variables"  # Soufflé, crepe
CASE_DECIDES = "case-decides"  # Nemo (harvested), manual/gunray, and our own language


def dialect_of(source: str) -> str:
    """The variable convention of a case, from its ``source`` field (see conformance.md)."""
    system = source.split("/", 1)[0]
    if system in ("souffle", "crepe"):
        return IDENTIFIERS_ARE_VARIABLES
    if system in ("nemo", "manual"):
        return CASE_DECIDES
    raise ForeignSyntaxError(f"no known variable convention for source {source!r}")


class ForeignSyntaxError(ValueError):
    """The adapter cannot read a suite rule; a conformance case with such a rule fails loudly."""


_TOKEN = re.compile(
    r"""
    (?P<ws>\s+|//[^\n]*)
  | (?P<string>"(?:\\.|[^"\\])*")
  | (?P<float>\d+\.\d+(?:[eE][-+]?\d+)?)
  | (?P<int>\d+)
  | (?P<ident>\??[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>:-|<=|>=|!=|=|<|>|\+|-|\*|/|%|\(|\)|,|\.|!|\\\+)
    """,
    re.VERBOSE,
)

_COMPARISONS = {"=", "!=", "<", "<=", ">", ">="}
_ARITHMETIC = {"+", "-", "*", "/", "%"}


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str


def tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ForeignSyntaxError(f"cannot read {text[pos : pos + 20]!r} in {text!r}")
        pos = match.end()
        kind = match.lastgroup
        assert kind is not None
        if kind != "ws":
            tokens.append(_Token(kind, match.group()))
    return tokens


def parse_clause(text: str, dialect: str) -> Clause:
    """One suite rule (``head :- body.``, final ``.`` optional) → ``Clause``, variables decided."""
    parser = _Parser(tokenize(text), dialect, text)
    clause = parser.clause()
    return clause


class _Parser:
    def __init__(self, tokens: list[_Token], dialect: str, text: str):
        self.tokens = tokens
        self.i = 0
        self.dialect = dialect
        self.text = text

    # -- token helpers
    def peek(self, offset: int = 0) -> _Token | None:
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else None

    def at(self, text: str, offset: int = 0) -> bool:
        tok = self.peek(offset)
        return tok is not None and tok.kind == "op" and tok.text == text

    def take(self, text: str | None = None) -> _Token:
        tok = self.peek()
        if tok is None or (text is not None and not (tok.kind == "op" and tok.text == text)):
            want = repr(text) if text else "more text"
            raise ForeignSyntaxError(f"expected {want} at token {self.i} in {self.text!r}")
        self.i += 1
        return tok

    # -- grammar
    def clause(self) -> Clause:
        head = self.atom()
        body: list[Condition] = []
        if self.at(":-"):
            self.take(":-")
            body.append(self.condition())
            while self.at(","):
                self.take(",")
                body.append(self.condition())
        if self.at("."):
            self.take(".")
        if self.peek() is not None:
            raise ForeignSyntaxError(f"unexpected {self.peek().text!r} in {self.text!r}")
        return Clause(head, tuple(body))

    def condition(self) -> Condition:
        tok = self.peek()
        if tok is not None and (
            (tok.kind == "ident" and tok.text == "not")
            or (tok.kind == "op" and tok.text in ("!", "\\+"))
        ):
            self.i += 1
            return Literal(self.atom(), negated=True)
        if self.at("("):  # crepe guard `(n <= 25)`: grouping only
            self.take("(")
            inner = self.condition()
            self.take(")")
            return inner
        nxt = self.peek(1)
        starts_atom = tok is not None and tok.kind == "ident" and not tok.text.startswith("?")
        if starts_atom and (nxt is None or (nxt.kind == "op" and nxt.text in ("(", ",", ".", ")"))):
            return Literal(self.atom())
        left = self.expr()
        op = self.take()
        if op.text not in _COMPARISONS:
            raise ForeignSyntaxError(f"expected a comparison, got {op.text!r} in {self.text!r}")
        return Compare(op.text, left, self.expr())

    def atom(self) -> Atom:
        tok = self.take()
        if tok.kind != "ident":
            raise ForeignSyntaxError(
                f"expected a predicate name, got {tok.text!r} in {self.text!r}"
            )
        args: list[Term] = []
        if self.at("("):
            self.take("(")
            if not self.at(")"):
                args.append(self.expr())
                while self.at(","):
                    self.take(",")
                    args.append(self.expr())
            self.take(")")
        return Atom(tok.text, tuple(args))

    def expr(self) -> Term:
        parts: list = [self.term()]
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.text in _ARITHMETIC:
            self.i += 1
            parts.extend([tok.text, self.term()])
        return parts[0] if len(parts) == 1 else Expr(tuple(parts))

    def term(self) -> Term:
        tok = self.take()
        if tok.kind == "int":
            return Const(int(tok.text))
        if tok.kind == "float":
            return Const(float(tok.text))
        if tok.kind == "string":
            return Const(_unquote(tok.text))
        if (
            tok.kind == "op"
            and tok.text == "-"
            and (num := self.peek())
            and num.kind in ("int", "float")
        ):
            self.i += 1
            return Const(-int(num.text) if num.kind == "int" else -float(num.text))
        if tok.kind == "op" and tok.text == "(":
            inner = self.expr()
            self.take(")")
            return Expr(("(", inner, ")"))
        if tok.kind == "ident":
            if self.at("("):
                raise ForeignSyntaxError(f"functor {tok.text}(…) in {self.text!r}: not translated")
            return self.identifier(tok.text)
        raise ForeignSyntaxError(f"unexpected {tok.text!r} in {self.text!r}")

    def identifier(self, name: str) -> Term:
        if name == "_":
            return Var("_")
        if name.startswith("?"):  # Nemo spelling, should the harvester ever keep it
            return Var(name[1:])
        if self.dialect == IDENTIFIERS_ARE_VARIABLES:
            return Var(name)
        if name[0].isupper() or name[0] == "_":
            return Var(name)
        return Const(name)


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)
