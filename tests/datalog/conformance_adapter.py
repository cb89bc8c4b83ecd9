"""Run the core cases of the third-party ``datalog-conformance`` suites through our Datalog engine.

What it does, and why (docs/engine/conformance.md says the same for readers):

* **Loading.** Only the core suites (``basic``, ``negation``, ``recursion``, ``errors``); the
  defeasible suites test a different logic and are out of scope. ``pytest --pyargs
  datalog_conformance`` collects nothing and the package's own loader uses the pure-Python YAML
  parser (≈60 s for the 4 MB corpus), so we read the files ourselves with libyaml, still validating
  every case with the package's ``TestCase.from_dict``. Cases of one file that share their program
  through a YAML anchor share one parsed program, one translation and one evaluation.
* **Translation** (faithful, no semantic rewriting): rule text is parsed in its source system's
  variable convention (``foreign_syntax``); predicates are renamed injectively to our lower-case
  names (``J1`` → ``j1``); variables get upper-case initials (Soufflé ``x1`` → ``X1``); string
  constants are always quoted. Facts of a predicate that some rule defines, or that no rule
  mentions, become program clauses (our language has no "input predicate that rules also extend");
  facts of predicates only read by rules are the case's input facts, the path real cases take.
* **Outcome** per case: ``passed`` (expected model, or expected error with a matching problem code),
  ``rejected`` (the program uses a construct we deliberately do not support — arithmetic, floats, a
  named variable only under ``not`` — the adapter detected it in the source, and our compiler
  rejected exactly those rules with exactly the matching problem codes), or ``failed`` (anything
  else, including a timeout).
* **Dependency cone.** When a whole program is rejected only because of unsupported rules, each case
  is still evaluated on the rules its expected predicates depend on (their dependency cone), so one
  unsupported rule does not hide thirteen supported ones. The model of a predicate is fully
  determined by its cone.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from datalog_conformance import get_tests_dir
from datalog_conformance.schema import Program as SuiteProgram
from datalog_conformance.schema import TestCase
from foreign_syntax import parse_clause
from program_ast import (
    Atom,
    Clause,
    Compare,
    Expr,
    Literal,
    Term,
    Var,
    body_predicates,
    has_arithmetic,
    has_float,
    negation_only_variables,
    render_clause,
    render_facts,
)

from engine.datalog import RuleSource, compile_program
from engine.problems import ProblemsError

CORE_SUITES = ("basic", "negation", "recursion", "errors")
OUT_OF_SCOPE_SUITES = ("defeasible",)

# Constructs we deliberately do not support → the problem codes our compiler must reject them with.
UNSUPPORTED_CODES = {
    "arithmetic": {"arithmetic"},
    "float": {"float"},
    "named variable only under not": {"unsafe-negation"},
}

# The suites' error names → our problem codes that mean the same thing.
ERROR_CODES = {
    "arity_mismatch": {"arity"},
    "cyclic_negation": {"negation-cycle"},
    "unbound_variable": {"unsafe-head", "unsafe-comparison", "unsafe-negation"},
    "safety_violations": {"anonymous-head", "unsafe-head", "unsafe-comparison", "unsafe-negation"},
    "SafetyViolationError": {"unsafe-negation", "unsafe-head", "unsafe-comparison"},
}

TIME_LIMIT = 60.0  # seconds per evaluation; exceeding it is a failure ("a hang is a bug")

# ------------------------------------------------------------------------------------------------
# loading


@dataclass(frozen=True)
class SuiteCase:
    suite: str  # basic | negation | recursion | errors
    file: str  # path relative to the suites' root, e.g. "recursion/souffle_example_lubm.yaml"
    case: TestCase
    group: tuple  # cases with equal group share one program (same YAML anchor)

    @property
    def id(self) -> str:
        return f"{self.suite}/{Path(self.file).stem}::{self.case.name}"


_YAML_TEXT: dict[str, str] = {}


def load_core_cases(
    root: Path | None = None, skip: frozenset[str] = frozenset()
) -> list[SuiteCase]:
    """Every case of the core suites, validated by the package's own schema, in a stable order;
    the files in ``skip`` (suite-relative paths) are not even read: the largest take longer to
    parse than most cases take to run."""
    root = root or get_tests_dir()
    cases: list[SuiteCase] = []
    for suite in CORE_SUITES:
        for path in sorted((root / suite).glob("*.yaml")):
            rel = path.relative_to(root).as_posix()
            if rel in skip:
                continue
            text = path.read_text(encoding="utf-8")
            _YAML_TEXT[rel] = text
            raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
            for entry, program_key in _entries(raw):
                cases.append(SuiteCase(suite, rel, entry, (rel, program_key)))
    return cases


def _entries(raw: dict):
    """(TestCase, program key) for a single- or multi-case file, merging file-level fields as the
    package's loader does. Entries whose program is one YAML anchor share one parsed ``Program``."""
    if "tests" not in raw:
        yield TestCase.from_dict(raw), 0
        return
    shared: dict[tuple[int, int], SuiteProgram] = {}
    for index, entry in enumerate(raw["tests"]):
        merged = dict(entry)
        if "source" not in merged and raw.get("source") is not None:
            merged["source"] = raw["source"]
        if "verification" not in merged and raw.get("verification") is not None:
            merged["verification"] = raw["verification"]
        if raw.get("tags"):
            merged["tags"] = [*raw["tags"], *merged.get("tags", [])]
        program = merged.get("program") or {}
        key = (id(program.get("facts")), id(program.get("rules")))
        if key in shared:  # same anchored object: validate the rest, reuse the parsed program
            case = TestCase.from_dict({**merged, "program": {"facts": {}, "rules": []}})
            case.program = shared[key]
            yield case, key
            continue
        case = TestCase.from_dict(merged)
        shared[key] = case.program
        yield case, key if program else index


