"""Explanations over the materialised model: why a tuple holds, why another does not.

The proofs are searched here in Python, over the body bindings of the rules that could produce the
tuple (recomputed on demand from the final relations, ``Result.body_rows``), so that one
derivation can be chosen deterministically (rules in program order, bindings in sorted order) and
never circularly (a tuple of a recursive component is explained only by tuples derived in an
earlier round).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .joins import unify_head
from .syntax import Comparison, Negated, Positive, Rule, format_value
from .values import to_external, tuple_key

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
LANGS = ("en", "zh")


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")


def _atom_text(predicate: str, args) -> str:
    """Datalog spelling of an atom; ``None`` stands for ``_``, a ``_Var`` for an unbound one."""
    if not args:
        return predicate
    shown = [
        "_" if a is None else (a.name if isinstance(a, _Var) else format_value(a)) for a in args
    ]
    return f"{predicate}({', '.join(shown)})"


@dataclass(frozen=True)
class _Var:
    """An unbound variable in a why-not message."""

    name: str


def _fill(template: str, bindings: dict) -> str:
    """Replace ``{X}`` with the value bound to X; keep unknown placeholders (never str.format)."""

    def value(match: re.Match) -> str:
        name = match.group(1)
        return str(bindings[name]) if name in bindings else match.group(0)

    return _PLACEHOLDER.sub(value, template)


def _bindings_text(bindings: dict) -> str:
    return ", ".join(f"{k} = {format_value(v)}" for k, v in bindings.items())


def _rule_dict(rule: Rule, bindings: dict) -> dict:
    return {
        "id": rule.id,
        "cites": list(rule.cites),
        "displaces": list(rule.displaces),
        "text": str(rule),
        "file": rule.pos.file,
        "line": rule.pos.line,
        "reading": {lang: _fill(t, bindings) for lang, t in sorted(rule.reads.items())},
    }


def _reading(rule: Rule, bindings: dict, lang: str) -> str:
    template = rule.reads.get(lang) or next(iter(rule.reads.values()), None)
    return _fill(template, bindings) if template else str(rule)


def _rule_label(rule: Rule, lang: str) -> str:
    cites = ", ".join(rule.cites)
    if lang == "zh":
        return f"规则 {rule.id}" + (f"（引用 {cites}）" if cites else "")
    return f"rule {rule.id}" + (f" (cites {cites})" if cites else "")


# --- derivations -------------------------------------------------------------------------------


@dataclass(slots=True)
class Condition:
    """One body condition of a derivation, with the values it was checked with."""

    kind: str  # "atom" | "comparison" | "negation"
    comparison: str = ""  # the text of a comparison, e.g. "2 < 5"
    predicate: str = ""
    args: tuple = ()
    derivation: Derivation | None = None  # for atoms
    _text: str | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def text(self) -> str:
        """E.g. "role(c1, alice, reviewer)", "2 < 5", "excluded(c1, _)". Spelled when first asked
        (an answer without ``--explain`` never shows the conditions of its derivations), then
        kept in a plain attribute (``functools.cached_property`` takes a lock on the first read
        of each of the tens of thousands of conditions an answer may hold)."""
        if self._text is None:
            if self.kind == "comparison":
                self._text = self.comparison
            elif self.derivation is not None:
                self._text = self.derivation.atom
            else:
                self._text = _atom_text(self.predicate, self.args)
        return self._text

    def to_dict(self) -> dict:
        out: dict = {"kind": self.kind, "text": self.text}
        if self.kind != "comparison":
            out["predicate"] = self.predicate
            out["args"] = list(self.args)
        if self.derivation is not None:
            out["derivation"] = self.derivation.to_dict()
        return out

    def lines(self, lang: str, depth: int) -> list[str]:
        pad = "  " * depth + "- "
        if self.kind == "atom" and self.derivation is not None:
            sub = self.derivation.lines(lang, depth)
            return [pad + sub[0]] + sub[1:]
        if self.kind == "negation":
            return [pad + (f"不存在 {self.text}" if lang == "zh" else f"no {self.text} holds")]
        return [pad + (f"{self.text} 成立" if lang == "zh" else f"{self.text} is true")]


@dataclass(slots=True)
class Derivation:
    """Why one tuple holds: an input fact, or a rule with bindings and its satisfied conditions."""

    predicate: str
    args: tuple
    rule: Rule | None = None
    bindings: dict = field(default_factory=dict)
    conditions: list[Condition] = field(default_factory=list)
    _atom: str | None = field(default=None, init=False, repr=False, compare=False)
    _rule: dict | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def atom(self) -> str:
        if self._atom is None:
            self._atom = _atom_text(self.predicate, self.args)
        return self._atom

    @property
    def is_fact(self) -> bool:
        return self.rule is None

    @property
    def _rule_dict(self) -> dict:
        # derivations are shared between the trees that use them: fill the readings once
        if self._rule is None:
            assert self.rule is not None
            self._rule = _rule_dict(self.rule, self.bindings)
        return self._rule

    def to_dict(self) -> dict:
        out: dict = {"predicate": self.predicate, "args": list(self.args), "atom": self.atom}
        if self.rule is None:
            out["source"] = "input"
            return out
        out["source"] = "rule"
        rule = self._rule_dict
        out["rule"] = {
            **rule,
            "cites": list(rule["cites"]),
            "displaces": list(rule["displaces"]),
            "reading": dict(rule["reading"]),
        }
        out["bindings"] = dict(self.bindings)
        out["conditions"] = [c.to_dict() for c in self.conditions]
        return out

    def render(self, lang: str = "en") -> str:
        _check_lang(lang)
        return "\n".join(self.lines(lang, 0))

    def lines(self, lang: str, depth: int) -> list[str]:
        if self.rule is None:
            return [
                f"{self.atom} —— 案件事实" if lang == "zh" else f"{self.atom} — a fact of the case"
            ]
        reading = _reading(self.rule, self.bindings, lang)
        if lang == "zh":
            first = f"{self.atom} 成立，依据{_rule_label(self.rule, lang)}：{reading}"
            because = "因为："
        else:
            first = f"{self.atom} holds by {_rule_label(self.rule, lang)}: {reading}"
            because = "because:"
        out = [first]
        if self.conditions:
            out.append("  " * (depth + 1) + because)
            for cond in self.conditions:
                out.extend(cond.lines(lang, depth + 1))
        return out


# --- why not -----------------------------------------------------------------------------------


@dataclass
class WhyNot:
    """Why one rule does not produce a tuple: the first body condition no binding satisfies."""

    predicate: str
    args: tuple
    rule: Rule
    failed_kind: str  # "atom" | "comparison" | "negation"
    failed_condition: str  # the condition as written, e.g. "not excluded(P)"
    failed_text: str  # with the bindings so far substituted
    failed_index: int  # position in the evaluation order of the body
    bindings: dict  # bindings so far (named variables only)
    blocked_by: Derivation | None = None  # for a failed negation: why the negated tuple holds
    displaced_by: str | None = (
        None  # id of the rule that blocked this one and declares it displaces it
    )

    @property
    def atom(self) -> str:
        return _atom_text(self.predicate, self.args)

    @property
    def failed(self) -> dict:
        """The condition no binding satisfied: kind, index, condition as written, text."""
        return {
            "kind": self.failed_kind,
            "index": self.failed_index,
            "condition": self.failed_condition,
            "text": self.failed_text,
        }

    def to_dict(self) -> dict:
        return {
            "predicate": self.predicate,
            "args": list(self.args),
            "atom": self.atom,
            "rule": _rule_dict(self.rule, self.bindings),
            "failed": self.failed,
            "bindings": dict(self.bindings),
            "blocked_by": self.blocked_by.to_dict() if self.blocked_by else None,
            "displaced_by": self.displaced_by,
        }

    def render(self, lang: str = "en") -> str:
        _check_lang(lang)
        label = _rule_label(self.rule, lang)
        with_ = _bindings_text(self.bindings)
        if lang == "zh":
            lines = [f"{self.atom} 不能由{label} 得出（{self.rule}）"]
            if self.failed_kind == "atom":
                reason = f"不存在与 {self.failed_text} 相符的事实或结论"
            elif self.failed_kind == "comparison":
                reason = f"{self.failed_text} 不成立"
            else:
                reason = f"{self.failed_text} 成立，故条件「not {self.failed_text}」不满足"
            lines.append(f"  因为{reason}" + (f"（{with_}）" if with_ else ""))
            if self.displaced_by:
                lines.append(f"  规则 {self.displaced_by} 是例外，排除了{label}")
        else:
            lines = [f"{self.atom} does not follow from {label} ({self.rule})"]
            if self.failed_kind == "atom":
                reason = f"nothing matches {self.failed_text}"
            elif self.failed_kind == "comparison":
                reason = f"{self.failed_text} is false"
            else:
                reason = f"{self.failed_text} holds, so `not {self.failed_text}` fails"
            lines.append(f"  because {reason}" + (f" (with {with_})" if with_ else ""))
            if self.displaced_by:
                lines.append(f"  rule {self.displaced_by} is an exception that displaces {label}")
        if self.blocked_by is not None:
            sub = self.blocked_by.lines(lang, 2)
            lines.append("    " + sub[0])
            lines.extend(sub[1:])
        return "\n".join(lines)


# --- the search --------------------------------------------------------------------------------


class Explainer:
    """Proof search over one model. Memoised: each tuple is explained once."""

    def __init__(self, program, result):
        self.program = program
        self.plan = program.plan
        self.result = result
        self.rules: list[Rule] = program.rules
        self.var_types = program.var_types
        self.sigs = program.predicates
        self.heads: dict[str, list[int]] = program.rules_by_head
        self.steps: ExplainSteps = program.explain_steps
        self._memo: dict[tuple[str, tuple], Derivation] = {}
        self._sorted: dict[str, list[tuple]] = {}

    # values ------------------------------------------------------------------------------------

    def external_args(self, predicate: str, values: tuple) -> tuple:
        types = self.steps.dated.get(predicate)
        if types is None:  # nothing to convert: most predicates
            arity = self.sigs[predicate].arity
            if len(values) != arity:
                raise ValueError(f"{predicate}{values} does not have {arity} arguments")
            return tuple(values)  # the same tuple when it is one
        return tuple([to_external(v, t) for v, t in zip(values, types, strict=True)])

    def _external_bindings(self, rule: Rule, bindings: dict) -> dict:
        types = self.var_types.get(rule.id, {})
        if "date" not in types.values():  # nothing to convert: most rules
            return {name: value for name, value in bindings.items() if not name.startswith("_#")}
        return {
            name: to_external(value, types.get(name))
            for name, value in bindings.items()
            if not name.startswith("_#")
        }

    def _sorted_relation(self, predicate: str) -> list[tuple]:
        rows = self._sorted.get(predicate)
        if rows is None:
            rows = self._sorted[predicate] = sorted(self.result.relations[predicate], key=tuple_key)
        return rows

    # explain -----------------------------------------------------------------------------------

    def explain(self, predicate: str, values: tuple) -> Derivation:
        key = (predicate, values)
        found = self._memo.get(key)
        if found is not None:
            return found
        sig = self.sigs[predicate]
        if sig.kind == "input":
            found = Derivation(predicate, self.external_args(predicate, values))
        else:
            found = self._derive(predicate, values)
        self._memo[key] = found
        return found

    def _rows_for(self, rule_index: int, head: tuple) -> list[tuple]:
        """The body bindings giving ``head``, in sorted order (asked once per rule and head:
        ``explain`` remembers the derivation it picks)."""
        rows = self.result.body_rows(rule_index, head)
        if len(rows) > 1:
            rows.sort(key=tuple_key)
        return rows

    def _derive(self, predicate: str, values: tuple) -> Derivation:
        rank = self.result.rank.get(predicate, {}).get(values, 0)
        for rule_index in self.heads.get(predicate, ()):
            steps = self.steps.rules[rule_index]
            for row in self._rows_for(rule_index, values):
                if not steps.recursive or self._well_founded(steps, row, rank):
                    return self._build(rule_index, predicate, values, row)
        raise AssertionError(f"no derivation found for {predicate}{values}")  # pragma: no cover

    def _well_founded(self, steps: RuleSteps, row: tuple, rank: int) -> bool:
        ranks = self.result.rank
        return all(ranks[pred][_take(places, row)] < rank for pred, places in steps.recursive)

    def _build(self, rule_index: int, predicate: str, values: tuple, row: tuple) -> Derivation:
        steps = self.steps.rules[rule_index]
        conditions: list[Condition] = []
        add = conditions.append
        explain = self.explain
        for kind, pred, places in steps.body:
            if kind == "atom":
                sub = explain(pred, _take(places, row))
                add(Condition("atom", "", pred, sub.args, sub))
            elif kind == "comparison":
                left, right = places
                add(Condition("comparison", f"{_shown(left, row)} {pred} {_shown(right, row)}"))
            else:
                args = tuple([None if q is None else _external(q, row) for q in places])
                add(Condition("negation", "", pred, args))
        if steps.dated_bindings:
            bindings = {name: to_external(row[i], t) for name, i, t in steps.named}
        else:
            bindings = {name: row[i] for name, i, _t in steps.named}
        return Derivation(
            predicate,
            self.external_args(predicate, values),
            self.rules[rule_index],
            bindings,
            conditions,
        )

    def _partial_external(self, pred: str, terms, bindings: dict, *, anon_as_none: bool) -> list:
        types = _arg_types(self.sigs, pred)
        out = []
        for (kind, v), t in zip(terms, types, strict=True):
            if kind == "const":
                out.append(to_external(v, t))
            elif kind == "anon" and (anon_as_none or v not in bindings):
                out.append(None)
            elif v in bindings:
                out.append(to_external(bindings[v], t))
            else:
                out.append(_Var(v))
        return out

    # why not -----------------------------------------------------------------------------------

    def why_not(self, predicate: str, values: tuple) -> list[WhyNot]:
        answers = []
        for rule_index in self.heads.get(predicate, ()):
            rp = self.plan.rules[rule_index]
            start = unify_head(rp.head[1], values)
            if start is None:
                continue  # this rule's head cannot produce the tuple
            answers.append(self._first_failure(rule_index, predicate, values, start))
        return answers

    def _first_failure(self, rule_index, predicate, values, start: dict) -> WhyNot:
        rule = self.rules[rule_index]
        rp = self.plan.rules[rule_index]
        candidates = [start]
        steps = (
            [("atom", a) for a in rp.positives]
            + [("comparison", c) for c in rp.comparisons]
            + [("negation", n) for n in rp.negations]
        )
        written = rule.ordered_body
        for index, (kind, step) in enumerate(steps):
            extended: list[dict] = []
            for bindings in candidates:
                extended.extend(self._extend(kind, step, bindings))
            if not extended:
                first = min(candidates, key=lambda b: _bindings_key(rp.columns, b))
                return self._failure(
                    rule, rp, predicate, values, index, kind, step, written[index], first
                )
            candidates = _dedup(extended)
        raise AssertionError(f"{predicate}{values} holds by rule {rule.id}")  # pragma: no cover

    def _extend(self, kind: str, step, bindings: dict) -> list[dict]:
        if kind == "atom":
            pred, terms = step
            matches = (_match(terms, row, bindings) for row in self._sorted_relation(pred))
            return [b for b in matches if b is not None]
        if kind == "comparison":
            op, left, right = step
            return (
                [bindings] if _compare(op, _value(left, bindings), _value(right, bindings)) else []
            )
        pred, terms = step
        blocked = any(
            _match(terms, row, bindings) is not None for row in self._sorted_relation(pred)
        )
        return [] if blocked else [bindings]

    def _failure(
        self, rule, rp, predicate, values, index, kind, step, condition, bindings
    ) -> WhyNot:
        blocked_by = displaced_by = None
        if kind == "comparison":
            op, left, right = step
            types = self.var_types.get(rule.id, {})
            shown = [
                format_value(
                    to_external(bindings[v], types.get(v))
                    if k != "const"
                    else _const_external(condition, side)
                )
                for (k, v), side in ((left, "left"), (right, "right"))
            ]
            text = f"{shown[0]} {op} {shown[1]}"
        else:
            pred, terms = step
            args = self._partial_external(pred, terms, bindings, anon_as_none=kind == "negation")
            text = _atom_text(pred, args)
            if kind == "negation":
                row = next(
                    r for r in self._sorted_relation(pred) if _match(terms, r, bindings) is not None
                )
                blocked_by = self.explain(pred, row)
                if blocked_by.rule is not None and rule.id in blocked_by.rule.displaces:
                    displaced_by = blocked_by.rule.id
        return WhyNot(
            predicate,
            self.external_args(predicate, values),
            rule,
            kind,
            str(condition),
            text,
            index,
            self._external_bindings(rule, bindings),
            blocked_by,
            displaced_by,
        )


# --- a program's rules as the explainer walks them ----------------------------------------------

# where an argument's value is found: ("var", column index of a body row, argument type),
# ("const", internal value, type) or ("free", variable name, type) for a variable no atom binds
Place = tuple[str, object, str | None]


@dataclass(frozen=True, slots=True)
class RuleSteps:
    """One rule's body in evaluation order, with each term resolved to its place in a body row
    (``RulePlan.columns``): a derivation is built from the row alone, without a dictionary of
    bindings per candidate row."""

    # ("atom", predicate, places) | ("comparison", operator, (left, right)) |
    # ("negation", predicate, places), a place None standing for ``_``
    body: tuple[tuple[str, str, tuple], ...]
    # the named variables (``_#`` ones left out): (name, column index, argument type)
    named: tuple[tuple[str, int, str | None], ...]
    dated_bindings: bool  # whether some named variable is a date (converted for the API)
    # the positive atoms of the rule's own recursive component: (predicate, places)
    recursive: tuple[tuple[str, tuple[Place, ...]], ...]


@dataclass(frozen=True, slots=True)
class ExplainSteps:
    """What the explainer reads of a program, worked out once per program (``Program.explain_steps``)
    rather than once per case: each rule's steps, and the argument types of the predicates with a
    date argument (the others need no conversion)."""

    rules: tuple[RuleSteps, ...]
    dated: dict[str, tuple]


def explain_steps(program) -> ExplainSteps:
    """The explainer's view of ``program`` (see ``ExplainSteps``)."""
    sigs = program.predicates
    rules = []
    for rule, rp in zip(program.rules, program.plan.rules, strict=True):
        column = {name: i for i, name in enumerate(rp.columns)}
        types = program.var_types.get(rule.id, {})

        def places(terms, pred: str, negated: bool, _column=column) -> tuple:
            out: list = []
            for (kind, v), t in zip(terms, _arg_types(sigs, pred), strict=True):
                if kind == "const":
                    out.append(("const", v, t))
                elif negated and kind == "anon":
                    out.append(None)  # printed ``_``
                elif v in _column:
                    out.append(("var", _column[v], t))
                else:  # not bound by the atoms (printed by name)
                    out.append(("free", v, t))
            return tuple(out)

        body: list[tuple[str, str, tuple]] = []
        positives, comparisons, negations = (
            iter(rp.positives),
            iter(rp.comparisons),
            iter(rp.negations),
        )
        for cond in rule.ordered_body:
            if isinstance(cond, Positive):
                pred, terms = next(positives)
                body.append(("atom", pred, places(terms, pred, False)))
            elif isinstance(cond, Comparison):
                op, left, right = next(comparisons)
                sides = tuple(
                    ("const", _const_external(cond, side), None)
                    if kind == "const"
                    else ("var", column[v], types.get(v))
                    for (kind, v), side in ((left, "left"), (right, "right"))
                )
                body.append(("comparison", op, sides))
            elif isinstance(cond, Negated):
                pred, terms = next(negations)
                body.append(("negation", pred, places(terms, pred, True)))
        named = tuple(
            (name, i, types.get(name)) for i, name in enumerate(rp.columns) if name[:2] != "_#"
        )
        recursive = tuple(
            (rp.positives[k][0], places(rp.positives[k][1], rp.positives[k][0], False))
            for k in rp.recursive_positions
        )
        rules.append(
            RuleSteps(tuple(body), named, any(t == "date" for _n, _i, t in named), recursive)
        )
    dated = {name: _arg_types(sigs, name) for name in sigs if "date" in _arg_types(sigs, name)}
    return ExplainSteps(tuple(rules), dated)


