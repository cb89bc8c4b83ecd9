"""Divergence witnesses: for every reading of every interpretation parameter, a committed case on
which it changes the answer (or a justified no-effect), and for a changed rule, a case that moves.

The committed witness fixtures are replayed under both readings; the search itself is run on a few
candidates (the whole search runs in `accountability fixtures --check`, see test_fixtures.py).
"""

from __future__ import annotations

import json
import shutil
from functools import cache
from pathlib import Path

import pytest
from paths import POLICY_DIR, ROOT
from test_diff import bump, edit_yaml, git, rule, run_cli

from engine.answer import answer_case
from engine.answer.summary import summarize
from engine.files.schemas import validator
from engine.policy.load import load_policy
from engine.problems import ProblemsError
from engine.review.outcomes import compare_runs, run_case
from engine.review.sides import CaseSpec
from generators.fixtures.build import load_fixture_files, load_no_witness
from generators.fixtures.coverage import coverage, parameter_coverage
from generators.fixtures.witnesses import (
    Alternative,
    Candidate,
    alternatives,
    candidates,
    case_size,
    render_rule_witnesses,
    search_one,
    unread_member,
)

FIXTURES_DIR = ROOT / "tests" / "fixtures"
CHANGED_RULE = "art11_p3_reviewer_overturned"


@cache
def policy():
    return load_policy()


@cache
def fixtures() -> list[dict]:
    return load_fixture_files(FIXTURES_DIR)


def witness_fixtures() -> list[dict]:
    return [f for f in fixtures() if f["source"] == "witness"]


def test_every_witness_answers_differently_under_its_reading_than_under_the_default() -> None:
    witnesses = witness_fixtures()
    assert len(witnesses) >= 40
    for f in witnesses:
        w = f["witness"]
        reading = {w["parameter"]: w["alternative"]}
        # the default side replays in test_fixtures.py like every fixture's `expected`
        if w["status"] == "refused":
            with pytest.raises(ProblemsError):
                answer_case(policy(), f["case"], as_of=f["as_of"], parameters=reading)
            assert w["expected"] is None
        else:
            other = answer_case(policy(), f["case"], as_of=f["as_of"], parameters=reading)
            assert summarize(other.to_dict()) == w["expected"], f["id"]
        assert f["parameters"] == {} and f["expected"] != w["expected"], f["id"]
        assert w["changes"]
        assert all(c["headline"]["zh"] and c["headline"]["en"] for c in w["changes"])


def test_witness_fixtures_are_tagged_with_their_parameter_and_reading_and_valid() -> None:
    check = validator("fixture")
    for f in witness_fixtures():
        assert (
            f["id"]
            == f"witness--{f['witness']['parameter'].replace('_', '-')}--{f['witness']['slug']}"
        )
        assert f["witness"]["parameter"] in policy().parameter_index
        assert not list(check.iter_errors(f)), f["id"]


def test_every_parameter_reading_is_witnessed_or_its_no_effect_is_justified() -> None:
    report = parameter_coverage(policy(), fixtures(), load_no_witness(FIXTURES_DIR))
    assert report["missing"] == []
    assert report["unknown_justifications"] == []
    assert report["share"] == 100.0
    assert report["witnessed"] >= 40


def test_coverage_reports_a_reading_with_neither_witness_nor_justification_as_missing() -> None:
    without = [f for f in fixtures() if f["id"] != witness_fixtures()[0]["id"]]
    gone = witness_fixtures()[0]["witness"]
    report = coverage(policy(), without, load_no_witness(FIXTURES_DIR))
    assert {"parameter": gone["parameter"], "alternative": gone["slug"]} in [
        {k: m[k] for k in ("parameter", "alternative")} for m in report["parameters"]["missing"]
    ]
    assert report["complete"] is False


def test_the_readings_of_each_kind_of_parameter_are_every_value_but_the_default() -> None:
    enum = {
        "id": "e",
        "type": "enum",
        "default": "a",
        "options": [{"value": v, "label": {"zh": v, "en": v}} for v in ("a", "b_c", "d")],
    }
    assert [a.slug for a in alternatives(enum)] == ["b-c", "d"]
    assert [a.value for a in alternatives({"id": "b", "type": "boolean", "default": True})] == [
        False
    ]
    integer = {"id": "i", "type": "integer", "default": 2, "minimum": 2}
    assert [a.value for a in alternatives(integer)] == [3]
    unlimited = {"id": "n", "type": "integer", "default": None, "minimum": 1, "nullable": True}
    assert [a.value for a in alternatives(unlimited)] == [1]
    listed = {"id": "l", "type": "list", "default": ["x"], "items": {"enum": ["x", "y"]}}
    assert [(a.slug, a.value) for a in alternatives(listed)] == [
        ("without-x", []),
        ("with-y", ["x", "y"]),
    ]


def test_a_list_member_no_rule_names_is_a_no_effect_found_without_running_a_case() -> None:
    definition = policy().parameter_index["art7_art8_computed_items"]
    added = next(a for a in alternatives(definition) if a.slug == "with-art-7--point-4")
    assert unread_member(policy(), added) == "art_7__point_4"
    removed = next(a for a in alternatives(definition) if a.slug == "without-art-8--point-8")
    assert unread_member(policy(), removed) is None


