"""Which interpretation parameters a conclusion can depend on, read off the compiled rules.

An answer must say which readings it relied on, including readings that made something NOT happen
(a cousin admitted because 亲属 was read narrowly leaves no derivation to point at). A parameter is in
the scope of a conclusion when some rule that the conclusion depends on (through positive or negated
conditions, transitively) reads it. The dependency edges are the ones stratification uses.
"""

from __future__ import annotations

from collections import defaultdict

from engine.datalog.strata import dependency_edges
from engine.datalog.syntax import Const, Negated, Positive, Rule

PARAMETER_PREDICATES = ("param", "param_int", "param_member")


def parameters_read(rule: Rule) -> set[str]:
    """The parameter ids a rule reads (constants in the first argument of param/param_int/param_member)."""
    found = set()
    for cond in rule.body:
        if isinstance(cond, Positive | Negated) and cond.atom.predicate in PARAMETER_PREDICATES:
            first = cond.atom.args[0]
            if isinstance(first, Const):
                found.add(str(first.value))
    return found


def reads_parameter_by_variable(rule: Rule, predicates=PARAMETER_PREDICATES) -> bool:
    """Whether a rule reads, through one of ``predicates``, a parameter it names by a variable
    (``param(Q, secondary)`` with ``Q`` bound by another condition): it may read any parameter
    of that kind, which ``parameters_read`` cannot list."""
    return any(
        isinstance(cond, Positive | Negated)
        and cond.atom.predicate in predicates
        and not isinstance(cond.atom.args[0], Const)
        for cond in rule.body
    )


def required_values(rule: Rule) -> dict[str, str]:
    """The enum/boolean values a rule requires of parameters (``param(p, v)`` with both constant)."""
    out = {}
    for cond in rule.body:
        if isinstance(cond, Positive) and cond.atom.predicate == "param":
            pid, value = cond.atom.args
            if isinstance(pid, Const) and isinstance(value, Const):
                out[str(pid.value)] = str(value.value)
    return out


# rules list (by identity, kept alive here so the id is not reused) → its dependency maps; a program's
# rules never change once compiled, and every answer asks the same program
_Maps = tuple[dict[str, set[str]], dict[str, set[str]], dict[frozenset[str], frozenset[str]]]
_MAPS: dict[int, tuple[list[Rule], _Maps]] = {}
_MAPS_KEPT = 16
_SCOPES_KEPT = 64  # sets of predicates asked about per program (an answer asks one of a few)


def _maps(rules: list[Rule]) -> _Maps:
    """Predicate → the predicates its rules depend on, and → the parameters its rules read; and
    the scopes found so far."""
    hit = _MAPS.get(id(rules))
    if hit is not None and hit[0] is rules:
        return hit[1]
    uses: dict[str, set[str]] = defaultdict(set)
    for edge in dependency_edges(rules):
        uses[edge.head].add(edge.body)
    reads: dict[str, set[str]] = defaultdict(set)
    for rule in rules:
        reads[rule.head.predicate] |= parameters_read(rule)
    if len(_MAPS) >= _MAPS_KEPT:
        _MAPS.pop(next(iter(_MAPS)))
    maps: _Maps = (uses, reads, {})
    _MAPS[id(rules)] = (rules, maps)
    return maps


def parameters_in_scope(rules: list[Rule], predicates: set[str]) -> set[str]:
    """Every parameter read by a rule that any of ``predicates`` depends on (remembered per set
    of predicates: every answer of a batch asks the same question)."""
    uses, reads, scopes = _maps(rules)
    key = frozenset(predicates)
    hit = scopes.get(key)
    if hit is not None:
        return set(hit)
    seen: set[str] = set()
    stack = list(predicates)
    found: set[str] = set()
    while stack:
        pred = stack.pop()
        if pred in seen:
            continue
        seen.add(pred)
        found |= reads.get(pred, set())
        stack.extend(uses.get(pred, ()))
    if len(scopes) >= _SCOPES_KEPT:
        scopes.pop(next(iter(scopes)))
    scopes[key] = frozenset(found)
    return found
