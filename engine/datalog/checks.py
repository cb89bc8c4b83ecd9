"""Static checks run before anything is evaluated; each problem located at the offending spot.

Also infers what evaluation needs: predicate signatures (with argument types where they can be
known) and
the order in which components are materialised.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..problems import Problem
from .declarations import PredicateSig
from .strata import components, dependency_edges, negation_cycles
from .syntax import Atom, Comparison, Const, Negated, Pos, Positive, Rule, Var
from .values import FAMILY, parse_date

VOCABULARY_FILE = "<vocabulary>"


@dataclass
class Analysis:
    problems: list[Problem] = field(default_factory=list)
    signatures: dict[str, PredicateSig] = field(default_factory=dict)
    components: list[tuple[str, ...]] = field(default_factory=list)
    recursive: set[str] = field(default_factory=set)
    # rule id → variable name → type ("symbol" | "string" | "integer" | "date"), where known
    var_types: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def check_program(rules: list[Rule], vocabulary: dict[str, PredicateSig] | None) -> list[Problem]:
    """Every error and warning for ``rules`` against ``vocabulary`` (inferred when None)."""
    return analyse(rules, vocabulary).problems


def analyse(rules: list[Rule], vocabulary: dict[str, PredicateSig] | None) -> Analysis:
    result = Analysis()
    report = _Reporter(result.problems)
    _check_rule_ids(rules, report)
    result.signatures = _signatures(rules, vocabulary, report)
    for rule in rules:
        _check_safety(rule, report)
    _check_definitions(rules, vocabulary, result.signatures, report)
    _check_stratification(rules, report)
    if vocabulary is not None:
        result.signatures, result.var_types = _check_types(rules, result.signatures, report)
    result.components = components(rules)
    # one pass over the edges: a component is recursive when an edge stays inside it
    component_of = {p: k for k, comp in enumerate(result.components) for p in comp}
    for e in dependency_edges(rules):
        k = component_of.get(e.head)
        if k is not None and component_of.get(e.body) == k:
            result.recursive.update(result.components[k])
    return result


class _Reporter:
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        self._seen: set[tuple] = set()

    def __call__(
        self,
        pos: Pos,
        rule: Rule | None,
        message: str,
        expected: str = "",
        *,
        code: str,
        severity: str = "error",
        where: str | None = None,
    ) -> None:
        if where is None:
            where = f"rule {rule.id}" if rule is not None else ""
        key = (pos.file, pos.line, pos.column, where, message)
        if key in self._seen:
            return
        self._seen.add(key)
        self.problems.append(
            Problem(pos.file, pos.line, pos.column, where, message, expected, severity, code)
        )


def _atoms(rule: Rule):
    """(atom, role) for every atom of the rule; role is "head", "positive" or "negated"."""
    yield rule.head, "head"
    for cond in rule.body:
        if isinstance(cond, Positive):
            yield cond.atom, "positive"
        elif isinstance(cond, Negated):
            yield cond.atom, "negated"


def _shape(sig: PredicateSig) -> str:
    names = (
        sig.arg_names
        if len(sig.arg_names) == sig.arity
        else [f"_{i + 1}" for i in range(sig.arity)]
    )
    return f"{sig.name}({', '.join(names)})" if sig.arity else sig.name


def _here(pos: Pos) -> str:
    return f"{pos.file}:{pos.line}:{pos.column}"


# --- identity and signatures -------------------------------------------------------------------


def _check_rule_ids(rules: list[Rule], report: _Reporter) -> None:
    first: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in first and first[rule.id].source is not rule.source:
            report(
                rule.pos,
                rule,
                f"rule id {rule.id!r} is used twice (first at {_here(first[rule.id].pos)})",
                "a unique id per rule",
                code="duplicate-rule-id",
            )
        first.setdefault(rule.id, rule)


def _signatures(rules, vocabulary, report) -> dict[str, PredicateSig]:
    if vocabulary is not None:
        for rule in rules:
            for atom, _role in _atoms(rule):
                sig = vocabulary.get(atom.predicate)
                if sig is None:
                    report(
                        atom.pos,
                        rule,
                        f"predicate {atom.predicate}/{atom.arity} is not in the vocabulary",
                        "a predicate declared in the vocabulary (check the spelling)",
                        code="unknown-predicate",
                    )
                elif sig.arity != atom.arity:
                    report(
                        atom.pos,
                        rule,
                        f"{atom.predicate} takes {sig.arity} argument(s) but is used with "
                        f"{atom.arity}",
                        _shape(sig),
                        code="arity",
                    )
        return dict(vocabulary)
    # No vocabulary: a predicate is derived when some clause defines it; arity from its first use.
    heads = {rule.head.predicate for rule in rules}
    first_use: dict[str, Atom] = {}
    for rule in rules:
        for atom, _role in _atoms(rule):
            seen = first_use.setdefault(atom.predicate, atom)
            if seen.arity != atom.arity:
                report(
                    atom.pos,
                    rule,
                    f"{atom.predicate} is used with {atom.arity} argument(s) here but with "
                    f"{seen.arity} at {_here(seen.pos)}",
                    f"{seen.arity} argument(s) every time",
                    code="arity",
                )
    return {
        name: PredicateSig(name, atom.arity, "derived" if name in heads else "input")
        for name, atom in first_use.items()
    }


# --- safety (range restriction) ----------------------------------------------------------------


def _check_safety(rule: Rule, report: _Reporter) -> None:
    bound = {
        t.name
        for c in rule.body
        if isinstance(c, Positive)
        for t in c.atom.args
        if isinstance(t, Var)
    }
    negated_only = {
        t.name
        for c in rule.body
        if isinstance(c, Negated)
        for t in c.atom.args
        if isinstance(t, Var) and not t.anonymous and t.name not in bound
    }
    for term in rule.head.args:
        if isinstance(term, Var) and term.anonymous:
            report(
                rule.head.pos,
                rule,
                "`_` in the head: a conclusion must name each value",
                "a variable bound in the body, or a constant",
                code="anonymous-head",
            )
        elif isinstance(term, Var) and term.name not in bound:
            why = (
                " (it occurs only under `not`, which cannot bind it)"
                if term.name in negated_only
                else ""
            )
            report(
                rule.head.pos,
                rule,
                f"head variable {term.name} is not bound by a positive body atom{why}",
                f"{term.name} in a positive atom of the body (range restriction)",
                code="unsafe-head",
            )
    for cond in rule.body:
        if isinstance(cond, Comparison):
            for term in (cond.left, cond.right):
                if isinstance(term, Var) and term.anonymous:
                    report(
                        cond.pos,
                        rule,
                        f"`_` in the comparison `{cond}` compares with nothing",
                        "a variable bound by a positive body atom",
                        code="anonymous-comparison",
                    )
                elif isinstance(term, Var) and term.name not in bound:
                    report(
                        cond.pos,
                        rule,
                        f"variable {term.name} in the comparison `{cond}` is not bound by a "
                        "positive body atom (comparisons test values, they never bind them)",
                        f"{term.name} in a positive atom of the body",
                        code="unsafe-comparison",
                    )
        elif isinstance(cond, Negated):
            for term in cond.atom.args:
                if isinstance(term, Var) and not term.anonymous and term.name not in bound:
                    report(
                        cond.pos,
                        rule,
                        f"variable {term.name} occurs only under `not` in `{cond}`: it is unclear "
                        f"whether it means some {term.name} or every {term.name}",
                        f"`_` for 'no such tuple for any value', or {term.name} bound by a "
                        "positive body atom",
                        code="unsafe-negation",
                    )


# --- definitions and use ------------------------------------------------------------------------


def _check_definitions(rules, vocabulary, signatures, report) -> None:
    defined = {rule.head.predicate for rule in rules}
    used_in_body: set[str] = set()
    for rule in rules:
        sig = signatures.get(rule.head.predicate)
        if sig is not None and sig.kind == "input":
            what = "a fact" if rule.is_fact else "a rule head"
            report(
                rule.head.pos,
                rule,
                f"{rule.head.predicate} is an input predicate (supplied by the case) "
                f"but is used as {what}",
                "a derived predicate in the head (declare it `kind: derived` if rules define it)",
                code="input-in-head",
            )
        for atom, role in _atoms(rule):
            if role == "head":
                continue
            used_in_body.add(atom.predicate)
            sig = signatures.get(atom.predicate)
            if sig is not None and sig.kind == "derived" and atom.predicate not in defined:
                report(
                    atom.pos,
                    rule,
                    f"derived predicate {atom.predicate} is used but no rule defines it",
                    f"a rule with {atom.predicate} in its head, or declare it an input predicate",
                    code="undefined-derived",
                )
    if vocabulary is None:
        return
    vocab_pos = Pos(VOCABULARY_FILE, None, None)  # type: ignore[arg-type]
    for name in sorted(vocabulary):
        sig = vocabulary[name]
        where = f"predicate {name}"
        if sig.kind == "input" and name not in used_in_body:
            report(
                vocab_pos,
                None,
                f"input predicate {name} is not used by any rule",
                "every input predicate read by some rule",
                code="unused-input",
                severity="warning",
                where=where,
            )
        if sig.kind == "derived" and name not in defined:
            report(
                vocab_pos,
                None,
                f"derived predicate {name} is declared but no rule defines it",
                "a rule with it in its head",
                code="undefined-derived",
                severity="warning",
                where=where,
            )


def _check_stratification(rules, report) -> None:
    for edge, path in negation_cycles(rules):
        steps = [f"{edge.head} depends on not {edge.body}"]
        steps += [f"{e.body} is used by {e.head} (rule {e.rule.id})" for e in reversed(path)]
        cycle = " → ".join([edge.head, f"not {edge.body}"] + [e.body for e in path])
        report(
            edge.condition.pos,
            edge.rule,
            f"recursion through negation: {cycle} ({'; '.join(steps)}); such programs have no "
            "unique meaning and pyDatalog may loop on them",
            "a stratified program: no predicate may depend on its own negation",
            code="negation-cycle",
        )


# --- types --------------------------------------------------------------------------------------


def _check_types(rules, signatures, report):
    """Argument types of derived predicates are inferred from their rules when not declared."""
    arg_types: dict[str, list[str | None]] = {}
    for name, sig in signatures.items():
        usable = len(sig.arg_types) == sig.arity and all(t in FAMILY for t in sig.arg_types)
        declared = list(sig.arg_types) if usable else [None] * sig.arity
        arg_types[name] = declared
    declared_names = {n for n, types in arg_types.items() if all(t is not None for t in types)}
    var_types: dict[str, dict[str, str]] = {}
    # derived types may depend on other derived types: iterate to a fixpoint (few rounds in
    # practice)
    for _ in range(len(rules) + 1):
        changed = False
        for rule in rules:
            types = _rule_var_types(rule, arg_types)
            var_types[rule.id] = types
            head_types = arg_types.get(rule.head.predicate)
            if head_types is None or rule.head.predicate in declared_names:
                continue
            for i, term in enumerate(rule.head.args):
                t = types.get(term.name) if isinstance(term, Var) else _const_type(term)
                if t is not None and head_types[i] is None:
                    head_types[i] = t
                    changed = True
        if not changed:
            break
    for rule in rules:
        _report_type_errors(rule, arg_types, var_types[rule.id], report)
    signatures = {name: _with_types(sig, arg_types.get(name)) for name, sig in signatures.items()}
    return signatures, var_types


def _with_types(sig: PredicateSig, types) -> PredicateSig:
    if not types or any(t is None for t in types) or len(sig.arg_types) == sig.arity:
        return sig
    return PredicateSig(sig.name, sig.arity, sig.kind, sig.arg_names, tuple(types), sig.acyclic)


def _const_type(const: Const) -> str | None:
    return (
        "integer" if isinstance(const.value, int) else None
    )  # a str could be a symbol, string or date


def _rule_var_types(rule: Rule, arg_types) -> dict[str, str]:
    types: dict[str, str] = {}
    for cond in rule.body:
        if isinstance(cond, Positive):
            positions = arg_types.get(cond.atom.predicate)
            if positions is None or len(positions) != cond.atom.arity:
                continue
            for term, t in zip(cond.atom.args, positions, strict=True):
                if isinstance(term, Var) and t is not None:
                    types.setdefault(term.name, t)
    return types


def _report_type_errors(rule: Rule, arg_types, var_types: dict[str, str], report) -> None:
    first_seen: dict[str, tuple[str, Atom, int]] = {}
    for atom, role in _atoms(rule):
        positions = arg_types.get(atom.predicate)
        if positions is None or len(positions) != atom.arity:
            continue
        for i, (term, expected) in enumerate(zip(atom.args, positions, strict=True)):
            if expected is None:
                continue
            if isinstance(term, Const):
                why = _const_mismatch(term, expected)
                if why:
                    report(
                        atom.pos,
                        rule,
                        f"argument {i + 1} of {atom.predicate}: {why}",
                        f"a {expected} value",
                        code="type-mismatch",
                    )
                continue
            if term.anonymous:
                continue
            if role == "positive":
                seen = first_seen.setdefault(term.name, (expected, atom, i))
                if FAMILY[seen[0]] != FAMILY[expected]:
                    report(
                        atom.pos,
                        rule,
                        f"variable {term.name} is {expected} as argument {i + 1} of "
                        f"{atom.predicate} but {seen[0]} as argument {seen[2] + 1} of "
                        f"{seen[1].predicate}",
                        "one type per variable",
                        code="type-mismatch",
                    )
            else:
                have = var_types.get(term.name)
                if have is not None and FAMILY[have] != FAMILY[expected]:
                    report(
                        atom.pos,
                        rule,
                        f"variable {term.name} is {have} but argument {i + 1} of {atom.predicate} "
                        f"is {expected}",
                        f"a {expected} value",
                        code="type-mismatch",
                    )
    for cond in rule.body:
        if isinstance(cond, Comparison):
            why = _comparison_mismatch(cond, var_types)
            if why:
                report(
                    cond.pos,
                    rule,
                    f"`{cond}` compares {why}",
                    "both sides of one type (integer with integer, text with text, date with date)",
                    code="type-mismatch",
                )


def _const_mismatch(const: Const, expected: str) -> str | None:
    family = FAMILY[expected]
    if family == "integer" and not isinstance(const.value, int):
        return f"{const} is text, not an integer"
    if family == "text" and isinstance(const.value, int):
        return f"{const} is an integer, not {expected}"
    if family == "date" and parse_date(const.value) is None:
        return f"{const} is not an ISO date YYYY-MM-DD"
    return None


def _side(term, var_types) -> tuple[str | None, str]:
    """(family or None when unknown, description) of one side of a comparison."""
    if isinstance(term, Var):
        t = var_types.get(term.name)
        return (FAMILY[t] if t else None), f"{term.name} ({t or 'unknown type'})"
    if isinstance(term.value, int):
        return "integer", f"the integer {term}"
    return "text", f"the text {term}"


def _comparison_mismatch(cond: Comparison, var_types) -> str | None:
    (lf, ld), (rf, rd) = _side(cond.left, var_types), _side(cond.right, var_types)
    if lf is None or rf is None or lf == rf:
        return None
    # a date variable may be compared with a text constant that spells an ISO date
    for fam, other_term, other_fam in ((lf, cond.right, rf), (rf, cond.left, lf)):
        if fam == "date" and other_fam == "text" and isinstance(other_term, Const):
            if parse_date(other_term.value) is not None:
                return None
            return f"a date with {other_term}, which is not an ISO date YYYY-MM-DD"
    return f"{ld} with {rd}"