def test_the_search_returns_the_smallest_case_that_changes_the_answer() -> None:
    by_id = {f["id"]: f for f in fixtures()}
    chosen = [
        "art19-appeal-across-spring-festival",  # an appeal: the unit of days moves its deadline
        "art15-review-across-national-day",  # no appeal: the reading changes nothing here
    ]
    pool = sorted(
        (
            Candidate(
                i,
                by_id[i]["case"],
                by_id[i]["as_of"],
                case_size(by_id[i]["case"]),
                frozenset({"art19_appeal_day_unit"}),
                frozenset({"art19_appeal_day_unit"}),
            )
            for i in chosen
        ),
        key=lambda c: (c.size, c.id),
    )
    label = {"zh": "工作日", "en": "working days"}
    alt = Alternative("art19_appeal_day_unit", "working_days", "working-days", label)
    found = search_one(policy(), pool, alt, {})
    assert found.candidate is not None and found.candidate.id == chosen[0]
    assert any(c["section"] == "time_limits" for c in found.changes)
    nothing = search_one(policy(), [c for c in pool if c.id == chosen[1]], alt, {})
    assert nothing.candidate is None and nothing.bounds["cases"] == 1


def _candidates(ids: list[str], parameter: str) -> list[Candidate]:
    by_id = {f["id"]: f for f in fixtures()}
    aimed = frozenset({parameter})
    return sorted(
        (
            Candidate(
                i, by_id[i]["case"], by_id[i]["as_of"], case_size(by_id[i]["case"]), aimed, aimed
            )
            for i in ids
        ),
        key=lambda c: (c.size, c.id),
    )


def test_a_reading_rules_take_through_a_variable_is_found_on_a_case_where_a_verdict_moves() -> None:
    # Art. 11(6) reads the abstaining member's parameter as param(Q, …), Q bound by vote_parameter
    pool = _candidates(
        [
            "art11_p6_abstain_absent_not_responsible--fires",  # smaller, no fault: only a flag moves
            "art11-p6-collective-decision",  # the abstaining member becomes secondarily responsible
        ],
        "art11_point6_abstained",
    )
    definition = policy().parameter_index["art11_point6_abstained"]
    alt = next(a for a in alternatives(definition) if a.value == "secondary")
    found = search_one(policy(), pool, alt, {})
    assert found.candidate is not None and found.candidate.id == "art11-p6-collective-decision"
    assert any(
        c["section"] == "verdicts" and c["key"]["person"] == "sun_mei" for c in found.changes
    )
    flag_only = search_one(policy(), pool[:1], alt, {})
    assert flag_only.candidate is not None and flag_only.candidate.id == pool[0].id
    assert {c["section"] for c in flag_only.changes} <= {"verdicts", "open_points"}


def test_a_worked_example_is_tried_for_the_parameters_of_the_provisions_it_cites() -> None:
    pool = {c.id: c for c in candidates(policy(), fixtures())}
    example = pool["art16-support-relation-not-a-close-relative"]
    assert "art16_close_relatives_definition" in example.cited
    assert "art16_close_relatives_definition" not in example.aimed


def test_a_reading_of_the_art13_forms_changes_the_compared_outcome_with_a_sentence_saying_how() -> (
    None
):
    example = next(f for f in fixtures() if f["id"] == "art13-forms-for-responsible-person")
    spec = CaseSpec(example["id"], "fixture", example["case"], example["as_of"], {})
    before = run_case(policy(), spec, example["as_of"])
    single = CaseSpec(
        example["id"],
        "fixture",
        example["case"],
        example["as_of"],
        {"art13_forms_combinable": False},
    )
    after = run_case(policy(), single, example["as_of"])
    assert before["summary"]["sanctions"][0]["combinable"] is True
    assert after["summary"]["sanctions"][0]["combinable"] is False
    (change,) = compare_runs(spec, before, after, policy().labels)
    assert change["section"] == "sanctions"
    assert "may no longer be combined" in change["headline"]["en"]
    assert "不得合并适用" in change["headline"]["zh"]


@pytest.fixture
def rule_change_repo(tmp_path) -> Path:
    """A git repository with this policy, then a commit that changes one rule: a reviewer who
    overturned a correct opinion is responsible under Art. 11(3) only when acting intentionally."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    policy_dir = root / "policy" / POLICY_DIR.name
    shutil.copytree(POLICY_DIR, policy_dir)
    git(root.parent, "init", "-q", str(root))
    git(root, "add", "-A")
    git(root, "commit", "-qm", "the policy")

    def only_intentional(article):
        r = rule(article, CHANGED_RULE)
        r["datalog"] = r["datalog"].rstrip().rstrip(".") + ", culpability(A, R, intent).\n"

    edit_yaml(policy_dir / "articles/art_11.yaml", only_intentional)
    bump(policy_dir, ["art_11__point_3"])
    git(root, "commit", "-qam", "Art. 11(3) only for intent")
    return root


def test_diff_with_witness_prints_a_case_whose_outcome_moves_for_the_changed_rule(
    rule_change_repo, capsys
):
    argv = ["diff", "HEAD~1", "HEAD", "--witness", "--repo", str(rule_change_repo)]
    code, out, err = run_cli([*argv, "--format", "json"], capsys)
    assert code == 0, err
    report = json.loads(out)
    (witness,) = [w for w in report["witnesses"] if w["rule"] == CHANGED_RULE]
    assert witness["changes"] and witness["case"]["people"]
    assert any(c["section"] == "verdicts" for c in witness["changes"])
    text = render_rule_witnesses(report["witnesses"], "en")
    line = text.split(f"{CHANGED_RULE}:")[1].split("\n")[0]
    assert witness["case_id"] in line and "people/acts/facts" in line
