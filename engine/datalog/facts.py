"""Checking and converting the facts of one case before they reach the engine."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

from engine.datalog.values import sort_key

from ..problems import Problem
from .declarations import PredicateSig
from .errors import InvalidFacts, fact_problem
from .values import check_value, format_date, parse_date, to_internal


def internal_facts(
    facts: Mapping[str, Iterable[tuple]],
    signatures: dict[str, PredicateSig],
    known: dict[int, tuple[object, set[tuple]]] | None = None,
) -> dict[str, set[tuple]]:
    """API facts → internal tuples; raises ``InvalidFacts`` listing every problem found.

    ``known`` lets the cases of one batch share conversions: variants of one case (what-if
    analyses, other readings) pass the same relation objects, which are then checked and converted
    once. It maps ``id(rows)`` to the rows and their converted set, which is shared between the
    cases and never added to (the engine does not add to input relations)."""
    problems: list[Problem] = []
    result: dict[str, set[tuple]] = {}
    if not isinstance(facts, Mapping):
        raise InvalidFacts(
            [
                fact_problem(
                    "$",
                    f"facts must be a mapping, not {type(facts).__name__}",
                    "{predicate: [tuple, ...]}",
                )
            ]
        )
    for name in sorted(facts, key=str):
        sig = signatures.get(name)
        if sig is None:
            known = ", ".join(sorted(n for n, s in signatures.items() if s.kind == "input"))
            problems.append(
                fact_problem(
                    f"{name}",
                    f"unknown predicate {name!r}",
                    f"one of the input predicates: {known}",
                )
            )
            continue
        if sig.kind != "input":
            problems.append(
                fact_problem(
                    f"{name}",
                    f"{name} is derived by rules and cannot be given as a fact",
                    "only input predicates",
                )
            )
            continue
        rows = facts[name]
        if known is not None:
            hit = known.get(id(rows))
            if hit is not None and hit[0] is rows:
                result[name] = hit[1]
                continue
        problems_before = len(problems)
        types = sig.arg_types if len(sig.arg_types) == sig.arity else (None,) * sig.arity
        converted: set[tuple] = set()
        convert = _row_converter(types)
        if isinstance(rows, str | bytes) or not isinstance(rows, Iterable):
            problems.append(
                fact_problem(
                    name,
                    f"facts of {name} must be a list of tuples",
                    f"[({', '.join(sig.arg_names) or '…'}), …]",
                )
            )
            continue
        arity = sig.arity
        for i, row in enumerate(rows):
            if isinstance(row, tuple | list) and len(row) == arity:
                fast = convert(row)
                if fast is not None:
                    converted.add(fast)
                    continue
            # not plainly acceptable: say exactly what is wrong
            where = f"{name}[{i}]"
            if not isinstance(row, tuple | list):
                problems.append(
                    fact_problem(where, f"{row!r} is not a tuple", f"a tuple of {sig.arity}")
                )
                continue
            if len(row) != sig.arity:
                problems.append(
                    fact_problem(
                        where,
                        f"{tuple(row)!r} has {len(row)} value(s)",
                        f"{sig.arity} value(s) for {_shape(sig)}",
                    )
                )
                continue
            bad = False
            for j, (value, arg_type) in enumerate(zip(row, types, strict=True)):
                why = check_value(value, arg_type)
                if why:
                    label = sig.arg_names[j] if j < len(sig.arg_names) else f"argument {j + 1}"
                    problems.append(fact_problem(f"{where}.{label}", why, arg_type or "str or int"))
                    bad = True
            if not bad:
                converted.add(tuple(to_internal(v, t) for v, t in zip(row, types, strict=True)))
        if sig.acyclic and sig.arity == 2:
            cycle = find_cycle(converted)
            if cycle:
                shown = " → ".join(str(_show(v, types[0])) for v in cycle)
                problems.append(
                    fact_problem(
                        name,
                        f"{name} is declared acyclic but has the cycle {shown}",
                        "no cycle (e.g. nobody is their own ancestor)",
                    )
                )
        result[name] = converted
        if known is not None and len(problems) == problems_before:
            known[id(rows)] = (rows, converted)
    if problems:
        raise InvalidFacts(problems)
    return result


_PLAIN = {"symbol": (str,), "string": (str,), "integer": (int,), None: (str, int)}


@functools.lru_cache(maxsize=1024)
def _row_converter(types: tuple):
    """A fast check-and-convert of one row: the internal tuple, or None when some value is not
    plainly acceptable (the slow path then says exactly what is wrong). Built once per tuple of
    argument types."""
    dates = tuple(j for j, t in enumerate(types) if t == "date")
    allowed = tuple(_PLAIN.get(t, (str,)) for t in types)
    # one type per argument (all but untyped ones): the row's types compared at once, in C
    expected = tuple(k[0] for k in allowed) if all(len(k) == 1 for k in allowed) else None

    def convert(row) -> tuple | None:
        if expected is not None:
            if tuple(map(type, row)) != expected:
                return None
        else:
            for value, kinds in zip(row, allowed, strict=True):
                if type(value) not in kinds:
                    return None
        if not dates:
            return tuple(row)
        out = list(row)
        for j in dates:
            day = _day(row[j])
            if day is None:
                return None
            out[j] = day
        return tuple(out)

    return convert


@functools.lru_cache(maxsize=65536)
def _day(text: str) -> int | None:
    return parse_date(text)


def _shape(sig: PredicateSig) -> str:
    names = sig.arg_names or tuple(f"_{i + 1}" for i in range(sig.arity))
    return f"{sig.name}({', '.join(names)})"


def _show(value, arg_type):
    return format_date(value) if arg_type == "date" else value


def find_cycle(edges: set[tuple]) -> list | None:
    """A cycle ``[a, b, …, a]`` in a binary relation, or None; deterministic (smallest first)."""

    successors: dict = {}
    for a, b in edges:
        successors.setdefault(a, []).append(b)
    for nexts in successors.values():
        nexts.sort(key=sort_key)
    state: dict = {}  # 1 = on the current path, 2 = done
    for root in sorted(successors, key=sort_key):
        if root in state:
            continue
        path = [root]
        state[root] = 1
        stack = [iter(successors.get(root, ()))]
        while stack:
            nxt = next(stack[-1], _END)
            if nxt is _END:
                stack.pop()
                state[path.pop()] = 2
                continue
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(successors.get(nxt, ())))
    return None


_END = object()