# --------------------------------------------------------------------------------------------
# translation


@dataclass
class Translation:
    """One suite program in our language."""

    file: str
    names: dict[str, str]  # suite predicate name → our name
    clauses: dict[str, Clause]  # rule id → clause in our names and spelling
    original: dict[str, Clause]  # rule id → clause as parsed, suite names
    text_facts: dict[str, list[tuple]]  # our predicate → rows given as program clauses
    input_facts: dict[str, list[tuple]]  # our predicate → rows given as case input
    unsupported: dict[str, set[str]] = field(default_factory=dict)  # rule id → constructs
    original_text: dict[str, str] = field(default_factory=dict)  # rule id → text as in the suite

    def sources(self, predicates: set[str] | None = None) -> list[RuleSource]:
        """Rule sources (all, or those defining ``predicates``), each located in the suite YAML."""
        sources = []
        for rule_id, clause in self.clauses.items():
            if predicates is None or clause.head.predicate in predicates:
                text = render_clause(clause)
                line, column = _locate(self.file, self.original_text.get(rule_id, ""))
                sources.append(RuleSource(rule_id, text, file=self.file, line=line, column=column))
        for pred, rows in self.text_facts.items():
            if predicates is None or pred in predicates:
                sources.append(
                    RuleSource(f"facts_{pred}", render_facts(pred, rows), file=self.file)
                )
        return sources

    def inputs(self, predicates: set[str] | None = None) -> dict[str, list[tuple]]:
        return {
            p: rows for p, rows in self.input_facts.items() if predicates is None or p in predicates
        }

    def cone(self, predicates: set[str]) -> set[str]:
        """``predicates`` and every predicate they depend on through rules, transitively."""
        found = set(predicates)
        todo = list(predicates)
        while todo:
            pred = todo.pop()
            for clause in self.clauses.values():
                if clause.head.predicate == pred:
                    for dep in body_predicates(clause) - found:
                        found.add(dep)
                        todo.append(dep)
        return found


def translate(
    program: SuiteProgram, source: str, file: str, expected: set[str] = frozenset()
) -> Translation:
    from foreign_syntax import dialect_of

    dialect = dialect_of(source)
    original = {
        f"r{i}": parse_clause(text, dialect) for i, text in enumerate(program.rules, start=1)
    }
    original_text = {f"r{i}": text for i, text in enumerate(program.rules, start=1)}
    names = predicate_names(
        [c.head.predicate for c in original.values()]
        + [p for c in original.values() for p in sorted(body_predicates(c))]
        + list(program.facts)
        + sorted(expected)
    )
    clauses = {rid: _ours(c, names) for rid, c in original.items()}
    heads = {c.head.predicate for c in original.values()}
    mentioned = heads | {p for c in original.values() for p in body_predicates(c)}
    text_facts: dict[str, list[tuple]] = {}
    input_facts: dict[str, list[tuple]] = {}
    for pred, rows in program.facts.items():
        target = text_facts if (pred in heads or pred not in mentioned) else input_facts
        target[names[pred]] = [tuple(r) for r in rows]
    unsupported: dict[str, set[str]] = defaultdict(set)
    for rid, clause in original.items():
        if has_arithmetic(clause):
            unsupported[rid].add("arithmetic")
        if has_float(clause):
            unsupported[rid].add("float")
        if negation_only_variables(clause):
            unsupported[rid].add("named variable only under not")
    for pred, rows in program.facts.items():
        if any(isinstance(v, float) for row in rows for v in row):
            unsupported[f"facts_{names[pred]}"].add("float")
    return Translation(
        file, names, clauses, original, text_facts, input_facts, dict(unsupported), original_text
    )


