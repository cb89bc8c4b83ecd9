"""Which interpretation parameters a conclusion can depend on, read off the rules themselves.

An answer must say which readings it relied on, including readings that made something NOT happen
(a cousin admitted because 亲属 was read narrowly leaves no derivation to point at). A parameter is in
the scope of a conclusion when some rule that the conclusion depends on (through positive or negated
conditions, transitively) reads it.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.policy import Policy

_PARAM_ATOM = re.compile(r"\bparam(?:_int|_member)?\(\s*([a-z][a-z0-9_]*)\s*,")
_ATOM = re.compile(r"\b([a-z][a-z0-9_]*)\s*\(")
_HEAD = re.compile(r"^\s*([a-z][a-z0-9_]*)\s*(?:\(|:-|\.)")


def parameters_read(datalog: str) -> set[str]:
    """The parameter ids a rule's text reads (as constants of param/param_int/param_member)."""
    return set(_PARAM_ATOM.findall(datalog))


@cache
def _rule_graph(rules: tuple[tuple[str, str], ...]) -> dict[str, tuple[set[str], set[str]]]:
    """head predicate → (predicates its bodies use, parameters its bodies read)."""
    graph: dict[str, tuple[set[str], set[str]]] = {}
    for _rule_id, datalog in rules:
        head_match = _HEAD.match(datalog)
        if not head_match:
            continue
        head = head_match.group(1)
        body = datalog.split(":-", 1)[1] if ":-" in datalog else ""
        uses, params = graph.setdefault(head, (set(), set()))
        uses.update(_ATOM.findall(body))
        params.update(parameters_read(datalog))
    return graph


def parameters_in_scope(policy: Policy, predicates: set[str]) -> set[str]:
    """Every parameter read by a rule that any of ``predicates`` depends on."""
    rules = tuple((r["id"], r["datalog"]) for r in policy.rules)
    graph = _rule_graph(rules)
    seen: set[str] = set()
    stack = list(predicates)
    found: set[str] = set()
    while stack:
        pred = stack.pop()
        if pred in seen or pred not in graph:
            continue
        seen.add(pred)
        uses, params = graph[pred]
        found |= params
        stack.extend(uses)
    return found
