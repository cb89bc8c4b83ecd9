"""Derivation trees and why-not answers: complete, readable in zh and en, and deterministic."""

from __future__ import annotations

import json
import random

import pytest
from dl_helpers import sig

from engine.datalog import RuleSource, compile_program

SOURCES = [
    RuleSource(
        "art11_default",
        "responsible(C, P, leading) :- role(C, P, approver), fault(C, K), K != minor, "
        "not misled(C, P).",
        "policy/art_11.yaml",
        12,
        15,
        cites=("art_11__intro",),
        reads={
            "zh": "审批人{P}对{K}过错负领导责任",
            "en": "Approver {P} is responsible for the {K} fault",
        },
    ),
    RuleSource(
        "art11_p1_misled",
        "misled(C, A) :- role(C, A, approver), role(C, H, handler), deceived(C, H, A).",
        "policy/art_11.yaml",
        20,
        15,
        cites=("art_11__point_1",),
        displaces=("art11_default",),
        reads={
            "zh": "承办人{H}故意隐瞒，致使审批人{A}作出错误决定",
            "en": "Handler {H} misled approver {A}",
        },
    ),
    RuleSource(
        "handler",
        "responsible(C, H, direct) :- role(C, H, handler), fault(C, _).",
        "policy/art_11.yaml",
        28,
        15,
        cites=("art_11__point_2",),
        reads={"zh": "承办人{H}负直接责任", "en": "Handler {H} is directly responsible"},
    ),
    RuleSource(
        "late",
        'late(C) :- decided(C, D), D > "2023-06-30".',
        "policy/art_12.yaml",
        5,
        15,
        reads={"en": "Case {C} was decided on {D}, after the deadline"},
    ),
]
VOCABULARY = {
    "role": sig("role", "input", "symbol", "symbol", "symbol"),
    "fault": sig("fault", "input", "symbol", "symbol"),
    "deceived": sig("deceived", "input", "symbol", "symbol", "symbol"),
    "decided": sig("decided", "input", "symbol", "date"),
    "responsible": sig("responsible", "derived", "symbol", "symbol", "symbol"),
    "misled": sig("misled", "derived", "symbol", "symbol"),
    "late": sig("late", "derived", "symbol"),
}
CASE = {
    "role": [("c1", "wang", "approver"), ("c1", "li", "handler"), ("c1", "zhao", "approver")],
    "fault": [("c1", "grave")],
    "deceived": [("c1", "li", "zhao")],
    "decided": [("c1", "2023-07-01")],
}


@pytest.fixture(scope="module")
def model():
    return compile_program(SOURCES, VOCABULARY).evaluate(CASE)


def leaves(node: dict):
    if node.get("source") == "input":
        yield node
        return
    for cond in node.get("conditions", []):
        if "derivation" in cond:
            yield from leaves(cond["derivation"])
        else:
            yield cond


def test_a_derivation_names_the_rule_its_citations_and_its_reading_with_the_bindings_filled_in(
    model,
):
    tree = model.explain("responsible", ("c1", "wang", "leading")).to_dict()
    assert tree["rule"]["id"] == "art11_default"
    assert tree["rule"]["cites"] == ["art_11__intro"]
    assert tree["rule"]["reading"] == {
        "en": "Approver wang is responsible for the grave fault",
        "zh": "审批人wang对grave过错负领导责任",
    }
    assert tree["bindings"] == {"C": "c1", "P": "wang", "K": "grave"}


def test_a_derivation_goes_down_to_input_facts_and_shows_comparisons_and_negations(model):
    tree = model.explain("responsible", ("c1", "wang", "leading")).to_dict()
    kinds = [c["kind"] for c in tree["conditions"]]
    assert kinds == ["atom", "atom", "comparison", "negation"]
    assert [leaf.get("atom") or leaf["text"] for leaf in leaves(tree)] == [
        "role(c1, wang, approver)",
        "fault(c1, grave)",
        "grave != minor",
        "misled(c1, wang)",
    ]
    assert tree["conditions"][0]["derivation"]["source"] == "input"


