"""Static checks: a rule with any listed fault is rejected before anything runs, at its spot."""

from __future__ import annotations

import pytest
from dl_helpers import problems_of, program, sig

from engine.datalog import RuleSource, check_program, compile_program, parse_rules
from engine.problems import ProblemsError

VOCABULARY = {
    "role": sig("role", "input", "symbol", "symbol", "symbol", names=("case", "person", "role")),
    "age": sig("age", "input", "symbol", "integer"),
    "decided": sig("decided", "input", "symbol", "date"),
    "note": sig("note", "input", "symbol", "string"),
    "parent": sig("parent", "input", "symbol", "symbol", acyclic=True),
    "responsible": sig("responsible", "derived", "symbol", "symbol"),
    "late": sig("late", "derived", "symbol"),
    "ghost": sig("ghost", "derived", "symbol"),
}


def only(problems, code):
    found = [p for p in problems if p.code == code]
    assert found, f"no {code} problem among {[p.format() for p in problems]}"
    return found


def test_every_error_is_formatted_as_file_line_column_rule_id_message():
    (problem,) = problems_of("p(X) :- q(Y).")
    assert problem.format().startswith("policy/art.yaml:1:7: rule r0: head variable X")


def test_a_head_variable_not_bound_by_a_positive_atom_is_rejected_at_the_head():
    (problem,) = only(problems_of("ok.", "p(X, Y) :- q(X)."), "unsafe-head")
    assert (problem.line, problem.column, problem.where) == (11, 7, "rule r1")
    assert "Y" in problem.message


def test_a_head_variable_bound_only_under_not_is_rejected_and_the_message_says_why():
    (problem,) = only(problems_of("p(X) :- q(Y), not r(X)."), "unsafe-head")
    assert "only under `not`" in problem.message


def test_a_comparison_variable_bound_nowhere_is_rejected_at_the_comparison():
    (problem,) = only(problems_of("p(X) :- q(X), X < Y."), "unsafe-comparison")
    assert (problem.line, problem.column) == (1, 21)


def test_a_named_variable_that_occurs_only_under_not_is_an_error_but_underscore_is_allowed():
    (problem,) = only(problems_of("p(X) :- q(X), not r(X, Y)."), "unsafe-negation")
    assert "`_`" in problem.expected
    assert program("p(X) :- q(X), not r(X, _).").warnings == []


def test_underscore_in_a_head_or_a_comparison_is_rejected():
    codes = {p.code for p in problems_of("p(_) :- q(X).", "s(X) :- q(X), X != _.")}
    assert {"anonymous-head", "anonymous-comparison"} <= codes


def test_inconsistent_arity_without_a_vocabulary_points_at_the_second_use_and_names_the_first():
    (problem,) = only(problems_of("p(X) :- q(X).", "s(X) :- q(X, X)."), "arity")
    assert (problem.line, problem.where) == (11, "rule r1")
    assert "policy/art.yaml:1:15" in problem.message


def test_arity_different_from_the_vocabulary_is_rejected():
    (problem,) = only(problems_of("late(C) :- role(C, P).", vocabulary=VOCABULARY), "arity")
    assert "role(case, person, role)" in problem.expected


def test_a_predicate_missing_from_the_vocabulary_is_rejected():
    (problem,) = only(
        problems_of("late(C) :- rolle(C, P, R).", vocabulary=VOCABULARY), "unknown-predicate"
    )
    assert "rolle" in problem.message and problem.column == 18


def test_recursion_through_negation_is_rejected_and_the_cycle_is_reported():
    problems = only(
        problems_of("a(X) :- b(X), not c(X).", "c(X) :- b(X), d(X).", "d(X) :- a(X)."),
        "negation-cycle",
    )
    assert len(problems) == 1
    assert "a → not c → d → a" in problems[0].message
    assert (problems[0].line, problems[0].column) == (1, 21)


def test_a_predicate_negating_itself_is_rejected():
    only(problems_of("p(X) :- q(X), not p(X)."), "negation-cycle")


