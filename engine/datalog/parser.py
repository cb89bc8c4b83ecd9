"""Datalog text → ``Rule`` objects, with every syntax problem located in the source file.

A real grammar (``grammar.lark``, LALR) rather than regular expressions: nested quotes, Chinese
strings and
comments cannot fool it, and its errors say what was expected.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from ..problems import Problem
from .declarations import RuleSource
from .syntax import Atom, Comparison, Condition, Const, Negated, Pos, Positive, Rule, Term, Var

_TERMINAL_NAMES = {
    "NAME": "a predicate name or lower-case constant",
    "VAR": "a variable",
    "STRING": 'a "string"',
    "INT": "an integer",
    "FLOAT": "a number",
    "NOT": "not",
    "COMPOP": "a comparison (= != < <= > >=)",
    "IF": "`:-`",
    "DOT": "`.`",
    "COMMA": "`,`",
    "LPAR": "`(`",
    "RPAR": "`)`",
    "MINUS": "`-`",
    "ADDOP": "`+`",
    "MULOP": "`*`",
    "$END": "end of text",
}


@functools.cache
def _grammar() -> Lark:
    text = resources.files(__package__).joinpath("grammar.lark").read_text(encoding="utf-8")
    return Lark(text, parser="lalr", propagate_positions=True, maybe_placeholders=False)


def parse_rules(sources: list[RuleSource]) -> tuple[list[Rule], list[Problem]]:
    """Parse every source; a source with a syntax error contributes a problem and no rules."""
    rules: list[Rule] = []
    problems: list[Problem] = []
    for source in sources:
        got, found = parse_source(source)
        rules.extend(got)
        problems.extend(found)
    return rules, problems


def parse_source(source: RuleSource) -> tuple[list[Rule], list[Problem]]:
    locate = _Locator(source)
    try:
        tree = _grammar().parse(source.text)
    except UnexpectedInput as error:
        return [], [_syntax_problem(source, locate, error)]
    clauses = tree.children
    if not clauses:
        pos = locate(1, 1)
        return [], [
            Problem(
                pos.file,
                pos.line,
                pos.column,
                f"rule {source.id}",
                "no Datalog clause in the text",
                expected="a rule `head(X) :- body(X).` or a fact `p(a).`",
                code="syntax",
            )
        ]
    rules: list[Rule] = []
    problems: list[Problem] = []
    many = len(clauses) > 1
    for index, clause in enumerate(clauses, start=1):
        rule_id = f"{source.id}#{index}" if many else source.id
        builder = _ClauseBuilder(source, rule_id, locate)
        rule = builder.build(clause)
        problems.extend(builder.problems)
        if rule is not None and not builder.problems:
            rules.append(rule)
    return rules, problems


class _Locator:
    """Maps a (line, column) inside the rule text to the position in the file that holds it.

    The column offset is applied to every line: right for YAML block scalars (every line indented
    the same)
    and for one-line texts; approximate for folded flow scalars, whose indentation YAML does not
    keep.
    """

    def __init__(self, source: RuleSource):
        self.source = source

    def __call__(self, line: int, column: int) -> Pos:
        return Pos(self.source.file, self.source.line + line - 1, self.source.column + column - 1)


def _syntax_problem(source: RuleSource, locate: _Locator, error: UnexpectedInput) -> Problem:
    line = getattr(error, "line", None)
    column = getattr(error, "column", None)
    at_end = isinstance(error, UnexpectedEOF) or (
        isinstance(error, UnexpectedToken) and error.token.type == "$END"
    )
    if at_end or not isinstance(line, int) or line < 1:  # point just after the last character
        lines = source.text.rstrip().split("\n")
        line, column = len(lines), len(lines[-1]) + 1
    pos = locate(line, column if isinstance(column, int) and column > 0 else 1)
    where = f"rule {source.id}"
    if isinstance(error, UnexpectedCharacters):
        char = source.text[error.pos_in_stream] if error.pos_in_stream < len(source.text) else ""
        message, expected = _unexpected_character(char, error)
    elif isinstance(error, UnexpectedToken):
        token = error.token
        if token.type == "$END":
            message = "syntax error: the text ends in the middle of a clause"
        else:
            message = f"syntax error: unexpected {str(token)!r}"
        expected = _expected(error.expected)
        if token.type == "COMPOP" and str(token) == "=" and "COMPOP" not in error.expected:
            message += " (`=` compares two terms inside a rule body; `==` is not Datalog)"
    elif isinstance(error, UnexpectedEOF):
        message = "syntax error: the text ends in the middle of a clause"
        expected = _expected(error.expected) or "a clause ending with `.`"
    else:  # pragma: no cover - lark has no other UnexpectedInput subclasses today
        message, expected = f"syntax error: {error}", ""
    aggregate = _aggregate_near(source.text, getattr(error, "pos_in_stream", None))
    if aggregate:
        return Problem(
            pos.file,
            pos.line,
            pos.column,
            where,
            f"aggregate `{aggregate}` is not supported",
            "plain Datalog; compute counts, sums, minima and maxima in the case input",
            code="aggregate",
        )
    return Problem(pos.file, pos.line, pos.column, where, message, expected=expected, code="syntax")


# Aggregates as Soufflé (`C = count : { … }`, `S = sum X : { … }`), clingo (`#count{ … }`) and
# call-style dialects (`M = min(X)`) write them. Only looked for around a syntax error, so that a
# predicate that happens to be called `count` is never mistaken for one.
_AGGREGATE = re.compile(
    r"#\s*(count|sum|sum\+|min|max|avg|mean)\s*\{"
    r"|=\s*(count|sum|min|max|avg|mean)\s*(:|\(|\{|[A-Z_])"
    r"|\b(count|sum|min|max|avg|mean)\s*:\s*\{"
    r"|\b(count|sum|min|max|avg|mean)\s+[A-Z_][A-Za-z0-9_]*\s*:"
)


def _aggregate_near(text: str, offset: int | None) -> str | None:
    if offset is None:
        offset = len(text)
    window_start = max(0, offset - 40)
    match = _AGGREGATE.search(text, window_start, min(len(text), offset + 40))
    if match is None:
        return None
    return next(g for g in match.groups() if g)


def _unexpected_character(char: str, error: UnexpectedCharacters) -> tuple[str, str]:
    if char == "'":
        return "single quotes are not supported", 'a double-quoted string such as "审核人"'
    if char == '"':
        return "unterminated string", 'a closing " on the same line'
    if char in "（），。：":
        return f"full-width punctuation {char!r} outside a string", "ASCII punctuation ( ) , . :"
    if re.match(r"[^\x00-\x7f]", char or "a"):
        return (
            f"non-ASCII character {char!r} outside a string",
            'names in ASCII; Chinese text only inside "double quotes"',
        )
    allowed = {name for name in (error.allowed or ()) if not name.startswith("__")}
    return f"syntax error: unexpected character {char!r}", _expected(allowed)


def _expected(names) -> str:
    # `+` `*` `/` are in the grammar only to reject arithmetic: never suggest them
    names = [n for n in names or () if n not in ("ADDOP", "MULOP")]
    shown = sorted({_TERMINAL_NAMES.get(n, n.lower()) for n in names})
    return "one of: " + ", ".join(shown) if shown else ""


class _ClauseBuilder:
    """Builds one ``Rule`` from a parse tree, collecting the constructs we parse only to reject."""

    def __init__(self, source: RuleSource, rule_id: str, locate: _Locator):
        self.source = source
        self.rule_id = rule_id
        self.locate = locate
        self.problems: list[Problem] = []
        self._anonymous = 0

    def build(self, clause: Tree) -> Rule | None:
        head = self._atom(clause.children[0])
        body: tuple[Condition, ...] = ()
        if clause.data == "rule":
            body_tree = clause.children[2]
            body = tuple(self._condition(c) for c in body_tree.children)
        meta = clause.meta
        text = _slice(self.source.text, meta)
        return Rule(
            id=self.rule_id,
            head=head,
            body=body,
            source=self.source,
            pos=self.locate(meta.line, meta.column),
            text=text,
        )

    def _pos(self, node: Tree | Token) -> Pos:
        if isinstance(node, Token):
            return self.locate(node.line, node.column)
        return self.locate(node.meta.line, node.meta.column)

    def _atom(self, node: Tree) -> Atom:
        name = str(node.children[0])
        args = tuple(self._term(child) for child in node.children[1:])
        return Atom(name, args, self._pos(node))

    def _condition(self, node: Tree) -> Condition:
        if node.data == "positive":
            return Positive(self._atom(node.children[0]))
        if node.data == "negated":
            return Negated(self._atom(node.children[1]), self._pos(node))
        left, op, right = node.children
        return Comparison(str(op), self._term(left), self._term(right), self._pos(node))

    def _term(self, node: Tree | Token) -> Term:
        kind = node.data if isinstance(node, Tree) else None
        if kind == "variable":
            name = str(node.children[0])
            if name == "_":
                self._anonymous += 1
                return Var(f"_#{self._anonymous}", anonymous=True)
            return Var(name)
        if kind == "symbol":
            return Const(str(node.children[0]))
        if kind == "string":
            return Const(_unescape(str(node.children[0])), quoted=True)
        if kind == "integer":
            return Const(int(str(node.children[0])))
        if kind == "negative_int":
            return Const(-int(str(node.children[1])))
        if kind in ("float", "negative_float"):
            self._reject(
                node,
                f"floating-point number {_slice(self.source.text, node.meta)!r} is not supported",
                "an integer, or a string; the language has no floats (pyDatalog rounds them and "
                "treats 1, 1.0 and True as one constant)",
                "float",
            )
            return Const(0)
        if kind == "arithmetic":
            self._reject(
                node,
                f"arithmetic {_slice(self.source.text, node.meta)!r} is not supported",
                "a variable or a constant; compute values in the case input instead "
                "(pyDatalog silently derives nothing from arithmetic in a head)",
                "arithmetic",
            )
            return Const(0)
        raise AssertionError(f"unexpected parse node {node!r}")  # pragma: no cover

    def _reject(self, node: Tree, message: str, expected: str, code: str) -> None:
        pos = self._pos(node)
        self.problems.append(
            Problem(
                pos.file, pos.line, pos.column, f"rule {self.rule_id}", message, expected, code=code
            )
        )


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unescape(quoted: str) -> str:
    body = quoted[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body)


def _slice(text: str, meta) -> str:
    return text[meta.start_pos : meta.end_pos]
