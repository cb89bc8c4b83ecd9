"""generators.cases.per_rule: a minimal case per rule, and one variant per failing condition.

Every generated case is checked here as a user's case would be: validated by engine.case.load and
evaluated by engine.answer.query (the public path, not the generator's own fast one), and the rule's
conclusion must come out as recorded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from engine.answer.query import run_query
from engine.case.load import load_case
from engine.policy.load import load_policy
from generators.cases.domain import NOT_GENERATED
from generators.cases.per_rule import generate, generate_rule_fixtures

REPO = Path(__file__).resolve().parent.parent
# rules of every kind (facts, comparisons, negations, parameters, dates, recursion): used where a
# second generation is needed, to keep the suite fast
SAMPLE = [
    "art11_p3_reviewer_overturned",
    "art11_p4_approver_overturned",
    "art11_p6_chain_displaced",
    "art15_overdue_undone",
    "art16_p3_reverse_relation",
    "art7_p3_too_few_inspectors",
    "art8_p1_late_submission",
    "art9_p3_repeat_offence",
    "art19_appeal_expired",
    "art7_p1_is_enforcement_point",
]


@pytest.fixture(scope="module")
def policy():
    return load_policy()


@pytest.fixture(scope="module")
def generation(policy):
    return generate(policy)


@pytest.fixture(scope="module")
def fixtures(generation):
    return generation.fixtures


def test_every_rule_has_a_case_that_makes_it_fire_unless_listed_with_a_reason(policy, generation):
    fires = {f["rule"] for f in generation.fixtures if f["polarity"] == "applies"}
    rules = {r.id for r in policy.program.rules}
    assert generation.not_generated == NOT_GENERATED
    assert fires | set(NOT_GENERATED) == rules
    assert all(reason for reason in NOT_GENERATED.values())


def test_every_generated_case_is_a_valid_case_file(fixtures):
    for f in fixtures:
        load_case(json.loads(json.dumps(f["case"])))  # raises ProblemsError naming the problem


def test_every_generated_case_evaluates_to_the_recorded_outcome(policy, fixtures):
    wrong = []
    for f in fixtures:
        model = run_query(policy, f["case"], f["as_of"], f["parameters"]).model
        target = f["target"]
        if model.holds(target["predicate"], tuple(target["args"])) != target["holds"]:
            wrong.append(f["id"])
    assert wrong == []


def test_a_fires_case_concludes_its_rule_and_a_variant_names_the_condition_that_fails(
    policy, fixtures
):
    rules = {r.id: r for r in policy.program.rules}
    for f in fixtures:
        rule = rules[f["rule"]]
        assert f["target"]["predicate"] == rule.head.predicate
        assert f["eids"] == list(rule.cites)
        if f["polarity"] == "applies":
            assert f["id"] == f"{rule.id}--fires"
            assert f["condition"] is None and f["target"]["holds"] is True
        else:
            index = f["condition"]["index"]
            assert f["id"].startswith(f"{rule.id}--without-{index}-")
            assert f["condition"]["text"] == str(rule.body[index - 1])


def test_fixture_ids_are_unique_and_each_case_is_named_after_its_fixture(fixtures):
    counts = Counter(f["id"] for f in fixtures)
    assert [i for i, n in counts.items() if n > 1] == []
    assert all(f["case"]["case"]["id"] == f["id"] for f in fixtures)


def test_only_readings_that_differ_from_the_default_are_recorded(policy, fixtures):
    defaults = {pid: p["default"] for pid, p in policy.parameter_index.items()}
    for f in fixtures:
        for pid, value in f["parameters"].items():
            assert value != defaults[pid], (f["id"], pid)


def test_nobody_is_in_a_generated_case_for_nothing(fixtures):
    """Everyone listed has a fact of their own (staff, a post, a certificate) or is named
    somewhere else in the case."""
    for f in fixtures:
        case = f["case"]
        rest = json.dumps({k: v for k, v in case.items() if k != "people"})
        idle = [
            p["id"]
            for p in case["people"]
            if p.get("staff") is False
            and "post" not in p
            and not p.get("enforcement_officer")
            and f'"{p["id"]}"' not in rest
            and p["id"] != "placeholder"
        ]
        assert idle == [], f["id"]


def test_sentences_say_in_both_languages_which_rule_and_whether_its_conclusion_holds(fixtures):
    for f in fixtures:
        assert f["rule"] in f["sentence"]["zh"] and f["rule"] in f["sentence"]["en"]
        if f["polarity"] == "does_not_apply":
            assert ("still holds" in f["sentence"]["en"]) == f["target"]["holds"]
            assert ("仍因其他规则" in f["sentence"]["zh"]) == f["target"]["holds"]


def test_a_variant_keeps_the_readings_of_its_fires_case(fixtures):
    """Only a condition on a parameter, or a negated conclusion that needs another reading to
    hold, may change a reading the fires case took."""
    fires = {f["rule"]: f for f in fixtures if f["polarity"] == "applies"}
    for f in fixtures:
        if f["polarity"] == "applies" or f["condition"]["text"].startswith(
            ("param(", "param_member(", "param_int(", "not ")
        ):
            continue
        base = fires[f["rule"]]["parameters"]
        assert {k: v for k, v in f["parameters"].items() if k in base} == base, f["id"]


def test_a_second_run_gives_the_same_fixtures_whichever_rules_it_covers(policy, fixtures):
    """Deterministic, and each rule's cases independent of the other rules generated with it."""
    again = generate(policy, SAMPLE).fixtures
    assert again == [f for f in fixtures if f["rule"] in SAMPLE]


def test_generation_does_not_depend_on_the_process_or_its_hash_seed(fixtures):
    script = (
        "import json, sys\n"
        "from engine.policy.load import load_policy\n"
        "from generators.cases.per_rule import generate\n"
        f"g = generate(load_policy(), {SAMPLE!r})\n"
        "json.dump(g.fixtures, sys.stdout, ensure_ascii=False, sort_keys=True)\n"
    )
    env = dict(os.environ, PYTHONHASHSEED="12345")
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    expected = [f for f in fixtures if f["rule"] in SAMPLE]
    assert json.loads(done.stdout) == json.loads(json.dumps(expected, sort_keys=True))


def test_the_fixture_list_for_the_build_is_the_generation_sorted_by_id(
    policy, generation, monkeypatch
):
    import generators.cases.per_rule as module

    monkeypatch.setattr(module, "generate", lambda _policy: generation)
    listed = generate_rule_fixtures(policy)
    assert [f["id"] for f in listed] == sorted(f["id"] for f in generation.fixtures)
    assert sorted(listed, key=lambda f: f["id"]) == sorted(
        generation.fixtures, key=lambda f: f["id"]
    )
