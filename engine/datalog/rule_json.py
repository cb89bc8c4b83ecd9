"""Parsed rules as plain JSON data and back, for a cache of compiled programs.

Parsing is the costliest step of compiling a program (the LALR parser, and importing it); a
program read back from this form skips it. The reader trusts nothing: every node is checked for
its shape and types while it is rebuilt, and anything unexpected raises ``ValueError``, which a
cache treats as "no entry" (it then parses the sources again).
"""

from __future__ import annotations

from typing import Any

from .declarations import RuleSource
from .syntax import (
    COMPARISON_OPS,
    Atom,
    Comparison,
    Condition,
    Const,
    Negated,
    Pos,
    Positive,
    Rule,
    Var,
)

FORMAT = 1


def rules_to_json(rules: list[Rule]) -> list[dict[str, Any]]:
    """Every rule with its locations and text; sources are named by id (they travel apart)."""
    return [
        {
            "id": r.id,
            "source": r.source.id,
            "text": r.text,
            "pos": _pos(r.pos),
            "head": _atom(r.head),
            "body": [_condition(c) for c in r.body],
        }
        for r in rules
    ]


def rules_from_json(data: Any, sources: list[RuleSource]) -> list[Rule]:
    """The rules ``rules_to_json`` wrote, attached to ``sources``; ``ValueError`` if malformed."""
    by_id = {s.id: s for s in sources}
    _expect(isinstance(data, list), "a list of rules")
    rules = []
    for item in data:
        _expect(isinstance(item, dict), "a rule object")
        source = by_id.get(item.get("source"))
        _expect(source is not None, "a rule of a known source")
        rules.append(
            Rule(
                _str(item.get("id")),
                _read_atom(item.get("head")),
                tuple(_read_condition(c) for c in _list(item.get("body"))),
                source,
                _read_pos(item.get("pos")),
                _str(item.get("text")),
            )
        )
    return rules


def _pos(pos: Pos) -> list:
    return [pos.file, pos.line, pos.column]


def _term(term) -> list:
    if isinstance(term, Const):
        return ["c", term.value, term.quoted]
    return ["v", term.name, term.anonymous]


def _atom(atom: Atom) -> list:
    return [atom.predicate, [_term(t) for t in atom.args], _pos(atom.pos)]


def _condition(cond: Condition) -> list:
    if isinstance(cond, Positive):
        return ["pos", _atom(cond.atom)]
    if isinstance(cond, Negated):
        return ["not", _atom(cond.atom), _pos(cond.pos)]
    return ["cmp", cond.op, _term(cond.left), _term(cond.right), _pos(cond.pos)]


def _expect(ok: bool, what: str) -> None:
    if not ok:
        raise ValueError(f"malformed cached rule: expected {what}")


def _str(value) -> str:
    _expect(isinstance(value, str), "a string")
    return value


def _list(value) -> list:
    _expect(isinstance(value, list), "a list")
    return value


def _int(value) -> int:
    _expect(isinstance(value, int) and not isinstance(value, bool), "an integer")
    return value


def _read_pos(value) -> Pos:
    file, line, column = _fixed(value, 3)
    return Pos(_str(file), _int(line), _int(column))


def _fixed(value, n: int) -> list:
    _expect(isinstance(value, list) and len(value) == n, f"a list of {n}")
    return value


def _read_term(value):
    kind, name, flag = _fixed(value, 3)
    _expect(isinstance(flag, bool), "a flag")
    if kind == "c":
        _expect(
            isinstance(name, str) or (isinstance(name, int) and not isinstance(name, bool)),
            "a constant",
        )
        return Const(name, flag)
    _expect(kind == "v", "a term")
    return Var(_str(name), flag)


def _read_atom(value) -> Atom:
    predicate, args, pos = _fixed(value, 3)
    return Atom(_str(predicate), tuple(_read_term(t) for t in _list(args)), _read_pos(pos))


def _read_condition(value) -> Condition:
    _expect(isinstance(value, list) and value, "a condition")
    kind = value[0]
    if kind == "pos":
        _kind, atom = _fixed(value, 2)
        return Positive(_read_atom(atom))
    if kind == "not":
        _kind, atom, pos = _fixed(value, 3)
        return Negated(_read_atom(atom), _read_pos(pos))
    _expect(kind == "cmp", "a condition kind")
    _kind, op, left, right, pos = _fixed(value, 5)
    _expect(op in COMPARISON_OPS, "a comparison operator")
    return Comparison(op, _read_term(left), _read_term(right), _read_pos(pos))
