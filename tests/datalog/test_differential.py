"""Differential testing: random stratified programs and fact sets, our engine against clingo.

For a stratified program clingo's unique answer set is the perfect model, so for every derived
predicate both must give exactly the same tuples. Programs mix recursion (left, right, doubly
recursive, mutual), cycles in the input, negation over lower strata (with ``_`` under ``not``),
comparisons and constants, over a small homogeneous domain (all integers or all symbols: untyped
ordering between an int and a str is an ``EvaluationError`` by design, tested elsewhere).
Deterministic in CI: ``derandomize=True``, no example database.
"""

from __future__ import annotations

import clingo_reference
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from program_ast import Atom, Clause, Compare, Const, Literal, Var, render_clause, render_facts

from engine.datalog import RuleSource, compile_program

INPUTS = {"e": 2, "f": 2, "u": 1}
VARIABLES = ("X", "Y", "Z")
DOMAINS = {"int": (0, 1, 2, 3), "symbol": ("a", "b", "c", "d")}
COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")

# Recursion shapes that random rules rarely hit on their own; drawn in or out per example.
TEMPLATES = {
    "right": ["tr(X, Y) :- e(X, Y).", "tr(X, Y) :- e(X, Z), tr(Z, Y)."],
    "left": ["tl(X, Y) :- f(X, Y).", "tl(X, Y) :- tl(X, Z), f(Z, Y)."],
    "double": ["td(X, Y) :- e(X, Y).", "td(X, Y) :- td(X, Z), td(Z, Y)."],
    "mutual": ["ev(X) :- u(X).", "ev(Y) :- od(X), e(X, Y).", "od(Y) :- ev(X), e(X, Y)."],
}
TEMPLATE_PREDICATES = {
    "right": {"tr": 2},
    "left": {"tl": 2},
    "double": {"td": 2},
    "mutual": {"ev": 1, "od": 1},
}


def _template_clauses(name: str) -> list[Clause]:
    from foreign_syntax import CASE_DECIDES, parse_clause

    return [parse_clause(text, CASE_DECIDES) for text in TEMPLATES[name]]


@st.composite
def stratified_programs(draw):
    domain = DOMAINS[draw(st.sampled_from(sorted(DOMAINS)))]
    templates = [t for t in sorted(TEMPLATES) if draw(st.booleans())]
    clauses: list[Clause] = [c for t in templates for c in _template_clauses(t)]
    # predicate → (arity, stratum); inputs and templates sit below every generated stratum
    preds: dict[str, tuple[int, int]] = {p: (a, -1) for p, a in INPUTS.items()}
    for t in templates:
        preds.update({p: (a, -1) for p, a in TEMPLATE_PREDICATES[t].items()})
    count = draw(st.integers(1, 4))
    strata = sorted(draw(st.lists(st.integers(0, 2), min_size=count, max_size=count)))
    derived = [(f"d{i}", draw(st.integers(0, 2)), strata[i]) for i in range(count)]
    for name, arity, stratum in derived:
        preds[name] = (arity, stratum)
    for name, arity, stratum in derived:
        for _ in range(draw(st.integers(1, 3))):
            clauses.append(draw(_rule(name, arity, stratum, preds, domain)))
    facts = {
        p: sorted(
            draw(st.sets(st.tuples(*[st.sampled_from(domain)] * a), min_size=1, max_size=8)),
            key=repr,
        )
        for p, a in INPUTS.items()
    }
    return (
        clauses,
        facts,
        [name for name, _, _ in derived] + [p for t in templates for p in TEMPLATE_PREDICATES[t]],
    )