def test_the_english_rendering_says_because_and_shows_negation_as_no_such_fact(model):
    text = model.explain("responsible", ("c1", "wang", "leading")).render("en")
    assert text.splitlines()[0] == (
        "responsible(c1, wang, leading) holds by rule art11_default (cites art_11__intro): "
        "Approver wang is responsible for the grave fault"
    )
    assert "because:" in text
    assert "- role(c1, wang, approver) — a fact of the case" in text
    assert "- no misled(c1, wang) holds" in text
    assert "- grave != minor is true" in text


def test_the_chinese_rendering_says_yinwei_and_shows_negation_as_bu_cunzai(model):
    text = model.explain("responsible", ("c1", "wang", "leading")).render("zh")
    assert text.splitlines()[0].startswith(
        "responsible(c1, wang, leading) 成立，依据规则 art11_default"
    )
    assert "审批人wang对grave过错负领导责任" in text
    assert "因为：" in text
    assert "- 不存在 misled(c1, wang)" in text
    assert "案件事实" in text


def test_a_nested_derivation_explains_each_derived_body_atom_in_turn():
    model = compile_program(
        [
            RuleSource(
                "t",
                "r(X, Y) :- e(X, Y).\nr(X, Y) :- e(X, Z), r(Z, Y).",
                reads={"en": "{X} reaches {Y}"},
            )
        ]
    ).evaluate({"e": [(1, 2), (2, 3)]})
    tree = model.explain("r", (1, 3)).to_dict()
    assert tree["rule"]["id"] == "t#2"
    inner = tree["conditions"][1]["derivation"]
    assert inner["atom"] == "r(2, 3)" and inner["rule"]["id"] == "t#1"
    assert [leaf["atom"] for leaf in leaves(tree)] == ["e(1, 2)", "e(2, 3)"]


def test_explanations_over_a_cycle_are_finite_and_never_circular():
    model = compile_program(
        [RuleSource("t", "r(X, Y) :- e(X, Y).\nr(X, Y) :- e(X, Z), r(Z, Y).")]
    ).evaluate({"e": [(1, 2), (2, 3), (3, 1)]})

    def check(node, path):
        assert node["atom"] not in path, f"{node['atom']} explained by itself"
        for cond in node.get("conditions", []):
            if "derivation" in cond:
                check(cond["derivation"], path | {node["atom"]})

    for t in model.tuples("r"):
        check(model.explain("r", t).to_dict(), frozenset())


def test_why_not_reports_a_failed_negation_with_the_blocking_derivation_and_the_displacing_rule(
    model,
):
    (answer,) = model.why_not("responsible", ("c1", "zhao", "leading"))
    data = answer.to_dict()
    assert data["rule"]["id"] == "art11_default"
    assert data["failed"] == {
        "kind": "negation",
        "index": 3,
        "condition": "not misled(C, P)",
        "text": "misled(c1, zhao)",
    }
    assert data["bindings"] == {"C": "c1", "P": "zhao", "K": "grave"}
    assert data["blocked_by"]["rule"]["id"] == "art11_p1_misled"
    assert data["displaced_by"] == "art11_p1_misled"
    en = answer.render("en")
    assert "misled(c1, zhao) holds, so `not misled(c1, zhao)` fails" in en
    assert "rule art11_p1_misled is an exception that displaces rule art11_default" in en
    assert "Handler li misled approver zhao" in en
    zh = answer.render("zh")
    assert (
        "因为misled(c1, zhao) 成立" in zh and "承办人li故意隐瞒，致使审批人zhao作出错误决定" in zh
    )


def test_why_not_reports_the_first_atom_that_nothing_matches_with_the_bindings_so_far(model):
    (answer,) = model.why_not("responsible", ("c1", "li", "leading"))
    assert answer.failed_kind == "atom"
    assert answer.failed_text == "role(c1, li, approver)"
    assert answer.bindings == {"C": "c1", "P": "li"}
    assert "because nothing matches role(c1, li, approver) (with C = c1, P = li)" in answer.render()
    assert "因为不存在与 role(c1, li, approver) 相符的事实或结论" in answer.render("zh")


