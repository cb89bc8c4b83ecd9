"""Evaluating a program on one case: inputs are checked, outputs are what the rules say."""

from __future__ import annotations

import pickle

import pytest
from dl_helpers import program, sig

from engine.datalog import InvalidFacts, RuleSource, compile_program

VOCABULARY = {
    "person": sig("person", "input", "symbol", "integer", names=("who", "age")),
    "decided": sig("decided", "input", "symbol", "date", names=("case", "on")),
    "adult": sig("adult", "derived", "symbol"),
    "before": sig("before", "derived", "symbol", "symbol"),
    "summer": sig("summer", "derived", "symbol"),
}
RULES = (
    "adult(P) :- person(P, A), A >= 18.",
    "before(X, Y) :- decided(X, D), decided(Y, E), D < E.",
    'summer(C) :- decided(C, D), D >= "2023-06-01", D < "2023-09-01".',
)


@pytest.fixture(scope="module")
def compiled():
    return program(*RULES, vocabulary=VOCABULARY)


def test_integer_comparisons_and_date_comparisons_follow_number_and_calendar_order(compiled):
    model = compiled.evaluate(
        {
            "person": [("a", 17), ("b", 18), ("c", 40)],
            "decided": [("x", "2023-06-01"), ("y", "2023-10-02"), ("z", "2023-09-30")],
        }
    )
    assert model.tuples("adult") == {("b",), ("c",)}
    assert model.tuples("before") == {("x", "y"), ("x", "z"), ("z", "y")}
    assert model.tuples("summer") == {("x",)}
    assert model.holds("before", ("x", "z")) and not model.holds("before", ("z", "x"))


def test_facts_may_be_any_iterables_of_tuples_or_lists(compiled):
    model = compiled.evaluate({"person": (row for row in [["a", 20], ("b", 3)])})
    assert model.tuples("adult") == {("a",)}


def test_facts_of_the_wrong_shape_or_type_are_refused_with_every_problem_listed(compiled):
    with pytest.raises(InvalidFacts) as caught:
        compiled.evaluate(
            {
                "person": [("a", "18"), ("b",), "c"],
                "decided": [("x", "2023-02-30"), ("y", "01/02/2023")],
                "adult": [("a",)],
                "persons": [("a", 1)],
            }
        )
    wheres = [p.where for p in caught.value.problems]
    assert wheres == [
        "adult",
        "decided[0].on",
        "decided[1].on",
        "person[0].age",
        "person[1]",
        "person[2]",
        "persons",
    ]
    text = str(caught.value)
    assert "derived by rules" in text and "unknown predicate 'persons'" in text
    assert "not an ISO date" in text and "not an integer" in text


def test_outputs_limit_evaluation_to_what_they_depend_on(compiled):
    model = compiled.evaluate(
        {"person": [("a", 30)], "decided": [("x", "2023-07-01")]}, outputs=["adult"]
    )
    assert model.tuples("adult") == {("a",)}
    assert model.tuples("decided") == {("x", "2023-07-01")}  # inputs stay visible
    with pytest.raises(KeyError, match="not evaluated"):
        model.tuples("summer")
    assert set(model.to_dict()) == {"adult", "decided", "person"}
    with pytest.raises(KeyError):
        compiled.evaluate({}, outputs=["nothing"])


def test_outputs_include_the_predicates_an_output_depends_on_through_negation():
    compiled = program("a(X) :- p(X), not b(X).", "b(X) :- q(X).", "c(X) :- p(X).")
    model = compiled.evaluate({"p": [(1,), (2,)], "q": [(2,)]}, outputs=["a"])
    assert model.tuples("a") == {(1,)} and model.tuples("b") == {(2,)}
    with pytest.raises(KeyError):
        model.tuples("c")