def predicate_names(suite_names: list[str]) -> dict[str, str]:
    """Suite predicate names → our names, injective: keep ``edge``; ``J1`` → ``j1``; on a clash or a
    reserved word append ``_``."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for name in dict.fromkeys(suite_names):  # first-seen order, deterministic
        if name in mapping:
            continue
        base = re.sub(r"[^A-Za-z0-9_]", "_", name)
        base = base[0].lower() + base[1:] if base[0].isalpha() else "p_" + base
        candidate = base
        others = set(suite_names) - {name}
        while candidate in taken or candidate in others or candidate == "not":
            candidate += "_"
        mapping[name] = candidate
        taken.add(candidate)
    return mapping


def _ours(clause: Clause, names: dict[str, str]) -> Clause:
    """Rename predicates; spell variables our way (upper-case initial), injectively per clause."""
    var_names: dict[str, str] = {}
    written = {v.name for v in _all_vars(clause)}
    for name in sorted(written - {"_"}):
        candidate = name if (name[0].isupper() or name[0] == "_") else name[0].upper() + name[1:]
        if candidate != name and (candidate in written or candidate in var_names.values()):
            candidate = "V_" + name
        while candidate in var_names.values():
            candidate += "_"
        var_names[name] = candidate

    def term(t: Term) -> Term:
        if isinstance(t, Var):
            return t if t.anonymous else Var(var_names[t.name])
        if isinstance(t, Expr):
            return Expr(tuple(p if isinstance(p, str) else term(p) for p in t.parts))
        return t

    def atom(a: Atom) -> Atom:
        return Atom(names[a.predicate], tuple(term(t) for t in a.args))

    body = tuple(
        Literal(atom(c.atom), c.negated)
        if isinstance(c, Literal)
        else Compare(c.op, term(c.left), term(c.right))
        for c in clause.body
    )
    return Clause(atom(clause.head), body)


def _all_vars(clause: Clause) -> list[Var]:
    from program_ast import atom_vars, term_vars

    found = atom_vars(clause.head)
    for c in clause.body:
        found += (
            atom_vars(c.atom) if isinstance(c, Literal) else term_vars(c.left) + term_vars(c.right)
        )
    return found


def _locate(file: str, needle: str) -> tuple[int, int]:
    text = _YAML_TEXT.get(file, "")
    at = text.find(needle) if needle else -1
    if at < 0:
        return 1, 1
    line = text.count("\n", 0, at) + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1


def explicit_existentials(tr: Translation) -> Translation:
    """The same program, each named variable that occurs only under ``not`` made explicit as our
    language asks: ``_`` when it occurs once in its negated atom, otherwise an auxiliary
    predicate (``not s3(X, P, P)`` → ``not ex_r12_1(X)`` with ``ex_r12_1(X) :- s3(X, P, P).``).

    This is Nemo's reading (existential inside the negation). It is *not* applied by the conformance
    run; it shows that what we reject is a spelling, not a meaning we cannot express.
    """
    clauses: dict[str, Clause] = {}
    taken = set(tr.names.values())
    for rid, clause in tr.clauses.items():
        only_neg = negation_only_variables(clause)
        if not only_neg:
            clauses[rid] = clause
            continue
        positive = {
            v.name
            for c in clause.body
            if isinstance(c, Literal) and not c.negated
            for v in _atom_vars(c.atom)
        }
        body = []
        for k, cond in enumerate(clause.body, start=1):
            names = [v.name for v in _atom_vars(cond.atom)] if isinstance(cond, Literal) else []
            if not (isinstance(cond, Literal) and cond.negated and set(names) & only_neg):
                body.append(cond)
                continue
            if all(names.count(n) == 1 for n in set(names) & only_neg):
                args = tuple(
                    Var("_") if isinstance(t, Var) and t.name in only_neg else t
                    for t in cond.atom.args
                )
                body.append(Literal(Atom(cond.atom.predicate, args), negated=True))
                continue
            aux = f"ex_{rid}_{k}"
            while aux in taken:
                aux += "_"
            taken.add(aux)
            shared = tuple(Var(n) for n in dict.fromkeys(names) if n in positive)
            clauses[f"{rid}_ex{k}"] = Clause(Atom(aux, shared), (Literal(cond.atom),))
            body.append(Literal(Atom(aux, shared), negated=True))
        clauses[rid] = Clause(clause.head, tuple(body))
    return Translation(
        tr.file, tr.names, clauses, tr.original, tr.text_facts, tr.input_facts, {}, tr.original_text
    )


def _atom_vars(atom: Atom) -> list[Var]:
    from program_ast import atom_vars

    return [v for v in atom_vars(atom) if not v.anonymous]


# ------------------------------------------------------------------------------------------------
# running


@dataclass
class Outcome:
    status: str  # passed | rejected | failed
    detail: str = ""
    seconds: float = 0.0


_TRANSLATIONS: dict[tuple, Translation] = {}
_COMPILED: dict[tuple, object] = {}  # (group, cone) → Program | ProblemsError
_MODELS: dict[tuple, object] = {}  # (group, cone) → Model | Exception
_EXPECTED_BY_GROUP: dict[tuple, set[str]] = defaultdict(set)


def register(cases: list[SuiteCase]) -> None:
    """Tell the runner which predicates each shared program will be asked about (one evaluation
    each)."""
    for c in cases:
        _EXPECTED_BY_GROUP[c.group] |= set(c.case.expect or {})


def translation_of(sc: SuiteCase) -> Translation:
    if sc.group not in _TRANSLATIONS:
        assert sc.case.program is not None
        expected = _EXPECTED_BY_GROUP.get(sc.group) or set(sc.case.expect or {})
        _TRANSLATIONS[sc.group] = translate(sc.case.program, sc.case.source, sc.file, expected)
    return _TRANSLATIONS[sc.group]


def _compiled(sc: SuiteCase, tr: Translation, cone: frozenset[str] | None):
    key = (sc.group, cone)
    if key not in _COMPILED:
        try:
            _COMPILED[key] = compile_program(tr.sources(cone), name=f"{sc.file}")
        except ProblemsError as error:
            _COMPILED[key] = error
    return _COMPILED[key]


def _model(sc: SuiteCase, tr: Translation, cone: frozenset[str] | None, program, backend: str):
    key = (sc.group, cone, backend)
    if key not in _MODELS:
        try:
            _MODELS[key] = program.evaluate(tr.inputs(cone), time_limit=TIME_LIMIT, backend=backend)
        except Exception as error:  # noqa: BLE001 - every failure becomes a reported outcome
            _MODELS[key] = error
    return _MODELS[key]


def run_case(sc: SuiteCase, backend: str = "native") -> Outcome:
    start = time.perf_counter()
    outcome = _run_case(sc, backend)
    outcome.seconds = time.perf_counter() - start
    return outcome


def _run_case(sc: SuiteCase, backend: str) -> Outcome:
    case = sc.case
    tr = translation_of(sc)
    flagged = {rid: feats for rid, feats in tr.unsupported.items()}
    if case.expect_error is not None:
        return _expect_error(sc, tr, flagged)
    expected_ours = {tr.names[p] for p in case.expect or {}}
    full = _compiled(sc, tr, None)
    cone: frozenset[str] | None = None
    program = full
    if isinstance(full, ProblemsError):
        cone = frozenset(tr.cone(expected_ours))
        in_cone = {rid for rid in flagged if _rule_head(tr, rid) in cone}
        program = _compiled(sc, tr, cone)
        if in_cone:
            return _rejected_or_failed(program, {r: flagged[r] for r in in_cone})
        if isinstance(program, ProblemsError):
            whole = _rejected_or_failed(full, flagged)
            reason = (
                ""
                if whole.status == "failed"
                else " (only unsupported rules outside this case's cone)"
            )
            return Outcome("failed", f"rejected{reason}:\n{program}")
    elif flagged:
        return Outcome("failed", f"accepted constructs we claim to reject: {flagged}")
    model = _model(sc, tr, cone, program, backend)
    if isinstance(model, Exception):
        return Outcome("failed", f"evaluation failed: {type(model).__name__}: {model}")
    return _compare(case, tr, model, program)


def _rule_head(tr: Translation, rid: str) -> str:
    if rid in tr.clauses:
        return tr.clauses[rid].head.predicate
    return rid.removeprefix("facts_")


def _rejected_or_failed(result, flagged: dict[str, set[str]]) -> Outcome:
    """Rejected as unsupported only if every problem is one we expect, on a rule we flagged."""
    if not isinstance(result, ProblemsError):
        return Outcome("failed", f"accepted constructs we claim to reject: {flagged}")
    allowed = set().union(*(UNSUPPORTED_CODES[f] for feats in flagged.values() for f in feats))
    stray = [
        p
        for p in result.problems
        if p.severity == "error" and (p.code not in allowed or _rule_of(p.where) not in flagged)
    ]
    if stray:
        return Outcome(
            "failed",
            "rejected for other reasons than the unsupported constructs:\n"
            + "\n".join(p.format() for p in stray),
        )
    features = sorted({f for feats in flagged.values() for f in feats})
    return Outcome(
        "rejected", f"{', '.join(features)}: " + "; ".join(p.format() for p in result.problems)
    )


def _rule_of(where: str) -> str:
    """``rule r3`` or ``rule r3#2`` → ``r3``."""
    return where.removeprefix("rule ").split("#", 1)[0]