def test_why_not_reports_a_failing_comparison_with_the_values_it_compared():
    compiled = compile_program(SOURCES, VOCABULARY)
    model = compiled.evaluate(dict(CASE, fault=[("c1", "minor")], decided=[("c1", "2023-06-30")]))
    (answer,) = model.why_not("responsible", ("c1", "wang", "leading"))
    assert (answer.failed_kind, answer.failed_text) == ("comparison", "minor != minor")
    (late,) = model.why_not("late", ("c1",))
    assert late.failed_text == '"2023-06-30" > "2023-06-30"'
    assert late.bindings == {"C": "c1", "D": "2023-06-30"}


def test_why_not_only_considers_rules_whose_head_can_produce_the_tuple(model):
    answers = model.why_not("responsible", ("c1", "wang", "direct"))
    assert [a.rule.id for a in answers] == ["handler"]
    assert model.why_not("responsible", ("c1", "wang", "nonsense")) == []
    assert model.why_not("role", ("c1", "nobody", "handler")) == []


def test_explaining_a_tuple_that_does_not_hold_or_asking_why_not_for_one_that_does_is_an_error(
    model,
):
    with pytest.raises(KeyError):
        model.explain("responsible", ("c1", "zhao", "leading"))
    with pytest.raises(ValueError):
        model.why_not("responsible", ("c1", "wang", "leading"))
    with pytest.raises(ValueError):
        model.explain("responsible", ("c1", "wang"))
    with pytest.raises(ValueError):
        model.explain("late", ("c1",)).render("fr")


def test_dates_appear_as_iso_text_in_tuples_bindings_and_explanations(model):
    assert model.tuples("decided") == {("c1", "2023-07-01")}
    tree = model.explain("late", ("c1",))
    assert tree.bindings == {"C": "c1", "D": "2023-07-01"}
    assert tree.conditions[1].text == '"2023-07-01" > "2023-06-30"'
    assert "Case c1 was decided on 2023-07-01, after the deadline" in tree.render()


def test_a_missing_reading_in_one_language_falls_back_to_another(model):
    zh = model.explain("late", ("c1",)).render("zh")
    assert "Case c1 was decided on 2023-07-01" in zh


def test_explanations_are_json_serialisable(model):
    for name in ("responsible", "misled", "late"):
        for t in model.tuples(name):
            json.dumps(model.explain(name, t).to_dict(), ensure_ascii=False)
    json.dumps([a.to_dict() for a in model.why_not("responsible", ("c1", "zhao", "leading"))])
    json.dumps(model.to_dict())


def test_among_several_derivations_the_first_in_sorted_order_is_chosen():
    compiled = compile_program([RuleSource("r", "linked(X) :- edge(X, Y).")])
    model = compiled.evaluate({"edge": [("a", "z"), ("a", "m"), ("a", "b")]})
    assert model.explain("linked", ("a",)).bindings == {"X": "a", "Y": "b"}


def test_explanations_do_not_depend_on_the_order_of_facts_or_on_the_evaluation():
    def rendered(seed: int) -> list[str]:
        rnd = random.Random(seed)
        case = {k: rnd.sample(v, len(v)) for k, v in CASE.items()}
        case["role"] = case["role"] + [("c1", "sun", "approver"), ("c1", "qian", "handler")]
        rnd.shuffle(case["role"])
        model = compile_program(SOURCES, VOCABULARY).evaluate(case)
        out = []
        for name in ("responsible", "misled", "late"):
            for t in sorted(model.tuples(name)):
                out.append(model.explain(name, t).render("en"))
                out.append(json.dumps(model.explain(name, t).to_dict(), sort_keys=True))
        out += [a.render("zh") for a in model.why_not("responsible", ("c1", "zhao", "leading"))]
        return out

    first = rendered(0)
    assert all(rendered(seed) == first for seed in range(1, 6))


def test_the_model_lists_every_predicate_as_sorted_tuples(model):
    data = model.to_dict()
    assert data["responsible"] == [
        ("c1", "li", "direct"),
        ("c1", "wang", "leading"),
    ]
    assert data["misled"] == [("c1", "zhao")]
    assert data["role"] == sorted(CASE["role"])
