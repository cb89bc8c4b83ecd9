"""The Datalog grammar: what it accepts, what it rejects, and where it says the problem is."""

from __future__ import annotations

import pytest

from engine.datalog import Comparison, Const, Negated, Positive, RuleSource, Var, parse_rules


def parse_one(text: str, line: int = 1, column: int = 1):
    rules, problems = parse_rules([RuleSource("r", text, "art.yaml", line, column)])
    return rules, problems


def test_a_rule_with_atoms_negation_comparisons_and_chinese_text_parses_into_its_parts():
    rules, problems = parse_one(
        'head(X, Y) :- body(X, Z), other(Z, Y), not excluded(X), Y != Z, X = "文水县", Z < -3.'
    )
    assert problems == []
    (rule,) = rules
    assert rule.head.predicate == "head"
    assert rule.head.args == (Var("X"), Var("Y"))
    kinds = [type(c) for c in rule.body]
    assert kinds == [Positive, Positive, Negated, Comparison, Comparison, Comparison]
    assert rule.body[4].right == Const("文水县", quoted=True)
    assert rule.body[5].right == Const(-3)


def test_atoms_and_quoted_strings_are_the_same_value_and_integers_are_ints():
    rules, _ = parse_one('p(a, "a", 42, "42").')
    values = [arg.value for arg in rules[0].head.args]
    assert values == ["a", "a", 42, "42"]
    assert isinstance(values[2], int) and isinstance(values[3], str)


def test_a_string_that_looks_like_a_variable_stays_a_constant():
    rules, _ = parse_one('p("X", "_").')
    assert rules[0].head.args == (Const("X", quoted=True), Const("_", quoted=True))


def test_each_underscore_is_a_distinct_anonymous_variable():
    rules, _ = parse_one("p(X) :- q(X, _, _).")
    first, second = rules[0].body[0].atom.args[1:]
    assert first.anonymous and second.anonymous and first != second


def test_comments_escapes_and_backslash_plus_negation_are_understood():
    text = '% a comment line\np(X) :- q(X), \\+ r(X). % trailing\ns("say \\"hi\\"\\n").'
    rules, problems = parse_one(text)
    assert problems == []
    assert isinstance(rules[0].body[1], Negated)
    assert rules[1].head.args[0].value == 'say "hi"\n'


def test_names_that_start_with_not_are_ordinary_predicates():
    rules, problems = parse_one("notable(X) :- nothing(X), not note(X).")
    assert problems == []
    assert rules[0].head.predicate == "notable"
    assert isinstance(rules[0].body[0], Positive) and rules[0].body[0].atom.predicate == "nothing"


def test_arity_zero_atoms_may_be_written_with_or_without_parentheses():
    rules, problems = parse_one("flag :- q(_). other() :- flag.")
    assert problems == []
    assert rules[0].head.arity == 0 and rules[1].head.arity == 0


def test_a_source_with_several_clauses_numbers_its_rules():
    rules, problems = parse_rules(
        [RuleSource("tc", "t(X, Y) :- e(X, Y).\nt(X, Y) :- e(X, Z), t(Z, Y).")]
    )
    assert problems == []
    assert [r.id for r in rules] == ["tc#1", "tc#2"]


def test_rules_are_located_in_the_file_that_holds_their_text():
    rules, _ = parse_one("p(X) :- q(X).\n  r(X) :- p(X).", line=20, column=15)
    assert (rules[0].pos.line, rules[0].pos.column) == (20, 15)
    assert (rules[1].pos.line, rules[1].pos.column) == (21, 17)


def test_evaluation_order_puts_atoms_before_comparisons_before_negations():
    rules, _ = parse_one("p(X) :- not q(X), X != 2, r(X).")
    order = [type(c) for c in rules[0].ordered_body]
    assert order == [Positive, Comparison, Negated]


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("p(X) :- q(X)", 13, "ends"),
        ("p(X) :- q(X) r(X).", 14, "unexpected 'r'"),
        ("p('a').", 3, "single quotes"),
        ("p(X) :- q（X）.", 10, "full-width"),
        ("p(X) :- q(X), X == 1.", 18, "`==` is not Datalog"),
        ('p("open).', 3, "unterminated string"),
        ("P(X) :- q(X).", 1, "syntax error"),
    ],
)
def test_syntax_errors_are_located_in_the_file_and_say_what_is_wrong(text, column, fragment):
    rules, problems = parse_one(text, line=7, column=1)
    assert rules == []
    (problem,) = problems
    assert (problem.file, problem.line, problem.column) == ("art.yaml", 7, column)
    assert problem.where == "rule r"
    assert problem.code == "syntax"
    assert fragment in problem.message


def test_a_syntax_error_on_a_later_line_is_reported_on_that_line_of_the_file():
    _, problems = parse_one("p(X) :- q(X).\nr(X) :- s(X) t.", line=30, column=5)
    assert (problems[0].line, problems[0].column) == (31, 18)


@pytest.mark.parametrize("text", ["p(X) :- q(X), X > 1.5.", "p(1.0).", "p(X) :- q(X), X < -2.5."])
def test_floats_are_rejected_with_a_message_saying_there_are_none(text):
    _, problems = parse_one(text)
    assert [p.code for p in problems] == ["float"]
    assert "floating-point" in problems[0].message


@pytest.mark.parametrize(
    "text", ["p(X + 1) :- q(X).", "p(Y) :- q(X, Y), Y > X * 2.", "p(X) :- q(X, Y), X = Y - 1."]
)
def test_arithmetic_is_rejected_with_a_message_saying_it_is_unsupported(text):
    _, problems = parse_one(text)
    assert [p.code for p in problems] == ["arithmetic"]
    assert "not supported" in problems[0].message


def test_an_empty_text_is_an_error_not_an_empty_rule():
    rules, problems = parse_one("% only a comment\n")
    assert rules == [] and problems[0].code == "syntax"


def test_rules_print_back_as_datalog_text():
    text = 'p(X, "文 水") :- q(X, _), not r(X), X != a.'
    rules, _ = parse_one(text)
    assert str(rules[0]) == text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("n(C) :- C = count : { e(_) }.", "count"),
        ("s(S) :- S = sum X : { e(X) }.", "sum"),
        ("n(C) :- C = #count{ X : e(X) }.", "count"),
        ("m(M) :- e(X), M = min(X).", "min"),
    ],
)
def test_aggregates_of_several_dialects_are_rejected_as_aggregates_not_as_bare_syntax_errors(
    text, name
):
    _, problems = parse_one(text)
    assert [p.code for p in problems] == ["aggregate"]
    assert problems[0].message == f"aggregate `{name}` is not supported"


def test_a_predicate_called_count_is_an_ordinary_predicate():
    rules, problems = parse_one("p(X) :- q(X), count(X).")
    assert problems == [] and rules[0].body[1].atom.predicate == "count"


def test_syntax_errors_never_suggest_arithmetic_operators():
    _, problems = parse_one("p(X) :- q(X) r(X).")
    assert "`+`" not in problems[0].expected and "`*`" not in problems[0].expected