def _expect_error(sc: SuiteCase, tr: Translation, flagged: dict[str, set[str]]) -> Outcome:
    wanted = ERROR_CODES.get(sc.case.expect_error or "")
    if wanted is None:
        return Outcome("failed", f"no mapping for the suite's error name {sc.case.expect_error!r}")
    result = _compiled(sc, tr, None)
    if isinstance(result, ProblemsError):
        codes = {p.code for p in result.problems if p.severity == "error"}
        if codes & wanted:
            return Outcome("passed", "; ".join(p.format() for p in result.problems))
        if flagged:
            return _rejected_or_failed(result, flagged)
        return Outcome("failed", f"expected one of {sorted(wanted)}, got:\n{result}")
    model = _model(sc, tr, None, result)
    if isinstance(model, ProblemsError) and {p.code for p in model.problems} & wanted:
        return Outcome("passed", str(model))
    return Outcome(
        "failed", f"expected error {sc.case.expect_error!r}, got {type(model).__name__}: {model}"
    )


def _compare(case: TestCase, tr: Translation, model, program) -> Outcome:
    problems = []
    for pred, rows in (case.expect or {}).items():
        want = {tuple(r) for r in rows}
        ours = tr.names[pred]
        # a predicate the program never mentions has no tuples (e.g. an expected-empty relation)
        got = set(model.tuples(ours)) if ours in program.predicates else set()
        if want != got:
            missing = sorted(want - got, key=repr)[:8]
            extra = sorted(got - want, key=repr)[:8]
            problems.append(
                f"{pred} (ours: {tr.names[pred]}): expected {len(want)} tuples, got {len(got)}; "
                f"missing {missing}; unexpected {extra}"
            )
    if problems:
        return Outcome("failed", "\n".join(problems))
    return Outcome("passed", f"{sum(len(r) for r in (case.expect or {}).values())} expected tuples")


