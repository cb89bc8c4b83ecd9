"""Rule bodies compiled to hash joins over in-memory relations: the inner loop of evaluation.

A body is compiled once per program into a pipeline of steps that each turn a list of partial
bindings (tuples of values, one slot per variable bound so far) into the next list:

* a positive atom looks its bound arguments up in a hash index of the relation (built on first use
  and kept up to date as the relation grows) and appends the values of its new variables;
* a comparison filters; a negation filters through a set of the negated relation's projected
  tuples (its predicate is complete: negation is stratified);
* after any step, variables that nothing later reads are projected away and the list deduplicated,
  so that a join never multiplies rows that the head cannot tell apart.

Working on whole lists (list comprehensions over dict look-ups) instead of one tuple at a time
keeps the interpreter overhead per binding to a few bytecodes; the first step's rows are fed
through in chunks so that memory stays bounded and the deadline is checked often.

Everything here is plain Python over the plan's tuples: no rule text is ever executed, and the
answers do not depend on the order of atoms (only the work does).
"""

from __future__ import annotations

import operator
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .errors import EvaluationError, EvaluationTimeout
from .memo import Memo
from .plan import PlanTerm, RulePlan

CHUNK = 4096  # first-step rows pushed through the pipeline at once

_OPS: dict[str, Callable[[object, object], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_EMPTY: dict = {}


class Deadline:
    """When an evaluation must stop, and what to say then."""

    __slots__ = ("at", "program", "limit", "where")  # where: the id of the rule running

    def __init__(self, program: str, limit: float):
        self.at = time.monotonic() + limit
        self.program = program
        self.limit = limit
        self.where = ""

    def check(self) -> None:
        if time.monotonic() > self.at:
            where = f"rule {self.where}" if self.where else ""
            raise EvaluationTimeout(self.program, self.limit, where)


# --- relations and their indexes --------------------------------------------------------------

# An index spec: (predicate, equal position pairs, key positions, extension positions). The index
# maps the values at the key positions (a bare value for one key position, a tuple otherwise) to
# the set (an insertion-ordered dict) of the values at the extension positions, over the tuples
# whose values at each equal pair agree. Constants of an atom are looked up as key values, so all
# rules that read e.g. ``param(name, V)`` with different names share one index.
IndexSpec = tuple[str, tuple, tuple, tuple]


# A relation this large is indexed whole only when the rows asking about it want keys enough to
# pay for it: a look-up of a few keys (the parties and members of a recusal, the tuple an
# explanation asks about) takes the matching tuples in one pass instead, and the index holds only
# those keys ("partial"). After PARTIAL_PASSES such passes, or once the keys asked for stop being
# few, the whole index is built.
PARTIAL_MIN = 4096  # tuples
PARTIAL_RATIO = 16  # the relation has at least this many tuples per key asked for
PARTIAL_PASSES = 4


class _Partial:
    """An index that holds the buckets of the keys asked for so far (``covered``) and no others."""

    __slots__ = ("index", "covered", "passes")

    def __init__(self):
        self.index: dict = {}
        self.covered: set = set()
        self.passes = 0


class Store:
    """One case's relations (name → set of tuples) and the indexes built over them."""

    def __init__(self, relations: dict[str, set[tuple]], *, partial: bool = True):
        self.relations = relations
        self.partial = partial  # whether a large relation may be indexed for some keys only
        self._indexes: dict[IndexSpec, dict] = {}
        self._by_pred: dict[str, list[tuple[IndexSpec, dict]]] = {}
        self._partial: dict[IndexSpec, _Partial] = {}
        self._partial_by_pred: dict[str, list[tuple[IndexSpec, _Partial]]] = {}
        self._negation_sets: dict[tuple, set] = {}

    def index(self, spec: IndexSpec) -> dict:
        found = self._indexes.get(spec)
        if found is None:
            found = self._indexes[spec] = {}
            _fill(found, spec, self.relations.get(spec[0], ()))
            self._by_pred.setdefault(spec[0], []).append((spec, found))
            if self._partial.pop(spec, None) is not None:
                self._partial_by_pred[spec[0]] = [
                    entry for entry in self._partial_by_pred[spec[0]] if entry[0] != spec
                ]
        return found

    def index_for(self, spec: IndexSpec, rows: list[tuple], key: tuple) -> dict:
        """An index holding at least the keys that ``rows`` look up (``key``: how a row's key is
        built, as ``_lookup_spec`` gives it): the whole index, unless the relation is large and
        the rows few and asking for few keys (a full chunk of rows is likely followed by more)."""
        found = self._indexes.get(spec)
        if found is not None:
            return found
        relation = self.relations.get(spec[0], ())
        if not self.partial or len(relation) < PARTIAL_MIN or len(rows) >= CHUNK or not spec[2]:
            return self.index(spec)
        keys = _row_keys(rows, *key)
        partial = self._partial.get(spec)
        if partial is None:
            if len(keys) * PARTIAL_RATIO > len(relation):
                return self.index(spec)
            partial = self._partial[spec] = _Partial()
            self._partial_by_pred.setdefault(spec[0], []).append((spec, partial))
        missing = keys - partial.covered
        if not missing:
            return partial.index
        asked = len(partial.covered) + len(missing)
        if partial.passes >= PARTIAL_PASSES or asked * PARTIAL_RATIO > len(relation):
            return self.index(spec)
        key_of = _getters(spec)[0]
        _fill(partial.index, spec, [t for t in relation if key_of(t) in missing])
        partial.covered |= missing
        partial.passes += 1
        return partial.index

    def _grow_indexes(self, pred: str, tuples) -> None:
        for spec, index in self._by_pred.get(pred, ()):
            _fill(index, spec, tuples)
        for spec, partial in self._partial_by_pred.get(pred, ()):
            key_of, covered = _getters(spec)[0], partial.covered
            _fill(partial.index, spec, [t for t in tuples if key_of(t) in covered])

    def extend(self, pred: str, tuples: Iterable[tuple]) -> None:
        """Add tuples to a relation and to every index already built over it."""
        tuples = list(tuples)
        self.relations.setdefault(pred, set()).update(tuples)
        self._grow_indexes(pred, tuples)

    def add(self, pred: str, tuples: set[tuple]) -> None:
        """As ``extend``, for a set that the store may keep reading (not copied)."""
        self.relations[pred] |= tuples
        self._grow_indexes(pred, tuples)

    def negation_set(self, pred: str, positions: tuple, consts: tuple) -> set:
        """The projections onto ``positions`` of the tuples of ``pred`` carrying ``consts``."""
        key = (pred, positions, consts)
        found = self._negation_sets.get(key)
        if found is None:
            rows = self.relations.get(pred, ())
            rows = [t for t in rows if all(t[p] == v for p, v in consts)]
            if len(positions) == 1:
                (p,) = positions
                found = {t[p] for t in rows}
            else:
                found = {tuple(t[p] for p in positions) for t in rows}
            self._negation_sets[key] = found
        return found


def _fill(index: dict, spec: IndexSpec, tuples: Iterable[tuple]) -> None:
    _pred, equal, key, ext = spec
    if equal:
        tuples = [t for t in tuples if all(t[a] == t[b] for a, b in equal)]
    key_of, ext_of = _getters(spec)
    get = index.get
    for t in tuples:
        k = key_of(t)
        bucket = get(k)
        if bucket is None:
            bucket = index[k] = {}
        bucket[ext_of(t)] = None


_GETTERS: Memo = Memo(8192)


def _getters(spec: IndexSpec) -> tuple:
    """Functions from a tuple to its index key (a bare value for one key position) and to its
    extension (always a tuple), built once per spec."""
    found = _GETTERS.get(spec)
    if found is None:
        _pred, _equal, key, ext = spec
        found = _GETTERS.put(spec, (_picker(key, bare=True), _picker(ext, bare=False)))
    return found


def _picker(positions: tuple, *, bare: bool) -> Callable[[tuple], object]:
    if not positions:
        return lambda t: ()
    if len(positions) == 1:
        (p,) = positions
        return operator.itemgetter(p) if bare else (lambda t: (t[p],))
    return operator.itemgetter(*positions)


# --- compiling a body -------------------------------------------------------------------------


@dataclass(frozen=True)
class Pipeline:
    """A compiled body: from initial bindings to rows, then to head tuples."""

    rule: RulePlan
    first: int | None  # the atom scanned first (None: the first step is an index look-up)
    first_from_delta: bool
    steps: tuple  # ((kind, payload), …) after the first
    layout: tuple[str, ...]  # variables of the final rows, in slot order
    head: Callable[[tuple], tuple]


def compile_body(
    rule: RulePlan,
    *,
    delta_at: int = -1,
    bound: tuple[str, ...] = (),
    keep: Iterable[str] | None = None,
    small: tuple[bool, ...] | None = None,
) -> Pipeline:
    """Plan the joins of ``rule``'s body.

    ``delta_at``: the position of the atom read from the last round's new tuples (semi-naive
    variant), scanned first. ``bound``: variables given values before the body runs (a query for
    the bindings of one head tuple). ``keep``: the variables the final rows must hold (default:
    the head's), every other one is projected away as soon as nothing later reads it.
    ``small``: which positive atoms read a small relation, when some other reads a large one
    (``join_order``).
    """
    positives = rule.positives
    keep_vars = set(_head_vars(rule) if keep is None else keep)
    order = join_order(positives, delta_at, bound, small)
    layout: list[str] = list(bound)
    steps: list = []
    first = None
    first_from_delta = False
    later_reads = _later_reads(rule, order)
    last = len(order) - 1
    tail = bool(rule.comparisons or rule.negations)
    for k, i in enumerate(order):
        pred, terms = positives[i]
        live = later_reads[k] | keep_vars
        has_const = any(kind == "const" for kind, _v in terms)
        if k == 0 and not layout and (i == delta_at or not has_const):
            first = i
            first_from_delta = i == delta_at
            consts, equal, first_at = _scan_filter(terms)
            layout = [v for v in first_at if v in live]
            steps.append(("scan", (consts, equal, tuple(first_at[v] for v in layout))))
            continue
        spec, new, key = _lookup_spec(pred, terms, layout, live)
        kept = [v for v in layout if v in live]
        keep_row = (
            None if kept == layout else _picker(tuple(layout.index(v) for v in kept), bare=False)
        )
        # rows that lost a column may repeat: deduplicate, unless the final set does it anyway
        dedupe = keep_row is not None and (k < last or tail)
        if not spec[1] and not spec[3] and len(spec[2]) == len(terms):
            # every argument is known: a membership test on the relation itself, with no index
            # to build (about 40 % of the policy's look-ups)
            steps.append(("member", (pred, _whole_tuple(key), keep_row, dedupe)))
        else:
            steps.append(("join", (spec, key, keep_row, dedupe)))
        layout = kept + new
    for op, left, right in rule.comparisons:
        steps.append(("compare", (_OPS[op], op, _slot(left, layout), _slot(right, layout))))
    for pred, terms in rule.negations:
        positions = tuple(p for p, (kind, _v) in enumerate(terms) if kind == "var")
        consts = tuple((p, v) for p, (kind, v) in enumerate(terms) if kind == "const")
        slots = tuple(layout.index(terms[p][1]) for p in positions)
        # a negation binding every argument tests the relation itself (no projection to build)
        whole = not consts and len(positions) == len(terms) > 1
        steps.append(("negate", (pred, positions, consts, slots, whole)))
    final = [v for v in layout if v in keep_vars]
    if final != layout:
        steps.append(("project", tuple(layout.index(v) for v in final)))
        layout = final
    return Pipeline(
        rule,
        first,
        first_from_delta,
        tuple(steps),
        tuple(layout),
        _head_builder(rule.head[1], layout),
    )


def _head_vars(rule: RulePlan) -> list[str]:
    return [v for kind, v in rule.head[1] if kind != "const"]


def join_order(
    positives, first: int = -1, bound: Iterable[str] = (), small: tuple[bool, ...] | None = None
) -> list[int]:
    """The order in which the positive atoms of a body are joined (by both evaluators).

    Starts from ``first`` (in a semi-naive variant the delta: the few tuples new in the last round)
    or, when it is -1, from the atom with most arguments bound (constants, ``bound`` variables);
    then repeatedly takes the atom with most arguments already bound, ties broken by written order,
    so that each later atom is a look-up by index instead of a scan. Positive atoms only join, so
    their order never changes the answer, only the work.

    ``small`` (an explanation's query over a case with some large relation) puts first the atoms
    that are cheap whatever they bind: those over a small relation and those with every argument
    bound (a membership test). Explaining why a member is disqualified then scans the case's one or
    two parties and tests ``relative`` for each, instead of looking ``relative`` up by the member.
    """
    remaining = list(range(len(positives)))
    order: list[int] = []
    bound = set(bound)
    while remaining:
        if not order and first >= 0:
            best = first
        else:
            best = max(
                remaining,
                key=lambda i: (
                    small is not None
                    and (small[i] or all(k == "const" or v in bound for k, v in positives[i][1])),
                    sum(1 for kind, v in positives[i][1] if kind == "const" or v in bound),
                    -i,
                ),
            )
        order.append(best)
        remaining.remove(best)
        bound |= {v for kind, v in positives[best][1] if kind != "const"}
    return order


def _later_reads(rule: RulePlan, order: list[int]) -> list[set[str]]:
    """For each join step, the variables read by any later step, comparison or negation."""
    tail: set[str] = set()
    for _op, left, right in rule.comparisons:
        tail |= {v for kind, v in (left, right) if kind != "const"}
    for _pred, terms in rule.negations:
        tail |= {v for kind, v in terms if kind == "var"}
    out: list[set[str]] = [set() for _ in order]
    for k in range(len(order) - 1, -1, -1):
        out[k] = set(tail)
        tail |= {v for kind, v in rule.positives[order[k]][1] if kind != "const"}
    return out


def _new_vars(terms, bound: set[str]) -> list[str]:
    out: list[str] = []
    for kind, v in terms:
        if kind != "const" and v not in bound and v not in out:
            out.append(v)
    return out


def _scan_filter(terms) -> tuple:
    """Constants, repeated variables and where each variable first occurs, for an atom scanned
    whole."""
    consts = tuple((p, v) for p, (kind, v) in enumerate(terms) if kind == "const")
    first_at: dict[str, int] = {}
    equal = []
    for p, (kind, v) in enumerate(terms):
        if kind == "const":
            continue
        if v in first_at:
            equal.append((first_at[v], p))
        else:
            first_at[v] = p
    return consts, tuple(equal), first_at


def _lookup_spec(
    pred: str, terms, layout: list[str], live: set[str]
) -> tuple[IndexSpec, list[str], tuple]:
    """The index an atom is looked up in, the new variables it binds that are still read later
    (``live``), and how to build the key from a row: ``("fixed", key)`` (constants only),
    ``("slot", i)``, ``("slots", getter)`` or ``("mixed", parts)`` with parts
    ``(is_slot, slot or constant)`` in key order."""
    key_at: dict[str, int] = {}
    new_at: dict[str, int] = {}
    key_positions: list[int] = []
    parts: list[tuple[bool, object]] = []
    equal = []
    for p, (kind, v) in enumerate(terms):
        if kind == "const":
            key_positions.append(p)
            parts.append((False, v))
            continue
        seen = key_at if v in layout else new_at
        if v in seen:
            equal.append((seen[v], p))
            continue
        seen[v] = p
        if seen is key_at:
            key_positions.append(p)
            parts.append((True, layout.index(v)))
    new = [v for v in new_at if v in live]
    spec = (pred, tuple(equal), tuple(key_positions), tuple(new_at[v] for v in new))
    return spec, new, _key_builder(parts)


def _key_builder(parts: list[tuple[bool, object]]) -> tuple:
    if all(not is_slot for is_slot, _x in parts):
        values = tuple(x for _s, x in parts)
        return ("fixed", values[0] if len(values) == 1 else values)
    if len(parts) == 1:
        return ("slot", parts[0][1])
    if all(is_slot for is_slot, _x in parts):
        return ("slots", operator.itemgetter(*(x for _s, x in parts)))
    return ("mixed", tuple(parts))


def _whole_tuple(key: tuple) -> Callable[[tuple], tuple] | tuple:
    """From a look-up key that names every argument of the atom, how to build the whole tuple
    (a constant tuple when every argument is a constant)."""
    mode, how = key
    if mode == "fixed":
        return how if isinstance(how, tuple) else (how,)
    if mode == "slot":
        return lambda row: (row[how],)
    if mode == "slots":
        return how
    return lambda row: _mixed_key(row, how)


def _slot(term: PlanTerm, layout: list[str]) -> tuple[bool, object]:
    kind, v = term
    return (False, v) if kind == "const" else (True, layout.index(v))


def _head_builder(terms, layout: list[str]) -> Callable[[tuple], tuple]:
    if all(kind != "const" for kind, _v in terms):
        slots = [layout.index(v) for _kind, v in terms]
        if slots == list(range(len(layout))):
            return identity
        if len(slots) == 1:
            (s,) = slots
            return lambda row: (row[s],)
        if not slots:
            return lambda row: ()
        return operator.itemgetter(*slots)
    # constants are appended to the row so that one itemgetter builds the head
    consts = tuple(v for kind, v in terms if kind == "const")
    picks, c = [], len(layout)
    for kind, v in terms:
        if kind == "const":
            picks.append(c)
            c += 1
        else:
            picks.append(layout.index(v))
    if len(picks) == 1:
        return lambda row: consts
    get = operator.itemgetter(*picks)
    return lambda row: get(row + consts)


def identity(row: tuple) -> tuple:
    return row


# --- running a body ---------------------------------------------------------------------------


def run(
    pipeline: Pipeline,
    store: Store,
    deadline: Deadline | None,
    *,
    delta: Iterable[tuple] = (),
    start: tuple = (),
) -> set[tuple]:
    """Every final row of the body, as a set."""
    steps = pipeline.steps
    if pipeline.first is None:
        seeds: list[tuple] = [start]
        rest = steps
    else:
        consts, equal, proj = steps[0][1]
        source = (
            delta
            if pipeline.first_from_delta
            else store.relations.get(pipeline.rule.positives[pipeline.first][0], ())
        )
        seeds = _scan(source, consts, equal, proj)
        rest = steps[1:]
    out: set[tuple] = set()
    _push(seeds, rest, 0, store, pipeline.rule, deadline, out)
    return out


def _push(rows, steps, k: int, store: Store, rule: RulePlan, deadline, out: set) -> None:
    """Feed ``rows`` through ``steps[k:]`` a chunk at a time; a step whose output outgrows a chunk
    hands it on in chunks too, so a join that fans out is checked against the deadline often."""
    for begin in range(0, len(rows), CHUNK):
        if deadline is not None:
            deadline.check()
        part = rows[begin : begin + CHUNK] if len(rows) > CHUNK else rows
        for j in range(k, len(steps)):
            if not part:
                break
            kind, payload = steps[j]
            part = _STEP[kind](part, payload, store, rule)
            if len(part) > CHUNK and j + 1 < len(steps):
                _push(part, steps, j + 1, store, rule, deadline, out)
                break
        else:
            out.update(part)


def _scan(source: Iterable[tuple], consts, equal, proj) -> list[tuple]:
    rows = source
    if consts:
        rows = [t for t in rows if all(t[p] == v for p, v in consts)]
    if equal:
        rows = [t for t in rows if all(t[a] == t[b] for a, b in equal)]
    arity = None
    for t in rows:
        arity = len(t)
        break
    if arity is None:
        return []
    if proj == tuple(range(arity)):
        return list(rows)
    return _distinct(rows, proj)


def _join(rows: list[tuple], payload, store: Store, rule: RulePlan) -> list[tuple]:
    spec, (mode, how), keep, dedupe = payload
    index = store.index_for(spec, rows, (mode, how))
    get = index.get
    if keep is None:
        if mode == "fixed":
            bucket = get(how, _EMPTY)
            return [r + e for r in rows for e in bucket] if bucket else []
        if mode == "slot":
            return [r + e for r in rows for e in get(r[how], _EMPTY)]
        if mode == "slots":
            return [r + e for r in rows for e in get(how(r), _EMPTY)]
        return [r + e for r in rows for e in get(_mixed_key(r, how), _EMPTY)]
    # the row loses columns nothing later reads: build the shorter row once per row
    if mode == "fixed":
        bucket = get(how, _EMPTY)
        out = [k + e for r in rows for k in [keep(r)] for e in bucket] if bucket else []
    elif mode == "slot":
        out = [k + e for r in rows for b in [get(r[how])] if b for k in [keep(r)] for e in b]
    elif mode == "slots":
        out = [k + e for r in rows for b in [get(how(r))] if b for k in [keep(r)] for e in b]
    else:
        out = [
            k + e
            for r in rows
            for b in [get(_mixed_key(r, how))]
            if b
            for k in [keep(r)]
            for e in b
        ]
    return list(set(out)) if dedupe else out


def _member(rows: list[tuple], payload, store: Store, rule: RulePlan) -> list[tuple]:
    pred, whole, keep, dedupe = payload
    relation = store.relations.get(pred, _EMPTY)
    if isinstance(whole, tuple):
        out = rows if whole in relation else []
    else:
        out = [r for r in rows if whole(r) in relation]
    if keep is None or not out:
        return out
    out = [keep(r) for r in out]
    return list(set(out)) if dedupe else out


def _row_keys(rows: list[tuple], mode: str, how) -> set:
    """The index keys that ``rows`` look up."""
    if mode == "fixed":
        return {how}
    if mode == "slot":
        return {r[how] for r in rows}
    if mode == "slots":
        return set(map(how, rows))
    return {_mixed_key(r, how) for r in rows}


def _mixed_key(row: tuple, parts) -> tuple:
    return tuple(row[x] if is_slot else x for is_slot, x in parts)


def _project(rows: list[tuple], slots, store: Store, rule: RulePlan) -> list[tuple]:
    return _distinct(rows, slots)


def _distinct(rows: Iterable[tuple], slots: tuple) -> list[tuple]:
    """The rows cut down to ``slots``, each distinct row once."""
    if len(slots) == 1:
        (s,) = slots
        return list({(r[s],) for r in rows})
    if not slots:
        return [()]
    get = operator.itemgetter(*slots)
    return list({get(r) for r in rows})


def _compare(rows: list[tuple], payload, store: Store, rule: RulePlan) -> list[tuple]:
    op, symbol, (left_is_slot, left), (right_is_slot, right) = payload
    try:
        if left_is_slot and right_is_slot:
            return [r for r in rows if op(r[left], r[right])]
        if left_is_slot:
            return [r for r in rows if op(r[left], right)]
        if right_is_slot:
            return [r for r in rows if op(left, r[right])]
        return rows if op(left, right) else []
    except TypeError as error:
        raise EvaluationError(
            "",
            rule.rule_id,
            f"a comparison `{symbol}` met values of different types ({error}); declare argument "
            "types in the vocabulary so that such rules are rejected before evaluation",
        ) from None


def _negate(rows: list[tuple], payload, store: Store, rule: RulePlan) -> list[tuple]:
    pred, positions, consts, slots, whole = payload
    blocked = (
        store.relations.get(pred, _EMPTY) if whole else store.negation_set(pred, positions, consts)
    )
    if not positions:
        return [] if blocked else rows
    if len(slots) == 1:
        (s,) = slots
        return [r for r in rows if r[s] not in blocked]
    key = operator.itemgetter(*slots)
    return [r for r in rows if key(r) not in blocked]


_STEP = {
    "join": _join,
    "member": _member,
    "project": _project,
    "compare": _compare,
    "negate": _negate,
}


# --- bindings for explanations ----------------------------------------------------------------

_BODY_PIPELINES: Memo = Memo(4096)


def body_pipeline(
    plan, rule_index: int, bound: tuple[str, ...], small: tuple[bool, ...] | None = None
) -> tuple[Pipeline, Callable | None]:
    """A body that keeps every column (explanations show all bindings), with ``bound`` given,
    and how to put its rows in the order of the rule's columns (None: they are in it)."""
    key = (plan.fingerprint, rule_index, bound, small)
    found = _BODY_PIPELINES.get(key)
    if found is None:
        rule = plan.rules[rule_index]
        pipeline = compile_body(rule, bound=bound, keep=rule.columns, small=small)
        where = tuple(pipeline.layout.index(c) for c in rule.columns)
        reorder = (
            None if where == tuple(range(len(pipeline.layout))) else _picker(where, bare=False)
        )
        found = _BODY_PIPELINES.put(key, (pipeline, reorder))
    return found


def unify_head(terms, values: tuple) -> dict | None:
    """Bindings that make the head ``terms`` equal ``values``, or None if none can."""
    bindings: dict = {}
    for (kind, v), value in zip(terms, values, strict=True):
        if kind == "const":
            if v != value or type(v) is not type(value):
                return None
        elif v in bindings:
            if bindings[v] != value:
                return None
        else:
            bindings[v] = value
    return bindings