@st.composite
def _rule(draw, head: str, arity: int, stratum: int, preds, domain):
    positive_choices = sorted(p for p, (_, s) in preds.items() if s <= stratum)
    negative_choices = sorted(p for p, (_, s) in preds.items() if s < stratum)
    constant = st.sampled_from(domain).map(Const)
    body: list = []
    bound: list[str] = []
    for _ in range(draw(st.integers(1, 2))):
        pred = draw(st.sampled_from(positive_choices))
        args = []
        for _ in range(preds[pred][0]):
            kind = draw(st.sampled_from(["var"] * 6 + ["const", "anon"]))
            if kind == "var":
                var = draw(st.sampled_from(VARIABLES))
                args.append(Var(var))
                bound.append(var)
            elif kind == "const":
                args.append(draw(constant))
            else:
                args.append(Var("_"))
        body.append(Literal(Atom(pred, tuple(args))))
    bound = sorted(set(bound))
    bound_term = st.sampled_from(bound).map(Var) if bound else constant
    if bound and draw(st.booleans()):
        right = draw(st.one_of(bound_term, constant))
        body.append(Compare(draw(st.sampled_from(COMPARISONS)), draw(bound_term), right))
    if negative_choices:
        for _ in range(draw(st.integers(0, 2))):
            pred = draw(st.sampled_from(negative_choices))
            args = tuple(
                draw(st.one_of(bound_term, constant, st.just(Var("_"))))
                for _ in range(preds[pred][0])
            )
            body.append(Literal(Atom(pred, args), negated=True))
    head_args = tuple(draw(bound_term) for _ in range(arity))
    return Clause(Atom(head, head_args), tuple(body))


@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(stratified_programs())
def test_both_evaluators_alone_and_in_a_batch_give_clingos_model_for_every_derived_predicate(
    example,
):
    clauses, facts, derived = example
    text = "\n".join(render_clause(c) for c in clauses)
    program = compile_program([RuleSource("generated", text)])
    known = _known(program, facts)
    reference = clingo_reference.solve(clauses, facts)
    without_facts = clingo_reference.solve(clauses, {})
    models = {
        "native": program.evaluate(known, time_limit=30.0),
        "pydatalog": program.evaluate(known, time_limit=30.0, backend="pydatalog"),
    }
    # the same case jointly with an empty one and itself (engine/datalog/batch.py)
    models["batch[0]"], empty, models["batch[2]"] = program.evaluate_batch(
        [known, {}, known], batch_size=3, time_limit=30.0
    )
    for pred in derived:
        for evaluator, model in models.items():
            assert model.tuples(pred) == reference.get(pred, set()), (
                f"{pred} differs ({evaluator}) for:\n{text}\n{facts}"
            )
        assert empty.tuples(pred) == without_facts.get(pred, set()), f"{pred}, no facts:\n{text}"


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(stratified_programs())
def test_every_derived_tuple_has_a_derivation_and_every_absent_one_a_why_not(example):
    clauses, facts, derived = example
    program = compile_program(
        [RuleSource("generated", "\n".join(render_clause(c) for c in clauses))]
    )
    model = program.evaluate(_known(program, facts), time_limit=30.0)
    reference = clingo_reference.solve(clauses, facts)
    for pred in derived:
        for args in sorted(model.tuples(pred), key=repr)[:3]:
            assert model.explain(pred, args).to_dict()
        arity = program.predicates[pred].arity
        absent = [t for t in _some_tuples(facts, arity) if t not in reference.get(pred, set())][:2]
        for args in absent:
            model.why_not(pred, args)  # must not raise for a tuple that does not hold


def _known(program, facts):
    """Only the inputs this program reads (our engine rejects facts of unknown predicates)."""
    return {p: rows for p, rows in facts.items() if p in program.predicates}


def _some_tuples(facts, arity: int) -> list[tuple]:
    values = sorted({v for rows in facts.values() for row in rows for v in row}, key=repr)[:3]
    if arity == 0:
        return [()]
    if arity == 1:
        return [(v,) for v in values]
    return [(a, b) for a in values for b in values]


def test_the_generator_renders_facts_our_parser_reads_back():
    text = render_facts("e", [("a", "b"), (1, 2)])
    program = compile_program([RuleSource("facts", text), RuleSource("r", "p(X) :- e(X, _).")])
    assert program.evaluate({}).tuples("p") == {("a",), (1,)}