# ------------------------------------------------------------------------------------ session
# bookkeeping

OUTCOMES: dict[str, tuple[str, Outcome]] = {}  # case id → (suite, outcome), filled by the tests


def record(sc: SuiteCase, outcome: Outcome) -> None:
    OUTCOMES[sc.id] = (sc.suite, outcome)


def summary_lines() -> list[str]:
    counts: dict[str, dict[str, int]] = {
        s: {"passed": 0, "rejected": 0, "failed": 0} for s in CORE_SUITES
    }
    for suite, outcome in OUTCOMES.values():
        counts[suite][outcome.status] += 1
    lines = [
        f"{'suite':<10} {'passed':>7} {'rejected-as-unsupported':>24} {'failed':>7} {'total':>6}"
    ]
    total = {"passed": 0, "rejected": 0, "failed": 0}
    for suite in CORE_SUITES:
        c = counts[suite]
        lines.append(
            f"{suite:<10} {c['passed']:>7} {c['rejected']:>24} {c['failed']:>7} "
            f"{sum(c.values()):>6}"
        )
        for k in total:
            total[k] += c[k]
    lines.append(
        f"{'all':<10} {total['passed']:>7} {total['rejected']:>24} {total['failed']:>7} "
        f"{sum(total.values()):>6}"
    )
    rejected = sorted(
        (cid, o.detail.split(":", 1)[0])
        for cid, (_, o) in OUTCOMES.items()
        if o.status == "rejected"
    )
    if rejected:
        lines.append("rejected as unsupported:")
        lines += [f"  {cid}: {why}" for cid, why in rejected]
    failed = sorted(cid for cid, (_, o) in OUTCOMES.items() if o.status == "failed")
    if failed:
        lines.append("failed:")
        lines += [f"  {cid}" for cid in failed]
    return lines
