"""Each measured pyDatalog 0.22.4 trap, shown impossible through our compiler."""

from __future__ import annotations

import pytest
from dl_helpers import problems_of, program, sig
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.datalog import EvaluationError, EvaluationTimeout, InvalidFacts

CYCLE = {"e": [(1, 2), (2, 3), (3, 1)]}
CLOSURE_OF_CYCLE = {(a, b) for a in (1, 2, 3) for b in (1, 2, 3)}


def closure(edges) -> set:
    reach = set(edges)
    while True:
        more = {(a, d) for (a, b) in reach for (c, d) in reach if b == c} - reach
        if not more:
            return reach
        reach |= more


def test_right_recursion_over_a_directed_cycle_terminates_with_the_transitive_closure():
    compiled = program("r(X, Y) :- e(X, Y).", "r(X, Y) :- e(X, Z), r(Z, Y).")
    assert compiled.evaluate(CYCLE).tuples("r") == CLOSURE_OF_CYCLE


def test_left_and_doubly_recursive_forms_give_the_same_closure():
    left = program("r(X, Y) :- e(X, Y).", "r(X, Y) :- r(X, Z), e(Z, Y).")
    double = program("r(X, Y) :- e(X, Y).", "r(X, Y) :- r(X, Z), r(Z, Y).")
    assert left.evaluate(CYCLE).tuples("r") == CLOSURE_OF_CYCLE
    assert double.evaluate(CYCLE).tuples("r") == CLOSURE_OF_CYCLE


@settings(max_examples=40, deadline=None)
@given(st.sets(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=15))
def test_any_recursive_form_computes_exactly_the_transitive_closure_of_any_graph(edges):
    expected = closure(edges)
    for text in (
        "r(X, Y) :- e(X, Z), r(Z, Y).",
        "r(X, Y) :- r(X, Z), e(Z, Y).",
        "r(X, Y) :- r(X, Z), r(Z, Y).",
    ):
        compiled = program("r(X, Y) :- e(X, Y).", text)
        assert compiled.evaluate({"e": edges}).tuples("r") == expected


def test_mutual_recursion_reaches_its_fixpoint():
    compiled = program(
        "even(X) :- zero(X).", "even(Y) :- odd(X), succ(X, Y).", "odd(Y) :- even(X), succ(X, Y)."
    )
    model = compiled.evaluate({"zero": [(0,)], "succ": [(i, i + 1) for i in range(7)]})
    assert model.tuples("even") == {(0,), (2,), (4,), (6,)}
    assert model.tuples("odd") == {(1,), (3,), (5,), (7,)}


def test_a_negation_written_before_the_atom_that_binds_it_gives_the_right_answer():
    compiled = program("r(X) :- not q(X), p(X).")
    model = compiled.evaluate({"p": [("a",), ("b",)], "q": [("a",)]})
    assert model.tuples("r") == {("b",)}


def test_a_comparison_written_first_gives_the_right_answer():
    compiled = program("r(X) :- X != b, p(X).")
    assert compiled.evaluate({"p": [("a",), ("b",)]}).tuples("r") == {("a",)}


def test_arithmetic_in_a_head_is_rejected_instead_of_silently_deriving_nothing():
    assert [p.code for p in problems_of("r(X + 1) :- p(X).")] == ["arithmetic"]


@pytest.mark.parametrize("value", [1.0, True, 2.5, None, b"x", ("a",)])
def test_floats_booleans_and_other_python_values_are_refused_as_facts(value):
    compiled = program("r(X) :- p(X).")
    with pytest.raises(InvalidFacts):
        compiled.evaluate({"p": [(value,)]})


def test_the_integer_1_and_the_string_1_stay_different_values():
    compiled = program("same(X) :- p(X), q(X).")
    model = compiled.evaluate({"p": [(1,), ("2",)], "q": [("1",), (2,)]})
    assert model.tuples("same") == frozenset()


def test_comparing_an_integer_with_a_string_is_rejected_statically_when_types_are_known():
    vocabulary = {
        "age": sig("age", "input", "symbol", "integer"),
        "adult": sig("adult", "derived", "symbol"),
    }
    (problem,) = problems_of('adult(P) :- age(P, A), A >= "18".', vocabulary=vocabulary)
    assert problem.code == "type-mismatch"


def test_comparing_an_integer_with_a_string_at_run_time_raises_a_clear_error_naming_the_rule():
    compiled = program("big(X) :- p(X), X > 10.")
    with pytest.raises(EvaluationError) as caught:
        compiled.evaluate({"p": [(11,), ("eleven",)]})
    assert caught.value.rule_id == "r0"
    assert "different types" in str(caught.value)