def test_facts_written_in_the_program_are_derived_tuples():
    compiled = program(
        'rank(reviewer, 2). rank(approver, 3). rank("审核人", 2).',
        "senior(R) :- holds(R), rank(R, N), N > 2.",
    )
    model = compiled.evaluate({"holds": [("reviewer",), ("approver",)]})
    assert model.tuples("rank") == {("reviewer", 2), ("approver", 3), ("审核人", 2)}
    assert model.tuples("senior") == {("approver",)}
    assert model.explain("rank", ("approver", 3)).rule.id == "r0#2"


def test_predicates_of_arity_zero_hold_or_not():
    compiled = program("any_fault :- fault(_).", "clean :- not any_fault.")
    assert compiled.evaluate({"fault": [("x",)]}).tuples("any_fault") == {()}
    model = compiled.evaluate({})
    assert model.holds("clean", ()) and not model.holds("any_fault", ())


def test_without_a_vocabulary_signatures_are_inferred_from_use():
    compiled = program("r(X, Y) :- p(X), q(X, Y).")
    kinds = {name: (s.kind, s.arity) for name, s in compiled.predicates.items()}
    assert kinds == {"r": ("derived", 2), "p": ("input", 1), "q": ("input", 2)}


def test_unknown_predicates_are_refused_by_model_queries(compiled):
    model = compiled.evaluate({})
    with pytest.raises(KeyError):
        model.tuples("nothing")
    with pytest.raises(KeyError):
        model.holds("nothing", ())


def test_a_program_can_be_pickled_and_evaluates_the_same_after(compiled):
    again = pickle.loads(pickle.dumps(compiled))
    facts = {"person": [("a", 30)]}
    assert again.evaluate(facts).to_dict() == compiled.evaluate(facts).to_dict()
    assert again.name == compiled.name and again.fingerprint == compiled.fingerprint


def test_the_program_name_defaults_to_its_file_and_can_be_given():
    assert program("r(X) :- p(X).", file="policy/x/art_3.yaml").name == "policy/x/art_3.yaml"
    named = compile_program([RuleSource("a", "r(X) :- p(X).")], name="wenshui")
    assert named.name == "wenshui"


def test_fired_lists_the_bindings_of_every_rule_instance_whose_body_holds():
    compiled = program("r(X, Y) :- e(X, Y).\nr(X, Y) :- e(X, Z), r(Z, Y).", "flag :- e(_, _).")
    model = compiled.evaluate({"e": [(2, 3), (1, 2)]})
    assert model.fired("r0#1") == [{"X": 1, "Y": 2}, {"X": 2, "Y": 3}]
    assert model.fired("r0#2") == [{"X": 1, "Z": 2, "Y": 3}]
    assert model.fired("r0") == model.fired("r0#1") + model.fired("r0#2")
    assert model.fired("r1") == [{}]
    assert compiled.evaluate({}).fired("r1") == []
    with pytest.raises(KeyError):
        model.fired("nope")


def test_fired_ids_names_exactly_the_rules_and_sources_that_fired_finds_instances_of():
    compiled = program(
        "r(X, Y) :- e(X, Y).\nr(X, Y) :- e(X, Z), r(Z, Y).", "flag :- e(_, _).", "g(X) :- e(X, X)."
    )
    model = compiled.evaluate({"e": [(1, 2)]})
    assert model.fired_ids() == {"r0", "r0#1", "r1"}
    ids = {"r0", "r0#1", "r0#2", "r1", "r2"}
    assert model.fired_ids() == {i for i in ids if model.fired(i)}
    assert compiled.evaluate({}).fired_ids() == set()
    with pytest.raises(KeyError, match="not evaluated"):
        compiled.evaluate({"e": [(1, 2)]}, outputs=["flag"]).fired_ids()


def test_fired_reports_dates_as_iso_text_and_refuses_rules_that_were_not_evaluated(compiled):
    model = compiled.evaluate({"decided": [("x", "2023-07-01")]}, outputs=["summer"])
    assert model.fired("r2") == [{"C": "x", "D": "2023-07-01"}]
    with pytest.raises(KeyError, match="not evaluated"):
        model.fired("r0")