def test_an_input_predicate_in_a_head_or_as_a_fact_is_rejected():
    problems = only(
        problems_of(
            "role(C, P, x) :- late(C), age(P, 3).",
            "role(c, p, x).",
            "late(c).",
            vocabulary=VOCABULARY,
        ),
        "input-in-head",
    )
    assert [p.where for p in problems] == ["rule r0", "rule r1"]


def test_a_derived_predicate_that_no_rule_defines_is_rejected_where_it_is_used():
    (problem,) = only(
        problems_of("late(C) :- role(C, P, R), not ghost(P).", vocabulary=VOCABULARY),
        "undefined-derived",
    )
    assert "ghost" in problem.message


def test_unused_input_predicates_are_warnings_not_errors():
    compiled = program("late(C) :- role(C, P, R).", vocabulary=VOCABULARY)
    unused = {p.where for p in compiled.warnings if p.code == "unused-input"}
    assert unused == {"predicate age", "predicate decided", "predicate note", "predicate parent"}
    assert all(p.severity == "warning" for p in compiled.warnings)


@pytest.mark.parametrize(
    "text",
    [
        'late(C) :- age(C, A), A < "ten".',
        "late(C) :- age(C, A), role(C, P, R), A = R.",
        "late(C) :- decided(C, D), D > 20230101.",
        'late(C) :- decided(C, D), D > "2023-02-30".',
        "late(C) :- role(C, P, 3).",
        'late(C) :- age(C, "3").',
        "late(C) :- role(C, P, R), age(P, C).",
        "late(C) :- age(C, A), not role(C, A, _).",
        "late(C) :- decided(C, D), note(C, N), D = N.",
    ],
)
def test_comparisons_and_arguments_of_incompatible_types_are_rejected_when_types_are_known(text):
    (problem,) = only(problems_of(text, vocabulary=VOCABULARY), "type-mismatch")
    assert problem.line == 1 and problem.column > 7


def test_a_date_compared_with_an_iso_date_constant_and_symbols_with_strings_are_accepted():
    program(
        'late(C) :- decided(C, D), D >= "2023-06-01", note(C, N), role(C, P, R), N != R.',
        vocabulary=VOCABULARY,
    )


def test_types_of_derived_predicates_are_inferred_and_checked_across_rules():
    vocabulary = dict(VOCABULARY, older=sig("older", "derived", "symbol"))
    vocabulary["older"] = vocabulary["older"].__class__("older", 1, "derived")  # no declared types
    problems = problems_of(
        "older(A) :- age(C, A).", "late(C) :- older(X), role(C, X, R).", vocabulary=vocabulary
    )
    assert only(problems, "type-mismatch")


def test_every_error_of_a_program_is_reported_at_once_not_just_the_first():
    with pytest.raises(ProblemsError) as caught:
        program(
            "p(X) :- q(Y).", "r(X :- q(X).", "s(X) :- q(X), X > 1.5.", "t(X) :- q(X), not u(X, Y)."
        )
    codes = sorted(p.code for p in caught.value.problems)
    assert codes == ["float", "syntax", "unsafe-head", "unsafe-negation"]


def test_duplicate_rule_ids_are_rejected():
    sources = [RuleSource("same", "p(X) :- q(X)."), RuleSource("same", "r(X) :- q(X).")]
    with pytest.raises(ProblemsError) as caught:
        compile_program(sources)
    assert [p.code for p in caught.value.problems] == ["duplicate-rule-id"]


def test_check_program_returns_errors_and_warnings_without_raising():
    rules, _ = parse_rules([RuleSource("r", "late(C) :- role(C, P, R), X < 1.")])
    problems = check_program(rules, VOCABULARY)
    assert {p.code for p in problems if p.severity == "error"} == {"unsafe-comparison"}
    assert {p.code for p in problems if p.severity == "warning"} == {
        "unused-input",
        "undefined-derived",
    }


def test_a_malformed_vocabulary_is_reported():
    bad = {
        "p": sig("p", "input", "symbol", "colour"),
        "q": sig("q", "derived", "symbol", acyclic=True),
    }
    with pytest.raises(ProblemsError) as caught:
        compile_program([RuleSource("r", "q(X) :- p(X, Y).")], bad)
    messages = " | ".join(p.message for p in caught.value.problems)
    assert "unknown argument type 'colour'" in messages and "acyclic" in messages