def _arg_types(sigs: dict, predicate: str) -> tuple:
    """A predicate's argument types, one per argument (None where it declares none)."""
    sig = sigs.get(predicate)
    if sig is None or len(sig.arg_types) != sig.arity:
        return (None,) * (sig.arity if sig else 0)
    return sig.arg_types


def _take(places: tuple, row: tuple) -> tuple:
    """The internal values of an atom's arguments, read off a body row."""
    return tuple([row[p] if kind == "var" else p for kind, p, _t in places])


def _external(place: Place, row: tuple):
    kind, p, t = place
    if kind == "free":
        return _Var(p)
    return to_external(row[p] if kind == "var" else p, t)


def _shown(place: Place, row: tuple) -> str:
    """One side of a comparison as a derivation prints it (a constant as the author wrote it)."""
    kind, p, t = place
    return format_value(to_external(row[p], t) if kind == "var" else p)


def _const_external(condition: Comparison, side: str):
    """The constant of a comparison as the author wrote it (a date stays its ISO spelling)."""
    return getattr(condition, side).value


def _value(term, bindings: dict):
    kind, v = term
    return v if kind == "const" else bindings[v]


def _match(terms, row: tuple, bindings: dict) -> dict | None:
    """Extend ``bindings`` so that ``terms`` equal ``row``; anonymous variables match anything."""
    out = None
    for (kind, v), value in zip(terms, row, strict=True):
        if kind == "const":
            if v != value or type(v) is not type(value):
                return None
        elif kind == "anon":
            if v in bindings and bindings[v] != value:
                return None
            if v not in bindings:
                out = dict(bindings) if out is None else out
                out[v] = value
        else:
            current = out if out is not None else bindings
            if v in current:
                if current[v] != value or type(current[v]) is not type(value):
                    return None
            else:
                out = dict(bindings) if out is None else out
                out[v] = value
    return out if out is not None else dict(bindings)


def _compare(op: str, left, right) -> bool:
    try:
        if op == "=":
            return left == right and type(left) is type(right)
        if op == "!=":
            return not (left == right and type(left) is type(right))
        if op == "<":
            return left < right
        if op == "<=":
            return left <= right
        if op == ">":
            return left > right
        return left >= right
    except TypeError:
        return False


def _bindings_key(columns, bindings: dict) -> tuple:
    names = list(columns) + sorted(set(bindings) - set(columns))
    return tuple((0, tuple_key((bindings[n],))) if n in bindings else (1, ()) for n in names)


def _dedup(candidates: list[dict]) -> list[dict]:
    seen = set()
    out = []
    for b in candidates:
        key = tuple(sorted((k, (type(v).__name__, v)) for k, v in b.items()))
        if key not in seen:
            seen.add(key)
            out.append(b)
    return out