def test_a_predicate_without_any_fact_answers_nothing_instead_of_raising_attribute_error():
    compiled = program("r(X) :- p(X), not q(X).", "s(X) :- r(X), t(X).")
    model = compiled.evaluate({"p": [("a",)]})
    assert model.tuples("r") == {("a",)}
    assert model.tuples("s") == frozenset()


def test_recursion_through_negation_is_rejected_before_it_can_loop():
    codes = {p.code for p in problems_of("p(X) :- d(X), not q(X).", "q(X) :- d(X), not p(X).")}
    assert codes == {"negation-cycle"}


def test_a_program_that_runs_out_of_time_raises_a_timeout_naming_the_program():
    compiled = program("r(X, Y) :- e(X, Y).", "r(X, Y) :- e(X, Z), r(Z, Y).")
    chain = {"e": [(i, i + 1) for i in range(30)]}
    with pytest.raises(EvaluationTimeout) as caught:
        compiled.evaluate(chain, time_limit=0.0)
    assert compiled.name in str(caught.value)
    assert compiled.evaluate(chain).tuples("r") == closure(chain["e"])  # nothing left behind


def test_a_single_long_join_is_stopped_from_inside_when_time_runs_out():
    # 200³ = 8 million bindings in one rule body: seconds for the native joins, hours inside one
    # pyDatalog query; both must stop at the limit, not after the join
    compiled = program("triple(A, B, C) :- n(A), n(B), n(C).")
    facts = {"n": [(i,) for i in range(200)]}
    with pytest.raises(EvaluationTimeout) as caught:
        compiled.evaluate(facts, time_limit=0.2)
    assert caught.value.where == "rule r0"
    assert compiled.evaluate({"n": [(1,), (2,)]}).tuples("triple") == {
        (a, b, c) for a in (1, 2) for b in (1, 2) for c in (1, 2)
    }


def test_a_cycle_in_a_relation_declared_acyclic_is_rejected_and_shown():
    vocabulary = {
        "parent": sig("parent", "input", "symbol", "symbol", acyclic=True),
        "ancestor": sig("ancestor", "derived", "symbol", "symbol"),
    }
    compiled = program(
        "ancestor(X, Y) :- parent(X, Y).",
        "ancestor(X, Y) :- parent(X, Z), ancestor(Z, Y).",
        vocabulary=vocabulary,
    )
    with pytest.raises(InvalidFacts) as caught:
        compiled.evaluate({"parent": [("b", "c"), ("a", "b"), ("c", "a")]})
    assert "a → b → c → a" in str(caught.value)
    assert len(compiled.evaluate({"parent": [("a", "b"), ("b", "c")]}).tuples("ancestor")) == 3


@pytest.mark.parametrize(
    "name",
    [
        "lambda",
        "class",
        "import",
        "len",
        "ask",
        "clear",
        "load",
        "logic",
        "pred",
        "literal",
        "query",
        "not_",
        "none",
        "true",
        "false",
    ],
)
def test_predicate_names_that_are_python_or_pydatalog_words_work_like_any_other(name):
    compiled = program(f"{name}(X) :- p(X), not q(X).")
    assert compiled.evaluate({"p": [("a",), ("b",)], "q": [("a",)]}).tuples(name) == {("b",)}


def test_strings_that_look_like_variables_or_python_and_chinese_text_are_plain_constants():
    compiled = program('hit(X) :- p(X), X != "Y", X != "_".', 'tagged(X, "审核人") :- hit(X).')
    values = [("X",), ("Y",), ("_",), ("文水县民政局",), ("__import__('os')",), ("a.b",), ("~q",)]
    model = compiled.evaluate({"p": values})
    assert model.tuples("hit") == set(values) - {("Y",), ("_",)}
    assert ("文水县民政局", "审核人") in model.tuples("tagged")


def test_a_program_keeps_working_after_someone_clears_pydatalog_in_the_same_thread():
    from pyDatalog import pyDatalog

    compiled = program("r(X) :- p(X).")
    assert compiled.evaluate({"p": [(1,)]}).tuples("r") == {(1,)}
    pyDatalog.clear()
    assert compiled.evaluate({"p": [(2,)]}).tuples("r") == {(2,)}


def test_two_programs_with_the_same_predicate_names_do_not_see_each_others_rules():
    first = program("r(X) :- p(X).")
    second = program("r(X) :- p(X), X > 1.")
    facts = {"p": [(1,), (2,)]}
    assert first.evaluate(facts).tuples("r") == {(1,), (2,)}
    assert second.evaluate(facts).tuples("r") == {(2,)}
    assert first.evaluate(facts).tuples("r") == {(1,), (2,)}
